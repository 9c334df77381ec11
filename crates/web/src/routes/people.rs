//! The people directory for managers, assessors and L&D: find anyone they
//! may see by name or assignment number, role, site and pathway status;
//! open their record; enrol them, or a selection of them, on a pathway.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::exports::{Format, Table};
use crate::forms::{PAGE_SIZE, encode, see_other};
use crate::learners::{self, owner};
use crate::views::*;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::{AssessingScope, PageNumber, RecordOwner, Viewer};
use pathwise_storage::directory::{
    self, DirectoryEntry, DirectorySearch, DirectorySort, PathwayStatus, PeopleScope,
};
use pathwise_storage::pathways::{self, NewEnrolment};
use pathwise_storage::people;
use serde::Deserialize;

/// The directory, its exports and enrolling a selection.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(directory_page))
        .route(
            "/people.csv",
            get(|s, u, q| directory_export(s, u, q, Format::Csv)),
        )
        .route(
            "/people.xlsx",
            get(|s, u, q| directory_export(s, u, q, Format::Xlsx)),
        )
        .route("/people/enrol", post(enrol_selection))
}

#[derive(Deserialize, Default, Clone)]
struct DirectoryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: PageNumber,
    /// How many were just enrolled (the notice after enrolling).
    #[serde(default)]
    enrolled: String,
}

impl DirectoryQuery {
    fn search(&self) -> Result<DirectorySearch> {
        let status = PathwayStatus::from_code(&self.status).ok_or_else(|| {
            Error::BadRequest("status: choose a pathway status from the list".into())
        })?;
        let site = match self.site.trim() {
            "" => None,
            s => Some(
                s.parse()
                    .map_err(|_| Error::BadRequest("site: choose a site from the list".into()))?,
            ),
        };
        let sort = DirectorySort::from_code(self.sort.trim())
            .ok_or_else(|| Error::BadRequest("sort: choose an order from the list".into()))?;
        Ok(DirectorySearch {
            text: self.q.trim().to_string(),
            role: Some(self.role.trim().to_string()).filter(|r| !r.is_empty()),
            site,
            status,
            sort,
        })
    }

    fn query(&self) -> String {
        format!(
            "q={}&role={}&site={}&status={}&sort={}",
            encode(&self.q),
            encode(&self.role),
            encode(&self.site),
            encode(&self.status),
            encode(&self.sort)
        )
    }
}

/// Whose records the viewer may find, as the directory query needs it.
fn people_scope(viewer: &Viewer) -> Option<PeopleScope> {
    Some(match viewer.finding_people()? {
        AssessingScope::WholeOrganisation => PeopleScope {
            org_id: viewer.org_id,
            whole_organisation: true,
            reports_of: None,
            site: None,
        },
        AssessingScope::Some { reports_of, site } => PeopleScope {
            org_id: viewer.org_id,
            whole_organisation: false,
            reports_of,
            site,
        },
    })
}

async fn scope_of(state: &AppState, user: &CurrentUser) -> Result<PeopleScope> {
    match people_scope(&user.viewer) {
        Some(s) => Ok(s),
        None => Err(auth::refuse(state, user, "people").await),
    }
}

fn entry_owner(org_id: i64, e: &DirectoryEntry, site_id: i64) -> RecordOwner {
    RecordOwner {
        org_id,
        person_id: e.id,
        manager_id: e.manager_id,
        site_id,
    }
}

async fn directory_rows(
    state: &AppState,
    user: &CurrentUser,
    entries: Vec<DirectoryEntry>,
) -> Result<Vec<DirectoryRow>> {
    let framework = state
        .frameworks
        .get(&state.store, user.account.org_id)
        .await?;
    let today = state.clock.today();
    Ok(entries
        .into_iter()
        .map(|e| {
            // Enrolling needs the line manager or L&D; the site does not count.
            let may_enrol = e.pathway.is_none()
                && e.left_on.is_none_or(|d| d > today)
                && user
                    .viewer
                    .may_manage(&entry_owner(user.account.org_id, &e, -1));
            DirectoryRow {
                id: e.id,
                role: framework
                    .roles
                    .get(&e.role_code)
                    .map(|r| r.title.clone())
                    .unwrap_or_else(|| e.role_code.clone()),
                assignment_number: e.assignment_number.unwrap_or_default(),
                site: e.site_name,
                manager: e.manager_name.unwrap_or_default(),
                pathway: match (&e.pathway, e.left_on) {
                    (_, Some(d)) if d <= today => format!("Left on {}", d.in_words()),
                    (Some((name, v)), _) => format!("{name} (version {v})"),
                    (None, _) => "Not on a pathway".into(),
                },
                enrolled: e.pathway.is_some(),
                may_enrol,
                name: e.name,
            }
        })
        .collect())
}

async fn directory_view(
    state: &AppState,
    user: &CurrentUser,
    q: &DirectoryQuery,
    errors: Vec<FieldError>,
) -> Result<PeopleDirectoryPage> {
    let scope = scope_of(state, user).await?;
    let org = user.account.org_id;
    let search = q.search()?;
    let page = q.page;
    let (entries, total) = directory::search(
        &state.store,
        scope,
        &search,
        state.clock.today(),
        i64::from(PAGE_SIZE),
        page.offset(PAGE_SIZE) as i64,
    )
    .await?;
    let rows = directory_rows(state, user, entries).await?;
    let framework = state.frameworks.get(&state.store, org).await?;
    let mut roles: Vec<(String, String)> = framework
        .roles
        .values()
        .map(|r| (r.title.clone(), r.code.clone()))
        .collect();
    roles.sort();
    let choice = |value: String, label: String, selected: bool| Choice::new(value, label, selected);
    let roles = std::iter::once(choice(
        String::new(),
        "Any role".into(),
        search.role.is_none(),
    ))
    .chain(roles.into_iter().map(|(title, code)| {
        let selected = search.role.as_deref() == Some(code.as_str());
        choice(code, title, selected)
    }))
    .collect();
    let sites = std::iter::once(choice(
        String::new(),
        "Any site".into(),
        search.site.is_none(),
    ))
    .chain(
        people::sites(&state.store, org)
            .await?
            .into_iter()
            .map(|s| choice(s.id.to_string(), s.name, search.site == Some(s.id))),
    )
    .collect();
    let sorts = DirectorySort::ALL
        .into_iter()
        .map(|s| choice(s.code().into(), s.label().into(), s == search.sort))
        .collect();
    let statuses = PathwayStatus::ALL
        .into_iter()
        .map(|s| choice(s.code().into(), s.label().into(), s == search.status))
        .collect();
    let versions = learners::latest_versions(state, org)
        .await?
        .into_iter()
        .map(|(id, t)| {
            choice(
                id.to_string(),
                format!("{} (version {})", t.name, t.version),
                false,
            )
        })
        .collect();
    let query = q.query();
    let link = |p: PageNumber| format!("/people?{query}&page={p}");
    let scope_note = match (scope.whole_organisation, scope.reports_of, scope.site) {
        (true, _, _) => "Everyone in the organisation.".to_string(),
        (false, Some(_), Some(_)) => {
            "The people you line-manage, and everyone at the site where you are an assessor. You can enrol the people you line-manage.".into()
        }
        (false, Some(_), None) => "The people you line-manage.".into(),
        _ => "Everyone at the site where you are an assessor.".into(),
    };
    Ok(PeopleDirectoryPage {
        layout: Layout::for_user("People", user, "/people"),
        notice: q.enrolled.parse::<usize>().ok().map(|n| match n {
            1 => "1 person enrolled. The enrolment is in the audit trail.".to_string(),
            n => format!("{n} people enrolled. The enrolments are in the audit trail."),
        }),
        may_enrol_any: rows.iter().any(|r| r.may_enrol),
        rows,
        total,
        text: q.q.clone(),
        roles,
        sites,
        statuses,
        sorts,
        versions,
        scope_note,
        errors,
        prev_href: page.previous().map(link),
        next_href: page.next(PAGE_SIZE, total.max(0) as u64).map(link),
        page,
        query,
    })
}

async fn directory_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DirectoryQuery>,
) -> Result<PeopleDirectoryPage> {
    directory_view(&state, &user, &q, Vec::new()).await
}

async fn directory_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DirectoryQuery>,
    format: Format,
) -> Result<Response> {
    let scope = scope_of(&state, &user).await?;
    let (entries, _) = directory::search(
        &state.store,
        scope,
        &q.search()?,
        state.clock.today(),
        100_000,
        0,
    )
    .await?;
    let codes: Vec<String> = entries.iter().map(|e| e.role_code.clone()).collect();
    let rows = directory_rows(&state, &user, entries).await?;
    Table {
        name: "people",
        headers: vec![
            "name",
            "assignment_number",
            "role",
            "site",
            "line_manager",
            "pathway",
            "role_code",
        ],
        rows: rows
            .into_iter()
            .zip(codes)
            .map(|(r, code)| {
                vec![
                    r.name.into(),
                    r.assignment_number.into(),
                    r.role.into(),
                    r.site.into(),
                    r.manager.into(),
                    r.pathway.into(),
                    code.into(),
                ]
            })
            .collect(),
    }
    .respond(format)
}

/// Enrols the people ticked in the directory on one pathway, today, all or
/// none.
async fn enrol_selection(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let value = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    user.check_csrf(&value("csrf"))?;
    scope_of(&state, &user).await?;
    let back: DirectoryQuery = DirectoryQuery {
        q: value("q"),
        role: value("role"),
        site: value("site"),
        status: value("status"),
        sort: value("sort"),
        ..DirectoryQuery::default()
    };
    let chosen: Vec<i64> = form
        .iter()
        .filter(|(n, _)| n == "person")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let mut errors = Vec::new();
    if chosen.is_empty() {
        errors.push(FieldError::new("people-table", "Tick the people to enrol"));
    }
    let version_id = value("version_id").parse::<i64>().ok();
    if version_id.is_none() {
        errors.push(FieldError::new(
            "version_id",
            "Choose the pathway to enrol them on",
        ));
    }
    let mut rows = Vec::new();
    let mut names = Vec::new();
    for id in &chosen {
        let person = learners::visible_person(&state, &user, *id).await?;
        if !user.viewer.may_manage(&owner(&person)) {
            return Err(auth::refuse(&state, &user, &format!("enrol:person:{id}")).await);
        }
        rows.push(NewEnrolment {
            person_id: *id,
            version_id: version_id.unwrap_or_default(),
            variant: None,
            aim: None,
            enrolled_on: state.clock.today(),
        });
        names.push(person.name);
    }
    if errors.is_empty() {
        match pathways::enrol(
            &state.store,
            user.account.org_id,
            &rows,
            &names,
            Some(user.account.id),
            state.clock.now(),
        )
        .await
        {
            Ok(ids) => {
                return Ok(see_other(&format!(
                    "/people?{}&enrolled={}",
                    back.query(),
                    ids.len()
                )));
            }
            Err(e) => errors.push(FieldError::new(
                "people-table",
                &format!("{}. Nobody was enrolled.", capitalise(&e.to_string())),
            )),
        }
    }
    let page = directory_view(&state, &user, &back, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
