//! Whether learning sittings fit people's rotas, read once per page: each
//! person's shifts around the sittings, their release agreements and the
//! places they already hold, for one person or a manager's whole team in a
//! fixed number of queries. Depends only on the domain and storage.

use crate::AppState;
use crate::error::Result;
use pathwise_domain::Date;
use pathwise_domain::learning::{ReleaseAgreement, release_left};
use pathwise_domain::rota::{FitSettings, LocalTime, Misfit, Shift, misfits};
use pathwise_storage::learning::{self, BookingRow, Session, Status};
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
    /// Every reason `session` does not fit them (empty when it fits),
    /// counting release against the places they hold on other sittings.
    pub fn misfits(&self, session: &Session, settings: FitSettings) -> Vec<Misfit> {
        let booked: Vec<(Date, u32)> = self
            .bookings
            .iter()
            .filter(|b| {
                b.status == Status::Booked && !b.session.cancelled && b.session.id != session.id
            })
            .map(|b| (b.session.start.date(), b.session.minutes))
            .collect();
        let left = release_left(&self.agreements, session.start.date(), &booked);
        misfits(&session.sitting(), &self.shifts, left, settings)
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
