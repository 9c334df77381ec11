//! Learning sessions: a learner's sessions with whether each fits their
//! rota, booking (a place, the waitlist, or a refusal with the reasons), a
//! manager booking for a team member (overriding the rota with a note,
//! audited), L&D's register, moving and cancelling a session, and calendar
//! files.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::booking::{self};
use crate::calendar;
use crate::error::{Error, Result};
use crate::forms::{self, CsrfForm, FormFields, NoticeQuery, encode, plural, see_other};
use crate::views::learning::*;
use crate::views::*;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::AppRole;
use pathwise_domain::learning::{Attendance, Booking, SessionTime};
use pathwise_domain::rota::hours_and_minutes;
use pathwise_storage::StorageError;
use pathwise_storage::learning::{self, Session, Status};
use pathwise_storage::people::{self};
use serde::Deserialize;

/// The learning routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/learning", get(learning_page))
        .route("/learning/sessions/{id}", get(session_page))
        .route("/learning/sessions/{id}/book", post(book))
        .route("/learning/sessions/{id}/register", post(register))
        .route("/learning/sessions/{id}/cancel", post(cancel_session))
        .route("/learning/sessions/{id}/move", post(move_session))
        .route(
            "/learning/sessions/{id}/calendar.ics",
            get(session_calendar),
        )
        .route("/learning/calendar.ics", get(my_calendar))
        .route("/learning/bookings/{id}/cancel", post(cancel_booking))
}

/// How far ahead the learner's list looks.
const WEEKS_AHEAD: i64 = 8;

#[derive(Deserialize, Default)]
struct LearningQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: String,
}

async fn learning_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LearningQuery>,
) -> Result<LearningPage> {
    let is_admin = user.viewer.may_edit_framework();
    let me = booking::own_person(&user);
    if me.is_none() && !is_admin {
        return Err(auth::refuse(&state, &user, "learning").await);
    }
    let org = user.account.org_id;
    let now = state.clock.local_now();
    let today = state.clock.today();
    let settings = learning::fit_settings(&state.store, org).await?;
    let mut sessions = learning::upcoming(
        &state.store,
        org,
        now,
        now.plus_minutes(WEEKS_AHEAD * 7 * 24 * 60),
    )
    .await?;
    let search = q.q.trim().to_lowercase();
    if !search.is_empty() {
        sessions.retain(|s| s.title.to_lowercase().contains(&search));
    }
    let fit = match me {
        Some(id) => Some(booking::for_person(&state, id, &sessions).await?),
        None => None,
    };
    let mut lines: Vec<SessionLine> = sessions
        .iter()
        .map(|s| booking::session_line(s, fit.as_ref(), settings))
        .collect();
    lines.sort_by_key(|l| !l.fits());
    let mut release = None;
    let mut release_used = None;
    let mut bookings = Vec::new();
    if let Some(f) = &fit {
        bookings = f
            .bookings
            .iter()
            .filter(|b| b.session.sitting().end() > now)
            .map(|b| booking::session_line(&b.session, Some(f), settings))
            .collect();
        if let Some((a, used)) = f.release_on(today) {
            release = Some(a.describe());
            release_used = Some(format!(
                "You have {} booked this {}, and {} left.",
                hours_and_minutes(used),
                a.per.code(),
                hours_and_minutes(a.minutes.saturating_sub(used))
            ));
        }
    }
    Ok(LearningPage {
        layout: Layout::for_user("Learning sessions", &user, "/learning"),
        csrf: user.csrf.clone().unwrap_or_default(),
        done: forms::notice(&q.done),
        q: q.q,
        sessions: lines,
        bookings,
        release,
        release_used,
        is_admin,
        is_manager: user.has(AppRole::Manager),
        errors: Vec::new(),
    })
}

async fn session_view(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    done: Option<String>,
    errors: Vec<FieldError>,
) -> Result<SessionPage> {
    let org = user.account.org_id;
    let session = learning::session(&state.store, org, id).await?;
    let offer =
        learning::offer(&state.store, org, session.offer_id, state.clock.local_now()).await?;
    let settings = learning::fit_settings(&state.store, org).await?;
    let me = booking::own_person(user);
    let sessions = std::slice::from_ref(&session);
    let fit = match me {
        Some(p) => Some(booking::for_person(state, p, sessions).await?),
        None => None,
    };
    let mut team = Vec::new();
    if let (Some(me), true) = (me, user.has(AppRole::Manager)) {
        let reports = people::reports_of(&state.store, me).await?;
        let ids: Vec<i64> = reports.iter().map(|p| p.id).collect();
        let fits = booking::for_team(state, me, &ids, sessions).await?;
        for p in reports {
            let f = &fits[&p.id];
            let mine = f.booking_on(id);
            team.push(TeamFit {
                person_id: p.id,
                name: p.name,
                reasons: f
                    .misfits(&session, settings)
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                status: mine.map(booking::status_words),
                booking_id: mine.map(|b| b.id),
            });
        }
    }
    let is_admin = user.viewer.may_edit_framework();
    let register = if is_admin {
        learning::bookings_on(&state.store, id)
            .await?
            .iter()
            .map(|b| RegisterLine {
                booking_id: b.id,
                name: b.person_name.clone(),
                status: booking::status_words(b),
                booked: b.status == Status::Booked,
                mark: b.attendance.map(Attendance::code).unwrap_or("").to_string(),
                note: b.override_note.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(SessionPage {
        layout: Layout::for_user(session.title.clone(), user, "/learning"),
        csrf: user.csrf.clone().unwrap_or_default(),
        done,
        session: booking::session_line(&session, fit.as_ref(), settings),
        offer_id: session.offer_id,
        own: me.is_some(),
        description: offer.description,
        supports: offer.supports,
        team,
        register,
        is_admin,
        marks: Attendance::ALL
            .iter()
            .map(|a| (a.code(), a.words()))
            .collect(),
        errors,
    })
}

async fn session_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<SessionPage> {
    session_view(&state, &user, id, forms::notice(&q.done), Vec::new()).await
}

async fn refused_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    field: &str,
    message: String,
) -> Result<Response> {
    let errors = vec![FieldError {
        field: field.into(),
        message,
    }];
    let page = session_view(state, user, id, None, errors).await?;
    Ok(forms::unprocessable(page))
}

async fn book(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<FormFields>,
) -> Result<Response> {
    user.check_csrf(forms::csrf_in(&f))?;
    let (person, for_report) = booking::bookable(&state, &user, &f).await?;
    let org = user.account.org_id;
    let session = learning::session(&state.store, org, id).await?;
    let settings = learning::fit_settings(&state.store, org).await?;
    let fit = booking::for_person(&state, person.id, std::slice::from_ref(&session)).await?;
    let misfits = fit.misfits(&session, settings);
    // Only a manager booking for their report may override the rota.
    let note = f
        .get("note")
        .map(|n| n.trim())
        .filter(|n| for_report && !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 500) {
        return refused_page(
            &state,
            &user,
            id,
            "note",
            "Keep the note to 500 characters or fewer".into(),
        )
        .await;
    }
    let outcome = learning::book(
        &state.store,
        org,
        id,
        person.id,
        misfits,
        note,
        Some(user.account.id),
        state.clock.now(),
    )
    .await;
    let who = if for_report {
        person.name.clone()
    } else {
        "you".to_string()
    };
    let done = match outcome {
        Ok(Booking::Booked) => format!(
            "Booked a place for {who} on {}, {}.",
            session.title,
            booking::when(&session)
        ),
        Ok(Booking::Waitlisted(n)) => format!(
            "The session is full: {who} {} {} on the waitlist for {}, {}. If someone cancels, the first on the waitlist is given the place and sees it here.",
            if for_report { "is" } else { "are" },
            booking::ordinal(n as u32),
            session.title,
            booking::when(&session)
        ),
        Ok(Booking::Refused(reasons)) => {
            let said: Vec<String> = reasons.iter().map(|r| format!("it {r}")).collect();
            let message = if for_report {
                format!(
                    "This session does not fit {}'s rota: {}. To book it anyway, add a note saying why",
                    person.name,
                    said.join("; ")
                )
            } else {
                format!(
                    "This session does not fit your rota: {}. Ask your manager if you need to go anyway",
                    said.join("; ")
                )
            };
            let field = if for_report { "note" } else { "my-fit" };
            return refused_page(&state, &user, id, field, message).await;
        }
        Err(StorageError::Conflict { message, .. }) => {
            let field = if for_report { "person_id" } else { "my-fit" };
            return refused_page(
                &state,
                &user,
                id,
                field,
                capitalise(
                    &format!(
                        "{} is {message}",
                        if for_report {
                            person.name.as_str()
                        } else {
                            "you"
                        }
                    )
                    .replace("you is", "you are"),
                ),
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let to = if for_report {
        format!("/learning/sessions/{id}?done={}", encode(&done))
    } else {
        format!("/learning?done={}", encode(&capitalise(&done)))
    };
    Ok(see_other(&to))
}

async fn cancel_booking(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response> {
    user.check_csrf(&f.csrf)?;
    let org = user.account.org_id;
    let booking = learning::booking(&state.store, org, id).await?;
    let me = booking::own_person(&user);
    let own = me == Some(booking.person_id);
    let manages = me.is_some() && booking.manager_id == me && user.has(AppRole::Manager);
    if !(own || manages || user.viewer.may_edit_framework()) {
        return Err(auth::refuse(&state, &user, &format!("booking:{id}")).await);
    }
    let done = learning::cancel_booking(
        &state.store,
        org,
        id,
        Some(user.account.id),
        state.clock.now(),
    )
    .await?;
    let mut text = if own {
        format!(
            "Your booking on {}, {} is cancelled.",
            booking.session.title,
            booking::when(&booking.session)
        )
    } else {
        format!("{}'s booking is cancelled.", booking.person_name)
    };
    if done.moved_up.is_some() {
        text.push_str(" The place went to the first person on the waitlist.");
    }
    let to = if own {
        format!("/learning?done={}", encode(&text))
    } else {
        format!(
            "/learning/sessions/{}?done={}",
            booking.session.id,
            encode(&text)
        )
    };
    Ok(see_other(&to))
}

async fn register(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<FormFields>,
) -> Result<Response> {
    user.check_csrf(forms::csrf_in(&f))?;
    auth::require_admin(&state, &user, &format!("session:{id}/register")).await?;
    let mut marks = Vec::new();
    for (key, value) in &f {
        let Some(booking) = key.strip_prefix("mark_") else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        let booking = booking
            .parse::<i64>()
            .map_err(|_| Error::BadRequest(format!("{key}: not a booking")))?;
        let mark = Attendance::from_code(value.trim()).ok_or_else(|| {
            Error::BadRequest(format!("{key}: choose attended, absent or cancelled late"))
        })?;
        marks.push((booking, mark));
    }
    marks.sort_by_key(|(b, _)| *b);
    learning::record_attendance(
        &state.store,
        user.account.org_id,
        id,
        &marks,
        Some(user.account.id),
        state.clock.now(),
    )
    .await?;
    let done = format!(
        "Register saved: {} marked.",
        plural(marks.len() as u64, "person", "people")
    );
    Ok(see_other(&format!(
        "/learning/sessions/{id}?done={}",
        encode(&done)
    )))
}

async fn cancel_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<FormFields>,
) -> Result<Response> {
    user.check_csrf(forms::csrf_in(&f))?;
    auth::require_admin(&state, &user, &format!("session:{id}/cancel")).await?;
    if f.get("confirm").map(String::as_str) != Some("yes") {
        return refused_page(
            &state,
            &user,
            id,
            "confirm",
            "Tick the box to confirm the session is to be cancelled".into(),
        )
        .await;
    }
    learning::cancel_session(
        &state.store,
        user.account.org_id,
        id,
        Some(user.account.id),
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!(
        "/learning/sessions/{id}?done={}",
        encode("The session is cancelled. Calendars that subscribed to it show it cancelled.")
    )))
}

async fn move_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<FormFields>,
) -> Result<Response> {
    user.check_csrf(forms::csrf_in(&f))?;
    auth::require_admin(&state, &user, &format!("session:{id}/move")).await?;
    match SessionTime::parse(&f) {
        Ok(t) => {
            learning::move_session(
                &state.store,
                user.account.org_id,
                id,
                t.start,
                t.minutes,
                Some(user.account.id),
                state.clock.now(),
            )
            .await?;
            let done = "The session has moved. Everyone booked keeps their place; calendar files show the new time.";
            Ok(see_other(&format!(
                "/learning/sessions/{id}?done={}",
                encode(done)
            )))
        }
        Err(e) => {
            let page = session_view(&state, &user, id, None, e.into_list()).await?;
            Ok(forms::unprocessable(page))
        }
    }
}

fn ics(name: &str, body: String) -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn my_calendar(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let Some(me) = booking::own_person(&user) else {
        return Err(auth::refuse(&state, &user, "learning/calendar").await);
    };
    let bookings = learning::bookings_of(&state.store, me).await?;
    let sessions: Vec<&Session> = bookings
        .iter()
        .filter(|b| b.status == Status::Booked)
        .map(|b| &b.session)
        .collect();
    let body = calendar::sessions_ics(
        "Your learning sessions",
        user.account.org_id,
        &sessions,
        state.clock.now(),
    );
    Ok(ics("learning.ics", body))
}

async fn session_calendar(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response> {
    auth::require_admin(&state, &user, &format!("session:{id}/calendar")).await?;
    let session = learning::session(&state.store, user.account.org_id, id).await?;
    let body = calendar::sessions_ics(
        &session.title,
        user.account.org_id,
        &[&session],
        state.clock.now(),
    );
    Ok(ics(&format!("session-{id}.ics"), body))
}
