//! Calendar dates as the framework needs them: parsing `YYYY-MM-DD`, whole
//! months between two dates, and today's date from a Unix time the caller reads.

use std::fmt;
use std::str::FromStr;

/// A civil date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1-12.
    pub month: u32,
    /// Day, 1-31.
    pub day: u32,
}

/// A date that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a date: expected YYYY-MM-DD")]
pub struct DateError(pub String);

/// The days of the week, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl Date {
    /// Builds a date, checking the day exists.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The date of a day counted from 1970-01-01 (Howard Hinnant's civil algorithm).
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (the inverse of [`Date::from_unix_days`]).
    pub fn to_unix_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Whole months from `self` to `later` (0 when `later` is earlier).
    pub fn whole_months_until(self, later: Date) -> u32 {
        let mut months = (later.year - self.year) * 12 + later.month as i32 - self.month as i32;
        if later.day < self.day {
            months -= 1;
        }
        months.max(0) as u32
    }

    /// The date `n` days later (earlier when negative).
    pub fn plus_days(self, n: i64) -> Date {
        Date::from_unix_days(self.to_unix_days() + n)
    }

    /// The day of the week, "Monday".
    pub fn weekday(self) -> &'static str {
        WEEKDAYS[usize::from(self.days_from_monday())]
    }

    /// Days since the Monday of its week: 0 on a Monday, 6 on a Sunday.
    pub fn days_from_monday(self) -> u8 {
        // 1970-01-01 was a Thursday.
        (self.to_unix_days() + 3).rem_euclid(7) as u8
    }

    /// The date as people write it, "4 May 2026".
    pub fn in_words(self) -> String {
        format!("{} {}", self.day, self.month_in_words())
    }

    /// Its month as people write it, "May 2026".
    pub fn month_in_words(self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        format!(
            "{} {}",
            MONTHS[(self.month as usize).clamp(1, 12) - 1],
            self.year
        )
    }

    /// The same day `n` months earlier (clamped to the month's last day).
    pub fn months_before(self, n: u32) -> Date {
        let total = self.year * 12 + self.month as i32 - 1 - n as i32;
        let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        let mut day = self.day;
        loop {
            if let Some(d) = Date::new(year, month, day) {
                return d;
            }
            day -= 1;
        }
    }
}

pub(crate) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month by its name or its first three letters, any case.
pub(crate) fn month_named(name: &str) -> Option<u32> {
    let name = name.trim_end_matches('.').to_lowercase();
    if name.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| *m == name || (name.len() == 3 && m.starts_with(&name)))
        .map(|i| i as u32 + 1)
}

/// Reads a date as people write it: `2026-12-01`, `1 December 2026`,
/// `1 Dec 2026` or `1/12/2026` (day first, as in the UK).
impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DateError(s.to_string());
        let t = s.trim();
        let num = |p: &str| p.trim().parse::<i64>().ok();
        let (y, m, d) = if let [y, m, d] = t.split('-').collect::<Vec<_>>()[..] {
            (num(y), num(m), num(d))
        } else if let [d, m, y] = t.split('/').collect::<Vec<_>>()[..] {
            (num(y), num(m), num(d))
        } else if let [d, m, y] = t.split_whitespace().collect::<Vec<_>>()[..] {
            (
                num(y),
                month_named(m).map(i64::from),
                num(d.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h'])),
            )
        } else {
            return Err(err());
        };
        let (Some(y), Some(m), Some(d)) = (y, m, d) else {
            return Err(err());
        };
        if !(1000..=9999).contains(&y) {
            return Err(err());
        }
        let (Ok(m), Ok(d)) = (u32::try_from(m), u32::try_from(d)) else {
            return Err(err());
        };
        Date::new(y as i32, m, d).ok_or_else(err)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_write_them() {
        let d: Date = "2026-05-04".parse().unwrap();
        assert_eq!(d.weekday(), "Monday");
        assert_eq!(d.plus_days(6).weekday(), "Sunday");
        assert_eq!(d.in_words(), "4 May 2026");
        assert_eq!(d.plus_days(-4).in_words(), "30 April 2026");
        let new_year: Date = "2026-12-31".parse().unwrap();
        assert_eq!(new_year.plus_days(1).in_words(), "1 January 2027");
        assert_eq!(new_year.weekday(), "Thursday");
    }

    #[test]
    fn unix_days_map_to_civil_dates() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(20_416).to_string(), "2025-11-24");
        assert_eq!(Date::from_unix_days(11_016).to_string(), "2000-02-29");
    }

    #[test]
    fn unix_days_round_trip() {
        for days in [-800_000, -1, 0, 59, 11_016, 20_416, 2_000_000] {
            assert_eq!(Date::from_unix_days(days).to_unix_days(), days);
        }
    }

    #[test]
    fn whole_months_count_only_completed_months() {
        let start: Date = "2025-01-31".parse().unwrap();
        assert_eq!(start.whole_months_until("2025-02-28".parse().unwrap()), 0);
        assert_eq!(start.whole_months_until("2025-03-31".parse().unwrap()), 2);
        assert_eq!(start.whole_months_until("2024-03-31".parse().unwrap()), 0);
    }

    #[test]
    fn dates_are_read_in_the_ways_people_type_them() {
        let want: Date = "2026-12-01".parse().unwrap();
        for typed in [
            "1 December 2026",
            " 1 december 2026 ",
            "1 Dec 2026",
            "01/12/2026",
            "1/12/2026",
            "1st December 2026",
        ] {
            assert_eq!(typed.parse::<Date>(), Ok(want), "{typed}");
        }
        for wrong in [
            "31 June 2026",
            "1 Decembre 2026",
            "1 De 2026",
            "12/31/2026",
            "1 December 26",
            "2026-12",
        ] {
            assert!(wrong.parse::<Date>().is_err(), "{wrong}");
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!("2025-02-29".parse::<Date>().is_err());
        assert!("2025-13-01".parse::<Date>().is_err());
        assert!("yesterday".parse::<Date>().is_err());
    }

    #[test]
    fn months_before_clamps_to_the_last_day() {
        let d: Date = "2026-03-31".parse().unwrap();
        assert_eq!(d.months_before(1).to_string(), "2026-02-28");
        assert_eq!(d.months_before(15).to_string(), "2024-12-31");
    }
}
