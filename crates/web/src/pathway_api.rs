//! Pathways in the JSON API: a learner's pathway, the assessor's inbox and a
//! manager's team progress. The same access rules and the same standing as
//! the pages; answers are read-only (changes go through the pages' forms).

use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::pages::visible_person;
use crate::pathway_pages::{standing_of, team_rows};
use crate::pathway_views::ProgressRow;
use crate::{AppState, today};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use pathwise_domain::pathway::{Stage, is_signed_off};
use pathwise_storage::pathways;
use pathwise_storage::people::Person;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The pathway routes of the API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/pathway", get(my_pathway))
        .route("/api/v1/people/{id}/pathway", get(person_pathway))
        .route("/api/v1/inbox", get(inbox))
        .route("/api/v1/team/progress", get(team_progress))
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
    let today = today();
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
        (status = 401, description = "Not signed in", body = crate::api::ErrorDoc),
        (status = 404, description = "No staff record, or not enrolled", body = crate::api::ErrorDoc),
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
        (status = 401, description = "Not signed in", body = crate::api::ErrorDoc),
        (status = 404, description = "No such person, not one the caller may see, or not enrolled", body = crate::api::ErrorDoc),
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

/// Paging and the learner filter of the inbox.
#[derive(Debug, Deserialize, IntoParams)]
pub struct InboxParams {
    /// Only this learner's evidence (staff record id).
    pub learner: Option<i64>,
    /// At most this many, 1-500 (default 50).
    pub limit: Option<i64>,
    /// Skip this many (default 0).
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
        (status = 401, description = "Not signed in", body = crate::api::ErrorDoc),
        (status = 404, description = "The caller assesses nobody", body = crate::api::ErrorDoc),
        (status = 422, description = "A limit out of range", body = crate::api::ErrorDoc),
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
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(Error::BadRequest(
            "limit: give a number from 1 to 500".into(),
        ));
    }
    let offset = q.offset.unwrap_or(0);
    if offset < 0 {
        return Err(Error::BadRequest("offset: give 0 or more".into()));
    }
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
        (status = 401, description = "Not signed in", body = crate::api::ErrorDoc),
        (status = 404, description = "The caller manages nobody", body = crate::api::ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn team_progress(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ProgressDoc>>> {
    let rows = team_rows(&state, &user, "api/team/progress").await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}
