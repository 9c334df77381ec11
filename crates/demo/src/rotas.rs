//! Eight weeks of rotas for the demo's ward and community staff (two weeks
//! back, six ahead): earlies 07:00-15:00, lates 13:00-21:00, long days
//! 07:00-19:30, nights 19:00-07:30 (20:00-08:00 in the mental health unit),
//! full-time, part-time and fixed-nights patterns, a week of annual leave for
//! some, and the demo learner's release on alternate Tuesdays. Loaded through
//! the same all-or-nothing import as a real roster file.

use anyhow::{Result, bail};
use pathwise_domain::Date;
use pathwise_domain::rota::{LocalTime, Shift, ShiftType, week_start};
use pathwise_storage::{Store, rosters};
use rand::Rng;
use rand::rngs::StdRng;

/// Weeks of rota, and how many of them are before this week.
const WEEKS: i64 = 8;
const WEEKS_BEFORE: i64 = 2;

/// At most this many people get a rota, so a large demo still builds quickly.
pub(crate) const MAX_ROSTERED: usize = 1_500;

/// The site code of the mental health unit, whose nights run 20:00-08:00.
const MENTAL_HEALTH_SITE: &str = "BHM";

/// A member of staff to roster: staff record and site code.
pub(crate) struct Rostered<'a> {
    pub(crate) person_id: i64,
    pub(crate) site: &'a str,
}

#[derive(Clone, Copy, PartialEq)]
enum Pattern {
    FullTime,
    PartTime,
    FixedNights,
}

fn at(date: Date, clock: &str) -> LocalTime {
    let minute = pathwise_domain::rota::parse_clock(clock).unwrap_or(0);
    LocalTime::at(date, minute)
}

fn shift(person_id: i64, site: &str, kind: ShiftType, date: Date) -> Shift {
    let (from, to) = match kind {
        ShiftType::Early => ("07:00", "15:00"),
        ShiftType::Late => ("13:00", "21:00"),
        ShiftType::LongDay => ("07:00", "19:30"),
        ShiftType::Night if site == MENTAL_HEALTH_SITE => ("20:00", "08:00"),
        ShiftType::Night => ("19:00", "07:30"),
        ShiftType::Study => ("09:00", "17:00"),
        _ => ("00:00", "00:00"),
    };
    let start = at(date, from);
    let mut end = at(date, to);
    if end <= start {
        end = end.plus_minutes(24 * 60);
    }
    Shift {
        person_id,
        start,
        end,
        kind,
        site: site.to_string(),
    }
}

/// One person's `weeks`, day by day: never two shifts on a day, and the
/// day after a night is another night or a rest day.
pub(crate) fn rota(
    rng: &mut StdRng,
    who: &Rostered<'_>,
    first: Date,
    weeks: i64,
    learner: bool,
) -> Vec<Shift> {
    let pattern = match rng.random_range(0..10) {
        0 => Pattern::FixedNights,
        1..=2 => Pattern::PartTime,
        _ => Pattern::FullTime,
    };
    let leave_week = rng.random_bool(0.2).then(|| rng.random_range(0..weeks));
    let mut out = Vec::new();
    let mut after_night = false;
    for d in 0..weeks * 7 {
        let date = Date::from_unix_days(first.to_unix_days() + d);
        let (week, weekday) = (d / 7, d % 7);
        if leave_week == Some(week) && weekday < 5 {
            // Leave covers whole days, so the morning after a night is rest.
            if !after_night {
                out.push(shift(who.person_id, who.site, ShiftType::Leave, date));
            }
            after_night = false;
            continue;
        }
        if learner && weekday == 1 && week % 2 == 0 {
            out.push(shift(who.person_id, who.site, ShiftType::Study, date));
            after_night = false;
            continue;
        }
        let works = match pattern {
            Pattern::FullTime => rng.random_bool(4.0 / 7.0),
            Pattern::PartTime => rng.random_bool(2.5 / 7.0),
            Pattern::FixedNights => rng.random_bool(3.5 / 7.0),
        };
        let kind = if !works {
            None
        } else if pattern == Pattern::FixedNights || (after_night && rng.random_bool(0.6)) {
            Some(ShiftType::Night)
        } else if after_night {
            None
        } else {
            Some(match rng.random_range(0..20) {
                0..=6 => ShiftType::Early,
                7..=12 => ShiftType::Late,
                13..=17 => ShiftType::LongDay,
                _ => ShiftType::Night,
            })
        };
        after_night = kind == Some(ShiftType::Night);
        if let Some(kind) = kind {
            out.push(shift(who.person_id, who.site, kind, date));
        }
    }
    out
}

/// Rosters `staff` (the demo learner first) for eight weeks around `today`.
pub(crate) async fn build_rotas(
    store: &Store,
    org_id: i64,
    rng: &mut StdRng,
    today: Date,
    staff: &[Rostered<'_>],
    now: i64,
) -> Result<usize> {
    let first = Date::from_unix_days(week_start(today).to_unix_days() - WEEKS_BEFORE * 7);
    let mut rows = Vec::new();
    for (i, who) in staff.iter().take(MAX_ROSTERED).enumerate() {
        for s in rota(rng, who, first, WEEKS, i == 0) {
            rows.push((rows.len() + 2, s));
        }
    }
    match rosters::import(store, org_id, &rows, None, now).await? {
        Ok(done) => Ok(done.shifts),
        Err(problems) => bail!(
            "the demo rota was refused: {}",
            problems
                .iter()
                .take(3)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}
