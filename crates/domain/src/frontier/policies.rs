//! Named policies on the frontier's axes (`docs/METRICS.md`, "Policy frontier").

use super::{FrontierPoint, Instance, Outcome};

/// A named way of placing the places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// In proportion to registered vacancies.
    Vacancies,
    /// In proportion to support-worker head count.
    HeadCount,
    /// In proportion to the transitions seen now (rate times head count).
    CurrentPattern,
    /// Each place to the region whose rate is lowest; within a region by head count.
    EqualRates,
}

impl Policy {
    /// Every policy, in the order they are reported.
    pub const ALL: [Policy; 4] = [
        Policy::Vacancies,
        Policy::HeadCount,
        Policy::EqualRates,
        Policy::CurrentPattern,
    ];

    /// The policy's short name, as the outputs' `policy` column gives it.
    pub fn key(self) -> &'static str {
        match self {
            Policy::Vacancies => "vacancies",
            Policy::HeadCount => "head_count",
            Policy::CurrentPattern => "current_pattern",
            Policy::EqualRates => "equal_rates",
        }
    }

    /// The policy in words.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Vacancies => "Places in proportion to vacancies",
            Policy::HeadCount => "Places in proportion to support workers",
            Policy::CurrentPattern => "Places in the current pattern of transitions",
            Policy::EqualRates => "Places that equalise regional rates",
        }
    }
}

/// A policy's allocation, what it achieves and how far it lies from the frontier.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyPoint {
    /// Which policy.
    pub policy: Policy,
    /// Places per trust, in file order.
    pub places: Vec<u32>,
    /// Shortage filled, inequality and places by region.
    pub outcome: Outcome,
    /// The most shortage the frontier fills at this inequality or lower,
    /// less this policy's (ten-thousandths of a place).
    pub shortage_gap: i64,
    /// This policy's inequality less the least the frontier reaches while
    /// filling at least as much shortage.
    pub inequality_gap: f64,
}

/// `n` places in proportion to `weights` (none negative), none over its cap,
/// by largest remainders (ties to the earlier); when the trusts with weight
/// are full, the rest go in proportion to the caps left.
pub fn apportion(n: u64, weights: &[f64], caps: &[u32]) -> Vec<u32> {
    let mut out = vec![0u32; weights.len()];
    let mut fixed = vec![false; weights.len()];
    let mut remaining = n;
    let mut use_caps = false;
    let quotas = loop {
        let active: Vec<usize> = (0..weights.len())
            .filter(|i| !fixed[*i] && caps[*i] > 0)
            .collect();
        let weight = |i: usize| {
            if use_caps {
                f64::from(caps[i])
            } else {
                weights[i].max(0.0)
            }
        };
        let total: f64 = active.iter().map(|i| weight(*i)).sum();
        if total <= 0.0 {
            if use_caps || remaining == 0 {
                break Vec::new();
            }
            use_caps = true;
            continue;
        }
        let quotas: Vec<(usize, f64)> = active
            .iter()
            .map(|&i| (i, remaining as f64 * weight(i) / total))
            .collect();
        let over: Vec<usize> = quotas
            .iter()
            .filter(|(i, q)| *q >= f64::from(caps[*i]))
            .map(|(i, _)| *i)
            .collect();
        if over.is_empty() {
            break quotas;
        }
        for i in over {
            fixed[i] = true;
            out[i] = caps[i];
            remaining -= u64::from(caps[i]);
        }
    };
    let mut given = 0u64;
    for (i, q) in &quotas {
        out[*i] = q.floor() as u32;
        given += u64::from(out[*i]);
    }
    let mut order: Vec<(usize, f64)> = quotas.iter().map(|(i, q)| (*i, q - q.floor())).collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (i, _) in order.iter().cycle().take(weights.len() * 2) {
        if given >= remaining {
            break;
        }
        if out[*i] < caps[*i] {
            out[*i] += 1;
            given += 1;
        }
    }
    out
}

/// Where `policy` puts the instance's places.
pub fn place(inst: &Instance, policy: Policy) -> Vec<u32> {
    let n = u64::from(inst.places());
    let trusts = inst.trusts();
    let caps: Vec<u32> = (0..trusts.len()).map(|i| inst.cap(i)).collect();
    let head = |i: usize| f64::from(trusts[i].support_workers);
    match policy {
        Policy::Vacancies => {
            let w: Vec<f64> = trusts.iter().map(|t| t.vacancies as f64).collect();
            apportion(n, &w, &caps)
        }
        Policy::HeadCount => {
            let w: Vec<f64> = (0..trusts.len()).map(head).collect();
            apportion(n, &w, &caps)
        }
        Policy::CurrentPattern => {
            let w: Vec<f64> = (0..trusts.len())
                .map(|i| trusts[i].transition_rate * head(i))
                .collect();
            apportion(n, &w, &caps)
        }
        Policy::EqualRates => {
            let regions = inst.regions();
            let room: Vec<u64> = regions
                .iter()
                .map(|r| r.trusts.iter().map(|i| u64::from(caps[*i])).sum())
                .collect();
            let mut totals = vec![0u64; regions.len()];
            for _ in 0..n {
                let lowest = (0..regions.len())
                    .filter(|g| totals[*g] < room[*g])
                    .min_by(|a, b| {
                        inst.region_rate(*a, totals[*a])
                            .total_cmp(&inst.region_rate(*b, totals[*b]))
                            .then(a.cmp(b))
                    });
                match lowest {
                    Some(g) => totals[g] += 1,
                    None => break,
                }
            }
            let mut places = vec![0u32; trusts.len()];
            for (g, r) in regions.iter().enumerate() {
                let w: Vec<f64> = r.trusts.iter().map(|i| head(*i)).collect();
                let c: Vec<u32> = r.trusts.iter().map(|i| caps[*i]).collect();
                for (k, p) in apportion(totals[g], &w, &c).into_iter().enumerate() {
                    places[r.trusts[k]] = p;
                }
            }
            places
        }
    }
}

/// How far (shortage, inequality) lies from `frontier`: the shortage gap
/// and the inequality gap, both 0 on it.
pub fn distance(frontier: &[FrontierPoint], shortage: i64, inequality: f64) -> (i64, f64) {
    let more = frontier
        .iter()
        .filter(|p| p.outcome.inequality <= inequality)
        .map(|p| p.outcome.shortage)
        .max()
        .map_or(0, |s| (s - shortage).max(0));
    let less = frontier
        .iter()
        .filter(|p| p.outcome.shortage >= shortage)
        .map(|p| p.outcome.inequality)
        .reduce(f64::min)
        .map_or(0.0, |i| (inequality - i).max(0.0));
    (more, less)
}

/// Every policy placed, measured and compared with `frontier`.
pub fn place_all(inst: &Instance, frontier: &[FrontierPoint]) -> Vec<PolicyPoint> {
    Policy::ALL
        .iter()
        .map(|&policy| {
            let places = place(inst, policy);
            let outcome = inst.evaluate(&places);
            let (shortage_gap, inequality_gap) =
                distance(frontier, outcome.shortage, outcome.inequality);
            PolicyPoint {
                policy,
                places,
                outcome,
                shortage_gap,
                inequality_gap,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainders_by_hand() {
        // Quotas 1.25, 1.25, 2.5: floors 1, 1, 2 and the one left to the 0.5.
        assert_eq!(apportion(5, &[1.0, 1.0, 2.0], &[9, 9, 9]), vec![1, 1, 3]);
        // Ties go to the earlier: quotas 1.5 and 1.5.
        assert_eq!(apportion(3, &[1.0, 1.0], &[9, 9]), vec![2, 1]);
        // A cap: 10 by 8:1:1 with the first capped at 4; 6 left by 1:1.
        assert_eq!(apportion(10, &[8.0, 1.0, 1.0], &[4, 9, 9]), vec![4, 3, 3]);
        // When those with weight are full, the rest by the caps left.
        assert_eq!(apportion(6, &[1.0, 0.0, 0.0], &[2, 3, 1]), vec![2, 3, 1]);
        assert_eq!(apportion(0, &[1.0], &[3]), vec![0]);
    }
}
