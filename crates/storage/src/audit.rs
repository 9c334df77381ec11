//! The append-only audit trail: who did or asked for what, and when. Rows are
//! only ever inserted; the database refuses updates and deletes.

use crate::{Result, Store, id_list};
use pathwise_domain::audit::Subject;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

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

/// Which events to list; every part is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// Only this action code.
    pub action: Option<String>,
    /// Only what this user did.
    pub actor: Option<i64>,
    /// Only events about this person: their record, or their evidence.
    pub person: Option<i64>,
    /// From this moment (Unix seconds), inclusive.
    pub from: Option<i64>,
    /// Before this moment (Unix seconds).
    pub until: Option<i64>,
}

impl AuditFilter {
    /// Only one action.
    pub fn action(code: &str) -> AuditFilter {
        AuditFilter {
            action: Some(code.to_string()),
            ..AuditFilter::default()
        }
    }
}

/// An organisation's events, newest first, `limit` from `offset`, filtered.
pub async fn list(
    store: &Store,
    org_id: i64,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEvent>> {
    let rows = sqlx::query(
        "SELECT id, org_id, user_id, at, action, subject, detail FROM audit_events \
         WHERE org_id = $1 AND ($2 = '' OR action = $2) AND ($3 < 0 OR user_id = $3) \
         AND ($4 < 0 OR subject = $5 OR subject IN \
              (SELECT 'evidence:' || CAST(id AS TEXT) FROM evidence WHERE person_id = $4)) \
         AND at >= $6 AND at < $7 ORDER BY id DESC LIMIT $8 OFFSET $9",
    )
    .bind(org_id)
    .bind(filter.action.as_deref().unwrap_or(""))
    .bind(filter.actor.unwrap_or(-1))
    .bind(filter.person.unwrap_or(-1))
    .bind(format!("person:{}", filter.person.unwrap_or(-1)))
    .bind(filter.from.unwrap_or(i64::MIN))
    .bind(filter.until.unwrap_or(i64::MAX))
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

/// The names an event's words need, looked up for a list of events at
/// once: who acted, and the people, evidence, sessions, offers, pathways
/// and roles the events are about.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditNames {
    /// Users' display names by user id.
    pub users: HashMap<i64, String>,
    /// People's names by staff record id.
    pub people: HashMap<i64, String>,
    /// Evidence by id: (title, learner's staff record, learner's name).
    pub evidence: HashMap<i64, (String, i64, String)>,
    /// Sessions by id: (offer title, start in Unix seconds).
    pub sessions: HashMap<i64, (String, i64)>,
    /// Offers' titles by id.
    pub offers: HashMap<i64, String>,
    /// Pathways' names by code.
    pub pathways: HashMap<String, String>,
    /// Roles' titles by code (the organisation's own and the core catalogue).
    pub roles: HashMap<String, String>,
    /// The organisation's name.
    pub organisation: String,
}

/// Looks up the names a page of events needs, in a few queries.
pub async fn names_for(store: &Store, org_id: i64, events: &[AuditEvent]) -> Result<AuditNames> {
    let mut wanted: HashMap<&str, Vec<i64>> = HashMap::new();
    let mut users: Vec<i64> = events.iter().filter_map(|e| e.user_id).collect();
    for e in events {
        match Subject::parse(&e.subject) {
            Subject::Person(id) => wanted.entry("people").or_default().push(id),
            Subject::Evidence(id) => wanted.entry("evidence").or_default().push(id),
            Subject::Session(id) => wanted.entry("sessions").or_default().push(id),
            Subject::Offer(id) => wanted.entry("offers").or_default().push(id),
            _ => {}
        }
    }
    users.sort_unstable();
    users.dedup();
    let mut names = AuditNames {
        organisation: crate::people::organisation_name(store, org_id).await?,
        ..AuditNames::default()
    };
    for chunk in users.chunks(500) {
        let sql = format!(
            "SELECT id, display_name FROM users WHERE id IN ({})",
            id_list(chunk)
        );
        for r in sqlx::query(AssertSqlSafe(sql))
            .fetch_all(store.pool())
            .await?
        {
            names
                .users
                .insert(r.try_get("id")?, r.try_get("display_name")?);
        }
    }
    for (kind, mut ids) in wanted {
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(500) {
            let list = id_list(chunk);
            let sql = match kind {
                "people" => {
                    format!("SELECT id, name FROM people WHERE org_id = $1 AND id IN ({list})")
                }
                "evidence" => format!(
                    "SELECT x.id, x.title, x.person_id, p.name FROM evidence x JOIN people p ON p.id = x.person_id \
                     WHERE x.org_id = $1 AND x.id IN ({list})"
                ),
                "sessions" => format!(
                    "SELECT s.id, o.title, s.starts_at FROM learning_sessions s JOIN learning_offers o ON o.id = s.offer_id \
                     WHERE s.org_id = $1 AND s.id IN ({list})"
                ),
                _ => format!(
                    "SELECT id, title FROM learning_offers WHERE org_id = $1 AND id IN ({list})"
                ),
            };
            let rows = sqlx::query(AssertSqlSafe(sql))
                .bind(org_id)
                .fetch_all(store.pool())
                .await?;
            for r in rows {
                let id: i64 = r.try_get("id")?;
                match kind {
                    "people" => {
                        names.people.insert(id, r.try_get("name")?);
                    }
                    "evidence" => {
                        names.evidence.insert(
                            id,
                            (
                                r.try_get("title")?,
                                r.try_get("person_id")?,
                                r.try_get("name")?,
                            ),
                        );
                    }
                    "sessions" => {
                        names
                            .sessions
                            .insert(id, (r.try_get("title")?, r.try_get("starts_at")?));
                    }
                    _ => {
                        names.offers.insert(id, r.try_get("title")?);
                    }
                }
            }
        }
    }
    for r in sqlx::query("SELECT DISTINCT code, name FROM pathway_versions WHERE org_id = $1")
        .bind(org_id)
        .fetch_all(store.pool())
        .await?
    {
        names
            .pathways
            .insert(r.try_get("code")?, r.try_get("name")?);
    }
    for r in sqlx::query(
        "SELECT code, title FROM roles WHERE org_id IS NULL OR org_id = $1 ORDER BY org_id NULLS FIRST",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?
    {
        names.roles.insert(r.try_get("code")?, r.try_get("title")?);
    }
    Ok(names)
}

/// The people and users who appear in an organisation's trail as actors,
/// by name (the trail's "who" filter).
pub async fn actors(store: &Store, org_id: i64) -> Result<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name FROM users u WHERE u.org_id = $1 \
         AND EXISTS (SELECT 1 FROM audit_events a WHERE a.org_id = $1 AND a.user_id = u.id) \
         ORDER BY u.display_name, u.id",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("display_name")?)))
        .collect()
}
