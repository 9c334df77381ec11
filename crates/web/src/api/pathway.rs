//! A learner's pathway in the API: stages, criteria, status and its reasons,
//! under the pages' access rules.

use crate::AppState;
use crate::api::ErrorDoc;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::learners::{standing_of, visible_person};
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use pathwise_domain::pathway::{Stage, is_signed_off};
use pathwise_storage::people::Person;
use serde::Serialize;
use utoipa::ToSchema;

/// The pathway routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/pathway", get(my_pathway))
        .route("/api/v1/people/{id}/pathway", get(person_pathway))
}

/// One stage of a learner's pathway.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageDoc {
    /// 1-4.
    pub number: u8,
    /// Its name, e.g. "Role consolidation".
    pub label: String,
    /// Required criteria signed off.
    pub signed_off: usize,
    /// Required criteria.
    pub required: usize,
    /// Every required criterion signed off.
    pub complete: bool,
}

/// One criterion as it stands for the learner.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionDoc {
    /// Stable key, e.g. `communication`.
    pub key: String,
    /// What must be shown.
    pub title: String,
    /// Stage 1-4.
    pub stage: u8,
    /// Required for its stage.
    pub required: bool,
    /// Due date (YYYY-MM-DD), if it has one.
    pub due: Option<String>,
    /// Past due and not signed off.
    pub overdue: bool,
    /// Signed off now (its latest decision).
    pub signed_off: bool,
}

/// A learner's pathway and where they stand.
#[derive(Debug, Serialize, ToSchema)]
pub struct PathwayDoc {
    /// Staff record id.
    pub person_id: i64,
    /// Enrolment number.
    pub enrolment_id: i64,
    /// Pathway name.
    pub pathway: String,
    /// Template version the learner is on.
    pub version: u32,
    /// Variant, e.g. `theatre`.
    pub variant: Option<String>,
    /// Role aimed at (code).
    pub aim: Option<String>,
    /// Enrolment date (YYYY-MM-DD).
    pub enrolled_on: String,
    /// The stage being worked on; null when every stage is complete.
    pub current_stage: Option<u8>,
    /// `red`, `amber` or `green`.
    pub status: String,
    /// Why, in words.
    pub reasons: Vec<String>,
    /// The rule the status follows.
    pub rule: String,
    /// Next review due (YYYY-MM-DD).
    pub next_review: String,
    /// A workload-pressure flag is open.
    pub workload_flag_open: bool,
    /// Required criteria signed off, over all stages.
    pub signed_off: usize,
    /// Required criteria, over all stages.
    pub required: usize,
    /// The four stages.
    pub stages: Vec<StageDoc>,
    /// Every criterion that applies to the learner.
    pub criteria: Vec<CriterionDoc>,
}

async fn pathway_doc(state: &AppState, person: &Person) -> Result<PathwayDoc> {
    let (learner, template, st) = standing_of(state, person).await?.ok_or(Error::NotFound)?;
    let today = state.clock.today();
    let enrolled_on = learner.enrolment.enrolled_on;
    Ok(PathwayDoc {
        person_id: person.id,
        enrolment_id: learner.enrolment.id,
        pathway: template.name.clone(),
        version: template.version,
        variant: learner.enrolment.variant.clone(),
        aim: learner.enrolment.aim.clone(),
        enrolled_on: enrolled_on.to_string(),
        current_stage: st.current.map(Stage::number),
        status: st.rag.code().into(),
        reasons: st.rag.reasons().to_vec(),
        rule: pathwise_domain::pathway::RAG_RULE.into(),
        next_review: st.next_review.to_string(),
        workload_flag_open: st.workload_open,
        signed_off: st.signed_off,
        required: st.required,
        stages: st
            .stages
            .iter()
            .map(|s| StageDoc {
                number: s.stage.number(),
                label: s.stage.label().into(),
                signed_off: s.signed_off,
                required: s.required,
                complete: s.complete,
            })
            .collect(),
        criteria: st
            .template
            .criteria
            .iter()
            .map(|c| CriterionDoc {
                key: c.key.clone(),
                title: c.title.clone(),
                stage: c.stage.number(),
                required: c.required,
                due: c.due_on(enrolled_on).map(|d| d.to_string()),
                overdue: c.overdue(enrolled_on, today, &learner.decisions),
                signed_off: is_signed_off(&c.key, &learner.decisions),
            })
            .collect(),
    })
}

/// The signed-in learner's pathway.
#[utoipa::path(
    get,
    path = "/api/v1/me/pathway",
    tag = "pathways",
    responses(
        (status = 200, description = "Stages, criteria and status", body = PathwayDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "No staff record, or not enrolled", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn my_pathway(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<PathwayDoc>> {
    let id = user.account.person_id.ok_or(Error::NotFound)?;
    let person = visible_person(&state, &user, id).await?;
    Ok(Json(pathway_doc(&state, &person).await?))
}

/// A learner's pathway: the learner, their line manager, an assessor at their
/// site or an L&D admin of their organisation.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/pathway",
    tag = "pathways",
    params(("id" = i64, Path, description = "Staff record id")),
    responses(
        (status = 200, description = "Stages, criteria and status", body = PathwayDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "No such person, not one the caller may see, or not enrolled", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn person_pathway(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<PathwayDoc>> {
    let person = visible_person(&state, &user, id).await?;
    Ok(Json(pathway_doc(&state, &person).await?))
}
