//! The audit trail for L&D admins: filtered by action, paged, exported.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::Result;
use crate::exports::{Format, Table};
use crate::forms::encode;
use crate::views::*;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use pathwise_domain::PageNumber;
use pathwise_storage::audit;
use serde::Deserialize;

/// The audit trail page and its exports.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(audit_page))
        .route(
            "/admin/audit.csv",
            get(|s, u, q| audit_export(s, u, q, Format::Csv)),
        )
        .route(
            "/admin/audit.xlsx",
            get(|s, u, q| audit_export(s, u, q, Format::Xlsx)),
        )
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    page: PageNumber,
}

const AUDIT_PER_PAGE: u32 = 50;

async fn audit_rows(
    state: &AppState,
    user: &CurrentUser,
    q: &AuditQuery,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>> {
    if !user.viewer.may_edit_framework() {
        return Err(auth::refuse(state, user, "audit").await);
    }
    let action = (!q.action.is_empty()).then_some(q.action.as_str());
    Ok(
        audit::list(&state.store, user.account.org_id, action, limit, offset)
            .await?
            .into_iter()
            .map(|e| AuditRow {
                at: date_time(e.at),
                action: e.action,
                subject: e.subject,
                detail: e.detail,
            })
            .collect(),
    )
}

async fn audit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<AuditPage> {
    let page = q.page;
    let mut rows = audit_rows(
        &state,
        &user,
        &q,
        i64::from(AUDIT_PER_PAGE) + 1,
        page.offset(AUDIT_PER_PAGE) as i64,
    )
    .await?;
    let more = rows.len() > AUDIT_PER_PAGE as usize;
    rows.truncate(AUDIT_PER_PAGE as usize);
    let link = |p: PageNumber| format!("/admin/audit?action={}&page={p}", encode(&q.action));
    Ok(AuditPage {
        layout: Layout::for_user("Audit trail", &user, "/admin/audit"),
        rows,
        action: q.action.clone(),
        page,
        next_href: page
            .next(AUDIT_PER_PAGE, u64::MAX)
            .filter(|_| more)
            .map(link),
        prev_href: page.previous().map(link),
    })
}

async fn audit_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
    format: Format,
) -> Result<Response> {
    let rows = audit_rows(&state, &user, &q, 100_000, 0).await?;
    Table {
        name: "audit",
        headers: vec!["at_utc", "action", "subject", "detail"],
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    r.at.into(),
                    r.action.into(),
                    r.subject.into(),
                    r.detail.into(),
                ]
            })
            .collect(),
    }
    .respond(format)
}
