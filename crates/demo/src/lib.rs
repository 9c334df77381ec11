//! The demo organisation: a multi-site NHS trust made deterministically from a
//! seed, with staff on real roles and bands, line managers, assessors, an L&D
//! lead, an analyst, evidence already held and local vacancies. All names are
//! invented. Used by `pathwise demo`, the tests and the benchmarks.
#![forbid(unsafe_code)]

use anyhow::{Context, Result};
use pathwise_domain::evidence::EvidenceKind;
use pathwise_domain::pathway::{LearnerPlace, PathwayTemplate, Stage};
use pathwise_domain::shipped::ShippedCatalogue;
use pathwise_domain::{AppRole, Date};
use pathwise_storage::pathways::{EvidenceDecision, NewEnrolment, NewEvidence, NewReview};
use pathwise_storage::people::NewPerson;
use pathwise_storage::{Store, accounts, pathways, people};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "pathwise-demo";

/// How to build the demo.
#[derive(Debug, Clone, Copy)]
pub struct DemoSpec {
    /// Seed for every random choice.
    pub seed: u64,
    /// Number of staff (at least 200).
    pub staff: usize,
    /// Today's date: role start dates are counted back from it, so the months
    /// in role are the same whenever the demo is built.
    pub today: Date,
}

/// A demo sign-in account, as printed at start-up.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoAccount {
    /// Sign-in email.
    pub email: &'static str,
    /// Who it is, in words.
    pub who: String,
    /// Their staff record.
    pub person_id: Option<i64>,
}

/// What was built.
#[derive(Debug, Clone)]
pub struct Demo {
    /// The organisation's id.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Staff created.
    pub staff: usize,
    /// The sign-in accounts.
    pub accounts: Vec<DemoAccount>,
}

pub mod cohort;
mod history;
mod learning;
mod levy;
mod outreach;
mod progress;
mod rotas;
mod trust;

use progress::*;
use trust::*;

/// Builds the demo organisation, or finds it when it was built before.
/// `password_hash` is the argon2 hash of [`DEMO_PASSWORD`], made by the caller.
/// The core framework and pathways come from `shipped` (loaded at start-up);
/// the framework is put into the database when it has none.
pub async fn build(
    store: &Store,
    shipped: &ShippedCatalogue,
    spec: DemoSpec,
    password_hash: &str,
) -> Result<Demo> {
    pathwise_storage::shipped::ensure_loaded(store, shipped, unix_seconds(spec.today)).await?;
    if let Some((org_id, org_name)) = people::organisation_by_code(store, ORG_CODE).await? {
        let mut accounts = Vec::new();
        for email in DEMO_EMAILS {
            if let Some(a) = accounts::by_email(store, email).await? {
                accounts.push(DemoAccount {
                    email,
                    who: a.display_name,
                    person_id: a.person_id,
                });
            }
        }
        let staff = people::count_people(store, org_id).await? as usize;
        return Ok(Demo {
            org_id,
            org_name,
            staff,
            accounts,
        });
    }
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let today = spec.today;
    let staff = spec.staff.max(200);
    let org_id = people::create_organisation(store, ORG_CODE, ORG_NAME).await?;

    // Leaders first, so that teams can point at their managers.
    let mut site_ids = Vec::new();
    let mut leaders = Vec::new();
    let mut lead_roles = Vec::new();
    for s in &SITES {
        let site_id = people::create_site(store, org_id, s.code, s.name, s.kind).await?;
        site_ids.push(site_id);
        for code in s.helpers {
            for _ in 0..rng.random_range(1..=2) {
                leaders.push(new_person(
                    site_id,
                    name(&mut rng),
                    code,
                    started(&mut rng, today, 120),
                ));
                lead_roles.push(None);
            }
        }
    }
    // Assignment numbers as the staff record system gives them: eight
    // digits, one per person, in the order people are added.
    let mut next_number = 20_001_000u32;
    // The L&D lead and the analyst sit at the acute site.
    leaders.push(new_person(
        site_ids[0],
        "Rhian Ashdown".into(),
        "ld-lead",
        started(&mut rng, today, 60),
    ));
    lead_roles.push(Some("ld"));
    leaders.push(new_person(
        site_ids[0],
        "Kofi Lindqvist".into(),
        "data-analyst",
        started(&mut rng, today, 60),
    ));
    lead_roles.push(Some("analyst"));
    number(&mut leaders, &mut next_number);
    let leader_ids = people::insert_people(store, org_id, &leaders).await?;
    let ld_id = leader_ids[lead_roles
        .iter()
        .position(|r| *r == Some("ld"))
        .unwrap_or(0)];
    let analyst_id = leader_ids[lead_roles
        .iter()
        .position(|r| *r == Some("analyst"))
        .unwrap_or(0)];

    // Teams of about 20 under a manager, spread over the sites by share.
    let remaining = staff.saturating_sub(leaders.len());
    let mut team_leads = Vec::new();
    let mut team_plan = Vec::new();
    for (si, s) in SITES.iter().enumerate() {
        let site_staff = (remaining as f64 * s.share).ceil() as usize;
        let teams = (site_staff / 20).max(s.teams.len());
        for t in 0..teams {
            let team = &s.teams[t % s.teams.len()];
            team_leads.push(new_person(
                site_ids[si],
                name(&mut rng),
                team.lead,
                started(&mut rng, today, 96),
            ));
            team_plan.push((si, team, site_staff.div_ceil(teams)));
        }
    }
    // The first acute nursing team's manager is the demo manager.
    team_leads[0].name = "Marek Northcote".into();
    number(&mut team_leads, &mut next_number);
    let lead_ids = people::insert_people(store, org_id, &team_leads).await?;

    let mut members = Vec::new();
    for ((si, team, size), lead_id) in team_plan.iter().zip(&lead_ids) {
        for _ in 0..size.saturating_sub(1) {
            let role = pick_weighted(&mut rng, team.members);
            let mut p = new_person(
                site_ids[*si],
                name(&mut rng),
                role,
                started(&mut rng, today, 84),
            );
            p.manager_id = Some(*lead_id);
            if rng.random_bool(0.7) {
                p.interests
                    .push(INTERESTS[rng.random_range(0..INTERESTS.len())].to_string());
            }
            members.push(p);
        }
    }
    // The demo learner: a band 3 HCSW in the first acute nursing team.
    let mut learner = new_person(
        site_ids[0],
        "Lena Brightwater".into(),
        "hcsw",
        today.months_before(14),
    );
    learner.manager_id = Some(lead_ids[0]);
    learner.interests = vec!["senior-hcsw".into(), "nurse-adult".into()];
    members.insert(0, learner);
    number(&mut members, &mut next_number);
    let member_ids = people::insert_people(store, org_id, &members).await?;
    let learner_id = member_ids[0];

    // Evidence already held.
    let mut held = Vec::new();
    for id in member_ids.iter().skip(1) {
        for (item, share) in HOLDINGS {
            if rng.random_bool(*share) {
                let when = started(&mut rng, today, 36);
                held.push((*id, item.to_string(), format!("Signed off {when}")));
            }
        }
    }
    for (item, detail) in [
        ("Care Certificate", "Signed off by Marek Northcote"),
        (
            "Functional skills English level 2",
            "Certificate seen by the L&D team",
        ),
        (
            "Observed clinical observations (NEWS2)",
            "Observed practice record, ward 7",
        ),
        ("Enhanced DBS check", "On file"),
        (
            "Manager's support for release",
            "Release agreed for Tuesdays",
        ),
    ] {
        held.push((learner_id, item.to_string(), detail.to_string()));
    }
    people::insert_held_items(store, &held).await?;

    // Local vacancies.
    for (si, site_id) in site_ids.iter().enumerate() {
        for code in [
            "senior-hcsw",
            "trainee-nursing-associate",
            "nursing-associate",
            "nurse-adult",
            "nurse-mental-health",
            "phlebotomist",
            "theatre-support-worker",
            "maternity-support-worker",
            "booking-coordinator",
            "medical-secretary",
            "assistant-practitioner",
        ] {
            let posts = rng.random_range(0..=4u32);
            // The acute site is short of senior support workers.
            let posts = if si == 0 && code == "senior-hcsw" {
                3
            } else {
                posts
            };
            people::set_vacancies(store, *site_id, code, posts).await?;
        }
    }

    // Sign-in accounts.
    let manager_id = lead_ids[0];
    let accounts_spec: [(&'static str, i64, &[AppRole], &str); 4] = [
        (
            DEMO_EMAILS[0],
            learner_id,
            &[AppRole::Learner],
            "Lena Brightwater, healthcare support worker (band 3)",
        ),
        (
            DEMO_EMAILS[1],
            manager_id,
            &[AppRole::Manager, AppRole::Assessor],
            "Marek Northcote, ward manager (Lena's line manager)",
        ),
        (
            DEMO_EMAILS[2],
            ld_id,
            &[AppRole::LdAdmin, AppRole::SystemAdmin],
            "Rhian Ashdown, learning and development lead",
        ),
        (
            DEMO_EMAILS[3],
            analyst_id,
            &[AppRole::Analyst],
            "Kofi Lindqvist, workforce analyst",
        ),
    ];
    let mut out = Vec::new();
    for (email, person_id, roles, who) in accounts_spec {
        accounts::create(
            store,
            &accounts::NewAccount {
                org_id,
                person_id: Some(person_id),
                email,
                display_name: who.split(',').next().unwrap_or(who),
                password_hash,
                roles,
            },
            0,
        )
        .await?;
        out.push(DemoAccount {
            email,
            who: who.to_string(),
            person_id: Some(person_id),
        });
    }
    let learners: Vec<DemoLearner> = members
        .iter()
        .zip(&member_ids)
        .map(|(p, id)| DemoLearner {
            person_id: *id,
            role: p.role_code.clone(),
            manager_id: p.manager_id,
        })
        .collect();
    let rostered: Vec<rotas::Rostered<'_>> = members
        .iter()
        .zip(&member_ids)
        .filter_map(|(p, id)| {
            let site = SITES.get(site_ids.iter().position(|s| *s == p.site_id)?)?;
            Some(rotas::Rostered {
                person_id: *id,
                site: site.code,
            })
        })
        .collect();
    // Rotas draw from their own stream, so the rest of the demo is the same
    // with or without them.
    rotas::build_rotas(
        store,
        org_id,
        &mut StdRng::seed_from_u64(spec.seed.wrapping_add(1)),
        today,
        &rostered,
        unix_seconds(today),
    )
    .await?;
    // The demo learner and the rest of their manager's team.
    let team: Vec<i64> = learners
        .iter()
        .filter(|l| l.manager_id == learners[0].manager_id)
        .map(|l| l.person_id)
        .collect();
    learning::build_learning(store, org_id, today, &team, unix_seconds(today)).await?;
    let template = shipped
        .pathways
        .pathways
        .first()
        .context("the catalogue folder ships no pathway")?;
    build_pathways(
        store,
        org_id,
        template,
        &mut rng,
        today,
        &learners[0],
        &learners[1..],
    )
    .await?;
    // Four years of staff history, from its own stream too.
    let current: Vec<(i64, &NewPerson)> = leader_ids
        .iter()
        .copied()
        .zip(&leaders)
        .chain(lead_ids.iter().copied().zip(&team_leads))
        .chain(member_ids.iter().copied().zip(&members))
        .collect();
    history::build_history(
        store,
        org_id,
        &mut StdRng::seed_from_u64(spec.seed.wrapping_add(2)),
        today,
        &current,
        &site_ids,
        &mut next_number,
    )
    .await?;
    let staff = leaders.len() + team_leads.len() + members.len();
    levy::build_levy(store, org_id, today, staff, unix_seconds(today)).await?;
    outreach::build_outreach(store, org_id, today, unix_seconds(today)).await?;
    Ok(Demo {
        org_id,
        org_name: ORG_NAME.to_string(),
        staff,
        accounts: out,
    })
}

/// The demo sign-in emails.
pub const DEMO_EMAILS: [&str; 4] = [
    "learner@demo.pathwise.test",
    "manager@demo.pathwise.test",
    "admin@demo.pathwise.test",
    "analyst@demo.pathwise.test",
];

/// Gives each person the next assignment number.
fn number(people: &mut [NewPerson], next: &mut u32) {
    for p in people {
        p.assignment_number = Some(format!("{next:08}"));
        *next += 1;
    }
}
