//! Rotas as e-rostering systems export them, and whether a learning session
//! fits a learner's rota. The fit rules, each explained in plain words when a
//! session does not fit:
//!
//! 1. it does not overlap any of their shifts, each widened on both sides by
//!    a travel buffer when the session is at another site than the shift
//!    (online sessions need none);
//! 2. it does not start within the rest period after the end of a night shift;
//! 3. its length fits the release time still unbooked in its week;
//! 4. it is not on a day of leave.
//!
//! A `study` shift is rostered release for learning: a session inside it
//! does not conflict with it. Times are local wall-clock times, as rotas are
//! written.

use crate::Date;
use crate::input::{FieldErrors, Fields, RowProblem, staff_record_number};
use std::fmt;

/// Minutes in a day.
const DAY: i64 = 24 * 60;

/// The longest shift a roster may hold, in hours (leave may cover a whole day).
pub const MAX_SHIFT_HOURS: i64 = 16;

/// A local date and time to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(i64);

impl LocalTime {
    /// `minute_of_day` minutes after midnight starting `date`.
    pub fn at(date: Date, minute_of_day: u32) -> LocalTime {
        LocalTime(date.to_unix_days() * DAY + i64::from(minute_of_day))
    }

    /// A time stored as minutes since 1970-01-01 00:00 local time.
    pub fn from_minutes(minutes: i64) -> LocalTime {
        LocalTime(minutes)
    }

    /// Minutes since 1970-01-01 00:00 local time, as stored.
    pub fn minutes(self) -> i64 {
        self.0
    }

    /// The date this falls on.
    pub fn date(self) -> Date {
        Date::from_unix_days(self.0.div_euclid(DAY))
    }

    /// Minutes after midnight, 0-1439.
    pub fn minute_of_day(self) -> u32 {
        self.0.rem_euclid(DAY) as u32
    }

    /// This time moved by `minutes` (earlier when negative).
    pub fn plus_minutes(self, minutes: i64) -> LocalTime {
        LocalTime(self.0 + minutes)
    }

    /// Minutes from `earlier` to this time (negative when it is later).
    pub fn minutes_since(self, earlier: LocalTime) -> i64 {
        self.0 - earlier.0
    }

    /// The time of day as a rota shows it, `07:30`.
    pub fn clock(self) -> String {
        let m = self.minute_of_day();
        format!("{:02}:{:02}", m / 60, m % 60)
    }
}

/// Reads a time of day written `HH:MM` (00:00 to 23:59) as minutes after midnight.
pub fn parse_clock(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// The Monday that starts the week `date` falls in.
pub fn week_start(date: Date) -> Date {
    date.plus_days(-i64::from(date.days_from_monday()))
}

/// What kind of shift a roster line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShiftType {
    /// An early, typically 07:00-15:00.
    Early,
    /// A late, typically 13:00-21:00.
    Late,
    /// A long day, typically 07:00-19:30.
    LongDay,
    /// A night, typically 19:00-07:30.
    Night,
    /// A short shift.
    Short,
    /// On call.
    OnCall,
    /// Rostered study time: release for learning.
    Study,
    /// Annual or other leave.
    Leave,
}

impl ShiftType {
    /// Every type, in the order rotas usually list them.
    pub const ALL: [ShiftType; 8] = [
        ShiftType::Early,
        ShiftType::Late,
        ShiftType::LongDay,
        ShiftType::Night,
        ShiftType::Short,
        ShiftType::OnCall,
        ShiftType::Study,
        ShiftType::Leave,
    ];

    /// The code a roster file uses, `long_day`.
    pub fn code(self) -> &'static str {
        match self {
            ShiftType::Early => "early",
            ShiftType::Late => "late",
            ShiftType::LongDay => "long_day",
            ShiftType::Night => "night",
            ShiftType::Short => "short",
            ShiftType::OnCall => "on_call",
            ShiftType::Study => "study",
            ShiftType::Leave => "leave",
        }
    }

    /// The type a roster code names.
    pub fn from_code(code: &str) -> Option<ShiftType> {
        ShiftType::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The type in words, as a learner reads it: "long day".
    pub fn words(self) -> &'static str {
        match self {
            ShiftType::Early => "early",
            ShiftType::Late => "late",
            ShiftType::LongDay => "long day",
            ShiftType::Night => "night shift",
            ShiftType::Short => "short shift",
            ShiftType::OnCall => "on-call shift",
            ShiftType::Study => "study time",
            ShiftType::Leave => "leave",
        }
    }
}

/// One line of a person's rota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// The person's staff record number.
    pub person_id: i64,
    /// When it starts.
    pub start: LocalTime,
    /// When it ends (after the start).
    pub end: LocalTime,
    /// What kind of shift.
    pub kind: ShiftType,
    /// The site's code.
    pub site: String,
}

impl Shift {
    /// The shift in a learner's words: "long day 07:00-19:30".
    pub fn describe(&self) -> String {
        format!(
            "{} {}-{}",
            self.kind.words(),
            self.start.clock(),
            self.end.clock()
        )
    }

    /// Its length in minutes.
    pub fn minutes(&self) -> i64 {
        self.end.minutes_since(self.start)
    }

    /// Whether it covers any part of `date`.
    pub fn touches(&self, date: Date) -> bool {
        self.start.date() <= date && date <= self.end.plus_minutes(-1).date()
    }
}

/// One row of a roster file: `person_id,date,start,end,shift_type,site`.
#[derive(Debug, Clone, Copy)]
pub struct RosterRow;

impl RosterRow {
    /// Reads a row (more columns are ignored). `date` is `YYYY-MM-DD`,
    /// `start` and `end` are `HH:MM` local time, and an `end` at or before
    /// the `start` ends the next day. Field names are the file's columns.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<Shift, FieldErrors> {
        let mut errors = FieldErrors::default();
        let person_id = staff_record_number(f, "person_id", &mut errors);
        let day = f.field("date");
        let date = day.parse::<Date>().ok();
        if date.is_none() {
            errors.add("date", format!("'{day}' is not a date like 2026-05-04"));
        }
        let mut clock = |name: &str| {
            let text = f.field(name);
            let at = parse_clock(text);
            if at.is_none() {
                errors.add(name, format!("'{text}' is not a time like 07:30"));
            }
            at
        };
        let start = clock("start");
        let end = clock("end");
        let code = f.field("shift_type");
        let kind = ShiftType::from_code(code);
        if kind.is_none() {
            let known: Vec<&str> = ShiftType::ALL.iter().map(|t| t.code()).collect();
            errors.add(
                "shift_type",
                format!(
                    "'{code}' is not a shift type: use one of {}",
                    known.join(", ")
                ),
            );
        }
        let site = f.field("site");
        if site.is_empty() {
            errors.add("site", "give the site's code");
        }
        let shift = match (person_id, date, start, end, kind) {
            (Some(person_id), Some(date), Some(start), Some(end), Some(kind)) => {
                let begins = LocalTime::at(date, start);
                let mut ends = LocalTime::at(date, end);
                if end <= start {
                    ends = ends.plus_minutes(DAY);
                }
                let shift = Shift {
                    person_id,
                    start: begins,
                    end: ends,
                    kind,
                    site: site.to_string(),
                };
                if kind != ShiftType::Leave && shift.minutes() > MAX_SHIFT_HOURS * 60 {
                    errors.add(
                        "end",
                        format!(
                            "a shift from {} to {} is over {MAX_SHIFT_HOURS} hours",
                            shift.start.clock(),
                            shift.end.clock()
                        ),
                    );
                }
                Some(shift)
            }
            _ => None,
        };
        errors.or_ok(|| shift)
    }
}

/// Overlapping shifts of one person in a roster read as `(row, shift)`:
/// each later row that starts before an earlier one of the same person ends.
pub fn overlapping_shifts(rows: &[(usize, Shift)]) -> Vec<RowProblem> {
    let mut order: Vec<&(usize, Shift)> = rows.iter().collect();
    order.sort_by_key(|(row, s)| (s.person_id, s.start, *row));
    let mut problems = Vec::new();
    let mut latest: Option<&(usize, Shift)> = None;
    for item in order {
        let (row, shift) = item;
        if let Some((other_row, other)) = latest
            && other.person_id == shift.person_id
            && shift.start < other.end
        {
            problems.push(RowProblem {
                row: *row,
                column: "start".into(),
                message: format!(
                    "staff record {} already has a {} on {} (row {other_row})",
                    shift.person_id,
                    other.describe(),
                    other.start.date()
                ),
            });
        }
        let keeps_latest =
            latest.is_some_and(|(_, o)| o.person_id == shift.person_id && o.end >= shift.end);
        if !keeps_latest {
            latest = Some(item);
        }
    }
    problems.sort_by_key(|p| p.row);
    problems
}

/// Rows of a roster file that collide with `stored` shifts the import keeps
/// (those just outside the dates the file replaces).
pub fn collisions_with_stored(rows: &[(usize, Shift)], stored: &[Shift]) -> Vec<RowProblem> {
    let mut problems = Vec::new();
    for kept in stored {
        for (row, s) in rows {
            if s.person_id == kept.person_id && s.start < kept.end && kept.start < s.end {
                problems.push(RowProblem {
                    row: *row,
                    column: "start".into(),
                    message: format!(
                        "staff record {} already has a {} on {}, stored before and outside this file's dates",
                        kept.person_id,
                        kept.describe(),
                        kept.start.date()
                    ),
                });
            }
        }
    }
    problems.sort_by_key(|p| p.row);
    problems
}

/// Where a learning session happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Venue {
    /// At a site, by its code.
    Site(String),
    /// Online: no travel.
    Online,
}

/// One sitting of a learning session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sitting {
    /// When it starts.
    pub start: LocalTime,
    /// How long it lasts, in minutes.
    pub minutes: u32,
    /// Where.
    pub venue: Venue,
}

impl Sitting {
    /// When it ends.
    pub fn end(&self) -> LocalTime {
        self.start.plus_minutes(i64::from(self.minutes))
    }
}

/// An organisation's thresholds for the fit rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FitSettings {
    /// Minutes of travel allowed either side of a shift at another site.
    pub travel_minutes: u32,
    /// Hours of rest after a night shift before a session may start.
    pub rest_after_night_hours: u32,
}

impl Default for FitSettings {
    fn default() -> Self {
        FitSettings {
            travel_minutes: 30,
            rest_after_night_hours: 11,
        }
    }
}

/// Why a session does not fit a person's rota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misfit {
    /// It overlaps a shift (with travel when `travel` is set).
    Overlaps {
        /// The shift, described.
        shift: String,
        /// The travel minutes allowed either side, when the sites differ.
        travel: Option<u32>,
    },
    /// It starts too soon after a night shift.
    TooSoonAfterNight {
        /// The night shift, described.
        shift: String,
        /// The rest period in hours.
        rest_hours: u32,
    },
    /// It is longer than the release time left that week.
    OverRelease {
        /// The session's minutes.
        needed: u32,
        /// Release minutes still unbooked that week.
        left: u32,
    },
    /// It is on a day of leave.
    OnLeave,
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Misfit::Overlaps {
                shift,
                travel: None,
            } => write!(f, "overlaps your {shift}"),
            Misfit::Overlaps {
                shift,
                travel: Some(t),
            } => write!(
                f,
                "overlaps your {shift} once {t} minutes' travel between sites is allowed"
            ),
            Misfit::TooSoonAfterNight { shift, rest_hours } => {
                write!(f, "is within {rest_hours} hours of the end of your {shift}")
            }
            Misfit::OverRelease { needed, left } => write!(
                f,
                "needs {} of release time and {} {} left that week",
                hours_and_minutes(*needed),
                hours_and_minutes(*left),
                if *left == 1 { "is" } else { "are" }
            ),
            Misfit::OnLeave => write!(f, "is on a day of your leave"),
        }
    }
}

/// Minutes in words: "90 minutes" as "1 hour 30 minutes".
pub fn hours_and_minutes(minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    let unit = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (h, m) {
        (0, m) => unit(m, "minute", "minutes"),
        (h, 0) => unit(h, "hour", "hours"),
        (h, m) => format!(
            "{} {}",
            unit(h, "hour", "hours"),
            unit(m, "minute", "minutes")
        ),
    }
}

/// A reason a sitting does not fit, before it is put in words.
enum Clash<'a> {
    Overlaps(&'a Shift, Option<u32>),
    AfterNight(&'a Shift),
    OverRelease(u32, u32),
    OnLeave,
}

/// Checks the fit rules, telling `clash` each reason found; stops as soon
/// as `clash` answers false.
fn check<'a>(
    sitting: &Sitting,
    shifts: &'a [Shift],
    release_left: Option<u32>,
    settings: FitSettings,
    mut clash: impl FnMut(Clash<'a>) -> bool,
) {
    let (start, end) = (sitting.start, sitting.end());
    let mut on_leave = false;
    for shift in shifts {
        match shift.kind {
            ShiftType::Leave => {
                if shift.touches(start.date()) && !on_leave {
                    on_leave = true;
                    if !clash(Clash::OnLeave) {
                        return;
                    }
                }
                continue;
            }
            ShiftType::Study => continue,
            _ => {}
        }
        let travel = match &sitting.venue {
            Venue::Site(site) if *site != shift.site => Some(settings.travel_minutes),
            _ => None,
        };
        let pad = i64::from(travel.unwrap_or(0));
        if start < shift.end.plus_minutes(pad) && shift.start.plus_minutes(-pad) < end {
            if !clash(Clash::Overlaps(shift, travel.filter(|t| *t > 0))) {
                return;
            }
            continue;
        }
        if shift.kind == ShiftType::Night {
            let rest = i64::from(settings.rest_after_night_hours) * 60;
            let since = start.minutes_since(shift.end);
            if (0..rest).contains(&since) && !clash(Clash::AfterNight(shift)) {
                return;
            }
        }
    }
    if let Some(left) = release_left
        && sitting.minutes > left
    {
        clash(Clash::OverRelease(sitting.minutes, left));
    }
}

/// Every reason `sitting` does not fit a person with `shifts`, given the
/// release minutes still unbooked in its week (`None` when no release
/// agreement limits it). Empty when it fits.
pub fn misfits(
    sitting: &Sitting,
    shifts: &[Shift],
    release_left: Option<u32>,
    settings: FitSettings,
) -> Vec<Misfit> {
    let mut out = Vec::new();
    check(sitting, shifts, release_left, settings, |c| {
        out.push(match c {
            Clash::Overlaps(shift, travel) => Misfit::Overlaps {
                shift: shift.describe(),
                travel,
            },
            Clash::AfterNight(shift) => Misfit::TooSoonAfterNight {
                shift: shift.describe(),
                rest_hours: settings.rest_after_night_hours,
            },
            Clash::OverRelease(needed, left) => Misfit::OverRelease { needed, left },
            Clash::OnLeave => Misfit::OnLeave,
        });
        true
    });
    out
}

/// Whether `sitting` fits: [`misfits`] is empty, found without putting any
/// reason in words (the timetable optimiser asks this millions of times).
pub fn fits(
    sitting: &Sitting,
    shifts: &[Shift],
    release_left: Option<u32>,
    settings: FitSettings,
) -> bool {
    let mut ok = true;
    check(sitting, shifts, release_left, settings, |_| {
        ok = false;
        false
    });
    ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn at(d: &str, clock: &str) -> LocalTime {
        LocalTime::at(day(d), parse_clock(clock).unwrap())
    }

    fn shift(kind: ShiftType, d: &str, from: &str, to: &str, site: &str) -> Shift {
        let row: HashMap<String, String> = [
            ("person_id", "7"),
            ("date", d),
            ("start", from),
            ("end", to),
            ("shift_type", kind.code()),
            ("site", site),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        RosterRow::parse(&row).unwrap()
    }

    fn sitting(d: &str, from: &str, minutes: u32, venue: Venue) -> Sitting {
        Sitting {
            start: at(d, from),
            minutes,
            venue,
        }
    }

    fn site(code: &str) -> Venue {
        Venue::Site(code.into())
    }

    fn why(s: &Sitting, shifts: &[Shift]) -> Vec<String> {
        misfits(s, shifts, None, FitSettings::default())
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn clock_times_are_hours_and_minutes_of_one_day() {
        assert_eq!(parse_clock("07:30"), Some(450));
        assert_eq!(parse_clock("7:30"), Some(450));
        assert_eq!(parse_clock("00:00"), Some(0));
        assert_eq!(parse_clock("23:59"), Some(1439));
        for bad in ["24:00", "12:60", "1230", "12:3", "", "ab:cd", "-1:00"] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
        assert_eq!(at("2026-05-04", "19:05").clock(), "19:05");
        assert_eq!(at("2026-05-04", "19:05").date(), day("2026-05-04"));
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2026-05-04 is a Monday, 2026-05-10 a Sunday.
        assert_eq!(week_start(day("2026-05-04")), day("2026-05-04"));
        assert_eq!(week_start(day("2026-05-10")), day("2026-05-04"));
        assert_eq!(week_start(day("2026-05-11")), day("2026-05-11"));
        assert_eq!(week_start(day("1970-01-01")), day("1969-12-29"));
    }

    #[test]
    fn a_night_ends_the_next_day() {
        let n = shift(ShiftType::Night, "2026-05-04", "19:00", "07:30", "NGH");
        assert_eq!(n.end, at("2026-05-05", "07:30"));
        assert_eq!(n.minutes(), 12 * 60 + 30);
        assert_eq!(n.describe(), "night shift 19:00-07:30");
        assert!(n.touches(day("2026-05-05")) && !n.touches(day("2026-05-06")));
        let early = shift(ShiftType::Early, "2026-05-04", "07:00", "15:00", "NGH");
        assert!(!early.touches(day("2026-05-05")));
    }

    #[test]
    fn every_bad_field_of_a_roster_row_is_named_at_once() {
        let row: HashMap<String, String> = [
            ("person_id", "x"),
            ("date", "32/5/2026"),
            ("start", "7am"),
            ("end", "25:00"),
            ("shift_type", "twilight"),
            ("site", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let errors = RosterRow::parse(&row).unwrap_err();
        let fields: Vec<&str> = errors.list().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["person_id", "date", "start", "end", "shift_type", "site"]
        );
        assert!(errors.list()[4].message.contains("long_day"));
    }

    #[test]
    fn a_shift_over_sixteen_hours_is_refused_but_a_day_of_leave_is_not() {
        let mut row: HashMap<String, String> = [
            ("person_id", "7"),
            ("date", "2026-05-04"),
            ("start", "07:00"),
            ("end", "23:01"),
            ("shift_type", "long_day"),
            ("site", "NGH"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let e = RosterRow::parse(&row).unwrap_err();
        assert_eq!(e.list()[0].field, "end");
        assert!(e.list()[0].message.contains("over 16 hours"));
        row.insert("end".into(), "23:00".into());
        assert!(
            RosterRow::parse(&row).is_ok(),
            "exactly 16 hours is allowed"
        );
        row.insert("end".into(), "07:00".into());
        assert!(RosterRow::parse(&row).is_err(), "24 hours of work");
        row.insert("shift_type".into(), "leave".into());
        let leave = RosterRow::parse(&row).unwrap();
        assert_eq!(leave.minutes(), 24 * 60);
    }

    #[test]
    fn overlapping_shifts_of_one_person_are_named_by_row() {
        let mut other = shift(ShiftType::Early, "2026-05-05", "07:00", "15:00", "NGH");
        other.person_id = 8;
        let rows = vec![
            (
                2,
                shift(ShiftType::Night, "2026-05-04", "19:00", "07:30", "NGH"),
            ),
            (
                3,
                shift(ShiftType::Early, "2026-05-05", "07:00", "15:00", "NGH"),
            ),
            (4, other),
            (
                5,
                shift(ShiftType::Late, "2026-05-05", "15:00", "21:00", "NGH"),
            ),
        ];
        let problems = overlapping_shifts(&rows);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].row, 3);
        assert_eq!(
            problems[0].to_string(),
            "row 3, column start: staff record 7 already has a night shift 19:00-07:30 on 2026-05-04 (row 2)"
        );
    }

    #[test]
    fn a_long_shift_overlapping_two_later_ones_names_both() {
        let rows = vec![
            (
                2,
                shift(ShiftType::LongDay, "2026-05-04", "07:00", "19:30", "A"),
            ),
            (
                3,
                shift(ShiftType::Short, "2026-05-04", "08:00", "10:00", "A"),
            ),
            (
                4,
                shift(ShiftType::Short, "2026-05-04", "12:00", "14:00", "A"),
            ),
        ];
        let rows_named: Vec<usize> = overlapping_shifts(&rows).iter().map(|p| p.row).collect();
        assert_eq!(rows_named, [3, 4]);
    }

    #[test]
    fn a_row_colliding_with_a_kept_stored_shift_is_named() {
        let stored = [shift(ShiftType::Night, "2026-05-10", "19:00", "07:30", "A")];
        let rows = vec![
            (
                2,
                shift(ShiftType::Early, "2026-05-11", "07:00", "15:00", "A"),
            ),
            (
                3,
                shift(ShiftType::Late, "2026-05-11", "13:00", "21:00", "A"),
            ),
        ];
        let problems = collisions_with_stored(&rows, &stored);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "row 2, column start: staff record 7 already has a night shift 19:00-07:30 on 2026-05-10, stored before and outside this file's dates"
        );
        let mut other = stored[0].clone();
        other.person_id = 8;
        assert!(collisions_with_stored(&rows, &[other]).is_empty());
    }

    #[test]
    fn a_session_ending_exactly_when_a_shift_starts_fits() {
        let late = shift(ShiftType::Late, "2026-05-05", "13:00", "21:00", "NGH");
        let s = sitting("2026-05-05", "11:30", 90, site("NGH"));
        assert!(why(&s, std::slice::from_ref(&late)).is_empty());
        let s = sitting("2026-05-05", "11:31", 90, site("NGH"));
        assert_eq!(why(&s, &[late]), ["overlaps your late 13:00-21:00"]);
    }

    #[test]
    fn travel_widens_a_shift_at_another_site_but_not_online() {
        let early = shift(ShiftType::Early, "2026-05-05", "07:00", "15:00", "NGH");
        let after = |venue| sitting("2026-05-05", "15:20", 60, venue);
        assert_eq!(
            why(&after(site("CMH")), std::slice::from_ref(&early)),
            ["overlaps your early 07:00-15:00 once 30 minutes' travel between sites is allowed"]
        );
        assert!(why(&after(site("NGH")), std::slice::from_ref(&early)).is_empty());
        assert!(why(&after(Venue::Online), std::slice::from_ref(&early)).is_empty());
        let just_clear = sitting("2026-05-05", "15:30", 60, site("CMH"));
        assert!(why(&just_clear, std::slice::from_ref(&early)).is_empty());
        let before = sitting("2026-05-05", "05:30", 60, site("CMH"));
        assert!(why(&before, std::slice::from_ref(&early)).is_empty());
        let before = sitting("2026-05-05", "05:31", 60, site("CMH"));
        assert_eq!(why(&before, &[early]).len(), 1);
    }

    #[test]
    fn rest_after_a_night_shift_is_eleven_hours_to_the_minute() {
        let night = shift(ShiftType::Night, "2026-05-04", "19:00", "07:30", "NGH");
        // 10 hours 59 minutes after the night ends: refused.
        let s = sitting("2026-05-05", "18:29", 30, Venue::Online);
        assert_eq!(
            why(&s, std::slice::from_ref(&night)),
            ["is within 11 hours of the end of your night shift 19:00-07:30"]
        );
        // Exactly 11 hours after: fits.
        let s = sitting("2026-05-05", "18:30", 30, Venue::Online);
        assert!(why(&s, std::slice::from_ref(&night)).is_empty());
        // The rest rule is for nights only.
        let late = shift(ShiftType::Late, "2026-05-05", "13:00", "21:00", "NGH");
        let s = sitting("2026-05-05", "21:00", 30, site("NGH"));
        assert!(why(&s, &[late]).is_empty());
        // A shorter organisation setting moves the boundary.
        let settings = FitSettings {
            rest_after_night_hours: 8,
            ..FitSettings::default()
        };
        let s = sitting("2026-05-05", "15:30", 30, Venue::Online);
        assert!(misfits(&s, &[night], None, settings).is_empty());
    }

    #[test]
    fn study_time_is_release_and_leave_is_the_whole_day() {
        let study = shift(ShiftType::Study, "2026-05-06", "09:00", "17:00", "NGH");
        let s = sitting("2026-05-06", "10:00", 180, site("CMH"));
        assert!(why(&s, &[study]).is_empty());
        let leave = shift(ShiftType::Leave, "2026-05-07", "00:00", "00:00", "NGH");
        let s = sitting("2026-05-07", "19:00", 60, Venue::Online);
        assert_eq!(
            why(&s, std::slice::from_ref(&leave)),
            ["is on a day of your leave"]
        );
        let s = sitting("2026-05-08", "00:00", 60, Venue::Online);
        assert!(why(&s, &[leave]).is_empty());
    }

    #[test]
    fn release_time_left_in_the_week_limits_the_length() {
        let s = sitting("2026-05-06", "10:00", 90, Venue::Online);
        let settings = FitSettings::default();
        assert!(misfits(&s, &[], Some(90), settings).is_empty());
        assert!(misfits(&s, &[], None, settings).is_empty());
        let over = misfits(&s, &[], Some(60), settings);
        assert_eq!(
            over[0].to_string(),
            "needs 1 hour 30 minutes of release time and 1 hour are left that week"
        );
        assert_eq!(hours_and_minutes(1), "1 minute");
        assert_eq!(hours_and_minutes(120), "2 hours");
    }

    #[test]
    fn every_reason_is_given_not_only_the_first() {
        let night = shift(ShiftType::Night, "2026-05-04", "19:00", "07:30", "NGH");
        let late = shift(ShiftType::Late, "2026-05-05", "13:00", "21:00", "NGH");
        let s = sitting("2026-05-05", "12:00", 120, site("NGH"));
        let reasons = misfits(&s, &[night, late], Some(60), FitSettings::default());
        assert_eq!(reasons.len(), 3, "{reasons:?}");
    }
}
