//! Evidence completeness for L&D admins: criteria accepted against required,
//! by site and role, with exports.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::Result;
use crate::exports::{Cell, Format, Table};
use crate::outcomes::{self, CompletenessGroup};
use crate::views::pathway::*;
use crate::views::*;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use pathwise_domain::access::Disclosure;

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
    let (groups, total) =
        outcomes::completeness_for(state, user.account.org_id, None, Disclosure::Full).await?;
    let row = |g: CompletenessGroup| CompletenessRow {
        site: g.site,
        role: g.role,
        learners: g.learners.unwrap_or_default() as usize,
        accepted: g.accepted.unwrap_or_default() as usize,
        required: g.required.unwrap_or_default() as usize,
        percent: g.percent,
    };
    Ok((groups.into_iter().map(row).collect(), row(total)))
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
