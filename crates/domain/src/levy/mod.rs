//! The apprenticeship levy account: the dated funding rules
//! (`catalogue/funding-rules.toml`), the ledger that moves money month by
//! month (levy in, top-up, payments to providers oldest funds first,
//! co-investment once funds run out, transfers, expiry), and the rows a levy
//! forecast is read from. Money is whole pence throughout.

mod ledger;
mod plan;
mod reviews;
mod rows;
mod rules;

pub use ledger::{
    Apprenticeship, BreakInLearning, Employer, FORECAST_COLUMNS, Forecast, ForecastMonth,
    ForecastRequest, LedgerError, Movement, MovementKind, OpeningFunds, Payment, PaymentKind,
    PayrollMonth, PriceChange, Transfer, TransferRefusal, forecast,
};
pub use plan::{
    CohortSuggestion, MAX_COHORT, WhatIfCohort, cohort_using_expiring_funds, parse_pounds,
};
pub use reviews::{DUE_SOON_DAYS, ReviewInterval, ReviewState, review_state};
pub use rows::{
    APPRENTICESHIP_COLUMNS, ApprenticeshipRow, FUNDS_COLUMNS, FundsRow, NewReview, PAY_COLUMNS,
    PayRow, TRANSFER_COLUMNS, TransferRow,
};
pub use rules::{CoInvestmentRule, Dated, FundingRules, LevyRule};

use std::fmt;

/// A calendar month, like 2026-08.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    /// The month `month` (1-12) of `year`.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12)
            .contains(&month)
            .then(|| Month(year * 12 + month as i32 - 1))
    }

    /// The month a date falls in.
    pub fn of(date: crate::Date) -> Month {
        Month(date.year * 12 + date.month as i32 - 1)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month of the year, 1-12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    /// `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// Months from this one to `later` (negative when it is earlier).
    pub fn months_until(self, later: Month) -> i32 {
        later.0 - self.0
    }

    /// The April that starts this month's tax and financial year.
    pub fn year_start(self) -> Month {
        let april = Month::new(self.year(), 4).unwrap_or(self);
        if self >= april {
            april
        } else {
            april.plus(-12)
        }
    }

    /// The year's name as people write it: 2026-27 for April 2026 to March 2027.
    pub fn year_name(self) -> String {
        let start = self.year_start().year();
        format!("{start}-{:02}", (start + 1) % 100)
    }

    /// The month in words, like "August 2026".
    pub fn in_words(self) -> String {
        let name = crate::dates::MONTHS[self.month() as usize - 1];
        let mut c = name.chars();
        let first = c.next().map(|f| f.to_ascii_uppercase()).unwrap_or(' ');
        format!("{first}{} {}", c.as_str(), self.year())
    }
}

impl std::str::FromStr for Month {
    type Err = String;
    /// Reads `2026-08`, `August 2026` or `Aug 2026`.
    fn from_str(s: &str) -> Result<Month, String> {
        let t = s.trim();
        let bad = || format!("'{t}' is not a month like 2026-08");
        let (y, m) = if let Some((y, m)) = t.split_once('-') {
            (y.parse::<i32>().ok(), m.parse::<u32>().ok())
        } else if let Some((m, y)) = t.split_once(' ') {
            (y.trim().parse::<i32>().ok(), crate::dates::month_named(m))
        } else {
            (None, None)
        };
        match (y, m) {
            (Some(y), Some(m)) if (1000..=9999).contains(&y) => Month::new(y, m).ok_or_else(bad),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// Pence as people read money: £1,234.56.
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let p = pence.unsigned_abs();
    format!("{sign}£{}.{:02}", crate::thousands(p / 100), p % 100)
}

/// `amount` times `basis_points` / 10,000, rounded down to the penny.
pub fn share(amount: i64, basis_points: u32) -> i64 {
    (i128::from(amount) * i128::from(basis_points) / 10_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn months_read_write_and_count() {
        assert_eq!(m("2026-08").to_string(), "2026-08");
        assert_eq!(m("August 2026"), m("2026-08"));
        assert_eq!(m("aug 2026"), m("2026-08"));
        assert_eq!(m("2026-12").plus(1), m("2027-01"));
        assert_eq!(m("2026-06").months_until(m("2027-06")), 12);
        assert_eq!(m("2026-08").in_words(), "August 2026");
        assert!("2026-13".parse::<Month>().is_err());
        assert!("next month".parse::<Month>().is_err());
    }

    #[test]
    fn a_tax_year_runs_april_to_march() {
        assert_eq!(m("2027-03").year_start(), m("2026-04"));
        assert_eq!(m("2026-04").year_start(), m("2026-04"));
        assert_eq!(m("2026-04").year_name(), "2026-27");
        assert_eq!(m("2000-01").year_name(), "1999-00");
    }

    #[test]
    fn money_is_shown_in_pounds_and_shares_round_down() {
        assert_eq!(pounds(123_456_789), "£1,234,567.89");
        assert_eq!(pounds(5), "£0.05");
        assert_eq!(pounds(-100_000), "-£1,000.00");
        assert_eq!(share(999, 5_000), 499);
        assert_eq!(share(1_000_001, 8_000), 800_000);
    }
}
