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

const ORG_CODE: &str = "DEMO";
const ORG_NAME: &str = "Northgate and Riverside NHS Foundation Trust";

const FIRST: &[&str] = &[
    "Amara", "Bea", "Callum", "Dalia", "Eitan", "Farah", "Gethin", "Hana", "Idris", "Jolene",
    "Kofi", "Lena", "Marek", "Nia", "Oisin", "Priya", "Quinn", "Rosa", "Sami", "Tegan", "Umar",
    "Vera", "Wren", "Xander", "Yusra", "Zoltan", "Ayo", "Bryony", "Ciaran", "Delyth", "Emeka",
    "Fern", "Gwen", "Hamza", "Ines", "Jai", "Kezia", "Luca", "Maeve", "Nasir", "Orla", "Pavel",
    "Rhian", "Suki", "Tomasz", "Una", "Vikram", "Willa", "Yara", "Zain",
];
const LAST: &[&str] = &[
    "Ashdown",
    "Brightwater",
    "Calloway",
    "Dunmore",
    "Ellery",
    "Fairweather",
    "Greaves",
    "Hollin",
    "Inchley",
    "Jarrow",
    "Kestrel",
    "Larkham",
    "Merriman",
    "Northcote",
    "Oakes",
    "Pennant",
    "Quarrie",
    "Rowntree",
    "Saltash",
    "Thistlewood",
    "Underhill",
    "Vance",
    "Whitlow",
    "Yarrow",
    "Zeal",
    "Okonjo",
    "Bhattar",
    "Castellane",
    "Duarte",
    "Evanov",
    "Farrant",
    "Gallacher",
    "Haddow",
    "Iqbalani",
    "Jessop",
    "Kowalczyk",
    "Lindqvist",
    "Mbeki-Hart",
    "Nakamura-Bell",
    "Ostrander",
];

struct SiteSpec {
    name: &'static str,
    kind: &'static str,
    share: f64,
    /// Team roles with weights; a team is led by `lead`.
    teams: &'static [Team],
    /// Roles that help learners and must be present (one or two each).
    helpers: &'static [&'static str],
}

struct Team {
    lead: &'static str,
    members: &'static [(&'static str, u32)],
}

const NURSING_TEAM: Team = Team {
    lead: "ward-manager",
    members: &[
        ("hcsw", 30),
        ("hcsw-personal-care", 8),
        ("senior-hcsw", 6),
        ("nurse-adult", 25),
        ("senior-staff-nurse", 6),
        ("nursing-associate", 4),
        ("trainee-nursing-associate", 3),
        ("assistant-practitioner", 3),
        ("ward-clerk", 3),
        ("ward-housekeeper", 2),
    ],
};
const THEATRE_TEAM: Team = Team {
    lead: "ward-manager",
    members: &[
        ("theatre-support-worker", 10),
        ("operating-department-practitioner", 8),
        ("nurse-adult", 6),
        ("hcsw", 3),
    ],
};
const MATERNITY_TEAM: Team = Team {
    lead: "ward-manager",
    members: &[
        ("maternity-support-worker", 10),
        ("midwife", 12),
        ("hcsw", 2),
    ],
};
const THERAPY_TEAM: Team = Team {
    lead: "service-manager",
    members: &[
        ("physio-support-worker", 6),
        ("ot-support-worker", 6),
        ("therapy-assistant-practitioner", 2),
        ("physiotherapist", 6),
        ("occupational-therapist", 6),
        ("slt-assistant", 1),
        ("speech-and-language-therapist", 2),
        ("dietetic-assistant", 1),
        ("dietitian", 2),
    ],
};
const DIAGNOSTICS_TEAM: Team = Team {
    lead: "service-manager",
    members: &[
        ("phlebotomist", 8),
        ("imaging-support-worker", 4),
        ("diagnostic-radiographer", 5),
        ("medical-laboratory-assistant", 4),
        ("hcs-assistant", 3),
        ("biomedical-scientist", 4),
        ("pharmacy-assistant", 3),
        ("trainee-pharmacy-technician", 1),
        ("pharmacy-technician", 3),
        ("pharmacist", 2),
    ],
};
const ADMIN_TEAM: Team = Team {
    lead: "team-leader",
    members: &[
        ("receptionist", 6),
        ("ward-clerk", 5),
        ("medical-secretary", 6),
        ("booking-coordinator", 6),
        ("pathway-coordinator", 2),
        ("business-administrator", 3),
        ("admin-apprentice", 1),
        ("clinical-coder", 2),
        ("it-service-desk-analyst", 1),
    ],
};
const FACILITIES_TEAM: Team = Team {
    lead: "facilities-supervisor",
    members: &[
        ("domestic-assistant", 10),
        ("porter", 8),
        ("catering-assistant", 5),
        ("ward-housekeeper", 3),
    ],
};
const COMMUNITY_TEAM: Team = Team {
    lead: "ward-manager",
    members: &[
        ("hcsw", 20),
        ("senior-hcsw", 6),
        ("district-nurse", 8),
        ("nurse-adult", 12),
        ("nursing-associate", 3),
        ("podiatry-assistant", 2),
        ("podiatrist", 2),
        ("physio-support-worker", 2),
    ],
};
const MH_TEAM: Team = Team {
    lead: "ward-manager",
    members: &[
        ("mh-support-worker", 24),
        ("peer-support-worker", 4),
        ("ld-support-worker", 5),
        ("nurse-mental-health", 18),
        ("nurse-learning-disability", 3),
        ("senior-staff-nurse", 3),
        ("ot-support-worker", 2),
        ("occupational-therapist", 2),
    ],
};

const SITES: [SiteSpec; 3] = [
    SiteSpec {
        name: "Northgate General Hospital",
        kind: "Acute hospital",
        share: 0.6,
        teams: &[
            NURSING_TEAM,
            NURSING_TEAM,
            NURSING_TEAM,
            THEATRE_TEAM,
            MATERNITY_TEAM,
            THERAPY_TEAM,
            DIAGNOSTICS_TEAM,
            ADMIN_TEAM,
            FACILITIES_TEAM,
        ],
        helpers: &[
            "practice-educator",
            "apprenticeship-lead",
            "phlebotomist",
            "operating-department-practitioner",
            "midwife",
            "physiotherapist",
            "occupational-therapist",
            "biomedical-scientist",
            "team-leader",
            "booking-team-lead",
            "clinical-coder",
            "data-analyst",
            "pharmacy-technician",
        ],
    },
    SiteSpec {
        name: "Riverside Community Services",
        kind: "Community services",
        share: 0.25,
        teams: &[COMMUNITY_TEAM, COMMUNITY_TEAM, THERAPY_TEAM, ADMIN_TEAM],
        helpers: &[
            "practice-educator",
            "apprenticeship-lead",
            "district-nurse",
            "team-leader",
            "booking-team-lead",
            "physiotherapist",
        ],
    },
    SiteSpec {
        name: "Beacon House Mental Health Unit",
        kind: "Mental health unit",
        share: 0.15,
        teams: &[MH_TEAM, MH_TEAM, ADMIN_TEAM, FACILITIES_TEAM],
        helpers: &[
            "practice-educator",
            "apprenticeship-lead",
            "nurse-mental-health",
            "team-leader",
            "occupational-therapist",
        ],
    },
];

/// Items staff may already hold, with the share of support staff holding each.
const HOLDINGS: &[(&str, f64)] = &[
    ("Care Certificate", 0.85),
    ("Functional skills English level 2", 0.6),
    ("Functional skills maths level 2", 0.45),
    ("Level 3 qualification", 0.2),
    ("Observed clinical observations (NEWS2)", 0.65),
    ("Manager's support for release", 0.25),
    ("Enhanced DBS check", 0.95),
    ("Patient booking system competence", 0.3),
    ("Venepuncture competence", 0.15),
    ("De-escalation and breakaway training", 0.3),
    ("Supervision of new starters", 0.2),
];

const INTERESTS: &[&str] = &[
    "health",
    "health",
    "nurse-adult",
    "nurse-mental-health",
    "midwife",
    "administration",
    "healthcare_science",
    "management",
    "physiotherapist",
    "operating-department-practitioner",
];

fn name(rng: &mut StdRng) -> String {
    format!(
        "{} {}",
        FIRST[rng.random_range(0..FIRST.len())],
        LAST[rng.random_range(0..LAST.len())]
    )
}

fn pick_weighted<'a>(rng: &mut StdRng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (code, w) in items {
        if x < *w {
            return code;
        }
        x -= w;
    }
    items[0].0
}

fn started(rng: &mut StdRng, today: Date, max_months: u32) -> Date {
    today.months_before(rng.random_range(1..=max_months))
}

fn new_person(site_id: i64, name: String, role: &str, role_started: Date) -> NewPerson {
    NewPerson {
        site_id,
        name,
        role_code: role.to_string(),
        role_started,
        manager_id: None,
        interests: vec![],
    }
}

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
        let site_id = people::create_site(store, org_id, s.name, s.kind).await?;
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
            &[AppRole::LdAdmin],
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
    Ok(Demo {
        org_id,
        org_name: ORG_NAME.to_string(),
        staff: leaders.len() + team_leads.len() + members.len(),
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

/// Support roles enrolled on the demo pathway, with their variant.
const PATHWAY_ROLES: &[(&str, &str)] = &[
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
struct DemoLearner {
    person_id: i64,
    role: String,
    manager_id: Option<i64>,
}

fn unix_seconds(d: Date) -> i64 {
    d.to_unix_days() * 86_400 + 12 * 3600
}

fn add_days(d: Date, days: i64) -> Date {
    Date::from_unix_days(d.to_unix_days() + days)
}

/// Publishes the shipped pathway and gives support workers realistic
/// progress: most on track, some behind (late criteria or an overdue
/// review), some with a workload-pressure flag, evidence waiting for their
/// manager. Lena Brightwater is in stage 2 with one criterion left, so her
/// next accepted evidence completes the stage.
async fn build_pathways(
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
