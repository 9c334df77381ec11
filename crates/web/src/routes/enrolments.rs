//! The L&D admin's enrolments: everyone's progress, bulk enrolment from a CSV
//! file (all or nothing, every problem named by row and column) and moving a
//! learner to another version.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::csv_files;
use crate::error::{Error, Result};
use crate::exports::Format;
use crate::forms::{CsvUpload, at_field, file_problems, read_csv_upload, see_other};
use crate::learners::{self};
use crate::views::pathway::*;
use crate::views::*;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::drafts::{EnrolmentRow, StaffRef};
use pathwise_domain::pathway::PathwayTemplate;
use pathwise_storage::directory;
use pathwise_storage::pathways::{self, LearnerFilter, NewEnrolment};
use serde::Deserialize;
use std::collections::HashMap;

use crate::progress::{PageQuery, progress_page, progress_rows, progress_table};

/// The enrolments page, its exports, the CSV upload and moves.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/enrolments", get(enrolments_page))
        .route(
            "/admin/enrolments.csv",
            get(|s, u, q| enrolments_export(s, u, q, Format::Csv)),
        )
        .route(
            "/admin/enrolments.xlsx",
            get(|s, u, q| enrolments_export(s, u, q, Format::Xlsx)),
        )
        .route(
            "/admin/enrolments/upload",
            post(upload_enrolments).layer(DefaultBodyLimit::max(2 * 1024 * 1024)),
        )
        .route("/admin/enrolments/move", post(move_enrolment))
}

async fn enrolments_view(
    state: &AppState,
    user: &CurrentUser,
    q: &PageQuery,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<ProgressPage> {
    auth::require_admin(state, user, "admin/enrolments").await?;
    let rows = progress_rows(state, user.account.org_id, LearnerFilter::default()).await?;
    let versions = pathways::versions(&state.store, user.account.org_id)
        .await?
        .into_iter()
        .map(|v| Choice {
            value: v.id.to_string(),
            label: format!("{} version {}", v.name, v.version),
            selected: false,
        })
        .collect();
    Ok(progress_page(
        Layout::for_user("Enrolments", user, "/admin/pathways"),
        "/admin/enrolments",
        state.clock.today(),
        rows.into_iter().map(|(r, _)| r).collect(),
        q,
        Some(EnrolmentAdmin {
            csrf: user.csrf.clone().unwrap_or_default(),
            versions,
            notice,
            move_enrolment: String::new(),
            move_reason: String::new(),
        }),
        errors,
    ))
}

#[derive(Deserialize, Default)]
struct EnrolmentsQuery {
    #[serde(default)]
    page: pathwise_domain::PageNumber,
    #[serde(default)]
    rag: String,
    #[serde(default)]
    done: String,
}

async fn enrolments_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<EnrolmentsQuery>,
) -> Result<ProgressPage> {
    let notice = match q.done.as_str() {
        "" => None,
        "moved" => Some(
            "The learner has been moved; the move and its reason are in the audit trail."
                .to_string(),
        ),
        n => n
            .parse::<usize>()
            .ok()
            .map(|n| format!("{n} learners enrolled from the CSV file.")),
    };
    let pq = PageQuery {
        page: q.page,
        rag: q.rag,
    };
    enrolments_view(&state, &user, &pq, Vec::new(), notice).await
}

async fn enrolments_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
    format: Format,
) -> Result<Response> {
    auth::require_admin(&state, &user, "admin/enrolments").await?;
    let rows = progress_rows(&state, user.account.org_id, LearnerFilter::default())
        .await?
        .into_iter()
        .map(|(r, _)| r)
        .filter(|r| q.rag.is_empty() || r.rag == q.rag)
        .collect();
    progress_table("enrolments", rows).respond(format)
}

/// Reads a bulk enrolment CSV:
/// `assignment_number,pathway,variant,aim,enrolled_on` (or `person_id` in
/// place of the assignment number). Every problem is named by row (the
/// header is row 1) and column.
async fn parse_enrolment_csv(
    state: &AppState,
    org_id: i64,
    text: &str,
) -> Result<std::result::Result<(Vec<NewEnrolment>, Vec<String>), Vec<String>>> {
    let mut errors = Vec::new();
    let header: Vec<String> = text
        .lines()
        .next()
        .unwrap_or_default()
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_lowercase())
        .collect();
    if !header
        .iter()
        .any(|h| h == "assignment_number" || h == "person_id")
    {
        return Ok(Err(vec![
            "row 1: the header must name assignment_number (or person_id) and pathway".into(),
        ]));
    }
    let latest: HashMap<String, (i64, PathwayTemplate)> = learners::latest_versions(state, org_id)
        .await?
        .into_iter()
        .map(|(id, t)| (t.code.clone(), (id, t)))
        .collect();
    let framework = state.frameworks.get(&state.store, org_id).await?;
    let today = state.clock.today();
    let mut parsed_rows: Vec<(usize, StaffRef, NewEnrolment)> = Vec::new();
    csv_files::read_rows(text, &["pathway"], &mut errors, |row, fields, errors| {
        let parsed = match EnrolmentRow::parse(fields, today) {
            Ok(r) => r,
            Err(e) => {
                csv_files::add_field_errors(errors, row, &e);
                return;
            }
        };
        let code = &parsed.pathway;
        let Some((version_id, t)) = latest.get(code) else {
            errors.push(format!(
                "row {row}, column pathway: '{code}' is not one of this organisation's pathways ({})",
                latest.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            return;
        };
        if let Some(v) = &parsed.variant
            && !t.variants().contains(v)
        {
            errors.push(format!(
                "row {row}, column variant: '{v}' is not a variant of {code} ({})",
                t.variants().join(", ")
            ));
        }
        if let Some(a) = &parsed.aim
            && !framework.roles.contains_key(a)
        {
            errors.push(format!(
                "row {row}, column aim: '{a}' is not a role code in the career framework"
            ));
        }
        parsed_rows.push((
            row,
            parsed.who,
            NewEnrolment {
                person_id: 0,
                version_id: *version_id,
                variant: parsed.variant,
                aim: parsed.aim,
                enrolled_on: parsed.enrolled_on,
            },
        ));
    });
    // Assignment numbers to staff records, in one read.
    let numbers: Vec<String> = parsed_rows
        .iter()
        .filter_map(|(_, who, _)| match who {
            StaffRef::Assignment(n) => Some(n.clone()),
            StaffRef::Record(_) => None,
        })
        .collect();
    let found = directory::by_assignment_numbers(&state.store, org_id, &numbers).await?;
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    let mut names = Vec::new();
    for (row, who, mut enrolment) in parsed_rows {
        let person_id = match &who {
            StaffRef::Record(id) => *id,
            StaffRef::Assignment(n) => match found.get(n) {
                Some(id) => *id,
                None => {
                    errors.push(format!(
                        "row {row}, column assignment_number: no one in this organisation has assignment number {n}"
                    ));
                    continue;
                }
            },
        };
        if let Some(first) = seen.insert(person_id, row) {
            let column = match who {
                StaffRef::Assignment(_) => "assignment_number",
                StaffRef::Record(_) => "person_id",
            };
            errors.push(format!(
                "row {row}, column {column}: {who} is already on row {first}"
            ));
        }
        enrolment.person_id = person_id;
        out.push(enrolment);
        names.push(format!("row {row}"));
    }
    Ok(if errors.is_empty() {
        Ok((out, names))
    } else {
        Err(errors)
    })
}

async fn upload_enrolments(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> Result<Response> {
    let CsvUpload { csrf, text, .. } = read_csv_upload(mp).await?;
    user.check_csrf(&csrf)?;
    auth::require_admin(&state, &user, "admin/enrolments/upload").await?;
    let problems = file_problems;
    let Some(text) = text else {
        let page = enrolments_view(
            &state,
            &user,
            &PageQuery::default(),
            problems(vec!["Choose a CSV file to upload".into()]),
            None,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let parsed = parse_enrolment_csv(&state, user.account.org_id, &text).await?;
    let result = match parsed {
        Ok((rows, names)) => pathways::enrol(
            &state.store,
            user.account.org_id,
            &rows,
            &names,
            Some(user.account.id),
            state.clock.now(),
        )
        .await
        .map_err(|e| vec![e.to_string()]),
        Err(list) => Err(list),
    };
    match result {
        Ok(ids) => Ok(see_other(&format!("/admin/enrolments?done={}", ids.len()))),
        Err(list) => {
            let mut list = list;
            list.push("Nothing was enrolled. Correct the file and upload it again.".into());
            let page =
                enrolments_view(&state, &user, &PageQuery::default(), problems(list), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    enrolment: String,
    #[serde(default)]
    version_id: String,
    #[serde(default)]
    reason: String,
}

const MOVE_FIELDS: &[(&str, &str)] = &[
    ("enrolment", "enrolment"),
    ("version", "move-version"),
    ("reason", "move-reason"),
];

async fn move_enrolment(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<MoveForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    auth::require_admin(&state, &user, "admin/enrolments/move").await?;
    let outcome = move_one(&state, &user, &form).await;
    let errors = match outcome {
        Err(Error::BadRequest(m)) => vec![at_field(&m, MOVE_FIELDS)],
        Err(Error::Invalid(e)) => e
            .into_list()
            .into_iter()
            .map(|e| at_field(&format!("{}: {}", e.field, e.message), MOVE_FIELDS))
            .collect(),
        other => return other,
    };
    let mut page = enrolments_view(&state, &user, &PageQuery::default(), errors, None).await?;
    if let Some(a) = page.admin.as_mut() {
        a.move_enrolment = form.enrolment;
        a.move_reason = form.reason;
        for v in &mut a.versions {
            v.selected = v.value == form.version_id;
        }
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn move_one(state: &AppState, user: &CurrentUser, form: &MoveForm) -> Result<Response> {
    let id: i64 = form.enrolment.trim().parse().map_err(|_| {
        Error::BadRequest(
            "enrolment: enter the enrolment number shown on the learner's pathway page".into(),
        )
    })?;
    let to: i64 = form
        .version_id
        .parse()
        .map_err(|_| Error::BadRequest("version: choose a version".into()))?;
    if form.reason.trim().is_empty() {
        return Err(Error::BadRequest(
            "reason: give a reason for moving the learner to another version".into(),
        ));
    }
    pathways::move_version(
        &state.store,
        user.account.org_id,
        id,
        to,
        &form.reason,
        Some(user.account.id),
        state.clock.now(),
    )
    .await
    .map_err(|e| match e {
        pathwise_storage::StorageError::NotFound(_) => Error::BadRequest(format!(
            "enrolment: no current enrolment has the number {id}"
        )),
        other => other.into(),
    })?;
    Ok(see_other("/admin/enrolments?done=moved"))
}
