//! The line manager's team: each direct report's role and top next option,
//! sortable, with CSV and XLSX exports.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::exports::{Format, Table};
use crate::learners::{self};
use crate::views::*;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use pathwise_domain::{AppRole, NextOption};
use serde::Deserialize;

/// The team page and its exports.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/team", get(team))
        .route(
            "/team.csv",
            get(|s, u, q| team_export(s, u, q, Format::Csv)),
        )
        .route(
            "/team.xlsx",
            get(|s, u, q| team_export(s, u, q, Format::Xlsx)),
        )
}

#[derive(Deserialize, Default)]
struct SortQuery {
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
}

const TEAM_COLUMNS: [(&str, &str); 5] = [
    ("name", "Name"),
    ("role", "Role"),
    ("band", "Band"),
    ("option", "Top next option"),
    ("readiness", "Readiness"),
];

async fn team_options(state: &AppState, user: &CurrentUser, q: &SortQuery) -> Result<Vec<TeamRow>> {
    if !user.has(AppRole::Manager) {
        return Err(auth::refuse(state, user, "team").await);
    }
    let me = user.account.person_id.ok_or(Error::NotFound)?;
    let mut rows = Vec::new();
    for (p, ranked) in learners::team_ranked(state, me).await? {
        let top = ranked.options.first();
        rows.push(TeamRow {
            id: p.id,
            name: p.name,
            role: ranked.current.title.clone(),
            band: ranked.current.band.to_string(),
            top_option: top.map(|o| o.role.title.clone()),
            readiness: top.map(NextOption::readiness_percent),
        });
    }
    let band_rank = |b: &str| {
        b.parse::<pathwise_domain::Band>()
            .map(|b| b.rank())
            .unwrap_or(0.0)
    };
    rows.sort_by(|a, b| {
        let ord = match q.sort.as_str() {
            "role" => a.role.cmp(&b.role),
            "band" => band_rank(&a.band).total_cmp(&band_rank(&b.band)),
            "option" => a.top_option.cmp(&b.top_option),
            "readiness" => a.readiness.cmp(&b.readiness),
            _ => std::cmp::Ordering::Equal,
        };
        ord.then_with(|| a.name.cmp(&b.name))
    });
    if q.dir == "desc" {
        rows.reverse();
    }
    Ok(rows)
}

async fn team(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SortQuery>,
) -> Result<TeamPage> {
    let rows = team_options(&state, &user, &q).await?;
    let sort = if q.sort.is_empty() {
        "name"
    } else {
        q.sort.as_str()
    };
    let columns = TEAM_COLUMNS
        .iter()
        .map(|(key, label)| {
            let current = *key == sort;
            let desc = current && q.dir == "desc";
            SortLink {
                key,
                label,
                href: format!(
                    "/team?sort={key}&dir={}",
                    if current && !desc { "desc" } else { "asc" }
                ),
                aria_sort: match (current, desc) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
            }
        })
        .collect();
    Ok(TeamPage {
        layout: Layout::for_user("My team", &user, "/team"),
        rows,
        columns,
        csv_href: format!(
            "/team.csv?sort={sort}&dir={}",
            if q.dir == "desc" { "desc" } else { "asc" }
        ),
        xlsx_href: format!(
            "/team.xlsx?sort={sort}&dir={}",
            if q.dir == "desc" { "desc" } else { "asc" }
        ),
    })
}

async fn team_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SortQuery>,
    format: Format,
) -> Result<Response> {
    let rows = team_options(&state, &user, &q).await?;
    Table {
        name: "team",
        headers: vec![
            "person_id",
            "name",
            "role",
            "band",
            "top_next_option",
            "readiness_percent",
        ],
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    r.id.into(),
                    r.name.into(),
                    r.role.into(),
                    r.band.into(),
                    r.top_option.into(),
                    r.readiness.map(i64::from).into(),
                ]
            })
            .collect(),
    }
    .respond(format)
}
