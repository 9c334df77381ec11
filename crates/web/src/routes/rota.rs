//! Rotas: a person's week (their own, or one their manager may see), a
//! manager's team grid, and the roster import for L&D.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::csv_files;
use crate::error::{Error, Result};
use crate::forms::{CsvUpload, file_refused, parse_date, plural, read_csv_upload, see_other};
use crate::learners;
use crate::views::rota::*;
use crate::views::*;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pathwise_domain::input::FieldError;
use pathwise_domain::rota::{LocalTime, Shift, week_start};
use pathwise_domain::{AppRole, Date};
use pathwise_storage::{people, rosters};
use serde::Deserialize;
use std::collections::HashMap;

/// The rota routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rota", get(my_rota))
        .route("/people/{id}/rota", get(person_rota))
        .route("/team/rota", get(team_rota))
        .route(
            "/admin/rosters",
            get(rosters_page)
                .post(import_roster)
                .layer(DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
}

#[derive(Deserialize, Default)]
struct WeekQuery {
    #[serde(default)]
    week: String,
}

/// The Monday of the week asked for (any day in it), or of this week.
fn week_of(state: &AppState, q: &WeekQuery, errors: &mut Vec<FieldError>) -> Date {
    let today = state.clock.today();
    let asked = if q.week.trim().is_empty() {
        None
    } else {
        parse_date("week", &q.week, today, errors)
    };
    week_start(asked.unwrap_or(today))
}

fn week_links(path: &str, monday: Date, today: Date) -> WeekLinks {
    WeekLinks {
        heading: format!("Week beginning Monday {}", monday.in_words()),
        previous: format!("{path}?week={}", monday.plus_days(-7)),
        next: format!("{path}?week={}", monday.plus_days(7)),
        current: format!("{path}?week={}", week_start(today)),
    }
}

/// Monday 00:00 to the next Monday 00:00.
fn week_range(monday: Date) -> (LocalTime, LocalTime) {
    (
        LocalTime::at(monday, 0),
        LocalTime::at(monday.plus_days(7), 0),
    )
}

fn label(s: &Shift) -> String {
    let words = s.kind.words();
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

async fn site_names(state: &AppState, org_id: i64) -> Result<HashMap<String, String>> {
    Ok(people::sites(&state.store, org_id)
        .await?
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect())
}

async fn week_page(
    state: &AppState,
    user: &CurrentUser,
    person: &people::Person,
    q: &WeekQuery,
    own: bool,
) -> Result<RotaPage> {
    let mut errors = Vec::new();
    let monday = week_of(state, q, &mut errors);
    let today = state.clock.today();
    let (from, to) = week_range(monday);
    let shifts = rosters::shifts_of(&state.store, person.id, from, to).await?;
    let sites = site_names(state, person.org_id).await?;
    let days = (0..7)
        .map(|i| {
            let date = monday.plus_days(i);
            RotaDay {
                weekday: date.weekday(),
                date: date.in_words(),
                today: date == today,
                shifts: shifts
                    .iter()
                    .filter(|s| s.start.date() == date)
                    .map(|s| RotaShift {
                        label: label(s),
                        times: format!("{}-{}", s.start.clock(), s.end.clock()),
                        site: sites
                            .get(&s.site)
                            .cloned()
                            .unwrap_or_else(|| s.site.clone()),
                    })
                    .collect(),
            }
        })
        .collect();
    let (heading, path, section) = if own {
        ("Your rota".to_string(), "/rota".to_string(), "/rota")
    } else {
        (
            format!("{}'s rota", person.name),
            format!("/people/{}/rota", person.id),
            "/team/rota",
        )
    };
    Ok(RotaPage {
        layout: Layout::for_user(heading.clone(), user, section),
        heading,
        week: week_links(&path, monday, today),
        days,
        errors,
    })
}

async fn my_rota(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<WeekQuery>,
) -> Result<RotaPage> {
    let id = user.account.person_id.ok_or(Error::NotFound)?;
    let person = learners::visible_person(&state, &user, id).await?;
    week_page(&state, &user, &person, &q, true).await
}

async fn person_rota(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<WeekQuery>,
) -> Result<RotaPage> {
    let person = learners::visible_person(&state, &user, id).await?;
    let own = user.account.person_id == Some(id);
    week_page(&state, &user, &person, &q, own).await
}

async fn team_rota(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<WeekQuery>,
) -> Result<TeamRotaPage> {
    if !user.has(AppRole::Manager) {
        return Err(auth::refuse(&state, &user, "team/rota").await);
    }
    let me = user.account.person_id.ok_or(Error::NotFound)?;
    let mut errors = Vec::new();
    let monday = week_of(&state, &q, &mut errors);
    let (from, to) = week_range(monday);
    let team = people::reports_of(&state.store, me).await?;
    let shifts = rosters::team_shifts(&state.store, me, from, to).await?;
    let mut by_person: HashMap<i64, Vec<&Shift>> = HashMap::new();
    for s in &shifts {
        by_person.entry(s.person_id).or_default().push(s);
    }
    let rows = team
        .iter()
        .map(|p| TeamRotaRow {
            id: p.id,
            name: p.name.clone(),
            days: (0..7)
                .map(|i| {
                    let date = monday.plus_days(i);
                    by_person
                        .get(&p.id)
                        .into_iter()
                        .flatten()
                        .filter(|s| s.start.date() == date)
                        .map(|s| format!("{} {}-{}", label(s), s.start.clock(), s.end.clock()))
                        .collect()
                })
                .collect(),
        })
        .collect();
    let columns = (0..7)
        .map(|i| {
            let date = monday.plus_days(i);
            format!("{} {}", &date.weekday()[..3], date.in_words())
        })
        .collect();
    Ok(TeamRotaPage {
        layout: Layout::for_user("Team rota", &user, "/team/rota"),
        week: week_links("/team/rota", monday, state.clock.today()),
        columns,
        rows,
        errors,
    })
}

#[derive(Deserialize, Default)]
struct DoneQuery {
    #[serde(default)]
    shifts: Option<usize>,
    #[serde(default)]
    people: Option<usize>,
    #[serde(default)]
    replaced: Option<u64>,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn rosters_view(
    state: &AppState,
    user: &CurrentUser,
    done: Option<String>,
    errors: Vec<FieldError>,
) -> Result<RostersPage> {
    auth::require_admin(state, user, "admin/rosters").await?;
    let sites = people::sites(&state.store, user.account.org_id)
        .await?
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect();
    Ok(RostersPage {
        layout: Layout::for_user("Rosters", user, "/admin/rosters"),
        csrf: user.csrf.clone().unwrap_or_default(),
        done,
        sites,
        errors,
    })
}

async fn rosters_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DoneQuery>,
) -> Result<RostersPage> {
    let done = match (q.shifts, q.people) {
        (Some(shifts), Some(people)) => {
            let in_words = |d: &str| d.parse::<Date>().map(Date::in_words).unwrap_or_default();
            let mut text = format!(
                "Imported {} for {}, {} to {}.",
                plural(shifts as u64, "shift", "shifts"),
                plural(people as u64, "person", "people"),
                in_words(&q.from),
                in_words(&q.to)
            );
            if let Some(r) = q.replaced.filter(|r| *r > 0) {
                text.push_str(&format!(
                    " {} already stored on those dates were replaced.",
                    plural(r, "shift", "shifts")
                ));
            }
            Some(text)
        }
        _ => None,
    };
    rosters_view(&state, &user, done, Vec::new()).await
}

async fn import_roster(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> Result<Response> {
    let CsvUpload { csrf, text, .. } = read_csv_upload(mp).await?;
    user.check_csrf(&csrf)?;
    auth::require_admin(&state, &user, "admin/rosters/import").await?;
    let outcome = match text {
        None => Err(vec!["Choose a roster CSV file to upload".to_string()]),
        Some(text) => match csv_files::roster(&text) {
            Err(list) => Err(list),
            Ok(rows) => rosters::import(
                &state.store,
                user.account.org_id,
                &rows,
                Some(user.account.id),
                state.clock.now(),
            )
            .await?
            .map_err(|problems| problems.iter().map(ToString::to_string).collect()),
        },
    };
    match outcome {
        Ok(done) => Ok(see_other(&format!(
            "/admin/rosters?shifts={}&people={}&replaced={}&from={}&to={}",
            done.shifts, done.people, done.replaced, done.from, done.to
        ))),
        Err(list) => {
            let page = rosters_view(&state, &user, None, file_refused(list)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
