//! The organisation's workforce outcomes in the API, under the same rules
//! as the outcomes page (L&D in full, an analyst under disclosure control).

use crate::AppState;
use crate::api::ErrorDoc;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::outcomes::{self, OutcomeQuery, RetentionAnswer};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

/// The outcome routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/outcomes/retention", get(retention))
}

/// Retention at one reading.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionPointDoc {
    /// Months from start: 6, 12 or 18 (read at 182, 365 and 548 days).
    pub months: u32,
    /// People still at risk at the last leaving on or before the reading (null when suppressed).
    pub at_risk: Option<u64>,
    /// Leavers on or before the reading (null when suppressed).
    pub events: Option<u64>,
    /// Share still in post (Kaplan-Meier), null when suppressed.
    pub survival: Option<f64>,
    /// Lower end of the 95% Greenwood interval.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
}

/// One group's retention.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionGroupDoc {
    /// `all` (everyone selected), `on a pathway` or `not on a pathway`.
    pub group: String,
    /// People in the group (null when suppressed).
    pub people: Option<u64>,
    /// Whether the group's figures are under disclosure control.
    pub disclosure_control: bool,
    /// The readings.
    pub points: Vec<RetentionPointDoc>,
}

/// Retention of the staff selected.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionDoc {
    /// The as-of date (YYYY-MM-DD).
    pub as_of: String,
    /// The groups.
    pub groups: Vec<RetentionGroupDoc>,
}

/// Retention of the organisation's staff at 6, 12 and 18 months from their
/// start date (Kaplan-Meier on days in post, Greenwood intervals), for
/// everyone selected and for those on a pathway against the others. L&D
/// admins; analysts get the figures under disclosure control.
#[utoipa::path(
    get,
    path = "/api/v1/outcomes/retention",
    tag = "outcomes",
    params(
        ("site" = Option<String>, Query, description = "A site code"),
        ("role" = Option<String>, Query, description = "Role code at start"),
        ("staff_group" = Option<String>, Query, description = "Staff group name"),
        ("pathway" = Option<String>, Query, description = "Pathway code: people ever enrolled on it"),
        ("role_class" = Option<String>, Query, description = "csw (default), registered, other or any"),
        ("as_of" = Option<String>, Query, description = "YYYY-MM-DD, default today"),
    ),
    responses(
        (status = 200, description = "Retention by group", body = RetentionDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The caller may not see outcome figures", body = ErrorDoc),
        (status = 422, description = "A bad selection, by field", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn retention(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
) -> Result<Json<RetentionDoc>> {
    let disclosure = outcomes::disclosure(&state, &user, "api/outcomes/retention").await?;
    let selection = outcomes::selection(&state, user.account.org_id, &q).await?;
    let a = outcomes::retention_for(&state, user.account.org_id, selection, disclosure).await?;
    Ok(Json(a.into()))
}

impl From<RetentionAnswer> for RetentionDoc {
    fn from(a: RetentionAnswer) -> Self {
        RetentionDoc {
            as_of: a.selection.as_of.to_string(),
            groups: a
                .groups
                .into_iter()
                .map(|g| RetentionGroupDoc {
                    group: g.group.to_string(),
                    people: g.people,
                    disclosure_control: g.controlled,
                    points: g
                        .points
                        .into_iter()
                        .map(|p| RetentionPointDoc {
                            months: p.months,
                            at_risk: p.at_risk,
                            events: p.events,
                            survival: p.survival,
                            low: p.low,
                            high: p.high,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
