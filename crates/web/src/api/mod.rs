//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/openapi.json`, one module per feature. It accepts the signed-in
//! session cookie or a personal API token (`Authorization: Bearer ...`) and
//! follows the same access rules as the pages: the answers are built by the
//! same service modules.

pub mod catalogue;
pub mod inbox;
pub mod levy;
pub mod next_options;
pub mod outcomes;
pub mod pathway;
pub mod progress;

use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// The API routes, `/healthz` and the OpenAPI document.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(next_options::router())
        .merge(catalogue::router())
        .merge(pathway::router())
        .merge(inbox::router())
        .merge(progress::router())
        .merge(outcomes::router())
        .merge(levy::router())
        .route("/api/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
}

/// An error answer.
#[derive(Serialize, ToSchema)]
pub struct ErrorDoc {
    /// What went wrong, in words.
    pub error: String,
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
        next_options::my_next_options,
        next_options::person_next_options,
        catalogue::roles,
        pathway::my_pathway,
        pathway::person_pathway,
        inbox::inbox,
        progress::team_progress,
        outcomes::retention,
        outcomes::progression,
        outcomes::competence,
        outcomes::equity_progression,
        outcomes::satisfaction,
        outcomes::equity_bands,
        outcomes::equity_recruitment,
        levy::levy_forecast,
        healthz
    ),
    modifiers(&Security)
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
