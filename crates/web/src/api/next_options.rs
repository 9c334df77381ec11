//! Next options in the API: the caller's own and a person's they may see.

use crate::AppState;
use crate::api::ErrorDoc;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::learners::{self};
use crate::wire::NextOptionsDoc;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

/// The next-options routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/next-options", get(my_next_options))
        .route("/api/v1/people/{id}/next-options", get(person_next_options))
}

/// The signed-in person's next three options.
#[utoipa::path(
    get,
    path = "/api/v1/me/next-options",
    tag = "next options",
    responses(
        (status = 200, description = "Up to three ranked options", body = NextOptionsDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The account has no staff record", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn my_next_options(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<NextOptionsDoc>> {
    let id = user.account.person_id.ok_or(Error::NotFound)?;
    Ok(Json(learners::options_for(&state, &user, id).await?))
}

/// A person's next three options: the person themself, their line manager,
/// an assessor at their site or an L&D admin of their organisation.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/next-options",
    tag = "next options",
    params(("id" = i64, Path, description = "Staff record id")),
    responses(
        (status = 200, description = "Up to three ranked options", body = NextOptionsDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "No such person, or not one the caller may see", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn person_next_options(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<NextOptionsDoc>> {
    Ok(Json(learners::options_for(&state, &user, id).await?))
}
