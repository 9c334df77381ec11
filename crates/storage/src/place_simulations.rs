//! Saved simulations of where to fund training places: the number of places,
//! the completion rate and the trusts file each was run on, by organisation.
//! The frontier itself is never stored: it is worked out again when shown.

use crate::{Result, StorageError, Store};
use pathwise_domain::frontier::Trust;
use sqlx::{AssertSqlSafe, Row};

/// A saved simulation as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationSummary {
    /// Its id.
    pub id: i64,
    /// The name it was saved under.
    pub name: String,
    /// Places to allocate.
    pub places: u32,
    /// The default completion rate, in ten-thousandths.
    pub completion: i64,
    /// How many trusts.
    pub trusts: i64,
    /// Who saved it.
    pub saved_by: String,
    /// When (seconds since 1970).
    pub saved_at: i64,
}

/// A saved simulation with its trusts, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// What is listed.
    pub summary: SimulationSummary,
    /// The trusts.
    pub trusts: Vec<Trust>,
}

/// What is saved.
pub struct NewSimulation<'a> {
    /// The name to list it under.
    pub name: &'a str,
    /// Places to allocate.
    pub places: u32,
    /// The default completion rate, in ten-thousandths.
    pub completion: i64,
    /// The trusts, in file order.
    pub trusts: &'a [Trust],
}

/// Saves a simulation and its trusts in one transaction, with an audit
/// entry; returns its id.
pub async fn save(
    store: &Store,
    org_id: i64,
    user_id: i64,
    sim: &NewSimulation<'_>,
    now: i64,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO place_simulations (org_id, name, places, completion, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(org_id)
    .bind(sim.name)
    .bind(i64::from(sim.places))
    .bind(sim.completion)
    .bind(user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    for (position, t) in sim.trusts.iter().enumerate() {
        sqlx::query(
            "INSERT INTO place_simulation_trusts (simulation_id, position, org_code, region, \
               trust_type, support_workers, vacancies, transition_rate, max_places, completion) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&t.org_code)
        .bind(&t.region)
        .bind(&t.trust_type)
        .bind(i64::from(t.support_workers))
        .bind(t.vacancies)
        .bind(t.transition_rate.to_string())
        .bind(t.max_places.map(i64::from))
        .bind(t.completion)
        .execute(&mut *tx)
        .await?;
    }
    crate::audit::commit_with(
        tx,
        Some(org_id),
        Some(user_id),
        now,
        "simulation.saved",
        &format!("organisation:{org_id}"),
        &format!(
            "{}: {} places among {}",
            sim.name,
            sim.places,
            pathwise_domain::counted(sim.trusts.len(), "trust", "trusts")
        ),
    )
    .await?;
    Ok(id)
}

const SUMMARY: &str = "SELECT s.id, s.name, s.places, s.completion, s.created_at, u.display_name, \
     (SELECT COUNT(*) FROM place_simulation_trusts t WHERE t.simulation_id = s.id) AS trusts \
     FROM place_simulations s JOIN users u ON u.id = s.created_by";

fn summary(r: &sqlx::any::AnyRow) -> Result<SimulationSummary> {
    Ok(SimulationSummary {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        places: u32::try_from(r.try_get::<i64, _>("places")?)
            .map_err(|_| StorageError::Invalid("stored places".into()))?,
        completion: r.try_get("completion")?,
        trusts: r.try_get("trusts")?,
        saved_by: r.try_get("display_name")?,
        saved_at: r.try_get("created_at")?,
    })
}

/// The organisation's simulations, newest first.
pub async fn list(store: &Store, org_id: i64) -> Result<Vec<SimulationSummary>> {
    sqlx::query(AssertSqlSafe(format!(
        "{SUMMARY} WHERE s.org_id = $1 ORDER BY s.created_at DESC, s.id DESC"
    )))
    .bind(org_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(summary)
    .collect()
}

/// One of the organisation's simulations with its trusts; none when it is
/// not there or another organisation's.
pub async fn get(store: &Store, org_id: i64, id: i64) -> Result<Option<Simulation>> {
    let Some(row) = sqlx::query(AssertSqlSafe(format!(
        "{SUMMARY} WHERE s.org_id = $1 AND s.id = $2"
    )))
    .bind(org_id)
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    let trusts = sqlx::query(
        "SELECT org_code, region, trust_type, support_workers, vacancies, transition_rate, \
           max_places, completion FROM place_simulation_trusts WHERE simulation_id = $1 \
         ORDER BY position",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        let rate: String = r.try_get("transition_rate")?;
        let invalid = |what: &str| StorageError::Invalid(format!("stored {what}"));
        Ok(Trust {
            org_code: r.try_get("org_code")?,
            region: r.try_get("region")?,
            trust_type: r.try_get("trust_type")?,
            support_workers: u32::try_from(r.try_get::<i64, _>("support_workers")?)
                .map_err(|_| invalid("support workers"))?,
            vacancies: r.try_get("vacancies")?,
            transition_rate: rate.parse().map_err(|_| invalid("transition rate"))?,
            max_places: r
                .try_get::<Option<i64>, _>("max_places")?
                .map(u32::try_from)
                .transpose()
                .map_err(|_| invalid("max places"))?,
            completion: r.try_get("completion")?,
        })
    })
    .collect::<Result<Vec<Trust>>>()?;
    Ok(Some(Simulation {
        summary: summary(&row)?,
        trusts,
    }))
}

/// Deletes one of the organisation's simulations with its trusts, audited;
/// whether there was one to delete.
pub async fn delete(store: &Store, org_id: i64, id: i64, user_id: i64, now: i64) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let name: Option<String> =
        sqlx::query("SELECT name FROM place_simulations WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("name"))
            .transpose()?;
    let Some(name) = name else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM place_simulation_trusts WHERE simulation_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM place_simulations WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    crate::audit::commit_with(
        tx,
        Some(org_id),
        Some(user_id),
        now,
        "simulation.deleted",
        &format!("organisation:{org_id}"),
        &name,
    )
    .await?;
    Ok(true)
}
