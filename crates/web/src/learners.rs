//! What several features need about a learner: whether the asker may see
//! them, their record owner for the access rules, their pathway standing
//! (read in a fixed number of queries, for one person or a whole team) and
//! their next options. Depends only on the domain and storage: route modules
//! use it and never each other.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::Result;
use crate::framework_cache::Framework;
use crate::wire::{HelperDoc, NextOptionsDoc, OptionDoc, PersonDoc};
use pathwise_domain::pathway::{LearnerPlace, LearnerRecord, PathwayTemplate, Standing, standing};
use pathwise_domain::{
    Date, NextOption, PersonProfile, RankingWeights, RecordOwner, Role, choose_helpers,
    rank_next_options,
};
use pathwise_storage::pathways::{self, LearnerFilter, LearnerState};
use pathwise_storage::people::{self, Person};
use std::collections::HashMap;

/// How many options a person is shown.
pub const OPTIONS_SHOWN: usize = 3;

/// How many named people per helping role.
const PEOPLE_PER_HELPING_ROLE: usize = 2;

/// The role asked to find help when nobody at the site holds a helping role.
const FALLBACK_HELPER_ROLE: &str = "ld-lead";

/// Finds a person the user may see, or refuses (404, audited).
pub async fn visible_person(state: &AppState, user: &CurrentUser, id: i64) -> Result<Person> {
    let person = people::person(&state.store, id).await?;
    match person {
        Some(p) if user.viewer.may_view_person(&owner(&p)) => Ok(p),
        _ => Err(auth::refuse(state, user, &format!("person:{id}")).await),
    }
}

/// The next options of a person the user may see.
pub async fn options_for(state: &AppState, user: &CurrentUser, id: i64) -> Result<NextOptionsDoc> {
    let person = visible_person(state, user, id).await?;
    next_options(state, &person, state.clock.today()).await
}

/// Whose record this is, as the access rules read it.
pub fn owner(p: &Person) -> RecordOwner {
    RecordOwner {
        org_id: p.org_id,
        person_id: p.id,
        manager_id: p.manager_id,
        site_id: p.site_id,
    }
}

/// Where a learner is, as the pathway rules need it.
pub fn place(s: &LearnerState) -> LearnerPlace {
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
    let today = state.clock.today();
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
            ..Default::default()
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

/// The newest version of each of an organisation's pathways.
pub async fn latest_versions(state: &AppState, org_id: i64) -> Result<Vec<(i64, PathwayTemplate)>> {
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

/// A person's options ranked, before anyone is named to help.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// Their current role.
    pub current: Role,
    /// Whole months in it.
    pub months_in_role: u32,
    /// The options, best first, at most [`OPTIONS_SHOWN`].
    pub options: Vec<NextOption>,
}

/// Ranks a person's options from what has been read about them: recorded
/// qualifications (`held`), requirements met by criteria signed off on
/// their pathway, and the open posts at their site.
fn rank(
    framework: &Framework,
    person: &Person,
    today: Date,
    mut held: HashMap<String, String>,
    requirements_met: Vec<String>,
    local_vacancies: HashMap<String, u32>,
) -> Result<Ranked> {
    let roles = &framework.roles;
    let current = roles
        .get(&person.role_code)
        .cloned()
        .ok_or(pathwise_storage::StorageError::NotFound("role"))?;
    let transitions = framework.transitions_from(person.site_id, &person.role_code);
    let months_in_role = person.role_started.whole_months_until(today);
    for met in requirements_met {
        held.entry(met)
            .or_insert_with(|| "signed off on your pathway".to_string());
    }
    let profile = PersonProfile {
        role_code: person.role_code.clone(),
        months_in_role,
        held,
        interests: person.interests.clone(),
        local_vacancies,
    };
    let options = rank_next_options(
        &profile,
        &current,
        &transitions,
        roles,
        RankingWeights::default(),
        OPTIONS_SHOWN,
    );
    Ok(Ranked {
        current,
        months_in_role,
        options,
    })
}

/// A manager's direct reports by name, each with their options ranked, read
/// in a fixed number of queries whatever the size of the team.
pub async fn team_ranked(state: &AppState, manager_id: i64) -> Result<Vec<(Person, Ranked)>> {
    let store = &state.store;
    let reports = people::reports_of(store, manager_id).await?;
    let Some(first) = reports.first() else {
        return Ok(Vec::new());
    };
    let mut met: HashMap<i64, Vec<String>> = standings(
        state,
        first.org_id,
        LearnerFilter {
            manager_id: Some(manager_id),
            person_id: None,
            ..Default::default()
        },
    )
    .await?
    .into_iter()
    .map(|(l, _, s)| (l.enrolment.person_id, s.requirements_met))
    .collect();
    let ids: Vec<i64> = reports.iter().map(|p| p.id).collect();
    let mut sites: Vec<i64> = reports.iter().map(|p| p.site_id).collect();
    sites.sort_unstable();
    sites.dedup();
    let mut held = people::held_items_of(store, &ids).await?;
    let vacancies = people::vacancies_at(store, &sites).await?;
    // A manager's reports are all in the manager's organisation.
    let framework = state.frameworks.get(store, first.org_id).await?;
    let today = state.clock.today();
    let mut out = Vec::with_capacity(reports.len());
    for p in reports {
        let ranked = rank(
            &framework,
            &p,
            today,
            held.remove(&p.id).unwrap_or_default(),
            met.remove(&p.id).unwrap_or_default(),
            vacancies.get(&p.site_id).cloned().unwrap_or_default(),
        )?;
        out.push((p, ranked));
    }
    Ok(out)
}

/// The ranked next options for `person`, as of `today`.
pub async fn next_options(
    state: &AppState,
    person: &Person,
    today: Date,
) -> Result<NextOptionsDoc> {
    let met = requirements_met(state, person).await?;
    next_options_meeting(state, person, today, met).await
}

/// The same, when the framework requirements the person has met on their
/// pathway are already known (the pathway page has just worked them out).
pub async fn next_options_meeting(
    state: &AppState,
    person: &Person,
    today: Date,
    requirements_met: Vec<String>,
) -> Result<NextOptionsDoc> {
    let store = &state.store;
    let framework = state.frameworks.get(store, person.org_id).await?;
    let Ranked {
        current,
        months_in_role,
        options: ranked,
    } = rank(
        &framework,
        person,
        today,
        people::held_items(store, person.id).await?,
        requirements_met,
        people::site_vacancies(store, person.site_id).await?,
    )?;
    let roles = &framework.roles;
    // Everyone at the site holding a helping role of any option, in one query.
    let mut helping_roles: Vec<String> = ranked
        .iter()
        .flat_map(|o| o.transition.helpers.iter().cloned())
        .collect();
    helping_roles.sort();
    helping_roles.dedup();
    // One more than shown per role, in case the person holds a helping role.
    let per_role = PEOPLE_PER_HELPING_ROLE as i64 + 1;
    let found = people::people_in_roles(
        store,
        person.org_id,
        Some(person.site_id),
        &helping_roles,
        per_role,
    )
    .await?;
    // The L&D lead, read once and only when an option has nobody named.
    let mut fallback: Option<Vec<HelperDoc>> = None;
    let mut options = Vec::with_capacity(ranked.len());
    for (i, o) in ranked.iter().enumerate() {
        let mut helpers = Vec::new();
        if let Some(manager) = &person.manager_name {
            helpers.push(HelperDoc {
                name: manager.clone(),
                role: "Line manager".into(),
                helps_with: "agrees release time and signs off workplace evidence".into(),
            });
        }
        let chosen = choose_helpers(
            &o.transition.helpers,
            &found,
            person.id,
            PEOPLE_PER_HELPING_ROLE,
            |(id, h)| (*id, h.role_code.as_str()),
        );
        if chosen.is_empty() {
            if fallback.is_none() {
                let leads = people::people_in_roles(
                    store,
                    person.org_id,
                    None,
                    &[FALLBACK_HELPER_ROLE.to_string()],
                    1,
                )
                .await?;
                fallback = Some(
                    leads
                        .into_iter()
                        .map(|(_, h)| HelperDoc {
                            name: h.name,
                            role: roles
                                .get(FALLBACK_HELPER_ROLE)
                                .map_or("Learning and development lead".into(), |r| {
                                    r.title.clone()
                                }),
                            helps_with: "finds you a mentor for this route (nobody at your site holds it yet)"
                                .into(),
                        })
                        .collect(),
                );
            }
            helpers.extend(fallback.iter().flatten().cloned());
        }
        for (_, h) in chosen {
            helpers.push(HelperDoc {
                name: h.name.clone(),
                role: roles
                    .get(&h.role_code)
                    .map_or(h.role_code.clone(), |r| r.title.clone()),
                helps_with: format!("knows the {} route", o.role.title.to_lowercase()),
            });
        }
        options.push(OptionDoc::new(i + 1, o, helpers));
    }
    Ok(NextOptionsDoc {
        person: PersonDoc::new(person, &current, months_in_role),
        options,
    })
}
