//! Evidence, the decisions on it (one each), sign-offs and their withdrawal.

use super::*;
use crate::notifications::{Notice, notify_person_in};
use pathwise_domain::notify::NotificationKind;

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

pub(super) const EVIDENCE_SELECT: &str = "SELECT x.id, x.org_id, x.enrolment_id, x.person_id, p.name AS person_name, x.kind, x.title, x.body, \
     x.activity, x.file_key, x.file_name, x.file_type, x.file_size, x.added_by_user, x.added_by_person, a.name AS added_by_name, x.added_on \
     FROM evidence x JOIN people p ON p.id = x.person_id LEFT JOIN people a ON a.id = x.added_by_person";

pub(super) fn evidence_from(r: &AnyRow) -> Result<Evidence> {
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
pub(super) async fn complete_evidence(store: &Store, list: &mut [Evidence]) -> Result<()> {
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

/// The titles of an enrolment's criteria by key, in the order given (a key
/// its version does not have is shown as it is).
async fn criterion_titles(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    enrolment_id: i64,
    keys: &[String],
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT c.key, c.title FROM pathway_criteria c JOIN enrolments e ON e.version_id = c.version_id WHERE e.id = $1",
    )
    .bind(enrolment_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut titles = HashMap::new();
    for r in &rows {
        titles.insert(
            r.try_get::<String, _>("key")?,
            r.try_get::<String, _>("title")?,
        );
    }
    Ok(keys
        .iter()
        .map(|k| titles.get(k).cloned().unwrap_or_else(|| k.clone()))
        .collect())
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
    let offered_for = criterion_titles(&mut tx, e.enrolment_id, &keys)
        .await?
        .join("; ");
    record_with(
        &mut *tx,
        Some(org_id),
        e.added_by_user,
        now,
        "evidence.added",
        &format!("evidence:{id}"),
        &format!("{}, offered for {}", e.kind.label(), offered_for),
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
pub(super) fn already_decided() -> StorageError {
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
        &if d.feedback.trim().is_empty() {
            String::new()
        } else {
            format!("Feedback: {}", d.feedback.trim())
        },
    )
    .await?;
    if !d.accept {
        let feedback = d.feedback.trim();
        let notice = Notice {
            kind: NotificationKind::EvidenceReturned,
            about: format!("evidence-returned:{}", d.evidence_id),
            title: format!("Your evidence '{title}' was returned with feedback"),
            body: if feedback.is_empty() {
                "Open it to see what to change, then add to it or add new evidence.".into()
            } else {
                format!("Feedback: {feedback}")
            },
            link: format!("/evidence/{}", d.evidence_id),
        };
        notify_person_in(&mut tx, person_id, &notice, now).await?;
    }
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
            let criterion = criterion_titles(&mut tx, enrolment_id, std::slice::from_ref(&key))
                .await?
                .join("");
            record_with(
                &mut *tx,
                Some(org_id),
                d.by_user,
                now,
                "criterion.signed_off",
                &format!("person:{person_id}"),
                &format!("{criterion} signed off on the evidence '{title}'"),
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
    let notice = Notice {
        kind: NotificationKind::SignOffWithdrawn,
        about: format!("sign-off-withdrawn:{enrolment_id}:{criterion}:{now}"),
        title: format!("The sign-off of '{criterion}' was withdrawn"),
        body: format!(
            "Reason: {}. Talk to your line manager or assessor about what to do next.",
            reason.trim()
        ),
        link: "/pathway".into(),
    };
    notify_person_in(&mut tx, person_id, &notice, now).await?;
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
