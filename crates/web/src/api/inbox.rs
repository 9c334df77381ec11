//! The assessor's inbox in the API, with the learner filter and paging.

use crate::AppState;
use crate::api::ErrorDoc;
use crate::auth::{self, CurrentUser};
use crate::error::Result;
use crate::views::capitalise;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use pathwise_domain::Offset;
use pathwise_domain::input::FieldErrors;
use pathwise_storage::pathways;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The inbox route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/inbox", get(inbox))
}

/// Paging and the learner filter of the inbox.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct InboxParams {
    /// Only this learner's evidence (staff record id).
    pub learner: Option<i64>,
    /// At most this many, 1-500 (default 50).
    pub limit: Option<i64>,
    /// Skip this many, 0-100,000,000 (default 0).
    pub offset: Option<i64>,
}

/// A piece of evidence waiting for a decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingDoc {
    /// Evidence id (its page is `/evidence/{id}`).
    pub id: i64,
    /// The learner's staff record id.
    pub person_id: i64,
    /// The learner's name.
    pub learner: String,
    /// Reflection, file or observed practice.
    pub kind: String,
    /// Its title.
    pub title: String,
    /// The shift or activity it came from.
    pub activity: String,
    /// Criteria it is offered for (keys).
    pub criteria: Vec<String>,
    /// When it was added (YYYY-MM-DD).
    pub added_on: String,
}

/// Evidence waiting for the caller's decision, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxDoc {
    /// How many are waiting in all (with the filter).
    pub total: i64,
    /// This page of them.
    pub items: Vec<WaitingDoc>,
}

/// The caller's inbox: evidence they may decide on, oldest first. Line
/// managers, assessors and L&D admins; never the learner's own evidence.
#[utoipa::path(
    get,
    path = "/api/v1/inbox",
    tag = "pathways",
    params(InboxParams),
    responses(
        (status = 200, description = "Waiting evidence", body = InboxDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The caller assesses nobody", body = ErrorDoc),
        (status = 422, description = "A limit out of range", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn inbox(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<InboxParams>,
) -> Result<Json<InboxDoc>> {
    let Some(mut scope) = auth::inbox_scope(&user.viewer) else {
        return Err(auth::refuse(&state, &user, "api/inbox").await);
    };
    let mut errors = FieldErrors::default();
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        errors.add("limit", "Give a number from 1 to 500");
    }
    let offset = Offset::parse(q.offset.unwrap_or(0)).map_err(|e| capitalise(&e.to_string()));
    if let Err(m) = &offset {
        errors.add("offset", m.as_str());
    }
    let offset = errors.or_ok(|| offset.ok())?.get();
    scope.learner = q.learner;
    let total = pathways::inbox_count(&state.store, scope).await?;
    let items = pathways::inbox(&state.store, scope, limit, offset)
        .await?
        .into_iter()
        .map(|e| WaitingDoc {
            id: e.id,
            person_id: e.person_id,
            learner: e.person_name,
            kind: e.kind.label().into(),
            title: e.title,
            activity: e.activity,
            criteria: e.criteria,
            added_on: e.added_on.to_string(),
        })
        .collect();
    Ok(Json(InboxDoc { total, items }))
}
