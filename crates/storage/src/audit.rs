//! The append-only audit trail: who did or asked for what, and when. Rows are
//! only ever inserted; the database refuses updates and deletes.

use crate::{Result, Store};
use sqlx::Row;

/// One event in the trail.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// Its id.
    pub id: i64,
    /// The organisation it concerns.
    pub org_id: Option<i64>,
    /// Who acted.
    pub user_id: Option<i64>,
    /// When (Unix seconds).
    pub at: i64,
    /// What happened, e.g. `access.denied`.
    pub action: String,
    /// What it was about, e.g. `person:42`.
    pub subject: String,
    /// More detail in words.
    pub detail: String,
}

/// Appends an event.
pub async fn record(
    store: &Store,
    org_id: Option<i64>,
    user_id: Option<i64>,
    at: i64,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<()> {
    record_with(store.pool(), org_id, user_id, at, action, subject, detail).await
}

/// Appends an event to a write transaction and commits both together.
pub(crate) async fn commit_with(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    org_id: Option<i64>,
    user_id: Option<i64>,
    at: i64,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<()> {
    record_with(&mut *tx, org_id, user_id, at, action, subject, detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Appends an event through a connection or transaction, so that the event
/// and the change it describes are written together or not at all.
pub(crate) async fn record_with<'e, E>(
    executor: E,
    org_id: Option<i64>,
    user_id: Option<i64>,
    at: i64,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO audit_events (org_id, user_id, at, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(at)
    .bind(action)
    .bind(subject)
    .bind(detail)
    .execute(executor)
    .await?;
    Ok(())
}

/// An organisation's events, newest first, `limit` from `offset`, optionally one action.
pub async fn list(
    store: &Store,
    org_id: i64,
    action: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEvent>> {
    let rows = sqlx::query(
        "SELECT id, org_id, user_id, at, action, subject, detail FROM audit_events \
         WHERE org_id = $1 AND ($2 = '' OR action = $2) ORDER BY id DESC LIMIT $3 OFFSET $4",
    )
    .bind(org_id)
    .bind(action.unwrap_or(""))
    .bind(limit)
    .bind(offset)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditEvent {
                id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                user_id: r.try_get("user_id")?,
                at: r.try_get("at")?,
                action: r.try_get("action")?,
                subject: r.try_get("subject")?,
                detail: r.try_get("detail")?,
            })
        })
        .collect()
}
