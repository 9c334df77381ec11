//! Pathway templates and their published versions.

use super::*;

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

/// Templates by version id, each with its organisation: from the store's
/// copy of published versions, reading only those not read before.
pub(super) async fn templates(
    store: &Store,
    ids: &[i64],
) -> Result<HashMap<i64, (i64, PathwayTemplate)>> {
    let mut out = HashMap::new();
    let mut missing = Vec::new();
    // Entries are whole versions, so a copy left by a panicking writer is
    // still sound.
    {
        let known = store.published().read().unwrap_or_else(|e| e.into_inner());
        for id in ids {
            match known.get(id) {
                Some(t) => {
                    out.insert(*id, t.clone());
                }
                None => missing.push(*id),
            }
        }
    }
    if !missing.is_empty() {
        let read = read_templates(store, &missing).await?;
        store
            .published()
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .extend(read.iter().map(|(id, t)| (*id, t.clone())));
        out.extend(read);
    }
    Ok(out)
}

/// Templates by version id read from the database.
async fn read_templates(
    store: &Store,
    ids: &[i64],
) -> Result<HashMap<i64, (i64, PathwayTemplate)>> {
    let mut out = HashMap::new();
    let list = crate::id_list(ids);
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
