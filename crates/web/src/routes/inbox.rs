//! The assessor's inbox: evidence waiting for their decision, their own
//! team's first and then oldest first, with whose it is explained, filtered
//! by learner, paged and exported.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::exports::{Format, Table};
use crate::forms::PAGE_SIZE;
use crate::views::pathway::*;
use crate::views::*;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use pathwise_domain::PageNumber;
use pathwise_storage::pathways::{self, InboxScope};
use pathwise_storage::people;
use serde::Deserialize;

/// The inbox page and its exports.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox_page))
        .route(
            "/inbox.csv",
            get(|s, u, q| inbox_export(s, u, q, Format::Csv)),
        )
        .route(
            "/inbox.xlsx",
            get(|s, u, q| inbox_export(s, u, q, Format::Xlsx)),
        )
}

#[derive(Deserialize, Default)]
struct InboxQuery {
    #[serde(default)]
    page: PageNumber,
    /// A learner's staff record id; empty for everyone.
    #[serde(default)]
    learner: String,
}

impl InboxQuery {
    fn learner(&self) -> Result<Option<i64>> {
        let v = self.learner.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse()
            .map(Some)
            .map_err(|_| Error::BadRequest(format!("learner: '{v}' is not a staff record number")))
    }
}

async fn inbox_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<InboxQuery>,
) -> Result<InboxPage> {
    let Some(mut scope) = auth::inbox_scope(&user.viewer) else {
        return Err(auth::refuse(&state, &user, "inbox").await);
    };
    let learner = q.learner()?;
    let waiting = pathways::inbox_learners(&state.store, scope).await?;
    let learners = std::iter::once(Choice {
        value: String::new(),
        label: "Everyone".into(),
        selected: learner.is_none(),
    })
    .chain(waiting.iter().map(|(id, name, n)| Choice {
        value: id.to_string(),
        label: format!("{name} ({n})"),
        selected: learner == Some(*id),
    }))
    .collect();
    scope.learner = learner;
    let page = q.page;
    let total = pathways::inbox_count(&state.store, scope).await?;
    let items = pathways::inbox(
        &state.store,
        scope,
        i64::from(PAGE_SIZE),
        page.offset(PAGE_SIZE) as i64,
    )
    .await?;
    let filter = learner.map(|l| format!("&learner={l}")).unwrap_or_default();
    let team: Vec<i64> = match scope.reports_of {
        Some(me) => people::reports_of(&state.store, me)
            .await?
            .iter()
            .map(|p| p.id)
            .collect(),
        None => Vec::new(),
    };
    let scope_note = scope_note(&state, scope, team.len()).await?;
    Ok(InboxPage {
        scope_note,
        team,
        layout: Layout::for_user("Evidence to review", &user, "/inbox"),
        items,
        total,
        page,
        prev_href: page.previous().map(|p| format!("/inbox?page={p}{filter}")),
        next_href: page
            .next(PAGE_SIZE, total.max(0) as u64)
            .map(|p| format!("/inbox?page={p}{filter}")),
        learners,
        learner,
        export_query: learner.map(|l| format!("?learner={l}")).unwrap_or_default(),
    })
}

/// Whose evidence reaches this inbox and why, in words.
async fn scope_note(state: &AppState, scope: InboxScope, team: usize) -> Result<String> {
    let site = match scope.site {
        Some(id) => people::sites(&state.store, scope.org_id)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .map(|s| s.name),
        None => None,
    };
    let team = match team {
        1 => "the one person you line-manage".to_string(),
        n => format!("the {n} people you line-manage"),
    };
    Ok(match (scope.whole_organisation, scope.reports_of, site) {
        (true, Some(_), _) => format!(
            "As L&D lead you see evidence from everyone in the organisation. Evidence from {team} comes first, then the rest, oldest first."
        ),
        (true, None, _) => {
            "As L&D lead you see evidence from everyone in the organisation, oldest first.".into()
        }
        (false, Some(_), Some(site)) => format!(
            "Evidence from {team} comes first. After it comes evidence from everyone else at {site}, because you are an assessor there. Each part is oldest first."
        ),
        (false, None, Some(site)) => format!(
            "You see evidence from everyone at {site}, because you are an assessor there, oldest first."
        ),
        _ => format!("You see evidence from {team}, oldest first."),
    })
}

async fn inbox_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<InboxQuery>,
    format: Format,
) -> Result<Response> {
    let Some(mut scope) = auth::inbox_scope(&user.viewer) else {
        return Err(auth::refuse(&state, &user, "inbox").await);
    };
    scope.learner = q.learner()?;
    let items = pathways::inbox(&state.store, scope, 100_000, 0).await?;
    Table {
        name: "evidence-to-review",
        headers: vec![
            "evidence_id",
            "learner",
            "kind",
            "title",
            "activity",
            "criteria",
            "added_on",
        ],
        rows: items
            .into_iter()
            .map(|e| {
                vec![
                    e.id.into(),
                    e.person_name.into(),
                    e.kind.label().into(),
                    e.title.into(),
                    e.activity.into(),
                    e.criteria.join("; ").into(),
                    e.added_on.to_string().into(),
                ]
            })
            .collect(),
    }
    .respond(format)
}
