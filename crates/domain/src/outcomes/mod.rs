//! Workforce outcomes an organisation measures from its own staff records
//! (docs/METRICS.md, in-app outcome measures): retention of support workers
//! by Kaplan-Meier on days in post, read at 6, 12 and 18 months, for
//! everyone selected and for those on a pathway against the others. The
//! formulas are [`crate::metrics`]'s, the same as `pathwise analyze` uses.

pub mod competence;
pub mod equity;
pub mod progression;
pub mod recruitment;
pub mod satisfaction;

use crate::metrics::{DurationCount, SUPPRESS_AT_MOST, Survival, control, kaplan_meier};
use crate::{Date, Role, StaffGroup};
use std::collections::BTreeMap;

/// The readings of retention: months, and the days they are read at.
pub const RETENTION_READINGS: [(u32, u32); 3] = [(6, 182), (12, 365), (18, 548)];

/// One person's time in the organisation, as retention counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffSpell {
    /// Their start date (a rehire's latest start).
    pub start: Date,
    /// Their leave date, when set.
    pub left: Option<Date>,
    /// Whether they have ever been enrolled on a pathway.
    pub on_pathway: bool,
}

/// Retention at one reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetentionPoint {
    /// Months from start (6, 12, 18).
    pub months: u32,
    /// People still at risk at the last leaving on or before the reading
    /// (none when suppressed).
    pub at_risk: Option<u64>,
    /// Leavers on or before the reading (none when suppressed).
    pub events: Option<u64>,
    /// The share still in post: S(days) = P(days in post > days).
    pub survival: Option<f64>,
    /// Lower end of its 95% interval (Greenwood).
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
}

/// Retention of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionGroup {
    /// "all", "on a pathway" or "not on a pathway".
    pub group: &'static str,
    /// How many people the group has (none when suppressed).
    pub people: Option<u64>,
    /// The readings at 6, 12 and 18 months.
    pub points: Vec<RetentionPoint>,
    /// Whether its counts were put under disclosure control.
    pub controlled: bool,
}

/// The staff group someone started in, which decides whether the outcome
/// measures count them as a support worker: that of their first role, when
/// the framework knows it, else the staff record's (which is the group they
/// are in now: a support worker who became a nurse still started as a
/// support worker).
pub fn staff_group_at_start(
    recorded: Option<&str>,
    first_role: Option<&Role>,
) -> Option<StaffGroup> {
    first_role
        .map(|r| r.staff_group)
        .or_else(|| recorded.and_then(StaffGroup::from_name))
}

/// Days in post to the leave date (an event, when on or before `as_of`) or
/// to `as_of` (censored). Someone who starts after `as_of` is not counted.
pub fn duration(spell: &StaffSpell, as_of: Date) -> Option<(u32, bool)> {
    if spell.start > as_of {
        return None;
    }
    let days = |to: Date| (to.to_unix_days() - spell.start.to_unix_days()).max(0) as u32;
    Some(match spell.left {
        Some(left) if left <= as_of => (days(left), true),
        _ => (days(as_of), false),
    })
}

fn counts(spells: &[&StaffSpell], as_of: Date) -> Vec<DurationCount> {
    let mut by_days: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
    for s in spells {
        if let Some((days, left)) = duration(s, as_of) {
            let c = by_days.entry(days).or_default();
            if left {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
    }
    by_days
        .into_iter()
        .map(|(time, (events, censored))| DurationCount {
            time,
            events,
            censored,
        })
        .collect()
}

fn point(months: u32, s: &Survival, controlled: bool) -> RetentionPoint {
    let hide = controlled && (1..=SUPPRESS_AT_MOST).contains(&s.at_risk);
    let shown = |n: u64| {
        if controlled {
            control(n).value()
        } else {
            Some(n)
        }
    };
    RetentionPoint {
        months,
        at_risk: shown(s.at_risk),
        events: shown(s.events),
        survival: (!hide).then_some(s.survival),
        low: (!hide).then_some(s.low),
        high: (!hide).then_some(s.high),
    }
}

/// Kaplan-Meier retention of one group at 6, 12 and 18 months. Under
/// `controlled` (the analyst's view), counts are rounded to 5 and a reading
/// resting on 1-7 people at risk is suppressed (METRICS.md M7).
pub fn retention_of(
    group: &'static str,
    spells: &[&StaffSpell],
    as_of: Date,
    controlled: bool,
) -> RetentionGroup {
    let counts = counts(spells, as_of);
    let people: u64 = counts.iter().map(|c| c.events + c.censored).sum();
    let days: Vec<u32> = RETENTION_READINGS.iter().map(|(_, d)| *d).collect();
    let points = kaplan_meier(&counts, &days)
        .iter()
        .zip(RETENTION_READINGS)
        .map(|(s, (months, _))| point(months, s, controlled))
        .collect();
    RetentionGroup {
        group,
        people: if controlled {
            control(people).value()
        } else {
            Some(people)
        },
        points,
        controlled,
    }
}

/// Retention for everyone selected ("all"), then for those on a pathway
/// and those not.
pub fn retention(spells: &[StaffSpell], as_of: Date, controlled: bool) -> Vec<RetentionGroup> {
    let all: Vec<&StaffSpell> = spells.iter().collect();
    let (on, off): (Vec<&StaffSpell>, Vec<&StaffSpell>) = all.iter().partition(|s| s.on_pathway);
    vec![
        retention_of("all", &all, as_of, controlled),
        retention_of("on a pathway", &on, as_of, controlled),
        retention_of("not on a pathway", &off, as_of, controlled),
    ]
}

/// The share still in post at each of `days`, for drawing the curve.
pub fn survival_curve(spells: &[&StaffSpell], as_of: Date, days: &[u32]) -> Vec<(u32, f64)> {
    kaplan_meier(&counts(spells, as_of), days)
        .into_iter()
        .map(|s| (s.time, s.survival))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn spell(start: &str, left: Option<&str>) -> StaffSpell {
        StaffSpell {
            start: d(start),
            left: left.map(d),
            on_pathway: false,
        }
    }

    #[test]
    fn a_leaver_is_an_event_and_someone_in_post_is_censored_at_the_as_of_date() {
        let as_of = d("2026-12-01");
        assert_eq!(
            duration(&spell("2026-01-01", Some("2026-03-02")), as_of),
            Some((60, true))
        );
        assert_eq!(
            duration(&spell("2026-01-01", None), as_of),
            Some((334, false))
        );
        // A leave date still to come is censored at the as-of date.
        assert_eq!(
            duration(&spell("2026-01-01", Some("2027-01-01")), as_of),
            Some((334, false))
        );
        // A leaver on the day they started has 0 days in post.
        assert_eq!(
            duration(&spell("2026-05-01", Some("2026-05-01")), as_of),
            Some((0, true))
        );
        assert_eq!(
            duration(&spell("2027-01-01", None), as_of),
            None,
            "not started yet"
        );
    }

    #[test]
    fn the_first_role_s_group_wins_over_the_staff_record_s_group_now() {
        let hcsw = Role {
            code: "hcsw".into(),
            title: "Healthcare support worker".into(),
            band: crate::Band::Numbered(3),
            staff_group: StaffGroup::SupportToDoctorsNursesMidwives,
            career_level: 2,
            family: crate::framework::PathwayFamily::Health,
            clinical: true,
        };
        assert_eq!(
            staff_group_at_start(Some("Nurses & health visitors"), Some(&hcsw)),
            Some(StaffGroup::SupportToDoctorsNursesMidwives),
            "started as a support worker, a nurse now"
        );
        assert_eq!(
            staff_group_at_start(Some("Nurses & health visitors"), None),
            Some(StaffGroup::NursesHealthVisitors)
        );
        assert_eq!(staff_group_at_start(Some("Porters"), None), None);
        assert_eq!(staff_group_at_start(None, None), None);
    }

    #[test]
    fn retention_by_hand_on_five_people() {
        // Days in post: 0 (left on the day), 100 (left), 200 (censored),
        // 400 (left), 600 (censored).
        let as_of = d("2026-12-01");
        let back = |days: i64| as_of.plus_days(-days).to_string();
        let spells = [
            spell("2025-06-01", Some("2025-06-01")),
            spell(&back(300), Some(&as_of.plus_days(-200).to_string())),
            spell(&back(200), None),
            spell(&back(500), Some(&as_of.plus_days(-100).to_string())),
            spell(&back(600), None),
        ];
        let r = retention(&spells, as_of, false);
        let all = &r[0];
        assert_eq!((all.group, all.people), ("all", Some(5)));
        // S(182) = (1 - 1/5)(1 - 1/4) = 0.6; S(365) the same (the 200 is censored);
        // S(548) = 0.6 * (1 - 1/2) = 0.3.
        let s: Vec<f64> = all.points.iter().map(|p| p.survival.unwrap()).collect();
        assert!(
            (s[0] - 0.6).abs() < 1e-12 && (s[1] - 0.6).abs() < 1e-12 && (s[2] - 0.3).abs() < 1e-12,
            "{s:?}"
        );
        assert_eq!(
            (all.points[0].at_risk, all.points[0].events),
            (Some(4), Some(2))
        );
        assert_eq!(
            (all.points[2].at_risk, all.points[2].events),
            (Some(2), Some(3))
        );
        let low = all.points[0].low.unwrap();
        assert!(low < 0.6 && all.points[0].high.unwrap() > 0.6);
        // Nobody on a pathway: an empty group, every reading at 1.
        assert_eq!(r[1].people, Some(0));
        assert_eq!(r[1].points[0].survival, Some(1.0));
    }

    #[test]
    fn under_control_counts_round_to_five_and_small_groups_are_suppressed() {
        let as_of = d("2026-12-01");
        let spells: Vec<StaffSpell> = (0..6)
            .map(|i| spell("2024-01-01", (i == 0).then_some("2024-03-01")))
            .collect();
        let r = retention(&spells, as_of, true);
        assert!(r[0].controlled);
        assert_eq!(r[0].points[0].survival, None, "6 at risk: suppressed");
        assert_eq!(r[0].people, None, "6 people: suppressed");
        assert_eq!(r[0].points[0].at_risk, None);
        let many: Vec<StaffSpell> = (0..23)
            .map(|i| spell("2024-01-01", (i < 3).then_some("2024-03-01")))
            .collect();
        let r = retention(&many, as_of, true);
        assert_eq!(r[0].people, Some(25));
        assert_eq!(r[0].points[0].at_risk, Some(25), "23 rounds to 25");
        assert!(r[0].points[0].survival.is_some());
    }
}
