//! Progression pathways as stored: template versions and their criteria,
//! enrolments and version moves, evidence with its criteria and decisions,
//! criterion sign-offs, reviews and workload-pressure flags. Every change is
//! written in one transaction together with its audit event. Decisions and
//! sign-offs are only ever inserted; the database refuses edits.

use crate::audit::record_with;
use crate::{Conflicting, Result, StorageError, Store, conflict_on_unique};
use pathwise_domain::Date;
use pathwise_domain::enrolment::{Ending, EnrolmentEnd};
use pathwise_domain::evidence::{DecisionRefused, EvidenceKind, EvidenceStatus, FileType};
use pathwise_domain::pathway::{Applies, Criterion, Decision, PathwayTemplate, Stage};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

fn date(s: &str) -> Result<Date> {
    s.parse()
        .map_err(|_| StorageError::Invalid(format!("stored date '{s}'")))
}

fn opt_date(s: Option<String>) -> Result<Option<Date>> {
    s.as_deref().map(date).transpose()
}

// ---- templates and versions -------------------------------------------------

/// One published version of a pathway template.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionInfo {
    /// Its id.
    pub id: i64,
    /// The pathway's code.
    pub code: String,
    /// The pathway's name.
    pub name: String,
    /// Version number, from 1.
    pub version: u32,
    /// When it was published (Unix seconds).
    pub published_at: i64,
    /// Who published it, if a person did.
    pub published_by: Option<String>,
    /// What changed.
    pub change_note: String,
    /// How many criteria it has.
    pub criteria: i64,
    /// Learners enrolled on it now.
    pub enrolled: i64,
}

/// Publishes `template` as the next version of its code in an organisation
/// (version 1 when the code is new) and returns the new version's id. The
/// template's own version number is ignored.
pub async fn publish(
    store: &Store,
    org_id: i64,
    template: &PathwayTemplate,
    by_user: Option<i64>,
    change_note: &str,
    now: i64,
) -> Result<i64> {
    template
        .check()
        .map_err(|e| StorageError::Invalid(e.to_string()))?;
    let mut tx = store.begin_write().await?;
    let latest: Option<i64> = sqlx::query(
        "SELECT MAX(version) AS v FROM pathway_versions WHERE org_id = $1 AND code = $2",
    )
    .bind(org_id)
    .bind(&template.code)
    .fetch_one(&mut *tx)
    .await?
    .try_get("v")?;
    let version = latest.unwrap_or(0) + 1;
    let row = sqlx::query(
        "INSERT INTO pathway_versions (org_id, code, name, version, review_every_weeks, published_at, published_by, change_note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(org_id)
    .bind(&template.code)
    .bind(template.name.trim())
    .bind(version)
    .bind(i64::from(template.review_every_weeks))
    .bind(now)
    .bind(by_user)
    .bind(change_note.trim())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| conflict_on_unique(e, Conflicting::Version, "another version was published at the same moment; try again"))?;
    let id: i64 = row.try_get("id")?;
    for (i, c) in template.criteria.iter().enumerate() {
        sqlx::query(
            "INSERT INTO pathway_criteria (version_id, position, key, title, stage, required, due_weeks, applies, examples, counts_as) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(&c.key)
        .bind(c.title.trim())
        .bind(c.stage.code())
        .bind(i64::from(c.required))
        .bind(c.due_weeks.map(i64::from))
        .bind(c.applies.code())
        .bind(c.examples.trim())
        .bind(c.counts_as.as_deref())
        .execute(&mut *tx)
        .await?;
    }
    record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "pathway.published",
        &format!("pathway:{}", template.code),
        &format!(
            "version {version} with {} criteria: {}",
            template.criteria.len(),
            change_note.trim()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Every version of every pathway of an organisation, newest version first
/// within each code.
pub async fn versions(store: &Store, org_id: i64) -> Result<Vec<VersionInfo>> {
    let rows = sqlx::query(
        "SELECT v.id, v.code, v.name, v.version, v.published_at, u.display_name AS by_name, v.change_note, \
         (SELECT COUNT(*) FROM pathway_criteria c WHERE c.version_id = v.id) AS criteria, \
         (SELECT COUNT(*) FROM enrolments e WHERE e.version_id = v.id AND e.ended_on IS NULL) AS enrolled \
         FROM pathway_versions v LEFT JOIN users u ON u.id = v.published_by \
         WHERE v.org_id = $1 ORDER BY v.code, v.version DESC",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(VersionInfo {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                version: r.try_get::<i64, _>("version")? as u32,
                published_at: r.try_get("published_at")?,
                published_by: r.try_get("by_name")?,
                change_note: r.try_get("change_note")?,
                criteria: r.try_get("criteria")?,
                enrolled: r.try_get("enrolled")?,
            })
        })
        .collect()
}

/// One version of a template with its criteria, if it belongs to the organisation.
pub async fn template(store: &Store, org_id: i64, version_id: i64) -> Result<PathwayTemplate> {
    let mut t = templates(store, &[version_id]).await?;
    match t.remove(&version_id) {
        Some((org, template)) if org == org_id => Ok(template),
        _ => Err(StorageError::NotFound("pathway version")),
    }
}

/// The newest version of a pathway code: its id and template.
pub async fn latest(store: &Store, org_id: i64, code: &str) -> Result<(i64, PathwayTemplate)> {
    let row = sqlx::query(
        "SELECT id FROM pathway_versions WHERE org_id = $1 AND code = $2 ORDER BY version DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(code)
    .fetch_optional(store.pool())
    .await?
    .ok_or(StorageError::NotFound("pathway"))?;
    let id: i64 = row.try_get("id")?;
    Ok((id, template(store, org_id, id).await?))
}

/// Templates by version id, each with its organisation.
async fn templates(store: &Store, ids: &[i64]) -> Result<HashMap<i64, (i64, PathwayTemplate)>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let versions = sqlx::query(AssertSqlSafe(format!(
        "SELECT id, org_id, code, name, version, review_every_weeks FROM pathway_versions WHERE id IN ({list})"
    )))
    .fetch_all(store.pool())
    .await?;
    for r in &versions {
        out.insert(
            r.try_get::<i64, _>("id")?,
            (
                r.try_get::<i64, _>("org_id")?,
                PathwayTemplate {
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    version: r.try_get::<i64, _>("version")? as u32,
                    criteria: Vec::new(),
                    review_every_weeks: r.try_get::<i64, _>("review_every_weeks")? as u32,
                },
            ),
        );
    }
    let criteria = sqlx::query(AssertSqlSafe(format!(
        "SELECT version_id, key, title, stage, required, due_weeks, applies, examples, counts_as \
         FROM pathway_criteria WHERE version_id IN ({list}) ORDER BY version_id, position"
    )))
    .fetch_all(store.pool())
    .await?;
    for r in &criteria {
        let vid: i64 = r.try_get("version_id")?;
        let stage: String = r.try_get("stage")?;
        let applies: String = r.try_get("applies")?;
        let c = Criterion {
            key: r.try_get("key")?,
            title: r.try_get("title")?,
            stage: Stage::from_code(&stage)
                .ok_or_else(|| StorageError::Invalid(format!("stored stage '{stage}'")))?,
            required: r.try_get::<i64, _>("required")? != 0,
            due_weeks: r.try_get::<Option<i64>, _>("due_weeks")?.map(|w| w as u32),
            applies: Applies::parse(&applies)
                .ok_or_else(|| StorageError::Invalid(format!("stored scope '{applies}'")))?,
            examples: r.try_get("examples")?,
            counts_as: r.try_get("counts_as")?,
        };
        if let Some((_, t)) = out.get_mut(&vid) {
            t.criteria.push(c);
        }
    }
    Ok(out)
}

// ---- enrolments ---------------------------------------------------------------

/// A learner's place on a pathway.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrolment {
    /// Its id.
    pub id: i64,
    /// The organisation.
    pub org_id: i64,
    /// The learner's staff record.
    pub person_id: i64,
    /// The template version they are on.
    pub version_id: i64,
    /// Their variant, e.g. `theatre`.
    pub variant: Option<String>,
    /// The role they aim at.
    pub aim: Option<String>,
    /// When they were enrolled.
    pub enrolled_on: Date,
}

/// An enrolment to make.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEnrolment {
    /// The learner's staff record.
    pub person_id: i64,
    /// The template version.
    pub version_id: i64,
    /// Their variant.
    pub variant: Option<String>,
    /// The role they aim at.
    pub aim: Option<String>,
    /// The enrolment date.
    pub enrolled_on: Date,
}

fn enrolment_from(r: &AnyRow) -> Result<Enrolment> {
    Ok(Enrolment {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        person_id: r.try_get("person_id")?,
        version_id: r.try_get("version_id")?,
        variant: r.try_get("variant")?,
        aim: r.try_get("aim")?,
        enrolled_on: date(&r.try_get::<String, _>("enrolled_on")?)?,
    })
}

const ENROLMENT_COLUMNS: &str =
    "e.id, e.org_id, e.person_id, e.version_id, e.variant, e.aim, e.enrolled_on";

/// Enrols learners, all or none, in one transaction. Each must be a person of
/// the organisation not already enrolled, on a version of the organisation.
/// `row_names[i]` names entry `i` in errors (e.g. "row 4").
pub async fn enrol(
    store: &Store,
    org_id: i64,
    new: &[NewEnrolment],
    row_names: &[String],
    by_user: Option<i64>,
    now: i64,
) -> Result<Vec<i64>> {
    let mut tx = store.begin_write().await?;
    let mut ids = Vec::with_capacity(new.len());
    for (i, n) in new.iter().enumerate() {
        let at = row_names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("entry {}", i + 1));
        let person = sqlx::query("SELECT name FROM people WHERE id = $1 AND org_id = $2")
            .bind(n.person_id)
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                StorageError::Invalid(format!(
                    "{at}: staff record {} is not in this organisation",
                    n.person_id
                ))
            })?;
        let name: String = person.try_get("name")?;
        let version =
            sqlx::query("SELECT code, version FROM pathway_versions WHERE id = $1 AND org_id = $2")
                .bind(n.version_id)
                .bind(org_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StorageError::Invalid(format!("{at}: no such pathway version")))?;
        let code: String = version.try_get("code")?;
        let v: i64 = version.try_get("version")?;
        let row = sqlx::query(
            "INSERT INTO enrolments (org_id, person_id, version_id, variant, aim, enrolled_on, enrolled_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(org_id)
        .bind(n.person_id)
        .bind(n.version_id)
        .bind(n.variant.as_deref())
        .bind(n.aim.as_deref())
        .bind(n.enrolled_on.to_string())
        .bind(by_user)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict_on_unique(e, Conflicting::Enrolment, format!("{at}: {name} is already enrolled on a pathway")))?;
        let id: i64 = row.try_get("id")?;
        record_with(
            &mut *tx,
            Some(org_id),
            by_user,
            now,
            "enrolment.created",
            &format!("person:{}", n.person_id),
            &format!(
                "{name} enrolled on {code} version {v}{}{} from {}",
                n.variant
                    .as_deref()
                    .map(|x| format!(", variant {x}"))
                    .unwrap_or_default(),
                n.aim
                    .as_deref()
                    .map(|x| format!(", aiming at {x}"))
                    .unwrap_or_default(),
                n.enrolled_on
            ),
        )
        .await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(ids)
}

/// A person's current enrolment, if any.
pub async fn enrolment_of(store: &Store, person_id: i64) -> Result<Option<Enrolment>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {ENROLMENT_COLUMNS} FROM enrolments e WHERE e.person_id = $1 AND e.ended_on IS NULL"
    )))
    .bind(person_id)
    .fetch_optional(store.pool())
    .await?;
    row.as_ref().map(enrolment_from).transpose()
}

/// Moves an enrolment to another version of the same pathway, recording who,
/// when and why. Sign-offs, evidence and reviews stay with the learner.
pub async fn move_version(
    store: &Store,
    org_id: i64,
    enrolment_id: i64,
    to_version_id: i64,
    reason: &str,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(StorageError::Invalid(
            "give a reason for moving the learner to another version".into(),
        ));
    }
    let mut tx = store.begin_write().await?;
    let row = sqlx::query(
        "SELECT e.version_id, e.person_id, v.code, v.version FROM enrolments e JOIN pathway_versions v ON v.id = e.version_id \
         WHERE e.id = $1 AND e.org_id = $2 AND e.ended_on IS NULL",
    )
    .bind(enrolment_id)
    .bind(org_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StorageError::NotFound("enrolment"))?;
    let from: i64 = row.try_get("version_id")?;
    let person: i64 = row.try_get("person_id")?;
    let code: String = row.try_get("code")?;
    let from_v: i64 = row.try_get("version")?;
    let to = sqlx::query(
        "SELECT version FROM pathway_versions WHERE id = $1 AND org_id = $2 AND code = $3",
    )
    .bind(to_version_id)
    .bind(org_id)
    .bind(&code)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        StorageError::conflict(Conflicting::Version, "choose a version of the same pathway")
    })?;
    let to_v: i64 = to.try_get("version")?;
    if to_version_id == from {
        return Err(StorageError::conflict(
            Conflicting::Version,
            format!("the learner is already on version {to_v}"),
        ));
    }
    sqlx::query("UPDATE enrolments SET version_id = $1 WHERE id = $2")
        .bind(to_version_id)
        .bind(enrolment_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO version_moves (enrolment_id, from_version_id, to_version_id, reason, by_user, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(enrolment_id)
    .bind(from)
    .bind(to_version_id)
    .bind(reason.trim())
    .bind(by_user)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "enrolment.moved",
        &format!("person:{person}"),
        &format!(
            "{code} version {from_v} to version {to_v}: {}",
            reason.trim()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An enrolment that has ended, for the learner's history.
#[derive(Debug, Clone, PartialEq)]
pub struct EndedEnrolment {
    /// The enrolment.
    pub enrolment: Enrolment,
    /// The pathway's name and version.
    pub pathway: String,
    /// Its version number.
    pub version: u32,
    /// The last day on the pathway.
    pub ended_on: Date,
    /// Why it ended.
    pub reason: EnrolmentEnd,
    /// What happened.
    pub note: String,
}

/// Ends a learner's active enrolment, with its audit event, in one
/// transaction. The domain's `check_ending` has already approved `ending`.
/// Evidence, sign-offs and reviews stay with the enrolment.
pub async fn end_enrolment(
    store: &Store,
    org_id: i64,
    enrolment_id: i64,
    ending: &Ending,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let person: i64 = sqlx::query(
        "SELECT person_id FROM enrolments WHERE id = $1 AND org_id = $2 AND ended_on IS NULL",
    )
    .bind(enrolment_id)
    .bind(org_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StorageError::NotFound("enrolment"))?
    .try_get("person_id")?;
    sqlx::query(
        "UPDATE enrolments SET ended_on = $1, end_reason = $2, end_note = $3, ended_by = $4 WHERE id = $5",
    )
    .bind(ending.on.to_string())
    .bind(ending.reason.code())
    .bind(ending.note.trim())
    .bind(by_user)
    .bind(enrolment_id)
    .execute(&mut *tx)
    .await?;
    let note = ending.note.trim();
    record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "enrolment.ended",
        &format!("person:{person}"),
        &format!(
            "{} on {}{}",
            ending.reason.label(),
            ending.on,
            if note.is_empty() {
                String::new()
            } else {
                format!(": {note}")
            }
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reopens one of a person's ended enrolments (undoing an ending made in
/// error), when they have no other active enrolment; audited.
pub async fn reopen_enrolment(
    store: &Store,
    org_id: i64,
    person: i64,
    enrolment_id: i64,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let ended_on: String = sqlx::query(
        "SELECT ended_on FROM enrolments WHERE id = $1 AND org_id = $2 AND person_id = $3 AND ended_on IS NOT NULL",
    )
    .bind(enrolment_id)
    .bind(org_id)
    .bind(person)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StorageError::NotFound("ended enrolment"))?
    .try_get("ended_on")?;
    let active = sqlx::query("SELECT id FROM enrolments WHERE person_id = $1 AND ended_on IS NULL")
        .bind(person)
        .fetch_optional(&mut *tx)
        .await?;
    if active.is_some() {
        return Err(StorageError::conflict(
            Conflicting::Enrolment,
            "the learner is enrolled on a pathway now; end that enrolment before reopening this one",
        ));
    }
    sqlx::query(
        "UPDATE enrolments SET ended_on = NULL, end_reason = NULL, end_note = NULL, ended_by = NULL WHERE id = $1",
    )
    .bind(enrolment_id)
    .execute(&mut *tx)
    .await
    .map_err(|e| conflict_on_unique(e, Conflicting::Enrolment, "the learner is enrolled on a pathway now"))?;
    record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "enrolment.reopened",
        &format!("person:{person}"),
        &format!("enrolment ended on {ended_on} reopened"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A person's ended enrolments, latest first.
pub async fn ended_enrolments(store: &Store, person_id: i64) -> Result<Vec<EndedEnrolment>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {ENROLMENT_COLUMNS}, v.name, v.version, e.ended_on, e.end_reason, e.end_note \
         FROM enrolments e JOIN pathway_versions v ON v.id = e.version_id \
         WHERE e.person_id = $1 AND e.ended_on IS NOT NULL ORDER BY e.ended_on DESC, e.id DESC"
    )))
    .bind(person_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let code: Option<String> = r.try_get("end_reason")?;
            Ok(EndedEnrolment {
                enrolment: enrolment_from(r)?,
                pathway: r.try_get("name")?,
                version: u32::try_from(r.try_get::<i64, _>("version")?).unwrap_or(0),
                ended_on: date(&r.try_get::<String, _>("ended_on")?)?,
                // Endings from before reasons were recorded count as withdrawn.
                reason: code
                    .as_deref()
                    .and_then(EnrolmentEnd::parse)
                    .unwrap_or(EnrolmentEnd::Withdrawn),
                note: r
                    .try_get::<Option<String>, _>("end_note")?
                    .unwrap_or_default(),
            })
        })
        .collect()
}

// ---- learners' state, in bulk -------------------------------------------------

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
}

/// The current learners of an organisation with their sign-offs, last review
/// and flags, in a fixed number of queries, plus the template versions they
/// are on.
pub async fn learner_states(
    store: &Store,
    org_id: i64,
    filter: LearnerFilter,
) -> Result<(Vec<LearnerState>, HashMap<i64, PathwayTemplate>)> {
    let cond = "e.org_id = $1 AND e.ended_on IS NULL AND ($2 < 0 OR p.manager_id = $2) AND ($3 < 0 OR p.id = $3)";
    let bind = |q: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>| {
        q.bind(org_id)
            .bind(filter.manager_id.unwrap_or(-1))
            .bind(filter.person_id.unwrap_or(-1))
    };
    let rows = bind(sqlx::query(AssertSqlSafe(format!(
        "SELECT {ENROLMENT_COLUMNS}, p.name, p.site_id, s.name AS site_name, p.role_code, p.manager_id \
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
            last_review: None,
            flag_events: Vec::new(),
            evidence_waiting: 0,
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
    let reviews = bind(sqlx::query(AssertSqlSafe(format!(
        "SELECT x.enrolment_id, MAX(x.held_on) AS last FROM reviews x {join} WHERE {cond} GROUP BY x.enrolment_id"
    ))))
    .fetch_all(store.pool())
    .await?;
    for r in &reviews {
        if let Some(&i) = index.get(&r.try_get::<i64, _>("enrolment_id")?) {
            states[i].last_review = opt_date(r.try_get("last")?)?;
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
    let waiting = bind(sqlx::query(AssertSqlSafe(format!(
        "SELECT x.enrolment_id, COUNT(*) AS n FROM evidence x {join} WHERE {cond} \
         AND NOT EXISTS (SELECT 1 FROM evidence_decisions d WHERE d.evidence_id = x.id) GROUP BY x.enrolment_id"
    ))))
    .fetch_all(store.pool())
    .await?;
    for r in &waiting {
        if let Some(&i) = index.get(&r.try_get::<i64, _>("enrolment_id")?) {
            states[i].evidence_waiting = r.try_get("n")?;
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
async fn enrolled_person(
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
async fn decisions_of(tx: &mut sqlx::AnyConnection, enrolment_id: i64) -> Result<Vec<Decision>> {
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

fn decision_from(r: &AnyRow) -> Result<Decision> {
    Ok(Decision {
        criterion: r.try_get("criterion_key")?,
        signed_off: r.try_get::<i64, _>("signed_off")? != 0,
        by: r.try_get::<Option<i64>, _>("by_person")?.unwrap_or(0),
        on: date(&r.try_get::<String, _>("on_date")?)?,
        reason: r.try_get("reason")?,
    })
}

// ---- evidence -------------------------------------------------------------------

/// An uploaded file as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFile {
    /// The name it is stored under (see [`crate::files::FileStore`]).
    pub key: String,
    /// The name it was uploaded with.
    pub name: String,
    /// Its type, read from its content.
    pub file_type: FileType,
    /// Its size in bytes.
    pub size: i64,
}

/// Evidence to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvidence {
    /// The enrolment it is for.
    pub enrolment_id: i64,
    /// What it is.
    pub kind: EvidenceKind,
    /// A short title.
    pub title: String,
    /// The reflection, the observation notes, or a description of the file.
    pub body: String,
    /// The shift or activity it came from, if any.
    pub activity: String,
    /// The uploaded file, for file evidence.
    pub file: Option<StoredFile>,
    /// The criteria it is offered for (at least one).
    pub criteria: Vec<String>,
    /// Who added it.
    pub added_by_user: Option<i64>,
    /// Their staff record.
    pub added_by_person: Option<i64>,
    /// The date it was added.
    pub added_on: Date,
}

/// A decision on evidence, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceDecisionRecord {
    /// Accepted or returned.
    pub outcome: EvidenceStatus,
    /// Feedback to the learner.
    pub feedback: String,
    /// Who decided.
    pub by_name: Option<String>,
    /// When (Unix seconds).
    pub at: i64,
}

/// A piece of evidence as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Its id.
    pub id: i64,
    /// The organisation.
    pub org_id: i64,
    /// The enrolment.
    pub enrolment_id: i64,
    /// The learner it is about.
    pub person_id: i64,
    /// The learner's name.
    pub person_name: String,
    /// What it is.
    pub kind: EvidenceKind,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// The shift or activity it came from.
    pub activity: String,
    /// Its file, if any.
    pub file: Option<StoredFile>,
    /// The account that added it.
    pub added_by_user: Option<i64>,
    /// The staff record of whoever added it.
    pub added_by_person: Option<i64>,
    /// Their name.
    pub added_by_name: Option<String>,
    /// When.
    pub added_on: Date,
    /// Criteria it is offered for.
    pub criteria: Vec<String>,
    /// Where it stands.
    pub status: EvidenceStatus,
    /// Decisions made on it, oldest first.
    pub decisions: Vec<EvidenceDecisionRecord>,
}

const EVIDENCE_SELECT: &str = "SELECT x.id, x.org_id, x.enrolment_id, x.person_id, p.name AS person_name, x.kind, x.title, x.body, \
     x.activity, x.file_key, x.file_name, x.file_type, x.file_size, x.added_by_user, x.added_by_person, a.name AS added_by_name, x.added_on \
     FROM evidence x JOIN people p ON p.id = x.person_id LEFT JOIN people a ON a.id = x.added_by_person";

fn evidence_from(r: &AnyRow) -> Result<Evidence> {
    let kind: String = r.try_get("kind")?;
    let file = match r.try_get::<Option<String>, _>("file_key")? {
        Some(key) => {
            let t: String = r.try_get("file_type")?;
            Some(StoredFile {
                key,
                name: r
                    .try_get::<Option<String>, _>("file_name")?
                    .unwrap_or_default(),
                file_type: FileType::from_mime(&t)
                    .ok_or_else(|| StorageError::Invalid(format!("stored file type '{t}'")))?,
                size: r.try_get::<Option<i64>, _>("file_size")?.unwrap_or(0),
            })
        }
        None => None,
    };
    Ok(Evidence {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        enrolment_id: r.try_get("enrolment_id")?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        kind: EvidenceKind::from_code(&kind)
            .ok_or_else(|| StorageError::Invalid(format!("stored evidence kind '{kind}'")))?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        activity: r.try_get("activity")?,
        file,
        added_by_user: r.try_get("added_by_user")?,
        added_by_person: r.try_get("added_by_person")?,
        added_by_name: r.try_get("added_by_name")?,
        added_on: date(&r.try_get::<String, _>("added_on")?)?,
        criteria: Vec::new(),
        status: EvidenceStatus::Waiting,
        decisions: Vec::new(),
    })
}

/// Fills in criteria and decisions for a list of evidence.
async fn complete_evidence(store: &Store, list: &mut [Evidence]) -> Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    let ids = list
        .iter()
        .map(|e| e.id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let index: HashMap<i64, usize> = list.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
    let criteria = sqlx::query(AssertSqlSafe(format!(
        "SELECT evidence_id, criterion_key FROM evidence_criteria WHERE evidence_id IN ({ids}) ORDER BY evidence_id, criterion_key"
    )))
    .fetch_all(store.pool())
    .await?;
    for r in &criteria {
        if let Some(&i) = index.get(&r.try_get::<i64, _>("evidence_id")?) {
            list[i].criteria.push(r.try_get("criterion_key")?);
        }
    }
    let decisions = sqlx::query(AssertSqlSafe(format!(
        "SELECT d.evidence_id, d.outcome, d.feedback, p.name AS by_name, d.at FROM evidence_decisions d \
         LEFT JOIN people p ON p.id = d.by_person WHERE d.evidence_id IN ({ids}) ORDER BY d.id"
    )))
    .fetch_all(store.pool())
    .await?;
    for r in &decisions {
        if let Some(&i) = index.get(&r.try_get::<i64, _>("evidence_id")?) {
            let outcome: String = r.try_get("outcome")?;
            let outcome = EvidenceStatus::from_code(&outcome)
                .ok_or_else(|| StorageError::Invalid(format!("stored outcome '{outcome}'")))?;
            list[i].status = outcome;
            list[i].decisions.push(EvidenceDecisionRecord {
                outcome,
                feedback: r.try_get("feedback")?,
                by_name: r.try_get("by_name")?,
                at: r.try_get("at")?,
            });
        }
    }
    Ok(())
}

/// Records evidence and the criteria it is offered for; returns its id.
pub async fn add_evidence(store: &Store, org_id: i64, e: &NewEvidence, now: i64) -> Result<i64> {
    if e.criteria.is_empty() {
        return Err(StorageError::Invalid(
            "choose at least one criterion this evidence meets".into(),
        ));
    }
    let mut tx = store.begin_write().await?;
    let person_id = enrolled_person(&mut tx, org_id, e.enrolment_id).await?;
    let row = sqlx::query(
        "INSERT INTO evidence (org_id, enrolment_id, person_id, kind, title, body, activity, file_key, file_name, file_type, file_size, \
         added_by_user, added_by_person, added_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(org_id)
    .bind(e.enrolment_id)
    .bind(person_id)
    .bind(e.kind.code())
    .bind(e.title.trim())
    .bind(e.body.trim())
    .bind(e.activity.trim())
    .bind(e.file.as_ref().map(|f| f.key.clone()))
    .bind(e.file.as_ref().map(|f| f.name.clone()))
    .bind(e.file.as_ref().map(|f| f.file_type.mime()))
    .bind(e.file.as_ref().map(|f| f.size))
    .bind(e.added_by_user)
    .bind(e.added_by_person)
    .bind(e.added_on.to_string())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    let mut keys = e.criteria.clone();
    keys.sort();
    keys.dedup();
    for k in &keys {
        sqlx::query("INSERT INTO evidence_criteria (evidence_id, criterion_key) VALUES ($1, $2)")
            .bind(id)
            .bind(k)
            .execute(&mut *tx)
            .await?;
    }
    record_with(
        &mut *tx,
        Some(org_id),
        e.added_by_user,
        now,
        "evidence.added",
        &format!("evidence:{id}"),
        &format!(
            "{} '{}' for person:{person_id}, offered for {}",
            e.kind.label(),
            e.title.trim(),
            keys.join(", ")
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One piece of evidence with its criteria and decisions.
pub async fn evidence(store: &Store, id: i64) -> Result<Option<Evidence>> {
    let row = sqlx::query(AssertSqlSafe(format!("{EVIDENCE_SELECT} WHERE x.id = $1")))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut list = vec![evidence_from(&row)?];
    complete_evidence(store, &mut list).await?;
    Ok(list.pop())
}

/// An enrolment's evidence, newest first.
pub async fn evidence_for(store: &Store, enrolment_id: i64) -> Result<Vec<Evidence>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "{EVIDENCE_SELECT} WHERE x.enrolment_id = $1 ORDER BY x.id DESC"
    )))
    .bind(enrolment_id)
    .fetch_all(store.pool())
    .await?;
    let mut list = rows.iter().map(evidence_from).collect::<Result<Vec<_>>>()?;
    complete_evidence(store, &mut list).await?;
    Ok(list)
}

/// A decision to record on evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceDecision {
    /// The evidence.
    pub evidence_id: i64,
    /// Accept (signing off its criteria) or return.
    pub accept: bool,
    /// Feedback to the learner.
    pub feedback: String,
    /// Who decides.
    pub by_user: Option<i64>,
    /// Their staff record.
    pub by_person: Option<i64>,
    /// The date of the decision.
    pub on: Date,
}

/// What a second decision on the same evidence is told: the domain's words.
fn already_decided() -> StorageError {
    StorageError::conflict(
        Conflicting::Decision,
        DecisionRefused::AlreadyDecided.to_string(),
    )
}

/// Records a decision on waiting evidence. Accepting signs off each criterion
/// it was offered for that is not signed off already, naming the evidence.
/// Refused with a conflict when someone decided first.
pub async fn decide(
    store: &Store,
    org_id: i64,
    d: &EvidenceDecision,
    now: i64,
) -> Result<Vec<String>> {
    let mut tx = store.begin_write().await?;
    let row = sqlx::query(
        "SELECT enrolment_id, person_id, title FROM evidence WHERE id = $1 AND org_id = $2",
    )
    .bind(d.evidence_id)
    .bind(org_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StorageError::NotFound("evidence"))?;
    let enrolment_id: i64 = row.try_get("enrolment_id")?;
    let person_id: i64 = row.try_get("person_id")?;
    let title: String = row.try_get("title")?;
    let decided = sqlx::query("SELECT id FROM evidence_decisions WHERE evidence_id = $1")
        .bind(d.evidence_id)
        .fetch_optional(&mut *tx)
        .await?;
    if decided.is_some() {
        return Err(already_decided());
    }
    let outcome = if d.accept {
        EvidenceStatus::Accepted
    } else {
        EvidenceStatus::Returned
    };
    sqlx::query(
        "INSERT INTO evidence_decisions (evidence_id, outcome, feedback, by_user, by_person, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(d.evidence_id)
    .bind(outcome.code())
    .bind(d.feedback.trim())
    .bind(d.by_user)
    .bind(d.by_person)
    .bind(now)
    .execute(&mut *tx)
    .await
    // Two assessors deciding at once on PostgreSQL: both read "undecided",
    // the unique index lets only one insert.
    .map_err(|e| conflict_on_unique(e, Conflicting::Decision, DecisionRefused::AlreadyDecided.to_string()))?;
    let subject = format!("evidence:{}", d.evidence_id);
    record_with(
        &mut *tx,
        Some(org_id),
        d.by_user,
        now,
        if d.accept {
            "evidence.accepted"
        } else {
            "evidence.returned"
        },
        &subject,
        &format!(
            "'{title}' of person:{person_id}{}",
            if d.feedback.trim().is_empty() {
                String::new()
            } else {
                format!(": {}", d.feedback.trim())
            }
        ),
    )
    .await?;
    let mut signed = Vec::new();
    if d.accept {
        let offered = sqlx::query("SELECT criterion_key FROM evidence_criteria WHERE evidence_id = $1 ORDER BY criterion_key")
            .bind(d.evidence_id)
            .fetch_all(&mut *tx)
            .await?;
        let existing = decisions_of(&mut tx, enrolment_id).await?;
        for r in &offered {
            let key: String = r.try_get("criterion_key")?;
            if pathwise_domain::pathway::is_signed_off(&key, &existing) {
                continue;
            }
            sqlx::query(
                "INSERT INTO sign_offs (enrolment_id, criterion_key, signed_off, evidence_id, by_user, by_person, on_date, reason, at) \
                 VALUES ($1, $2, 1, $3, $4, $5, $6, NULL, $7)",
            )
            .bind(enrolment_id)
            .bind(&key)
            .bind(d.evidence_id)
            .bind(d.by_user)
            .bind(d.by_person)
            .bind(d.on.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            record_with(
                &mut *tx,
                Some(org_id),
                d.by_user,
                now,
                "criterion.signed_off",
                &format!("person:{person_id}"),
                &format!("'{key}' signed off on evidence:{}", d.evidence_id),
            )
            .await?;
            signed.push(key);
        }
    }
    tx.commit().await?;
    Ok(signed)
}

/// A sign-off to withdraw.
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawal {
    /// The enrolment.
    pub enrolment_id: i64,
    /// The criterion.
    pub criterion: String,
    /// Why.
    pub reason: String,
    /// Who withdraws it.
    pub by_user: Option<i64>,
    /// Their staff record.
    pub by_person: Option<i64>,
    /// The date.
    pub on: Date,
}

/// Withdraws a criterion's sign-off: a new decision superseding the last,
/// with a reason. The earlier sign-off stays in the record.
pub async fn withdraw_sign_off(store: &Store, org_id: i64, w: &Withdrawal, now: i64) -> Result<()> {
    let (enrolment_id, criterion, reason) =
        (w.enrolment_id, w.criterion.as_str(), w.reason.as_str());
    let (by_user, by_person, on) = (w.by_user, w.by_person, w.on);
    if reason.trim().is_empty() {
        return Err(StorageError::Invalid(
            "give a reason for withdrawing the sign-off".into(),
        ));
    }
    let mut tx = store.begin_write().await?;
    let person_id = enrolled_person(&mut tx, org_id, enrolment_id).await?;
    let existing = decisions_of(&mut tx, enrolment_id).await?;
    if !pathwise_domain::pathway::is_signed_off(criterion, &existing) {
        return Err(StorageError::Invalid(format!(
            "'{criterion}' is not signed off, so there is nothing to withdraw"
        )));
    }
    sqlx::query(
        "INSERT INTO sign_offs (enrolment_id, criterion_key, signed_off, evidence_id, by_user, by_person, on_date, reason, at) \
         VALUES ($1, $2, 0, NULL, $3, $4, $5, $6, $7)",
    )
    .bind(enrolment_id)
    .bind(criterion)
    .bind(by_user)
    .bind(by_person)
    .bind(on.to_string())
    .bind(reason.trim())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "criterion.sign_off_withdrawn",
        &format!("person:{person_id}"),
        &format!("'{criterion}' superseded: {}", reason.trim()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A sign-off decision with names, for the learner's record.
#[derive(Debug, Clone, PartialEq)]
pub struct SignOffRecord {
    /// The criterion.
    pub criterion: String,
    /// Signed off, or withdrawn.
    pub signed_off: bool,
    /// The evidence it rests on.
    pub evidence_id: Option<i64>,
    /// Who decided.
    pub by_name: Option<String>,
    /// The date.
    pub on: Date,
    /// Why, for a withdrawal.
    pub reason: Option<String>,
}

/// An enrolment's sign-off decisions, oldest first.
pub async fn sign_offs(store: &Store, enrolment_id: i64) -> Result<Vec<SignOffRecord>> {
    let rows = sqlx::query(
        "SELECT s.criterion_key, s.signed_off, s.evidence_id, p.name AS by_name, s.on_date, s.reason \
         FROM sign_offs s LEFT JOIN people p ON p.id = s.by_person WHERE s.enrolment_id = $1 ORDER BY s.id",
    )
    .bind(enrolment_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SignOffRecord {
                criterion: r.try_get("criterion_key")?,
                signed_off: r.try_get::<i64, _>("signed_off")? != 0,
                evidence_id: r.try_get("evidence_id")?,
                by_name: r.try_get("by_name")?,
                on: date(&r.try_get::<String, _>("on_date")?)?,
                reason: r.try_get("reason")?,
            })
        })
        .collect()
}

// ---- the assessor's inbox -----------------------------------------------------------

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

const INBOX_WHERE: &str = "x.org_id = $1 AND ($2 = 1 OR p.manager_id = $3 OR p.site_id = $4) \
     AND x.person_id <> $5 AND COALESCE(x.added_by_person, -1) <> $5 \
     AND ($6 < 0 OR x.person_id = $6) \
     AND NOT EXISTS (SELECT 1 FROM evidence_decisions d WHERE d.evidence_id = x.id)";

fn bind_inbox(
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

/// Evidence waiting for this assessor, oldest first, `limit` from `offset`.
pub async fn inbox(
    store: &Store,
    scope: InboxScope,
    limit: i64,
    offset: i64,
) -> Result<Vec<Evidence>> {
    let rows = bind_inbox(
        sqlx::query(AssertSqlSafe(format!(
            "{EVIDENCE_SELECT} WHERE {INBOX_WHERE} ORDER BY x.id LIMIT $7 OFFSET $8"
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

// ---- reviews and workload flags ---------------------------------------------------------

/// A review to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReview {
    /// The enrolment.
    pub enrolment_id: i64,
    /// When it was held.
    pub held_on: Date,
    /// Progress discussed.
    pub progress: String,
    /// Actions agreed.
    pub actions: String,
    /// Whether a workload-pressure flag is open after the review.
    pub workload_pressure: bool,
    /// The manager's 1-5 rating of readiness and confidence.
    pub rating: Option<u8>,
    /// Who recorded it.
    pub by_user: Option<i64>,
}

/// A review as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// When it was held.
    pub held_on: Date,
    /// Progress discussed.
    pub progress: String,
    /// Actions agreed.
    pub actions: String,
    /// Workload pressure flagged.
    pub workload_pressure: bool,
    /// Readiness and confidence, 1-5.
    pub rating: Option<u8>,
    /// Who recorded it.
    pub by_name: Option<String>,
}

/// Records a review; its workload-pressure answer opens or closes the flag.
pub async fn record_review(store: &Store, org_id: i64, r: &NewReview, now: i64) -> Result<()> {
    if r.rating.is_some_and(|x| !(1..=5).contains(&x)) {
        return Err(StorageError::Invalid("choose a rating from 1 to 5".into()));
    }
    let mut tx = store.begin_write().await?;
    let person_id = enrolled_person(&mut tx, org_id, r.enrolment_id).await?;
    sqlx::query(
        "INSERT INTO reviews (enrolment_id, held_on, progress, actions, workload_pressure, rating, by_user, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(r.enrolment_id)
    .bind(r.held_on.to_string())
    .bind(r.progress.trim())
    .bind(r.actions.trim())
    .bind(i64::from(r.workload_pressure))
    .bind(r.rating.map(i64::from))
    .bind(r.by_user)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO workload_flags (enrolment_id, open, note, by_user, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(r.enrolment_id)
        .bind(i64::from(r.workload_pressure))
        .bind(format!("set at the review held on {}", r.held_on))
        .bind(r.by_user)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    record_with(
        &mut *tx,
        Some(org_id),
        r.by_user,
        now,
        "review.recorded",
        &format!("person:{person_id}"),
        &format!(
            "review held on {}; workload pressure {}; rating {}",
            r.held_on,
            if r.workload_pressure { "open" } else { "none" },
            r.rating.map_or("not given".to_string(), |x| x.to_string())
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An enrolment's reviews, newest first.
pub async fn reviews(store: &Store, enrolment_id: i64) -> Result<Vec<Review>> {
    let rows = sqlx::query(
        "SELECT r.held_on, r.progress, r.actions, r.workload_pressure, r.rating, u.display_name AS by_name \
         FROM reviews r LEFT JOIN users u ON u.id = r.by_user WHERE r.enrolment_id = $1 ORDER BY r.held_on DESC, r.id DESC",
    )
    .bind(enrolment_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Review {
                held_on: date(&r.try_get::<String, _>("held_on")?)?,
                progress: r.try_get("progress")?,
                actions: r.try_get("actions")?,
                workload_pressure: r.try_get::<i64, _>("workload_pressure")? != 0,
                rating: r.try_get::<Option<i64>, _>("rating")?.map(|x| x as u8),
                by_name: r.try_get("by_name")?,
            })
        })
        .collect()
}

/// Raises a workload-pressure flag between reviews (learner or manager).
pub async fn raise_flag(
    store: &Store,
    org_id: i64,
    enrolment_id: i64,
    note: &str,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    if note.trim().is_empty() {
        return Err(StorageError::Invalid(
            "say briefly what is causing the pressure".into(),
        ));
    }
    let mut tx = store.begin_write().await?;
    let person_id = enrolled_person(&mut tx, org_id, enrolment_id).await?;
    sqlx::query("INSERT INTO workload_flags (enrolment_id, open, note, by_user, at) VALUES ($1, 1, $2, $3, $4)")
        .bind(enrolment_id)
        .bind(note.trim())
        .bind(by_user)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "workload.flag_raised",
        &format!("person:{person_id}"),
        note.trim(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
