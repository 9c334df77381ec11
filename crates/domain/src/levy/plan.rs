//! Planning with the forecast: a what-if cohort shown beside the baseline
//! without saving it, and the cohort that would use funds about to expire.

use super::Month;
use super::ledger::{Apprenticeship, ForecastRequest, LedgerError, forecast};
use super::rules::FundingRules;
use crate::input::{FieldErrors, Fields};
use crate::standards::Standards;

/// The largest cohort a suggestion looks at.
pub const MAX_COHORT: u32 = 200;

/// A cohort that might start: `size` learners on one standard from one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatIfCohort {
    /// How many learners.
    pub size: u32,
    /// The standard's code.
    pub standard: String,
    /// The month they start.
    pub start: Month,
    /// Months from start to planned end (the standard's typical duration).
    pub months: u32,
    /// The agreed price for each, in pence.
    pub price_pence: i64,
    /// Their age at start.
    pub age_at_start: u8,
}

/// Pounds as people type them: `9000`, `£9,000` or `9,000.50`, as pence.
pub fn parse_pounds(text: &str) -> Option<i64> {
    let t = text.trim().trim_start_matches('£').replace(',', "");
    let (whole, pence) = match t.split_once('.') {
        Some((w, p)) if p.len() <= 2 && !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => {
            (w, format!("{p:0<2}"))
        }
        Some(_) => return None,
        None => (t.as_str(), "00".to_string()),
    };
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(pence.parse().ok()?)
}

impl WhatIfCohort {
    /// Reads the what-if form: `cohort_size` (1-200), `cohort_standard`,
    /// `cohort_start` (a month), `cohort_price` (pounds for each learner;
    /// the standard's band when blank) and `cohort_age` (25 when blank).
    pub fn parse(
        f: &(impl Fields + ?Sized),
        standards: &Standards,
    ) -> Result<WhatIfCohort, FieldErrors> {
        let mut e = FieldErrors::default();
        let size_text = f.field("cohort_size");
        let size = size_text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_COHORT).contains(n));
        if size.is_none() {
            e.add(
                "cohort_size",
                format!("Enter how many learners, from 1 to {MAX_COHORT}"),
            );
        }
        let code = f.field("cohort_standard").to_uppercase();
        let standard = standards.get(&code);
        if standard.is_none() {
            e.add("cohort_standard", "Choose the apprenticeship standard");
        }
        let start_text = f.field("cohort_start");
        let start = start_text.parse::<Month>().ok();
        if start.is_none() {
            e.add(
                "cohort_start",
                "Enter the month they start, like March 2027 or 2027-03",
            );
        }
        let price_text = f.field("cohort_price");
        let price = if price_text.is_empty() {
            standard.map(|s| s.band_pence())
        } else {
            let p = parse_pounds(price_text).filter(|p| *p > 0);
            if p.is_none() {
                e.add(
                    "cohort_price",
                    "Enter the price for each learner in pounds, like 9000 or £9,000",
                );
            }
            p
        };
        let age_text = f.field("cohort_age");
        let age = if age_text.is_empty() {
            Some(25)
        } else {
            let a = age_text
                .parse::<u8>()
                .ok()
                .filter(|a| (16..=99).contains(a));
            if a.is_none() {
                e.add("cohort_age", "Enter their age at start, from 16 to 99");
            }
            a
        };
        e.or_ok(|| {
            let s = standard?;
            Some(WhatIfCohort {
                size: size?,
                standard: s.code.clone(),
                start: start?,
                months: s.typical_duration_months,
                price_pence: price?,
                age_at_start: age?,
            })
        })
    }

    /// The cohort's apprenticeships, "What-if 1" onwards.
    pub fn apprenticeships(&self) -> Vec<Apprenticeship> {
        (1..=self.size)
            .map(|i| Apprenticeship {
                id: format!("What-if {i}"),
                standard: self.standard.clone(),
                start: self.start,
                planned_end: self.start.plus(self.months as i32),
                price_pence: self.price_pence,
                age_at_start: self.age_at_start,
                completed: None,
                withdrawn: None,
                break_in_learning: None,
                price_change: None,
            })
            .collect()
    }

    /// The request with the cohort added.
    pub fn added_to(&self, req: &ForecastRequest) -> ForecastRequest {
        let mut with = req.clone();
        with.apprenticeships.extend(self.apprenticeships());
        with
    }
}

/// The cohort that would use funds about to expire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortSuggestion {
    /// The cohort.
    pub cohort: WhatIfCohort,
    /// Funds that would expire unused over the forecast without it, in pence.
    pub expiring: i64,
    /// How much less would expire with it, in pence.
    pub used: i64,
}

/// The largest cohort of `base`'s standard, start month, price and age (up
/// to [`MAX_COHORT`]) the account would pay for without more co-investment
/// than the forecast already has, with how much of the funds that would
/// otherwise expire it uses; none when nothing expires or no learner fits.
pub fn cohort_using_expiring_funds(
    rules: &FundingRules,
    standards: &Standards,
    req: &ForecastRequest,
    base: &WhatIfCohort,
) -> Result<Option<CohortSuggestion>, LedgerError> {
    let totals = |r: &ForecastRequest| -> Result<(i64, i64), LedgerError> {
        let f = forecast(rules, standards, r)?;
        Ok(f.months.iter().fold((0, 0), |(exp, co), m| {
            (
                exp + m.expired,
                co + m.co_invest_employer + m.co_invest_government,
            )
        }))
    };
    let (expiring, co_invested) = totals(req)?;
    if expiring == 0 {
        return Ok(None);
    }
    let mut best = None;
    for size in 1..=MAX_COHORT {
        let cohort = WhatIfCohort {
            size,
            ..base.clone()
        };
        let (expired, co) = totals(&cohort.added_to(req))?;
        if co > co_invested {
            break;
        }
        best = Some(CohortSuggestion {
            cohort,
            expiring,
            used: expiring - expired,
        });
        if expired == 0 {
            break;
        }
    }
    Ok(best.filter(|s| s.used > 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levy::{Employer, OpeningFunds};

    fn shipped() -> (FundingRules, Standards) {
        (
            FundingRules::parse(include_str!("../../../../catalogue/funding-rules.toml")).unwrap(),
            Standards::parse(include_str!("../../../../catalogue/standards.toml")).unwrap(),
        )
    }

    #[test]
    fn pounds_are_read_as_people_type_them() {
        assert_eq!(parse_pounds("9000"), Some(900_000));
        assert_eq!(parse_pounds("£9,000.5"), Some(900_050));
        assert_eq!(parse_pounds("12.34"), Some(1_234));
        for bad in ["", "£", "nine", "1.234", "-5", "1.2.3"] {
            assert_eq!(parse_pounds(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_what_if_form_names_each_bad_field_and_defaults_the_rest() {
        let (_, standards) = shipped();
        let form: &[(&str, &str)] = &[
            ("cohort_size", "10"),
            ("cohort_standard", "st0827"),
            ("cohort_start", "March 2027"),
        ];
        let c = WhatIfCohort::parse(form, &standards).unwrap();
        assert_eq!(
            (
                c.size,
                c.standard.as_str(),
                c.start.to_string(),
                c.months,
                c.price_pence,
                c.age_at_start
            ),
            (10, "ST0827", "2027-03".into(), 24, 1_500_000, 25)
        );
        let bad: &[(&str, &str)] = &[
            ("cohort_size", "0"),
            ("cohort_standard", "ST0777"),
            ("cohort_start", "soon"),
            ("cohort_price", "lots"),
            ("cohort_age", "12"),
        ];
        let fields: Vec<String> = WhatIfCohort::parse(bad, &standards)
            .unwrap_err()
            .into_list()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "cohort_size",
                "cohort_standard",
                "cohort_start",
                "cohort_price",
                "cohort_age"
            ]
        );
    }

    #[test]
    fn the_suggested_cohort_is_the_largest_the_funds_pay_for_without_co_investment() {
        // £20,000 entered in January 2026 and lasts to December 2027. A
        // healthcare support worker apprenticeship at £5,000 (8 months) from
        // February 2026 costs the account £5,000 by October 2026: four use
        // it all, a fifth would need co-investment.
        let (rules, standards) = shipped();
        let req = ForecastRequest {
            from: "2026-02".parse().unwrap(),
            months: 24,
            employer: Employer::Levy,
            payroll: Vec::new(),
            apprenticeships: Vec::new(),
            transfers: Vec::new(),
            opening: vec![OpeningFunds {
                entered: "2026-01".parse().unwrap(),
                amount_pence: 2_000_000,
            }],
        };
        let base = WhatIfCohort {
            size: 1,
            standard: "ST0216".into(),
            start: "2026-02".parse().unwrap(),
            months: 8,
            price_pence: 500_000,
            age_at_start: 30,
        };
        let s = cohort_using_expiring_funds(&rules, &standards, &req, &base)
            .unwrap()
            .unwrap();
        assert_eq!(
            (s.cohort.size, s.expiring, s.used),
            (4, 2_000_000, 2_000_000)
        );
        // Nothing expires: no suggestion.
        let mut spent = req.clone();
        spent.opening.clear();
        assert_eq!(
            cohort_using_expiring_funds(&rules, &standards, &spent, &base).unwrap(),
            None
        );
    }
}
