//! Learning sessions: a learner's sessions with whether each fits their
//! rota, booking (a place, the waitlist, or a refusal with the reasons), a
//! manager booking for a team member (overriding the rota with a note,
//! audited), L&D's offers and repeat form, the register, and release
//! agreements.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::booking::{self, PersonFit};
use crate::calendar;
use crate::error::{Error, Result};
use crate::forms::{CsrfForm, NoticeQuery, encode, plural, see_other};
use crate::views::learning::*;
use crate::views::*;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::dates::WEEKDAYS;
use pathwise_domain::input::FieldErrors;
use pathwise_domain::learning::{
    Attendance, Booking, OfferDraft, ReleaseAgreement, ReleasePeriod, SessionPattern, SessionTime,
    release_on,
};
use pathwise_domain::rota::{FitSettings, LocalTime, Venue, hours_and_minutes, week_start};
use pathwise_domain::{AppRole, Date};
use pathwise_storage::StorageError;
use pathwise_storage::learning::{self, BookingRow, Session, Status};
use pathwise_storage::people::{self, Person};
use serde::Deserialize;
use std::collections::HashMap;

/// How far ahead the learner's list looks.
const WEEKS_AHEAD: i64 = 8;

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
        .route("/learning/offers", get(offers_page).post(create_offer))
        .route("/learning/offers/{id}", get(offer_page))
        .route("/learning/offers/{id}/sessions", post(add_sessions))
        .route("/team/release", get(release_page).post(record_release))
}

type Fields = HashMap<String, String>;

/// "Tuesday 5 May 2026, 10:00 to 11:30".
fn when(s: &Session) -> String {
    let end = s.sitting().end();
    format!(
        "{} {}, {} to {}",
        s.start.date().weekday(),
        s.start.date().in_words(),
        s.start.clock(),
        end.clock()
    )
}

fn places(s: &Session) -> String {
    if s.booked < s.capacity {
        format!("{} of {} places left", s.capacity - s.booked, s.capacity)
    } else if s.waiting == 0 {
        format!("Full ({} places)", s.capacity)
    } else {
        format!("Full: {} on the waitlist", s.waiting)
    }
}

fn ordinal(n: u32) -> String {
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
fn status_words(b: &BookingRow) -> String {
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

fn line(s: &Session, fit: Option<&PersonFit>, settings: FitSettings) -> SessionLine {
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
fn own_person(user: &CurrentUser) -> Option<i64> {
    user.account
        .person_id
        .filter(|_| !user.has(AppRole::Analyst))
}

#[derive(Deserialize, Default)]
struct LearningQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: String,
}

fn notice(done: &str) -> Option<String> {
    Some(done.to_string()).filter(|d| !d.is_empty())
}

async fn learning_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LearningQuery>,
) -> Result<LearningPage> {
    let is_admin = user.viewer.may_edit_framework();
    let me = own_person(&user);
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
        .map(|s| line(s, fit.as_ref(), settings))
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
            .map(|b| line(&b.session, Some(f), settings))
            .collect();
        if let Some(a) = release_on(&f.agreements, today) {
            release = Some(a.describe());
            let (first, last) = a.period_of(today);
            let used: u32 = f
                .bookings
                .iter()
                .filter(|b| b.status == Status::Booked && !b.session.cancelled)
                .filter(|b| (first..=last).contains(&b.session.start.date()))
                .map(|b| b.session.minutes)
                .sum();
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
        done: notice(&q.done),
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
    let me = own_person(user);
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
                status: mine.map(status_words),
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
                status: status_words(b),
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
        session: line(&session, fit.as_ref(), settings),
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
    session_view(&state, &user, id, notice(&q.done), Vec::new()).await
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
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The person a booking form is for: the viewer, or one of their reports.
async fn bookable(state: &AppState, user: &CurrentUser, f: &Fields) -> Result<(Person, bool)> {
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

async fn book(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response> {
    user.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    let (person, for_report) = bookable(&state, &user, &f).await?;
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
            when(&session)
        ),
        Ok(Booking::Waitlisted(n)) => format!(
            "The session is full: {who} {} {} on the waitlist for {}, {}. If someone cancels, the first on the waitlist is given the place and sees it here.",
            if for_report { "is" } else { "are" },
            ordinal(n as u32),
            session.title,
            when(&session)
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
    let me = own_person(&user);
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
            when(&booking.session)
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
    Form(f): Form<Fields>,
) -> Result<Response> {
    user.check_csrf(f.get("csrf").map_or("", String::as_str))?;
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
    Form(f): Form<Fields>,
) -> Result<Response> {
    user.check_csrf(f.get("csrf").map_or("", String::as_str))?;
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

fn offer_line(o: &learning::Offer) -> OfferLine {
    OfferLine {
        id: o.id,
        title: o.title.clone(),
        supports: o.supports.clone(),
        upcoming: o.upcoming,
    }
}

async fn offers_view(
    state: &AppState,
    user: &CurrentUser,
    done: Option<String>,
    form: Fields,
    errors: Vec<FieldError>,
) -> Result<OffersPage> {
    auth::require_admin(state, user, "learning/offers").await?;
    let offers =
        learning::offers(&state.store, user.account.org_id, state.clock.local_now()).await?;
    Ok(OffersPage {
        layout: Layout::for_user("Learning offers", user, "/learning"),
        csrf: user.csrf.clone().unwrap_or_default(),
        done,
        offers: offers.iter().map(offer_line).collect(),
        form,
        errors,
    })
}

async fn offers_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> Result<OffersPage> {
    offers_view(&state, &user, notice(&q.done), Fields::new(), Vec::new()).await
}

async fn create_offer(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<Fields>,
) -> Result<Response> {
    user.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    auth::require_admin(&state, &user, "learning/offers").await?;
    match OfferDraft::parse(&f) {
        Ok(draft) => {
            let id = learning::create_offer(
                &state.store,
                user.account.org_id,
                &draft,
                Some(user.account.id),
                state.clock.now(),
            )
            .await?;
            let done = format!("Added {}. Now add its sessions.", draft.title);
            Ok(see_other(&format!(
                "/learning/offers/{id}?done={}",
                encode(&done)
            )))
        }
        Err(e) => {
            let page = offers_view(&state, &user, None, f, e.into_list()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn offer_view(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    done: Option<String>,
    form: Fields,
    errors: Vec<FieldError>,
) -> Result<OfferPage> {
    auth::require_admin(state, user, &format!("offer:{id}")).await?;
    let org = user.account.org_id;
    let offer = learning::offer(&state.store, org, id, state.clock.local_now()).await?;
    let settings = learning::fit_settings(&state.store, org).await?;
    let sessions = learning::sessions_of_offer(&state.store, org, id).await?;
    let sites = people::sites(&state.store, org)
        .await?
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect();
    Ok(OfferPage {
        layout: Layout::for_user(offer.title.clone(), user, "/learning"),
        csrf: user.csrf.clone().unwrap_or_default(),
        done,
        offer: offer_line(&offer),
        description: offer.description.clone(),
        sessions: sessions.iter().map(|s| line(s, None, settings)).collect(),
        sites,
        weekdays: WEEKDAYS
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("day{i}"), *d))
            .collect(),
        form,
        errors,
    })
}

async fn offer_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<OfferPage> {
    offer_view(
        &state,
        &user,
        id,
        notice(&q.done),
        Fields::new(),
        Vec::new(),
    )
    .await
}

async fn add_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response> {
    user.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    auth::require_admin(&state, &user, &format!("offer:{id}/sessions")).await?;
    let org = user.account.org_id;
    let mut errors = FieldErrors::default();
    let pattern = match SessionPattern::parse(&f) {
        Ok(p) => {
            if let Venue::Site(code) = &p.venue {
                let sites = people::sites(&state.store, org).await?;
                if !sites.iter().any(|s| &s.code == code) {
                    errors.add("venue", "Choose one of the organisation's sites, or online");
                }
            }
            Some(p)
        }
        Err(e) => {
            errors = e;
            None
        }
    };
    match pattern {
        Some(p) if errors.is_empty() => {
            let n = learning::add_sessions(
                &state.store,
                org,
                id,
                &p,
                Some(user.account.id),
                state.clock.now(),
            )
            .await?;
            let done = format!("Added {}.", plural(n as u64, "session", "sessions"));
            Ok(see_other(&format!(
                "/learning/offers/{id}?done={}",
                encode(&done)
            )))
        }
        _ => {
            let page = offer_view(&state, &user, id, None, f, errors.into_list()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn release_view(
    state: &AppState,
    user: &CurrentUser,
    done: Option<String>,
    form: Fields,
    errors: Vec<FieldError>,
) -> Result<TeamReleasePage> {
    let me = match own_person(user) {
        Some(me) if user.has(AppRole::Manager) => me,
        _ => return Err(auth::refuse(state, user, "team/release").await),
    };
    let today = state.clock.today();
    let reports = people::reports_of(&state.store, me).await?;
    let ids: Vec<i64> = reports.iter().map(|p| p.id).collect();
    let releases = learning::releases_of(&state.store, &ids).await?;
    let week = ReleaseAgreement {
        minutes: 0,
        per: ReleasePeriod::Week,
        from: today,
        until: None,
    };
    let month = ReleaseAgreement {
        per: ReleasePeriod::Month,
        ..week.clone()
    };
    let range = |a: &ReleaseAgreement| {
        let (first, last) = a.period_of(today);
        (LocalTime::at(first, 0), LocalTime::at(last.plus_days(1), 0))
    };
    let (wf, wt) = range(&week);
    let (mf, mt) = range(&month);
    let by_week = learning::minutes_used(&state.store, &ids, wf, wt).await?;
    let by_month = learning::minutes_used(&state.store, &ids, mf, mt).await?;
    let rows = reports
        .iter()
        .map(|p| {
            let agreement = releases.get(&p.id).and_then(|list| release_on(list, today));
            let per = agreement.map_or(ReleasePeriod::Week, |a| a.per);
            let (booked, attended) = match per {
                ReleasePeriod::Week => by_week.get(&p.id),
                ReleasePeriod::Month => by_month.get(&p.id),
            }
            .copied()
            .unwrap_or_default();
            let period = match per {
                ReleasePeriod::Week => format!("Week beginning {}", week_start(today).in_words()),
                ReleasePeriod::Month => {
                    let words = Date { day: 1, ..today }.in_words();
                    words
                        .split_once(' ')
                        .map_or(words.clone(), |(_, m)| m.to_string())
                }
            };
            ReleaseRow {
                person_id: p.id,
                name: p.name.clone(),
                agreement: agreement.map(ReleaseAgreement::describe),
                period,
                agreed: agreement.map_or("-".to_string(), |a| hours_and_minutes(a.minutes)),
                booked: hours_and_minutes(booked),
                attended: hours_and_minutes(attended),
                over: agreement.is_some_and(|a| booked > a.minutes),
            }
        })
        .collect();
    Ok(TeamReleasePage {
        layout: Layout::for_user("Release time", user, "/team"),
        csrf: user.csrf.clone().unwrap_or_default(),
        done,
        rows,
        form,
        errors,
    })
}

async fn release_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> Result<TeamReleasePage> {
    release_view(&state, &user, notice(&q.done), Fields::new(), Vec::new()).await
}

async fn record_release(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<Fields>,
) -> Result<Response> {
    user.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    let mut f = f;
    f.remove("csrf");
    let (person, for_report) = bookable(&state, &user, &f).await?;
    if !for_report {
        return Err(auth::refuse(&state, &user, &format!("person:{}/release", person.id)).await);
    }
    match ReleaseAgreement::parse(&f) {
        Ok(a) => {
            learning::record_release(
                &state.store,
                user.account.org_id,
                person.id,
                &a,
                Some(user.account.id),
                state.clock.now(),
            )
            .await?;
            let done = format!("Recorded for {}: {}.", person.name, a.describe());
            Ok(see_other(&format!("/team/release?done={}", encode(&done))))
        }
        Err(e) => {
            let page = release_view(&state, &user, None, f, e.into_list()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn move_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response> {
    user.check_csrf(f.get("csrf").map_or("", String::as_str))?;
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
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
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
    let Some(me) = own_person(&user) else {
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
