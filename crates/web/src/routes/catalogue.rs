//! The career framework: roles and routes (core and local), searchable and
//! paged, and the L&D admin's local roles and routes, each audited.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::exports::{Cell, Format, Table};
use crate::forms::encode;
use crate::views::*;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::drafts::{RoleDraft, TransitionDraft};
use pathwise_domain::input::FieldErrors;
use pathwise_domain::{PathwayFamily, Requirement, RequirementKind, StaffGroup};
use pathwise_storage::audit;
use pathwise_storage::catalogue::{self, Scope};
use pathwise_storage::people::{self};
use serde::Deserialize;
use std::collections::HashMap;

/// The career framework pages and the L&D admin's edits.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/catalogue", get(catalogue_list))
        .route("/catalogue/export/{file}", get(catalogue_export))
        .route("/catalogue/roles", post(add_role))
        .route("/catalogue/roles/{code}", get(role_detail).post(edit_role))
        .route("/catalogue/transitions", post(add_transition))
        .route(
            "/catalogue/transitions/{id}/remove",
            post(remove_transition),
        )
}

#[derive(Deserialize, Default)]
struct CatalogueQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    family: String,
    #[serde(default)]
    page: Option<usize>,
    #[serde(default)]
    added: Option<String>,
}

const ROLES_PER_PAGE: usize = 25;

async fn catalogue_page(
    state: &AppState,
    user: &CurrentUser,
    query: &CatalogueQuery,
    errors: Vec<FieldError>,
    form: HashMap<String, String>,
) -> Result<CataloguePage> {
    let org = user.account.org_id;
    let roles = catalogue::roles_for_org(&state.store, org).await?;
    let transitions = catalogue::transitions_for_org(&state.store, org).await?;
    let sites = people::sites(&state.store, org).await?;
    let matching = matching_rows(&roles, &transitions, &sites, query);
    let total = matching.len();
    let pages = total.div_ceil(ROLES_PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let link = |p: usize| {
        format!(
            "/catalogue?q={}&family={}&page={p}",
            encode(&query.q),
            encode(&query.family)
        )
    };
    let rows: Vec<CatalogueRow> = matching
        .into_iter()
        .skip((page - 1) * ROLES_PER_PAGE)
        .take(ROLES_PER_PAGE)
        .collect();
    let mut role_choices: Vec<Choice> = roles
        .iter()
        .map(|r| Choice {
            value: r.role.code.clone(),
            label: format!("{} (band {})", r.role.title, r.role.band),
            selected: false,
        })
        .collect();
    role_choices.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(CataloguePage {
        layout: Layout::for_user("Career framework", user, "/catalogue"),
        version: catalogue::core_version(&state.store)
            .await?
            .unwrap_or_else(|| "not loaded".into()),
        rows,
        q: query.q.clone(),
        family_code: query.family.clone(),
        families: PathwayFamily::ALL
            .iter()
            .map(|f| Choice {
                value: f.code().into(),
                label: f.label().into(),
                selected: f.code() == query.family,
            })
            .collect(),
        page,
        pages,
        total,
        prev_href: (page > 1).then(|| link(page - 1)),
        next_href: (page < pages).then(|| link(page + 1)),
        can_edit: user.viewer.may_edit_framework(),
        sites: sites
            .iter()
            .map(|s| Choice {
                value: s.id.to_string(),
                label: s.name.clone(),
                selected: false,
            })
            .collect(),
        staff_groups: StaffGroup::ALL
            .iter()
            .map(|g| Choice {
                value: g.name().into(),
                label: g.name().into(),
                selected: false,
            })
            .collect(),
        role_choices,
        errors,
        form,
        notice: match query.added.as_deref() {
            Some("role") => Some("The local role was added.".into()),
            Some("transition") => Some("The local route was added.".into()),
            _ => None,
        },
    })
}

/// The roles matching the search and family, every page, in order.
fn matching_rows(
    roles: &[catalogue::ScopedRole],
    transitions: &[catalogue::ScopedTransition],
    sites: &[people::Site],
    query: &CatalogueQuery,
) -> Vec<CatalogueRow> {
    let site_name = |id: i64| {
        sites
            .iter()
            .find(|s| s.id == id)
            .map_or(String::new(), |s| s.name.clone())
    };
    let needle = query.q.trim().to_lowercase();
    roles
        .iter()
        .filter(|r| {
            needle.is_empty()
                || r.role.title.to_lowercase().contains(&needle)
                || r.role.code.contains(&needle)
        })
        .filter(|r| query.family.is_empty() || r.role.family.code() == query.family)
        .map(|r| CatalogueRow {
            role: (&r.role).into(),
            scope: match r.scope {
                Scope::Core => "Core".into(),
                Scope::Local(None) => "Local".into(),
                Scope::Local(Some(s)) => format!("Local: {}", site_name(s)),
            },
            ways_on: transitions
                .iter()
                .filter(|t| t.transition.from == r.role.code)
                .count(),
        })
        .collect()
}

/// The roles matching the search (every page), or every route between
/// roles, as CSV or XLSX.
async fn catalogue_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(file): Path<String>,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response> {
    let (name, ext) = file.rsplit_once('.').ok_or(Error::NotFound)?;
    let format = Format::from_extension(ext).ok_or(Error::NotFound)?;
    let org = user.account.org_id;
    let roles = catalogue::roles_for_org(&state.store, org).await?;
    let transitions = catalogue::transitions_for_org(&state.store, org).await?;
    let sites = people::sites(&state.store, org).await?;
    let table = match name {
        "roles" => Table {
            name: "career-framework-roles",
            headers: vec![
                "role",
                "band",
                "staff_group",
                "career_level",
                "family",
                "ways_on",
                "source",
            ],
            rows: matching_rows(&roles, &transitions, &sites, &query)
                .into_iter()
                .map(|r| {
                    vec![
                        Cell::from(r.role.title),
                        Cell::from(r.role.band),
                        Cell::from(r.role.staff_group),
                        Cell::from(i64::from(r.role.career_level)),
                        Cell::from(r.role.family),
                        Cell::from(r.ways_on as i64),
                        Cell::from(r.scope),
                    ]
                })
                .collect(),
        },
        "routes" => {
            let title = |code: &str| {
                roles
                    .iter()
                    .find(|r| r.role.code == code)
                    .map_or(code.to_string(), |r| r.role.title.clone())
            };
            Table {
                name: "career-framework-routes",
                headers: vec!["from", "to", "route", "requirements", "source"],
                rows: transitions
                    .iter()
                    .map(|t| {
                        vec![
                            Cell::from(title(&t.transition.from)),
                            Cell::from(title(&t.transition.to)),
                            Cell::from(t.transition.route.name.clone()),
                            Cell::from(
                                t.transition
                                    .requirements
                                    .iter()
                                    .map(describe_requirement)
                                    .collect::<Vec<_>>()
                                    .join("; "),
                            ),
                            Cell::from(match t.scope {
                                Scope::Core => "Core",
                                Scope::Local(_) => "Local",
                            }),
                        ]
                    })
                    .collect(),
            }
        }
        _ => return Err(Error::NotFound),
    };
    table.respond(format)
}

async fn catalogue_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CatalogueQuery>,
) -> Result<CataloguePage> {
    catalogue_page(&state, &user, &q, Vec::new(), HashMap::new()).await
}

#[derive(Deserialize, Default)]
struct RoleQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn role_page(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    errors: Vec<FieldError>,
    form: Option<HashMap<String, String>>,
    notice: Option<String>,
) -> Result<RolePage> {
    let org = user.account.org_id;
    let scoped = catalogue::roles_for_org(&state.store, org).await?;
    let Some(this) = scoped.iter().find(|r| r.role.code == code) else {
        return Err(Error::NotFound);
    };
    let role = &this.role;
    let title = |c: &str| {
        scoped
            .iter()
            .find(|r| r.role.code == c)
            .map_or(c.to_string(), |r| r.role.title.clone())
    };
    let ways_on = catalogue::transitions_for_org(&state.store, org)
        .await?
        .into_iter()
        .filter(|t| t.transition.from == code)
        .filter_map(|t| {
            let to = scoped.iter().find(|r| r.role.code == t.transition.to)?;
            Some(TransitionRow {
                id: t.id,
                local: t.scope != Scope::Core,
                to: (&to.role).into(),
                route: (&t.transition.route).into(),
                requirements: t
                    .transition
                    .requirements
                    .iter()
                    .map(describe_requirement)
                    .collect(),
                helpers: t.transition.helpers.iter().map(|h| title(h)).collect(),
                scope: if t.scope == Scope::Core {
                    "core framework".into()
                } else {
                    "local".into()
                },
            })
        })
        .collect();
    let form = form.unwrap_or_else(|| {
        [
            ("title", role.title.clone()),
            ("band", role.band.to_string()),
            ("career_level", role.career_level.to_string()),
            ("staff_group", role.staff_group.name().to_string()),
            ("family", role.family.code().to_string()),
            (
                "clinical",
                if role.clinical { "yes" } else { "no" }.to_string(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    });
    Ok(RolePage {
        layout: Layout::for_user(role.title.clone(), user, "/catalogue"),
        role: role.into(),
        ways_on,
        can_edit: user.viewer.may_edit_framework(),
        local: this.scope != Scope::Core,
        staff_groups: StaffGroup::ALL
            .iter()
            .map(|g| Choice {
                value: g.name().into(),
                label: g.name().into(),
                selected: false,
            })
            .collect(),
        families: PathwayFamily::ALL
            .iter()
            .map(|f| Choice {
                value: f.code().into(),
                label: f.label().into(),
                selected: false,
            })
            .collect(),
        errors,
        form,
        notice,
    })
}

async fn role_detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<RoleQuery>,
) -> Result<RolePage> {
    let notice = match q.saved.as_deref() {
        Some("role") => Some("Your changes were saved.".to_string()),
        Some("removed") => Some("The local route was removed. Add it again from the career framework page if that was a mistake.".to_string()),
        _ => None,
    };
    role_page(&state, &user, &code, Vec::new(), None, notice).await
}

async fn edit_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(mut form): Form<HashMap<String, String>>,
) -> Result<Response> {
    framework_editor(&state, &user, &form).await?;
    form.insert("code".into(), code.clone());
    let role = match RoleDraft::parse(&form).map_err(FieldErrors::into_list) {
        Ok(r) => r,
        Err(errors) => {
            let page = role_page(&state, &user, &code, errors, Some(form), None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let org = user.account.org_id;
    match catalogue::update_local_role(&state.store, org, &role).await {
        Ok(()) => {}
        Err(pathwise_storage::StorageError::NotFound(_)) => {
            return Err(auth::refuse(&state, &user, &format!("role:{code}")).await);
        }
        Err(e) => return Err(e.into()),
    }
    state.frameworks.invalidate(org);
    audit::record(
        &state.store,
        Some(org),
        Some(user.account.id),
        state.clock.now(),
        "catalogue.role_changed",
        &format!("role:{code}"),
        &role.title,
    )
    .await?;
    Ok(Redirect::to(&format!("/catalogue/roles/{code}?saved=role")).into_response())
}

async fn remove_transition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response> {
    framework_editor(&state, &user, &form).await?;
    let org = user.account.org_id;
    let removed = match catalogue::remove_local_transition(&state.store, org, id).await {
        Ok(t) => t,
        Err(pathwise_storage::StorageError::NotFound(_)) => {
            return Err(auth::refuse(&state, &user, &format!("transition:{id}")).await);
        }
        Err(e) => return Err(e.into()),
    };
    state.frameworks.invalidate(org);
    let detail = format!(
        "{} ({} months; requirements: {})",
        removed.route.name,
        removed.route.duration_months,
        removed
            .requirements
            .iter()
            .map(describe_requirement)
            .collect::<Vec<_>>()
            .join("; ")
    );
    audit::record(
        &state.store,
        Some(org),
        Some(user.account.id),
        state.clock.now(),
        "catalogue.transition_removed",
        &format!("transition:{}->{}", removed.from, removed.to),
        &detail,
    )
    .await?;
    Ok(Redirect::to(&format!("/catalogue/roles/{}?saved=removed", removed.from)).into_response())
}

fn describe_requirement(r: &Requirement) -> String {
    match r.kind {
        RequirementKind::Experience => format!("{} months in role", r.months.unwrap_or(0)),
        RequirementKind::Qualification => format!("Qualification: {}", r.name),
        RequirementKind::Evidence => format!("Evidence: {}", r.name),
    }
}

fn form_site(form: &HashMap<String, String>) -> Option<i64> {
    form.get("site").and_then(|s| s.parse().ok())
}

async fn framework_editor(
    state: &AppState,
    user: &CurrentUser,
    form: &HashMap<String, String>,
) -> Result<()> {
    user.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    if !user.viewer.may_edit_framework() {
        return Err(auth::refuse(state, user, "catalogue").await);
    }
    Ok(())
}

async fn rejected_form(
    state: &AppState,
    user: &CurrentUser,
    errors: Vec<FieldError>,
    form: HashMap<String, String>,
) -> Result<Response> {
    let page = catalogue_page(state, user, &CatalogueQuery::default(), errors, form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Stores a framework edit; a refusal from storage goes back to the form
/// against `field`. On success the cached framework is refreshed and the
/// change audited.
async fn save_framework_edit<T>(
    state: &AppState,
    user: &CurrentUser,
    form: HashMap<String, String>,
    field_name: &str,
    save: impl IntoFuture<Output = pathwise_storage::Result<T>>,
    audit_entry: (&str, String, &str),
    added: &str,
) -> Result<Response> {
    use pathwise_storage::StorageError;
    match save.await {
        Ok(_) => {}
        Err(StorageError::Conflict { message, .. } | StorageError::Invalid(message)) => {
            let errors = vec![FieldError::new(field_name, &capitalise(&message))];
            return rejected_form(state, user, errors, form).await;
        }
        Err(e) => return Err(e.into()),
    }
    let org = user.account.org_id;
    state.frameworks.invalidate(org);
    let (action, subject, detail) = audit_entry;
    audit::record(
        &state.store,
        Some(org),
        Some(user.account.id),
        state.clock.now(),
        action,
        &subject,
        detail,
    )
    .await?;
    Ok(Redirect::to(&format!("/catalogue?added={added}")).into_response())
}

async fn add_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response> {
    framework_editor(&state, &user, &form).await?;
    let role = match RoleDraft::parse(&form).map_err(FieldErrors::into_list) {
        Ok(r) => r,
        Err(errors) => return rejected_form(&state, &user, errors, form).await,
    };
    let save =
        catalogue::add_local_role(&state.store, user.account.org_id, form_site(&form), &role);
    let entry = (
        "catalogue.role_added",
        format!("role:{}", role.code),
        role.title.as_str(),
    );
    save_framework_edit(&state, &user, form.clone(), "code", save, entry, "role").await
}

async fn add_transition(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response> {
    framework_editor(&state, &user, &form).await?;
    let t = match TransitionDraft::parse(&form).map_err(FieldErrors::into_list) {
        Ok(t) => t,
        Err(errors) => return rejected_form(&state, &user, errors, form).await,
    };
    let save =
        catalogue::add_local_transition(&state.store, user.account.org_id, form_site(&form), &t);
    let entry = (
        "catalogue.transition_added",
        format!("transition:{}->{}", t.from, t.to),
        t.route.name.as_str(),
    );
    save_framework_edit(
        &state,
        &user,
        form.clone(),
        "from",
        save,
        entry,
        "transition",
    )
    .await
}
