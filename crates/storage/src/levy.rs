//! An organisation's apprenticeship levy account: its pay bill by payroll
//! month, the funds already in the account, its apprenticeships and its
//! transfers to partners. Each file is imported all or nothing in one
//! transaction, with an audit entry.

use crate::{Result, StorageError, Store};
use pathwise_domain::levy::{
    Apprenticeship, BreakInLearning, Month, OpeningFunds, PayrollMonth, PriceChange, Transfer,
};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Everything the ledger is worked out from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LevyAccount {
    /// Pay bills by payroll month, oldest first.
    pub payroll: Vec<PayrollMonth>,
    /// Own apprenticeships, by start month then id.
    pub apprenticeships: Vec<Apprenticeship>,
    /// Transfers to partners, by start month then id.
    pub transfers: Vec<Transfer>,
    /// Funds in the account before Pathwise, oldest first.
    pub opening: Vec<OpeningFunds>,
}

impl LevyAccount {
    /// Whether nothing has been imported.
    pub fn is_empty(&self) -> bool {
        self.payroll.is_empty()
            && self.apprenticeships.is_empty()
            && self.transfers.is_empty()
            && self.opening.is_empty()
    }
}

/// One imported file's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LevyFile {
    /// Pay bills: a month already stored is replaced.
    PayBill(Vec<PayrollMonth>),
    /// Apprenticeships: one with an id already stored is replaced.
    Apprenticeships(Vec<Apprenticeship>),
    /// Transfers: one with an id already stored is replaced.
    Transfers(Vec<Transfer>),
    /// Opening funds: replace all those stored.
    OpeningFunds(Vec<OpeningFunds>),
}

impl LevyFile {
    /// What the file holds, in words.
    pub fn name(&self) -> &'static str {
        match self {
            LevyFile::PayBill(_) => "pay bill",
            LevyFile::Apprenticeships(_) => "apprenticeships",
            LevyFile::Transfers(_) => "transfers",
            LevyFile::OpeningFunds(_) => "opening funds",
        }
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        match self {
            LevyFile::PayBill(v) => v.len(),
            LevyFile::Apprenticeships(v) => v.len(),
            LevyFile::Transfers(v) => v.len(),
            LevyFile::OpeningFunds(v) => v.len(),
        }
    }

    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn month(row: &AnyRow, column: &str) -> Result<Month> {
    let text: String = row.try_get(column)?;
    text.parse()
        .map_err(|_| StorageError::Invalid(format!("stored {column} '{text}'")))
}

fn optional_month(row: &AnyRow, column: &str) -> Result<Option<Month>> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|t| {
        t.parse()
            .map_err(|_| StorageError::Invalid(format!("stored {column} '{t}'")))
    })
    .transpose()
}

fn small(row: &AnyRow, column: &str) -> Result<i64> {
    Ok(row.try_get::<i64, _>(column)?)
}

/// The organisation's levy account as stored.
pub async fn account(store: &Store, org_id: i64) -> Result<LevyAccount> {
    let pool = store.pool();
    let payroll = sqlx::query(
        "SELECT month, pay_bill_pence, english_basis_points FROM levy_pay_bills \
         WHERE org_id = $1 ORDER BY month",
    )
    .bind(org_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(PayrollMonth {
            month: month(r, "month")?,
            pay_bill_pence: r.try_get("pay_bill_pence")?,
            english_basis_points: small(r, "english_basis_points")? as u32,
        })
    })
    .collect::<Result<_>>()?;
    let opening = sqlx::query(
        "SELECT entered, amount_pence FROM levy_opening_funds WHERE org_id = $1 ORDER BY entered",
    )
    .bind(org_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(OpeningFunds {
            entered: month(r, "entered")?,
            amount_pence: r.try_get("amount_pence")?,
        })
    })
    .collect::<Result<_>>()?;
    let apprenticeships = sqlx::query(
        "SELECT code, standard, start_month, planned_end, price_pence, age_at_start, completed, \
           withdrawn, break_from, break_to, price_change_from, new_price_pence \
         FROM apprenticeships WHERE org_id = $1 ORDER BY start_month, code",
    )
    .bind(org_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let break_in_learning = match (
            optional_month(r, "break_from")?,
            optional_month(r, "break_to")?,
        ) {
            (Some(from), Some(to)) => Some(BreakInLearning { from, to }),
            _ => None,
        };
        let price_change = match (
            optional_month(r, "price_change_from")?,
            r.try_get::<Option<i64>, _>("new_price_pence")?,
        ) {
            (Some(from), Some(price_pence)) => Some(PriceChange { from, price_pence }),
            _ => None,
        };
        Ok(Apprenticeship {
            id: r.try_get("code")?,
            standard: r.try_get("standard")?,
            start: month(r, "start_month")?,
            planned_end: month(r, "planned_end")?,
            price_pence: r.try_get("price_pence")?,
            age_at_start: small(r, "age_at_start")? as u8,
            completed: optional_month(r, "completed")?,
            withdrawn: optional_month(r, "withdrawn")?,
            break_in_learning,
            price_change,
        })
    })
    .collect::<Result<_>>()?;
    let transfers = sqlx::query(
        "SELECT code, partner, standard, start_month, planned_end, price_pence, age_at_start \
         FROM levy_transfers WHERE org_id = $1 ORDER BY start_month, code",
    )
    .bind(org_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Transfer {
            id: r.try_get("code")?,
            partner: r.try_get("partner")?,
            standard: r.try_get("standard")?,
            start: month(r, "start_month")?,
            planned_end: month(r, "planned_end")?,
            price_pence: r.try_get("price_pence")?,
            age_at_start: small(r, "age_at_start")? as u8,
        })
    })
    .collect::<Result<_>>()?;
    Ok(LevyAccount {
        payroll,
        apprenticeships,
        transfers,
        opening,
    })
}

fn text(m: Option<Month>) -> Option<String> {
    m.map(|m| m.to_string())
}

/// Imports one file's rows in one transaction, with an audit entry; returns
/// how many rows were stored.
pub async fn import(
    store: &Store,
    org_id: i64,
    file: &LevyFile,
    by_user: Option<i64>,
    now: i64,
) -> Result<usize> {
    let mut tx = store.begin_write().await?;
    match file {
        LevyFile::PayBill(rows) => {
            for p in rows {
                sqlx::query(
                    "INSERT INTO levy_pay_bills (org_id, month, pay_bill_pence, english_basis_points) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, month) DO UPDATE SET \
                     pay_bill_pence = excluded.pay_bill_pence, \
                     english_basis_points = excluded.english_basis_points",
                )
                .bind(org_id)
                .bind(p.month.to_string())
                .bind(p.pay_bill_pence)
                .bind(i64::from(p.english_basis_points))
                .execute(&mut *tx)
                .await?;
            }
        }
        LevyFile::OpeningFunds(rows) => {
            sqlx::query("DELETE FROM levy_opening_funds WHERE org_id = $1")
                .bind(org_id)
                .execute(&mut *tx)
                .await?;
            for o in rows {
                sqlx::query(
                    "INSERT INTO levy_opening_funds (org_id, entered, amount_pence) VALUES ($1, $2, $3) \
                     ON CONFLICT (org_id, entered) DO UPDATE SET \
                     amount_pence = levy_opening_funds.amount_pence + excluded.amount_pence",
                )
                .bind(org_id)
                .bind(o.entered.to_string())
                .bind(o.amount_pence)
                .execute(&mut *tx)
                .await?;
            }
        }
        LevyFile::Apprenticeships(rows) => {
            for a in rows {
                sqlx::query(
                    "INSERT INTO apprenticeships (org_id, code, standard, start_month, planned_end, \
                       price_pence, age_at_start, completed, withdrawn, break_from, break_to, \
                       price_change_from, new_price_pence) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                     ON CONFLICT (org_id, code) DO UPDATE SET standard = excluded.standard, \
                       start_month = excluded.start_month, planned_end = excluded.planned_end, \
                       price_pence = excluded.price_pence, age_at_start = excluded.age_at_start, \
                       completed = excluded.completed, withdrawn = excluded.withdrawn, \
                       break_from = excluded.break_from, break_to = excluded.break_to, \
                       price_change_from = excluded.price_change_from, \
                       new_price_pence = excluded.new_price_pence",
                )
                .bind(org_id)
                .bind(&a.id)
                .bind(&a.standard)
                .bind(a.start.to_string())
                .bind(a.planned_end.to_string())
                .bind(a.price_pence)
                .bind(i64::from(a.age_at_start))
                .bind(text(a.completed))
                .bind(text(a.withdrawn))
                .bind(text(a.break_in_learning.map(|b| b.from)))
                .bind(text(a.break_in_learning.map(|b| b.to)))
                .bind(text(a.price_change.map(|c| c.from)))
                .bind(a.price_change.map(|c| c.price_pence))
                .execute(&mut *tx)
                .await?;
            }
        }
        LevyFile::Transfers(rows) => {
            for t in rows {
                sqlx::query(
                    "INSERT INTO levy_transfers (org_id, code, partner, standard, start_month, \
                       planned_end, price_pence, age_at_start) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (org_id, code) DO UPDATE SET partner = excluded.partner, \
                       standard = excluded.standard, start_month = excluded.start_month, \
                       planned_end = excluded.planned_end, price_pence = excluded.price_pence, \
                       age_at_start = excluded.age_at_start",
                )
                .bind(org_id)
                .bind(&t.id)
                .bind(&t.partner)
                .bind(&t.standard)
                .bind(t.start.to_string())
                .bind(t.planned_end.to_string())
                .bind(t.price_pence)
                .bind(i64::from(t.age_at_start))
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "levy.imported",
        &format!("organisation:{org_id}"),
        &format!(
            "{}: {}",
            file.name(),
            pathwise_domain::counted(file.len(), "row", "rows")
        ),
    )
    .await?;
    Ok(file.len())
}

/// The progress reviews held, by apprenticeship code, each list oldest first.
pub async fn reviews(
    store: &Store,
    org_id: i64,
) -> Result<std::collections::HashMap<String, Vec<pathwise_domain::Date>>> {
    let mut out: std::collections::HashMap<String, Vec<pathwise_domain::Date>> =
        std::collections::HashMap::new();
    for r in sqlx::query(
        "SELECT code, held_on FROM apprenticeship_reviews WHERE org_id = $1 ORDER BY code, held_on",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?
    {
        let code: String = r.try_get("code")?;
        let held: String = r.try_get("held_on")?;
        let date = held
            .parse()
            .map_err(|_| StorageError::Invalid(format!("stored review date '{held}'")))?;
        out.entry(code).or_default().push(date);
    }
    Ok(out)
}

/// Records a progress review of one of the organisation's apprenticeships,
/// audited; a review already recorded on that day is kept once. Not found
/// when the organisation has no apprenticeship of that code.
pub async fn record_review(
    store: &Store,
    org_id: i64,
    code: &str,
    held_on: pathwise_domain::Date,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let known = sqlx::query("SELECT 1 AS one FROM apprenticeships WHERE org_id = $1 AND code = $2")
        .bind(org_id)
        .bind(code)
        .fetch_optional(&mut *tx)
        .await?;
    if known.is_none() {
        return Err(StorageError::NotFound("apprenticeship"));
    }
    sqlx::query(
        "INSERT INTO apprenticeship_reviews (org_id, code, held_on, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, code, held_on) DO NOTHING",
    )
    .bind(org_id)
    .bind(code)
    .bind(held_on.to_string())
    .bind(by_user)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "apprenticeship.reviewed",
        &format!("organisation:{org_id}"),
        &format!("progress review of {code} on {}", held_on.in_words()),
    )
    .await
}
