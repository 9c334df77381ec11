//! A learner's pathway page, and the forms on it: enrolling, ending and
//! reopening an enrolment, withdrawing a sign-off, recording a review and
//! raising a workload-pressure flag. A form refused for what was typed shows
//! the page again with the message at its field.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::forms::{CsrfForm, NoticeQuery, at_field, parse_date, see_other};
use crate::learners::{self, owner, standing_of, visible_person};
use crate::views::pathway::*;
use crate::views::*;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::drafts::ReviewDraft;
use pathwise_domain::enrolment::{Ending, EnrolmentEnd, check_ending};
use pathwise_domain::pathway::{CriterionStatus, RAG_RULE, Stage, is_signed_off};
use pathwise_storage::pathways::{self, NewEnrolment, NewReview, Withdrawal};
use pathwise_storage::people::Person;
use serde::Deserialize;

/// The pathway page and its forms.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pathway", get(my_pathway))
        .route("/people/{id}/pathway", get(pathway_page))
        .route("/people/{id}/enrol", post(enrol_one))
        .route("/people/{id}/enrolment/end", post(end_enrolment))
        .route(
            "/people/{id}/enrolments/{enrolment_id}/reopen",
            post(reopen_enrolment),
        )
        .route("/people/{id}/sign-offs/withdraw", post(withdraw))
        .route("/people/{id}/reviews", post(record_review))
        .route("/people/{id}/workload-flag", post(raise_flag))
}

fn notice_for(done: &str) -> Option<String> {
    Some(
        match done {
            "evidence" => "Your evidence has been sent to your assessor.",
            "observation" => "The observation has been recorded and waits for another assessor's decision.",
            "review" => "The review has been recorded.",
            "flag" => "The workload-pressure flag has been raised. Your manager will see it on the team page.",
            "withdrawn" => "The sign-off has been withdrawn. The earlier decision stays in the record.",
            "enrolled" => "Enrolled. The first review is due in the interval the pathway sets.",
            "ended" => "The enrolment has ended. Its evidence, sign-offs and reviews are kept below.",
            "reopened" => "The enrolment is open again, with its evidence, sign-offs and reviews.",
            _ => return None,
        }
        .to_string(),
    )
}

async fn my_pathway(user: CurrentUser) -> Result<Response> {
    let id = user.account.person_id.ok_or(Error::NotFound)?;
    Ok(see_other(&format!("/people/{id}/pathway")))
}

async fn pathway_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<PathwayPage> {
    let person = visible_person(&state, &user, id).await?;
    pathway_view(&state, &user, &person, notice_for(&q.done)).await
}

/// The fields of each form on the pathway page: the name an error message
/// starts with, and the id of the field it belongs to. An error naming no
/// known field goes to the first.
const REVIEW_FIELDS: &[(&str, &str)] = &[
    ("held_on", "held_on"),
    ("progress", "progress"),
    ("rating", "rating"),
];

const FLAG_FIELDS: &[(&str, &str)] = &[("note", "flag_note")];

const WITHDRAW_FIELDS: &[(&str, &str)] =
    &[("reason", "withdraw_reason"), ("criterion", "criterion")];

const ENROL_FIELDS: &[(&str, &str)] = &[
    ("pathway", "version_id"),
    ("variant", "variant"),
    ("aim", "aim"),
    ("enrolled_on", "enrolled_on"),
];

const END_FIELDS: &[(&str, &str)] = &[
    ("reason", "end_reason"),
    ("ended_on", "ended_on"),
    ("note", "end_note"),
];

/// Passes a form's outcome through, except a refusal of what was typed: then
/// the pathway page is shown again (422) with the message in the summary and
/// at its field, and what was typed still in the form.
async fn shown_again(
    state: &AppState,
    user: &CurrentUser,
    person: &Person,
    outcome: Result<Response>,
    fields: &[(&str, &str)],
    typed: PathwayForms,
) -> Result<Response> {
    let errors = match outcome {
        Err(Error::BadRequest(m)) => vec![at_field(&m, fields)],
        Err(Error::Invalid(e)) => e
            .into_list()
            .into_iter()
            .map(|e| at_field(&format!("{}: {}", e.field, e.message), fields))
            .collect(),
        other => return other,
    };
    let mut page = pathway_view(state, user, person, None).await?;
    page.errors = errors;
    page.typed = typed;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn pathway_view(
    state: &AppState,
    user: &CurrentUser,
    person: &Person,
    notice: Option<String>,
) -> Result<PathwayPage> {
    let id = person.id;
    let own = user.account.person_id == Some(id);
    let found = standing_of(state, person).await?;
    let may_manage = user.viewer.may_manage(&owner(person));
    let layout = Layout::for_user(
        if own {
            "Your pathway".to_string()
        } else {
            format!("Pathway for {}", person.name)
        },
        user,
        if own { "/pathway" } else { "/team/progress" },
    );
    let ended = pathways::ended_enrolments(&state.store, id)
        .await?
        .into_iter()
        .map(|e| EndedView {
            enrolment_id: e.enrolment.id,
            pathway: format!("{} (version {})", e.pathway, e.version),
            enrolled_on: e.enrolment.enrolled_on,
            ended_on: e.ended_on,
            reason: e.reason.label(),
            note: e.note,
        })
        .collect();
    let mut page = PathwayPage {
        layout,
        person_id: id,
        name: person.name.clone(),
        own,
        enrolled: None,
        enrol_choices: Vec::new(),
        aim_choices: Vec::new(),
        variant_choices: Vec::new(),
        csrf: user.csrf.clone().unwrap_or_default(),
        today: state.clock.today(),
        notice,
        errors: Vec::new(),
        typed: PathwayForms::fresh(state.clock.today()),
        end_reasons: EnrolmentEnd::ALL
            .into_iter()
            .map(|r| Choice {
                value: r.code().into(),
                label: r.label().into(),
                selected: false,
            })
            .collect(),
        ended,
        may_manage,
    };
    let Some((learner, _, st)) = found else {
        if may_manage {
            let framework = state.frameworks.get(&state.store, person.org_id).await?;
            let mut roles: Vec<(String, String)> = framework
                .roles
                .values()
                .map(|r| (r.title.clone(), r.code.clone()))
                .collect();
            roles.sort();
            page.aim_choices = roles
                .into_iter()
                .map(|(title, code)| Choice {
                    selected: page.typed.aim == code,
                    value: code,
                    label: title,
                })
                .collect();
            for v in learners::latest_versions(state, person.org_id).await? {
                let (vid, t) = v;
                page.enrol_choices.push(Choice {
                    value: vid.to_string(),
                    label: format!("{} (version {})", t.name, t.version),
                    selected: page.enrol_choices.is_empty(),
                });
                for variant in t.variants() {
                    if !page.variant_choices.iter().any(|c| c.value == variant) {
                        page.variant_choices.push(Choice {
                            label: variant.clone(),
                            value: variant,
                            selected: false,
                        });
                    }
                }
            }
        }
        return Ok(page);
    };
    let framework = state.frameworks.get(&state.store, person.org_id).await?;
    let title_of = |code: &str| {
        framework
            .roles
            .get(code)
            .map_or(code.to_string(), |r| r.title.clone())
    };
    let evidence = pathways::evidence_for(&state.store, learner.enrolment.id).await?;
    let reviews = pathways::reviews(&state.store, learner.enrolment.id).await?;
    let sign_offs = pathways::sign_offs(&state.store, learner.enrolment.id).await?;
    let today = state.clock.today();
    let standards = state
        .catalogue
        .care_certificate
        .for_start(learner.enrolment.enrolled_on)
        .map(|v| {
            v.standards
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}. {s} ({} version)", i + 1, v.name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut stages = Vec::new();
    for (sp, stage) in st.stages.iter().zip(Stage::ALL) {
        let criteria = st
            .template
            .criteria
            .iter()
            .filter(|c| c.stage == stage)
            .map(|c| {
                let signed = is_signed_off(&c.key, &learner.decisions);
                let due = c.due_on(learner.enrolment.enrolled_on);
                let offered: Vec<&_> = evidence
                    .iter()
                    .filter(|e| e.criteria.contains(&c.key))
                    .collect();
                let status = CriterionStatus::of(signed, offered.iter().map(|e| e.status));
                let last = sign_offs
                    .iter()
                    .rev()
                    .find(|s| s.criterion == c.key && s.signed_off)
                    .filter(|_| signed);
                CriterionRow {
                    key: c.key.clone(),
                    title: c.title.clone(),
                    examples: c.examples.clone(),
                    required: c.required,
                    due,
                    overdue: c.overdue(learner.enrolment.enrolled_on, today, &learner.decisions),
                    status: status.label().into(),
                    tag: status.tag(),
                    signed: last.map(|s| {
                        format!(
                            "{} on {}{}",
                            s.by_name.clone().unwrap_or_else(|| "an assessor".into()),
                            s.on,
                            s.evidence_id
                                .map(|e| format!(" (evidence {e})"))
                                .unwrap_or_default()
                        )
                    }),
                    is_signed_off: signed,
                    standards: if c.is_care_certificate() {
                        standards.clone()
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect();
        stages.push(StageView {
            number: stage.number(),
            label: stage.label(),
            signed_off: sp.signed_off,
            required: sp.required,
            state: if sp.complete {
                "Complete"
            } else if sp.open {
                "In progress"
            } else {
                "Not started yet"
            },
            criteria,
        });
    }
    let mut next_steps: Vec<String> = st
        .template
        .criteria
        .iter()
        .filter(|c| Some(c.stage) == st.current && c.required)
        .filter(|c| !is_signed_off(&c.key, &learner.decisions))
        .take(3)
        .map(|c| format!("{}: {}", c.title, c.examples))
        .collect();
    if st.current.is_none() {
        next_steps.push(
            "Every stage is complete. Talk to your line manager about applying for your next role."
                .into(),
        );
    }
    let doc =
        learners::next_options_meeting(state, person, today, st.requirements_met.clone()).await?;
    let routes = doc
        .options
        .iter()
        .map(|o| RouteView {
            role: o.role.title.clone(),
            route: o.route.name.clone(),
            readiness: o.readiness_percent(),
        })
        .collect();
    let versions = pathways::versions(&state.store, person.org_id).await?;
    let v = versions
        .iter()
        .find(|v| v.id == learner.enrolment.version_id);
    let may_assess = user.viewer.may_assess(&owner(person));
    let may_review = may_manage;
    page.enrolled = Some(EnrolledView {
        enrolment_id: learner.enrolment.id,
        pathway: v.map_or("Pathway".into(), |v| {
            format!("{} (version {})", v.name, v.version)
        }),
        variant: learner.enrolment.variant.clone(),
        aim: learner.enrolment.aim.as_deref().map(title_of),
        enrolled_on: learner.enrolment.enrolled_on,
        current_stage: st.current.map_or("All stages complete".into(), |s| {
            format!("Stage {}: {}", s.number(), s.label())
        }),
        rag: st.rag.code(),
        rag_reasons: st.rag.reasons().to_vec(),
        rag_rule: RAG_RULE,
        next_review: st.next_review,
        review_overdue: st.next_review < today,
        workload_open: st.workload_open,
        next_steps,
        stages,
        routes,
        signed_off: st
            .template
            .criteria
            .iter()
            .filter(|c| is_signed_off(&c.key, &learner.decisions))
            .map(|c| Choice {
                value: c.key.clone(),
                label: c.title.clone(),
                selected: false,
            })
            .collect(),
        evidence,
        reviews,
        may_add_evidence: own,
        may_assess,
        may_review,
        may_flag: own || may_review,
    });
    Ok(page)
}

#[derive(Deserialize)]
struct EnrolForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version_id: String,
    #[serde(default)]
    variant: String,
    #[serde(default)]
    aim: String,
    #[serde(default)]
    enrolled_on: String,
}

async fn enrol_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<EnrolForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    let person = visible_person(&state, &user, id).await?;
    if !user.viewer.may_manage(&owner(&person)) {
        return Err(auth::refuse(&state, &user, &format!("enrol:person:{id}")).await);
    }
    let outcome = enrol_person(&state, &user, &person, &form).await;
    let typed = PathwayForms {
        version_id: form.version_id,
        variant: form.variant,
        aim: form.aim,
        enrolled_on: form.enrolled_on,
        ..PathwayForms::fresh(state.clock.today())
    };
    shown_again(&state, &user, &person, outcome, ENROL_FIELDS, typed).await
}

async fn enrol_person(
    state: &AppState,
    user: &CurrentUser,
    person: &Person,
    form: &EnrolForm,
) -> Result<Response> {
    let id = person.id;
    let mut errors = Vec::new();
    let on = parse_date(
        "enrolled_on",
        &form.enrolled_on,
        state.clock.today(),
        &mut errors,
    );
    let version_id: i64 = form
        .version_id
        .parse()
        .map_err(|_| Error::BadRequest("pathway: choose a pathway".into()))?;
    if let Some(e) = errors.first() {
        return Err(Error::BadRequest(format!("enrolled_on: {}", e.message)));
    }
    let on = on.unwrap_or_else(|| state.clock.today());
    if on > state.clock.today() {
        return Err(Error::BadRequest(
            "enrolled_on: the enrolment date cannot be in the future".into(),
        ));
    }
    let t = pathways::template(&state.store, person.org_id, version_id).await?;
    let variant = Some(form.variant.trim().to_string()).filter(|v| !v.is_empty());
    if let Some(v) = &variant
        && !t.variants().contains(v)
    {
        return Err(Error::BadRequest(format!(
            "variant: '{v}' is not a variant of this pathway"
        )));
    }
    let aim = Some(form.aim.trim().to_string()).filter(|v| !v.is_empty());
    if let Some(a) = &aim {
        let framework = state.frameworks.get(&state.store, person.org_id).await?;
        if !framework.roles.contains_key(a) {
            return Err(Error::BadRequest(format!(
                "aim: '{a}' is not a role in the career framework"
            )));
        }
    }
    pathways::enrol(
        &state.store,
        person.org_id,
        &[NewEnrolment {
            person_id: id,
            version_id,
            variant,
            aim,
            enrolled_on: on,
        }],
        &[],
        Some(user.account.id),
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!("/people/{id}/pathway?done=enrolled")))
}

#[derive(Deserialize)]
struct EndForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    end_reason: String,
    #[serde(default)]
    ended_on: String,
    #[serde(default)]
    end_note: String,
}

/// Ends the learner's enrolment: completed, left or withdrawn (line manager
/// or L&D). Completion needs every required criterion signed off.
async fn end_enrolment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<EndForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    let person = visible_person(&state, &user, id).await?;
    if !user.viewer.may_manage(&owner(&person)) {
        return Err(auth::refuse(&state, &user, &format!("end-enrolment:person:{id}")).await);
    }
    let outcome = end_for(&state, &user, &person, &form).await;
    let typed = PathwayForms {
        end_reason: form.end_reason,
        ended_on: form.ended_on,
        end_note: form.end_note,
        ..PathwayForms::fresh(state.clock.today())
    };
    shown_again(&state, &user, &person, outcome, END_FIELDS, typed).await
}

async fn end_for(
    state: &AppState,
    user: &CurrentUser,
    person: &Person,
    form: &EndForm,
) -> Result<Response> {
    let (learner, _, st) = standing_of(state, person).await?.ok_or(Error::NotFound)?;
    let reason = EnrolmentEnd::parse(&form.end_reason)
        .ok_or_else(|| Error::BadRequest("reason: choose why the enrolment ends".into()))?;
    let mut errors = Vec::new();
    let on = parse_date("ended_on", &form.ended_on, state.clock.today(), &mut errors);
    if let Some(e) = errors.first() {
        return Err(Error::BadRequest(format!("ended_on: {}", e.message)));
    }
    let ending = Ending {
        reason,
        on: on.unwrap_or_else(|| state.clock.today()),
        note: form.end_note.trim().to_string(),
    };
    check_ending(
        &ending,
        learner.enrolment.enrolled_on,
        state.clock.today(),
        st.required.saturating_sub(st.signed_off),
    )
    .map_err(|e| Error::BadRequest(e.to_string()))?;
    pathways::end_enrolment(
        &state.store,
        person.org_id,
        learner.enrolment.id,
        &ending,
        Some(user.account.id),
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!(
        "/people/{}/pathway?done=ended",
        person.id
    )))
}

/// Reopens an ended enrolment of this learner (undoing an ending made in error).
async fn reopen_enrolment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, enrolment_id)): Path<(i64, i64)>,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    let person = visible_person(&state, &user, id).await?;
    if !user.viewer.may_manage(&owner(&person)) {
        return Err(auth::refuse(&state, &user, &format!("reopen-enrolment:person:{id}")).await);
    }
    let outcome = pathways::reopen_enrolment(
        &state.store,
        person.org_id,
        id,
        enrolment_id,
        Some(user.account.id),
        state.clock.now(),
    )
    .await
    .map(|()| see_other(&format!("/people/{id}/pathway?done=reopened")))
    .map_err(Error::from);
    shown_again(
        &state,
        &user,
        &person,
        outcome,
        &[("reopen", "ended-enrolments")],
        PathwayForms::fresh(state.clock.today()),
    )
    .await
}

#[derive(Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    criterion: String,
    #[serde(default)]
    reason: String,
}

async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    let person = visible_person(&state, &user, id).await?;
    if !user.viewer.may_assess(&owner(&person)) {
        return Err(auth::refuse(&state, &user, &format!("withdraw:person:{id}")).await);
    }
    let en = pathways::enrolment_of(&state.store, id)
        .await?
        .ok_or(Error::NotFound)?;
    let outcome = if form.reason.trim().is_empty() {
        Err(Error::BadRequest(
            "reason: give a reason for withdrawing the sign-off".into(),
        ))
    } else {
        pathways::withdraw_sign_off(
            &state.store,
            person.org_id,
            &Withdrawal {
                enrolment_id: en.id,
                criterion: form.criterion.clone(),
                reason: form.reason.clone(),
                by_user: Some(user.account.id),
                by_person: user.account.person_id,
                on: state.clock.today(),
            },
            state.clock.now(),
        )
        .await
        .map(|_| see_other(&format!("/people/{id}/pathway?done=withdrawn")))
        .map_err(Error::from)
    };
    let typed = PathwayForms {
        withdraw_criterion: form.criterion,
        withdraw_reason: form.reason,
        ..PathwayForms::fresh(state.clock.today())
    };
    shown_again(&state, &user, &person, outcome, WITHDRAW_FIELDS, typed).await
}

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    progress: String,
    #[serde(default)]
    actions: String,
    #[serde(default)]
    workload_pressure: String,
    #[serde(default)]
    rating: String,
}

async fn record_review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    let person = visible_person(&state, &user, id).await?;
    if !user.viewer.may_manage(&owner(&person)) {
        return Err(auth::refuse(&state, &user, &format!("review:person:{id}")).await);
    }
    let outcome = save_review(&state, &user, &person, &form).await;
    let typed = PathwayForms {
        held_on: form.held_on,
        progress: form.progress,
        actions: form.actions,
        workload: form.workload_pressure,
        rating: form.rating,
        ..PathwayForms::fresh(state.clock.today())
    };
    shown_again(&state, &user, &person, outcome, REVIEW_FIELDS, typed).await
}

async fn save_review(
    state: &AppState,
    user: &CurrentUser,
    person: &Person,
    form: &ReviewForm,
) -> Result<Response> {
    let id = person.id;
    let en = pathways::enrolment_of(&state.store, id)
        .await?
        .ok_or(Error::NotFound)?;
    let typed: &[(&str, &str)] = &[
        ("held_on", &form.held_on),
        ("progress", &form.progress),
        ("actions", &form.actions),
        ("workload_pressure", &form.workload_pressure),
        ("rating", &form.rating),
    ];
    let review = ReviewDraft::parse(typed, en.enrolled_on, state.clock.today())?;
    pathways::record_review(
        &state.store,
        person.org_id,
        &NewReview {
            enrolment_id: en.id,
            held_on: review.held_on,
            progress: review.progress,
            actions: review.actions,
            workload_pressure: review.workload_pressure,
            rating: review.rating,
            by_user: Some(user.account.id),
        },
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!("/people/{id}/pathway?done=review")))
}

#[derive(Deserialize)]
struct FlagForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
}

async fn raise_flag(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<FlagForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    let person = visible_person(&state, &user, id).await?;
    let own = user.account.person_id == Some(id);
    if !own && !user.viewer.may_manage(&owner(&person)) {
        return Err(auth::refuse(&state, &user, &format!("flag:person:{id}")).await);
    }
    let en = pathways::enrolment_of(&state.store, id)
        .await?
        .ok_or(Error::NotFound)?;
    let outcome = if form.note.trim().is_empty() {
        Err(Error::BadRequest(
            "note: say briefly what is causing the pressure".into(),
        ))
    } else {
        pathways::raise_flag(
            &state.store,
            person.org_id,
            en.id,
            &form.note,
            Some(user.account.id),
            state.clock.now(),
        )
        .await
        .map(|_| see_other(&format!("/people/{id}/pathway?done=flag")))
        .map_err(Error::from)
    };
    let typed = PathwayForms {
        flag_note: form.note,
        ..PathwayForms::fresh(state.clock.today())
    };
    shown_again(&state, &user, &person, outcome, FLAG_FIELDS, typed).await
}
