//! Learners' progress rows, for a manager's team or a whole organisation:
//! the page (summary by stage and status, reviews due, paging) and the
//! export table, shared by team progress, the admin's enrolments and the API.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::Result;
use crate::exports::Table;
use crate::forms::PAGE_SIZE;
use crate::learners::standings;
use crate::views::pathway::{EnrolmentAdmin, ProgressPage, ProgressRow};
use crate::views::{FieldError, Layout};
use pathwise_domain::pathway::{RAG_RULE, Stage, review_due_soon};
use pathwise_domain::{AppRole, Date, PageNumber};
use pathwise_storage::pathways::{self, LearnerFilter};
use serde::Deserialize;
use std::collections::HashMap;

/// `?page=N&rag=red|amber|green` on a progress table.
#[derive(Deserialize, Default)]
pub struct PageQuery {
    /// The page, from 1.
    #[serde(default)]
    pub page: PageNumber,
    /// Only learners with this status; empty for all.
    #[serde(default)]
    pub rag: String,
}

/// Each learner the filter picks, as a progress row with their enrolment id.
pub async fn progress_rows(
    state: &AppState,
    org_id: i64,
    filter: LearnerFilter,
) -> Result<Vec<(ProgressRow, i64)>> {
    let framework = state.frameworks.get(&state.store, org_id).await?;
    let versions: HashMap<i64, (String, u32)> = pathways::versions(&state.store, org_id)
        .await?
        .into_iter()
        .map(|v| (v.id, (v.name, v.version)))
        .collect();
    let today = state.clock.today();
    Ok(standings(state, org_id, filter)
        .await?
        .into_iter()
        .map(|(l, _, s)| {
            let (stage, stage_label) = match s.current {
                Some(st) => (st.number(), st.label().to_string()),
                None => (5, "All stages complete".to_string()),
            };
            let row = ProgressRow {
                person_id: l.enrolment.person_id,
                enrolment_id: l.enrolment.id,
                name: l.name.clone(),
                site: l.site_name.clone(),
                role: framework
                    .roles
                    .get(&l.role_code)
                    .map_or(l.role_code.clone(), |r| r.title.clone()),
                pathway: versions
                    .get(&l.enrolment.version_id)
                    .map_or(String::new(), |(n, v)| format!("{n} v{v}")),
                stage,
                stage_label,
                rag: s.rag.code(),
                reasons: s.rag.reasons().join("; "),
                next_review: s.next_review,
                review_overdue: s.next_review < today,
                waiting: l.evidence_waiting,
                signed_off: s.signed_off,
                required: s.required,
            };
            (row, l.enrolment.id)
        })
        .collect())
}

/// Learners per stage and per status, for the summary above a progress table.
type Summary = (Vec<(String, usize)>, Vec<(&'static str, usize)>);

fn summarise(rows: &[ProgressRow]) -> Summary {
    let mut by_stage = Vec::new();
    for (n, label) in Stage::ALL
        .iter()
        .map(|s| (s.number(), format!("Stage {}: {}", s.number(), s.label())))
        .chain([(5, "All stages complete".to_string())])
    {
        by_stage.push((label, rows.iter().filter(|r| r.stage == n).count()));
    }
    let by_rag = ["red", "amber", "green"]
        .into_iter()
        .map(|c| (c, rows.iter().filter(|r| r.rag == c).count()))
        .collect();
    (by_stage, by_rag)
}

/// Progress rows as a downloadable table named `name`.
pub fn progress_table(name: &'static str, rows: Vec<ProgressRow>) -> Table {
    Table {
        name,
        headers: vec![
            "person_id",
            "enrolment_id",
            "name",
            "site",
            "role",
            "pathway",
            "stage",
            "stage_name",
            "status",
            "reasons",
            "next_review",
            "evidence_waiting",
            "criteria_signed_off",
            "criteria_required",
        ],
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    r.person_id.into(),
                    r.enrolment_id.into(),
                    r.name.into(),
                    r.site.into(),
                    r.role.into(),
                    r.pathway.into(),
                    i64::from(r.stage).into(),
                    r.stage_label.into(),
                    r.rag.into(),
                    r.reasons.into(),
                    r.next_review.to_string().into(),
                    r.waiting.into(),
                    (r.signed_off as i64).into(),
                    (r.required as i64).into(),
                ]
            })
            .collect(),
    }
}

fn reviews_due(rows: &[ProgressRow], today: Date) -> Vec<ProgressRow> {
    let mut due: Vec<ProgressRow> = rows
        .iter()
        .filter(|r| review_due_soon(r.next_review, today))
        .cloned()
        .collect();
    due.sort_by_key(|r| r.next_review);
    due
}

fn manager_of(user: &CurrentUser) -> Option<i64> {
    user.account
        .person_id
        .filter(|_| user.has(AppRole::Manager))
}

/// The progress of the caller's team (their enrolled direct reports), or a
/// refusal, audited under `subject`, when the caller manages nobody.
pub async fn team_progress_rows(
    state: &AppState,
    user: &CurrentUser,
    subject: &str,
) -> Result<Vec<ProgressRow>> {
    let Some(me) = manager_of(user) else {
        return Err(auth::refuse(state, user, subject).await);
    };
    let filter = LearnerFilter {
        manager_id: Some(me),
        person_id: None,
        ..Default::default()
    };
    let rows = progress_rows(state, user.account.org_id, filter).await?;
    Ok(rows.into_iter().map(|(r, _)| r).collect())
}

/// A progress page: the summary of all `rows`, then the page of them the
/// query asks for (filtered by status).
pub fn progress_page(
    layout: Layout,
    stem: &str,
    today: Date,
    rows: Vec<ProgressRow>,
    q: &PageQuery,
    admin: Option<EnrolmentAdmin>,
    errors: Vec<FieldError>,
) -> ProgressPage {
    let (by_stage, by_rag) = summarise(&rows);
    let due = reviews_due(&rows, today);
    let filtered: Vec<ProgressRow> = rows
        .into_iter()
        .filter(|r| q.rag.is_empty() || r.rag == q.rag)
        .collect();
    let total = filtered.len();
    let page = q.page;
    let shown = filtered
        .into_iter()
        .skip(page.offset(PAGE_SIZE) as usize)
        .take(PAGE_SIZE as usize)
        .collect();
    let link = |p: PageNumber| format!("{stem}?page={p}&rag={}", q.rag);
    ProgressPage {
        heading: layout.title.clone(),
        layout,
        rows: shown,
        by_stage,
        by_rag,
        reviews_due: due,
        export_stem: stem.to_string(),
        rag_rule: RAG_RULE,
        filter: q.rag.clone(),
        page,
        prev_href: page.previous().map(link),
        next_href: page.next(PAGE_SIZE, total as u64).map(link),
        total,
        errors,
        admin,
    }
}
