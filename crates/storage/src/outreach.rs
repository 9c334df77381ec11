//! Outreach activities and their follow-ups, by organisation. Imports are
//! all or nothing in one transaction, audited; an activity with a
//! reference already stored is replaced, as is a follow-up of the same
//! activity, route and period. Counts only: nothing identifies a child.

use crate::{Result, StorageError, Store};
use pathwise_domain::Date;
use pathwise_domain::outreach::{Activity, ActivityType, FollowUp, Route};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// Activities and follow-ups read together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutreachRecords {
    /// Activities, newest first.
    pub activities: Vec<Activity>,
    /// Follow-ups, by activity then route and period.
    pub follow_ups: Vec<FollowUp>,
}

const YEARS: [&str; 7] = [
    "year_7", "year_8", "year_9", "year_10", "year_11", "year_12", "year_13",
];

fn invalid(what: &str) -> StorageError {
    StorageError::Invalid(format!("stored outreach {what}"))
}

fn count(row: &AnyRow, column: &str) -> Result<u32> {
    u32::try_from(row.try_get::<i64, _>(column)?).map_err(|_| invalid(column))
}

fn activity(row: &AnyRow, prefix: bool) -> Result<Activity> {
    let reference: String = row.try_get("reference")?;
    let reference = if prefix {
        format!("{}/{reference}", row.try_get::<String, _>("org_code")?)
    } else {
        reference
    };
    let mut participants = [0u32; 7];
    for (i, y) in YEARS.iter().enumerate() {
        participants[i] = count(row, y)?;
    }
    let roles: String = row.try_get("roles_showcased")?;
    Ok(Activity {
        reference,
        kind: ActivityType::from_text(&row.try_get::<String, _>("kind")?)
            .ok_or_else(|| invalid("kind"))?,
        date: row
            .try_get::<String, _>("held_on")?
            .parse::<Date>()
            .map_err(|_| invalid("date"))?,
        careers_hub: row.try_get("careers_hub")?,
        icb: row.try_get("icb")?,
        school: row.try_get("school")?,
        school_urn: row.try_get("school_urn")?,
        participants,
        teachers: count(row, "teachers")?,
        disadvantaged: count(row, "disadvantaged")?,
        roles_showcased: roles
            .split(';')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(String::from)
            .collect(),
        staff_tenth_hours: count(row, "staff_tenth_hours")?,
    })
}

/// The activities and follow-ups of one organisation, or of every
/// organisation (`None`), when each reference is given as `ORG/REFERENCE`
/// so that two organisations' references never meet. `icb` keeps one
/// integrated care board's activities.
pub async fn records(
    store: &Store,
    org_id: Option<i64>,
    icb: Option<&str>,
) -> Result<OutreachRecords> {
    let prefix = org_id.is_none();
    let filter = "($1 < 0 OR a.org_id = $1) AND ($2 = '' OR a.icb = $2)";
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT a.*, o.code AS org_code FROM outreach_activities a \
         JOIN organisations o ON o.id = a.org_id WHERE {filter} \
         ORDER BY a.held_on DESC, a.reference"
    )))
    .bind(org_id.unwrap_or(-1))
    .bind(icb.unwrap_or(""))
    .fetch_all(store.pool())
    .await?;
    let activities = rows
        .iter()
        .map(|r| activity(r, prefix))
        .collect::<Result<Vec<_>>>()?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT a.reference, o.code AS org_code, f.route, f.period, f.applications, f.offers, f.starts \
         FROM outreach_follow_ups f JOIN outreach_activities a ON a.id = f.activity_id \
         JOIN organisations o ON o.id = a.org_id WHERE {filter} \
         ORDER BY o.code, a.reference, f.route, f.period"
    )))
    .bind(org_id.unwrap_or(-1))
    .bind(icb.unwrap_or(""))
    .fetch_all(store.pool())
    .await?;
    let follow_ups = rows
        .iter()
        .map(|r| {
            let reference: String = r.try_get("reference")?;
            Ok(FollowUp {
                activity: if prefix {
                    format!("{}/{reference}", r.try_get::<String, _>("org_code")?)
                } else {
                    reference
                },
                route: Route::from_text(&r.try_get::<String, _>("route")?)
                    .ok_or_else(|| invalid("route"))?,
                period: r.try_get("period")?,
                applications: count(r, "applications")?,
                offers: count(r, "offers")?,
                starts: count(r, "starts")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(OutreachRecords {
        activities,
        follow_ups,
    })
}

/// The integrated care boards named by any organisation's activities, by name.
pub async fn icbs(store: &Store) -> Result<Vec<String>> {
    sqlx::query("SELECT DISTINCT icb FROM outreach_activities ORDER BY icb")
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok(r.try_get("icb")?))
        .collect()
}

/// Stores activities (replacing those with the same reference) in one
/// transaction with an audit entry; returns how many.
pub async fn save_activities(
    store: &Store,
    org_id: i64,
    activities: &[Activity],
    by_user: Option<i64>,
    now: i64,
) -> Result<usize> {
    let mut tx = store.begin_write().await?;
    for a in activities {
        let y = a.participants.map(i64::from);
        sqlx::query(
            "INSERT INTO outreach_activities (org_id, reference, kind, held_on, careers_hub, icb, school, \
               school_urn, year_7, year_8, year_9, year_10, year_11, year_12, year_13, teachers, \
               disadvantaged, roles_showcased, staff_tenth_hours, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
             ON CONFLICT (org_id, reference) DO UPDATE SET kind = excluded.kind, \
               held_on = excluded.held_on, careers_hub = excluded.careers_hub, icb = excluded.icb, \
               school = excluded.school, school_urn = excluded.school_urn, year_7 = excluded.year_7, \
               year_8 = excluded.year_8, year_9 = excluded.year_9, year_10 = excluded.year_10, \
               year_11 = excluded.year_11, year_12 = excluded.year_12, year_13 = excluded.year_13, \
               teachers = excluded.teachers, disadvantaged = excluded.disadvantaged, \
               roles_showcased = excluded.roles_showcased, \
               staff_tenth_hours = excluded.staff_tenth_hours, recorded_at = excluded.recorded_at",
        )
        .bind(org_id)
        .bind(&a.reference)
        .bind(a.kind.code())
        .bind(a.date.to_string())
        .bind(&a.careers_hub)
        .bind(&a.icb)
        .bind(&a.school)
        .bind(a.school_urn.as_deref())
        .bind(y[0])
        .bind(y[1])
        .bind(y[2])
        .bind(y[3])
        .bind(y[4])
        .bind(y[5])
        .bind(y[6])
        .bind(i64::from(a.teachers))
        .bind(i64::from(a.disadvantaged))
        .bind(a.roles_showcased.join("; "))
        .bind(i64::from(a.staff_tenth_hours))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "outreach.recorded",
        &format!("organisation:{org_id}"),
        &pathwise_domain::counted(activities.len(), "activity", "activities"),
    )
    .await?;
    Ok(activities.len())
}

/// Stores follow-ups of the organisation's stored activities (replacing one
/// of the same activity, route and period) in one transaction with an audit
/// entry; a follow-up of an unknown activity stores nothing and is an error.
pub async fn save_follow_ups(
    store: &Store,
    org_id: i64,
    follow_ups: &[FollowUp],
    by_user: Option<i64>,
    now: i64,
) -> Result<usize> {
    let mut tx = store.begin_write().await?;
    for f in follow_ups {
        let Some(row) =
            sqlx::query("SELECT id FROM outreach_activities WHERE org_id = $1 AND reference = $2")
                .bind(org_id)
                .bind(&f.activity)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Err(StorageError::NotFound("outreach activity"));
        };
        let activity_id: i64 = row.try_get("id")?;
        sqlx::query(
            "INSERT INTO outreach_follow_ups (activity_id, route, period, applications, offers, starts) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (activity_id, route, period) DO UPDATE SET \
             applications = excluded.applications, offers = excluded.offers, starts = excluded.starts",
        )
        .bind(activity_id)
        .bind(f.route.code())
        .bind(&f.period)
        .bind(i64::from(f.applications))
        .bind(i64::from(f.offers))
        .bind(i64::from(f.starts))
        .execute(&mut *tx)
        .await?;
    }
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "outreach.followed_up",
        &format!("organisation:{org_id}"),
        &pathwise_domain::counted(follow_ups.len(), "follow-up", "follow-ups"),
    )
    .await?;
    Ok(follow_ups.len())
}
