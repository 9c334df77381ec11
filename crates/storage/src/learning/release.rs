//! Release agreements: recorded by a manager (audited) and read back in the
//! order they were recorded.

use super::count;
use crate::{Result, StorageError, Store, id_list};
use pathwise_domain::Date;
use pathwise_domain::learning::{ReleaseAgreement, ReleasePeriod};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// Records a release agreement for a person of the organisation (audited).
pub async fn record_release(
    store: &Store,
    org_id: i64,
    person_id: i64,
    agreement: &ReleaseAgreement,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let n = sqlx::query(
        "INSERT INTO release_agreements (org_id, person_id, minutes, per, from_day, until_day, agreed_by, agreed_at) \
         SELECT $1, id, $3, $4, $5, $6, $7, $8 FROM people WHERE id = $2 AND org_id = $1",
    )
    .bind(org_id)
    .bind(person_id)
    .bind(i64::from(agreement.minutes))
    .bind(agreement.per.code())
    .bind(agreement.from.to_string())
    .bind(agreement.until.map(|d| d.to_string()))
    .bind(by_user)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StorageError::NotFound("person"));
    }
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "release.agreed",
        &format!("person:{person_id}"),
        &agreement.describe(),
    )
    .await?;
    Ok(())
}

fn stored_date(r: &AnyRow, name: &str) -> Result<Option<Date>> {
    r.try_get::<Option<String>, _>(name)?
        .map(|d| {
            d.parse()
                .map_err(|_| StorageError::Invalid(format!("stored date '{d}'")))
        })
        .transpose()
}

/// Each person's release agreements, in the order they were recorded.
pub async fn releases_of(
    store: &Store,
    person_ids: &[i64],
) -> Result<HashMap<i64, Vec<ReleaseAgreement>>> {
    let mut out: HashMap<i64, Vec<ReleaseAgreement>> = HashMap::new();
    if person_ids.is_empty() {
        return Ok(out);
    }
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT person_id, minutes, per, from_day, until_day FROM release_agreements \
         WHERE person_id IN ({}) ORDER BY id",
        id_list(person_ids)
    )))
    .fetch_all(store.pool())
    .await?;
    for r in &rows {
        let per: String = r.try_get("per")?;
        out.entry(r.try_get("person_id")?)
            .or_default()
            .push(ReleaseAgreement {
                minutes: count(r, "minutes")?,
                per: ReleasePeriod::from_code(&per)
                    .ok_or_else(|| StorageError::Invalid(format!("stored period '{per}'")))?,
                from: stored_date(r, "from_day")?
                    .ok_or_else(|| StorageError::Invalid("release without a start".into()))?,
                until: stored_date(r, "until_day")?,
            });
    }
    Ok(out)
}
