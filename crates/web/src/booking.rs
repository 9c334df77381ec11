//! Whether learning sittings fit people's rotas, read once per page: each
//! person's shifts around the sittings, their release agreements and the
//! places they already hold, for one person or a manager's whole team in a
//! fixed number of queries; who a booking form may be for; and a sitting
//! and a booking in words. Depends only on the domain and storage.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::forms::FormFields;
use crate::views::learning::SessionLine;
use pathwise_domain::learning::{ReleaseAgreement, release_left, release_used};
use pathwise_domain::rota::{FitSettings, LocalTime, Misfit, Shift, misfits};
use pathwise_domain::{AppRole, Date};
use pathwise_storage::learning::{self, BookingRow, Session, Status};
use pathwise_storage::people::{self, Person};
use pathwise_storage::rosters;
use std::collections::HashMap;

/// What the fit rules need about one person.
#[derive(Debug, Clone, Default)]
pub struct PersonFit {
    /// Shifts around the sittings asked about.
    pub shifts: Vec<Shift>,
    /// Release agreements, in the order recorded.
    pub agreements: Vec<ReleaseAgreement>,
    /// Their live bookings.
    pub bookings: Vec<BookingRow>,
}

impl PersonFit {
    /// The (date, minutes) of the places they hold, but on `except`.
    fn booked(&self, except: Option<i64>) -> Vec<(Date, u32)> {
        self.bookings
            .iter()
            .filter(|b| {
                b.status == Status::Booked && !b.session.cancelled && Some(b.session.id) != except
            })
            .map(|b| (b.session.start.date(), b.session.minutes))
            .collect()
    }

    /// Every reason `session` does not fit them (empty when it fits),
    /// counting release against the places they hold on other sittings.
    pub fn misfits(&self, session: &Session, settings: FitSettings) -> Vec<Misfit> {
        let left = release_left(
            &self.agreements,
            session.start.date(),
            &self.booked(Some(session.id)),
        );
        misfits(&session.sitting(), &self.shifts, left, settings)
    }

    /// The agreement that applies on `date`, and the minutes their places
    /// use in its period.
    pub fn release_on(&self, date: Date) -> Option<(&ReleaseAgreement, u32)> {
        release_used(&self.agreements, date, &self.booked(None))
    }

    /// Their live booking on `session`, if any.
    pub fn booking_on(&self, session_id: i64) -> Option<&BookingRow> {
        self.bookings.iter().find(|b| b.session.id == session_id)
    }
}

/// The window of shifts that can bear on `sessions`: from a day before the
/// first starts (a night's rest) to a day after the last.
fn window(sessions: &[Session]) -> Option<(LocalTime, LocalTime)> {
    let first = sessions.iter().map(|s| s.start).min()?;
    let last = sessions.iter().map(|s| s.sitting().end()).max()?;
    Some((first.plus_minutes(-24 * 60), last.plus_minutes(24 * 60)))
}

/// The fit of one person for `sessions` (3 queries).
pub async fn for_person(
    state: &AppState,
    person_id: i64,
    sessions: &[Session],
) -> Result<PersonFit> {
    let shifts = match window(sessions) {
        Some((from, to)) => rosters::shifts_of(&state.store, person_id, from, to).await?,
        None => Vec::new(),
    };
    let agreements = learning::releases_of(&state.store, &[person_id])
        .await?
        .remove(&person_id)
        .unwrap_or_default();
    let bookings = learning::bookings_of(&state.store, person_id).await?;
    Ok(PersonFit {
        shifts,
        agreements,
        bookings,
    })
}

/// The fit of each of a manager's reports (`ids`) for `sessions`, in 3
/// queries whatever the team's size.
pub async fn for_team(
    state: &AppState,
    manager_id: i64,
    ids: &[i64],
    sessions: &[Session],
) -> Result<HashMap<i64, PersonFit>> {
    let mut out: HashMap<i64, PersonFit> =
        ids.iter().map(|id| (*id, PersonFit::default())).collect();
    if let Some((from, to)) = window(sessions) {
        for s in rosters::team_shifts(&state.store, manager_id, from, to).await? {
            if let Some(f) = out.get_mut(&s.person_id) {
                f.shifts.push(s);
            }
        }
    }
    for (id, agreements) in learning::releases_of(&state.store, ids).await? {
        if let Some(f) = out.get_mut(&id) {
            f.agreements = agreements;
        }
    }
    for b in learning::bookings_of_people(&state.store, ids).await? {
        if let Some(f) = out.get_mut(&b.person_id) {
            f.bookings.push(b);
        }
    }
    Ok(out)
}

/// A sitting's day and times: "Tuesday 5 May 2026, 10:00 to 11:30".
pub fn when(s: &Session) -> String {
    let end = s.sitting().end();
    format!(
        "{} {}, {} to {}",
        s.start.date().weekday(),
        s.start.date().in_words(),
        s.start.clock(),
        end.clock()
    )
}

/// Places left, or the waitlist, in words.
pub fn places(s: &Session) -> String {
    if s.booked < s.capacity {
        format!("{} of {} places left", s.capacity - s.booked, s.capacity)
    } else if s.waiting == 0 {
        format!("Full ({} places)", s.capacity)
    } else {
        format!("Full: {} on the waitlist", s.waiting)
    }
}

/// "1st", "2nd", "3rd", "11th".
pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A booking in words: "Booked", "On the waitlist, 2nd".
pub fn status_words(b: &BookingRow) -> String {
    if b.session.cancelled {
        return "Session cancelled".into();
    }
    match b.status {
        Status::Booked => match b.moved_up_at {
            Some(at) => format!(
                "Booked: moved up from the waitlist on {}",
                Date::from_unix_days(at.div_euclid(86_400)).in_words()
            ),
            None => "Booked".into(),
        },
        Status::Waiting => format!("On the waitlist, {}", ordinal(b.position.unwrap_or(1))),
        Status::Cancelled => "Cancelled".into(),
    }
}

/// A sitting as a list shows it, with the viewer's fit and booking when `fit` is theirs.
pub fn session_line(s: &Session, fit: Option<&PersonFit>, settings: FitSettings) -> SessionLine {
    let mine = fit.and_then(|f| f.booking_on(s.id));
    SessionLine {
        id: s.id,
        title: s.title.clone(),
        when: when(s),
        place: s.place().to_string(),
        facilitator: s.facilitator.clone(),
        places: places(s),
        full: s.booked >= s.capacity,
        reasons: fit
            .filter(|_| mine.is_none())
            .map(|f| {
                f.misfits(s, settings)
                    .iter()
                    .map(ToString::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        mine: mine.map(status_words),
        booking_id: mine.map(|b| b.id),
        cancelled: s.cancelled,
    }
}

/// The viewer's own staff record, when they have one and are not an analyst.
pub fn own_person(user: &CurrentUser) -> Option<i64> {
    user.account
        .person_id
        .filter(|_| !user.has(AppRole::Analyst))
}

/// The person a booking form is for: the viewer, or one of their reports.
pub async fn bookable(
    state: &AppState,
    user: &CurrentUser,
    f: &FormFields,
) -> Result<(Person, bool)> {
    let me = own_person(user).ok_or(Error::NotFound)?;
    let asked = f.get("person_id").map(|s| s.trim()).unwrap_or("");
    let id = if asked.is_empty() {
        me
    } else {
        asked
            .parse::<i64>()
            .map_err(|_| Error::BadRequest("person_id: not a staff record number".into()))?
    };
    let person = people::person(&state.store, id).await?;
    match person {
        Some(p) if p.id == me && p.org_id == user.account.org_id => Ok((p, false)),
        Some(p)
            if p.org_id == user.account.org_id
                && p.manager_id == Some(me)
                && user.has(AppRole::Manager) =>
        {
            Ok((p, true))
        }
        _ => Err(auth::refuse(state, user, &format!("person:{id}/booking")).await),
    }
}
