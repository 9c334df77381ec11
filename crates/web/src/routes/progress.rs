//! Team progress for line managers: each enrolled direct report's stage and
//! status, the reviews due, exports.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::exports::Format;
use crate::views::pathway::*;
use crate::views::*;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;

use crate::progress::{PageQuery, progress_page, progress_table, team_progress_rows};

/// The team progress page and its exports.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/team/progress", get(team_progress))
        .route(
            "/team/progress.csv",
            get(|s, u| team_progress_export(s, u, Format::Csv)),
        )
        .route(
            "/team/progress.xlsx",
            get(|s, u| team_progress_export(s, u, Format::Xlsx)),
        )
}

async fn team_progress(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<ProgressPage> {
    let rows = team_progress_rows(&state, &user, "team/progress").await?;
    Ok(progress_page(
        Layout::for_user("Team progress", &user, "/team/progress"),
        "/team/progress",
        state.clock.today(),
        rows,
        &q,
        None,
        Vec::new(),
    ))
}

async fn team_progress_export(
    State(state): State<AppState>,
    user: CurrentUser,
    format: Format,
) -> Result<Response> {
    let rows = team_progress_rows(&state, &user, "team/progress").await?;
    progress_table("team-progress", rows).respond(format)
}
