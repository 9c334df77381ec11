//! Learning offers, their sittings, bookings with waitlists (`bookings`),
//! attendance registers and release agreements (`release`). A booking decision is the domain's
//! (`learning::request_place`); here it is taken under the sitting's lock, so
//! two people asking for the last place at once cannot both get it.

use crate::{Result, StorageError, Store};
use pathwise_domain::learning::{OfferDraft, SessionPattern};
use pathwise_domain::rota::{FitSettings, LocalTime, Sitting, Venue};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

mod bookings;
mod release;

pub use bookings::*;
pub use release::*;

/// A learning offer with how many sittings are still to come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// What happens there.
    pub description: String,
    /// What it supports, in words.
    pub supports: String,
    /// Sittings not yet started and not cancelled.
    pub upcoming: i64,
}

/// One sitting of an offer, with its places taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Its id.
    pub id: i64,
    /// The offer's id.
    pub offer_id: i64,
    /// The offer's title.
    pub title: String,
    /// When it starts.
    pub start: LocalTime,
    /// How long, in minutes.
    pub minutes: u32,
    /// The site's code and name; `None` online.
    pub site: Option<(String, String)>,
    /// Places.
    pub capacity: u32,
    /// Who runs it.
    pub facilitator: String,
    /// Places booked.
    pub booked: u32,
    /// People on the waitlist.
    pub waiting: u32,
    /// Changes made to it since it was set up (for calendar updates).
    pub revision: i64,
    /// Whether L&D cancelled it.
    pub cancelled: bool,
}

impl Session {
    /// The sitting the fit rules check.
    pub fn sitting(&self) -> Sitting {
        Sitting {
            start: self.start,
            minutes: self.minutes,
            venue: match &self.site {
                Some((code, _)) => Venue::Site(code.clone()),
                None => Venue::Online,
            },
        }
    }

    /// Where, in words: the site's name or "Online".
    pub fn place(&self) -> &str {
        self.site
            .as_ref()
            .map_or("Online", |(_, name)| name.as_str())
    }
}

pub(super) const SESSION_COLUMNS: &str = "s.id, s.offer_id, o.title, s.starts_at, s.minutes, t.code AS site_code, \
     t.name AS site_name, s.capacity, s.facilitator, s.revision, s.cancelled_at, \
     (SELECT COUNT(*) FROM bookings c WHERE c.session_id = s.id AND c.status = 'booked') AS booked, \
     (SELECT COUNT(*) FROM bookings c WHERE c.session_id = s.id AND c.status = 'waiting') AS waiting";

pub(super) const SESSION_FROM: &str = "learning_sessions s JOIN learning_offers o ON o.id = s.offer_id \
     LEFT JOIN sites t ON t.id = s.site_id";

/// [`SESSION_FROM`]'s joins, after `learning_sessions s` joined otherwise.
pub(super) const SESSION_JOINS: &str =
    "JOIN learning_offers o ON o.id = s.offer_id LEFT JOIN sites t ON t.id = s.site_id";

pub(super) fn count(r: &AnyRow, name: &str) -> Result<u32> {
    Ok(u32::try_from(r.try_get::<i64, _>(name)?).unwrap_or(0))
}

pub(super) fn session_from(r: &AnyRow) -> Result<Session> {
    let code: Option<String> = r.try_get("site_code")?;
    let name: Option<String> = r.try_get("site_name")?;
    Ok(Session {
        id: r.try_get("id")?,
        offer_id: r.try_get("offer_id")?,
        title: r.try_get("title")?,
        start: LocalTime::from_minutes(r.try_get("starts_at")?),
        minutes: count(r, "minutes")?,
        site: code.zip(name),
        capacity: count(r, "capacity")?,
        facilitator: r.try_get("facilitator")?,
        booked: count(r, "booked")?,
        waiting: count(r, "waiting")?,
        revision: r.try_get("revision")?,
        cancelled: r.try_get::<Option<i64>, _>("cancelled_at")?.is_some(),
    })
}

/// The organisation's thresholds for the fit rules.
pub async fn fit_settings(store: &Store, org_id: i64) -> Result<FitSettings> {
    let r = sqlx::query(
        "SELECT travel_minutes, rest_after_night_hours FROM organisations WHERE id = $1",
    )
    .bind(org_id)
    .fetch_optional(store.pool())
    .await?
    .ok_or(StorageError::NotFound("organisation"))?;
    Ok(FitSettings {
        travel_minutes: count(&r, "travel_minutes")?,
        rest_after_night_hours: count(&r, "rest_after_night_hours")?,
    })
}

/// Changes the organisation's thresholds (audited).
pub async fn set_fit_settings(
    store: &Store,
    org_id: i64,
    settings: FitSettings,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "UPDATE organisations SET travel_minutes = $2, rest_after_night_hours = $3 WHERE id = $1",
    )
    .bind(org_id)
    .bind(i64::from(settings.travel_minutes))
    .bind(i64::from(settings.rest_after_night_hours))
    .execute(&mut *tx)
    .await?;
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "learning.fit_settings",
        &format!("organisation:{org_id}"),
        &format!(
            "travel {} minutes, rest after nights {} hours",
            settings.travel_minutes, settings.rest_after_night_hours
        ),
    )
    .await?;
    Ok(())
}

/// Adds an offer (audited); returns its id.
pub async fn create_offer(
    store: &Store,
    org_id: i64,
    offer: &OfferDraft,
    by_user: Option<i64>,
    now: i64,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO learning_offers (org_id, title, description, supports, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org_id)
    .bind(&offer.title)
    .bind(&offer.description)
    .bind(&offer.supports)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "learning.offer_added",
        &format!("offer:{id}"),
        &offer.title,
    )
    .await?;
    Ok(id)
}

const OFFER_SELECT: &str = "SELECT o.id, o.title, o.description, o.supports, \
     (SELECT COUNT(*) FROM learning_sessions s WHERE s.offer_id = o.id AND s.starts_at >= $2 \
      AND s.cancelled_at IS NULL) AS upcoming FROM learning_offers o WHERE o.org_id = $1";

fn offer_from(r: &AnyRow) -> Result<Offer> {
    Ok(Offer {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        supports: r.try_get("supports")?,
        upcoming: r.try_get("upcoming")?,
    })
}

/// The organisation's offers by title, each with its sittings to come after `now`.
pub async fn offers(store: &Store, org_id: i64, now: LocalTime) -> Result<Vec<Offer>> {
    sqlx::query(AssertSqlSafe(format!(
        "{OFFER_SELECT} ORDER BY o.title, o.id"
    )))
    .bind(org_id)
    .bind(now.minutes())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(offer_from)
    .collect()
}

/// One of the organisation's offers.
pub async fn offer(store: &Store, org_id: i64, id: i64, now: LocalTime) -> Result<Offer> {
    let r = sqlx::query(AssertSqlSafe(format!("{OFFER_SELECT} AND o.id = $3")))
        .bind(org_id)
        .bind(now.minutes())
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(StorageError::NotFound("offer"))?;
    offer_from(&r)
}

/// Adds every sitting a pattern makes to an offer, all or none (audited);
/// returns how many. A site is named by its code.
pub async fn add_sessions(
    store: &Store,
    org_id: i64,
    offer_id: i64,
    pattern: &SessionPattern,
    by_user: Option<i64>,
    now: i64,
) -> Result<usize> {
    let mut tx = store.begin_write().await?;
    let known = sqlx::query("SELECT id FROM learning_offers WHERE id = $1 AND org_id = $2")
        .bind(offer_id)
        .bind(org_id)
        .fetch_optional(&mut *tx)
        .await?;
    if known.is_none() {
        return Err(StorageError::NotFound("offer"));
    }
    let site_id: Option<i64> = match &pattern.venue {
        Venue::Online => None,
        Venue::Site(code) => Some(
            sqlx::query("SELECT id FROM sites WHERE org_id = $1 AND code = $2")
                .bind(org_id)
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| {
                    StorageError::Invalid(format!(
                        "'{code}' is not one of the organisation's sites"
                    ))
                })?
                .try_get("id")?,
        ),
    };
    for start in &pattern.starts {
        sqlx::query(
            "INSERT INTO learning_sessions (org_id, offer_id, starts_at, minutes, site_id, capacity, facilitator) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(org_id)
        .bind(offer_id)
        .bind(start.minutes())
        .bind(i64::from(pattern.minutes))
        .bind(site_id)
        .bind(i64::from(pattern.capacity))
        .bind(&pattern.facilitator)
        .execute(&mut *tx)
        .await?;
    }
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "learning.sessions_added",
        &format!("offer:{offer_id}"),
        &format!(
            "{} sittings of {} minutes from {} to {}",
            pattern.starts.len(),
            pattern.minutes,
            pattern
                .starts
                .first()
                .map(|s| s.date().to_string())
                .unwrap_or_default(),
            pattern
                .starts
                .last()
                .map(|s| s.date().to_string())
                .unwrap_or_default()
        ),
    )
    .await?;
    Ok(pattern.starts.len())
}

/// Every sitting of an offer, by start.
pub async fn sessions_of_offer(store: &Store, org_id: i64, offer_id: i64) -> Result<Vec<Session>> {
    sqlx::query(AssertSqlSafe(format!(
        "SELECT {SESSION_COLUMNS} FROM {SESSION_FROM} WHERE s.org_id = $1 AND s.offer_id = $2 \
         ORDER BY s.starts_at, s.id"
    )))
    .bind(org_id)
    .bind(offer_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(session_from)
    .collect()
}

/// The organisation's sittings starting from `from` until before `to`, not
/// cancelled, by start.
pub async fn upcoming(
    store: &Store,
    org_id: i64,
    from: LocalTime,
    to: LocalTime,
) -> Result<Vec<Session>> {
    sqlx::query(AssertSqlSafe(format!(
        "SELECT {SESSION_COLUMNS} FROM {SESSION_FROM} WHERE s.org_id = $1 AND s.starts_at >= $2 \
         AND s.starts_at < $3 AND s.cancelled_at IS NULL ORDER BY s.starts_at, s.id"
    )))
    .bind(org_id)
    .bind(from.minutes())
    .bind(to.minutes())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(session_from)
    .collect()
}

/// One of the organisation's sittings.
pub async fn session(store: &Store, org_id: i64, id: i64) -> Result<Session> {
    let r = sqlx::query(AssertSqlSafe(format!(
        "SELECT {SESSION_COLUMNS} FROM {SESSION_FROM} WHERE s.org_id = $1 AND s.id = $2"
    )))
    .bind(org_id)
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    .ok_or(StorageError::NotFound("session"))?;
    session_from(&r)
}

/// Cancels a sitting (audited): its bookings stay, shown as cancelled with
/// it, and calendars get the change.
pub async fn cancel_session(
    store: &Store,
    org_id: i64,
    session_id: i64,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let n = sqlx::query(
        "UPDATE learning_sessions SET cancelled_at = $3, revision = revision + 1 \
         WHERE id = $1 AND org_id = $2 AND cancelled_at IS NULL",
    )
    .bind(session_id)
    .bind(org_id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StorageError::NotFound("session"));
    }
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "learning.session_cancelled",
        &format!("session:{session_id}"),
        "",
    )
    .await?;
    Ok(())
}

/// Moves a sitting to a new start and length (audited), counting the change
/// for calendars. Its bookings stay.
pub async fn move_session(
    store: &Store,
    org_id: i64,
    session_id: i64,
    start: LocalTime,
    minutes: u32,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let n = sqlx::query(
        "UPDATE learning_sessions SET starts_at = $3, minutes = $4, revision = revision + 1 \
         WHERE id = $1 AND org_id = $2 AND cancelled_at IS NULL",
    )
    .bind(session_id)
    .bind(org_id)
    .bind(start.minutes())
    .bind(i64::from(minutes))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StorageError::NotFound("session"));
    }
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "learning.session_moved",
        &format!("session:{session_id}"),
        &format!(
            "to {} {} for {minutes} minutes",
            start.date(),
            start.clock()
        ),
    )
    .await?;
    Ok(())
}
