//! Evidence completeness for L&D admins: criteria accepted against required,
//! by site and role, with exports.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::Result;
use crate::exports::{Cell, Format, Table};
use crate::learners::standings;
use crate::views::pathway::*;
use crate::views::*;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use pathwise_domain::metrics::completeness_percent;
use pathwise_storage::pathways::LearnerFilter;
use std::collections::BTreeMap;

/// The completeness page and its exports.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/completeness", get(completeness_page))
        .route(
            "/admin/completeness.csv",
            get(|s, u| completeness_export(s, u, Format::Csv)),
        )
        .route(
            "/admin/completeness.xlsx",
            get(|s, u| completeness_export(s, u, Format::Xlsx)),
        )
}

async fn completeness_rows(
    state: &AppState,
    user: &CurrentUser,
) -> Result<(Vec<CompletenessRow>, CompletenessRow)> {
    auth::require_admin(state, user, "admin/completeness").await?;
    let org_id = user.account.org_id;
    let framework = state.frameworks.get(&state.store, org_id).await?;
    let mut groups: BTreeMap<(String, String), (usize, usize, usize)> = BTreeMap::new();
    for (l, _, s) in standings(state, org_id, LearnerFilter::default()).await? {
        let role = framework
            .roles
            .get(&l.role_code)
            .map_or(l.role_code.clone(), |r| r.title.clone());
        let g = groups.entry((l.site_name.clone(), role)).or_default();
        g.0 += 1;
        g.1 += s.signed_off;
        g.2 += s.required;
    }
    let row = |site: String, role: String, (n, a, r): (usize, usize, usize)| CompletenessRow {
        site,
        role,
        learners: n,
        accepted: a,
        required: r,
        percent: completeness_percent(a, r),
    };
    let total = groups
        .values()
        .fold((0, 0, 0), |t, g| (t.0 + g.0, t.1 + g.1, t.2 + g.2));
    Ok((
        groups
            .into_iter()
            .map(|((site, role), g)| row(site, role, g))
            .collect(),
        row("All sites".into(), "All roles".into(), total),
    ))
}

async fn completeness_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<CompletenessPage> {
    let (rows, total) = completeness_rows(&state, &user).await?;
    Ok(CompletenessPage {
        layout: Layout::for_user("Evidence completeness", &user, "/admin/pathways"),
        rows,
        total,
    })
}

async fn completeness_export(
    State(state): State<AppState>,
    user: CurrentUser,
    format: Format,
) -> Result<Response> {
    let (rows, total) = completeness_rows(&state, &user).await?;
    Table {
        name: "evidence-completeness",
        headers: vec![
            "site",
            "role",
            "learners",
            "criteria_accepted",
            "criteria_required",
            "completeness_percent",
        ],
        rows: rows
            .into_iter()
            .chain([total])
            .map(|r| {
                vec![
                    r.site.into(),
                    r.role.into(),
                    (r.learners as i64).into(),
                    (r.accepted as i64).into(),
                    (r.required as i64).into(),
                    r.percent.map(|p| (p * 10.0).round() / 10.0).into(),
                ]
            })
            .collect::<Vec<Vec<Cell>>>(),
    }
    .respond(format)
}
