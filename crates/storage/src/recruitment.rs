//! Recruitment counts for WRES indicator 2: each period's counts of White
//! and BME applicants shortlisted and appointed, as an imported extract
//! gave them. No applicant is stored.

use crate::{Result, Store};
use pathwise_domain::outcomes::recruitment::Recruitment;
use sqlx::Row;

/// One period's counts as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RecruitmentPeriod {
    /// The period's name as the admin gave it ("2025/26").
    pub period: String,
    /// The counts.
    pub counts: Recruitment,
    /// Rows in the extract (applicants, shortlisted or not).
    pub applicants: i64,
    /// When it was imported (seconds since 1970).
    pub imported_at: i64,
}

/// Stores a period's counts, replacing any imported before for it, with an
/// audit entry, in one transaction.
pub async fn save(
    store: &Store,
    org_id: i64,
    user_id: Option<i64>,
    period: &str,
    counts: &Recruitment,
    applicants: i64,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM recruitment_counts WHERE org_id = $1 AND period = $2")
        .bind(org_id)
        .bind(period)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO recruitment_counts (org_id, period, white_shortlisted, white_appointed, \
           bme_shortlisted, bme_appointed, applicants, imported_by, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(org_id)
    .bind(period)
    .bind(counts.white_shortlisted as i64)
    .bind(counts.white_appointed as i64)
    .bind(counts.bme_shortlisted as i64)
    .bind(counts.bme_appointed as i64)
    .bind(applicants)
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::audit::commit_with(
        tx,
        Some(org_id),
        user_id,
        now,
        "recruitment.imported",
        &format!("organisation:{org_id}"),
        &format!("recruitment extract for {period}: {applicants} applicant rows, kept as counts"),
    )
    .await
}

/// Every period's counts, the latest imported first.
pub async fn periods(store: &Store, org_id: i64) -> Result<Vec<RecruitmentPeriod>> {
    let rows = sqlx::query(
        "SELECT period, white_shortlisted, white_appointed, bme_shortlisted, bme_appointed, \
                applicants, imported_at FROM recruitment_counts WHERE org_id = $1 \
         ORDER BY imported_at DESC, period DESC",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let n = |c: &str| -> Result<u64> { Ok(r.try_get::<i64, _>(c)?.max(0) as u64) };
            Ok(RecruitmentPeriod {
                period: r.try_get("period")?,
                counts: Recruitment {
                    white_shortlisted: n("white_shortlisted")?,
                    white_appointed: n("white_appointed")?,
                    bme_shortlisted: n("bme_shortlisted")?,
                    bme_appointed: n("bme_appointed")?,
                },
                applicants: r.try_get("applicants")?,
                imported_at: r.try_get("imported_at")?,
            })
        })
        .collect()
}
