//! Time to full role competence (docs/METRICS.md, in-app outcome
//! measures): days from a person's start date (or their first enrolment,
//! when that came later) to the day every required criterion of stages 1
//! and 2 of their pathway was signed off, by Kaplan-Meier, censored at
//! their leave date or the as-of date.

use super::progression::{shown, too_few};
use crate::Date;
use crate::metrics::{DurationCount, kaplan_meier, kaplan_meier_median};
use crate::pathway::{Decision, PathwayTemplate, Stage, is_signed_off};
use std::collections::BTreeMap;

/// The readings of the share competent: months, and the days they are.
pub const COMPETENCE_READINGS: [(u32, u32); 3] = [(3, 91), (6, 182), (12, 365)];

/// The day a learner became fully competent in their role: the date of
/// the decision after which every required criterion of stages 1 and 2
/// (of the criteria that apply to them) was signed off, the first time
/// that happened. None while they are not, or when the pathway requires
/// nothing in those stages.
pub fn competent_on(mine: &PathwayTemplate, decisions: &[Decision]) -> Option<Date> {
    let needed: Vec<&str> = mine
        .criteria
        .iter()
        .filter(|c| c.required && matches!(c.stage, Stage::Induction | Stage::Consolidation))
        .map(|c| c.key.as_str())
        .collect();
    if needed.is_empty() {
        return None;
    }
    (0..decisions.len())
        .filter(|&i| needed.contains(&decisions[i].criterion.as_str()) && decisions[i].signed_off)
        .find(|&i| needed.iter().all(|k| is_signed_off(k, &decisions[..=i])))
        .map(|i| decisions[i].on)
}

/// One person's way to competence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompetenceSpell {
    /// When the clock starts: their start date, or their first enrolment
    /// on a pathway when that came later (staff who joined before the
    /// pathway existed).
    pub start: Date,
    /// Their leave date, when set.
    pub left: Option<Date>,
    /// The day they became competent, when they have (the earliest over
    /// their enrolments).
    pub competent: Option<Date>,
}

/// Days from start to competence (an event, when on or before the as-of
/// date and the leave date) or to the earlier of the leave date and the
/// as-of date (censored). Competence reached before a rehire's latest
/// start counts at 0 days; someone starting after `as_of` is not counted.
pub fn duration(s: &CompetenceSpell, as_of: Date) -> Option<(u32, bool)> {
    if s.start > as_of {
        return None;
    }
    let days = |to: Date| (to.to_unix_days() - s.start.to_unix_days()).max(0) as u32;
    let stop = s.left.map_or(as_of, |l| l.min(as_of));
    Some(match s.competent {
        Some(c) if c <= stop => (days(c), true),
        _ => (days(stop), false),
    })
}

/// The share competent at one reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompetencePoint {
    /// 3, 6 or 12.
    pub months: u32,
    /// 1 - S(days): the share competent by then (none when suppressed).
    pub share: Option<f64>,
    /// Lower end of its 95% interval.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
}

/// Time to competence of everyone selected who has been on a pathway.
#[derive(Debug, Clone, PartialEq)]
pub struct Competence {
    /// People counted (none when suppressed).
    pub people: Option<u64>,
    /// Of them, people competent by the as-of date (none when suppressed).
    pub competent: Option<u64>,
    /// Median days from start to competence, with its 95% interval;
    /// none when the curve never reaches one half (or suppressed).
    pub median_days: Option<u32>,
    /// Lower end of the median's interval.
    pub median_low: Option<u32>,
    /// Upper end (none when it is not reached).
    pub median_high: Option<u32>,
    /// The share competent at 3, 6 and 12 months.
    pub points: Vec<CompetencePoint>,
    /// Whether the figures are under disclosure control.
    pub controlled: bool,
}

/// Kaplan-Meier time to competence. Under `controlled` counts are rounded
/// to 5 and every estimate resting on 1-7 people is suppressed (M7).
pub fn time_to_competence(spells: &[CompetenceSpell], as_of: Date, controlled: bool) -> Competence {
    let mut by_days: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
    for s in spells {
        if let Some((days, event)) = duration(s, as_of) {
            let c = by_days.entry(days).or_default();
            if event {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
    }
    let counts: Vec<DurationCount> = by_days
        .into_iter()
        .map(|(time, (events, censored))| DurationCount {
            time,
            events,
            censored,
        })
        .collect();
    let people: u64 = counts.iter().map(|c| c.events + c.censored).sum();
    let competent: u64 = counts.iter().map(|c| c.events).sum();
    let hide = controlled && too_few(people);
    let median = kaplan_meier_median(&counts);
    let days: Vec<u32> = COMPETENCE_READINGS.iter().map(|(_, d)| *d).collect();
    let points = kaplan_meier(&counts, &days)
        .into_iter()
        .zip(COMPETENCE_READINGS)
        .map(|(s, (months, _))| {
            let keep = people > 0 && !hide;
            CompetencePoint {
                months,
                share: keep.then_some(1.0 - s.survival),
                low: keep.then_some(1.0 - s.high),
                high: keep.then_some(1.0 - s.low),
            }
        })
        .collect();
    Competence {
        people: shown(people, controlled),
        competent: shown(competent, controlled),
        median_days: median.median.filter(|_| !hide),
        median_low: median.low.filter(|_| !hide),
        median_high: median.high.filter(|_| !hide),
        points,
        controlled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pathway::{Applies, Criterion};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn criterion(key: &str, stage: Stage, required: bool) -> Criterion {
        Criterion {
            key: key.into(),
            title: key.into(),
            stage,
            required,
            due_weeks: None,
            applies: Applies::Core,
            examples: String::new(),
            counts_as: None,
        }
    }

    fn decision(key: &str, on: &str, signed_off: bool) -> Decision {
        Decision {
            criterion: key.into(),
            signed_off,
            by: 1,
            on: d(on),
            reason: (!signed_off).then(|| "re-check".into()),
        }
    }

    fn template(criteria: Vec<Criterion>) -> PathwayTemplate {
        PathwayTemplate {
            code: "hcsw".into(),
            name: "Support worker pathway".into(),
            version: 1,
            criteria,
            review_every_weeks: 6,
        }
    }

    #[test]
    fn competent_on_the_day_the_last_stage_two_criterion_is_signed_off() {
        let t = template(vec![
            criterion("a", Stage::Induction, true),
            criterion("b", Stage::Consolidation, true),
            criterion("optional", Stage::Consolidation, false),
            criterion("later", Stage::HigherResponsibility, true),
        ]);
        let decisions = [
            decision("a", "2025-02-01", true),
            decision("later", "2025-03-01", true),
            decision("b", "2025-04-01", true),
            decision("optional", "2025-05-01", true),
        ];
        assert_eq!(competent_on(&t, &decisions), Some(d("2025-04-01")));
        assert_eq!(competent_on(&t, &decisions[..2]), None);
    }

    #[test]
    fn a_withdrawn_sign_off_delays_competence_until_it_is_signed_off_again() {
        let t = template(vec![
            criterion("a", Stage::Induction, true),
            criterion("b", Stage::Consolidation, true),
        ]);
        let decisions = [
            decision("a", "2025-02-01", true),
            decision("a", "2025-02-10", false),
            decision("b", "2025-03-01", true),
            decision("a", "2025-04-01", true),
        ];
        assert_eq!(competent_on(&t, &decisions), Some(d("2025-04-01")));
        // Withdrawn after competence was reached: the first day stands.
        let later = [
            decision("a", "2025-02-01", true),
            decision("b", "2025-03-01", true),
            decision("a", "2025-05-01", false),
        ];
        assert_eq!(competent_on(&t, &later), Some(d("2025-03-01")));
        // Nothing required in stages 1 and 2: not measurable.
        let none = template(vec![criterion("x", Stage::FormalProgression, true)]);
        assert_eq!(competent_on(&none, &decisions), None);
    }

    fn spell(start: &str, left: Option<&str>, competent: Option<&str>) -> CompetenceSpell {
        CompetenceSpell {
            start: d(start),
            left: left.map(d),
            competent: competent.map(d),
        }
    }

    #[test]
    fn censored_at_leaving_or_the_as_of_date_and_zero_days_for_a_rehire() {
        let as_of = d("2026-12-01");
        assert_eq!(
            duration(&spell("2026-01-01", None, Some("2026-03-02")), as_of),
            Some((60, true))
        );
        assert_eq!(
            duration(&spell("2026-01-01", Some("2026-02-01"), None), as_of),
            Some((31, false))
        );
        assert_eq!(
            duration(
                &spell("2026-01-01", Some("2026-02-01"), Some("2026-03-01")),
                as_of
            ),
            Some((31, false)),
            "competence recorded after leaving does not count"
        );
        assert_eq!(
            duration(&spell("2026-06-01", None, Some("2025-01-01")), as_of),
            Some((0, true)),
            "competent before the latest start"
        );
        assert_eq!(duration(&spell("2027-01-01", None, None), as_of), None);
    }

    #[test]
    fn median_and_shares_by_hand() {
        // Four people: competent at 30, 60 and 120 days; one still working
        // towards it at 200 days. S: 0.75, 0.5, 0.25 -> median 60 days.
        let as_of = d("2026-12-01");
        let start = as_of.plus_days(-200).to_string();
        let at = |n: i64| Some(as_of.plus_days(n - 200).to_string());
        let spells = [
            spell(&start, None, at(30).as_deref()),
            spell(&start, None, at(60).as_deref()),
            spell(&start, None, at(120).as_deref()),
            spell(&start, None, None),
        ];
        let c = time_to_competence(&spells, as_of, false);
        assert_eq!((c.people, c.competent), (Some(4), Some(3)));
        assert_eq!(c.median_days, Some(60));
        // By 91 days two of four are competent; by 182 three.
        assert!((c.points[0].share.unwrap() - 0.5).abs() < 1e-12);
        assert!((c.points[1].share.unwrap() - 0.75).abs() < 1e-12);
        let p = c.points[0];
        assert!(p.low.unwrap() < 0.5 && p.high.unwrap() > 0.5);
        // Under control, four people are too few to show anything.
        let hidden = time_to_competence(&spells, as_of, true);
        assert_eq!(
            (hidden.people, hidden.median_days, hidden.points[0].share),
            (None, None, None)
        );
        // Nobody: no estimate, zero people.
        let empty = time_to_competence(&[], as_of, false);
        assert_eq!(
            (empty.people, empty.median_days, empty.points[0].share),
            (Some(0), None, None)
        );
    }
}
