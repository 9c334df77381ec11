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

/// Days before the due date a review shows as due soon.
pub const DUE_SOON_DAYS: i64 = 14;

/// Where an apprenticeship stands with its progress reviews on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewState {
    /// It has not started yet.
    NotStarted,
    /// It has completed or the learner withdrew: no more reviews.
    Finished,
    /// The learner is on a break in learning.
    OnBreak,
    /// No progress review rule is in force for its start.
    NoRule,
    /// In learning: the last review (none yet: counted from the start) and
    /// when the next is due.
    InLearning {
        /// The last review held, if any.
        last: Option<Date>,
        /// The last day the next may be held on.
        next_due: Date,
        /// Whether that day has passed.
        overdue: bool,
        /// Whether it falls within [`DUE_SOON_DAYS`].
        due_soon: bool,
    },
}

/// Where `a` stands on `today` with reviews `held` (in any order), by the
/// rule in force at its start.
pub fn review_state(
    rules: &super::FundingRules,
    a: &super::Apprenticeship,
    held: &[Date],
    today: Date,
) -> ReviewState {
    let now = super::Month::of(today);
    if a.start > now {
        return ReviewState::NotStarted;
    }
    if a.completed.is_some_and(|m| m <= now) || a.withdrawn.is_some_and(|m| m <= now) {
        return ReviewState::Finished;
    }
    if a.break_in_learning
        .is_some_and(|b| b.from <= now && now < b.to)
    {
        return ReviewState::OnBreak;
    }
    let Some(every) = rules.review_interval(a.start) else {
        return ReviewState::NoRule;
    };
    let last = held.iter().copied().filter(|d| *d <= today).max();
    let from =
        last.unwrap_or_else(|| Date::new(a.start.year(), a.start.month(), 1).unwrap_or(today));
    let next_due = every.next_due(from);
    ReviewState::InLearning {
        last,
        next_due,
        overdue: today > next_due,
        due_soon: today <= next_due && next_due <= today.plus_days(DUE_SOON_DAYS),
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

#[cfg(test)]
mod state_tests {
    use super::*;
    use crate::levy::{Apprenticeship, BreakInLearning, FundingRules};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn apprenticeship(start: &str) -> Apprenticeship {
        Apprenticeship {
            id: "A1".into(),
            standard: "ST0216".into(),
            start: start.parse().unwrap(),
            planned_end: "2028-09".parse().unwrap(),
            price_pence: 500_000,
            age_at_start: 19,
            completed: None,
            withdrawn: None,
            break_in_learning: None,
            price_change: None,
        }
    }

    #[test]
    fn reviews_fall_due_from_the_start_then_from_the_last_held() {
        let rules =
            FundingRules::parse(include_str!("../../../../catalogue/funding-rules.toml")).unwrap();
        let a = apprenticeship("2026-09");
        // None held: due three calendar months from 1 September.
        let s = review_state(&rules, &a, &[], d("2026-11-20"));
        assert_eq!(
            s,
            ReviewState::InLearning {
                last: None,
                next_due: d("2026-12-01"),
                overdue: false,
                due_soon: true
            }
        );
        assert!(matches!(
            review_state(&rules, &a, &[], d("2026-12-02")),
            ReviewState::InLearning { overdue: true, .. }
        ));
        // One held on 25 November: due 25 February; a later one not yet held is ignored.
        let s = review_state(
            &rules,
            &a,
            &[d("2027-01-10"), d("2026-11-25")],
            d("2026-12-02"),
        );
        assert!(matches!(
            s,
            ReviewState::InLearning { last: Some(l), next_due, overdue: false, due_soon: false }
                if l == d("2026-11-25") && next_due == d("2027-02-25")
        ));
        assert_eq!(
            review_state(&rules, &a, &[], d("2026-08-31")),
            ReviewState::NotStarted
        );
        let mut done = a.clone();
        done.completed = Some("2026-11".parse().unwrap());
        assert_eq!(
            review_state(&rules, &done, &[], d("2026-11-02")),
            ReviewState::Finished
        );
        let mut paused = a.clone();
        paused.break_in_learning = Some(BreakInLearning {
            from: "2026-10".parse().unwrap(),
            to: "2027-01".parse().unwrap(),
        });
        assert_eq!(
            review_state(&rules, &paused, &[], d("2026-12-15")),
            ReviewState::OnBreak
        );
        assert_eq!(
            review_state(&rules, &apprenticeship("2021-01"), &[], d("2026-12-01")),
            ReviewState::NoRule
        );
    }
}
