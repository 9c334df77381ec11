//! Where to fund training places, for analysts and L&D at system level: run
//! a simulation on a trusts file (saved with its file), see its frontier of
//! shortage filled against regional inequality with the named policies on
//! the same axes, pick a point to see its allocation by region and trust,
//! and export each table. The frontier is worked out again when shown.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::charts;
use crate::csv_files;
use crate::error::{Error, Result};
use crate::exports::{Cell, Format, Table};
use crate::forms::{file_refused, read_csv_upload, see_other, unprocessable};
use crate::views::training_places::*;
use crate::views::{ConfirmPage, Layout, date_time_in_words};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pathwise_domain::frontier::policies::{PolicyPoint, place_all};
use pathwise_domain::frontier::{
    FrontierPoint, Instance, InstanceError, MOST_PLACES_ON_A_PAGE, SCALE, SimulationRequest,
    TRUST_COLUMNS, frontier, places_in_words,
};
use pathwise_domain::input::FieldError;
use pathwise_domain::thousands;
use pathwise_storage::place_simulations::{self, NewSimulation, Simulation};
use serde::Deserialize;
use std::collections::HashMap;

/// The largest trusts file accepted.
const MAX_FILE: usize = 2 * 1024 * 1024;

/// Frontier points listed per page.
const PER_PAGE: usize = 25;

/// The training places routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/training-places",
            get(list_page)
                .post(run_simulation)
                .layer(DefaultBodyLimit::max(MAX_FILE)),
        )
        .route("/training-places/{id}", get(simulation_page))
        .route(
            "/training-places/{id}/delete",
            get(confirm_delete).post(delete_simulation),
        )
        .route("/training-places/{id}/{table}", get(export_table))
}

async fn require(state: &AppState, user: &CurrentUser, what: &str) -> Result<()> {
    if user.viewer.may_simulate_places() {
        Ok(())
    } else {
        Err(auth::refuse(state, user, what).await)
    }
}

fn percentage_points(share: f64) -> String {
    format!("{:.2} percentage points", share * 100.0)
}

fn percent(share: f64) -> String {
    format!("{:.2}%", share * 100.0)
}

#[derive(Deserialize, Default)]
struct ListQuery {
    deleted: Option<String>,
}

async fn list_view(
    state: &AppState,
    user: &CurrentUser,
    typed: &HashMap<String, String>,
    done: Option<String>,
    errors: Vec<FieldError>,
) -> Result<TrainingPlacesPage> {
    let simulations = place_simulations::list(&state.store, user.account.org_id)
        .await?
        .into_iter()
        .map(|s| SimulationRow {
            href: format!("/training-places/{}", s.id),
            name: s.name,
            places: thousands(s.places.into()),
            trusts: s.trusts,
            saved_by: s.saved_by,
            saved_at: date_time_in_words(s.saved_at),
        })
        .collect();
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    Ok(TrainingPlacesPage {
        layout: Layout::for_user("Where to fund training places", user, "/training-places"),
        csrf: user.csrf.clone().unwrap_or_default(),
        simulations,
        done,
        name: get("name"),
        places: get("places"),
        completion: if typed.contains_key("completion") {
            get("completion")
        } else {
            "0.85".into()
        },
        columns: format!(
            "{},support_workers,transition_rate,max_places,completion (the last two optional)",
            TRUST_COLUMNS.join(",")
        ),
        most_places: thousands(MOST_PLACES_ON_A_PAGE.into()),
        errors,
    })
}

async fn list_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    require(&state, &user, "training-places").await?;
    let done = q.deleted.map(|name| format!("{name} deleted."));
    Ok(list_view(&state, &user, &HashMap::new(), done, Vec::new())
        .await?
        .into_response())
}

/// Why the trusts cannot be simulated, at the field to correct.
fn instance_problem(e: &InstanceError) -> FieldError {
    let field = match e {
        InstanceError::TooManyPlaces { .. } | InstanceError::NoPlaces => "places",
        _ => "file",
    };
    let mut message = e.to_string();
    if let Some(first) = message.get(..1) {
        message = first.to_uppercase() + &message[1..];
    }
    FieldError::new(field, &message)
}

async fn run_simulation(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> Result<Response> {
    require(&state, &user, "training-places/run").await?;
    let upload = read_csv_upload(mp).await?;
    user.check_csrf(&upload.csrf)?;
    let typed: HashMap<String, String> = upload.fields.iter().cloned().collect();
    let refuse = |errors: Vec<FieldError>| async {
        let page = list_view(&state, &user, &typed, None, errors).await?;
        Ok::<Response, Error>(unprocessable(page))
    };
    let request = SimulationRequest::parse(&typed);
    let mut errors: Vec<FieldError> = match &request {
        Ok(_) => Vec::new(),
        Err(e) => e.clone().into_list(),
    };
    let trusts = match &upload.text {
        None => {
            errors.push(FieldError::new(
                "file",
                "Choose a trusts file (CSV) to simulate",
            ));
            None
        }
        Some(text) => match csv_files::trusts(text, None) {
            Ok(rows) => Some(rows.into_iter().map(|(_, t)| t).collect::<Vec<_>>()),
            Err(problems) => {
                errors.extend(file_refused(problems));
                None
            }
        },
    };
    let (Ok(request), Some(trusts), true) = (request, trusts, errors.is_empty()) else {
        return refuse(errors).await;
    };
    if let Err(e) = Instance::new(trusts.clone(), request.places, request.completion) {
        return refuse(vec![instance_problem(&e)]).await;
    }
    let id = place_simulations::save(
        &state.store,
        user.account.org_id,
        user.account.id,
        &NewSimulation {
            name: &request.name,
            places: request.places,
            completion: request.completion,
            trusts: &trusts,
        },
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!("/training-places/{id}")))
}

/// A saved simulation worked out.
struct Worked {
    sim: Simulation,
    inst: Instance,
    points: Vec<FrontierPoint>,
    policies: Vec<PolicyPoint>,
}

async fn work_out(state: &AppState, user: &CurrentUser, id: i64, what: &str) -> Result<Worked> {
    require(state, user, what).await?;
    let Some(sim) = place_simulations::get(&state.store, user.account.org_id, id).await? else {
        return Err(auth::refuse(state, user, &format!("simulation:{id}")).await);
    };
    let trusts = sim.trusts.clone();
    let (places, completion) = (sim.summary.places, sim.summary.completion);
    let (inst, points, policies) = tokio::task::spawn_blocking(move || {
        let inst = Instance::new(trusts, places, completion)?;
        let points = frontier(&inst);
        let policies = place_all(&inst, &points);
        Ok::<_, InstanceError>((inst, points, policies))
    })
    .await
    .map_err(|e| Error::Internal(e.into()))?
    .map_err(|e| Error::BadRequest(format!("this simulation cannot be worked out: {e}")))?;
    Ok(Worked {
        sim,
        inst,
        points,
        policies,
    })
}

#[derive(Deserialize, Default)]
struct PointQuery {
    #[serde(default)]
    point: String,
    #[serde(default)]
    page: String,
}

impl PointQuery {
    /// The point asked for (1 when none), or why it cannot be shown.
    fn point(&self, count: usize) -> std::result::Result<usize, FieldError> {
        let text = self.point.trim();
        if text.is_empty() {
            return Ok(1);
        }
        match text.parse::<usize>() {
            Ok(n) if (1..=count).contains(&n) => Ok(n),
            _ => Err(FieldError::new(
                "point",
                &format!("Enter a point from 1 to {count}"),
            )),
        }
    }
}

async fn simulation_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<PointQuery>,
) -> Result<Response> {
    let w = work_out(&state, &user, id, "training-places/view").await?;
    let base = format!("/training-places/{id}");
    let count = w.points.len();
    let (point, errors) = match q.point(count) {
        Ok(p) => (p, Vec::new()),
        Err(e) => (1, vec![e]),
    };
    let chosen = &w.points[point - 1];
    let regions = w.inst.regions();
    let region_rows = regions
        .iter()
        .enumerate()
        .map(|(g, r)| RegionRow {
            name: r.name.clone(),
            support_workers: thousands(r.support_workers),
            rate_now: percent(w.inst.region_rate(g, 0)),
            places: thousands(chosen.outcome.by_region[g]),
            rate_after: percent(w.inst.region_rate(g, chosen.outcome.by_region[g])),
        })
        .collect();
    let mut trust_rows: Vec<(String, String, TrustRow)> = w
        .inst
        .trusts()
        .iter()
        .enumerate()
        .filter(|(i, _)| chosen.places[*i] > 0)
        .map(|(i, t)| {
            (
                t.region.clone(),
                t.org_code.clone(),
                TrustRow {
                    org_code: t.org_code.clone(),
                    region: t.region.clone(),
                    trust_type: t.trust_type.replace('_', " "),
                    places: thousands(chosen.places[i].into()),
                    vacancies: places_in_words(t.vacancies),
                    filled: places_in_words(w.inst.filled(i, chosen.places[i])),
                },
            )
        })
        .collect();
    trust_rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let page = q
        .page
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|p| *p >= 1 && (p - 1) * PER_PAGE < count)
        .unwrap_or((point - 1) / PER_PAGE + 1);
    let link = |p: usize, pg: usize| format!("{base}?point={p}&page={pg}#chosen-point");
    let points = w
        .points
        .iter()
        .enumerate()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|(k, p)| PointRow {
            number: k + 1,
            shortage: places_in_words(p.outcome.shortage),
            inequality: percentage_points(p.outcome.inequality),
            href: link(k + 1, page),
            chosen: k + 1 == point,
        })
        .collect();
    let pages = count.div_ceil(PER_PAGE);
    let first = &w.points[0];
    let last = &w.points[count - 1];
    let as_places = |s: i64| s as f64 / SCALE as f64;
    let chart = charts::frontier(
        &w.points
            .iter()
            .map(|p| (p.outcome.inequality, as_places(p.outcome.shortage)))
            .collect::<Vec<_>>(),
        &w.policies
            .iter()
            .map(|p| {
                (
                    p.policy.name(),
                    p.outcome.inequality,
                    as_places(p.outcome.shortage),
                )
            })
            .collect::<Vec<_>>(),
    );
    let s = &w.sim.summary;
    let page_view = TrainingPlacePage {
        layout: Layout::for_user(s.name.clone(), &user, "/training-places"),
        base: base.clone(),
        summary: format!(
            "{} funded places among {} in {}, {} of places completing unless a trust's file says otherwise.",
            thousands(s.places.into()),
            pathwise_domain::counted(w.inst.trusts().len(), "trust", "trusts"),
            pathwise_domain::counted(regions.len(), "region", "regions"),
            percent(s.completion as f64 / SCALE as f64)
        ),
        saved: format!(
            "Saved by {} on {}.",
            s.saved_by,
            date_time_in_words(s.saved_at)
        ),
        chart,
        figures: vec![
            (
                "Points on the frontier".into(),
                thousands(count as u64),
                "frontier-count".into(),
            ),
            (
                "Most equal".into(),
                format!(
                    "{} places of shortage filled, regional gap {}",
                    places_in_words(first.outcome.shortage),
                    percentage_points(first.outcome.inequality)
                ),
                "frontier-most-equal".into(),
            ),
            (
                "Most shortage filled".into(),
                format!(
                    "{} places, regional gap {}",
                    places_in_words(last.outcome.shortage),
                    percentage_points(last.outcome.inequality)
                ),
                "frontier-most-filled".into(),
            ),
        ],
        policies: w
            .policies
            .iter()
            .map(|p| PolicyRow {
                name: p.policy.name().into(),
                shortage: places_in_words(p.outcome.shortage),
                inequality: percentage_points(p.outcome.inequality),
                shortage_gap: places_in_words(p.shortage_gap),
                inequality_gap: percentage_points(p.inequality_gap),
            })
            .collect(),
        point_count: count,
        point,
        point_typed: if errors.is_empty() {
            point.to_string()
        } else {
            q.point.clone()
        },
        point_words: format!(
            "Point {point} of {count}: {} places of shortage filled, regional gap {}.",
            places_in_words(chosen.outcome.shortage),
            percentage_points(chosen.outcome.inequality)
        ),
        previous_point: (point > 1).then(|| link(point - 1, (point - 2) / PER_PAGE + 1)),
        next_point: (point < count).then(|| link(point + 1, point / PER_PAGE + 1)),
        regions: region_rows,
        trusts: trust_rows.into_iter().map(|(_, _, t)| t).collect(),
        points,
        points_page: format!("Page {page} of {pages}"),
        previous_page: (page > 1)
            .then(|| format!("{base}?point={point}&page={}#frontier-points", page - 1)),
        next_page: (page < pages)
            .then(|| format!("{base}?point={point}&page={}#frontier-points", page + 1)),
        errors,
    };
    Ok(if page_view.errors.is_empty() {
        page_view.into_response()
    } else {
        unprocessable(page_view)
    })
}

async fn export_table(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, table)): Path<(i64, String)>,
    Query(q): Query<PointQuery>,
) -> Result<Response> {
    let Some((name, ext)) = table.rsplit_once('.') else {
        return Err(Error::NotFound);
    };
    let Some(format) = Format::from_extension(ext) else {
        return Err(Error::NotFound);
    };
    if !["frontier", "policies", "allocation"].contains(&name) {
        return Err(Error::NotFound);
    }
    let w = work_out(&state, &user, id, "training-places/export").await?;
    let shares = |v: f64| Cell::from((v * 1e6).round() / 1e6);
    let places = |s: i64| Cell::from(s as f64 / SCALE as f64);
    let t = match name {
        "frontier" => Table {
            name: "frontier",
            headers: vec!["point", "shortage_filled", "inequality"],
            rows: w
                .points
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    vec![
                        Cell::from((k + 1) as i64),
                        places(p.outcome.shortage),
                        shares(p.outcome.inequality),
                    ]
                })
                .collect(),
        },
        "policies" => Table {
            name: "policies",
            headers: vec![
                "policy",
                "shortage_filled",
                "inequality",
                "shortage_gap",
                "inequality_gap",
            ],
            rows: w
                .policies
                .iter()
                .map(|p| {
                    vec![
                        Cell::from(p.policy.name()),
                        places(p.outcome.shortage),
                        shares(p.outcome.inequality),
                        places(p.shortage_gap),
                        shares(p.inequality_gap),
                    ]
                })
                .collect(),
        },
        _ => {
            let point = q
                .point(w.points.len())
                .map_err(|e| Error::BadRequest(e.message))?;
            let chosen = &w.points[point - 1];
            Table {
                name: "allocation",
                headers: vec![
                    "point",
                    "org_code",
                    "region",
                    "trust_type",
                    "places",
                    "registered_vacancies",
                    "shortage_filled",
                ],
                rows: w
                    .inst
                    .trusts()
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        vec![
                            Cell::from(point as i64),
                            Cell::from(t.org_code.as_str()),
                            Cell::from(t.region.as_str()),
                            Cell::from(t.trust_type.as_str()),
                            Cell::from(i64::from(chosen.places[i])),
                            places(t.vacancies),
                            places(w.inst.filled(i, chosen.places[i])),
                        ]
                    })
                    .collect(),
            }
        }
    };
    t.respond(format)
}

async fn confirm_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response> {
    require(&state, &user, "training-places/delete").await?;
    let Some(sim) = place_simulations::get(&state.store, user.account.org_id, id).await? else {
        return Err(auth::refuse(&state, &user, &format!("simulation:{id}")).await);
    };
    Ok(ConfirmPage {
        layout: Layout::for_user("Delete this simulation?", &user, "/training-places"),
        heading: format!("Delete {}?", sim.summary.name),
        message: format!(
            "The simulation and the trusts file it was run on ({}) will be deleted for everyone in your organisation. This cannot be undone; exports already downloaded are not affected.",
            pathwise_domain::counted(sim.trusts.len(), "trust", "trusts")
        ),
        action: format!("/training-places/{id}/delete"),
        fields: Vec::new(),
        button: "Delete the simulation".into(),
        cancel: format!("/training-places/{id}"),
    }
    .into_response())
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn delete_simulation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response> {
    require(&state, &user, "training-places/delete").await?;
    user.check_csrf(&f.csrf)?;
    let Some(sim) = place_simulations::get(&state.store, user.account.org_id, id).await? else {
        return Err(auth::refuse(&state, &user, &format!("simulation:{id}")).await);
    };
    place_simulations::delete(
        &state.store,
        user.account.org_id,
        id,
        user.account.id,
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!(
        "/training-places?deleted={}",
        crate::forms::encode(&sim.summary.name)
    )))
}
