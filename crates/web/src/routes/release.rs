//! Release time: a manager records each team member's release agreement
//! and sees the hours agreed, booked and attended this period.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::booking::{self};
use crate::error::Result;
use crate::forms::{self, FormFields, NoticeQuery, encode, see_other};
use crate::views::learning::*;
use crate::views::*;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use pathwise_domain::AppRole;
use pathwise_domain::learning::{ReleaseAgreement, ReleasePeriod, release_on};
use pathwise_domain::rota::{LocalTime, hours_and_minutes, week_start};
use pathwise_storage::learning::{self};
use pathwise_storage::people::{self};

/// The release-time routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/team/release", get(release_page).post(record_release))
}

async fn release_view(
    state: &AppState,
    user: &CurrentUser,
    done: Option<String>,
    form: FormFields,
    errors: Vec<FieldError>,
) -> Result<TeamReleasePage> {
    let me = match booking::own_person(user) {
        Some(me) if user.has(AppRole::Manager) => me,
        _ => return Err(auth::refuse(state, user, "team/release").await),
    };
    let today = state.clock.today();
    let reports = people::reports_of(&state.store, me).await?;
    let ids: Vec<i64> = reports.iter().map(|p| p.id).collect();
    let releases = learning::releases_of(&state.store, &ids).await?;
    let range = |per: ReleasePeriod| {
        let (first, last) = per.period_of(today);
        (LocalTime::at(first, 0), LocalTime::at(last.plus_days(1), 0))
    };
    let (wf, wt) = range(ReleasePeriod::Week);
    let (mf, mt) = range(ReleasePeriod::Month);
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
                ReleasePeriod::Month => today.month_in_words(),
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
    release_view(
        &state,
        &user,
        forms::notice(&q.done),
        FormFields::new(),
        Vec::new(),
    )
    .await
}

async fn record_release(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<FormFields>,
) -> Result<Response> {
    user.check_csrf(forms::csrf_in(&f))?;
    let mut f = f;
    f.remove("csrf");
    let (person, for_report) = booking::bookable(&state, &user, &f).await?;
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
            Ok(forms::unprocessable(page))
        }
    }
}
