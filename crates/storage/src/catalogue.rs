//! The career framework as stored: the core catalogue (organisation NULL),
//! shared by every organisation, plus each organisation's local roles and
//! transitions, optionally limited to one site.

use crate::Conflicting;
use crate::{Result, StorageError, Store, conflict_on_unique, split_list};
use pathwise_domain::catalogue::{check_role, check_transition};
use pathwise_domain::{
    Catalogue, PathwayFamily, Requirement, RequirementKind, Role, Route, RouteKind, StaffGroup,
    Transition,
};
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use std::collections::HashMap;

/// Where a role or transition comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The national core catalogue.
    Core,
    /// Added by the organisation, for every site (`None`) or one site.
    Local(Option<i64>),
}

impl Scope {
    /// Whether an entry is seen at a site of its organisation: core and
    /// organisation-wide entries everywhere, a site's own entries only there.
    pub fn visible_at(self, site_id: i64) -> bool {
        match self {
            Scope::Core | Scope::Local(None) => true,
            Scope::Local(Some(site)) => site == site_id,
        }
    }
}

/// A role with where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedRole {
    /// The role.
    pub role: Role,
    /// Core or local.
    pub scope: Scope,
}

/// A transition with where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedTransition {
    /// Its id.
    pub id: i64,
    /// The transition.
    pub transition: Transition,
    /// Core or local.
    pub scope: Scope,
}

fn scope_of(row: &AnyRow) -> Result<Scope> {
    let org: Option<i64> = row.try_get("org_id")?;
    let site: Option<i64> = row.try_get("site_id")?;
    Ok(match org {
        None => Scope::Core,
        Some(_) => Scope::Local(site),
    })
}

fn bad(what: &str, value: &str) -> StorageError {
    StorageError::Invalid(format!("stored {what} '{value}' is not recognised"))
}

fn role_from_row(row: &AnyRow) -> Result<Role> {
    let band: String = row.try_get("band")?;
    let group: String = row.try_get("staff_group")?;
    let family: String = row.try_get("family")?;
    Ok(Role {
        code: row.try_get("code")?,
        title: row.try_get("title")?,
        band: band.parse().map_err(|_| bad("band", &band))?,
        staff_group: StaffGroup::from_name(&group).ok_or_else(|| bad("staff group", &group))?,
        career_level: row.try_get::<i64, _>("career_level")? as u8,
        family: PathwayFamily::from_code(&family).ok_or_else(|| bad("family", &family))?,
        clinical: row.try_get::<i64, _>("clinical")? != 0,
    })
}

const ROLE_COLUMNS: &str =
    "org_id, site_id, code, title, band, staff_group, career_level, family, clinical";
const TRANSITION_COLUMNS: &str = "id, org_id, site_id, from_code, to_code, route_kind, route_name, \
     standard_code, route_level, duration_months, funding_band_gbp, confirmed, helpers";

async fn insert_role(
    tx: &mut Transaction<'_, Any>,
    org: Option<i64>,
    site: Option<i64>,
    r: &Role,
) -> Result<()> {
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO roles ({ROLE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )))
    .bind(org)
    .bind(site)
    .bind(&r.code)
    .bind(&r.title)
    .bind(r.band.to_string())
    .bind(r.staff_group.name())
    .bind(i64::from(r.career_level))
    .bind(r.family.code())
    .bind(i64::from(r.clinical))
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        conflict_on_unique(
            e,
            Conflicting::RoleCode,
            format!("a role with code '{}' already exists", r.code),
        )
    })?;
    Ok(())
}

async fn insert_transition(
    tx: &mut Transaction<'_, Any>,
    org: Option<i64>,
    site: Option<i64>,
    t: &Transition,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO transitions (org_id, site_id, from_code, to_code, route_kind, route_name, \
         standard_code, route_level, duration_months, funding_band_gbp, confirmed, helpers) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(org)
    .bind(site)
    .bind(&t.from)
    .bind(&t.to)
    .bind(t.route.kind.code())
    .bind(&t.route.name)
    .bind(t.route.standard_code.clone())
    .bind(t.route.level.map(i64::from))
    .bind(i64::from(t.route.duration_months))
    .bind(t.route.funding_band_gbp.map(i64::from))
    .bind(i64::from(t.route.confirmed))
    .bind(t.helpers.join(","))
    .fetch_one(&mut **tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    for (i, r) in t.requirements.iter().enumerate() {
        sqlx::query(
            "INSERT INTO requirements (transition_id, position, kind, name, months, evidence_hint) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(r.kind.code())
        .bind(&r.name)
        .bind(r.months.map(i64::from))
        .bind(r.evidence_hint.clone())
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// Replaces the core catalogue with `cat`, in one transaction. Refused, with
/// nothing changed, when an organisation's local entries or its staff would
/// be left pointing at a role the new catalogue drops.
pub async fn replace_core(store: &Store, cat: &Catalogue) -> Result<()> {
    cat.check(&[])
        .map_err(|e| StorageError::Invalid(e.to_string()))?;
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "DELETE FROM requirements WHERE transition_id IN (SELECT id FROM transitions WHERE org_id IS NULL)",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM transitions WHERE org_id IS NULL")
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM roles WHERE org_id IS NULL")
        .execute(&mut *tx)
        .await?;
    for r in &cat.roles {
        insert_role(&mut tx, None, None, r).await?;
    }
    for t in &cat.transitions {
        insert_transition(&mut tx, None, None, t).await?;
    }
    // Local entries and people must still point at roles that exist.
    let orphan = sqlx::query(
        "SELECT code FROM ( \
           SELECT from_code AS code, org_id FROM transitions WHERE org_id IS NOT NULL \
           UNION ALL SELECT to_code, org_id FROM transitions WHERE org_id IS NOT NULL \
           UNION ALL SELECT role_code, org_id FROM people) used \
         WHERE NOT EXISTS (SELECT 1 FROM roles r WHERE r.code = used.code \
                           AND (r.org_id IS NULL OR r.org_id = used.org_id)) LIMIT 1",
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = orphan {
        let code: String = row.try_get("code")?;
        return Err(StorageError::Invalid(format!(
            "role '{code}' is still used by staff or local transitions; keep it in the catalogue"
        )));
    }
    for (key, value) in [
        ("version", cat.version.clone()),
        ("sources", cat.sources.join("\n")),
    ] {
        sqlx::query("DELETE FROM catalogue_meta WHERE key = $1")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO catalogue_meta (key, value) VALUES ($1, $2)")
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The version of the core catalogue loaded, if any.
pub async fn core_version(store: &Store) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM catalogue_meta WHERE key = 'version'")
        .fetch_optional(store.pool())
        .await?;
    Ok(row.map(|r| r.try_get("value")).transpose()?)
}

/// The core catalogue as a file, for `pathwise catalogue export`.
pub async fn export_core(store: &Store) -> Result<Catalogue> {
    let version = core_version(store).await?.unwrap_or_default();
    let sources = sqlx::query("SELECT value FROM catalogue_meta WHERE key = 'sources'")
        .fetch_optional(store.pool())
        .await?
        .map(|r| r.try_get::<String, _>("value"))
        .transpose()?
        .map(|s| s.lines().map(String::from).collect())
        .unwrap_or_default();
    let roles = sqlx::query(AssertSqlSafe(format!(
        "SELECT {ROLE_COLUMNS} FROM roles WHERE org_id IS NULL ORDER BY id"
    )))
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(role_from_row)
    .collect::<Result<Vec<_>>>()?;
    let transitions = load_transitions(
        store,
        &format!("SELECT {TRANSITION_COLUMNS} FROM transitions WHERE org_id IS NULL ORDER BY id"),
        &[],
    )
    .await?
    .into_iter()
    .map(|t| t.transition)
    .collect();
    Ok(Catalogue {
        version,
        sources,
        roles,
        transitions,
    })
}

/// Every role an organisation can use: core plus its own, by title.
pub async fn roles_for_org(store: &Store, org_id: i64) -> Result<Vec<ScopedRole>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {ROLE_COLUMNS} FROM roles WHERE org_id IS NULL OR org_id = $1 ORDER BY title"
    )))
    .bind(org_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ScopedRole {
                role: role_from_row(r)?,
                scope: scope_of(r)?,
            })
        })
        .collect()
}

/// Roles an organisation can use, keyed by code.
pub async fn role_map(store: &Store, org_id: i64) -> Result<HashMap<String, Role>> {
    Ok(roles_for_org(store, org_id)
        .await?
        .into_iter()
        .map(|s| (s.role.code.clone(), s.role))
        .collect())
}

/// One role by code, as the organisation sees it.
pub async fn role(store: &Store, org_id: i64, code: &str) -> Result<Role> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {ROLE_COLUMNS} FROM roles WHERE code = $1 AND (org_id IS NULL OR org_id = $2)"
    )))
    .bind(code)
    .bind(org_id)
    .fetch_optional(store.pool())
    .await?
    .ok_or(StorageError::NotFound("role"))?;
    role_from_row(&row)
}

async fn load_transitions(
    store: &Store,
    sql: &str,
    binds: &[i64],
) -> Result<Vec<ScopedTransition>> {
    let mut q = sqlx::query(AssertSqlSafe(sql.to_string()));
    for b in binds {
        q = q.bind(*b);
    }
    let rows = q.fetch_all(store.pool()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let kind: String = row.try_get("route_kind")?;
        out.push(ScopedTransition {
            id: row.try_get("id")?,
            scope: scope_of(row)?,
            transition: Transition {
                from: row.try_get("from_code")?,
                to: row.try_get("to_code")?,
                requirements: Vec::new(),
                route: Route {
                    kind: RouteKind::from_code(&kind).ok_or_else(|| bad("route kind", &kind))?,
                    name: row.try_get("route_name")?,
                    standard_code: row.try_get("standard_code")?,
                    level: row
                        .try_get::<Option<i64>, _>("route_level")?
                        .map(|l| l as u8),
                    duration_months: row.try_get::<i64, _>("duration_months")? as u32,
                    funding_band_gbp: row
                        .try_get::<Option<i64>, _>("funding_band_gbp")?
                        .map(|f| f as u32),
                    confirmed: row.try_get::<i64, _>("confirmed")? != 0,
                },
                helpers: split_list(&row.try_get::<String, _>("helpers")?),
            },
        });
    }
    if out.is_empty() {
        return Ok(out);
    }
    // Requirements for all of them in one query.
    let ids: Vec<String> = out.iter().map(|t| t.id.to_string()).collect();
    let reqs = sqlx::query(AssertSqlSafe(format!(
        "SELECT transition_id, kind, name, months, evidence_hint FROM requirements \
         WHERE transition_id IN ({}) ORDER BY transition_id, position",
        ids.join(",")
    )))
    .fetch_all(store.pool())
    .await?;
    let mut by_id: HashMap<i64, Vec<Requirement>> = HashMap::new();
    for r in &reqs {
        let kind: String = r.try_get("kind")?;
        by_id
            .entry(r.try_get("transition_id")?)
            .or_default()
            .push(Requirement {
                kind: RequirementKind::from_code(&kind)
                    .ok_or_else(|| bad("requirement kind", &kind))?,
                name: r.try_get("name")?,
                months: r.try_get::<Option<i64>, _>("months")?.map(|m| m as u32),
                evidence_hint: r.try_get("evidence_hint")?,
            });
    }
    for t in &mut out {
        t.transition.requirements = by_id.remove(&t.id).unwrap_or_default();
    }
    Ok(out)
}

/// Transitions out of `from` visible to a person at `site_id` in `org_id`
/// (see [`Scope::visible_at`]).
pub async fn transitions_from(
    store: &Store,
    org_id: i64,
    site_id: i64,
    from: &str,
) -> Result<Vec<Transition>> {
    Ok(transitions_for_org(store, org_id)
        .await?
        .into_iter()
        .filter(|t| t.transition.from == from && t.scope.visible_at(site_id))
        .map(|t| t.transition)
        .collect())
}

/// Every transition an organisation sees (core and all its local ones).
pub async fn transitions_for_org(store: &Store, org_id: i64) -> Result<Vec<ScopedTransition>> {
    load_transitions(
        store,
        &format!(
            "SELECT {TRANSITION_COLUMNS} FROM transitions \
             WHERE org_id IS NULL OR org_id = $1 ORDER BY from_code, to_code, id"
        ),
        &[org_id],
    )
    .await
}

async fn site_belongs(tx: &mut Transaction<'_, Any>, org_id: i64, site: Option<i64>) -> Result<()> {
    if let Some(site) = site {
        let found = sqlx::query("SELECT id FROM sites WHERE id = $1 AND org_id = $2")
            .bind(site)
            .bind(org_id)
            .fetch_optional(&mut **tx)
            .await?;
        if found.is_none() {
            return Err(StorageError::Invalid(
                "the site is not one of this organisation's sites".into(),
            ));
        }
    }
    Ok(())
}

/// Adds a local role for an organisation (all sites, or one site).
pub async fn add_local_role(
    store: &Store,
    org_id: i64,
    site: Option<i64>,
    role: &Role,
) -> Result<()> {
    check_role(role).map_err(|e| StorageError::Invalid(e.to_string()))?;
    let mut tx = store.begin_write().await?;
    site_belongs(&mut tx, org_id, site).await?;
    let clash =
        sqlx::query("SELECT id FROM roles WHERE code = $1 AND (org_id IS NULL OR org_id = $2)")
            .bind(&role.code)
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?;
    if clash.is_some() {
        return Err(StorageError::conflict(
            Conflicting::RoleCode,
            format!("a role with code '{}' already exists", role.code),
        ));
    }
    insert_role(&mut tx, Some(org_id), site, role).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a local transition for an organisation; every role it names must exist.
pub async fn add_local_transition(
    store: &Store,
    org_id: i64,
    site: Option<i64>,
    t: &Transition,
) -> Result<i64> {
    let known = role_map(store, org_id).await?;
    check_transition(1, t, &|c| known.contains_key(c))
        .map_err(|e| StorageError::Invalid(e.to_string()))?;
    let mut tx = store.begin_write().await?;
    site_belongs(&mut tx, org_id, site).await?;
    let id = insert_transition(&mut tx, Some(org_id), site, t).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes one of an organisation's local roles (its code stays). Core roles
/// and other organisations' roles are not found.
pub async fn update_local_role(store: &Store, org_id: i64, role: &Role) -> Result<()> {
    check_role(role).map_err(|e| StorageError::Invalid(e.to_string()))?;
    let done = sqlx::query(
        "UPDATE roles SET title = $1, band = $2, staff_group = $3, career_level = $4, family = $5, \
         clinical = $6 WHERE org_id = $7 AND code = $8",
    )
    .bind(&role.title)
    .bind(role.band.to_string())
    .bind(role.staff_group.name())
    .bind(i64::from(role.career_level))
    .bind(role.family.code())
    .bind(i64::from(role.clinical))
    .bind(org_id)
    .bind(&role.code)
    .execute(store.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::NotFound("local role"));
    }
    Ok(())
}

/// Removes one of an organisation's local transitions and returns it. Core
/// transitions and other organisations' are not found.
pub async fn remove_local_transition(store: &Store, org_id: i64, id: i64) -> Result<Transition> {
    let found = load_transitions(
        store,
        &format!("SELECT {TRANSITION_COLUMNS} FROM transitions WHERE id = $1 AND org_id = $2"),
        &[id, org_id],
    )
    .await?
    .pop()
    .ok_or(StorageError::NotFound("local transition"))?;
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM requirements WHERE transition_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM transitions WHERE id = $1 AND org_id = $2")
        .bind(id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(found.transition)
}
