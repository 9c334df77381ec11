//! Progress reviews: how often the learner, employer and provider must meet,
//! by the rule in force at the apprenticeship's start, and when the next is due.

use crate::Date;

/// The longest gap allowed between progress reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewInterval {
    /// At least every so many weeks.
    Weeks(u32),
    /// At least every so many calendar months.
    CalendarMonths(u32),
}

impl ReviewInterval {
    /// Reads "12 weeks" or "3 calendar months".
    pub fn parse(text: &str) -> Option<ReviewInterval> {
        let mut words = text.split_whitespace();
        let n = words
            .next()?
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=52).contains(n))?;
        match words.collect::<Vec<_>>()[..] {
            ["weeks"] | ["week"] => Some(ReviewInterval::Weeks(n)),
            ["calendar", "months"] | ["calendar", "month"] => {
                Some(ReviewInterval::CalendarMonths(n))
            }
            _ => None,
        }
    }

    /// The last day the next review may be held on, after one on `last`
    /// (or the start): so many weeks later, or the same day so many calendar
    /// months later (the month's last day when it has no such day).
    pub fn next_due(self, last: Date) -> Date {
        match self {
            ReviewInterval::Weeks(n) => last.plus_days(7 * i64::from(n)),
            ReviewInterval::CalendarMonths(n) => {
                let months = last.year * 12 + last.month as i32 - 1 + n as i32;
                let (year, month) = (months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
                (1..=last.day)
                    .rev()
                    .find_map(|d| Date::new(year, month, d))
                    .unwrap_or(last)
            }
        }
    }

    /// Whether a review is overdue on `today` after one on `last`.
    pub fn overdue(self, last: Date, today: Date) -> bool {
        today > self.next_due(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levy::FundingRules;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn the_interval_is_the_rule_at_the_start_12_weeks_then_3_calendar_months() {
        let rules =
            FundingRules::parse(include_str!("../../../../catalogue/funding-rules.toml")).unwrap();
        let before = rules.review_interval("2025-07".parse().unwrap()).unwrap();
        assert_eq!(before, ReviewInterval::Weeks(12));
        assert_eq!(before.next_due(d("2025-07-01")), d("2025-09-23"));
        let after = rules.review_interval("2025-08".parse().unwrap()).unwrap();
        assert_eq!(after, ReviewInterval::CalendarMonths(3));
        assert_eq!(after.next_due(d("2025-08-15")), d("2025-11-15"));
        // 30 November plus three calendar months is the last day of February.
        assert_eq!(after.next_due(d("2025-11-30")), d("2026-02-28"));
        assert!(!after.overdue(d("2025-11-30"), d("2026-02-28")));
        assert!(after.overdue(d("2025-11-30"), d("2026-03-01")));
        assert_eq!(rules.review_interval("2021-01".parse().unwrap()), None);
    }

    #[test]
    fn intervals_are_read_as_the_rules_file_writes_them() {
        assert_eq!(
            ReviewInterval::parse("12 weeks"),
            Some(ReviewInterval::Weeks(12))
        );
        assert_eq!(
            ReviewInterval::parse("3 calendar months"),
            Some(ReviewInterval::CalendarMonths(3))
        );
        for bad in ["", "weeks", "0 weeks", "3 months", "twelve weeks"] {
            assert_eq!(ReviewInterval::parse(bad), None, "{bad}");
        }
    }
}
