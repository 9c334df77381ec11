//! The career framework in the API.

use crate::AppState;
use crate::api::ErrorDoc;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::wire::RoleDoc;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use pathwise_storage::catalogue;

/// The career framework routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/roles", get(roles))
}

/// Every role the caller's organisation uses: the core framework and its own.
#[utoipa::path(
    get,
    path = "/api/v1/roles",
    tag = "career framework",
    responses(
        (status = 200, description = "Roles by title", body = Vec<RoleDoc>),
        (status = 401, description = "Not signed in", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn roles(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Vec<RoleDoc>>> {
    let roles = catalogue::roles_for_org(&state.store, user.account.org_id).await?;
    Ok(Json(roles.iter().map(|r| (&r.role).into()).collect()))
}
