//! Enrolments: one at a time or in bulk (all or nothing), moves between versions, endings and reopenings.

use super::*;

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

pub(super) fn enrolment_from(r: &AnyRow) -> Result<Enrolment> {
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

pub(super) const ENROLMENT_COLUMNS: &str =
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

/// One enrolment by its id, open or ended.
pub async fn enrolment(store: &Store, id: i64) -> Result<Option<Enrolment>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {ENROLMENT_COLUMNS} FROM enrolments e WHERE e.id = $1"
    )))
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    row.as_ref().map(enrolment_from).transpose()
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
    move_versions(
        store,
        org_id,
        &[enrolment_id],
        to_version_id,
        reason,
        by_user,
        now,
    )
    .await
}

/// Moves several enrolments to one version of their pathway in one
/// transaction, each move recorded and audited: all of them or none.
pub async fn move_versions(
    store: &Store,
    org_id: i64,
    enrolment_ids: &[i64],
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
    for &enrolment_id in enrolment_ids {
        move_one(
            &mut tx,
            org_id,
            enrolment_id,
            to_version_id,
            reason,
            by_user,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn move_one(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    org_id: i64,
    enrolment_id: i64,
    to_version_id: i64,
    reason: &str,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let row = sqlx::query(
        "SELECT e.version_id, e.person_id, v.code, v.version FROM enrolments e JOIN pathway_versions v ON v.id = e.version_id \
         WHERE e.id = $1 AND e.org_id = $2 AND e.ended_on IS NULL",
    )
    .bind(enrolment_id)
    .bind(org_id)
    .fetch_optional(&mut **tx)
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
    .fetch_optional(&mut **tx)
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
        .execute(&mut **tx)
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
    .execute(&mut **tx)
    .await?;
    record_with(
        &mut **tx,
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
