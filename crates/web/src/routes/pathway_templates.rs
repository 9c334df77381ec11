//! The L&D admin's pathway templates: start a pathway (empty or a copy),
//! change its settings, add, change or remove a criterion. Each change
//! publishes a new version with its note; enrolled learners stay on theirs.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::exports::{Cell, Format, Table};
use crate::forms::{NoticeQuery, see_other};
use crate::views::pathway::*;
use crate::views::*;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::pathway::{
    Applies, Criterion, PathwayTemplate, REVIEW_WEEKS, Stage, valid_key,
};
use pathwise_storage::pathways::{self};
use pathwise_storage::people::{self};
use serde::Deserialize;
use std::collections::HashMap;

/// The pathway template pages and forms.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/pathways", get(pathways_admin).post(new_pathway))
        .route("/admin/pathways/{code}/settings", post(change_settings))
        .route("/admin/pathways/{code}/criteria/edit", get(edit_criterion))
        .route("/admin/pathways/{code}", get(template_page))
        .route("/admin/pathways/{code}/export/{file}", get(criteria_export))
        .route("/admin/pathways/{code}/criteria", post(add_criterion))
        .route(
            "/admin/pathways/{code}/criteria/remove",
            post(remove_criterion),
        )
}

async fn pathways_view(
    state: &AppState,
    user: &CurrentUser,
    form: NewPathwayForm,
    errors: Vec<FieldError>,
) -> Result<PathwaysAdminPage> {
    auth::require_admin(state, user, "admin/pathways").await?;
    let versions = pathways::versions(&state.store, user.account.org_id).await?;
    let mut start_from: Vec<Choice> = vec![Choice {
        value: String::new(),
        label: "No criteria: add them one by one".into(),
        selected: form.from.is_empty(),
    }];
    for v in &versions {
        if !start_from.iter().any(|c| c.value == v.code) {
            start_from.push(Choice {
                value: v.code.clone(),
                label: format!("A copy of {}", v.name),
                selected: form.from == v.code,
            });
        }
    }
    Ok(PathwaysAdminPage {
        layout: Layout::for_user("Pathways", user, "/admin/pathways"),
        versions,
        start_from,
        form,
        errors,
        csrf: user.csrf.clone().unwrap_or_default(),
    })
}

async fn pathways_admin(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<PathwaysAdminPage> {
    let form = NewPathwayForm {
        review_every_weeks: "12".into(),
        ..NewPathwayForm::default()
    };
    pathways_view(&state, &user, form, Vec::new()).await
}

/// Reads "weeks between reviews", 1-52.
fn review_weeks(value: &str, errors: &mut Vec<FieldError>) -> u32 {
    match value.trim().parse::<u32>() {
        Ok(w) if REVIEW_WEEKS.contains(&w) => w,
        _ => {
            errors.push(FieldError {
                field: "review_every_weeks".into(),
                message: "Enter the weeks between reviews as a whole number from 1 to 52".into(),
            });
            12
        }
    }
}

/// Publishes version 1 of a new pathway, empty or with a copy of another
/// pathway's newest criteria.
async fn new_pathway(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<NewPathwayForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    auth::require_admin(&state, &user, "admin/pathways/new").await?;
    let org = user.account.org_id;
    let mut errors = Vec::new();
    let code = form.code.trim().to_string();
    if !valid_key(&code) {
        errors.push(FieldError {
            field: "code".into(),
            message: "Enter a code of lower-case letters, digits and hyphens, like theatre-support"
                .into(),
        });
    } else if pathways::latest(&state.store, org, &code).await.is_ok() {
        errors.push(FieldError {
            field: "code".into(),
            message: format!("A pathway with the code '{code}' exists; choose another code"),
        });
    }
    if form.name.trim().is_empty() {
        errors.push(FieldError {
            field: "name".into(),
            message: "Enter the pathway's name".into(),
        });
    }
    let weeks = review_weeks(&form.review_every_weeks, &mut errors);
    let criteria = if form.from.is_empty() {
        Vec::new()
    } else {
        match pathways::latest(&state.store, org, &form.from).await {
            Ok((_, t)) => t.criteria,
            Err(_) => {
                errors.push(FieldError {
                    field: "from".into(),
                    message: "Choose a pathway to copy, or none".into(),
                });
                Vec::new()
            }
        }
    };
    if !errors.is_empty() {
        let page = pathways_view(&state, &user, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let template = PathwayTemplate {
        code: code.clone(),
        name: form.name.trim().into(),
        version: 1,
        criteria,
        review_every_weeks: weeks,
    };
    let note = if form.from.is_empty() {
        "new pathway".to_string()
    } else {
        format!("new pathway, starting from a copy of '{}'", form.from)
    };
    pathways::publish(
        &state.store,
        org,
        &template,
        Some(user.account.id),
        &note,
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!("/admin/pathways/{code}?done=1")))
}

/// Publishes the next version with a new name or review interval.
async fn change_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    auth::require_admin(&state, &user, &format!("admin/pathways/{code}")).await?;
    let (_, t) = pathways::latest(&state.store, user.account.org_id, &code).await?;
    let mut errors = Vec::new();
    if form.name.trim().is_empty() {
        errors.push(FieldError {
            field: "name".into(),
            message: "Enter the pathway's name".into(),
        });
    }
    let weeks = review_weeks(&form.review_every_weeks, &mut errors);
    if errors.is_empty() && form.name.trim() == t.name && weeks == t.review_every_weeks {
        errors.push(FieldError {
            field: "name".into(),
            message: "Nothing has changed: change the name or the weeks between reviews".into(),
        });
    }
    if form.settings_note.trim().is_empty() {
        errors.push(FieldError {
            field: "settings_note".into(),
            message: "Say what changed, for the version history".into(),
        });
    }
    if !errors.is_empty() {
        let mut page =
            template_view(&state, &user, &code, fresh_criterion_form(), errors, None).await?;
        page.settings = form;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let next = PathwayTemplate {
        name: form.name.trim().into(),
        review_every_weeks: weeks,
        ..t.publish(t.criteria.clone())
    };
    pathways::publish(
        &state.store,
        user.account.org_id,
        &next,
        Some(user.account.id),
        &form.settings_note,
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!(
        "/admin/pathways/{code}?done={}",
        next.version
    )))
}

fn fresh_criterion_form() -> CriterionForm {
    CriterionForm {
        required: "yes".into(),
        applies_kind: "core".into(),
        ..CriterionForm::default()
    }
}

#[derive(Deserialize)]
struct EditQuery {
    #[serde(default)]
    key: String,
    #[serde(default)]
    applies: String,
}

/// The criterion form filled with one criterion, to change it.
async fn edit_criterion(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<EditQuery>,
) -> Result<PathwayTemplatePage> {
    auth::require_admin(&state, &user, &format!("admin/pathways/{code}")).await?;
    let (_, t) = pathways::latest(&state.store, user.account.org_id, &code).await?;
    let c = t
        .criteria
        .iter()
        .find(|c| c.key == q.key && c.applies.code() == q.applies)
        .ok_or(Error::NotFound)?;
    let (kind, value) = match &c.applies {
        Applies::Core => ("core", String::new()),
        Applies::Variant(v) => ("variant", v.clone()),
        Applies::Site(s) => ("site", s.to_string()),
        Applies::Aim(r) => ("aim", r.clone()),
    };
    let form = CriterionForm {
        key: c.key.clone(),
        title: c.title.clone(),
        stage: c.stage.code().into(),
        applies_kind: kind.into(),
        applies_value: value,
        required: if c.required { "yes" } else { "" }.into(),
        due_weeks: c.due_weeks.map(|w| w.to_string()).unwrap_or_default(),
        examples: c.examples.clone(),
        replaces: format!("{}|{}", c.key, c.applies.code()),
        ..CriterionForm::default()
    };
    template_view(&state, &user, &code, form, Vec::new(), None).await
}

/// A template's criteria as listed, with whom each applies to in words.
fn template_criteria(t: &PathwayTemplate, sites: &[people::Site]) -> Vec<TemplateCriterion> {
    let site_name: HashMap<i64, String> = sites.iter().map(|s| (s.id, s.name.clone())).collect();
    let applies_words = |a: &Applies| match a {
        Applies::Core => "Everyone".to_string(),
        Applies::Variant(v) => format!("Variant: {v}"),
        Applies::Site(s) => format!(
            "Site: {}",
            site_name.get(s).cloned().unwrap_or_else(|| s.to_string())
        ),
        Applies::Aim(r) => format!("Aiming at: {r}"),
    };
    t.criteria
        .iter()
        .map(|c| TemplateCriterion {
            key: c.key.clone(),
            title: c.title.clone(),
            stage: c.stage.number(),
            applies: applies_words(&c.applies),
            applies_code: c.applies.code(),
            required: c.required,
            due_weeks: c.due_weeks,
            examples: c.examples.clone(),
        })
        .collect()
}

/// The latest version's criteria of a template, as CSV or XLSX.
async fn criteria_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((code, file)): Path<(String, String)>,
) -> Result<Response> {
    auth::require_admin(&state, &user, &format!("admin/pathways/{code}/export")).await?;
    let format = match file.as_str() {
        "criteria.csv" => Format::Csv,
        "criteria.xlsx" => Format::Xlsx,
        _ => return Err(Error::NotFound),
    };
    let (_, t) = pathways::latest(&state.store, user.account.org_id, &code).await?;
    let sites = people::sites(&state.store, user.account.org_id).await?;
    Table {
        name: "pathway-criteria",
        headers: vec![
            "version",
            "stage",
            "criterion",
            "required",
            "applies_to",
            "due_week",
            "evidence_examples",
            "key",
        ],
        rows: template_criteria(&t, &sites)
            .into_iter()
            .map(|c| {
                vec![
                    Cell::from(i64::from(t.version)),
                    Cell::from(i64::from(c.stage)),
                    Cell::from(c.title),
                    Cell::from(if c.required { "yes" } else { "no" }),
                    Cell::from(c.applies),
                    Cell::from(c.due_weeks.map(i64::from)),
                    Cell::from(c.examples),
                    Cell::from(c.key),
                ]
            })
            .collect(),
    }
    .respond(format)
}

async fn template_view(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    form: CriterionForm,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<PathwayTemplatePage> {
    auth::require_admin(state, user, &format!("admin/pathways/{code}")).await?;
    let (_, t) = pathways::latest(&state.store, user.account.org_id, code).await?;
    let sites = people::sites(&state.store, user.account.org_id).await?;
    let criteria = template_criteria(&t, &sites);
    Ok(PathwayTemplatePage {
        layout: Layout::for_user(t.name.clone(), user, "/admin/pathways"),
        code: t.code.clone(),
        name: t.name.clone(),
        version: t.version,
        review_every_weeks: t.review_every_weeks,
        criteria,
        stages: Stage::ALL
            .iter()
            .map(|s| Choice {
                value: s.code().into(),
                label: format!("Stage {}: {}", s.number(), s.label()),
                selected: form.stage == s.code(),
            })
            .collect(),
        sites: sites
            .iter()
            .map(|s| Choice {
                value: s.id.to_string(),
                label: s.name.clone(),
                selected: form.applies_value == s.id.to_string(),
            })
            .collect(),
        csrf: user.csrf.clone().unwrap_or_default(),
        errors,
        form,
        notice,
        settings: SettingsForm {
            name: t.name.clone(),
            review_every_weeks: t.review_every_weeks.to_string(),
            ..SettingsForm::default()
        },
    })
}

async fn template_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<PathwayTemplatePage> {
    let notice = (!q.done.is_empty()).then(|| {
        format!(
            "Version {} published. Enrolled learners stay on their version until you move them.",
            q.done
        )
    });
    template_view(
        &state,
        &user,
        &code,
        fresh_criterion_form(),
        Vec::new(),
        notice,
    )
    .await
}

fn criterion_from_form(
    form: &CriterionForm,
    org_sites: &[i64],
    errors: &mut Vec<FieldError>,
) -> Option<Criterion> {
    let mut err = |f: &str, m: &str| {
        errors.push(FieldError {
            field: f.into(),
            message: m.into(),
        })
    };
    let key = form.key.trim().to_string();
    if !valid_key(&key) {
        err(
            "key",
            "Enter a key of lower-case letters, digits and hyphens, like escalation-routes",
        );
    }
    if form.title.trim().is_empty() {
        err("title", "Enter what the learner must show");
    }
    let stage = Stage::from_code(&form.stage);
    if stage.is_none() {
        err("stage", "Choose a stage");
    }
    let value = form.applies_value.trim();
    let applies = match form.applies_kind.as_str() {
        "core" => Some(Applies::Core),
        "variant" if valid_key(value) => Some(Applies::Variant(value.into())),
        "aim" if valid_key(value) => Some(Applies::Aim(value.into())),
        "site" => value
            .parse::<i64>()
            .ok()
            .filter(|s| org_sites.contains(s))
            .map(Applies::Site),
        _ => None,
    };
    if applies.is_none() {
        err(
            "applies_value",
            "Say whom it applies to: everyone, a variant name, a site, or a role code",
        );
    }
    let due_weeks = match form.due_weeks.trim() {
        "" => None,
        w => match w.parse::<u32>() {
            Ok(w) if w <= 520 => Some(w),
            _ => {
                err(
                    "due_weeks",
                    "Enter the due week as a whole number up to 520, or leave it blank",
                );
                None
            }
        },
    };
    if form.change_note.trim().is_empty() {
        err("change_note", "Say what changed, for the version history");
    }
    Some(Criterion {
        key,
        title: form.title.trim().into(),
        stage: stage?,
        required: form.required == "yes",
        due_weeks,
        applies: applies?,
        examples: form.examples.trim().into(),
        counts_as: None,
    })
}

async fn add_criterion(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<CriterionForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    auth::require_admin(&state, &user, &format!("admin/pathways/{code}")).await?;
    let (_, t) = pathways::latest(&state.store, user.account.org_id, &code).await?;
    let site_ids: Vec<i64> = people::sites(&state.store, user.account.org_id)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    let mut errors = Vec::new();
    let mut c = criterion_from_form(&form, &site_ids, &mut errors);
    let mut criteria = t.criteria.clone();
    if !form.replaces.is_empty() {
        // Changing a criterion: it keeps its place; its counts_as link stays.
        match criteria
            .iter()
            .position(|x| format!("{}|{}", x.key, x.applies.code()) == form.replaces)
        {
            Some(i) => {
                let old = criteria.remove(i);
                if let Some(new) = c.as_mut() {
                    new.counts_as = old.counts_as.clone();
                    if *new == old {
                        errors.push(FieldError {
                            field: "title".into(),
                            message: "Nothing has changed in this criterion".into(),
                        });
                    }
                    criteria.insert(i, new.clone());
                }
            }
            None => errors.push(FieldError {
                field: "key".into(),
                message: "The criterion being changed is no longer in the newest version".into(),
            }),
        }
    } else if let Some(new) = &c {
        criteria.push(new.clone());
    }
    let next = c.map(|_| t.publish(criteria));
    if let Some(n) = &next
        && errors.is_empty()
        && let Err(e) = n.check()
    {
        errors.push(FieldError {
            field: "key".into(),
            message: capitalise(&e.to_string()),
        });
    }
    match next {
        Some(n) if errors.is_empty() => {
            pathways::publish(
                &state.store,
                user.account.org_id,
                &n,
                Some(user.account.id),
                &form.change_note,
                state.clock.now(),
            )
            .await?;
            Ok(see_other(&format!(
                "/admin/pathways/{code}?done={}",
                n.version
            )))
        }
        _ => {
            let page = template_view(&state, &user, &code, form, errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Deserialize)]
struct RemoveCriterionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    applies: String,
    #[serde(default)]
    change_note: String,
    /// "yes" once the admin has confirmed on the page that asks.
    #[serde(default)]
    confirm: String,
}

async fn remove_criterion(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<RemoveCriterionForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    auth::require_admin(&state, &user, &format!("admin/pathways/{code}")).await?;
    let (_, t) = pathways::latest(&state.store, user.account.org_id, &code).await?;
    let before = t.criteria.len();
    let criteria: Vec<Criterion> = t
        .criteria
        .iter()
        .filter(|c| !(c.key == form.key && c.applies.code() == form.applies))
        .cloned()
        .collect();
    if criteria.len() == before {
        return Err(Error::BadRequest(format!(
            "key: '{}' is not a criterion of the newest version",
            form.key
        )));
    }
    if form.confirm != "yes" {
        let title = t
            .criteria
            .iter()
            .find(|c| c.key == form.key && c.applies.code() == form.applies)
            .map(|c| c.title.clone())
            .unwrap_or_default();
        return Ok(ConfirmPage {
            layout: Layout::for_user(format!("Remove {title}?"), &user, "/admin/pathways"),
            heading: format!("Remove '{title}' from {}?", t.name),
            message: format!(
                "This publishes version {} without it. Learners stay on their version until you move them; nothing they have signed off is lost.",
                t.version + 1
            ),
            action: format!("/admin/pathways/{code}/criteria/remove"),
            fields: vec![
                ("key".into(), form.key.clone()),
                ("applies".into(), form.applies.clone()),
                ("change_note".into(), form.change_note.clone()),
                ("confirm".into(), "yes".into()),
            ],
            button: "Remove and publish a new version".into(),
            cancel: format!("/admin/pathways/{code}"),
        }
        .into_response());
    }
    let note = if form.change_note.trim().is_empty() {
        format!("removed '{}' ({})", form.key, form.applies)
    } else {
        form.change_note.clone()
    };
    let next = t.publish(criteria);
    pathways::publish(
        &state.store,
        user.account.org_id,
        &next,
        Some(user.account.id),
        &note,
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!(
        "/admin/pathways/{code}?done={}",
        next.version
    )))
}
