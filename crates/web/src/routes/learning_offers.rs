//! L&D's learning offers: the list, a new offer, and one offer's sessions
//! with the form that repeats them across days and times.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::booking::{self};
use crate::error::Result;
use crate::forms::{self, FormFields, NoticeQuery, encode, plural, see_other};
use crate::views::learning::*;
use crate::views::*;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::dates::WEEKDAYS;
use pathwise_domain::input::FieldErrors;
use pathwise_domain::learning::{OfferDraft, SessionPattern};
use pathwise_domain::rota::Venue;
use pathwise_storage::learning::{self};
use pathwise_storage::people::{self};

/// The offer routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/learning/offers", get(offers_page).post(create_offer))
        .route("/learning/offers/{id}", get(offer_page))
        .route("/learning/offers/{id}/sessions", post(add_sessions))
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
    form: FormFields,
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
    offers_view(
        &state,
        &user,
        forms::notice(&q.done),
        FormFields::new(),
        Vec::new(),
    )
    .await
}

async fn create_offer(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<FormFields>,
) -> Result<Response> {
    user.check_csrf(forms::csrf_in(&f))?;
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
            Ok(forms::unprocessable(page))
        }
    }
}

async fn offer_view(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    done: Option<String>,
    form: FormFields,
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
        sessions: sessions
            .iter()
            .map(|s| booking::session_line(s, None, settings))
            .collect(),
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
        forms::notice(&q.done),
        FormFields::new(),
        Vec::new(),
    )
    .await
}

async fn add_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<FormFields>,
) -> Result<Response> {
    user.check_csrf(forms::csrf_in(&f))?;
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
            Ok(forms::unprocessable(page))
        }
    }
}
