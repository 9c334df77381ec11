//! The outcomes page for L&D and analysts: retention of the staff selected,
//! with its chart, table and exports. L&D sees the organisation's figures in
//! full; an analyst only under disclosure control.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::charts;
use crate::error::{Error, Result};
use crate::exports::{Cell, Format, Table};
use crate::forms::encode;
use crate::learners;
use crate::outcomes::{self, OutcomeQuery, RetentionAnswer};
use crate::views::outcomes::*;
use crate::views::{Choice, Layout};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pathwise_domain::StaffGroup;
use pathwise_domain::access::Disclosure;
use pathwise_domain::outcomes::{RetentionGroup, RetentionPoint};
use pathwise_storage::people;

/// The outcomes routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outcomes", get(outcomes_page))
        .route(
            "/outcomes/retention.csv",
            get(|s, u, q| retention_export(s, u, q, Format::Csv)),
        )
        .route(
            "/outcomes/retention.xlsx",
            get(|s, u, q| retention_export(s, u, q, Format::Xlsx)),
        )
}

fn group_label(g: &RetentionGroup) -> String {
    match g.group {
        "all" => "Everyone selected".into(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn reading(p: &RetentionPoint) -> String {
    match (p.survival, p.low, p.high) {
        (Some(s), Some(l), Some(h)) => format!("{} ({} to {})", percent(s), percent(l), percent(h)),
        _ => "suppressed".into(),
    }
}

fn count(n: Option<u64>) -> String {
    n.map_or("*".into(), |n| n.to_string())
}

fn disclosure_words(d: Disclosure) -> String {
    match d {
        Disclosure::Full => "Your organisation's own figures, unrounded. Groups are never split by a protected characteristic here.".into(),
        Disclosure::Controlled => "Disclosure control is on: counts of 1 to 7 are shown as *, other counts are rounded to the nearest 5, and a reading resting on 1 to 7 people still in post is suppressed.".into(),
    }
}

fn query_string(q: &OutcomeQuery) -> String {
    format!(
        "site={}&role={}&staff_group={}&pathway={}&role_class={}&as_of={}",
        encode(&q.site),
        encode(&q.role),
        encode(&q.staff_group),
        encode(&q.pathway),
        encode(&q.role_class),
        encode(&q.as_of)
    )
}

async fn outcomes_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
) -> Result<Response> {
    let disclosure = outcomes::disclosure(&state, &user, "outcomes").await?;
    let org = user.account.org_id;
    let (answer, errors) = match outcomes::selection(&state, org, &q).await {
        Ok(selection) => (
            Some(
                outcomes::retention_for(&state, user.account.org_id, selection, disclosure).await?,
            ),
            Vec::new(),
        ),
        Err(Error::Invalid(e)) => (None, e.into_list()),
        Err(e) => return Err(e),
    };
    let framework = state.frameworks.get(&state.store, org).await?;
    let mut roles: Vec<(String, String)> = framework
        .roles
        .values()
        .map(|r| (r.title.clone(), r.code.clone()))
        .collect();
    roles.sort();
    let any = |label: &str, none: bool| Choice::new("", label, none);
    let sites = std::iter::once(any("Any site", q.site.is_empty()))
        .chain(
            people::sites(&state.store, org)
                .await?
                .into_iter()
                .map(|s| Choice::new(s.code.clone(), s.name, s.code == q.site)),
        )
        .collect();
    let roles = std::iter::once(any("Any role", q.role.is_empty()))
        .chain(roles.into_iter().map(|(t, c)| {
            let selected = c == q.role;
            Choice::new(c, t, selected)
        }))
        .collect();
    let staff_groups = std::iter::once(any("Any staff group", q.staff_group.is_empty()))
        .chain(
            StaffGroup::ALL
                .into_iter()
                .map(|g| Choice::new(g.name(), g.name(), g.name() == q.staff_group)),
        )
        .collect();
    let pathways = std::iter::once(any("Anyone", q.pathway.is_empty()))
        .chain(
            learners::latest_versions(&state, org)
                .await?
                .into_iter()
                .map(|(_, t)| {
                    let selected = t.code == q.pathway;
                    Choice::new(t.code, format!("Ever enrolled on {}", t.name), selected)
                }),
        )
        .collect();
    let class = if q.role_class.is_empty() {
        "csw"
    } else {
        q.role_class.as_str()
    };
    let role_classes = [
        ("csw", "Support workers"),
        ("registered", "Registered professions"),
        ("other", "Everyone else"),
        ("any", "All staff"),
    ]
    .into_iter()
    .map(|(v, l)| Choice::new(v, l, v == class))
    .collect();
    let today = state.clock.today();
    let as_of = answer.as_ref().map_or(today, |a| a.selection.as_of);
    let retention = answer.as_ref().map_or_else(Vec::new, rows);
    let chart = answer.as_ref().and_then(chart);
    let page = OutcomesPage {
        layout: Layout::for_user("Outcomes", &user, "/outcomes"),
        sites,
        roles,
        staff_groups,
        pathways,
        role_classes,
        as_of: if q.as_of.is_empty() {
            as_of.to_string()
        } else {
            q.as_of.clone()
        },
        as_of_words: as_of.in_words(),
        disclosure: disclosure_words(disclosure),
        retention,
        chart,
        query: query_string(&q),
        errors,
    };
    Ok(if page.errors.is_empty() {
        page.into_response()
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    })
}

fn rows(a: &RetentionAnswer) -> Vec<RetentionRow> {
    a.groups
        .iter()
        .map(|g| RetentionRow {
            group: group_label(g),
            people: count(g.people),
            readings: g.points.iter().map(reading).collect(),
            leavers: count(g.points.last().and_then(|p| p.events)),
        })
        .collect()
}

fn chart(a: &RetentionAnswer) -> Option<String> {
    if a.curve.is_empty() {
        return None;
    }
    let months: Vec<(f64, f64)> = a
        .curve
        .iter()
        .map(|(d, s)| (f64::from(*d) / 30.44, *s))
        .collect();
    charts::share_lines(
        "Still in post, everyone selected",
        "Months since start",
        &[("Everyone selected", months)],
    )
}

async fn retention_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
    format: Format,
) -> Result<Response> {
    let disclosure = outcomes::disclosure(&state, &user, "outcomes/export").await?;
    let selection = outcomes::selection(&state, user.account.org_id, &q).await?;
    let a = outcomes::retention_for(&state, user.account.org_id, selection, disclosure).await?;
    let as_of = a.selection.as_of.to_string();
    let controlled = if a.controlled { "on" } else { "off" };
    let mut table = Table {
        name: "retention",
        headers: vec![
            "as_of",
            "group",
            "months",
            "people",
            "at_risk",
            "events",
            "survival",
            "low",
            "high",
            "disclosure_control",
        ],
        rows: Vec::new(),
    };
    let n = |v: Option<u64>| Cell::from(v.map(|n| n as i64));
    for g in &a.groups {
        for p in &g.points {
            table.rows.push(vec![
                as_of.clone().into(),
                g.group.into(),
                i64::from(p.months).into(),
                n(g.people),
                n(p.at_risk),
                n(p.events),
                p.survival.into(),
                p.low.into(),
                p.high.into(),
                controlled.into(),
            ]);
        }
    }
    table.respond(format)
}
