//! Internal progression (docs/METRICS.md, in-app outcome measures): of the
//! people who started at least 12 (or 24) months before the as-of date,
//! the share whose role history shows a move to a higher role within that
//! many months of their start, by where they moved to.

use crate::framework::Role;
use crate::metrics::{RoleClass, SUPPRESS_AT_MOST, control, controlled_rate};
use crate::{Date, StaffGroup};

/// The windows progression is read over: months, and the days they are.
pub const PROGRESSION_WINDOWS: [(u32, u32); 2] = [(12, 365), (24, 730)];

/// How high a role stands, as progression reads it: its career framework
/// level and its role class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rung {
    /// Skills for Health career framework level, 1-9.
    pub level: u8,
    /// Support, registered or other.
    pub class: RoleClass,
}

impl Rung {
    /// A role's rung.
    pub fn of(role: &Role) -> Rung {
        Rung::new(role.career_level, role.staff_group)
    }

    /// The rung of a level in a staff group.
    pub fn new(level: u8, group: StaffGroup) -> Rung {
        Rung {
            level,
            class: RoleClass::of(group),
        }
    }
}

/// Where someone progressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Destination {
    /// A higher role outside clinical support and the registered
    /// professions: a coordinator, a team leader, an administrative role.
    OtherHigher,
    /// A senior support role (career level 3: senior healthcare support
    /// worker, trainee nursing associate or assistant practitioner).
    SeniorSupport,
    /// Assistant practitioner or nursing associate (support, level 4 and
    /// above).
    AssistantPractitioner,
    /// A registered profession (a nurse, midwife, allied health
    /// professional), or a higher registered role.
    Registered,
}

impl Destination {
    /// Every destination, the furthest first.
    pub const ALL: [Destination; 4] = [
        Destination::Registered,
        Destination::AssistantPractitioner,
        Destination::SeniorSupport,
        Destination::OtherHigher,
    ];

    /// As people say it.
    pub fn label(self) -> &'static str {
        match self {
            Destination::Registered => "Registered professions",
            Destination::AssistantPractitioner => "Assistant practitioner or nursing associate",
            Destination::SeniorSupport => "Senior support roles",
            Destination::OtherHigher => "Coordinator, team leader or other higher role",
        }
    }

    /// The stable name in exports and the API.
    pub fn code(self) -> &'static str {
        match self {
            Destination::Registered => "registered",
            Destination::AssistantPractitioner => "assistant_practitioner",
            Destination::SeniorSupport => "senior_support",
            Destination::OtherHigher => "other_higher",
        }
    }

    /// Where a move from `from` to `to` leads, when it is a step up: into
    /// a registered profession from outside one, or to a higher career
    /// level.
    pub fn of_move(from: Rung, to: Rung) -> Option<Destination> {
        let into_registered =
            to.class == RoleClass::Registered && from.class != RoleClass::Registered;
        if !into_registered && to.level <= from.level {
            return None;
        }
        Some(match to.class {
            RoleClass::Registered => Destination::Registered,
            RoleClass::Csw if to.level >= 4 => Destination::AssistantPractitioner,
            RoleClass::Csw => Destination::SeniorSupport,
            RoleClass::Other => Destination::OtherHigher,
        })
    }
}

/// One person's career in the organisation, as progression reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Career {
    /// Their start date (a rehire's latest start).
    pub start: Date,
    /// Their leave date, when set.
    pub left: Option<Date>,
    /// Whether they have ever been enrolled on a pathway.
    pub on_pathway: bool,
    /// Their role history, earliest first: from which date, at which rung
    /// (none for a role the framework no longer has).
    pub roles: Vec<(Date, Option<Rung>)>,
}

impl Career {
    /// Their rung on their start date: the latest role from on or before
    /// it, else their first.
    pub fn start_rung(&self) -> Option<Rung> {
        self.roles
            .iter()
            .rev()
            .find(|(from, _)| *from <= self.start)
            .or(self.roles.first())
            .and_then(|(_, r)| *r)
    }

    /// The furthest step up within `days` of their start (and before they
    /// left), if any.
    pub fn progressed_within(&self, days: u32) -> Option<Destination> {
        let from = self.start_rung()?;
        let mut end = self.start.plus_days(i64::from(days));
        if let Some(left) = self.left {
            end = end.min(left);
        }
        self.roles
            .iter()
            .filter(|(on, _)| *on > self.start && *on <= end)
            .filter_map(|(_, r)| Destination::of_move(from, (*r)?))
            .max()
    }

    /// Whether the whole window lies on or before the as-of date, so the
    /// person counts in its cohort (leavers within it stay in, as not
    /// progressed unless they moved before leaving).
    pub fn followed_for(&self, days: u32, as_of: Date) -> bool {
        self.start_rung().is_some() && self.start.plus_days(i64::from(days)) <= as_of
    }
}

/// Raw counts over one window: the cohort, those who progressed, and by
/// destination (in [`Destination::ALL`] order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// People followed for the whole window.
    pub cohort: u64,
    /// Of those, people who stepped up.
    pub progressed: u64,
    /// Progressed, by furthest destination.
    pub by_destination: [u64; 4],
    /// Of the progressed, those whose furthest step was into a registered
    /// profession from outside one (M1-style).
    pub into_registered: u64,
}

impl Tally {
    /// Counts the careers followed for `days` by `as_of`.
    pub fn of<'a>(careers: impl IntoIterator<Item = &'a Career>, days: u32, as_of: Date) -> Tally {
        let mut t = Tally::default();
        for c in careers {
            if !c.followed_for(days, as_of) {
                continue;
            }
            t.cohort += 1;
            if let Some(d) = c.progressed_within(days) {
                t.progressed += 1;
                let i = Destination::ALL.iter().position(|x| *x == d).unwrap_or(0);
                t.by_destination[i] += 1;
                if d == Destination::Registered
                    && c.start_rung()
                        .is_some_and(|r| r.class != RoleClass::Registered)
                {
                    t.into_registered += 1;
                }
            }
        }
        t
    }
}

/// A count as published: as is, or under disclosure control.
pub(crate) fn shown(n: u64, controlled: bool) -> Option<u64> {
    if controlled {
        control(n).value()
    } else {
        Some(n)
    }
}

/// Progression over one window.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressionReading {
    /// 12 or 24.
    pub months: u32,
    /// People followed for the whole window (none when suppressed).
    pub cohort: Option<u64>,
    /// Of them, people who stepped up (none when suppressed).
    pub progressed: Option<u64>,
    /// progressed / cohort, from the published counts.
    pub rate: Option<f64>,
    /// Lower end of its 95% Wilson interval.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
    /// Progressed by furthest destination, in [`Destination::ALL`] order.
    pub by_destination: Vec<(Destination, Option<u64>)>,
}

/// Progression of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressionGroup {
    /// "all", "on a pathway" or "not on a pathway".
    pub group: &'static str,
    /// The readings at 12 and 24 months.
    pub readings: Vec<ProgressionReading>,
    /// Whether its counts are under disclosure control.
    pub controlled: bool,
}

/// A tally as published. Under `controlled` (the analyst's view) counts
/// are rounded to 5, 1-7 suppressed, and the rate comes from the rounded
/// counts (METRICS.md M7). In full, a cohort of 1-7 is still shown, as
/// these groups are not split by a protected characteristic.
pub fn reading(months: u32, t: &Tally, controlled: bool) -> ProgressionReading {
    let rate = controlled_rate(t.progressed, t.cohort, controlled);
    ProgressionReading {
        months,
        cohort: shown(t.cohort, controlled),
        progressed: shown(t.progressed, controlled),
        rate: rate.map(|r| r.0),
        low: rate.map(|r| r.1),
        high: rate.map(|r| r.2),
        by_destination: Destination::ALL
            .into_iter()
            .zip(t.by_destination)
            .map(|(d, n)| (d, shown(n, controlled)))
            .collect(),
    }
}

/// Progression at 12 and 24 months for everyone selected ("all"), then
/// for those ever on a pathway and the others.
pub fn progression(careers: &[Career], as_of: Date, controlled: bool) -> Vec<ProgressionGroup> {
    let group = |name: &'static str, pick: &dyn Fn(&Career) -> bool| ProgressionGroup {
        group: name,
        readings: PROGRESSION_WINDOWS
            .iter()
            .map(|&(months, days)| {
                let t = Tally::of(careers.iter().filter(|c| pick(c)), days, as_of);
                reading(months, &t, controlled)
            })
            .collect(),
        controlled,
    };
    vec![
        group("all", &|_| true),
        group("on a pathway", &|c| c.on_pathway),
        group("not on a pathway", &|c| !c.on_pathway),
    ]
}

/// Whether a count of people is small enough to identify someone.
pub fn too_few(n: u64) -> bool {
    (1..=SUPPRESS_AT_MOST).contains(&n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    const HCSW: Rung = Rung {
        level: 2,
        class: RoleClass::Csw,
    };
    const SENIOR: Rung = Rung {
        level: 3,
        class: RoleClass::Csw,
    };
    const AP: Rung = Rung {
        level: 4,
        class: RoleClass::Csw,
    };
    const NURSE: Rung = Rung {
        level: 5,
        class: RoleClass::Registered,
    };
    const ADMIN_LEAD: Rung = Rung {
        level: 4,
        class: RoleClass::Other,
    };

    fn career(start: &str, left: Option<&str>, roles: &[(&str, Rung)]) -> Career {
        Career {
            start: d(start),
            left: left.map(d),
            on_pathway: false,
            roles: roles.iter().map(|(on, r)| (d(on), Some(*r))).collect(),
        }
    }

    #[test]
    fn a_step_up_is_a_higher_level_or_a_move_into_a_registered_profession() {
        assert_eq!(
            Destination::of_move(HCSW, SENIOR),
            Some(Destination::SeniorSupport)
        );
        assert_eq!(
            Destination::of_move(HCSW, AP),
            Some(Destination::AssistantPractitioner)
        );
        assert_eq!(
            Destination::of_move(AP, NURSE),
            Some(Destination::Registered)
        );
        assert_eq!(
            Destination::of_move(HCSW, ADMIN_LEAD),
            Some(Destination::OtherHigher)
        );
        assert_eq!(Destination::of_move(SENIOR, HCSW), None, "a step down");
        assert_eq!(Destination::of_move(HCSW, HCSW), None, "a sideways move");
        // Into a registered profession at a level no higher still counts.
        let band_4_registered = Rung {
            level: 4,
            class: RoleClass::Registered,
        };
        assert_eq!(
            Destination::of_move(AP, band_4_registered),
            Some(Destination::Registered)
        );
    }

    #[test]
    fn the_furthest_step_inside_the_window_counts_and_later_ones_do_not() {
        let c = career(
            "2023-01-01",
            None,
            &[
                ("2023-01-01", HCSW),
                ("2023-06-01", SENIOR),
                ("2023-12-01", AP),
                ("2024-06-01", NURSE),
            ],
        );
        assert_eq!(
            c.progressed_within(365),
            Some(Destination::AssistantPractitioner)
        );
        assert_eq!(c.progressed_within(730), Some(Destination::Registered));
        assert_eq!(c.progressed_within(100), None);
        // A move on the 365th day is inside the 12-month window.
        let edge = career(
            "2023-01-01",
            None,
            &[("2023-01-01", HCSW), ("2024-01-01", SENIOR)],
        );
        assert_eq!(
            edge.progressed_within(365),
            Some(Destination::SeniorSupport)
        );
    }

    #[test]
    fn a_role_change_on_the_start_date_is_the_starting_role_not_a_step_up() {
        // Recorded as HCSW from before the start (an earlier spell), then
        // senior from the start date itself: they started as senior.
        let c = career(
            "2024-03-01",
            None,
            &[("2020-01-01", HCSW), ("2024-03-01", SENIOR)],
        );
        assert_eq!(c.start_rung(), Some(SENIOR));
        assert_eq!(c.progressed_within(730), None);
    }

    #[test]
    fn a_rehire_counts_from_the_latest_start() {
        // First spell from 2019 as HCSW, promoted in 2019, left, rehired in
        // 2023 as senior and promoted to AP in 2023.
        let c = career(
            "2023-02-01",
            None,
            &[
                ("2019-01-01", HCSW),
                ("2019-06-01", SENIOR),
                ("2023-02-01", SENIOR),
                ("2023-09-01", AP),
            ],
        );
        assert_eq!(c.start_rung(), Some(SENIOR));
        assert_eq!(
            c.progressed_within(365),
            Some(Destination::AssistantPractitioner)
        );
    }

    #[test]
    fn leavers_stay_in_the_cohort_and_a_move_after_leaving_does_not_count() {
        let as_of = d("2026-12-01");
        let left_early = career("2024-01-01", Some("2024-03-01"), &[("2024-01-01", HCSW)]);
        // A role recorded after the leave date (a late correction) is ignored.
        let moved_after = career(
            "2024-01-01",
            Some("2024-03-01"),
            &[("2024-01-01", HCSW), ("2024-05-01", SENIOR)],
        );
        let recent = career("2026-06-01", None, &[("2026-06-01", HCSW)]);
        let stepped = career(
            "2024-01-01",
            None,
            &[("2024-01-01", HCSW), ("2024-08-01", SENIOR)],
        );
        let all = [left_early, moved_after, recent, stepped];
        let t = Tally::of(&all, 365, as_of);
        assert_eq!(
            (t.cohort, t.progressed),
            (3, 1),
            "the recent starter is not followed for a year"
        );
        assert_eq!(t.by_destination, [0, 0, 1, 0]);
        assert_eq!(t.into_registered, 0);
        // Nobody at all: a zero cohort, no rate.
        let none = progression(&[], as_of, false);
        assert_eq!(none[0].readings[0].cohort, Some(0));
        assert_eq!(none[0].readings[0].rate, None);
    }

    #[test]
    fn rates_by_hand_and_under_control() {
        let as_of = d("2026-12-01");
        let mut careers: Vec<Career> = (0..40)
            .map(|i| {
                let mut roles = vec![("2023-01-01", HCSW)];
                if i < 10 {
                    roles.push(("2023-07-01", SENIOR));
                }
                if i < 3 {
                    roles.push(("2024-06-01", NURSE));
                }
                career("2023-01-01", None, &roles)
            })
            .collect();
        for c in careers.iter_mut().take(20) {
            c.on_pathway = true;
        }
        let g = progression(&careers, as_of, false);
        let all12 = &g[0].readings[0];
        assert_eq!((all12.cohort, all12.progressed), (Some(40), Some(10)));
        assert!((all12.rate.unwrap() - 0.25).abs() < 1e-12);
        let all24 = &g[0].readings[1];
        assert_eq!(all24.by_destination[0], (Destination::Registered, Some(3)));
        assert_eq!(
            all24.by_destination[2],
            (Destination::SeniorSupport, Some(7))
        );
        assert_eq!(
            g[1].readings[0].progressed,
            Some(10),
            "the first 20 are on a pathway"
        );
        assert_eq!(g[2].readings[0].progressed, Some(0));
        let c = progression(&careers, as_of, true);
        let all24 = &c[0].readings[1];
        assert_eq!(all24.cohort, Some(40));
        assert_eq!(all24.by_destination[0].1, None, "3 is suppressed");
        assert_eq!(all24.by_destination[2].1, None, "7 is suppressed");
        assert_eq!(all24.progressed, Some(10));
        assert!(c[0].controlled);
    }

    #[test]
    fn someone_whose_role_the_framework_no_longer_has_is_not_counted() {
        let c = Career {
            start: d("2022-01-01"),
            left: None,
            on_pathway: false,
            roles: vec![(d("2022-01-01"), None)],
        };
        assert!(!c.followed_for(365, d("2026-12-01")));
        assert!(too_few(7) && !too_few(0) && !too_few(8));
    }
}
