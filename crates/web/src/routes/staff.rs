//! Staff records for L&D: upload an extract from the staff record system,
//! see what it will do (new, changed, leaving), and confirm it. Every row is
//! checked before the summary; the import is all or nothing.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::Result;
use crate::forms::{CsvUpload, file_refused, plural, read_csv_upload, see_other, unprocessable};
use crate::staff_import;
use crate::views::Layout;
use crate::views::staff::*;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::input::FieldError;
use pathwise_domain::staff::{COLUMNS, Change, PlannedRecord, StaffPlan};
use serde::Deserialize;

/// The largest extract accepted (about 50,000 staff).
const MAX_FILE: usize = 16 * 1024 * 1024;

/// The most rows the summary lists.
const PREVIEW_ROWS: usize = 200;

/// The staff records routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/staff",
            get(staff_page)
                .post(check_file)
                .layer(DefaultBodyLimit::max(MAX_FILE)),
        )
        .route("/admin/staff/confirm", post(confirm))
        .route("/admin/staff/template.csv", get(template))
}

#[derive(Deserialize, Default)]
struct DoneQuery {
    new: Option<usize>,
    changed: Option<usize>,
    leavers: Option<usize>,
    roles: Option<usize>,
    sites: Option<usize>,
}

async fn staff_view(
    state: &AppState,
    user: &CurrentUser,
    done: Option<String>,
    preview: Option<StaffPreview>,
    errors: Vec<FieldError>,
) -> Result<StaffPage> {
    let stored =
        pathwise_storage::staff::numbered_people(&state.store, user.account.org_id).await?;
    Ok(StaffPage {
        layout: Layout::for_user("Staff records", user, "/admin/staff"),
        csrf: user.csrf.clone().unwrap_or_default(),
        done,
        preview,
        columns: COLUMNS.join(","),
        stored,
        errors,
    })
}

async fn staff_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DoneQuery>,
) -> Result<StaffPage> {
    auth::require_admin(&state, &user, "admin/staff").await?;
    let done = q.new.map(|new| {
        let mut text = format!(
            "Imported: {} new, {} changed ({} in role or band), {} leaving.",
            plural(new as u64, "person", "people"),
            q.changed.unwrap_or(0),
            q.roles.unwrap_or(0),
            q.leavers.unwrap_or(0)
        );
        if let Some(s) = q.sites.filter(|s| *s > 0) {
            text.push_str(&format!(" {} added.", plural(s as u64, "site", "sites")));
        }
        text
    });
    staff_view(&state, &user, done, None, Vec::new()).await
}

fn what_happens(p: &PlannedRecord) -> String {
    if p.existing.is_none() {
        return match p.record.leave_date {
            Some(d) => format!("New, already left on {}", d.in_words()),
            None => "New".into(),
        };
    }
    if let (true, Some(d)) = (p.changes.contains(&Change::Leaves), p.record.leave_date) {
        let others: Vec<String> = p
            .changes
            .iter()
            .filter(|c| **c != Change::Leaves)
            .map(Change::words)
            .collect();
        let mut text = format!("Leaving on {}", d.in_words());
        if !others.is_empty() {
            text.push_str(&format!("; changes: {}", others.join(", ")));
        }
        return text;
    }
    let words: Vec<String> = p.changes.iter().map(Change::words).collect();
    format!("Changes: {}", words.join(", "))
}

fn preview(plan: &StaffPlan, upload: String) -> StaffPreview {
    let changing: Vec<&PlannedRecord> = plan
        .records
        .iter()
        .filter(|r| r.existing.is_none() || !r.changes.is_empty())
        .collect();
    StaffPreview {
        summary: plan.summary(),
        changing: changing.len(),
        rows: changing
            .iter()
            .take(PREVIEW_ROWS)
            .map(|p| StaffPreviewRow {
                row: p.row,
                assignment_number: p.record.assignment_number.clone(),
                name: p.record.name.clone(),
                what: what_happens(p),
            })
            .collect(),
        upload,
    }
}

async fn refuse(state: &AppState, user: &CurrentUser, list: Vec<String>) -> Result<Response> {
    let page = staff_view(state, user, None, None, file_refused(list)).await?;
    Ok(unprocessable(page))
}

async fn check_file(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> Result<Response> {
    let CsvUpload { csrf, text, .. } = read_csv_upload(mp).await?;
    user.check_csrf(&csrf)?;
    auth::require_admin(&state, &user, "admin/staff/check").await?;
    let Some(text) = text else {
        return refuse(
            &state,
            &user,
            vec!["Choose a staff extract CSV file to upload".into()],
        )
        .await;
    };
    let org = user.account.org_id;
    match staff_import::prepare(&state.store, org, &text, state.clock.today()).await? {
        Err(list) => refuse(&state, &user, list).await,
        Ok(plan) => {
            // The file stays on the server until confirmed: its special
            // category data never goes back to the browser.
            let token = auth::random_token();
            pathwise_storage::staff::keep_upload(
                &state.store,
                org,
                user.account.id,
                &auth::token_hash(&token),
                &text,
                state.clock.now(),
            )
            .await?;
            let page =
                staff_view(&state, &user, None, Some(preview(&plan, token)), Vec::new()).await?;
            Ok(page.into_response())
        }
    }
}

#[derive(Deserialize)]
struct ConfirmForm {
    csrf: String,
    upload: String,
}

async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ConfirmForm>,
) -> Result<Response> {
    user.check_csrf(&f.csrf)?;
    auth::require_admin(&state, &user, "admin/staff/import").await?;
    let org = user.account.org_id;
    // Decided again from the file: what is stored may have moved on since
    // the summary was shown.
    let Some(text) = pathwise_storage::staff::take_upload(
        &state.store,
        org,
        user.account.id,
        &auth::token_hash(&f.upload),
        state.clock.now(),
    )
    .await?
    else {
        return refuse(
            &state,
            &user,
            vec!["That upload has already been imported or is over an hour old: choose the file again".into()],
        )
        .await;
    };
    let plan = match staff_import::prepare(&state.store, org, &text, state.clock.today()).await? {
        Err(list) => return refuse(&state, &user, list).await,
        Ok(plan) => plan,
    };
    let done = match pathwise_storage::staff::import(
        &state.store,
        org,
        &plan,
        Some(user.account.id),
        state.clock.now(),
    )
    .await
    {
        Ok(done) => done,
        Err(pathwise_storage::StorageError::Conflict { message, .. }) => {
            return refuse(&state, &user, vec![message]).await;
        }
        Err(e) => return Err(e.into()),
    };
    Ok(see_other(&format!(
        "/admin/staff?new={}&changed={}&leavers={}&roles={}&sites={}",
        done.new, done.changed, done.leavers, done.role_changes, done.sites_added
    )))
}

async fn template(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    auth::require_admin(&state, &user, "admin/staff/template").await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"staff-extract-template.csv\"",
            ),
        ],
        format!("{}\n", COLUMNS.join(",")),
    )
        .into_response())
}
