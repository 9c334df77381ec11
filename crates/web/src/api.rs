//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/openapi.json`. It accepts the signed-in session cookie or a personal
//! API token (`Authorization: Bearer ...`) and follows the same access rules
//! as the pages: the answers are built by the same code.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::pages::options_for;
use crate::wire::{NextOptionsDoc, RoleDoc};
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use pathwise_storage::catalogue;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// The API routes, `/healthz` and the OpenAPI document.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/next-options", get(my_next_options))
        .route("/api/v1/people/{id}/next-options", get(person_next_options))
        .route("/api/v1/roles", get(roles))
        .route("/api/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
}

/// An error answer.
#[derive(Serialize, ToSchema)]
pub struct ErrorDoc {
    /// What went wrong, in words.
    pub error: String,
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
async fn my_next_options(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<NextOptionsDoc>> {
    let id = user.account.person_id.ok_or(Error::NotFound)?;
    Ok(Json(options_for(&state, &user, id).await?))
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
async fn person_next_options(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<NextOptionsDoc>> {
    Ok(Json(options_for(&state, &user, id).await?))
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
async fn roles(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Vec<RoleDoc>>> {
    let roles = catalogue::roles_for_org(&state.store, user.account.org_id).await?;
    Ok(Json(roles.iter().map(|r| (&r.role).into()).collect()))
}

/// Health of the service and its database.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `degraded`.
    pub status: &'static str,
    /// `ok` or `unreachable`.
    pub database: &'static str,
}

/// Whether the service and its database are up (no sign-in needed).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn healthz(State(state): State<AppState>) -> (axum::http::StatusCode, Json<Health>) {
    if state.store.ping().await {
        (
            axum::http::StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok",
            }),
        )
    } else {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "degraded",
                database: "unreachable",
            }),
        )
    }
}

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Pathwise API", description = "Career options, requirements and who helps, and progression pathways, for NHS support workers."),
    paths(
        my_next_options,
        person_next_options,
        roles,
        crate::pathway_api::my_pathway,
        crate::pathway_api::person_pathway,
        crate::pathway_api::inbox,
        crate::pathway_api::team_progress,
        healthz
    ),
    modifiers(&Security)
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
