//! Staff records from the staff record system: the staff an import compares
//! with, the import itself (all or nothing, audited), each person's dated
//! role history, and protected characteristics, stored apart and read only
//! as counts by the aggregate views.

use crate::{Result, StorageError, Store};
use pathwise_domain::staff::{Characteristics, StaffNow, StaffPlan};
use pathwise_domain::{Band, Date};
use sqlx::Row;
use std::collections::HashMap;

/// Stores a person's protected characteristics, apart from their record.
async fn keep_characteristics(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    person_id: i64,
    c: Characteristics,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO protected_characteristics (person_id, sex, ethnicity, age_band, disability, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (person_id) DO UPDATE SET \
         sex = excluded.sex, ethnicity = excluded.ethnicity, age_band = excluded.age_band, \
         disability = excluded.disability, updated_at = excluded.updated_at",
    )
    .bind(person_id)
    .bind(c.sex.label())
    .bind(c.ethnicity.label())
    .bind(c.age_band.label())
    .bind(c.disability.label())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffImported {
    /// People added.
    pub new: usize,
    /// People already stored whose record changed.
    pub changed: usize,
    /// People who leave.
    pub leavers: usize,
    /// Role history entries added.
    pub role_changes: usize,
    /// Sites added.
    pub sites_added: usize,
}

fn band(text: Option<String>) -> Result<Option<Band>> {
    text.map(|b| {
        b.parse::<Band>()
            .map_err(|_| StorageError::Invalid(format!("stored band '{b}'")))
    })
    .transpose()
}

/// The organisation's staff who have an assignment number, as an import
/// compares them.
pub async fn stored(store: &Store, org_id: i64) -> Result<Vec<StaffNow>> {
    let rows = sqlx::query(
        "SELECT p.id, p.assignment_number, p.name, p.role_code, p.afc_band, s.code AS site, \
                m.assignment_number AS manager, p.start_date, p.role_started, p.left_on \
         FROM people p JOIN sites s ON s.id = p.site_id LEFT JOIN people m ON m.id = p.manager_id \
         WHERE p.org_id = $1 AND p.assignment_number IS NOT NULL ORDER BY p.id",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let start: Option<String> = r.try_get("start_date")?;
            let start = match start {
                Some(s) => s,
                None => r.try_get("role_started")?,
            };
            Ok(StaffNow {
                id: r.try_get("id")?,
                assignment_number: r.try_get("assignment_number")?,
                name: r.try_get("name")?,
                role_code: r.try_get("role_code")?,
                band: band(r.try_get("afc_band")?)?,
                site: r.try_get::<Option<String>, _>("site")?.unwrap_or_default(),
                line_manager: r.try_get("manager")?,
                start_date: crate::date(&start)?,
                leave_date: crate::opt_date(r.try_get("left_on")?)?,
            })
        })
        .collect()
}

/// How many of the organisation's people have an assignment number.
pub async fn numbered_people(store: &Store, org_id: i64) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM people WHERE org_id = $1 AND assignment_number IS NOT NULL",
    )
    .bind(org_id)
    .fetch_one(store.pool())
    .await?;
    Ok(row.try_get("n")?)
}

/// Applies an import decided by [`pathwise_domain::staff::plan`] in one
/// transaction: new sites, new and changed people, their managers, role
/// history, leave dates and protected characteristics, with two audit
/// events (the import, and the characteristics it brought). `today` is the
/// import's date (a changed role starts on it).
pub async fn import(
    store: &Store,
    org_id: i64,
    plan: &StaffPlan,
    by_user: Option<i64>,
    now: i64,
) -> Result<StaffImported> {
    let mut tx = store.begin_write().await?;
    for code in &plan.new_sites {
        sqlx::query("INSERT INTO sites (org_id, code, name, kind) VALUES ($1, $2, $3, $4)")
            .bind(org_id)
            .bind(code)
            .bind(code)
            .bind("Site")
            .execute(&mut *tx)
            .await?;
    }
    let site_ids: HashMap<String, i64> =
        sqlx::query("SELECT id, code FROM sites WHERE org_id = $1 AND code IS NOT NULL")
            .bind(org_id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("code")?, r.try_get("id")?)))
            .collect::<Result<_>>()?;
    let mut ids: HashMap<&str, i64> = HashMap::new();
    for p in &plan.records {
        let r = &p.record;
        let site_id = *site_ids.get(&r.site).ok_or_else(|| {
            StorageError::Invalid(format!("row {}: site {} was not added", p.row, r.site))
        })?;
        let band = r.band.map(|b| b.to_string());
        let group = r.staff_group.map(|g| g.name());
        let left = r.leave_date.map(|d| d.to_string());
        let id: i64 = match p.existing {
            None => {
                let row = sqlx::query(
                    "INSERT INTO people (org_id, site_id, name, role_code, role_started, interests, \
                       assignment_number, afc_band, staff_group, start_date, email, left_on) \
                     VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8, $5, $9, $10) RETURNING id",
                )
                .bind(org_id)
                .bind(site_id)
                .bind(&r.name)
                .bind(&r.role_code)
                .bind(r.start_date.to_string())
                .bind(&r.assignment_number)
                .bind(&band)
                .bind(group)
                .bind(&r.email)
                .bind(&left)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| {
                    crate::conflict_on_unique(
                        e,
                        crate::Conflicting::AssignmentNumber,
                        format!("row {}: assignment number {} is already stored", p.row, r.assignment_number),
                    )
                })?;
                row.try_get("id")?
            }
            Some(id) => {
                let role_started = p.role_history_from.map(|d| d.to_string());
                sqlx::query(
                    "UPDATE people SET site_id = $3, name = $4, role_code = $5, \
                       role_started = COALESCE($6, role_started), afc_band = COALESCE($7, afc_band), \
                       staff_group = COALESCE($8, staff_group), start_date = $9, \
                       email = COALESCE($10, email), left_on = $11 \
                     WHERE id = $1 AND org_id = $2",
                )
                .bind(id)
                .bind(org_id)
                .bind(site_id)
                .bind(&r.name)
                .bind(&r.role_code)
                .bind(role_started)
                .bind(&band)
                .bind(group)
                .bind(r.start_date.to_string())
                .bind(&r.email)
                .bind(&left)
                .execute(&mut *tx)
                .await?;
                id
            }
        };
        ids.insert(&r.assignment_number, id);
        if let Some(from) = p.role_history_from {
            sqlx::query(
                "INSERT INTO role_history (person_id, from_date, role_code, afc_band, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(from.to_string())
            .bind(&r.role_code)
            .bind(&band)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        keep_characteristics(&mut tx, id, r.characteristics, now).await?;
    }
    // Managers last: someone's manager may be further down the file.
    let stored_numbers: HashMap<String, i64> = sqlx::query(
        "SELECT id, assignment_number FROM people WHERE org_id = $1 AND assignment_number IS NOT NULL",
    )
    .bind(org_id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("assignment_number")?, r.try_get("id")?)))
    .collect::<Result<_>>()?;
    for p in &plan.records {
        let manager = match &p.record.line_manager {
            Some(m) => Some(*stored_numbers.get(m).ok_or_else(|| {
                StorageError::Invalid(format!(
                    "row {}: no one has the assignment number {m}",
                    p.row
                ))
            })?),
            None => None,
        };
        sqlx::query("UPDATE people SET manager_id = $2 WHERE id = $1")
            .bind(ids[p.record.assignment_number.as_str()])
            .bind(manager)
            .execute(&mut *tx)
            .await?;
    }
    let done = StaffImported {
        new: plan.new_people(),
        changed: plan.changed(),
        leavers: plan.leavers(),
        role_changes: plan.role_changes(),
        sites_added: plan.new_sites.len(),
    };
    let subject = format!("organisation:{org_id}");
    crate::audit::record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "staff.imported",
        &subject,
        &plan.summary().join("; "),
    )
    .await?;
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "characteristics.imported",
        &subject,
        &format!(
            "sex, ethnicity, age band and disability for {}",
            pathwise_domain::counted(plan.records.len(), "person", "people")
        ),
    )
    .await?;
    Ok(done)
}

/// An entry in someone's role history.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleSpell {
    /// From this date.
    pub from: Date,
    /// In this role.
    pub role_code: String,
    /// On this band, when recorded.
    pub band: Option<Band>,
}

/// A person's role history, earliest first.
pub async fn role_history(store: &Store, person_id: i64) -> Result<Vec<RoleSpell>> {
    let rows = sqlx::query(
        "SELECT from_date, role_code, afc_band FROM role_history WHERE person_id = $1 ORDER BY from_date, id",
    )
    .bind(person_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RoleSpell {
                from: crate::date(&r.try_get::<String, _>("from_date")?)?,
                role_code: r.try_get("role_code")?,
                band: band(r.try_get("afc_band")?)?,
            })
        })
        .collect()
}

fn characteristics_of(r: &sqlx::any::AnyRow) -> Result<Characteristics> {
    Ok(Characteristics::from_labels(
        &r.try_get::<String, _>("sex")?,
        &r.try_get::<String, _>("ethnicity")?,
        &r.try_get::<String, _>("age_band")?,
        &r.try_get::<String, _>("disability")?,
    ))
}

/// How many of an organisation's people have each combination of
/// protected characteristics: the only way they are read. Never names or
/// ids.
pub async fn characteristic_counts(
    store: &Store,
    org_id: i64,
) -> Result<Vec<(Characteristics, u64)>> {
    let rows = sqlx::query(
        "SELECT c.sex, c.ethnicity, c.age_band, c.disability, COUNT(*) AS n \
         FROM protected_characteristics c JOIN people p ON p.id = c.person_id \
         WHERE p.org_id = $1 GROUP BY c.sex, c.ethnicity, c.age_band, c.disability",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((characteristics_of(r)?, r.try_get::<i64, _>("n")? as u64)))
        .collect()
}

/// Each person's protected characteristics, by person id, for the
/// aggregate equity views to count groups with: never shown, exported or
/// returned by any route one person at a time.
pub async fn characteristics_for_aggregates(
    store: &Store,
    org_id: i64,
) -> Result<HashMap<i64, Characteristics>> {
    let rows = sqlx::query(
        "SELECT c.person_id, c.sex, c.ethnicity, c.age_band, c.disability \
         FROM protected_characteristics c JOIN people p ON p.id = c.person_id WHERE p.org_id = $1",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<i64, _>("person_id")?, characteristics_of(r)?)))
        .collect()
}

/// Every rating of readiness and confidence given at a pathway review in
/// the organisation: whose, when, and the rating (1-5).
pub async fn review_ratings(store: &Store, org_id: i64) -> Result<Vec<(i64, Date, u8)>> {
    let rows = sqlx::query(
        "SELECT e.person_id, r.held_on, r.rating FROM reviews r \
         JOIN enrolments e ON e.id = r.enrolment_id \
         WHERE e.org_id = $1 AND r.rating IS NOT NULL ORDER BY r.held_on, r.id",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("person_id")?,
                crate::date(&r.try_get::<String, _>("held_on")?)?,
                r.try_get::<i64, _>("rating")?.clamp(0, 5) as u8,
            ))
        })
        .collect()
}

/// How long an uploaded extract waits for confirmation (seconds).
pub const UPLOAD_KEPT_FOR: i64 = 60 * 60;

/// Keeps an uploaded extract until its admin confirms it, under the hash of
/// a token only they hold; drops uploads older than [`UPLOAD_KEPT_FOR`].
pub async fn keep_upload(
    store: &Store,
    org_id: i64,
    user_id: i64,
    token_hash: &str,
    file_text: &str,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM staff_uploads WHERE created_at < $1")
        .bind(now - UPLOAD_KEPT_FOR)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO staff_uploads (token_hash, org_id, user_id, file_text, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(org_id)
    .bind(user_id)
    .bind(file_text)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The extract kept under `token_hash` for this admin, taken so it cannot
/// be used twice; none when unknown, another's, or stale.
pub async fn take_upload(
    store: &Store,
    org_id: i64,
    user_id: i64,
    token_hash: &str,
    now: i64,
) -> Result<Option<String>> {
    let mut tx = store.begin_write().await?;
    let row = sqlx::query(
        "SELECT file_text FROM staff_uploads WHERE token_hash = $1 AND org_id = $2 AND user_id = $3 AND created_at >= $4",
    )
    .bind(token_hash)
    .bind(org_id)
    .bind(user_id)
    .bind(now - UPLOAD_KEPT_FOR)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM staff_uploads WHERE token_hash = $1 AND org_id = $2 AND user_id = $3")
        .bind(token_hash)
        .bind(org_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    row.map(|r| r.try_get("file_text"))
        .transpose()
        .map_err(Into::into)
}

/// A person's time in the organisation as the outcome views read it.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffSpellRow {
    /// The person.
    pub person_id: i64,
    /// Their start date.
    pub start: Date,
    /// Their leave date, when set.
    pub left: Option<Date>,
    /// Their site.
    pub site_id: i64,
    /// Their role now.
    pub role_code: String,
    /// Their role at their start date (the first in their role history).
    pub start_role: String,
    /// Their staff group as the staff record gives it.
    pub staff_group: Option<String>,
    /// Codes of the pathways they have ever been enrolled on.
    pub pathways: Vec<String>,
    /// Their role history, earliest first.
    pub roles: Vec<RoleSpell>,
    /// Their Agenda for Change band now, when recorded.
    pub band: Option<Band>,
}

/// Every person's spell in the organisation, for the outcome views.
pub async fn spells(store: &Store, org_id: i64) -> Result<Vec<StaffSpellRow>> {
    let rows = sqlx::query(
        "SELECT p.id, COALESCE(p.start_date, p.role_started) AS start_date, p.left_on, p.site_id, \
                p.role_code, p.staff_group, p.afc_band, \
                (SELECT h.role_code FROM role_history h WHERE h.person_id = p.id \
                  ORDER BY h.from_date, h.id LIMIT 1) AS start_role \
         FROM people p WHERE p.org_id = $1 ORDER BY p.id",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?;
    let mut pathways: HashMap<i64, Vec<String>> = HashMap::new();
    for r in sqlx::query(
        "SELECT DISTINCT e.person_id, v.code FROM enrolments e \
         JOIN pathway_versions v ON v.id = e.version_id WHERE e.org_id = $1",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?
    {
        pathways
            .entry(r.try_get("person_id")?)
            .or_default()
            .push(r.try_get("code")?);
    }
    let mut roles: HashMap<i64, Vec<RoleSpell>> = HashMap::new();
    for r in sqlx::query(
        "SELECT h.person_id, h.from_date, h.role_code, h.afc_band FROM role_history h \
         JOIN people p ON p.id = h.person_id WHERE p.org_id = $1 ORDER BY h.person_id, h.from_date, h.id",
    )
    .bind(org_id)
    .fetch_all(store.pool())
    .await?
    {
        roles
            .entry(r.try_get("person_id")?)
            .or_default()
            .push(RoleSpell {
                from: crate::date(&r.try_get::<String, _>("from_date")?)?,
                role_code: r.try_get("role_code")?,
                band: band(r.try_get("afc_band")?)?,
            });
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let role_code: String = r.try_get("role_code")?;
            let start_role: Option<String> = r.try_get("start_role")?;
            Ok(StaffSpellRow {
                start: crate::date(&r.try_get::<String, _>("start_date")?)?,
                left: crate::opt_date(r.try_get("left_on")?)?,
                site_id: r.try_get("site_id")?,
                start_role: start_role.unwrap_or_else(|| role_code.clone()),
                role_code,
                staff_group: r.try_get("staff_group")?,
                pathways: pathways.remove(&id).unwrap_or_default(),
                roles: roles.remove(&id).unwrap_or_default(),
                band: band(r.try_get("afc_band")?)?,
                person_id: id,
            })
        })
        .collect()
}

/// A person's staff history as the demo (or a migration from another
/// system) writes it directly: start, leave date, role history and
/// protected characteristics.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffHistory {
    /// The person.
    pub person_id: i64,
    /// Their start date.
    pub start: Date,
    /// Their leave date, when they have left.
    pub left: Option<Date>,
    /// Their role history, earliest first (the last is their role now).
    pub spells: Vec<RoleSpell>,
    /// Their staff group.
    pub staff_group: Option<&'static str>,
    /// Their protected characteristics.
    pub characteristics: Characteristics,
}

/// Writes staff histories in one transaction, replacing each person's role
/// history and characteristics.
pub async fn write_histories(store: &Store, histories: &[StaffHistory], now: i64) -> Result<()> {
    let mut tx = store.begin_write().await?;
    for h in histories {
        let last = h.spells.last();
        sqlx::query(
            "UPDATE people SET start_date = $2, left_on = $3, staff_group = $4, \
               afc_band = COALESCE($5, afc_band), role_started = COALESCE($6, role_started) WHERE id = $1",
        )
        .bind(h.person_id)
        .bind(h.start.to_string())
        .bind(h.left.map(|d| d.to_string()))
        .bind(h.staff_group)
        .bind(last.and_then(|s| s.band).map(|b| b.to_string()))
        .bind(last.map(|s| s.from.to_string()))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM role_history WHERE person_id = $1")
            .bind(h.person_id)
            .execute(&mut *tx)
            .await?;
        for s in &h.spells {
            sqlx::query(
                "INSERT INTO role_history (person_id, from_date, role_code, afc_band, recorded_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(h.person_id)
            .bind(s.from.to_string())
            .bind(&s.role_code)
            .bind(s.band.map(|b| b.to_string()))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        keep_characteristics(&mut tx, h.person_id, h.characteristics, now).await?;
    }
    tx.commit().await?;
    Ok(())
}
