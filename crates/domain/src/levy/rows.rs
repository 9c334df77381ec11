//! The rows a levy forecast is read from (a CSV row or a form), each parsed
//! with every field's problem at once.

use super::Month;
use super::ledger::{
    Apprenticeship, BreakInLearning, OpeningFunds, PayrollMonth, PriceChange, Transfer,
};
use crate::input::{FieldErrors, Fields};
use crate::standards::Standards;

/// The columns of a pay bill file (`english_percent` may follow).
pub const PAY_COLUMNS: [&str; 2] = ["month", "pay_bill_pence"];
/// The columns of an apprenticeships file (`completed`, `withdrawn`,
/// `break_from`, `break_to`, `price_change_from` and `new_price_pence` may follow).
pub const APPRENTICESHIP_COLUMNS: [&str; 6] = [
    "id",
    "standard",
    "start",
    "planned_end",
    "price_pence",
    "age_at_start",
];
/// The columns of a transfers file.
pub const TRANSFER_COLUMNS: [&str; 7] = [
    "id",
    "partner",
    "standard",
    "start",
    "planned_end",
    "price_pence",
    "age_at_start",
];
/// The columns of an opening funds file.
pub const FUNDS_COLUMNS: [&str; 2] = ["entered", "amount_pence"];

fn month(f: &(impl Fields + ?Sized), field: &str, e: &mut FieldErrors) -> Option<Month> {
    let text = f.field(field);
    if text.is_empty() {
        e.add(field, "Enter a month like 2026-08");
        return None;
    }
    text.parse().map_err(|m: String| e.add(field, m)).ok()
}

fn optional_month(f: &(impl Fields + ?Sized), field: &str, e: &mut FieldErrors) -> Option<Month> {
    if f.field(field).is_empty() {
        None
    } else {
        month(f, field, e)
    }
}

/// Whole pence: digits, commas allowed between them.
fn pence(
    f: &(impl Fields + ?Sized),
    field: &str,
    positive: bool,
    e: &mut FieldErrors,
) -> Option<i64> {
    let text = f.field(field);
    let value = text
        .replace(',', "")
        .parse::<i64>()
        .ok()
        .filter(|p| *p > 0 || (!positive && *p == 0));
    if value.is_none() {
        let what = if positive { "above 0" } else { "0 or more" };
        e.add(
            field,
            format!("'{text}' is not a whole number of pence {what}, like 300000 for £3,000"),
        );
    }
    value
}

fn standard(
    f: &(impl Fields + ?Sized),
    standards: &Standards,
    e: &mut FieldErrors,
) -> Option<String> {
    let code = f.field("standard").to_uppercase();
    if standards.get(&code).is_none() {
        e.add(
            "standard",
            format!("'{code}' is not a standard in the register (like ST0217)"),
        );
        return None;
    }
    Some(code)
}

fn age(f: &(impl Fields + ?Sized), e: &mut FieldErrors) -> Option<u8> {
    let text = f.field("age_at_start");
    let age = text.parse::<u8>().ok().filter(|a| (16..=99).contains(a));
    if age.is_none() {
        e.add(
            "age_at_start",
            format!("'{text}' is not an age from 16 to 99"),
        );
    }
    age
}

fn id(f: &(impl Fields + ?Sized), e: &mut FieldErrors) -> Option<String> {
    let id = f.field("id");
    if id.is_empty() {
        e.add("id", "Enter an id for the apprenticeship");
        return None;
    }
    Some(id.to_string())
}

fn planned(f: &(impl Fields + ?Sized), e: &mut FieldErrors) -> (Option<Month>, Option<Month>) {
    let start = month(f, "start", e);
    let end = month(f, "planned_end", e);
    if let (Some(s), Some(p)) = (start, end)
        && p <= s
    {
        e.add(
            "planned_end",
            format!("The planned end must be after the start ({s})"),
        );
        return (start, None);
    }
    (start, end)
}

/// A row of a pay bill file.
pub struct PayRow;

impl PayRow {
    /// `month,pay_bill_pence[,english_percent]` (English percentage 0-100,
    /// two decimals at most; 100 when blank).
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<PayrollMonth, FieldErrors> {
        let mut e = FieldErrors::default();
        let m = month(f, "month", &mut e);
        let pay = pence(f, "pay_bill_pence", false, &mut e);
        let text = f.field("english_percent");
        let english = if text.is_empty() {
            Some(10_000)
        } else {
            let bp = text
                .trim_end_matches('%')
                .parse::<f64>()
                .ok()
                .map(|p| p * 100.0)
                .filter(|bp| (0.0..=10_000.0).contains(bp) && (bp - bp.round()).abs() < 1e-6)
                .map(|bp| bp.round() as u32);
            if bp.is_none() {
                e.add(
                    "english_percent",
                    format!("'{text}' is not a percentage from 0 to 100 with at most two decimals"),
                );
            }
            bp
        };
        e.or_ok(|| {
            Some(PayrollMonth {
                month: m?,
                pay_bill_pence: pay?,
                english_basis_points: english?,
            })
        })
    }
}

/// A row of an apprenticeships file.
pub struct ApprenticeshipRow;

impl ApprenticeshipRow {
    /// `id,standard,start,planned_end,price_pence,age_at_start` and, when
    /// known, `completed`, `withdrawn`, `break_from` and `break_to` (the
    /// month learning resumes), `price_change_from` and `new_price_pence`.
    pub fn parse(
        f: &(impl Fields + ?Sized),
        standards: &Standards,
    ) -> Result<Apprenticeship, FieldErrors> {
        let mut e = FieldErrors::default();
        let id = id(f, &mut e);
        let code = standard(f, standards, &mut e);
        let (start, planned_end) = planned(f, &mut e);
        let price = pence(f, "price_pence", true, &mut e);
        let age = age(f, &mut e);
        let completed = optional_month(f, "completed", &mut e);
        let withdrawn = optional_month(f, "withdrawn", &mut e);
        if completed.is_some() && withdrawn.is_some() {
            e.add(
                "withdrawn",
                "An apprenticeship is either completed or withdrawn, not both",
            );
        }
        for (field, m) in [("completed", completed), ("withdrawn", withdrawn)] {
            if let (Some(m), Some(s)) = (m, start)
                && m < s
            {
                e.add(field, format!("{m} is before the start ({s})"));
            }
        }
        let break_from = optional_month(f, "break_from", &mut e);
        let break_to = optional_month(f, "break_to", &mut e);
        let break_in_learning = match (break_from, break_to) {
            (None, None) => None,
            (Some(from), Some(to)) => {
                if to <= from {
                    e.add(
                        "break_to",
                        format!("Learning must resume after the break starts ({from})"),
                    );
                }
                if let (Some(s), Some(p)) = (start, planned_end)
                    && (from <= s || from >= p)
                {
                    e.add(
                        "break_from",
                        format!("A break must start after the start ({s}) and before the planned end ({p})"),
                    );
                }
                Some(BreakInLearning { from, to })
            }
            (Some(_), None) => {
                e.add(
                    "break_to",
                    "Enter the month learning resumes after the break",
                );
                None
            }
            (None, Some(_)) => {
                e.add("break_from", "Enter the first month of the break");
                None
            }
        };
        let change_from = optional_month(f, "price_change_from", &mut e);
        let price_change = match change_from {
            None if f.field("new_price_pence").is_empty() => None,
            None => {
                e.add(
                    "price_change_from",
                    "Enter the month the new price applies from",
                );
                None
            }
            Some(from) => {
                if let (Some(s), Some(p)) = (start, planned_end)
                    && (from <= s || from >= p)
                {
                    e.add(
                        "price_change_from",
                        format!("A change of price must be after the start ({s}) and before the planned end ({p})"),
                    );
                }
                pence(f, "new_price_pence", true, &mut e)
                    .map(|price_pence| PriceChange { from, price_pence })
            }
        };
        e.or_ok(|| {
            Some(Apprenticeship {
                id: id?,
                standard: code?,
                start: start?,
                planned_end: planned_end?,
                price_pence: price?,
                age_at_start: age?,
                completed,
                withdrawn,
                break_in_learning,
                price_change,
            })
        })
    }
}

/// A row of a transfers file.
pub struct TransferRow;

impl TransferRow {
    /// `id,partner,standard,start,planned_end,price_pence,age_at_start`.
    pub fn parse(
        f: &(impl Fields + ?Sized),
        standards: &Standards,
    ) -> Result<Transfer, FieldErrors> {
        let mut e = FieldErrors::default();
        let id = id(f, &mut e);
        let partner = f.field("partner");
        if partner.is_empty() {
            e.add(
                "partner",
                "Enter the partner organisation the transfer is to",
            );
        }
        let code = standard(f, standards, &mut e);
        let (start, planned_end) = planned(f, &mut e);
        let price = pence(f, "price_pence", true, &mut e);
        let age = age(f, &mut e);
        e.or_ok(|| {
            Some(Transfer {
                id: id?,
                partner: partner.to_string(),
                standard: code?,
                start: start?,
                planned_end: planned_end?,
                price_pence: price?,
                age_at_start: age?,
            })
        })
    }
}

/// A row of an opening funds file.
pub struct FundsRow;

impl FundsRow {
    /// `entered,amount_pence`.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<OpeningFunds, FieldErrors> {
        let mut e = FieldErrors::default();
        let entered = month(f, "entered", &mut e);
        let amount = pence(f, "amount_pence", true, &mut e);
        e.or_ok(|| {
            Some(OpeningFunds {
                entered: entered?,
                amount_pence: amount?,
            })
        })
    }
}

/// A progress review to record, as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    /// The apprenticeship's id.
    pub apprenticeship: String,
    /// The day it was held.
    pub held_on: crate::Date,
}

impl NewReview {
    /// Reads `apprenticeship` and `held_on` (a date as people write it, not
    /// after `today`), every problem at once.
    pub fn parse(f: &(impl Fields + ?Sized), today: crate::Date) -> Result<NewReview, FieldErrors> {
        let mut e = FieldErrors::default();
        let apprenticeship = f.field("apprenticeship");
        if apprenticeship.is_empty() {
            e.add("apprenticeship", "Choose the apprenticeship reviewed");
        }
        let held_on = match f.field("held_on") {
            "" => {
                e.add(
                    "held_on",
                    "Enter the day the review was held, like 3 December 2026",
                );
                None
            }
            v => match v.parse::<crate::Date>() {
                Ok(d) if d > today => {
                    e.add(
                        "held_on",
                        "Enter a day that has passed: a review is recorded once held",
                    );
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    e.add(
                        "held_on",
                        format!("'{v}' is not a date: enter one like 3 December 2026"),
                    );
                    None
                }
            },
        };
        e.or_ok(|| {
            Some(NewReview {
                apprenticeship: apprenticeship.to_string(),
                held_on: held_on?,
            })
        })
    }
}
