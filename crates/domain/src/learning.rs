//! Learning sessions as L&D runs them: sittings repeated by a pattern (one
//! form, many dates and times), release agreements that bookings count
//! against, and what happens to a booking (a place, the waitlist, or a
//! refusal with the reasons it does not fit the learner's rota).

use crate::Date;
use crate::input::{FieldErrors, Fields};
use crate::rota::{LocalTime, Misfit, Sitting, Venue, hours_and_minutes, parse_clock};

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
        self.per.period_of(date)
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

/// The longest session one sitting may be, in minutes (a long teaching day).
pub const MAX_SESSION_MINUTES: u32 = 600;
/// The most places one sitting may have.
pub const MAX_CAPACITY: u32 = 500;

fn date_field(f: &(impl Fields + ?Sized), name: &str, errors: &mut FieldErrors) -> Option<Date> {
    let text = f.field(name);
    let date = text.parse::<Date>().ok();
    if date.is_none() {
        errors.add(
            name,
            if text.is_empty() {
                "Enter the date as year-month-day, for example 2026-05-04".to_string()
            } else {
                format!("'{text}' is not a date like 2026-05-04")
            },
        );
    }
    date
}

fn whole_number(
    f: &(impl Fields + ?Sized),
    name: &str,
    range: std::ops::RangeInclusive<u32>,
    what: &str,
    errors: &mut FieldErrors,
) -> Option<u32> {
    let text = f.field(name);
    let n = text.parse::<u32>().ok().filter(|n| range.contains(n));
    if n.is_none() {
        errors.add(
            name,
            format!(
                "Enter {what} as a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        );
    }
    n
}

/// A learning offer as L&D describe it: what it is and what it supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferDraft {
    /// "Care Certificate workshop".
    pub title: String,
    /// What happens there, for learners.
    pub description: String,
    /// What it supports, in words: the criteria or the route.
    pub supports: String,
}

impl OfferDraft {
    /// Reads `title` (required, at most 120 characters), `description` and
    /// `supports` (each at most 2,000).
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<OfferDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = f.field("title");
        if title.is_empty() {
            errors.add("title", "Enter the offer's title");
        } else if title.chars().count() > 120 {
            errors.add("title", "Keep the title to 120 characters or fewer");
        }
        for name in ["description", "supports"] {
            if f.field(name).chars().count() > 2000 {
                errors.add(name, "Keep this to 2,000 characters or fewer");
            }
        }
        errors.or_ok(|| {
            Some(OfferDraft {
                title: title.to_string(),
                description: f.field("description").to_string(),
                supports: f.field("supports").to_string(),
            })
        })
    }
}

/// Sittings of an offer repeated by one pattern, as the form gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionPattern {
    /// Each sitting's start, in order.
    pub starts: Vec<LocalTime>,
    /// Length of each, in minutes.
    pub minutes: u32,
    /// Where.
    pub venue: Venue,
    /// Places at each.
    pub capacity: u32,
    /// Who runs them.
    pub facilitator: String,
}

impl SessionPattern {
    /// Reads `first_date`, `last_date`, the days ticked (`day0` Monday to
    /// `day6` Sunday), `starts` (times like "09:30, 14:00"), `minutes`,
    /// `venue` (a site code or `online`), `capacity` and `facilitator`.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<SessionPattern, FieldErrors> {
        let mut errors = FieldErrors::default();
        let first = date_field(f, "first_date", &mut errors);
        let last = date_field(f, "last_date", &mut errors);
        let weekdays: Vec<Weekday> = (0..7u8)
            .filter(|d| !f.field(&format!("day{d}")).is_empty())
            .collect();
        let mut starts = Vec::new();
        let text = f.field("starts");
        for part in text.split([',', ' ']).filter(|p| !p.is_empty()) {
            match parse_clock(part) {
                Some(t) => starts.push(t),
                None => {
                    errors.add(
                        "starts",
                        format!("'{part}' is not a time like 09:30: separate times with commas"),
                    );
                    break;
                }
            }
        }
        let minutes = whole_number(
            f,
            "minutes",
            15..=MAX_SESSION_MINUTES,
            "the length in minutes",
            &mut errors,
        );
        let capacity = whole_number(f, "capacity", 1..=MAX_CAPACITY, "the places", &mut errors);
        let venue = match f.field("venue") {
            "" => {
                errors.add("venue", "Choose a site, or online");
                None
            }
            v if v.eq_ignore_ascii_case("online") => Some(Venue::Online),
            v => Some(Venue::Site(v.to_string())),
        };
        let facilitator = f.field("facilitator");
        if facilitator.chars().count() > 120 {
            errors.add("facilitator", "Keep the name to 120 characters or fewer");
        }
        let mut sittings = None;
        if let (Some(first), Some(last)) = (first, last) {
            if weekdays.is_empty() {
                errors.add("day0", capital(&PatternError::Empty.to_string()));
            } else if starts.is_empty() && !errors.list().iter().any(|e| e.field == "starts") {
                errors.add("starts", "Enter at least one start time, like 09:30");
            } else if !starts.is_empty() {
                match repeat(first, last, &weekdays, &starts) {
                    Ok(s) => sittings = Some(s),
                    Err(e @ PatternError::Backwards) => {
                        errors.add("last_date", capital(&e.to_string()))
                    }
                    Err(e) => errors.add("first_date", capital(&e.to_string())),
                }
            }
        }
        errors.or_ok(|| {
            Some(SessionPattern {
                starts: sittings?,
                minutes: minutes?,
                venue: venue?,
                capacity: capacity?,
                facilitator: facilitator.to_string(),
            })
        })
    }

    /// Each sitting the pattern makes.
    pub fn sittings(&self) -> Vec<Sitting> {
        self.starts
            .iter()
            .map(|start| Sitting {
                start: *start,
                minutes: self.minutes,
                venue: self.venue.clone(),
            })
            .collect()
    }
}

/// A sitting's new date, start and length, as the "change the time" form gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTime {
    /// When it starts.
    pub start: LocalTime,
    /// How long, in minutes.
    pub minutes: u32,
}

impl SessionTime {
    /// Reads `date`, `start` (like 09:30) and `minutes`.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<SessionTime, FieldErrors> {
        let mut errors = FieldErrors::default();
        let date = date_field(f, "date", &mut errors);
        let text = f.field("start");
        let start = parse_clock(text);
        if start.is_none() {
            errors.add("start", format!("'{text}' is not a time like 09:30"));
        }
        let minutes = whole_number(
            f,
            "minutes",
            15..=MAX_SESSION_MINUTES,
            "the length in minutes",
            &mut errors,
        );
        errors.or_ok(|| {
            Some(SessionTime {
                start: LocalTime::at(date?, start?),
                minutes: minutes?,
            })
        })
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl ReleasePeriod {
    /// The first and last day of the week or calendar month `date` falls in.
    pub fn period_of(self, date: Date) -> (Date, Date) {
        match self {
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

    /// The stored code: `week` or `month`.
    pub fn code(self) -> &'static str {
        match self {
            ReleasePeriod::Week => "week",
            ReleasePeriod::Month => "month",
        }
    }

    /// From the stored code.
    pub fn from_code(code: &str) -> Option<ReleasePeriod> {
        match code {
            "week" => Some(ReleasePeriod::Week),
            "month" => Some(ReleasePeriod::Month),
            _ => None,
        }
    }
}

impl ReleaseAgreement {
    /// Reads a manager's form: `hours` (like 3 or 7.5, at most 37.5 a week
    /// or 150 a month), `per` (`week` or `month`), `from` and an optional
    /// `until` (not before `from`).
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<ReleaseAgreement, FieldErrors> {
        let mut errors = FieldErrors::default();
        let per = ReleasePeriod::from_code(f.field("per"));
        if per.is_none() {
            errors.add("per", "Choose per week or per month");
        }
        let most = if per == Some(ReleasePeriod::Month) {
            150.0
        } else {
            37.5
        };
        let text = f.field("hours");
        let minutes = text
            .parse::<f64>()
            .ok()
            .filter(|h| h.is_finite() && *h > 0.0 && *h <= most)
            .map(|h| (h * 60.0).round() as u32);
        if minutes.is_none() {
            errors.add(
                "hours",
                format!(
                    "Enter the hours of release, more than 0 and at most {most}, like 3 or 7.5"
                ),
            );
        }
        let from = date_field(f, "from", &mut errors);
        let until = match f.field("until") {
            "" => Some(None),
            _ => date_field(f, "until", &mut errors).map(Some),
        };
        if let (Some(from), Some(Some(until))) = (from, until)
            && until < from
        {
            errors.add("until", "The end date must be on or after the start date");
        }
        errors.or_ok(|| {
            Some(ReleaseAgreement {
                minutes: minutes?,
                per: per?,
                from: from?,
                until: until?,
            })
        })
    }

    /// In words: "3 hours a week from 4 May 2026 until 30 June 2026".
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} a {} from {}",
            hours_and_minutes(self.minutes),
            self.per.code(),
            self.from.in_words()
        );
        if let Some(u) = self.until {
            s.push_str(&format!(" until {}", u.in_words()));
        }
        s
    }
}

/// The release agreement that applies on `date`: of those covering it, the
/// one recorded last (`agreements` in the order they were recorded).
pub fn release_on(agreements: &[ReleaseAgreement], date: Date) -> Option<&ReleaseAgreement> {
    agreements.iter().rev().find(|a| a.covers(date))
}

/// The agreement that applies on `date` and the minutes already used in
/// its period, with `booked` the (date, minutes) of places held: `None`
/// when no agreement covers the day.
pub fn release_used<'a>(
    agreements: &'a [ReleaseAgreement],
    date: Date,
    booked: &[(Date, u32)],
) -> Option<(&'a ReleaseAgreement, u32)> {
    let a = release_on(agreements, date)?;
    let (first, last) = a.period_of(date);
    let used = booked
        .iter()
        .filter(|(d, _)| first <= *d && *d <= last)
        .map(|(_, m)| *m)
        .sum();
    Some((a, used))
}

/// Release minutes left on `date` under the agreement that applies then
/// (see [`release_used`]): `None` when no agreement covers the day, so
/// release does not limit it.
pub fn release_left(
    agreements: &[ReleaseAgreement],
    date: Date,
    booked: &[(Date, u32)],
) -> Option<u32> {
    release_used(agreements, date, booked).map(|(a, used)| a.left(date, used))
}

/// What the register says of a booked learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    /// Came.
    Attended,
    /// Did not come.
    Absent,
    /// Cancelled too late for the place to be used.
    CancelledLate,
}

impl Attendance {
    /// Every mark, in the register's order.
    pub const ALL: [Attendance; 3] = [
        Attendance::Attended,
        Attendance::Absent,
        Attendance::CancelledLate,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Attendance::Attended => "attended",
            Attendance::Absent => "absent",
            Attendance::CancelledLate => "cancelled_late",
        }
    }

    /// From the stored code.
    pub fn from_code(code: &str) -> Option<Attendance> {
        Attendance::ALL.into_iter().find(|a| a.code() == code)
    }

    /// In words.
    pub fn words(self) -> &'static str {
        match self {
            Attendance::Attended => "Attended",
            Attendance::Absent => "Absent",
            Attendance::CancelledLate => "Cancelled late",
        }
    }
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

    fn names(e: &FieldErrors) -> Vec<&str> {
        e.list().iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn a_repeat_form_makes_its_sittings_or_names_every_field_wrong() {
        let form: &[(&str, &str)] = &[
            ("first_date", "2026-05-04"),
            ("last_date", "2026-05-17"),
            ("day1", "yes"),
            ("starts", "14:30, 07:45"),
            ("minutes", "90"),
            ("venue", "NGH"),
            ("capacity", "12"),
            ("facilitator", "Sam Tutor"),
        ];
        let p = SessionPattern::parse(form).unwrap();
        assert_eq!(p.starts.len(), 4, "two Tuesdays, two times");
        assert_eq!(p.starts[0].clock(), "07:45");
        let s = p.sittings();
        assert_eq!(s[1].end().clock(), "16:00");
        assert_eq!(s[0].venue, Venue::Site("NGH".into()));
        let online: &[(&str, &str)] = &[
            ("first_date", "2026-05-04"),
            ("last_date", "2026-05-04"),
            ("day0", "yes"),
            ("starts", "09:00"),
            ("minutes", "30"),
            ("venue", "Online"),
            ("capacity", "1"),
        ];
        assert_eq!(SessionPattern::parse(online).unwrap().venue, Venue::Online);
        let bad: &[(&str, &str)] = &[
            ("first_date", "4th May"),
            ("last_date", "2026-05-17"),
            ("starts", "9.30"),
            ("minutes", "5"),
            ("capacity", "0"),
        ];
        let e = SessionPattern::parse(bad).unwrap_err();
        assert_eq!(
            names(&e),
            ["first_date", "starts", "minutes", "capacity", "venue"]
        );
        let backwards: &[(&str, &str)] = &[
            ("first_date", "2026-05-17"),
            ("last_date", "2026-05-04"),
            ("day0", "yes"),
            ("starts", "09:00"),
            ("minutes", "600"),
            ("venue", "online"),
            ("capacity", "500"),
        ];
        let e = SessionPattern::parse(backwards).unwrap_err();
        assert_eq!(names(&e), ["last_date"]);
        assert_eq!(e.list()[0].message, "The last date is before the first");
        let no_days: &[(&str, &str)] = &[
            ("first_date", "2026-05-04"),
            ("last_date", "2026-05-05"),
            ("starts", "09:00"),
            ("minutes", "601"),
            ("venue", "online"),
            ("capacity", "501"),
        ];
        let e = SessionPattern::parse(no_days).unwrap_err();
        assert_eq!(names(&e), ["minutes", "capacity", "day0"]);
    }

    #[test]
    fn a_new_time_for_a_sitting_names_each_field_it_cannot_read() {
        let t = SessionTime::parse(
            [
                ("date", "2026-05-06"),
                ("start", "20:15"),
                ("minutes", "45"),
            ]
            .as_slice(),
        )
        .unwrap();
        assert_eq!(
            (t.start.date(), t.start.clock(), t.minutes),
            (day("2026-05-06"), "20:15".to_string(), 45)
        );
        let e =
            SessionTime::parse([("date", "6/5"), ("start", "8pm"), ("minutes", "0")].as_slice())
                .unwrap_err();
        assert_eq!(names(&e), ["date", "start", "minutes"]);
    }

    #[test]
    fn an_offer_needs_a_title_of_sensible_length() {
        let e = OfferDraft::parse([("title", " ")].as_slice()).unwrap_err();
        assert_eq!(names(&e), ["title"]);
        let long = "x".repeat(121);
        let e = OfferDraft::parse([("title", long.as_str())].as_slice()).unwrap_err();
        assert!(e.list()[0].message.contains("120"));
        let o = OfferDraft::parse(
            [
                ("title", " Care Certificate workshop "),
                ("supports", "Standards 1-4"),
            ]
            .as_slice(),
        )
        .unwrap();
        assert_eq!(o.title, "Care Certificate workshop");
        assert_eq!(o.description, "");
    }

    #[test]
    fn a_release_agreement_form_reads_hours_and_dates() {
        let a = ReleaseAgreement::parse(
            [
                ("hours", "7.5"),
                ("per", "month"),
                ("from", "2026-05-04"),
                ("until", ""),
            ]
            .as_slice(),
        )
        .unwrap();
        assert_eq!(a.minutes, 450);
        assert_eq!(a.per, ReleasePeriod::Month);
        assert_eq!(a.until, None);
        assert_eq!(a.describe(), "7 hours 30 minutes a month from 4 May 2026");
        let e = ReleaseAgreement::parse(
            [
                ("hours", "38"),
                ("per", "week"),
                ("from", "2026-05-04"),
                ("until", "2026-05-03"),
            ]
            .as_slice(),
        )
        .unwrap_err();
        assert_eq!(names(&e), ["hours", "until"]);
        let e = ReleaseAgreement::parse([("hours", "0")].as_slice()).unwrap_err();
        assert_eq!(names(&e), ["per", "hours", "from"]);
    }

    #[test]
    fn the_agreement_recorded_last_that_covers_a_day_applies() {
        let first = ReleaseAgreement {
            minutes: 180,
            per: ReleasePeriod::Week,
            from: day("2026-05-04"),
            until: None,
        };
        let later = ReleaseAgreement {
            minutes: 60,
            from: day("2026-06-01"),
            until: Some(day("2026-06-30")),
            ..first.clone()
        };
        let both = [first.clone(), later.clone()];
        assert_eq!(release_on(&both, day("2026-05-20")), Some(&first));
        assert_eq!(release_on(&both, day("2026-06-10")), Some(&later));
        assert_eq!(release_on(&both, day("2026-07-01")), Some(&first));
        assert_eq!(release_on(&both, day("2026-05-01")), None);
        let booked = [(day("2026-06-02"), 45), (day("2026-06-09"), 60)];
        assert_eq!(release_left(&both, day("2026-06-03"), &booked), Some(15));
        assert_eq!(release_left(&both, day("2026-06-16"), &booked), Some(60));
        assert_eq!(release_left(&both, day("2026-05-20"), &booked), Some(180));
        assert_eq!(release_left(&both, day("2026-05-01"), &booked), None);
        for a in Attendance::ALL {
            assert_eq!(Attendance::from_code(a.code()), Some(a));
        }
        assert_eq!(Attendance::from_code("late"), None);
    }
}
