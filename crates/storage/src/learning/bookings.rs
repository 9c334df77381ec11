//! Bookings: a place or the waitlist decided under the sitting's lock, a
//! cancellation moving the first on the waitlist up, reads by person and by
//! sitting, release minutes used, and the register.

use super::{SESSION_COLUMNS, SESSION_JOINS, Session, count, session_from};
use crate::notifications::{Notice, notify_person_in};
use crate::{Conflicting, Result, StorageError, Store, id_list};
use pathwise_domain::learning::{Attendance, Booking, request_place};
use pathwise_domain::notify::NotificationKind;
use pathwise_domain::rota::{LocalTime, Misfit};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

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
    let name = crate::person_name(&mut tx, person_id).await?;
    let (action, detail) = match note {
        Some(n) => (
            "booking.overridden",
            format!(
                "{} for {name} despite: {}; note: {n}",
                if status == "booked" {
                    "Booked"
                } else {
                    "Waiting list"
                },
                reasons.join("; ")
            ),
        ),
        None if status == "booked" => ("booking.made", format!("For {name}")),
        None => (
            "booking.waitlisted",
            format!("{name} is on the waiting list"),
        ),
    };
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        action,
        &format!("session:{session_id}"),
        &detail,
    )
    .await?;
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
            let what = sqlx::query(
                "SELECT o.title, s.starts_at FROM learning_sessions s JOIN learning_offers o ON o.id = s.offer_id WHERE s.id = $1",
            )
            .bind(session_id)
            .fetch_one(&mut *tx)
            .await?;
            let title: String = what.try_get("title")?;
            let starts = LocalTime::from_minutes(what.try_get("starts_at")?);
            let notice = Notice {
                kind: NotificationKind::PlaceOffered,
                about: format!("place-offered:{next}"),
                title: format!(
                    "A place is yours: {title}, {} at {}",
                    starts.date().in_words(),
                    starts.clock()
                ),
                body: "Someone gave up their place, so you have moved up from the waiting list. If you cannot go now, cancel your place so the next person can have it.".into(),
                link: format!("/learning/sessions/{session_id}"),
            };
            notify_person_in(&mut tx, next_person, &notice, now).await?;
        }
    }
    let mut detail = format!(
        "{}'s booking",
        crate::person_name(&mut tx, person_id).await?
    );
    if let Some(p) = moved_up {
        let name = crate::person_name(&mut tx, p).await?;
        detail.push_str(&format!("; {name} moved up from the waiting list"));
    }
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "booking.cancelled",
        &format!("session:{session_id}"),
        &detail,
    )
    .await?;
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
    let mut summary = Vec::with_capacity(marks.len());
    for (b, m) in marks {
        let person: i64 = sqlx::query("SELECT person_id FROM bookings WHERE id = $1")
            .bind(b)
            .fetch_one(&mut *tx)
            .await?
            .try_get("person_id")?;
        let name = crate::person_name(&mut tx, person).await?;
        summary.push(format!("{name}: {}", m.words().to_lowercase()));
    }
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "attendance.recorded",
        &format!("session:{session_id}"),
        &summary.join(", "),
    )
    .await?;
    Ok(())
}
