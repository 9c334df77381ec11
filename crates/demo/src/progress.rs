//! Pathway progress for the demo learners: the shipped pathway published and
//! most learners on track, some behind, some with a workload-pressure flag.

use super::*;

/// Support roles enrolled on the demo pathway, with their variant.
pub(crate) const PATHWAY_ROLES: &[(&str, &str)] = &[
    ("hcsw", "care"),
    ("hcsw-personal-care", "care"),
    ("senior-hcsw", "care"),
    ("mh-support-worker", "care"),
    ("ld-support-worker", "care"),
    ("maternity-support-worker", "care"),
    ("theatre-support-worker", "theatre"),
    ("phlebotomist", "outpatient"),
    ("imaging-support-worker", "outpatient"),
    ("physio-support-worker", "outpatient"),
    ("receptionist", "administration"),
    ("ward-clerk", "administration"),
    ("booking-coordinator", "administration"),
    ("medical-secretary", "administration"),
];

/// A learner to give pathway progress to.
pub(crate) struct DemoLearner {
    pub(crate) person_id: i64,
    pub(crate) role: String,
    pub(crate) manager_id: Option<i64>,
}

pub(crate) fn unix_seconds(d: Date) -> i64 {
    d.to_unix_days() * 86_400 + 12 * 3600
}

pub(crate) fn add_days(d: Date, days: i64) -> Date {
    Date::from_unix_days(d.to_unix_days() + days)
}

/// Publishes the shipped pathway and gives support workers realistic
/// progress: most on track, some behind (late criteria or an overdue
/// review), some with a workload-pressure flag, evidence waiting for their
/// manager. Lena Brightwater is in stage 2 with one criterion left, so her
/// next accepted evidence completes the stage.
pub(crate) async fn build_pathways(
    store: &Store,
    org_id: i64,
    template: &PathwayTemplate,
    rng: &mut StdRng,
    today: Date,
    lena: &DemoLearner,
    others: &[DemoLearner],
) -> Result<()> {
    let version_id = pathways::publish(
        store,
        org_id,
        template,
        None,
        "shipped support-worker pathway",
        unix_seconds(today.months_before(18)),
    )
    .await?;
    let mut plan = vec![(lena, "care", 30i64, 1.0f64, false)];
    for l in others {
        let Some((_, variant)) = PATHWAY_ROLES.iter().find(|(r, _)| *r == l.role) else {
            continue;
        };
        if !rng.random_bool(0.75) {
            continue;
        }
        let weeks = rng.random_range(1..=70);
        // Pace: the share of criteria due by now that are signed off.
        let pace = if rng.random_bool(0.22) {
            rng.random_range(0.4..0.8)
        } else {
            1.0
        };
        plan.push((l, variant, weeks, pace, rng.random_bool(0.12)));
    }
    let enrolments: Vec<NewEnrolment> = plan
        .iter()
        .map(|(l, variant, weeks, _, _)| NewEnrolment {
            person_id: l.person_id,
            version_id,
            variant: Some((*variant).to_string()),
            aim: (l.role == "hcsw").then(|| "senior-hcsw".to_string()),
            enrolled_on: add_days(today, -weeks * 7),
        })
        .collect();
    let ids = pathways::enrol(
        store,
        org_id,
        &enrolments,
        &[],
        None,
        unix_seconds(today.months_before(12)),
    )
    .await?;
    for (i, ((l, variant, weeks, pace, flagged), enrolment_id)) in plan.iter().zip(&ids).enumerate()
    {
        let is_lena = i == 0;
        let enrolled = enrolments[i].enrolled_on;
        let mine = template.for_learner(&LearnerPlace {
            variant: Some((*variant).to_string()),
            site_id: 0,
            aim: enrolments[i].aim.clone(),
        });
        let days_in = weeks * 7;
        // Criteria to sign off, in due order.
        let mut due: Vec<&pathwise_domain::pathway::Criterion> =
            mine.criteria.iter().filter(|c| c.required).collect();
        due.sort_by_key(|c| (c.stage, c.due_weeks.unwrap_or(200)));
        let chosen: Vec<&pathwise_domain::pathway::Criterion> = if is_lena {
            due.iter()
                .copied()
                .filter(|c| c.stage <= Stage::Consolidation && c.key != "communication")
                .collect()
        } else {
            due.iter()
                .copied()
                .filter(|c| {
                    let by = i64::from(c.due_weeks.unwrap_or(60)) * 7;
                    if by <= days_in {
                        rng.random_bool(*pace)
                    } else {
                        by <= days_in + 30 && rng.random_bool(0.3)
                    }
                })
                .collect()
        };
        let assessor = l.manager_id;
        for pair in chosen.chunks(2) {
            let latest_due = pair
                .iter()
                .map(|c| i64::from(c.due_weeks.unwrap_or(60)) * 7)
                .max()
                .unwrap_or(0)
                .min(days_in - 1)
                .max(1);
            let added = add_days(
                enrolled,
                latest_due - rng.random_range(0..=latest_due.min(14)),
            );
            let observed = pair[0].stage == Stage::Consolidation;
            let evidence_id = pathways::add_evidence(
                store,
                org_id,
                &NewEvidence {
                    enrolment_id: *enrolment_id,
                    kind: if observed {
                        EvidenceKind::Observation
                    } else {
                        EvidenceKind::Reflection
                    },
                    title: pair[0].title.clone(),
                    body: format!("{}.", pair[0].examples),
                    activity: if observed {
                        "Day shift".into()
                    } else {
                        String::new()
                    },
                    file: None,
                    criteria: pair.iter().map(|c| c.key.clone()).collect(),
                    added_by_user: None,
                    added_by_person: if observed { None } else { Some(l.person_id) },
                    added_on: added,
                },
                unix_seconds(added),
            )
            .await?;
            let decided = add_days(added, 3).min(today);
            pathways::decide(
                store,
                org_id,
                &EvidenceDecision {
                    evidence_id,
                    accept: true,
                    feedback: String::new(),
                    by_user: None,
                    by_person: assessor,
                    on: decided,
                },
                unix_seconds(decided),
            )
            .await?;
        }
        // Some evidence waits for the manager, and some was returned.
        if !is_lena
            && let Some(next) = due.iter().find(|c| !chosen.iter().any(|k| k.key == c.key))
            && rng.random_bool(0.35)
        {
            let added = add_days(today, -rng.random_range(0..10));
            let evidence_id = pathways::add_evidence(
                store,
                org_id,
                &NewEvidence {
                    enrolment_id: *enrolment_id,
                    kind: EvidenceKind::Reflection,
                    title: next.title.clone(),
                    body: format!("My reflection: {}.", next.examples.to_lowercase()),
                    activity: "Late shift".into(),
                    file: None,
                    criteria: vec![next.key.clone()],
                    added_by_user: None,
                    added_by_person: Some(l.person_id),
                    added_on: added,
                },
                unix_seconds(added),
            )
            .await?;
            if rng.random_bool(0.2) {
                pathways::decide(
                    store,
                    org_id,
                    &EvidenceDecision {
                        evidence_id,
                        accept: false,
                        feedback: "Say what you did yourself, and what you would do differently."
                            .into(),
                        by_user: None,
                        by_person: assessor,
                        on: today,
                    },
                    unix_seconds(today),
                )
                .await?;
            }
        }
        // Reviews every 12 weeks; a few are missed, so the review is overdue.
        let mut held = enrolled;
        loop {
            let next = add_days(held, 84);
            if next > today {
                break;
            }
            let skip = !is_lena && *pace < 1.0 && rng.random_bool(0.5);
            if skip {
                break;
            }
            let last = add_days(next, 84) > today;
            pathways::record_review(
                store,
                org_id,
                &NewReview {
                    enrolment_id: *enrolment_id,
                    held_on: next,
                    progress: "Went through the criteria signed off since the last review.".into(),
                    actions: "Book the next observed shift; protected learning time agreed.".into(),
                    workload_pressure: last && *flagged,
                    rating: Some(rng.random_range(2..=5)),
                    by_user: None,
                },
                unix_seconds(next),
            )
            .await?;
            held = next;
        }
        if *flagged && held == enrolled {
            pathways::raise_flag(
                store,
                org_id,
                *enrolment_id,
                "Short-staffed on nights: no time for the workbook",
                None,
                unix_seconds(add_days(today, -5)),
            )
            .await?;
        }
    }
    Ok(())
}
