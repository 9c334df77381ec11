//! Learning sessions as L&D runs them: sittings repeated by a pattern (one
//! form, many dates and times), release agreements that bookings count
//! against, and what happens to a booking (a place, the waitlist, or a
//! refusal with the reasons it does not fit the learner's rota).

use crate::Date;
use crate::rota::{LocalTime, Misfit};

/// The most sittings one repeat pattern may make.
pub const MAX_SITTINGS_PER_PATTERN: usize = 200;

/// Days of the week a pattern repeats on, Monday = 0 to Sunday = 6.
pub type Weekday = u8;

/// Why a repeat pattern makes no sittings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// The last date is before the first.
    #[error("the last date is before the first")]
    Backwards,
    /// No weekday or no start time was chosen.
    #[error("choose at least one day of the week and one start time")]
    Empty,
    /// No chosen weekday falls between the dates.
    #[error("none of the chosen days falls between those dates")]
    NoDates,
    /// Too many sittings.
    #[error("that makes {0} sittings; at most {MAX_SITTINGS_PER_PATTERN} can be made at once")]
    TooMany(usize),
}

/// Every start of a session repeated on `weekdays` at each of `starts`
/// (minutes after midnight) from `first` to `last` inclusive, in order.
pub fn repeat(
    first: Date,
    last: Date,
    weekdays: &[Weekday],
    starts: &[u32],
) -> Result<Vec<LocalTime>, PatternError> {
    if last < first {
        return Err(PatternError::Backwards);
    }
    if weekdays.is_empty() || starts.is_empty() {
        return Err(PatternError::Empty);
    }
    let mut times: Vec<u32> = starts.to_vec();
    times.sort_unstable();
    times.dedup();
    let mut out = Vec::new();
    let mut day = first;
    while day <= last {
        if weekdays.contains(&day.days_from_monday()) {
            out.extend(times.iter().map(|t| LocalTime::at(day, *t)));
            if out.len() > MAX_SITTINGS_PER_PATTERN {
                // Count them all, for the message, without keeping them.
                let total = count_sittings(first, last, weekdays, times.len());
                return Err(PatternError::TooMany(total));
            }
        }
        day = day.plus_days(1);
    }
    if out.is_empty() {
        return Err(PatternError::NoDates);
    }
    Ok(out)
}

fn count_sittings(first: Date, last: Date, weekdays: &[Weekday], per_day: usize) -> usize {
    (first.to_unix_days()..=last.to_unix_days())
        .filter(|d| weekdays.contains(&Date::from_unix_days(*d).days_from_monday()))
        .count()
        * per_day
}

/// What a release agreement is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleasePeriod {
    /// Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
}

/// Release time a manager has agreed for a learner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseAgreement {
    /// Minutes of release in each period.
    pub minutes: u32,
    /// The period.
    pub per: ReleasePeriod,
    /// The first day it applies.
    pub from: Date,
    /// The last day it applies, if it ends.
    pub until: Option<Date>,
}

impl ReleaseAgreement {
    /// The first and last day of the period `date` falls in.
    pub fn period_of(&self, date: Date) -> (Date, Date) {
        match self.per {
            ReleasePeriod::Week => {
                let monday = crate::rota::week_start(date);
                (monday, monday.plus_days(6))
            }
            ReleasePeriod::Month => {
                let first = Date { day: 1, ..date };
                let next = if date.month == 12 {
                    Date {
                        year: date.year + 1,
                        month: 1,
                        day: 1,
                    }
                } else {
                    Date {
                        month: date.month + 1,
                        day: 1,
                        ..date
                    }
                };
                (first, next.plus_days(-1))
            }
        }
    }

    /// Whether it applies on `date`.
    pub fn covers(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|u| date <= u)
    }

    /// Release minutes left on `date` when `booked` minutes of its period
    /// are already booked or attended: 0 on a day it does not cover.
    pub fn left(&self, date: Date, booked: u32) -> u32 {
        if self.covers(date) {
            self.minutes.saturating_sub(booked)
        } else {
            0
        }
    }
}

/// What asking for a place on a sitting comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Booking {
    /// A place.
    Booked,
    /// Full: on the waitlist at this position (1 is next).
    Waitlisted(usize),
    /// It does not fit the learner's rota, for these reasons.
    Refused(Vec<Misfit>),
}

/// Decides a request for a place on a sitting with `capacity` places of
/// which `taken` are booked and `waiting` people are on its waitlist, given
/// the reasons it does not fit the learner (empty when it fits). A manager's
/// override, with its note, books despite the reasons (the caller audits it).
pub fn request_place(
    capacity: u32,
    taken: u32,
    waiting: usize,
    misfits: Vec<Misfit>,
    overridden: bool,
) -> Booking {
    if !misfits.is_empty() && !overridden {
        return Booking::Refused(misfits);
    }
    if taken < capacity {
        Booking::Booked
    } else {
        Booking::Waitlisted(waiting + 1)
    }
}

/// Who is offered the place a cancellation frees: the first on the waitlist.
pub fn offered_on_cancel<T: Clone>(waitlist: &[T]) -> Option<T> {
    waitlist.first().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn one_pattern_makes_every_sitting_in_order() {
        // Tuesdays and Thursdays, 10:00 and 14:30, for two weeks from Monday 4 May 2026.
        let starts = repeat(day("2026-05-04"), day("2026-05-17"), &[1, 3], &[870, 600]).unwrap();
        let shown: Vec<String> = starts
            .iter()
            .map(|t| format!("{} {}", t.date(), t.clock()))
            .collect();
        assert_eq!(
            shown,
            [
                "2026-05-05 10:00",
                "2026-05-05 14:30",
                "2026-05-07 10:00",
                "2026-05-07 14:30",
                "2026-05-12 10:00",
                "2026-05-12 14:30",
                "2026-05-14 10:00",
                "2026-05-14 14:30",
            ]
        );
        assert_eq!(day("2026-05-10").days_from_monday(), 6, "a Sunday");
    }

    #[test]
    fn a_pattern_that_makes_nothing_or_too_much_says_why() {
        let (may4, may8) = (day("2026-05-04"), day("2026-05-08"));
        assert_eq!(
            repeat(may8, may4, &[0], &[600]),
            Err(PatternError::Backwards)
        );
        assert_eq!(repeat(may4, may8, &[], &[600]), Err(PatternError::Empty));
        assert_eq!(
            repeat(may4, may8, &[5, 6], &[600]),
            Err(PatternError::NoDates)
        );
        let year = repeat(may4, day("2027-05-03"), &[0, 1, 2, 3, 4], &[540]);
        // 52 whole weeks of weekdays and the Monday that ends the range.
        assert_eq!(year, Err(PatternError::TooMany(261)));
        assert!(
            PatternError::TooMany(260)
                .to_string()
                .contains("at most 200")
        );
    }

    #[test]
    fn release_is_counted_by_week_or_calendar_month_within_its_dates() {
        let weekly = ReleaseAgreement {
            minutes: 180,
            per: ReleasePeriod::Week,
            from: day("2026-05-04"),
            until: Some(day("2026-06-30")),
        };
        assert_eq!(
            weekly.period_of(day("2026-05-07")),
            (day("2026-05-04"), day("2026-05-10"))
        );
        assert_eq!(weekly.left(day("2026-05-07"), 90), 90);
        assert_eq!(weekly.left(day("2026-05-07"), 240), 0);
        assert_eq!(weekly.left(day("2026-05-03"), 0), 0, "before it starts");
        assert_eq!(weekly.left(day("2026-06-30"), 0), 180, "its last day");
        assert_eq!(weekly.left(day("2026-07-01"), 0), 0, "after it ends");
        let monthly = ReleaseAgreement {
            per: ReleasePeriod::Month,
            until: None,
            ..weekly
        };
        assert_eq!(
            monthly.period_of(day("2026-12-15")),
            (day("2026-12-01"), day("2026-12-31"))
        );
        assert_eq!(
            monthly.period_of(day("2028-02-10")),
            (day("2028-02-01"), day("2028-02-29"))
        );
        assert_eq!(monthly.left(day("2030-01-01"), 60), 120, "open-ended");
    }

    #[test]
    fn a_place_is_booked_waitlisted_or_refused_with_its_reasons() {
        assert_eq!(request_place(2, 1, 0, vec![], false), Booking::Booked);
        assert_eq!(
            request_place(2, 2, 0, vec![], false),
            Booking::Waitlisted(1)
        );
        assert_eq!(
            request_place(2, 2, 3, vec![], false),
            Booking::Waitlisted(4)
        );
        let reasons = vec![Misfit::OnLeave];
        assert_eq!(
            request_place(2, 0, 0, reasons.clone(), false),
            Booking::Refused(reasons.clone())
        );
        assert_eq!(
            request_place(2, 0, 0, reasons, true),
            Booking::Booked,
            "a manager's override books despite the rota"
        );
        assert_eq!(offered_on_cancel(&[7, 8]), Some(7));
        assert_eq!(offered_on_cancel::<i64>(&[]), None);
    }
}
