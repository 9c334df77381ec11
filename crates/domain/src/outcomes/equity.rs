//! Who progresses, by ethnicity, sex, disability, age band or site
//! (docs/METRICS.md, in-app equity views): each group's progression rate
//! with its interval, and its relative likelihood of progressing against
//! everyone else selected (M4), under the viewer's disclosure rule.

use super::progression::{Career, Tally, shown, too_few};
use crate::Date;
use crate::metrics::{EthnicityGroup, RelativeLikelihood, controlled_rate, relative_likelihood};
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

/// Which of a breakdown's groups to withhold, by their sizes: every group
/// of 1-7 people, and when that is only one, the next smallest non-empty
/// group too, so the first cannot be worked out from the total.
pub fn small_groups(sizes: &[u64]) -> Vec<bool> {
    let mut hide: Vec<bool> = sizes.iter().map(|n| too_few(*n)).collect();
    if hide.iter().filter(|h| **h).count() == 1 {
        let next = sizes
            .iter()
            .enumerate()
            .filter(|(i, n)| !hide[*i] && **n > 0)
            .min_by_key(|(_, n)| **n)
            .map(|(i, _)| i);
        if let Some(i) = next {
            hide[i] = true;
        }
    }
    hide
}

/// Head count of one Agenda for Change band by ethnicity group (WRES
/// indicator 1).
#[derive(Debug, Clone, PartialEq)]
pub struct BandRow {
    /// The band ("Band 3", "Not on Agenda for Change", or "Whole workforce").
    pub band: String,
    /// White, BME and not known: none when withheld.
    pub counts: [Option<u64>; 3],
    /// BME share of those whose ethnicity is known, from the counts shown.
    pub bme_share: Option<f64>,
}

/// WRES indicator 1: head count by band and ethnicity group (White, BME,
/// not known) of the staff in post, each band and the whole workforce, with
/// the BME share of known ethnicity. Cells of 1-7 are withheld for every
/// viewer (with the next smallest in the row when only one is), and under
/// `controlled` every count is rounded to 5 (M7).
pub fn band_representation(
    staff: &[(Option<crate::Band>, EthnicityGroup)],
    controlled: bool,
) -> Vec<BandRow> {
    let column = |g: EthnicityGroup| match g {
        EthnicityGroup::White => 0,
        EthnicityGroup::Bme => 1,
        EthnicityGroup::Unknown => 2,
    };
    let mut by_band: std::collections::BTreeMap<Option<crate::Band>, [u64; 3]> =
        std::collections::BTreeMap::new();
    let mut whole = [0u64; 3];
    for (band, group) in staff {
        by_band.entry(*band).or_default()[column(*group)] += 1;
        whole[column(*group)] += 1;
    }
    let row = |band: String, counts: [u64; 3]| {
        let hide = small_groups(&counts);
        let shown: Vec<Option<u64>> = counts
            .iter()
            .zip(&hide)
            .map(|(n, h)| shown(*n, controlled).filter(|_| !h))
            .collect();
        let bme_share = match (shown[0], shown[1]) {
            (Some(w), Some(b)) if w + b > 0 => Some(b as f64 / (w + b) as f64),
            _ => None,
        };
        BandRow {
            band,
            counts: [shown[0], shown[1], shown[2]],
            bme_share,
        }
    };
    let mut rows: Vec<BandRow> = by_band
        .into_iter()
        .filter_map(|(b, c)| b.map(|b| (b, c)))
        .map(|(b, c)| row(format!("Band {b}"), c))
        .collect();
    if let Some(off_afc) = by_band_off(staff, column) {
        rows.push(row("Not on Agenda for Change".into(), off_afc));
    }
    rows.push(row("Whole workforce".into(), whole));
    rows
}

fn by_band_off(
    staff: &[(Option<crate::Band>, EthnicityGroup)],
    column: impl Fn(EthnicityGroup) -> usize,
) -> Option<[u64; 3]> {
    let mut c = [0u64; 3];
    for (_, g) in staff.iter().filter(|(b, _)| b.is_none()) {
        c[column(*g)] += 1;
    }
    c.iter().any(|n| *n > 0).then_some(c)
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
    let sizes: Vec<u64> = tallies.iter().map(|t| t.cohort).collect();
    let suppressed = if protected {
        small_groups(&sizes)
    } else {
        vec![false; sizes.len()]
    };
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
    fn band_representation_withholds_small_cells_and_shares_come_from_what_is_shown() {
        use crate::Band;
        let mut staff = Vec::new();
        // Band 3: 30 White, 10 BME, 2 not known; band 5: 20 White, 20 BME.
        for (band, white, bme, unknown) in [(3, 30, 10, 2), (5, 20, 20, 0)] {
            for (group, n) in [
                (EthnicityGroup::White, white),
                (EthnicityGroup::Bme, bme),
                (EthnicityGroup::Unknown, unknown),
            ] {
                staff.extend(std::iter::repeat_n((Some(Band::Numbered(band)), group), n));
            }
        }
        let rows = band_representation(&staff, false);
        assert_eq!(rows[0].band, "Band 3");
        assert_eq!(
            rows[0].counts,
            [Some(30), None, None],
            "2 not known, and the next smallest"
        );
        assert_eq!(rows[0].bme_share, None);
        assert_eq!(rows[1].counts, [Some(20), Some(20), Some(0)]);
        assert_eq!(rows[1].bme_share, Some(0.5));
        let whole = rows.last().unwrap();
        assert_eq!(whole.band, "Whole workforce");
        assert_eq!(
            whole.counts,
            [Some(50), None, None],
            "2 not known, withheld with the next smallest"
        );
        let controlled = band_representation(&staff, true);
        assert_eq!(controlled[0].counts[0], Some(30));
        assert_eq!(controlled.last().unwrap().counts, [Some(50), None, None]);
        assert_eq!(small_groups(&[0, 9, 3]), [false, true, true]);
        assert_eq!(small_groups(&[2, 9, 3]), [true, false, true]);
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
