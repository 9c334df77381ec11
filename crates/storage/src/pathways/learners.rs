//! Learners' state in bulk (enrolment, decisions, reviews, flags), read in a fixed number of queries, and the decisions of one enrolment.

use super::*;

/// Everything the pathway rules need about one enrolled learner.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerState {
    /// The enrolment.
    pub enrolment: Enrolment,
    /// The learner's name.
    pub name: String,
    /// Their site.
    pub site_id: i64,
    /// The site's name.
    pub site_name: String,
    /// Their role code.
    pub role_code: String,
    /// Their line manager.
    pub manager_id: Option<i64>,
    /// Sign-off decisions in the order made.
    pub decisions: Vec<Decision>,
    /// The latest review held.
    pub last_review: Option<Date>,
    /// Workload-flag events `(when, open)`.
    pub flag_events: Vec<(i64, bool)>,
    /// Evidence waiting for a decision.
    pub evidence_waiting: i64,
}

/// Which enrolled learners to read.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LearnerFilter {
    /// Only one manager's direct reports.
    pub manager_id: Option<i64>,
    /// Only one person.
    pub person_id: Option<i64>,
    /// Ended enrolments too (for outcome measures over everyone who has
    /// been on a pathway).
    pub include_ended: bool,
}

/// The current learners of an organisation with their sign-offs, last review
/// and flags, in a fixed number of queries, plus the template versions they
/// are on.
pub async fn learner_states(
    store: &Store,
    org_id: i64,
    filter: LearnerFilter,
) -> Result<(Vec<LearnerState>, HashMap<i64, PathwayTemplate>)> {
    // Each filter is its own term (not `$n < 0 OR ...`), so that one
    // person's or one team's read is an index lookup, not a scan of every
    // enrolment in the organisation.
    let cond = format!(
        "e.org_id = $1 AND {} AND {} AND {}",
        if filter.include_ended {
            "1 = 1"
        } else {
            "e.ended_on IS NULL"
        },
        if filter.manager_id.is_some() {
            "p.manager_id = $2"
        } else {
            "$2 < 0"
        },
        if filter.person_id.is_some() {
            "e.person_id = $3"
        } else {
            "$3 < 0"
        },
    );
    let bind = |q: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>| {
        q.bind(org_id)
            .bind(filter.manager_id.unwrap_or(-1))
            .bind(filter.person_id.unwrap_or(-1))
    };
    let rows = bind(sqlx::query(AssertSqlSafe(format!(
        "SELECT {ENROLMENT_COLUMNS}, p.name, p.site_id, s.name AS site_name, p.role_code, p.manager_id, \
         (SELECT MAX(r.held_on) FROM reviews r WHERE r.enrolment_id = e.id) AS last_review, \
         (SELECT COUNT(*) FROM evidence x WHERE x.enrolment_id = e.id \
          AND NOT EXISTS (SELECT 1 FROM evidence_decisions d WHERE d.evidence_id = x.id)) AS evidence_waiting \
         FROM enrolments e JOIN people p ON p.id = e.person_id JOIN sites s ON s.id = p.site_id \
         WHERE {cond} ORDER BY p.name, e.id"
    ))))
    .fetch_all(store.pool())
    .await?;
    let mut states = Vec::with_capacity(rows.len());
    let mut index = HashMap::new();
    for r in &rows {
        let e = enrolment_from(r)?;
        index.insert(e.id, states.len());
        states.push(LearnerState {
            name: r.try_get("name")?,
            site_id: r.try_get("site_id")?,
            site_name: r.try_get("site_name")?,
            role_code: r.try_get("role_code")?,
            manager_id: r.try_get("manager_id")?,
            enrolment: e,
            decisions: Vec::new(),
            last_review: opt_date(r.try_get("last_review")?)?,
            flag_events: Vec::new(),
            evidence_waiting: r.try_get("evidence_waiting")?,
        });
    }
    let join = "JOIN enrolments e ON e.id = x.enrolment_id JOIN people p ON p.id = e.person_id";
    let signoffs = bind(sqlx::query(AssertSqlSafe(format!(
        "SELECT x.enrolment_id, x.criterion_key, x.signed_off, x.by_person, x.on_date, x.reason \
         FROM sign_offs x {join} WHERE {cond} ORDER BY x.id"
    ))))
    .fetch_all(store.pool())
    .await?;
    for r in &signoffs {
        if let Some(&i) = index.get(&r.try_get::<i64, _>("enrolment_id")?) {
            states[i].decisions.push(decision_from(r)?);
        }
    }
    let flags = bind(sqlx::query(AssertSqlSafe(format!(
        "SELECT x.enrolment_id, x.at, x.open FROM workload_flags x {join} WHERE {cond} ORDER BY x.id"
    ))))
    .fetch_all(store.pool())
    .await?;
    for r in &flags {
        if let Some(&i) = index.get(&r.try_get::<i64, _>("enrolment_id")?) {
            states[i]
                .flag_events
                .push((r.try_get("at")?, r.try_get::<i64, _>("open")? != 0));
        }
    }
    let mut version_ids: Vec<i64> = states.iter().map(|s| s.enrolment.version_id).collect();
    version_ids.sort_unstable();
    version_ids.dedup();
    let templates = templates(store, &version_ids)
        .await?
        .into_iter()
        .map(|(id, (_, t))| (id, t))
        .collect();
    Ok((states, templates))
}

/// The learner of a current enrolment of the organisation, read inside the
/// transaction that changes it.
pub(super) async fn enrolled_person(
    tx: &mut sqlx::AnyConnection,
    org_id: i64,
    enrolment_id: i64,
) -> Result<i64> {
    let row = sqlx::query(
        "SELECT person_id FROM enrolments WHERE id = $1 AND org_id = $2 AND ended_on IS NULL",
    )
    .bind(enrolment_id)
    .bind(org_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StorageError::NotFound("enrolment"))?;
    Ok(row.try_get("person_id")?)
}

/// An enrolment's sign-off decisions in the order made, read inside a transaction.
pub(super) async fn decisions_of(
    tx: &mut sqlx::AnyConnection,
    enrolment_id: i64,
) -> Result<Vec<Decision>> {
    sqlx::query(
        "SELECT criterion_key, signed_off, by_person, on_date, reason FROM sign_offs WHERE enrolment_id = $1 ORDER BY id",
    )
    .bind(enrolment_id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(decision_from)
    .collect()
}

pub(super) fn decision_from(r: &AnyRow) -> Result<Decision> {
    Ok(Decision {
        criterion: r.try_get("criterion_key")?,
        signed_off: r.try_get::<i64, _>("signed_off")? != 0,
        by: r.try_get::<Option<i64>, _>("by_person")?.unwrap_or(0),
        on: date(&r.try_get::<String, _>("on_date")?)?,
        reason: r.try_get("reason")?,
    })
}
