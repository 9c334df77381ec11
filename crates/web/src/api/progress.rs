//! A line manager's team progress in the API.

use crate::AppState;
use crate::api::ErrorDoc;
use crate::auth::CurrentUser;
use crate::error::Result;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::progress::team_progress_rows;
use crate::views::pathway::ProgressRow;

/// The team progress route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/team/progress", get(team_progress))
}

/// One learner in a team's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressDoc {
    /// Staff record id.
    pub person_id: i64,
    /// Enrolment number.
    pub enrolment_id: i64,
    /// Name.
    pub name: String,
    /// Site.
    pub site: String,
    /// Role title.
    pub role: String,
    /// Pathway and version.
    pub pathway: String,
    /// Current stage 1-4, or 5 when every stage is complete.
    pub stage: u8,
    /// `red`, `amber` or `green`.
    pub status: String,
    /// Why, in words.
    pub reasons: String,
    /// Next review due (YYYY-MM-DD).
    pub next_review: String,
    /// The next review is overdue.
    pub review_overdue: bool,
    /// Evidence waiting for a decision.
    pub evidence_waiting: i64,
    /// Required criteria signed off.
    pub signed_off: usize,
    /// Required criteria.
    pub required: usize,
}

impl From<ProgressRow> for ProgressDoc {
    fn from(r: ProgressRow) -> Self {
        ProgressDoc {
            person_id: r.person_id,
            enrolment_id: r.enrolment_id,
            name: r.name,
            site: r.site,
            role: r.role,
            pathway: r.pathway,
            stage: r.stage,
            status: r.rag.into(),
            reasons: r.reasons,
            next_review: r.next_review.to_string(),
            review_overdue: r.review_overdue,
            evidence_waiting: r.waiting,
            signed_off: r.signed_off,
            required: r.required,
        }
    }
}

/// The caller's team: each enrolled direct report's stage and status (line
/// managers).
#[utoipa::path(
    get,
    path = "/api/v1/team/progress",
    tag = "pathways",
    responses(
        (status = 200, description = "The team's learners by name", body = Vec<ProgressDoc>),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The caller manages nobody", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn team_progress(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ProgressDoc>>> {
    let rows = team_progress_rows(&state, &user, "api/team/progress").await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}
