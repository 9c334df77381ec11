//! The assessor's inbox: evidence waiting for a decision.

use super::*;

/// Whose evidence to list: the whole organisation, or a manager's reports
/// and/or an assessor's site; never evidence about or added by `me`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InboxScope {
    /// The organisation.
    pub org_id: i64,
    /// Everyone in it.
    pub whole_organisation: bool,
    /// A manager's direct reports.
    pub reports_of: Option<i64>,
    /// An assessor's site.
    pub site: Option<i64>,
    /// The assessor's own staff record.
    pub me: Option<i64>,
    /// Only this learner's evidence (a filter on the inbox page).
    pub learner: Option<i64>,
}

pub(super) const INBOX_WHERE: &str = "x.org_id = $1 AND ($2 = 1 OR p.manager_id = $3 OR p.site_id = $4) \
     AND x.person_id <> $5 AND COALESCE(x.added_by_person, -1) <> $5 \
     AND ($6 < 0 OR x.person_id = $6) \
     AND NOT EXISTS (SELECT 1 FROM evidence_decisions d WHERE d.evidence_id = x.id)";

pub(super) fn bind_inbox(
    q: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    s: InboxScope,
) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments> {
    q.bind(s.org_id)
        .bind(i64::from(s.whole_organisation))
        .bind(s.reports_of.unwrap_or(-1))
        .bind(s.site.unwrap_or(-1))
        .bind(s.me.unwrap_or(-1))
        .bind(s.learner.unwrap_or(-1))
}

/// How much evidence is waiting for this assessor.
pub async fn inbox_count(store: &Store, scope: InboxScope) -> Result<i64> {
    let row = bind_inbox(
        sqlx::query(AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM evidence x JOIN people p ON p.id = x.person_id WHERE {INBOX_WHERE}"
        ))),
        scope,
    )
    .fetch_one(store.pool())
    .await?;
    Ok(row.try_get("n")?)
}

/// The inbox's order: a manager's own reports first, then oldest first by
/// the day it was added (ties by the order it arrived).
const INBOX_ORDER: &str = "CASE WHEN p.manager_id = $3 THEN 0 ELSE 1 END, x.added_on, x.id";

/// Evidence waiting for this assessor, `limit` from `offset`: a manager's
/// own reports first, then oldest first.
pub async fn inbox(
    store: &Store,
    scope: InboxScope,
    limit: i64,
    offset: i64,
) -> Result<Vec<Evidence>> {
    let rows = bind_inbox(
        sqlx::query(AssertSqlSafe(format!(
            "{EVIDENCE_SELECT} WHERE {INBOX_WHERE} ORDER BY {INBOX_ORDER} LIMIT $7 OFFSET $8"
        ))),
        scope,
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(store.pool())
    .await?;
    let mut list = rows.iter().map(evidence_from).collect::<Result<Vec<_>>>()?;
    complete_evidence(store, &mut list).await?;
    Ok(list)
}

/// The learners with evidence waiting for this assessor, by name, with how
/// many pieces each (the inbox's filter).
pub async fn inbox_learners(store: &Store, scope: InboxScope) -> Result<Vec<(i64, String, i64)>> {
    let rows = bind_inbox(
        sqlx::query(AssertSqlSafe(format!(
            "SELECT p.id, p.name, COUNT(*) AS n FROM evidence x JOIN people p ON p.id = x.person_id \
             WHERE {INBOX_WHERE} GROUP BY p.id, p.name ORDER BY p.name, p.id"
        ))),
        InboxScope {
            learner: None,
            ..scope
        },
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?, r.try_get("n")?)))
        .collect()
}
