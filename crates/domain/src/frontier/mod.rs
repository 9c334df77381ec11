//! Where to fund support-to-registered training places. An allocation of N
//! places among trusts is measured two ways, shortage filled (higher is
//! better) and regional inequality of the rate after funding (lower is
//! better); the frontier is every pair neither beaten on both, found exactly
//! (`solve`), and named policies are placed on the same axes (`policies`).
//! The definitions are in `docs/METRICS.md` ("Policy frontier").

pub mod policies;
mod rows;
mod solve;

pub use rows::{
    MOST_PLACES_ON_A_PAGE, ObservedRates, SimulationRequest, TRUST_COLUMNS, TrustRow,
    ten_thousandths,
};
pub use solve::{FrontierPoint, frontier};

use std::collections::HashMap;
use thiserror::Error;

/// Completion rates, vacancies and shortage filled are whole numbers of
/// ten-thousandths, so every sum is exact.
pub const SCALE: i64 = 10_000;

/// One trust as the simulation reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Trust {
    /// The organisation code, as ESR gives it.
    pub org_code: String,
    /// The NHS England region.
    pub region: String,
    /// The trust type (acute, mental health, ...), carried to the outputs.
    pub trust_type: String,
    /// Support workers in post.
    pub support_workers: u32,
    /// Registered vacancies, in ten-thousandths of a whole-time equivalent.
    pub vacancies: i64,
    /// The share of support workers who move into a registered role in a year.
    pub transition_rate: f64,
    /// The most places this trust can take (default: its support workers).
    pub max_places: Option<u32>,
    /// The share of places that complete, in ten-thousandths (default: the run's).
    pub completion: Option<i64>,
}

/// A region: its trusts (by index), support workers and transitions now.
/// Regions are kept in order of name.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// The region's name.
    pub name: String,
    /// Its trusts, as indices into [`Instance::trusts`], in file order.
    pub trusts: Vec<usize>,
    /// Support workers in its trusts.
    pub support_workers: u64,
    /// The sum of transition rate times support workers over its trusts.
    pub transitions: f64,
}

/// Why a simulation cannot be run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum InstanceError {
    /// No trusts were given.
    #[error("there are no trusts to place places among")]
    NoTrusts,
    /// No places were asked for.
    #[error("the number of places must be at least 1")]
    NoPlaces,
    /// One organisation code twice.
    #[error("{0} is given twice")]
    TrustTwice(String),
    /// A region whose rate cannot be computed.
    #[error(
        "the region {0} has no support workers, so its rate is undefined: add its support workers or leave its trusts out"
    )]
    RegionWithoutSupportWorkers(String),
    /// More places than the caps allow.
    #[error(
        "{places} places are more than the caps allow ({allowed} in all): lower the number of places or raise max_places"
    )]
    TooManyPlaces {
        /// Places asked for.
        places: u64,
        /// The sum of the caps.
        allowed: u64,
    },
    /// A completion rate outside (0, 1].
    #[error("the completion rate must be more than 0 and at most 1")]
    BadCompletion,
}

/// Trusts, their regions and the number of places, checked.
#[derive(Debug, Clone)]
pub struct Instance {
    trusts: Vec<Trust>,
    regions: Vec<Region>,
    places: u32,
    region_of: Vec<usize>,
    caps: Vec<u32>,
    completion: Vec<i64>,
}

/// What an allocation achieves.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Shortage filled, in ten-thousandths of a place.
    pub shortage: i64,
    /// Regional inequality: the highest regional rate less the lowest.
    pub inequality: f64,
    /// Places by region, in the order of [`Instance::regions`].
    pub by_region: Vec<u64>,
}

impl Instance {
    /// Checks the trusts and the number of places; `completion` (in
    /// ten-thousandths) applies to trusts that give none.
    pub fn new(
        trusts: Vec<Trust>,
        places: u32,
        completion: i64,
    ) -> Result<Instance, InstanceError> {
        if trusts.is_empty() {
            return Err(InstanceError::NoTrusts);
        }
        if places == 0 {
            return Err(InstanceError::NoPlaces);
        }
        let mut seen = std::collections::HashSet::new();
        let mut names: Vec<&str> = trusts.iter().map(|t| t.region.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let mut regions: Vec<Region> = names
            .iter()
            .map(|n| Region {
                name: n.to_string(),
                trusts: Vec::new(),
                support_workers: 0,
                transitions: 0.0,
            })
            .collect();
        let by_name: HashMap<&str, usize> =
            names.iter().enumerate().map(|(g, n)| (*n, g)).collect();
        let mut region_of = Vec::with_capacity(trusts.len());
        let mut caps = Vec::with_capacity(trusts.len());
        let mut rates = Vec::with_capacity(trusts.len());
        for (i, t) in trusts.iter().enumerate() {
            if !seen.insert(t.org_code.as_str()) {
                return Err(InstanceError::TrustTwice(t.org_code.clone()));
            }
            let q = t.completion.unwrap_or(completion);
            if q <= 0 || q > SCALE {
                return Err(InstanceError::BadCompletion);
            }
            let g = by_name[t.region.as_str()];
            let r = &mut regions[g];
            r.trusts.push(i);
            r.support_workers += u64::from(t.support_workers);
            r.transitions += t.transition_rate * f64::from(t.support_workers);
            region_of.push(g);
            caps.push(t.max_places.unwrap_or(t.support_workers));
            rates.push(q);
        }
        if let Some(r) = regions.iter().find(|r| r.support_workers == 0) {
            return Err(InstanceError::RegionWithoutSupportWorkers(r.name.clone()));
        }
        let allowed: u64 = caps.iter().map(|c| u64::from(*c)).sum();
        if u64::from(places) > allowed {
            return Err(InstanceError::TooManyPlaces {
                places: places.into(),
                allowed,
            });
        }
        Ok(Instance {
            trusts,
            regions,
            places,
            region_of,
            caps,
            completion: rates,
        })
    }

    /// The trusts, in file order.
    pub fn trusts(&self) -> &[Trust] {
        &self.trusts
    }

    /// The regions, by name.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The number of places to allocate.
    pub fn places(&self) -> u32 {
        self.places
    }

    /// The region (index) of trust `i`.
    pub fn region_of(&self, i: usize) -> usize {
        self.region_of[i]
    }

    /// The most places trust `i` can take.
    pub fn cap(&self, i: usize) -> u32 {
        self.caps[i]
    }

    /// Trust `i`'s completion rate, in ten-thousandths.
    pub fn completion(&self, i: usize) -> i64 {
        self.completion[i]
    }

    /// Region `g`'s rate after `total` funded places.
    pub fn region_rate(&self, g: usize, total: u64) -> f64 {
        let r = &self.regions[g];
        (r.transitions + total as f64) / r.support_workers as f64
    }

    /// The shortage trust `i` fills with `p` places, in ten-thousandths.
    pub fn filled(&self, i: usize, p: u32) -> i64 {
        (self.completion[i] * i64::from(p)).min(self.trusts[i].vacancies)
    }

    /// What `places` (one number per trust) achieves.
    pub fn evaluate(&self, places: &[u32]) -> Outcome {
        let mut by_region = vec![0u64; self.regions.len()];
        let mut shortage = 0;
        for (i, p) in places.iter().enumerate() {
            by_region[self.region_of[i]] += u64::from(*p);
            shortage += self.filled(i, *p);
        }
        Outcome {
            shortage,
            inequality: self.inequality(&by_region),
            by_region,
        }
    }

    /// The highest regional rate less the lowest, for places by region.
    pub fn inequality(&self, by_region: &[u64]) -> f64 {
        let rates = by_region
            .iter()
            .enumerate()
            .map(|(g, p)| self.region_rate(g, *p));
        let (lo, hi) = rates.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
            (lo.min(r), hi.max(r))
        });
        hi - lo
    }
}

/// Shortage filled in places, to 4 decimals: "1234.5".
pub fn places_in_words(ten_thousandths: i64) -> String {
    let whole = ten_thousandths / SCALE;
    let frac = ten_thousandths % SCALE;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:04}")
            .trim_end_matches('0')
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn trust(code: &str, region: &str, w: u32, vacancies: i64, t: f64) -> Trust {
        Trust {
            org_code: code.into(),
            region: region.into(),
            trust_type: "acute".into(),
            support_workers: w,
            vacancies: vacancies * SCALE,
            transition_rate: t,
            max_places: None,
            completion: None,
        }
    }

    #[test]
    fn an_allocation_is_measured_by_hand() {
        // North: 100 workers at 5% and 300 at 1%: 8 transitions over 400.
        // South: 200 workers at 10%: 20 over 200.
        let inst = Instance::new(
            vec![
                trust("A", "North", 100, 3, 0.05),
                trust("B", "North", 300, 10, 0.01),
                trust("C", "South", 200, 1, 0.10),
            ],
            10,
            8500,
        )
        .unwrap();
        let o = inst.evaluate(&[4, 4, 2]);
        // A: min(3, 3.4) = 3; B: min(10, 3.4) = 3.4; C: min(1, 1.7) = 1.
        assert_eq!(o.shortage, 74_000);
        assert_eq!(places_in_words(o.shortage), "7.4");
        assert_eq!(o.by_region, vec![8, 2]);
        // North (8 + 8) / 400 = 0.04; South (20 + 2) / 200 = 0.11.
        assert!((o.inequality - 0.07).abs() < 1e-12);
    }

    #[test]
    fn bad_instances_are_refused_with_what_to_do() {
        let t = |c: &str, r: &str, w: u32| trust(c, r, w, 1, 0.1);
        assert_eq!(
            Instance::new(vec![t("A", "North", 10), t("B", "South", 0)], 5, 8500).unwrap_err(),
            InstanceError::RegionWithoutSupportWorkers("South".into())
        );
        let e = Instance::new(vec![t("A", "North", 10), t("B", "South", 5)], 16, 8500).unwrap_err();
        assert_eq!(
            e,
            InstanceError::TooManyPlaces {
                places: 16,
                allowed: 15
            }
        );
        assert!(
            e.to_string()
                .contains("16 places are more than the caps allow (15 in all)")
        );
        assert_eq!(
            Instance::new(vec![t("A", "North", 10), t("A", "South", 5)], 1, 8500).unwrap_err(),
            InstanceError::TrustTwice("A".into())
        );
        assert_eq!(
            Instance::new(vec![], 1, 8500).unwrap_err(),
            InstanceError::NoTrusts
        );
        assert_eq!(
            Instance::new(vec![t("A", "North", 10)], 0, 8500).unwrap_err(),
            InstanceError::NoPlaces
        );
        assert_eq!(
            Instance::new(vec![t("A", "North", 10)], 1, 0).unwrap_err(),
            InstanceError::BadCompletion
        );
    }
}
