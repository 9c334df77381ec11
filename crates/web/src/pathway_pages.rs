//! Pathway routes: a learner's pathway and evidence, the assessor's inbox and
//! decisions, reviews and workload flags, team progress, and the L&D admin's
//! templates, versions, enrolments (one at a time or from CSV) and evidence
//! completeness. Every handler asks the domain's access rules first; every
//! change is written with its audit event by storage.

use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::exports::{Cell, Format, Table};
use crate::pages::visible_person;
use crate::pathway_views::*;
use crate::views::{Choice, FieldError, Layout, capitalise};
use crate::{AppState, next_options, today};
use axum::Form;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use pathwise_domain::enrolment::{Ending, EnrolmentEnd, check_ending};
use pathwise_domain::evidence::{
    EvidenceKind, EvidenceStatus, check_evidence_decision, check_upload, safe_file_name, too_large,
};
use pathwise_domain::pathway::{
    Applies, CareCertificate, Criterion, LearnerPlace, LearnerRecord, PathwayTemplate, RAG_RULE,
    REVIEW_WEEKS, Stage, Standing, is_signed_off, standing, valid_key,
};
use pathwise_domain::{AppRole, Date, RecordOwner};
use pathwise_storage::pathways::{
    self, EvidenceDecision, LearnerFilter, LearnerState, NewEnrolment, NewEvidence, NewReview,
    StoredFile, Withdrawal,
};
use pathwise_storage::people::{self, Person};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// Rows per page in long lists.
const PAGE_SIZE: usize = 50;

/// The pathway routes; `upload_limit` bounds evidence uploads.
pub fn router(upload_limit: u64) -> Router<AppState> {
    // Room for the form fields around the file, so that a file a little over
    // the limit is read and refused with its size named.
    let body_limit = usize::try_from(upload_limit).unwrap_or(usize::MAX / 2) + 1024 * 1024;
    Router::new()
        .route("/pathway", get(my_pathway))
        .route("/people/{id}/pathway", get(pathway_page))
        .route("/people/{id}/enrol", post(enrol_one))
        .route("/people/{id}/enrolment/end", post(end_enrolment))
        .route(
            "/people/{id}/enrolments/{enrolment_id}/reopen",
            post(reopen_enrolment),
        )
        .route("/people/{id}/evidence/new", get(evidence_form))
        .route(
            "/people/{id}/evidence",
            post(add_evidence).layer(DefaultBodyLimit::max(body_limit)),
        )
        .route("/people/{id}/sign-offs/withdraw", post(withdraw))
        .route("/people/{id}/reviews", post(record_review))
        .route("/people/{id}/workload-flag", post(raise_flag))
        .route("/evidence/{id}", get(evidence_page))
        .route("/evidence/{id}/decision", post(decide))
        .route("/evidence/{id}/file", get(evidence_file))
        .route("/inbox", get(inbox_page))
        .route(
            "/inbox.csv",
            get(|s, u, q| inbox_export(s, u, q, Format::Csv)),
        )
        .route(
            "/inbox.xlsx",
            get(|s, u, q| inbox_export(s, u, q, Format::Xlsx)),
        )
        .route("/team/progress", get(team_progress))
        .route(
            "/team/progress.csv",
            get(|s, u| team_progress_export(s, u, Format::Csv)),
        )
        .route(
            "/team/progress.xlsx",
            get(|s, u| team_progress_export(s, u, Format::Xlsx)),
        )
        .route("/admin/pathways", get(pathways_admin).post(new_pathway))
        .route("/admin/pathways/{code}/settings", post(change_settings))
        .route("/admin/pathways/{code}/criteria/edit", get(edit_criterion))
        .route("/admin/pathways/{code}", get(template_page))
        .route("/admin/pathways/{code}/criteria", post(add_criterion))
        .route(
            "/admin/pathways/{code}/criteria/remove",
            post(remove_criterion),
        )
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
        .route("/admin/completeness", get(completeness_page))
        .route(
            "/admin/completeness.csv",
            get(|s, u| completeness_export(s, u, Format::Csv)),
        )
        .route(
            "/admin/completeness.xlsx",
            get(|s, u| completeness_export(s, u, Format::Xlsx)),
        )
}

fn care_certificate() -> &'static CareCertificate {
    static CC: OnceLock<CareCertificate> = OnceLock::new();
    CC.get_or_init(|| {
        CareCertificate::parse(include_str!("../../../catalogue/care-certificate.toml")).unwrap_or(
            CareCertificate {
                versions: Vec::new(),
            },
        )
    })
}

fn owner(p: &Person) -> RecordOwner {
    RecordOwner {
        org_id: p.org_id,
        person_id: p.id,
        manager_id: p.manager_id,
        site_id: p.site_id,
    }
}

fn place(s: &LearnerState) -> LearnerPlace {
    LearnerPlace {
        variant: s.enrolment.variant.clone(),
        site_id: s.site_id,
        aim: s.enrolment.aim.clone(),
    }
}

/// Learners with their standing today, read in a fixed number of queries.
pub async fn standings(
    state: &AppState,
    org_id: i64,
    filter: LearnerFilter,
) -> Result<Vec<(LearnerState, PathwayTemplate, Standing)>> {
    let (learners, templates) = pathways::learner_states(&state.store, org_id, filter).await?;
    let today = today();
    let mut out = Vec::with_capacity(learners.len());
    for l in learners {
        let Some(t) = templates.get(&l.enrolment.version_id) else {
            continue;
        };
        let p = place(&l);
        let s = standing(
            t,
            LearnerRecord {
                place: &p,
                enrolled: l.enrolment.enrolled_on,
                decisions: &l.decisions,
                last_review: l.last_review,
                flag_events: &l.flag_events,
            },
            today,
        );
        out.push((l, t.clone(), s));
    }
    Ok(out)
}

/// One person's current enrolment with its template and standing, if enrolled.
pub async fn standing_of(
    state: &AppState,
    person: &Person,
) -> Result<Option<(LearnerState, PathwayTemplate, Standing)>> {
    let found = standings(
        state,
        person.org_id,
        LearnerFilter {
            manager_id: None,
            person_id: Some(person.id),
        },
    )
    .await?;
    Ok(found.into_iter().next())
}

/// The framework requirements a person has met on their pathway.
pub async fn requirements_met(state: &AppState, person: &Person) -> Result<Vec<String>> {
    Ok(standing_of(state, person)
        .await?
        .map(|(_, _, s)| s.requirements_met)
        .unwrap_or_default())
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn parse_date(field: &str, value: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    match value.trim().parse::<Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError {
                field: field.into(),
                message: format!("Enter the date as year-month-day, for example {}", today()),
            });
            None
        }
    }
}

// ---- the learner's pathway ---------------------------------------------------

#[derive(Deserialize, Default)]
struct NoticeQuery {
    #[serde(default)]
    done: String,
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
    let message = match outcome {
        Err(Error::BadRequest(m)) => m,
        other => return other,
    };
    let mut page = pathway_view(state, user, person, None).await?;
    page.errors = vec![at_field(&message, fields)];
    page.typed = typed;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Places a "field: what to do" message at its field's id (`fields` pairs
/// the name in messages with the id); a message naming no known field goes
/// to the first.
fn at_field(message: &str, fields: &[(&str, &str)]) -> FieldError {
    let (field, text) = message
        .split_once(": ")
        .and_then(|(name, rest)| {
            fields
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, id)| (*id, rest))
        })
        .unwrap_or((fields[0].1, message));
    FieldError {
        field: field.into(),
        message: capitalise(text),
    }
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
        variant_choices: Vec::new(),
        csrf: user.csrf.clone().unwrap_or_default(),
        today: today(),
        notice,
        errors: Vec::new(),
        typed: PathwayForms::fresh(today()),
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
            for v in latest_versions(state, person.org_id).await? {
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
    let today = today();
    let standards = care_certificate()
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
                let (status, tag) = if signed {
                    ("Signed off", "green")
                } else if offered.iter().any(|e| e.status == EvidenceStatus::Waiting) {
                    ("Evidence waiting", "blue")
                } else if offered.iter().any(|e| e.status == EvidenceStatus::Returned) {
                    ("Returned: add more evidence", "orange")
                } else {
                    ("Not started", "grey")
                };
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
                    status: status.into(),
                    tag,
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
                    standards: if c.key == "care-certificate" && c.counts_as.is_some() {
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
        next_options::for_person_meeting(state, person, today, st.requirements_met.clone()).await?;
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

/// The newest version of each of an organisation's pathways.
async fn latest_versions(state: &AppState, org_id: i64) -> Result<Vec<(i64, PathwayTemplate)>> {
    let mut codes: Vec<String> = pathways::versions(&state.store, org_id)
        .await?
        .into_iter()
        .map(|v| v.code)
        .collect();
    codes.dedup();
    let mut out = Vec::new();
    for c in codes {
        out.push(pathways::latest(&state.store, org_id, &c).await?);
    }
    Ok(out)
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
        ..PathwayForms::fresh(today())
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
    let on = parse_date("enrolled_on", &form.enrolled_on, &mut errors);
    let version_id: i64 = form
        .version_id
        .parse()
        .map_err(|_| Error::BadRequest("pathway: choose a pathway".into()))?;
    if let Some(e) = errors.first() {
        return Err(Error::BadRequest(format!("enrolled_on: {}", e.message)));
    }
    let on = on.unwrap_or_else(today);
    if on > today() {
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
        auth::now(),
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
        ..PathwayForms::fresh(today())
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
    let on = parse_date("ended_on", &form.ended_on, &mut errors);
    if let Some(e) = errors.first() {
        return Err(Error::BadRequest(format!("ended_on: {}", e.message)));
    }
    let ending = Ending {
        reason,
        on: on.unwrap_or_else(today),
        note: form.end_note.trim().to_string(),
    };
    check_ending(
        &ending,
        learner.enrolment.enrolled_on,
        today(),
        st.required.saturating_sub(st.signed_off),
    )
    .map_err(|e| Error::BadRequest(e.to_string()))?;
    pathways::end_enrolment(
        &state.store,
        person.org_id,
        learner.enrolment.id,
        &ending,
        Some(user.account.id),
        auth::now(),
    )
    .await?;
    Ok(see_other(&format!(
        "/people/{}/pathway?done=ended",
        person.id
    )))
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
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
        auth::now(),
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
        PathwayForms::fresh(today()),
    )
    .await
}

// ---- evidence ------------------------------------------------------------------

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
        added_on: today(),
    };
    if let Err(e) = pathways::add_evidence(&state.store, person.org_id, &new, auth::now()).await {
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

fn decide_state(
    user: &CurrentUser,
    person: &Person,
    e: &pathways::Evidence,
) -> (bool, Option<String>) {
    if !user.viewer.may_assess(&owner(person)) {
        return (false, None);
    }
    match check_evidence_decision(
        user.account.person_id.unwrap_or(i64::MIN),
        e.person_id,
        e.added_by_person,
        e.status,
        true,
        "",
    ) {
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

async fn evidence_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<EvidencePage> {
    let (e, person) = visible_evidence(&state, &user, id).await?;
    evidence_view(&state, &user, e, &person, Vec::new()).await
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
        user.account.person_id.unwrap_or(i64::MIN),
        e.person_id,
        e.added_by_person,
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
            on: today(),
        },
        auth::now(),
    )
    .await?;
    Ok(see_other(&format!("/evidence/{id}")))
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
    let outcome = pathways::withdraw_sign_off(
        &state.store,
        person.org_id,
        &Withdrawal {
            enrolment_id: en.id,
            criterion: form.criterion.clone(),
            reason: form.reason.clone(),
            by_user: Some(user.account.id),
            by_person: user.account.person_id,
            on: today(),
        },
        auth::now(),
    )
    .await
    .map(|_| see_other(&format!("/people/{id}/pathway?done=withdrawn")))
    .map_err(Error::from);
    let typed = PathwayForms {
        withdraw_criterion: form.criterion,
        withdraw_reason: form.reason,
        ..PathwayForms::fresh(today())
    };
    shown_again(&state, &user, &person, outcome, WITHDRAW_FIELDS, typed).await
}

// ---- reviews and workload flags --------------------------------------------------

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
        ..PathwayForms::fresh(today())
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
    let mut errors = Vec::new();
    let held = parse_date("held_on", &form.held_on, &mut errors);
    if let Some(e) = errors.first() {
        return Err(Error::BadRequest(format!("held_on: {}", e.message)));
    }
    let held = held.unwrap_or_else(today);
    if held > today() || held < en.enrolled_on {
        return Err(Error::BadRequest(format!(
            "held_on: the review date must be between the enrolment ({}) and today",
            en.enrolled_on
        )));
    }
    if form.progress.trim().is_empty() {
        return Err(Error::BadRequest(
            "progress: say what progress was discussed".into(),
        ));
    }
    let rating = match form.rating.trim() {
        "" => None,
        r => Some(
            r.parse::<u8>()
                .ok()
                .filter(|x| (1..=5).contains(x))
                .ok_or_else(|| Error::BadRequest("rating: choose a rating from 1 to 5".into()))?,
        ),
    };
    pathways::record_review(
        &state.store,
        person.org_id,
        &NewReview {
            enrolment_id: en.id,
            held_on: held,
            progress: form.progress.clone(),
            actions: form.actions.clone(),
            workload_pressure: form.workload_pressure == "yes",
            rating,
            by_user: Some(user.account.id),
        },
        auth::now(),
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
    let outcome = pathways::raise_flag(
        &state.store,
        person.org_id,
        en.id,
        &form.note,
        Some(user.account.id),
        auth::now(),
    )
    .await
    .map(|_| see_other(&format!("/people/{id}/pathway?done=flag")))
    .map_err(Error::from);
    let typed = PathwayForms {
        flag_note: form.note,
        ..PathwayForms::fresh(today())
    };
    shown_again(&state, &user, &person, outcome, FLAG_FIELDS, typed).await
}

// ---- the assessor's inbox -----------------------------------------------------------

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    rag: String,
}

#[derive(Deserialize, Default)]
struct InboxQuery {
    #[serde(default)]
    page: Option<i64>,
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
    let page = q.page.unwrap_or(1).max(1);
    let total = pathways::inbox_count(&state.store, scope).await?;
    let items = pathways::inbox(
        &state.store,
        scope,
        PAGE_SIZE as i64,
        (page - 1) * PAGE_SIZE as i64,
    )
    .await?;
    let filter = learner.map(|l| format!("&learner={l}")).unwrap_or_default();
    Ok(InboxPage {
        layout: Layout::for_user("Evidence to review", &user, "/inbox"),
        items,
        total,
        page,
        prev_href: (page > 1).then(|| format!("/inbox?page={}{filter}", page - 1)),
        next_href: (page * (PAGE_SIZE as i64) < total)
            .then(|| format!("/inbox?page={}{filter}", page + 1)),
        learners,
        learner,
        export_query: learner.map(|l| format!("?learner={l}")).unwrap_or_default(),
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

// ---- progress: the manager's team and the admin's enrolments --------------------------

async fn progress_rows(
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
    let today = today();
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

fn progress_table(name: &'static str, rows: Vec<ProgressRow>) -> Table {
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

fn reviews_due(rows: &[ProgressRow]) -> Vec<ProgressRow> {
    let soon = Date::from_unix_days(today().to_unix_days() + 14);
    let mut due: Vec<ProgressRow> = rows
        .iter()
        .filter(|r| r.next_review <= soon)
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
pub(crate) async fn team_rows(
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
    };
    let rows = progress_rows(state, user.account.org_id, filter).await?;
    Ok(rows.into_iter().map(|(r, _)| r).collect())
}

async fn team_progress(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<ProgressPage> {
    let rows = team_rows(&state, &user, "team/progress").await?;
    Ok(progress_page(
        Layout::for_user("Team progress", &user, "/team/progress"),
        "Team progress".into(),
        "/team/progress",
        rows,
        &q,
        None,
        Vec::new(),
    ))
}

fn progress_page(
    layout: Layout,
    heading: String,
    stem: &str,
    rows: Vec<ProgressRow>,
    q: &PageQuery,
    admin: Option<EnrolmentAdmin>,
    errors: Vec<FieldError>,
) -> ProgressPage {
    let (by_stage, by_rag) = summarise(&rows);
    let due = reviews_due(&rows);
    let filtered: Vec<ProgressRow> = rows
        .into_iter()
        .filter(|r| q.rag.is_empty() || r.rag == q.rag)
        .collect();
    let total = filtered.len();
    let page = q.page.unwrap_or(1).max(1);
    let shown = filtered
        .into_iter()
        .skip((page as usize - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let link = |p: i64| format!("{stem}?page={p}&rag={}", q.rag);
    ProgressPage {
        layout,
        heading,
        rows: shown,
        by_stage,
        by_rag,
        reviews_due: due,
        export_stem: stem.to_string(),
        rag_rule: RAG_RULE,
        filter: q.rag.clone(),
        page,
        prev_href: (page > 1).then(|| link(page - 1)),
        next_href: ((page as usize) * PAGE_SIZE < total).then(|| link(page + 1)),
        total,
        errors,
        admin,
    }
}

async fn team_progress_export(
    State(state): State<AppState>,
    user: CurrentUser,
    format: Format,
) -> Result<Response> {
    let rows = team_rows(&state, &user, "team/progress").await?;
    progress_table("team-progress", rows).respond(format)
}

async fn require_admin(state: &AppState, user: &CurrentUser, what: &str) -> Result<()> {
    if user.viewer.may_edit_framework() {
        Ok(())
    } else {
        Err(auth::refuse(state, user, what).await)
    }
}

async fn enrolments_view(
    state: &AppState,
    user: &CurrentUser,
    q: &PageQuery,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<ProgressPage> {
    require_admin(state, user, "admin/enrolments").await?;
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
        "Enrolments".into(),
        "/admin/enrolments",
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
    page: Option<i64>,
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
    require_admin(&state, &user, "admin/enrolments").await?;
    let rows = progress_rows(&state, user.account.org_id, LearnerFilter::default())
        .await?
        .into_iter()
        .map(|(r, _)| r)
        .filter(|r| q.rag.is_empty() || r.rag == q.rag)
        .collect();
    progress_table("enrolments", rows).respond(format)
}

/// Reads a bulk enrolment CSV: `person_id,pathway,variant,aim,enrolled_on`.
/// Every problem is named by row (the header is row 1) and column.
async fn parse_enrolment_csv(
    state: &AppState,
    org_id: i64,
    text: &str,
) -> Result<std::result::Result<(Vec<NewEnrolment>, Vec<String>), Vec<String>>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut names = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_lowercase).collect(),
        Err(e) => {
            return Ok(Err(vec![format!(
                "row 1: the header could not be read ({e})"
            )]));
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(c_person), Some(c_pathway)) = (col("person_id"), col("pathway")) else {
        return Ok(Err(vec![
            "row 1: the header must name person_id and pathway (and may name variant, aim, enrolled_on)".into(),
        ]));
    };
    let (c_variant, c_aim, c_on) = (col("variant"), col("aim"), col("enrolled_on"));
    let latest: HashMap<String, (i64, PathwayTemplate)> = latest_versions(state, org_id)
        .await?
        .into_iter()
        .map(|(id, t)| (t.code.clone(), (id, t)))
        .collect();
    let framework = state.frameworks.get(&state.store, org_id).await?;
    let today = today();
    let mut seen = HashMap::new();
    for (i, rec) in reader.records().enumerate() {
        let row = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("row {row}: could not be read ({e})"));
                continue;
            }
        };
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").to_string();
        let person = get(Some(c_person));
        let Ok(person_id) = person.parse::<i64>() else {
            errors.push(format!(
                "row {row}, column person_id: '{person}' is not a staff record number"
            ));
            continue;
        };
        if let Some(first) = seen.insert(person_id, row) {
            errors.push(format!(
                "row {row}, column person_id: staff record {person_id} is already on row {first}"
            ));
        }
        let code = get(Some(c_pathway));
        let Some((version_id, t)) = latest.get(&code) else {
            errors.push(format!(
                "row {row}, column pathway: '{code}' is not one of this organisation's pathways ({})",
                latest.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            continue;
        };
        let variant = Some(get(c_variant)).filter(|v| !v.is_empty());
        if let Some(v) = &variant
            && !t.variants().contains(v)
        {
            errors.push(format!(
                "row {row}, column variant: '{v}' is not a variant of {code} ({})",
                t.variants().join(", ")
            ));
        }
        let aim = Some(get(c_aim)).filter(|v| !v.is_empty());
        if let Some(a) = &aim
            && !framework.roles.contains_key(a)
        {
            errors.push(format!(
                "row {row}, column aim: '{a}' is not a role code in the career framework"
            ));
        }
        let on_text = get(c_on);
        let on = if on_text.is_empty() {
            today
        } else {
            match on_text.parse::<Date>() {
                Ok(d) if d <= today => d,
                Ok(_) => {
                    errors.push(format!(
                        "row {row}, column enrolled_on: {on_text} is in the future"
                    ));
                    continue;
                }
                Err(_) => {
                    errors.push(format!(
                        "row {row}, column enrolled_on: '{on_text}' is not a date like 2026-01-05"
                    ));
                    continue;
                }
            }
        };
        out.push(NewEnrolment {
            person_id,
            version_id: *version_id,
            variant,
            aim,
            enrolled_on: on,
        });
        names.push(format!("row {row}"));
    }
    if out.is_empty() && errors.is_empty() {
        errors.push("the file has a header but no rows".into());
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
    mut mp: Multipart,
) -> Result<Response> {
    let mut csrf = String::new();
    let mut text = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| Error::BadRequest(format!("file: the upload could not be read ({e})")))?
    {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.unwrap_or_default(),
            "file" => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| Error::BadRequest(format!("file: could not be read ({e})")))?;
                text = Some(String::from_utf8(bytes.to_vec()).map_err(|_| {
                    Error::BadRequest("file: the CSV file must be UTF-8 text".into())
                })?);
            }
            _ => {}
        }
    }
    user.check_csrf(&csrf)?;
    require_admin(&state, &user, "admin/enrolments/upload").await?;
    let problems = |list: Vec<String>| {
        list.into_iter()
            .map(|m| FieldError {
                field: "file".into(),
                message: m,
            })
            .collect::<Vec<_>>()
    };
    let text = text.filter(|t| !t.trim().is_empty());
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
            auth::now(),
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
    require_admin(&state, &user, "admin/enrolments/move").await?;
    let outcome = move_one(&state, &user, &form).await;
    let message = match outcome {
        Err(Error::BadRequest(m)) => m,
        other => return other,
    };
    let mut page = enrolments_view(
        &state,
        &user,
        &PageQuery::default(),
        vec![at_field(&message, MOVE_FIELDS)],
        None,
    )
    .await?;
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
    pathways::move_version(
        &state.store,
        user.account.org_id,
        id,
        to,
        &form.reason,
        Some(user.account.id),
        auth::now(),
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

// ---- templates and versions ------------------------------------------------------------

async fn pathways_view(
    state: &AppState,
    user: &CurrentUser,
    form: NewPathwayForm,
    errors: Vec<FieldError>,
) -> Result<PathwaysAdminPage> {
    require_admin(state, user, "admin/pathways").await?;
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
    require_admin(&state, &user, "admin/pathways/new").await?;
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
        auth::now(),
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
    require_admin(&state, &user, &format!("admin/pathways/{code}")).await?;
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
        auth::now(),
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
    require_admin(&state, &user, &format!("admin/pathways/{code}")).await?;
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

async fn template_view(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    form: CriterionForm,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<PathwayTemplatePage> {
    require_admin(state, user, &format!("admin/pathways/{code}")).await?;
    let (_, t) = pathways::latest(&state.store, user.account.org_id, code).await?;
    let sites = people::sites(&state.store, user.account.org_id).await?;
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
    Ok(PathwayTemplatePage {
        layout: Layout::for_user(t.name.clone(), user, "/admin/pathways"),
        code: t.code.clone(),
        name: t.name.clone(),
        version: t.version,
        review_every_weeks: t.review_every_weeks,
        criteria: t
            .criteria
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
            .collect(),
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
    require_admin(&state, &user, &format!("admin/pathways/{code}")).await?;
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
                auth::now(),
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
}

async fn remove_criterion(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<RemoveCriterionForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    require_admin(&state, &user, &format!("admin/pathways/{code}")).await?;
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
        auth::now(),
    )
    .await?;
    Ok(see_other(&format!(
        "/admin/pathways/{code}?done={}",
        next.version
    )))
}

// ---- evidence completeness ------------------------------------------------------------

async fn completeness_rows(
    state: &AppState,
    user: &CurrentUser,
) -> Result<(Vec<CompletenessRow>, CompletenessRow)> {
    require_admin(state, user, "admin/completeness").await?;
    let org_id = user.account.org_id;
    let framework = state.frameworks.get(&state.store, org_id).await?;
    let mut groups: BTreeMap<(String, String), (usize, usize, usize)> = BTreeMap::new();
    for (l, _, s) in standings(state, org_id, LearnerFilter::default()).await? {
        let role = framework
            .roles
            .get(&l.role_code)
            .map_or(l.role_code.clone(), |r| r.title.clone());
        let g = groups.entry((l.site_name.clone(), role)).or_default();
        g.0 += 1;
        g.1 += s.signed_off;
        g.2 += s.required;
    }
    let row = |site: String, role: String, (n, a, r): (usize, usize, usize)| CompletenessRow {
        site,
        role,
        learners: n,
        accepted: a,
        required: r,
        percent: (r > 0).then(|| 100.0 * a as f64 / r as f64),
    };
    let total = groups
        .values()
        .fold((0, 0, 0), |t, g| (t.0 + g.0, t.1 + g.1, t.2 + g.2));
    Ok((
        groups
            .into_iter()
            .map(|((site, role), g)| row(site, role, g))
            .collect(),
        row("All sites".into(), "All roles".into(), total),
    ))
}

async fn completeness_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<CompletenessPage> {
    let (rows, total) = completeness_rows(&state, &user).await?;
    Ok(CompletenessPage {
        layout: Layout::for_user("Evidence completeness", &user, "/admin/pathways"),
        rows,
        total,
    })
}

async fn completeness_export(
    State(state): State<AppState>,
    user: CurrentUser,
    format: Format,
) -> Result<Response> {
    let (rows, total) = completeness_rows(&state, &user).await?;
    Table {
        name: "evidence-completeness",
        headers: vec![
            "site",
            "role",
            "learners",
            "criteria_accepted",
            "criteria_required",
            "completeness_percent",
        ],
        rows: rows
            .into_iter()
            .chain([total])
            .map(|r| {
                vec![
                    r.site.into(),
                    r.role.into(),
                    (r.learners as i64).into(),
                    (r.accepted as i64).into(),
                    (r.required as i64).into(),
                    r.percent.map(|p| (p * 10.0).round() / 10.0).into(),
                ]
            })
            .collect::<Vec<Vec<Cell>>>(),
    }
    .respond(format)
}
