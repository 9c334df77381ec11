//! Builds a person's next options from what is stored: the one place pages,
//! the team view and the API get them from, so everyone who asks about the
//! same person sees the same answer.

use crate::AppState;
use crate::error::Result;
use crate::wire::{HelperDoc, NextOptionsDoc, OptionDoc, PersonDoc};
use pathwise_domain::{Date, PersonProfile, RankingWeights, choose_helpers, rank_next_options};
use pathwise_storage::people;
use pathwise_storage::people::Person;

/// How many options a person is shown.
pub const OPTIONS_SHOWN: usize = 3;
/// How many named people per helping role.
const PEOPLE_PER_HELPING_ROLE: usize = 2;
/// The role asked to find help when nobody at the site holds a helping role.
const FALLBACK_HELPER_ROLE: &str = "ld-lead";

/// The ranked next options for `person`, as of `today`.
pub async fn for_person(state: &AppState, person: &Person, today: Date) -> Result<NextOptionsDoc> {
    let met = crate::pathway_pages::requirements_met(state, person).await?;
    for_person_meeting(state, person, today, met).await
}

/// The same, when the framework requirements the person has met on their
/// pathway are already known (the pathway page has just worked them out).
pub async fn for_person_meeting(
    state: &AppState,
    person: &Person,
    today: Date,
    requirements_met: Vec<String>,
) -> Result<NextOptionsDoc> {
    let store = &state.store;
    let framework = state.frameworks.get(store, person.org_id).await?;
    let roles = &framework.roles;
    let current = roles
        .get(&person.role_code)
        .cloned()
        .ok_or(pathwise_storage::StorageError::NotFound("role"))?;
    let transitions = framework.transitions_from(person.site_id, &person.role_code);
    let months_in_role = person.role_started.whole_months_until(today);
    // What is held: recorded qualifications, plus requirements met by
    // criteria signed off on the person's pathway.
    let mut held = people::held_items(store, person.id).await?;
    for met in requirements_met {
        held.entry(met)
            .or_insert_with(|| "signed off on your pathway".to_string());
    }
    let profile = PersonProfile {
        role_code: person.role_code.clone(),
        months_in_role,
        held,
        interests: person.interests.clone(),
        local_vacancies: people::site_vacancies(store, person.site_id).await?,
    };
    let ranked = rank_next_options(
        &profile,
        &current,
        &transitions,
        roles,
        RankingWeights::default(),
        OPTIONS_SHOWN,
    );
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
