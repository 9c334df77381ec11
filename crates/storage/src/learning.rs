//! Learning offers, their sittings, bookings with waitlists, attendance
//! registers and release agreements. A booking decision is the domain's
//! (`learning::request_place`); here it is taken under the sitting's lock, so
//! two people asking for the last place at once cannot both get it.

use crate::{Conflicting, Result, StorageError, Store, id_list};
use pathwise_domain::Date;
use pathwise_domain::learning::{
    Attendance, Booking, OfferDraft, ReleaseAgreement, ReleasePeriod, SessionPattern, request_place,
};
use pathwise_domain::rota::{FitSettings, LocalTime, Misfit, Sitting, Venue};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

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

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Has a place.
    Booked,
    /// On the waitlist.
    Waiting,
    /// Given up.
    Cancelled,
}

impl Status {
    fn from_code(code: &str) -> Result<Status> {
        match code {
            "booked" => Ok(Status::Booked),
            "waiting" => Ok(Status::Waiting),
            "cancelled" => Ok(Status::Cancelled),
            other => Err(StorageError::Invalid(format!(
                "stored booking status '{other}'"
            ))),
        }
    }
}

/// A person's booking on a sitting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRow {
    /// Its id.
    pub id: i64,
    /// The sitting.
    pub session: Session,
    /// Who it is for.
    pub person_id: i64,
    /// Their name.
    pub person_name: String,
    /// Their manager's staff record.
    pub manager_id: Option<i64>,
    /// Where it stands.
    pub status: Status,
    /// On the waitlist: the place in the queue (1 is next).
    pub position: Option<u32>,
    /// A manager's note when they booked it despite the rota.
    pub override_note: Option<String>,
    /// When it was moved up from the waitlist to a place.
    pub moved_up_at: Option<i64>,
    /// What the register says.
    pub attendance: Option<Attendance>,
}

const SESSION_COLUMNS: &str = "s.id, s.offer_id, o.title, s.starts_at, s.minutes, t.code AS site_code, \
     t.name AS site_name, s.capacity, s.facilitator, s.revision, s.cancelled_at, \
     (SELECT COUNT(*) FROM bookings c WHERE c.session_id = s.id AND c.status = 'booked') AS booked, \
     (SELECT COUNT(*) FROM bookings c WHERE c.session_id = s.id AND c.status = 'waiting') AS waiting";

const SESSION_FROM: &str = "learning_sessions s JOIN learning_offers o ON o.id = s.offer_id \
     LEFT JOIN sites t ON t.id = s.site_id";

/// [`SESSION_FROM`]'s joins, after `learning_sessions s` joined otherwise.
const SESSION_JOINS: &str =
    "JOIN learning_offers o ON o.id = s.offer_id LEFT JOIN sites t ON t.id = s.site_id";

fn count(r: &AnyRow, name: &str) -> Result<u32> {
    Ok(u32::try_from(r.try_get::<i64, _>(name)?).unwrap_or(0))
}

fn session_from(r: &AnyRow) -> Result<Session> {
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
    crate::audit::record_with(
        &mut *tx,
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
    tx.commit().await?;
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
    crate::audit::record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "learning.offer_added",
        &format!("offer:{id}"),
        &offer.title,
    )
    .await?;
    tx.commit().await?;
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
    crate::audit::record_with(
        &mut *tx,
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
    tx.commit().await?;
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

/// Asks for a place on a sitting for a person of the organisation, given the
/// reasons it does not fit their rota (empty when it fits). A manager's
/// `override_note` books despite them; the decision is the domain's, taken
/// while the sitting is locked. Booked, waitlisted and overridden bookings
/// are audited; a refusal writes nothing.
#[allow(clippy::too_many_arguments)]
pub async fn book(
    store: &Store,
    org_id: i64,
    session_id: i64,
    person_id: i64,
    misfits: Vec<Misfit>,
    override_note: Option<&str>,
    by_user: Option<i64>,
    now: i64,
) -> Result<Booking> {
    let mut tx = store.begin_write().await?;
    // Takes the sitting's row lock on PostgreSQL (SQLite's write transaction
    // already holds the database's).
    let locked = sqlx::query(
        "UPDATE learning_sessions SET capacity = capacity WHERE id = $1 AND org_id = $2 \
         AND cancelled_at IS NULL",
    )
    .bind(session_id)
    .bind(org_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if locked == 0 {
        return Err(StorageError::NotFound("session"));
    }
    let person = sqlx::query("SELECT id FROM people WHERE id = $1 AND org_id = $2")
        .bind(person_id)
        .bind(org_id)
        .fetch_optional(&mut *tx)
        .await?;
    if person.is_none() {
        return Err(StorageError::NotFound("person"));
    }
    let r = sqlx::query(
        "SELECT s.capacity, \
         (SELECT COUNT(*) FROM bookings c WHERE c.session_id = s.id AND c.status = 'booked') AS booked, \
         (SELECT COUNT(*) FROM bookings c WHERE c.session_id = s.id AND c.status = 'waiting') AS waiting, \
         (SELECT COUNT(*) FROM bookings c WHERE c.session_id = s.id AND c.person_id = $2 \
          AND c.status <> 'cancelled') AS mine \
         FROM learning_sessions s WHERE s.id = $1",
    )
    .bind(session_id)
    .bind(person_id)
    .fetch_one(&mut *tx)
    .await?;
    if count(&r, "mine")? > 0 {
        return Err(StorageError::conflict(
            Conflicting::Booking,
            "already booked or on the waitlist for this session",
        ));
    }
    let overridden = override_note.is_some_and(|n| !n.trim().is_empty());
    let reasons: Vec<String> = misfits.iter().map(ToString::to_string).collect();
    let decision = request_place(
        count(&r, "capacity")?,
        count(&r, "booked")?,
        count(&r, "waiting")? as usize,
        misfits,
        overridden,
    );
    let status = match decision {
        Booking::Refused(_) => return Ok(decision),
        Booking::Booked => "booked",
        Booking::Waitlisted(_) => "waiting",
    };
    let note = override_note
        .map(str::trim)
        .filter(|n| overridden && !n.is_empty() && !reasons.is_empty());
    sqlx::query(
        "INSERT INTO bookings (org_id, session_id, person_id, status, requested_at, requested_by, override_note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(org_id)
    .bind(session_id)
    .bind(person_id)
    .bind(status)
    .bind(now)
    .bind(by_user)
    .bind(note)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        crate::conflict_on_unique(
            e,
            Conflicting::Booking,
            "already booked or on the waitlist for this session",
        )
    })?;
    let (action, detail) = match note {
        Some(n) => (
            "booking.overridden",
            format!(
                "{status} for person:{person_id} despite: {}; note: {n}",
                reasons.join("; ")
            ),
        ),
        None if status == "booked" => ("booking.made", format!("person:{person_id}")),
        None => ("booking.waitlisted", format!("person:{person_id}")),
    };
    crate::audit::record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        action,
        &format!("session:{session_id}"),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(decision)
}

/// What a cancelled booking led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancelled {
    /// The sitting.
    pub session_id: i64,
    /// Who gave up the place.
    pub person_id: i64,
    /// Who was moved up from the waitlist into the freed place.
    pub moved_up: Option<i64>,
}

/// Cancels a live booking (audited). A freed place goes to the first on the
/// waitlist, who is moved up (their booking shows when).
pub async fn cancel_booking(
    store: &Store,
    org_id: i64,
    booking_id: i64,
    by_user: Option<i64>,
    now: i64,
) -> Result<Cancelled> {
    let mut tx = store.begin_write().await?;
    let r = sqlx::query(
        "SELECT session_id, person_id, status FROM bookings WHERE id = $1 AND org_id = $2 \
         AND status <> 'cancelled'",
    )
    .bind(booking_id)
    .bind(org_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StorageError::NotFound("booking"))?;
    let session_id: i64 = r.try_get("session_id")?;
    let person_id: i64 = r.try_get("person_id")?;
    let status = Status::from_code(&r.try_get::<String, _>("status")?)?;
    sqlx::query("UPDATE learning_sessions SET capacity = capacity WHERE id = $1")
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE bookings SET status = 'cancelled', cancelled_at = $2 WHERE id = $1")
        .bind(booking_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let mut moved_up = None;
    if status == Status::Booked {
        let waitlist: Vec<(i64, i64)> = sqlx::query(
            "SELECT id, person_id FROM bookings WHERE session_id = $1 AND status = 'waiting' \
             ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("person_id")?)))
        .collect::<Result<_>>()?;
        if let Some((next, next_person)) = pathwise_domain::learning::offered_on_cancel(&waitlist) {
            sqlx::query("UPDATE bookings SET status = 'booked', moved_up_at = $2 WHERE id = $1")
                .bind(next)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            moved_up = Some(next_person);
        }
    }
    let mut detail = format!("person:{person_id}");
    if let Some(p) = moved_up {
        detail.push_str(&format!("; person:{p} moved up from the waitlist"));
    }
    crate::audit::record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "booking.cancelled",
        &format!("session:{session_id}"),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(Cancelled {
        session_id,
        person_id,
        moved_up,
    })
}

const BOOKING_SELECT: &str = "b.id AS booking_id, b.person_id, p.name AS person_name, p.manager_id, \
     b.status, b.override_note, b.moved_up_at, b.attendance, \
     (SELECT COUNT(*) FROM bookings w WHERE w.session_id = b.session_id AND w.status = 'waiting' \
      AND w.id <= b.id) AS position";

fn booking_from(r: &AnyRow) -> Result<BookingRow> {
    let status = Status::from_code(&r.try_get::<String, _>("status")?)?;
    let attendance: Option<String> = r.try_get("attendance")?;
    Ok(BookingRow {
        id: r.try_get("booking_id")?,
        session: session_from(r)?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        manager_id: r.try_get("manager_id")?,
        status,
        position: (status == Status::Waiting)
            .then(|| count(r, "position"))
            .transpose()?,
        override_note: r.try_get("override_note")?,
        moved_up_at: r.try_get("moved_up_at")?,
        attendance: attendance.as_deref().and_then(Attendance::from_code),
    })
}

async fn bookings_where(store: &Store, cond: &str, key: Option<i64>) -> Result<Vec<BookingRow>> {
    let sql = format!(
        "SELECT {BOOKING_SELECT}, {SESSION_COLUMNS} FROM bookings b \
         JOIN people p ON p.id = b.person_id JOIN learning_sessions s ON s.id = b.session_id {SESSION_JOINS} \
         WHERE {cond} AND b.status <> 'cancelled' ORDER BY s.starts_at, b.status, b.id"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    if let Some(key) = key {
        query = query.bind(key);
    }
    query
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(booking_from)
        .collect()
}

/// A person's live bookings (places and waitlist), by the sitting's start.
pub async fn bookings_of(store: &Store, person_id: i64) -> Result<Vec<BookingRow>> {
    bookings_of_people(store, &[person_id]).await
}

/// Several people's live bookings in one read, by the sitting's start.
pub async fn bookings_of_people(store: &Store, person_ids: &[i64]) -> Result<Vec<BookingRow>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    bookings_where(
        store,
        &format!("b.person_id IN ({})", id_list(person_ids)),
        None,
    )
    .await
}

/// One live booking of the organisation.
pub async fn booking(store: &Store, org_id: i64, id: i64) -> Result<BookingRow> {
    bookings_where(
        store,
        &format!("b.org_id = {org_id} AND b.id = $1"),
        Some(id),
    )
    .await?
    .pop()
    .ok_or(StorageError::NotFound("booking"))
}

/// The live bookings on a sitting: places first, then the waitlist in order.
pub async fn bookings_on(store: &Store, session_id: i64) -> Result<Vec<BookingRow>> {
    bookings_where(store, "b.session_id = $1", Some(session_id)).await
}

/// Minutes booked (places on sittings not cancelled) and minutes attended
/// for each person between `from` and `to` (by the sitting's start).
pub async fn minutes_used(
    store: &Store,
    person_ids: &[i64],
    from: LocalTime,
    to: LocalTime,
) -> Result<HashMap<i64, (u32, u32)>> {
    if person_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT b.person_id, s.minutes, b.attendance FROM bookings b \
         JOIN learning_sessions s ON s.id = b.session_id \
         WHERE b.person_id IN ({}) AND b.status = 'booked' AND s.cancelled_at IS NULL \
         AND s.starts_at >= $1 AND s.starts_at < $2",
        id_list(person_ids)
    )))
    .bind(from.minutes())
    .bind(to.minutes())
    .fetch_all(store.pool())
    .await?;
    let mut out: HashMap<i64, (u32, u32)> = HashMap::new();
    for r in &rows {
        let minutes = count(r, "minutes")?;
        let entry = out.entry(r.try_get("person_id")?).or_default();
        entry.0 += minutes;
        if r.try_get::<Option<String>, _>("attendance")?.as_deref() == Some("attended") {
            entry.1 += minutes;
        }
    }
    Ok(out)
}

/// Records the register for a sitting (audited): each booking's mark.
/// Bookings not on the sitting are refused and nothing is written.
pub async fn record_attendance(
    store: &Store,
    org_id: i64,
    session_id: i64,
    marks: &[(i64, Attendance)],
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    for (booking, mark) in marks {
        let n = sqlx::query(
            "UPDATE bookings SET attendance = $3 WHERE id = $1 AND session_id = $2 \
             AND org_id = $4 AND status = 'booked'",
        )
        .bind(booking)
        .bind(session_id)
        .bind(mark.code())
        .bind(org_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StorageError::NotFound("booking"));
        }
    }
    let summary: Vec<String> = marks
        .iter()
        .map(|(b, m)| format!("booking:{b} {}", m.code()))
        .collect();
    crate::audit::record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "attendance.recorded",
        &format!("session:{session_id}"),
        &summary.join(", "),
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
    crate::audit::record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "learning.session_cancelled",
        &format!("session:{session_id}"),
        "",
    )
    .await?;
    tx.commit().await?;
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
    crate::audit::record_with(
        &mut *tx,
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
    tx.commit().await?;
    Ok(())
}

/// Records a release agreement for a person of the organisation (audited).
pub async fn record_release(
    store: &Store,
    org_id: i64,
    person_id: i64,
    agreement: &ReleaseAgreement,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let n = sqlx::query(
        "INSERT INTO release_agreements (org_id, person_id, minutes, per, from_day, until_day, agreed_by, agreed_at) \
         SELECT $1, id, $3, $4, $5, $6, $7, $8 FROM people WHERE id = $2 AND org_id = $1",
    )
    .bind(org_id)
    .bind(person_id)
    .bind(i64::from(agreement.minutes))
    .bind(agreement.per.code())
    .bind(agreement.from.to_string())
    .bind(agreement.until.map(|d| d.to_string()))
    .bind(by_user)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StorageError::NotFound("person"));
    }
    crate::audit::record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "release.agreed",
        &format!("person:{person_id}"),
        &agreement.describe(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn stored_date(r: &AnyRow, name: &str) -> Result<Option<Date>> {
    r.try_get::<Option<String>, _>(name)?
        .map(|d| {
            d.parse()
                .map_err(|_| StorageError::Invalid(format!("stored date '{d}'")))
        })
        .transpose()
}

/// Each person's release agreements, in the order they were recorded.
pub async fn releases_of(
    store: &Store,
    person_ids: &[i64],
) -> Result<HashMap<i64, Vec<ReleaseAgreement>>> {
    let mut out: HashMap<i64, Vec<ReleaseAgreement>> = HashMap::new();
    if person_ids.is_empty() {
        return Ok(out);
    }
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT person_id, minutes, per, from_day, until_day FROM release_agreements \
         WHERE person_id IN ({}) ORDER BY id",
        id_list(person_ids)
    )))
    .fetch_all(store.pool())
    .await?;
    for r in &rows {
        let per: String = r.try_get("per")?;
        out.entry(r.try_get("person_id")?)
            .or_default()
            .push(ReleaseAgreement {
                minutes: count(r, "minutes")?,
                per: ReleasePeriod::from_code(&per)
                    .ok_or_else(|| StorageError::Invalid(format!("stored period '{per}'")))?,
                from: stored_date(r, "from_day")?
                    .ok_or_else(|| StorageError::Invalid("release without a start".into()))?,
                until: stored_date(r, "until_day")?,
            });
    }
    Ok(out)
}
