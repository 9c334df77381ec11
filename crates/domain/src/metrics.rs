//! The metric formulas of `docs/METRICS.md`, written once: Wilson intervals
//! for rates (M5), relative likelihood with its interval (M4), Kaplan-Meier
//! retention with Greenwood intervals (M6) and statistical disclosure control
//! (M7). The analytics engine and the web dashboards both call these.

use crate::framework::StaffGroup;

/// Role class of a staff group (METRICS.md), the basis of M1 and M2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoleClass {
    /// Clinical support: support to doctors, nurses and midwives, to ST&T, to ambulance staff.
    Csw,
    /// Registered professions: nurses, midwives, ST&T, ambulance staff.
    Registered,
    /// Everything else.
    Other,
}

impl RoleClass {
    /// The default class of a staff group.
    pub fn of(group: StaffGroup) -> RoleClass {
        match group {
            StaffGroup::SupportToDoctorsNursesMidwives
            | StaffGroup::SupportToStt
            | StaffGroup::SupportToAmbulanceStaff => RoleClass::Csw,
            StaffGroup::NursesHealthVisitors
            | StaffGroup::Midwives
            | StaffGroup::ScientificTherapeuticTechnical
            | StaffGroup::AmbulanceStaff => RoleClass::Registered,
            _ => RoleClass::Other,
        }
    }

    /// The class of a staff group by its published name; unknown names are `Other`.
    pub fn of_name(name: &str) -> RoleClass {
        StaffGroup::from_name(name).map_or(RoleClass::Other, RoleClass::of)
    }
}

/// Ethnicity groups used by WRES-style measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EthnicityGroup {
    /// White.
    White,
    /// Black and minority ethnic: Asian, Black, Mixed, Other.
    Bme,
    /// Not known.
    Unknown,
}

impl EthnicityGroup {
    /// The group of a panel ethnicity value.
    pub fn of(ethnicity: &str) -> EthnicityGroup {
        match ethnicity.trim() {
            "White" => EthnicityGroup::White,
            "Asian" | "Black" | "Mixed" | "Other" => EthnicityGroup::Bme,
            _ => EthnicityGroup::Unknown,
        }
    }
}

/// Evidence completeness (METRICS.md, in-app measures): criteria with
/// accepted evidence over criteria required, as a percentage; none when
/// nothing is required.
pub fn completeness_percent(accepted: usize, required: usize) -> Option<f64> {
    (required > 0).then(|| 100.0 * accepted as f64 / required as f64)
}

/// The 97.5% point of the standard normal, for 95% intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A 95% Wilson score interval for `k` successes out of `n`; `None` when `n` is 0.
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 || k > n {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * ((p * (1.0 - p) / n) + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// A relative likelihood with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelativeLikelihood {
    /// `(a/n_a) / (b/n_b)`.
    pub rl: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

/// Relative likelihood of group A (`a` of `n_a`) against group B (`b` of
/// `n_b`). Undefined (`None`, never 0 or infinity) when `a` or `b` is 0.
pub fn relative_likelihood(a: u64, n_a: u64, b: u64, n_b: u64) -> Option<RelativeLikelihood> {
    if a == 0 || b == 0 || a > n_a || b > n_b {
        return None;
    }
    let (a, n_a, b, n_b) = (a as f64, n_a as f64, b as f64, n_b as f64);
    let rl = (a / n_a) / (b / n_b);
    let se = (1.0 / a - 1.0 / n_a + 1.0 / b - 1.0 / n_b).max(0.0).sqrt();
    Some(RelativeLikelihood {
        rl,
        low: (rl.ln() - Z95 * se).exp(),
        high: (rl.ln() + Z95 * se).exp(),
    })
}

/// Spells ending at one duration: how many ended in an event (left) and how
/// many were censored (still there when the panel ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DurationCount {
    /// Length of the spell, in the caller's unit (months in the panel,
    /// days in the app).
    pub time: u32,
    /// Spells that ended by leaving after `time`.
    pub events: u64,
    /// Spells still running after `time` when the panel ends.
    pub censored: u64,
}

/// Kaplan-Meier survival at a time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Survival {
    /// The time read at, in the spells' unit.
    pub time: u32,
    /// Spells at risk at the last event time at or before `time`.
    pub at_risk: u64,
    /// Events at or before `time`.
    pub events: u64,
    /// S(time) = P(duration > time).
    pub survival: f64,
    /// Lower end of the 95% interval (exponential Greenwood, log(-log) scale).
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// Kaplan-Meier survival S(t) = P(duration > t) at each of `times`, with
/// Greenwood intervals on the log(-log) scale (as lifelines reports them).
/// Spells censored at t count as at risk at t.
pub fn kaplan_meier(counts: &[DurationCount], times: &[u32]) -> Vec<Survival> {
    let mut by_time: Vec<DurationCount> = counts.to_vec();
    by_time.sort_by_key(|c| c.time);
    let total: u64 = by_time.iter().map(|c| c.events + c.censored).sum();
    times
        .iter()
        .map(|&t| {
            let mut at_risk = total;
            let mut s = 1.0;
            let mut greenwood = 0.0;
            let mut events_so_far = 0;
            let mut last_at_risk = total;
            for c in by_time.iter().take_while(|c| c.time <= t) {
                if c.events > 0 && at_risk > 0 {
                    let (n, e) = (at_risk as f64, c.events as f64);
                    s *= 1.0 - e / n;
                    if at_risk > c.events {
                        greenwood += e / (n * (n - e));
                    }
                    events_so_far += c.events;
                    last_at_risk = at_risk;
                }
                at_risk -= c.events + c.censored;
            }
            let (low, high) = if s > 0.0 && s < 1.0 {
                let v = greenwood / (s.ln() * s.ln());
                let c_low = (-s.ln()).ln() + Z95 * v.sqrt();
                let c_high = (-s.ln()).ln() - Z95 * v.sqrt();
                ((-(c_low.exp())).exp(), (-(c_high.exp())).exp())
            } else {
                (s, s)
            };
            Survival {
                time: t,
                at_risk: last_at_risk,
                events: events_so_far,
                survival: s,
                low,
                high,
            }
        })
        .collect()
}

/// A Kaplan-Meier median with its 95% interval (Brookmeyer-Crowley: the
/// times where the interval's bounds first fall to one half).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Median {
    /// The first time S(t) is at or below 0.5; none when it never falls
    /// that far.
    pub median: Option<u32>,
    /// The first time the interval's lower bound is at or below 0.5.
    pub low: Option<u32>,
    /// The first time its upper bound is; none when it never does.
    pub high: Option<u32>,
}

/// The median duration by Kaplan-Meier, read at every event time (the
/// curve only steps there).
pub fn kaplan_meier_median(counts: &[DurationCount]) -> Median {
    let mut times: Vec<u32> = counts
        .iter()
        .filter(|c| c.events > 0)
        .map(|c| c.time)
        .collect();
    times.sort_unstable();
    times.dedup();
    let curve = kaplan_meier(counts, &times);
    let first = |f: fn(&Survival) -> f64| curve.iter().find(|s| f(s) <= 0.5).map(|s| s.time);
    Median {
        median: first(|s| s.survival),
        low: first(|s| s.low),
        high: first(|s| s.high),
    }
}

/// A count after disclosure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Controlled {
    /// 1-7: shown as `*`.
    Suppressed,
    /// Rounded to the nearest 5 (0 stays 0).
    Shown(u64),
}

impl Controlled {
    /// The count as published.
    pub fn text(self) -> String {
        match self {
            Controlled::Suppressed => "*".into(),
            Controlled::Shown(n) => n.to_string(),
        }
    }

    /// The published number, when there is one.
    pub fn value(self) -> Option<u64> {
        match self {
            Controlled::Suppressed => None,
            Controlled::Shown(n) => Some(n),
        }
    }
}

/// Counts of 1-7 people are suppressed; other counts are rounded to the
/// nearest 5 (halves round up).
pub const SUPPRESS_AT_MOST: u64 = 7;

/// Applies disclosure control to one count.
pub fn control(n: u64) -> Controlled {
    if (1..=SUPPRESS_AT_MOST).contains(&n) {
        Controlled::Suppressed
    } else {
        Controlled::Shown((n + 2) / 5 * 5)
    }
}

/// A rate with its interval, computed from published counts: from the
/// rounded counts under control, and suppressed when either count is.
pub fn controlled_rate(k: u64, n: u64, on: bool) -> Option<(f64, f64, f64)> {
    let (k, n) = if on {
        (control(k).value()?, control(n).value()?)
    } else {
        (k, n)
    };
    let (low, high) = wilson(k.min(n), n)?;
    Some((k.min(n) as f64 / n as f64, low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completeness_is_accepted_over_required_and_none_without_requirements() {
        assert_eq!(completeness_percent(45, 60), Some(75.0));
        assert_eq!(completeness_percent(0, 0), None);
        assert_eq!(completeness_percent(0, 10), Some(0.0));
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn role_classes_follow_the_staff_group_mapping() {
        assert_eq!(RoleClass::of_name("Support to ST&T staff"), RoleClass::Csw);
        assert_eq!(RoleClass::of_name("Midwives"), RoleClass::Registered);
        assert_eq!(RoleClass::of_name("Central functions"), RoleClass::Other);
        assert_eq!(RoleClass::of_name("nonsense"), RoleClass::Other);
        assert_eq!(EthnicityGroup::of("Mixed"), EthnicityGroup::Bme);
        assert_eq!(EthnicityGroup::of(""), EthnicityGroup::Unknown);
    }

    #[test]
    fn wilson_matches_the_textbook_example() {
        // 81 of 263: 0.3080, Wilson 95% [0.2553, 0.3662].
        let (lo, hi) = wilson(81, 263).unwrap();
        assert!(
            (lo - 0.2553).abs() < 1e-4 && (hi - 0.3662).abs() < 1e-4,
            "{lo} {hi}"
        );
        assert_eq!(wilson(0, 0), None);
        let (lo, hi) = wilson(0, 10).unwrap();
        assert!(close(lo, 0.0) && hi > 0.0 && hi < 0.35);
    }

    #[test]
    fn relative_likelihood_is_undefined_at_zero_not_zero_or_infinite() {
        assert_eq!(relative_likelihood(0, 10, 5, 10), None);
        assert_eq!(relative_likelihood(5, 10, 0, 10), None);
        let r = relative_likelihood(30, 100, 15, 100).unwrap();
        assert!(close(r.rl, 2.0));
        assert!(r.low < 2.0 && r.high > 2.0);
        // The interval is symmetric on the log scale.
        assert!(close((r.rl / r.low).ln(), (r.high / r.rl).ln()));
    }

    #[test]
    fn wres_indicator_two_example() {
        // White: 400 appointed of 1,000 shortlisted; BME: 250 of 1,000.
        let r = relative_likelihood(400, 1000, 250, 1000).unwrap();
        assert!(close(r.rl, 1.6));
    }

    #[test]
    fn kaplan_meier_without_censoring_is_the_empirical_survival() {
        // Durations 3, 6, 6, 12, 20 all ending in events.
        let counts = [
            DurationCount {
                time: 3,
                events: 1,
                censored: 0,
            },
            DurationCount {
                time: 6,
                events: 2,
                censored: 0,
            },
            DurationCount {
                time: 12,
                events: 1,
                censored: 0,
            },
            DurationCount {
                time: 20,
                events: 1,
                censored: 0,
            },
        ];
        let s = kaplan_meier(&counts, &[6, 12, 18]);
        assert!(close(s[0].survival, 0.4));
        assert!(close(s[1].survival, 0.2));
        assert!(close(s[2].survival, 0.2));
        assert_eq!(s[0].events, 3);
    }

    #[test]
    fn kaplan_meier_keeps_censored_spells_at_risk_until_they_end() {
        // 4 spells: event at 2, censored at 4, event at 8, censored at 10.
        let counts = [
            DurationCount {
                time: 2,
                events: 1,
                censored: 0,
            },
            DurationCount {
                time: 4,
                events: 0,
                censored: 1,
            },
            DurationCount {
                time: 8,
                events: 1,
                censored: 0,
            },
            DurationCount {
                time: 10,
                events: 0,
                censored: 1,
            },
        ];
        let s = kaplan_meier(&counts, &[6, 12]);
        assert!(close(s[0].survival, 0.75));
        assert!(close(s[1].survival, 0.75 * 0.5));
        assert_eq!(s[1].at_risk, 2);
        assert!(s[1].low < s[1].survival && s[1].high > s[1].survival);
    }

    #[test]
    fn the_median_is_the_first_event_time_at_or_below_one_half() {
        // Events at 10, 20, 30, 40 (one each): S = 0.75, 0.5, 0.25, 0.
        let counts: Vec<DurationCount> = [10, 20, 30, 40]
            .into_iter()
            .map(|time| DurationCount {
                time,
                events: 1,
                censored: 0,
            })
            .collect();
        let m = kaplan_meier_median(&counts);
        assert_eq!(m.median, Some(20));
        assert!(m.low.unwrap() <= 20 && m.high.unwrap_or(u32::MAX) >= 20);
        // Half censored early: the curve never reaches one half.
        let few = [
            DurationCount {
                time: 5,
                events: 1,
                censored: 0,
            },
            DurationCount {
                time: 6,
                events: 0,
                censored: 3,
            },
        ];
        assert_eq!(kaplan_meier_median(&few).median, None);
        assert_eq!(kaplan_meier_median(&[]).median, None);
    }

    #[test]
    fn disclosure_control_suppresses_small_counts_and_rounds_the_rest() {
        assert_eq!(control(0), Controlled::Shown(0));
        assert_eq!(control(1), Controlled::Suppressed);
        assert_eq!(control(7), Controlled::Suppressed);
        assert_eq!(control(8), Controlled::Shown(10));
        assert_eq!(control(12), Controlled::Shown(10));
        assert_eq!(control(13), Controlled::Shown(15));
        assert_eq!(control(7).text(), "*");
    }

    #[test]
    fn controlled_rates_come_from_rounded_counts_and_fall_with_them() {
        let (rate, _, _) = controlled_rate(12, 98, true).unwrap();
        assert!(close(rate, 10.0 / 100.0));
        assert_eq!(controlled_rate(5, 98, true), None, "numerator suppressed");
        let (raw, _, _) = controlled_rate(12, 98, false).unwrap();
        assert!(close(raw, 12.0 / 98.0));
    }
}
