//! Who progresses, by ethnicity, sex, disability, age band or site
//! (docs/METRICS.md, in-app equity views): each group's progression rate
//! with its interval, and its relative likelihood of progressing against
//! everyone else selected (M4), under the viewer's disclosure rule.

use super::progression::{Career, Tally, shown, too_few};
use crate::Date;
use crate::metrics::{RelativeLikelihood, controlled_rate, relative_likelihood};
use crate::staff::{AgeBand, Characteristics, Disability, Ethnicity, Sex};

/// What a group is split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    /// Ethnicity (the six groups).
    Ethnicity,
    /// Sex.
    Sex,
    /// Declared disability.
    Disability,
    /// Age band.
    AgeBand,
    /// Site (not a protected characteristic).
    Site,
}

impl Breakdown {
    /// Every breakdown, in the order the page shows them.
    pub const ALL: [Breakdown; 5] = [
        Breakdown::Ethnicity,
        Breakdown::Sex,
        Breakdown::Disability,
        Breakdown::AgeBand,
        Breakdown::Site,
    ];

    /// As people say it.
    pub fn label(self) -> &'static str {
        match self {
            Breakdown::Ethnicity => "Ethnicity",
            Breakdown::Sex => "Sex",
            Breakdown::Disability => "Disability",
            Breakdown::AgeBand => "Age band",
            Breakdown::Site => "Site",
        }
    }

    /// The stable name in exports and the API.
    pub fn code(self) -> &'static str {
        match self {
            Breakdown::Ethnicity => "ethnicity",
            Breakdown::Sex => "sex",
            Breakdown::Disability => "disability",
            Breakdown::AgeBand => "age_band",
            Breakdown::Site => "site",
        }
    }

    /// Whether it splits people by a protected characteristic, so that a
    /// small group is suppressed for every viewer.
    pub fn protected(self) -> bool {
        self != Breakdown::Site
    }

    /// The group a person's characteristics put them in (none for a site).
    pub fn group_of(self, c: &Characteristics) -> Option<&'static str> {
        Some(match self {
            Breakdown::Ethnicity => c.ethnicity.label(),
            Breakdown::Sex => c.sex.label(),
            Breakdown::Disability => c.disability.label(),
            Breakdown::AgeBand => c.age_band.label(),
            Breakdown::Site => return None,
        })
    }

    /// The groups of a protected breakdown, in the order tables show them.
    pub fn groups(self) -> Vec<&'static str> {
        match self {
            Breakdown::Ethnicity => Ethnicity::ALL.iter().map(|e| e.label()).collect(),
            Breakdown::Sex => Sex::ALL.iter().map(|e| e.label()).collect(),
            Breakdown::Disability => Disability::ALL.iter().map(|e| e.label()).collect(),
            Breakdown::AgeBand => AgeBand::ALL.iter().map(|e| e.label()).collect(),
            Breakdown::Site => Vec::new(),
        }
    }
}

/// Which step counts as progressing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Any step up (internal progression).
    AnyHigherRole,
    /// Into a registered profession from outside one (M1-style).
    IntoRegistered,
}

impl Step {
    /// As people say it.
    pub fn label(self) -> &'static str {
        match self {
            Step::AnyHigherRole => "a higher role",
            Step::IntoRegistered => "a registered profession",
        }
    }

    /// The stable name.
    pub fn code(self) -> &'static str {
        match self {
            Step::AnyHigherRole => "higher_role",
            Step::IntoRegistered => "registered",
        }
    }

    fn of(self, t: &Tally) -> u64 {
        match self {
            Step::AnyHigherRole => t.progressed,
            Step::IntoRegistered => t.into_registered,
        }
    }
}

/// One group's row of an equity table.
#[derive(Debug, Clone, PartialEq)]
pub struct EquityRow {
    /// The group ("Asian", "Female", a site's name).
    pub group: String,
    /// People followed for the whole window (none when suppressed).
    pub cohort: Option<u64>,
    /// Of them, people who took the step (none when suppressed).
    pub progressed: Option<u64>,
    /// The rate, with its 95% Wilson interval.
    pub rate: Option<(f64, f64, f64)>,
    /// Relative likelihood of this group progressing against everyone
    /// else selected; none when undefined (a count of 0) or suppressed.
    pub against_others: Option<RelativeLikelihood>,
    /// Whether the group's figures are withheld because it is small (or
    /// would reveal another small group).
    pub suppressed: bool,
}

/// Progression by group. `people` pairs each person's group with their
/// career; `groups` lists the groups in table order (a group with nobody
/// is still shown, as 0). A protected breakdown suppresses groups of 1-7
/// people for every viewer, and when only one group is suppressed so, the
/// next smallest too, so it cannot be worked out from the total. Under
/// `controlled` (the analyst's view) every count is rounded to 5 and rates
/// and likelihoods come from the rounded counts (M7).
pub fn progression_by(
    people: &[(&str, &Career)],
    groups: &[&str],
    protected: bool,
    days: u32,
    as_of: Date,
    step: Step,
    controlled: bool,
) -> Vec<EquityRow> {
    let everyone = Tally::of(people.iter().map(|(_, c)| *c), days, as_of);
    let tallies: Vec<Tally> = groups
        .iter()
        .map(|g| {
            Tally::of(
                people.iter().filter(|(p, _)| p == g).map(|(_, c)| *c),
                days,
                as_of,
            )
        })
        .collect();
    let mut suppressed: Vec<bool> = tallies
        .iter()
        .map(|t| protected && too_few(t.cohort))
        .collect();
    if protected && suppressed.iter().filter(|s| **s).count() == 1 {
        let next = tallies
            .iter()
            .enumerate()
            .filter(|(i, t)| !suppressed[*i] && t.cohort > 0)
            .min_by_key(|(_, t)| t.cohort)
            .map(|(i, _)| i);
        if let Some(i) = next {
            suppressed[i] = true;
        }
    }
    groups
        .iter()
        .zip(tallies)
        .zip(suppressed)
        .map(|((g, t), hide)| {
            let k = step.of(&t);
            let (rest_k, rest_n) = (step.of(&everyone) - k, everyone.cohort - t.cohort);
            let published = |n: u64| shown(n, controlled).filter(|_| !hide);
            let against_others = if hide {
                None
            } else if controlled {
                match (
                    published(k),
                    published(t.cohort),
                    shown(rest_k, true),
                    shown(rest_n, true),
                ) {
                    (Some(a), Some(na), Some(b), Some(nb)) => relative_likelihood(a, na, b, nb),
                    _ => None,
                }
            } else {
                relative_likelihood(k, t.cohort, rest_k, rest_n)
            };
            EquityRow {
                group: g.to_string(),
                cohort: published(t.cohort),
                progressed: published(k),
                rate: controlled_rate(k, t.cohort, controlled).filter(|_| !hide),
                against_others,
                suppressed: hide,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::RoleClass;
    use crate::outcomes::progression::Rung;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn career(stepped: bool, registered: bool) -> Career {
        let support = Rung {
            level: 2,
            class: RoleClass::Csw,
        };
        let mut roles = vec![(d("2023-01-01"), Some(support))];
        if stepped {
            let to = if registered {
                Rung {
                    level: 5,
                    class: RoleClass::Registered,
                }
            } else {
                Rung {
                    level: 3,
                    class: RoleClass::Csw,
                }
            };
            roles.push((d("2023-09-01"), Some(to)));
        }
        Career {
            start: d("2023-01-01"),
            left: None,
            on_pathway: false,
            roles,
        }
    }

    fn rows(protected: bool, controlled: bool, step: Step) -> Vec<EquityRow> {
        // A: 40 people, 20 stepped up (4 into registered); B: 60 people,
        // 15 stepped up (none into registered); C: 5 people, 1 stepped up.
        let mut careers = Vec::new();
        for i in 0..40 {
            careers.push(("A", career(i < 20, i < 4)));
        }
        for i in 0..60 {
            careers.push(("B", career(i < 15, false)));
        }
        for i in 0..5 {
            careers.push(("C", career(i < 1, false)));
        }
        let people: Vec<(&str, &Career)> = careers.iter().map(|(g, c)| (*g, c)).collect();
        progression_by(
            &people,
            &["A", "B", "C", "D"],
            protected,
            730,
            d("2026-12-01"),
            step,
            controlled,
        )
    }

    #[test]
    fn rates_and_likelihoods_against_everyone_else_by_hand() {
        let r = rows(false, false, Step::AnyHigherRole);
        assert_eq!((r[0].cohort, r[0].progressed), (Some(40), Some(20)));
        let (rate, low, high) = r[0].rate.unwrap();
        assert!((rate - 0.5).abs() < 1e-12 && low < 0.5 && high > 0.5);
        // A against B and C together: (20/40) / (16/65).
        let rl = r[0].against_others.unwrap();
        assert!((rl.rl - 0.5 / (16.0 / 65.0)).abs() < 1e-12, "{rl:?}");
        // A group with nobody: 0 of 0, no rate and no likelihood.
        assert_eq!(
            (r[3].cohort, r[3].rate, r[3].against_others),
            (Some(0), None, None)
        );
        // Site breakdowns are not protected: the small group is shown.
        assert_eq!(r[2].cohort, Some(5));
        assert!(!r[2].suppressed);
        // Into registered: only A has any; B's likelihood is undefined.
        let reg = rows(false, false, Step::IntoRegistered);
        assert_eq!(reg[0].progressed, Some(4));
        assert_eq!(reg[1].against_others, None, "0 of 60: undefined, not 0");
    }

    #[test]
    fn a_small_protected_group_is_suppressed_with_the_next_smallest() {
        let r = rows(true, false, Step::AnyHigherRole);
        assert!(r[2].suppressed, "5 people");
        assert_eq!((r[2].cohort, r[2].rate), (None, None));
        assert!(
            r[0].suppressed,
            "A is the next smallest, so C cannot be worked out"
        );
        assert!(!r[1].suppressed);
        assert_eq!(r[1].cohort, Some(60), "unrounded for L&D");
        assert!(!r[3].suppressed, "an empty group reveals nobody");
    }

    #[test]
    fn under_control_every_count_is_rounded_and_rates_come_from_them() {
        let r = rows(true, true, Step::AnyHigherRole);
        assert_eq!((r[1].cohort, r[1].progressed), (Some(60), Some(15)));
        let rl = r[1].against_others.unwrap();
        // Rest of B: A and C, 21 of 45, published as 20 of 45.
        assert!(
            (rl.rl - (15.0 / 60.0) / (20.0 / 45.0)).abs() < 1e-12,
            "{rl:?}"
        );
        assert!(r[0].suppressed && r[2].suppressed);
        let reg = rows(false, true, Step::IntoRegistered);
        assert_eq!(reg[0].progressed, None, "4 into registered is suppressed");
        assert_eq!(reg[0].rate, None);
        assert_eq!(reg[0].cohort, Some(40));
    }
}
