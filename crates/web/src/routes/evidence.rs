//! Evidence: the form to add it (a reflection, a file checked by content and
//! size, or observed practice recorded by an assessor), its page and file,
//! and the assessor's decision on it.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::forms::see_other;
use crate::learners::{owner, standing_of, visible_person};
use crate::views::pathway::*;
use crate::views::*;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::evidence::{
    Decider, EvidenceKind, Provenance, check_evidence_decision, check_upload, safe_file_name,
    too_large,
};
use pathwise_domain::pathway::{Standing, is_signed_off};
use pathwise_storage::pathways::{self, EvidenceDecision, LearnerState, NewEvidence, StoredFile};
use pathwise_storage::people::Person;
use serde::Deserialize;
use std::collections::HashMap;

/// The evidence routes; `upload_limit` bounds evidence uploads.
pub fn router(upload_limit: u64) -> Router<AppState> {
    // Room for the form fields around the file, so that a file a little over
    // the limit is read and refused with its size named.
    let body_limit = usize::try_from(upload_limit).unwrap_or(usize::MAX / 2) + 1024 * 1024;
    Router::new()
        .route("/people/{id}/evidence/new", get(evidence_form))
        .route(
            "/people/{id}/evidence",
            post(add_evidence).layer(DefaultBodyLimit::max(body_limit)),
        )
        .route("/evidence/{id}", get(evidence_page))
        .route("/evidence/{id}/decision", post(decide))
        .route("/evidence/{id}/file", get(evidence_file))
}

async fn learner_for_evidence(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(Person, LearnerState, Standing)> {
    let person = visible_person(state, user, id).await?;
    let own = user.account.person_id == Some(id);
    if !own && !user.viewer.may_assess(&owner(&person)) {
        return Err(auth::refuse(state, user, &format!("evidence:person:{id}")).await);
    }
    let (l, _, s) = standing_of(state, &person).await?.ok_or_else(|| {
        Error::BadRequest(format!(
            "{} is not enrolled on a pathway yet, so there is nothing to add evidence to",
            person.name
        ))
    })?;
    Ok((person, l, s))
}

fn criterion_choices(s: &Standing, l: &LearnerState, chosen: &[String]) -> Vec<Choice> {
    s.template
        .criteria
        .iter()
        .filter(|c| !is_signed_off(&c.key, &l.decisions))
        .map(|c| Choice {
            value: c.key.clone(),
            label: format!("Stage {}: {}", c.stage.number(), c.title),
            selected: chosen.contains(&c.key),
        })
        .collect()
}

fn kind_choices(own: bool, chosen: &str) -> Vec<Choice> {
    let kinds: &[EvidenceKind] = if own {
        &[EvidenceKind::Reflection, EvidenceKind::File]
    } else {
        &[EvidenceKind::Observation]
    };
    kinds
        .iter()
        .enumerate()
        .map(|(i, k)| Choice {
            value: k.code().into(),
            label: k.label().into(),
            selected: if chosen.is_empty() {
                i == 0
            } else {
                chosen == k.code()
            },
        })
        .collect()
}

async fn evidence_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<EvidenceFormPage> {
    let (person, l, s) = learner_for_evidence(&state, &user, id).await?;
    let own = user.account.person_id == Some(id);
    Ok(EvidenceFormPage {
        layout: Layout::for_user(
            if own {
                "Add evidence".to_string()
            } else {
                format!("Record observed practice for {}", person.name)
            },
            &user,
            if own { "/pathway" } else { "/inbox" },
        ),
        person_id: id,
        name: person.name,
        own,
        criteria: criterion_choices(&s, &l, &[]),
        kinds: kind_choices(own, ""),
        title: String::new(),
        body: String::new(),
        activity: String::new(),
        limit_mb: state.upload_limit.div_ceil(1024 * 1024),
        errors: Vec::new(),
    })
}

#[derive(Default)]
struct EvidenceSubmission {
    csrf: String,
    kind: String,
    title: String,
    body: String,
    activity: String,
    criteria: Vec<String>,
    file_name: String,
    file: Vec<u8>,
    too_big: Option<u64>,
}

async fn read_submission(mut mp: Multipart, limit: u64) -> Result<EvidenceSubmission> {
    let mut s = EvidenceSubmission::default();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                s.too_big = Some(limit + 1);
                break;
            }
            Err(e) => {
                return Err(Error::BadRequest(format!(
                    "the form could not be read: {e}"
                )));
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            s.file_name = field.file_name().unwrap_or_default().to_string();
            match field.bytes().await {
                Ok(b) => s.file = b.to_vec(),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    s.too_big = Some(limit + 1);
                    break;
                }
                Err(e) => {
                    return Err(Error::BadRequest(format!(
                        "the file could not be read: {e}"
                    )));
                }
            }
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|e| Error::BadRequest(format!("the form could not be read: {e}")))?;
        match name.as_str() {
            "csrf" => s.csrf = text,
            "kind" => s.kind = text,
            "title" => s.title = text,
            "body" => s.body = text,
            "activity" => s.activity = text,
            "criteria" => s.criteria.push(text),
            _ => {}
        }
    }
    Ok(s)
}

async fn add_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response> {
    let sub = read_submission(mp, state.upload_limit).await?;
    // A form cut short by the size limit may not have reached its CSRF field;
    // nothing is stored then either, and the person is told why.
    if sub.too_big.is_none() {
        user.check_csrf(&sub.csrf)?;
    }
    let (person, l, s) = learner_for_evidence(&state, &user, id).await?;
    let own = user.account.person_id == Some(id);
    let kind = EvidenceKind::from_code(&sub.kind);
    let mut errors = Vec::new();
    let err = |f: &str, m: String| FieldError {
        field: f.into(),
        message: m,
    };
    let allowed = kind_choices(own, "");
    match kind {
        Some(k) if allowed.iter().any(|c| c.value == k.code()) => {}
        _ => errors.push(err("kind", "Choose what kind of evidence this is".into())),
    }
    let offered: Vec<String> = sub
        .criteria
        .iter()
        .filter(|k| s.template.criteria.iter().any(|c| &c.key == *k))
        .cloned()
        .collect();
    if offered.is_empty() {
        errors.push(err(
            "criteria",
            "Choose at least one criterion this evidence meets".into(),
        ));
    }
    if sub.title.trim().is_empty() {
        errors.push(err("title", "Give the evidence a short title".into()));
    } else if sub.title.chars().count() > 200 {
        errors.push(err(
            "title",
            "The title must be 200 characters or fewer".into(),
        ));
    }
    if sub.body.chars().count() > 20_000 {
        errors.push(err(
            "body",
            "The text must be 20,000 characters or fewer".into(),
        ));
    }
    let mut file_type = None;
    if let Some(size) = sub.too_big {
        errors.push(err("file", too_large(size, state.upload_limit).to_string()));
    } else if kind == Some(EvidenceKind::File) {
        match check_upload(&sub.file_name, &sub.file, state.upload_limit) {
            Ok(t) => file_type = Some(t),
            Err(e) => errors.push(err("file", e.to_string())),
        }
    } else if matches!(
        kind,
        Some(EvidenceKind::Reflection | EvidenceKind::Observation)
    ) && sub.body.trim().is_empty()
    {
        errors.push(err(
            "body",
            if kind == Some(EvidenceKind::Observation) {
                "Describe what you observed".into()
            } else {
                "Write your reflection".into()
            },
        ));
    }
    if !errors.is_empty() {
        let page = EvidenceFormPage {
            layout: Layout::for_user(
                "Add evidence",
                &user,
                if own { "/pathway" } else { "/inbox" },
            ),
            person_id: id,
            name: person.name,
            own,
            criteria: criterion_choices(&s, &l, &offered),
            kinds: kind_choices(own, &sub.kind),
            title: sub.title,
            body: sub.body,
            activity: sub.activity,
            limit_mb: state.upload_limit.div_ceil(1024 * 1024),
            errors,
        };
        let status = if sub.too_big.is_some() {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return Ok((status, page).into_response());
    }
    let kind = kind.unwrap_or(EvidenceKind::Reflection);
    let file = match file_type {
        Some(t) => Some(StoredFile {
            key: state.files.put(&sub.file).await?,
            name: safe_file_name(&sub.file_name),
            file_type: t,
            size: sub.file.len() as i64,
        }),
        None => None,
    };
    let new = NewEvidence {
        enrolment_id: l.enrolment.id,
        kind,
        title: sub.title,
        body: sub.body,
        activity: sub.activity,
        file: file.clone(),
        criteria: offered,
        added_by_user: Some(user.account.id),
        added_by_person: user.account.person_id,
        added_on: state.clock.today(),
    };
    if let Err(e) =
        pathways::add_evidence(&state.store, person.org_id, &new, state.clock.now()).await
    {
        // Keep no file that no record points at.
        if let Some(f) = file {
            let _ = state.files.remove(&f.key).await;
        }
        return Err(e.into());
    }
    let done = if kind == EvidenceKind::Observation {
        "observation"
    } else {
        "evidence"
    };
    Ok(see_other(&format!("/people/{id}/pathway?done={done}")))
}

/// Evidence the user may see (the learner, or anyone who may see them).
async fn visible_evidence(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(pathways::Evidence, Person)> {
    let e = pathways::evidence(&state.store, id).await?;
    let Some(e) = e.filter(|e| e.org_id == user.account.org_id) else {
        return Err(auth::refuse(state, user, &format!("evidence:{id}")).await);
    };
    let person = visible_person(state, user, e.person_id).await?;
    Ok((e, person))
}

fn decider(user: &CurrentUser) -> Decider {
    Decider {
        account: user.account.id,
        person: user.account.person_id,
    }
}

fn provenance(e: &pathways::Evidence) -> Provenance {
    Provenance {
        learner: e.person_id,
        added_by_account: e.added_by_user,
        added_by_person: e.added_by_person,
    }
}

fn decide_state(
    user: &CurrentUser,
    person: &Person,
    e: &pathways::Evidence,
) -> (bool, Option<String>) {
    if !user.viewer.may_assess(&owner(person)) {
        return (false, None);
    }
    match check_evidence_decision(decider(user), provenance(e), e.status, true, "") {
        Ok(()) => (true, None),
        Err(pathwise_domain::evidence::DecisionRefused::AlreadyDecided) => (false, None),
        Err(r) => (false, Some(capitalise(&r.to_string()))),
    }
}

async fn evidence_view(
    state: &AppState,
    user: &CurrentUser,
    e: pathways::Evidence,
    person: &Person,
    errors: Vec<FieldError>,
) -> Result<EvidencePage> {
    let titles = match pathways::enrolment_of(&state.store, person.id).await? {
        Some(en) => pathways::template(&state.store, person.org_id, en.version_id)
            .await?
            .criteria
            .into_iter()
            .map(|c| (c.key, c.title))
            .collect::<HashMap<_, _>>(),
        None => HashMap::new(),
    };
    let (may_decide, decide_blocked) = decide_state(user, person, &e);
    Ok(EvidencePage {
        decided: None,
        layout: Layout::for_user(
            format!("Evidence: {}", e.title),
            user,
            if user.account.person_id == Some(person.id) {
                "/pathway"
            } else {
                "/inbox"
            },
        ),
        criteria: e
            .criteria
            .iter()
            .map(|k| titles.get(k).cloned().unwrap_or_else(|| k.clone()))
            .collect(),
        evidence: e,
        may_decide,
        decide_blocked,
        errors,
    })
}

#[derive(Deserialize, Default)]
struct EvidenceQuery {
    /// Set after the viewer recorded a decision: show it and the next item.
    #[serde(default)]
    decided: String,
}

async fn evidence_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<EvidenceQuery>,
) -> Result<EvidencePage> {
    let (e, person) = visible_evidence(&state, &user, id).await?;
    let decision = e.decisions.last().cloned();
    let mut page = evidence_view(&state, &user, e, &person, Vec::new()).await?;
    if !q.decided.is_empty()
        && let Some(d) = decision
        && let Some(scope) = auth::inbox_scope(&user.viewer)
    {
        let next = pathways::inbox(&state.store, scope, 1, 0).await?.pop();
        page.decided = Some(DecisionRecorded {
            summary: format!("{} on {}", d.outcome.label(), date_time_in_words(d.at)),
            next: next.map(|n| (format!("/evidence/{}", n.id), n.title, n.person_name)),
            waiting: pathways::inbox_count(&state.store, scope).await?,
        });
    }
    Ok(page)
}

async fn evidence_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response> {
    let (e, _) = visible_evidence(&state, &user, id).await?;
    let file = e.file.ok_or(Error::NotFound)?;
    let bytes = state.files.get(&file.key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.file_type.mime().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", safe_file_name(&file.name)),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_string(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    feedback: String,
}

async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    let (e, person) = visible_evidence(&state, &user, id).await?;
    if !user.viewer.may_assess(&owner(&person)) {
        return Err(auth::refuse(&state, &user, &format!("decide:evidence:{id}")).await);
    }
    let accept = match form.outcome.as_str() {
        "accept" => true,
        "return" => false,
        _ => {
            let errors = vec![FieldError {
                field: "outcome".into(),
                message: "Choose whether to accept the evidence or return it".into(),
            }];
            let page = evidence_view(&state, &user, e, &person, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if let Err(r) = check_evidence_decision(
        decider(&user),
        provenance(&e),
        e.status,
        accept,
        &form.feedback,
    ) {
        let errors = vec![FieldError {
            field: if accept { "outcome" } else { "feedback" }.into(),
            message: capitalise(&r.to_string()),
        }];
        let page = evidence_view(&state, &user, e, &person, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    pathways::decide(
        &state.store,
        person.org_id,
        &EvidenceDecision {
            evidence_id: id,
            accept,
            feedback: form.feedback,
            by_user: Some(user.account.id),
            by_person: user.account.person_id,
            on: state.clock.today(),
        },
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!("/evidence/{id}?decided=1")))
}
