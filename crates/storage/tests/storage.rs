//! One storage test-suite, run on SQLite always and on PostgreSQL when
//! `PATHWISE_TEST_POSTGRES_URL` is set (`.ci/run` always sets it). Each test
//! gets a fresh database.

use pathwise_domain::enrolment::{Ending, EnrolmentEnd};
use pathwise_domain::evidence::{DecisionRefused, EvidenceKind, EvidenceStatus};
use pathwise_domain::pathway::{PathwayFile, is_signed_off};
use pathwise_domain::{AppRole, Date, PathwayFamily, Role, StaffGroup};
use pathwise_storage::pathways::{
    EvidenceDecision, InboxScope, LearnerFilter, NewEnrolment, NewEvidence, NewReview, Withdrawal,
};
use pathwise_storage::people::NewPerson;
use pathwise_storage::{
    Conflicting, StorageError, Store, accounts, audit, catalogue, pathways, people,
};

#[macro_use]
mod common;

use common::{drop_database, fresh};

on_both!(
    core_catalogue_round_trips,
    dropping_a_role_in_use_is_refused_and_nothing_changes,
    local_roles_belong_to_their_organisation_only,
    site_transitions_show_only_at_their_site,
    people_managers_holdings_vacancies_and_helpers,
    adding_staff_is_all_or_nothing,
    accounts_sessions_and_tokens,
    failed_sign_ins_are_counted_and_cleared,
    audit_trail_is_append_only,
    pathway_versions_enrolments_and_moves,
    evidence_decisions_sign_offs_and_the_inbox,
    the_inbox_puts_the_managers_team_first_then_the_oldest,
    the_audit_trail_filters_by_person_actor_and_dates_and_names_what_it_is_about,
    reviews_and_workload_flags,
    enrolments_end_and_reopen,
    two_decisions_at_once_one_wins_and_the_other_is_told_it_conflicts,
);

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

async fn org_with_sites(store: &Store, code: &str) -> (i64, i64, i64) {
    let org = people::create_organisation(store, code, "Test trust")
        .await
        .unwrap();
    let a = people::create_site(store, org, "ACU", "Acute", "Acute hospital")
        .await
        .unwrap();
    let b = people::create_site(store, org, "COM", "Community", "Community services")
        .await
        .unwrap();
    (org, a, b)
}

fn local_role(code: &str) -> Role {
    Role {
        code: code.into(),
        title: "Discharge coordinator".into(),
        band: "4".parse().unwrap(),
        staff_group: StaffGroup::CentralFunctions,
        career_level: 4,
        family: PathwayFamily::Administration,
        clinical: false,
    }
}

async fn core_catalogue_round_trips(store: Store) {
    let cat = common::core_catalogue();
    catalogue::replace_core(&store, &cat).await.unwrap();
    let back = catalogue::export_core(&store).await.unwrap();
    assert_eq!(back, cat);
    assert_eq!(
        catalogue::core_version(&store).await.unwrap().as_deref(),
        Some("2026.2")
    );
    // Loading it again replaces rather than duplicates.
    catalogue::replace_core(&store, &cat).await.unwrap();
    assert_eq!(
        catalogue::export_core(&store).await.unwrap().roles.len(),
        cat.roles.len()
    );
}

async fn dropping_a_role_in_use_is_refused_and_nothing_changes(store: Store) {
    let cat = common::core_catalogue();
    catalogue::replace_core(&store, &cat).await.unwrap();
    let (org, site, _) = org_with_sites(&store, "T1").await;
    people::insert_people(
        &store,
        org,
        &[NewPerson {
            site_id: site,
            name: "Ada Quill".into(),
            role_code: "phlebotomist".into(),
            role_started: date("2024-01-01"),
            manager_id: None,
            interests: vec![],
            assignment_number: None,
        }],
    )
    .await
    .unwrap();
    let mut smaller = cat.clone();
    smaller.roles.retain(|r| r.code != "phlebotomist");
    smaller.transitions.retain(|t| {
        t.from != "phlebotomist"
            && t.to != "phlebotomist"
            && !t.helpers.iter().any(|h| h == "phlebotomist")
    });
    let err = catalogue::replace_core(&store, &smaller).await.unwrap_err();
    assert!(err.to_string().contains("phlebotomist"), "{err}");
    assert_eq!(catalogue::export_core(&store).await.unwrap(), cat);
}

async fn local_roles_belong_to_their_organisation_only(store: Store) {
    catalogue::replace_core(&store, &common::core_catalogue())
        .await
        .unwrap();
    let (org, _, _) = org_with_sites(&store, "T1").await;
    let (other, _, _) = org_with_sites(&store, "T2").await;
    catalogue::add_local_role(&store, org, None, &local_role("discharge-coordinator"))
        .await
        .unwrap();
    let clash = catalogue::add_local_role(&store, org, None, &local_role("hcsw")).await;
    assert!(
        matches!(clash, Err(StorageError::Conflict { .. })),
        "{clash:?}"
    );
    let mine = catalogue::role_map(&store, org).await.unwrap();
    let theirs = catalogue::role_map(&store, other).await.unwrap();
    assert!(mine.contains_key("discharge-coordinator"));
    assert!(!theirs.contains_key("discharge-coordinator"));
    assert_eq!(mine.len(), theirs.len() + 1);
    // Another organisation may use the same local code.
    catalogue::add_local_role(&store, other, None, &local_role("discharge-coordinator"))
        .await
        .unwrap();
    // Local roles can be changed; core roles and other organisations' cannot.
    let mut changed = local_role("discharge-coordinator");
    changed.title = "Discharge and flow coordinator".into();
    catalogue::update_local_role(&store, org, &changed)
        .await
        .unwrap();
    let mine = catalogue::role_map(&store, org).await.unwrap();
    assert_eq!(
        mine["discharge-coordinator"].title,
        "Discharge and flow coordinator"
    );
    let theirs = catalogue::role_map(&store, other).await.unwrap();
    assert_eq!(
        theirs["discharge-coordinator"].title,
        "Discharge coordinator"
    );
    let core = catalogue::update_local_role(&store, org, &local_role("hcsw")).await;
    assert!(matches!(core, Err(StorageError::NotFound(_))), "{core:?}");
    // A site of another organisation is refused.
    let (_, other_site, _) = org_with_sites(&store, "T3").await;
    let wrong =
        catalogue::add_local_role(&store, org, Some(other_site), &local_role("x-role")).await;
    assert!(matches!(wrong, Err(StorageError::Invalid(_))), "{wrong:?}");
}

async fn site_transitions_show_only_at_their_site(store: Store) {
    let cat = common::core_catalogue();
    catalogue::replace_core(&store, &cat).await.unwrap();
    let (org, acute, community) = org_with_sites(&store, "T1").await;
    catalogue::add_local_role(&store, org, None, &local_role("discharge-coordinator"))
        .await
        .unwrap();
    let mut t = cat
        .transitions
        .iter()
        .find(|t| t.from == "hcsw")
        .unwrap()
        .clone();
    t.to = "discharge-coordinator".into();
    t.helpers = vec!["team-leader".into()];
    catalogue::add_local_transition(&store, org, Some(acute), &t)
        .await
        .unwrap();
    let at_acute = catalogue::transitions_from(&store, org, acute, "hcsw")
        .await
        .unwrap();
    let at_comm = catalogue::transitions_from(&store, org, community, "hcsw")
        .await
        .unwrap();
    assert_eq!(at_acute.len(), at_comm.len() + 1);
    let added = at_acute
        .iter()
        .find(|x| x.to == "discharge-coordinator")
        .unwrap();
    assert_eq!(added.requirements, t.requirements);
    // Local transitions can be removed by their organisation only.
    let id = catalogue::transitions_for_org(&store, org)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.transition.to == "discharge-coordinator")
        .unwrap()
        .id;
    let (other, _, _) = org_with_sites(&store, "T2").await;
    let refused = catalogue::remove_local_transition(&store, other, id).await;
    assert!(
        matches!(refused, Err(StorageError::NotFound(_))),
        "{refused:?}"
    );
    let removed = catalogue::remove_local_transition(&store, org, id)
        .await
        .unwrap();
    assert_eq!(removed.to, "discharge-coordinator");
    let core_id = catalogue::transitions_for_org(&store, org).await.unwrap()[0].id;
    assert!(
        catalogue::remove_local_transition(&store, org, core_id)
            .await
            .is_err()
    );
    assert_eq!(
        catalogue::transitions_from(&store, org, acute, "hcsw")
            .await
            .unwrap()
            .len(),
        at_comm.len()
    );
    catalogue::add_local_transition(&store, org, Some(acute), &t)
        .await
        .unwrap();
    // Unknown roles are refused with the role named.
    t.to = "astronaut".into();
    let err = catalogue::add_local_transition(&store, org, None, &t)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("astronaut"), "{err}");
}

async fn people_managers_holdings_vacancies_and_helpers(store: Store) {
    catalogue::replace_core(&store, &common::core_catalogue())
        .await
        .unwrap();
    let (org, acute, community) = org_with_sites(&store, "T1").await;
    let boss = people::insert_people(
        &store,
        org,
        &[
            NewPerson {
                site_id: acute,
                name: "Mo Ward".into(),
                role_code: "ward-manager".into(),
                role_started: date("2020-05-01"),
                manager_id: None,
                interests: vec![],
                assignment_number: None,
            },
            NewPerson {
                site_id: acute,
                name: "Pat Educator".into(),
                role_code: "practice-educator".into(),
                role_started: date("2021-05-01"),
                manager_id: None,
                interests: vec![],
                assignment_number: None,
            },
            NewPerson {
                site_id: community,
                name: "Cy Educator".into(),
                role_code: "practice-educator".into(),
                role_started: date("2021-05-01"),
                manager_id: None,
                interests: vec![],
                assignment_number: None,
            },
        ],
    )
    .await
    .unwrap()[0];
    let ids = people::insert_people(
        &store,
        org,
        &[NewPerson {
            site_id: acute,
            name: "Lee Learner".into(),
            role_code: "hcsw".into(),
            role_started: date("2024-03-15"),
            manager_id: Some(boss),
            interests: vec!["health".into(), "nurse-adult".into()],
            assignment_number: None,
        }],
    )
    .await
    .unwrap();
    let p = people::person(&store, ids[0]).await.unwrap().unwrap();
    assert_eq!(p.manager_name.as_deref(), Some("Mo Ward"));
    assert_eq!(p.site_name, "Acute");
    assert_eq!(p.role_started, date("2024-03-15"));
    assert_eq!(p.interests, vec!["health", "nurse-adult"]);
    let team = people::reports_of(&store, boss).await.unwrap();
    assert_eq!(team.iter().map(|p| p.id).collect::<Vec<_>>(), ids);

    people::insert_held_items(
        &store,
        &[(ids[0], "Care Certificate".into(), "Signed off".into())],
    )
    .await
    .unwrap();
    assert_eq!(
        people::held_items(&store, ids[0])
            .await
            .unwrap()
            .get("Care Certificate")
            .map(String::as_str),
        Some("Signed off")
    );
    people::set_vacancies(&store, acute, "senior-hcsw", 3)
        .await
        .unwrap();
    people::set_vacancies(&store, acute, "senior-hcsw", 2)
        .await
        .unwrap();
    assert_eq!(
        people::site_vacancies(&store, acute)
            .await
            .unwrap()
            .get("senior-hcsw"),
        Some(&2)
    );
    assert!(
        people::site_vacancies(&store, community)
            .await
            .unwrap()
            .is_empty()
    );
    people::set_vacancies(&store, community, "nurse-adult", 4)
        .await
        .unwrap();
    let both = people::vacancies_at(&store, &[acute, community])
        .await
        .unwrap();
    assert_eq!(both[&acute].get("senior-hcsw"), Some(&2));
    assert_eq!(both[&community].get("nurse-adult"), Some(&4));
    assert!(!both[&community].contains_key("senior-hcsw"));
    let held = people::held_items_of(&store, &[ids[0], boss])
        .await
        .unwrap();
    assert_eq!(held[&ids[0]].len(), 1);
    assert!(
        !held.contains_key(&boss),
        "someone holding nothing is absent"
    );

    let educators = ["practice-educator".to_string()];
    let helpers = people::people_in_roles(&store, org, Some(acute), &educators, 5)
        .await
        .unwrap();
    assert_eq!(helpers.len(), 1, "only the educator at the learner's site");
    assert_eq!(helpers[0].1.name, "Pat Educator");
    let anywhere = people::people_in_roles(&store, org, None, &educators, 5)
        .await
        .unwrap();
    assert_eq!(anywhere.len(), 2);
    let first = people::people_in_roles(&store, org, None, &educators, 1)
        .await
        .unwrap();
    assert_eq!(first.len(), 1, "limited per role");
    assert_eq!(first[0].1.name, "Cy Educator", "first by name");
    assert_eq!(people::count_people(&store, org).await.unwrap(), 4);
}

async fn adding_staff_is_all_or_nothing(store: Store) {
    let (org, acute, _) = org_with_sites(&store, "T1").await;
    let (_, foreign_site, _) = org_with_sites(&store, "T2").await;
    let ok = NewPerson {
        site_id: acute,
        name: "Good Row".into(),
        role_code: "hcsw".into(),
        role_started: date("2024-01-01"),
        manager_id: None,
        interests: vec![],
        assignment_number: None,
    };
    let bad = NewPerson {
        site_id: foreign_site,
        name: "Bad Row".into(),
        ..ok.clone()
    };
    let err = people::insert_people(&store, org, &[ok.clone(), bad])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("person 2 (Bad Row)"), "{err}");
    assert_eq!(people::count_people(&store, org).await.unwrap(), 0);
}

async fn accounts_sessions_and_tokens(store: Store) {
    let (org, _, _) = org_with_sites(&store, "T1").await;
    let new = accounts::NewAccount {
        org_id: org,
        person_id: None,
        email: "Admin@Example.test",
        display_name: "Admin",
        password_hash: "$argon2id$fake",
        roles: &[AppRole::LdAdmin, AppRole::SystemAdmin],
    };
    let id = accounts::create(&store, &new, 100).await.unwrap();
    let dup = accounts::create(&store, &new, 100).await;
    assert!(matches!(dup, Err(StorageError::Conflict { .. })), "{dup:?}");
    let a = accounts::by_email(&store, "admin@example.TEST")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.id, id);
    assert_eq!(a.roles, vec![AppRole::LdAdmin, AppRole::SystemAdmin]);

    accounts::start_session(&store, "h1", id, "csrf1", 100, 200)
        .await
        .unwrap();
    let (who, csrf) = accounts::session(&store, "h1", 150).await.unwrap().unwrap();
    assert_eq!((who.id, csrf.as_str()), (id, "csrf1"));
    assert!(
        accounts::session(&store, "h1", 200)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    accounts::end_session(&store, "h1").await.unwrap();
    assert!(
        accounts::session(&store, "h1", 150)
            .await
            .unwrap()
            .is_none()
    );

    let t = accounts::create_token(&store, id, "laptop", "th1", "pw_abcd", 100)
        .await
        .unwrap();
    assert_eq!(
        accounts::account_for_token(&store, "th1", 120)
            .await
            .unwrap()
            .unwrap()
            .id,
        id
    );
    assert_eq!(
        accounts::tokens(&store, id).await.unwrap()[0].last_used_at,
        Some(120)
    );
    assert!(
        !accounts::revoke_token(&store, id + 1, t, 130)
            .await
            .unwrap(),
        "not theirs"
    );
    assert!(accounts::revoke_token(&store, id, t, 130).await.unwrap());
    assert!(
        accounts::account_for_token(&store, "th1", 140)
            .await
            .unwrap()
            .is_none()
    );
}

async fn failed_sign_ins_are_counted_and_cleared(store: Store) {
    for at in [10, 20, 30] {
        accounts::record_failure(&store, "x@y.test", "192.0.2.1", at)
            .await
            .unwrap();
    }
    accounts::record_failure(&store, "x@y.test", "192.0.2.2", 30)
        .await
        .unwrap();
    accounts::record_failure(&store, "z@y.test", "192.0.2.1", 30)
        .await
        .unwrap();
    let counts = accounts::failures_since(&store, "X@y.test", "192.0.2.1", 15)
        .await
        .unwrap();
    assert_eq!(
        (
            counts.this_email_from_this_client,
            counts.from_this_client,
            counts.for_this_email
        ),
        (2, 3, 3)
    );
    accounts::clear_failures(&store, "x@y.test", "192.0.2.1")
        .await
        .unwrap();
    let counts = accounts::failures_since(&store, "x@y.test", "192.0.2.1", 0)
        .await
        .unwrap();
    assert_eq!(
        (
            counts.this_email_from_this_client,
            counts.from_this_client,
            counts.for_this_email
        ),
        (0, 1, 1),
        "another client's failures and other emails' stay"
    );
}

async fn audit_trail_is_append_only(store: Store) {
    let (org, _, _) = org_with_sites(&store, "T1").await;
    audit::record(
        &store,
        Some(org),
        None,
        5,
        "access.denied",
        "person:9",
        "other org",
    )
    .await
    .unwrap();
    audit::record(
        &store,
        Some(org),
        None,
        6,
        "catalogue.role_added",
        "role:x",
        "",
    )
    .await
    .unwrap();
    let all = audit::list(&store, org, &audit::AuditFilter::default(), 10, 0)
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].action, "catalogue.role_added", "newest first");
    let denied = audit::list(
        &store,
        org,
        &audit::AuditFilter::action("access.denied"),
        10,
        0,
    )
    .await
    .unwrap();
    assert_eq!(denied.len(), 1);
    assert!(
        store
            .execute_admin("UPDATE audit_events SET detail = 'changed'")
            .await
            .is_err()
    );
    assert!(
        store
            .execute_admin("DELETE FROM audit_events")
            .await
            .is_err()
    );
    assert_eq!(
        audit::list(&store, org, &audit::AuditFilter::default(), 10, 0)
            .await
            .unwrap()
            .len(),
        2
    );
}

const PATHWAYS: &str = include_str!("../../../catalogue/pathways.toml");

/// An organisation with the core catalogue, a manager and two reports, and
/// the shipped pathway published: (org, version id, manager, learners).
async fn pathway_org(store: &Store) -> (i64, i64, i64, Vec<i64>) {
    catalogue::replace_core(store, &common::core_catalogue())
        .await
        .unwrap();
    let (org, acute, _) = org_with_sites(store, "P1").await;
    let person = |name: &str, role: &str, manager: Option<i64>| NewPerson {
        site_id: acute,
        name: name.into(),
        role_code: role.into(),
        role_started: date("2025-01-06"),
        manager_id: manager,
        interests: vec![],
        assignment_number: None,
    };
    let boss = people::insert_people(store, org, &[person("Mo Ward", "ward-manager", None)])
        .await
        .unwrap()[0];
    let learners = people::insert_people(
        store,
        org,
        &[
            person("Ana Ash", "hcsw", Some(boss)),
            person("Ben Birch", "hcsw", Some(boss)),
        ],
    )
    .await
    .unwrap();
    let file = PathwayFile::parse(PATHWAYS).unwrap();
    let v1 = pathways::publish(store, org, &file.pathways[0], None, "first version", 100)
        .await
        .unwrap();
    (org, v1, boss, learners)
}

fn enrolment(person_id: i64, version_id: i64) -> NewEnrolment {
    NewEnrolment {
        person_id,
        version_id,
        variant: Some("care".into()),
        aim: Some("senior-hcsw".into()),
        enrolled_on: date("2026-01-05"),
    }
}

async fn pathway_versions_enrolments_and_moves(store: Store) {
    let (org, v1, _, learners) = pathway_org(&store).await;
    let (latest_id, t1) = pathways::latest(&store, org, "support-worker")
        .await
        .unwrap();
    assert_eq!((latest_id, t1.version), (v1, 1));
    assert_eq!(
        t1,
        {
            let mut shipped = PathwayFile::parse(PATHWAYS).unwrap().pathways.remove(0);
            shipped.version = 1;
            shipped
        },
        "criteria round-trip"
    );
    let mut changed = t1.criteria.clone();
    changed.retain(|c| c.key != "data-handling");
    let v2 = pathways::publish(
        &store,
        org,
        &t1.publish(changed),
        None,
        "dropped data handling",
        200,
    )
    .await
    .unwrap();
    let versions = pathways::versions(&store, org).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        vec![2, 1]
    );
    assert_eq!(versions[0].criteria + 1, versions[1].criteria);

    // All or nothing: the second row repeats the first person.
    let e = pathways::enrol(
        &store,
        org,
        &[enrolment(learners[0], v1), enrolment(learners[0], v1)],
        &["row 2".into(), "row 3".into()],
        None,
        300,
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string().contains("row 3: Ana Ash is already enrolled"),
        "{e}"
    );
    assert!(
        pathways::enrolment_of(&store, learners[0])
            .await
            .unwrap()
            .is_none(),
        "nothing written"
    );
    let ids = pathways::enrol(
        &store,
        org,
        &[enrolment(learners[0], v1), enrolment(learners[1], v1)],
        &[],
        None,
        300,
    )
    .await
    .unwrap();
    assert_eq!(ids.len(), 2);
    // Enrolled learners stay on version 1 after version 2 is published.
    let ana = pathways::enrolment_of(&store, learners[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ana.version_id, v1);
    assert!(
        pathways::move_version(&store, org, ana.id, v2, " ", None, 400)
            .await
            .is_err(),
        "a move needs a reason"
    );
    pathways::move_version(
        &store,
        org,
        ana.id,
        v2,
        "new criteria agreed at review",
        None,
        400,
    )
    .await
    .unwrap();
    assert_eq!(
        pathways::enrolment_of(&store, learners[0])
            .await
            .unwrap()
            .unwrap()
            .version_id,
        v2
    );
    let moved = audit::list(
        &store,
        org,
        &audit::AuditFilter::action("enrolment.moved"),
        10,
        0,
    )
    .await
    .unwrap();
    assert!(
        moved[0]
            .detail
            .contains("version 1 to version 2: new criteria agreed"),
        "{moved:?}"
    );
    // Several at once are all moved or none: Ana is already on version 2,
    // so moving Ben and Ana together moves neither.
    let ben = pathways::enrolment_of(&store, learners[1])
        .await
        .unwrap()
        .unwrap();
    assert!(
        pathways::move_versions(&store, org, &[ben.id, ana.id], v2, "cohort", None, 500)
            .await
            .is_err()
    );
    assert_eq!(
        pathways::enrolment(&store, ben.id)
            .await
            .unwrap()
            .unwrap()
            .version_id,
        v1,
        "nobody moved"
    );
    pathways::move_versions(&store, org, &[ben.id], v2, "cohort", None, 600)
        .await
        .unwrap();
    for id in [ben.id, ana.id] {
        assert_eq!(
            pathways::enrolment(&store, id)
                .await
                .unwrap()
                .unwrap()
                .version_id,
            v2
        );
    }
    // Another organisation's version cannot be used.
    let other = people::create_organisation(&store, "P2", "Other")
        .await
        .unwrap();
    assert!(matches!(
        pathways::template(&store, other, v1).await,
        Err(StorageError::NotFound(_))
    ));
}

async fn enrolments_end_and_reopen(store: Store) {
    let (org, v1, _, learners) = pathway_org(&store).await;
    let ids = pathways::enrol(&store, org, &[enrolment(learners[0], v1)], &[], None, 300)
        .await
        .unwrap();
    let ending = Ending {
        reason: EnrolmentEnd::Left,
        on: date("2026-06-30"),
        note: "Moved to another trust".into(),
    };
    pathways::end_enrolment(&store, org, ids[0], &ending, None, 400)
        .await
        .unwrap();
    assert!(
        pathways::enrolment_of(&store, learners[0])
            .await
            .unwrap()
            .is_none()
    );
    let ended = pathways::ended_enrolments(&store, learners[0])
        .await
        .unwrap();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].reason, EnrolmentEnd::Left);
    assert_eq!(ended[0].ended_on, date("2026-06-30"));
    assert_eq!(ended[0].note, "Moved to another trust");
    assert_eq!(ended[0].version, 1);
    // Ending twice finds nothing active; another organisation finds nothing at all.
    assert!(matches!(
        pathways::end_enrolment(&store, org, ids[0], &ending, None, 401).await,
        Err(StorageError::NotFound(_))
    ));
    let audit_rows = audit::list(
        &store,
        org,
        &audit::AuditFilter::action("enrolment.ended"),
        10,
        0,
    )
    .await
    .unwrap();
    assert!(
        audit_rows[0]
            .detail
            .contains("Left the organisation on 2026-06-30: Moved to another trust"),
        "{audit_rows:?}"
    );
    // Enrolled again, the old enrolment cannot be reopened beside the new one.
    let again = pathways::enrol(&store, org, &[enrolment(learners[0], v1)], &[], None, 500)
        .await
        .unwrap();
    assert!(matches!(
        pathways::reopen_enrolment(&store, org, learners[0], ids[0], None, 501).await,
        Err(StorageError::Conflict { .. })
    ));
    let withdrawn = Ending {
        reason: EnrolmentEnd::Withdrawn,
        on: date("2026-07-01"),
        note: "Enrolled by mistake".into(),
    };
    pathways::end_enrolment(&store, org, again[0], &withdrawn, None, 502)
        .await
        .unwrap();
    assert_eq!(
        pathways::ended_enrolments(&store, learners[0])
            .await
            .unwrap()
            .len(),
        2
    );
    pathways::reopen_enrolment(&store, org, learners[0], ids[0], None, 503)
        .await
        .unwrap();
    let back = pathways::enrolment_of(&store, learners[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.id, ids[0]);
    assert_eq!(
        audit::list(
            &store,
            org,
            &audit::AuditFilter::action("enrolment.reopened"),
            10,
            0
        )
        .await
        .unwrap()
        .len(),
        1
    );
    let other = people::create_organisation(&store, "P3", "Other")
        .await
        .unwrap();
    assert!(matches!(
        pathways::end_enrolment(&store, other, ids[0], &ending, None, 600).await,
        Err(StorageError::NotFound(_))
    ));
}

async fn the_audit_trail_filters_by_person_actor_and_dates_and_names_what_it_is_about(
    store: Store,
) {
    let (org, v1, boss, learners) = pathway_org(&store).await;
    let account = |email: &'static str, name: &'static str, person: i64| accounts::NewAccount {
        org_id: org,
        person_id: Some(person),
        email,
        display_name: name,
        password_hash: "x",
        roles: &[AppRole::Manager],
    };
    let mo = accounts::create(&store, &account("mo@t.example", "Mo Ward", boss), 1)
        .await
        .unwrap();
    let ana = accounts::create(&store, &account("ana@t.example", "Ana Ash", learners[0]), 1)
        .await
        .unwrap();
    let ids = pathways::enrol(
        &store,
        org,
        &[enrolment(learners[0], v1)],
        &[],
        Some(mo),
        100,
    )
    .await
    .unwrap();
    let evidence = NewEvidence {
        enrolment_id: ids[0],
        kind: EvidenceKind::Reflection,
        title: "My first week".into(),
        body: String::new(),
        activity: String::new(),
        file: None,
        criteria: vec!["local-induction".into()],
        added_by_user: Some(ana),
        added_by_person: Some(learners[0]),
        added_on: date("2026-01-09"),
    };
    let eid = pathways::add_evidence(&store, org, &evidence, 86_400 * 2)
        .await
        .unwrap();
    audit::record(
        &store,
        Some(org),
        Some(mo),
        86_400 * 3,
        "review.recorded",
        &format!("person:{}", learners[1]),
        "",
    )
    .await
    .unwrap();
    let list = |f: audit::AuditFilter| {
        let store = store.clone();
        async move {
            audit::list(&store, org, &f, 50, 0)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.action)
                .collect::<Vec<_>>()
        }
    };
    let about_ana = audit::AuditFilter {
        person: Some(learners[0]),
        ..Default::default()
    };
    assert_eq!(
        list(about_ana.clone()).await,
        vec!["evidence.added", "enrolment.created"],
        "her record and her evidence, not Ben's review"
    );
    let by_mo = audit::AuditFilter {
        actor: Some(mo),
        ..Default::default()
    };
    assert_eq!(
        list(by_mo).await,
        vec!["review.recorded", "enrolment.created"]
    );
    let from_day_two = audit::AuditFilter {
        from: Some(86_400 * 2),
        until: Some(86_400 * 3),
        ..Default::default()
    };
    assert_eq!(list(from_day_two).await, vec!["evidence.added"]);

    let events = audit::list(&store, org, &audit::AuditFilter::default(), 50, 0)
        .await
        .unwrap();
    let names = audit::names_for(&store, org, &events).await.unwrap();
    assert_eq!(names.users.get(&mo).map(String::as_str), Some("Mo Ward"));
    assert_eq!(
        names.people.get(&learners[1]).map(String::as_str),
        Some("Ben Birch")
    );
    assert_eq!(
        names.evidence.get(&eid),
        Some(&(
            "My first week".to_string(),
            learners[0],
            "Ana Ash".to_string()
        ))
    );
    assert_eq!(
        names.pathways.get("support-worker").map(String::as_str),
        Some(file_pathway_name().as_str())
    );
    assert_eq!(
        names.roles.get("hcsw").map(String::as_str),
        Some("Healthcare support worker")
    );
    let added = events
        .iter()
        .find(|e| e.action == "evidence.added")
        .unwrap();
    assert!(
        added.detail.starts_with("Written reflection, offered for ")
            && !added.detail.contains("local-induction"),
        "the detail names the criterion, not its key: {}",
        added.detail
    );
    assert_eq!(
        audit::actors(&store, org).await.unwrap(),
        vec![(ana, "Ana Ash".to_string()), (mo, "Mo Ward".to_string())]
    );
}

fn file_pathway_name() -> String {
    PathwayFile::parse(PATHWAYS).unwrap().pathways[0]
        .name
        .clone()
}

async fn the_inbox_puts_the_managers_team_first_then_the_oldest(store: Store) {
    let (org, v1, boss, learners) = pathway_org(&store).await;
    let site = people::person(&store, boss).await.unwrap().unwrap().site_id;
    let other = people::insert_people(
        &store,
        org,
        &[NewPerson {
            site_id: site,
            name: "Cy Cedar".into(),
            role_code: "hcsw".into(),
            role_started: date("2025-01-06"),
            manager_id: None,
            interests: vec![],
            assignment_number: None,
        }],
    )
    .await
    .unwrap()[0];
    let ids = pathways::enrol(
        &store,
        org,
        &[enrolment(learners[0], v1), enrolment(other, v1)],
        &[],
        None,
        300,
    )
    .await
    .unwrap();
    let mut added = Vec::new();
    for (enrolment_id, person, on) in [
        (ids[1], other, "2026-01-02"),
        (ids[0], learners[0], "2026-01-10"),
        (ids[1], other, "2026-01-01"),
    ] {
        let e = NewEvidence {
            enrolment_id,
            kind: EvidenceKind::Reflection,
            title: format!("Added {on}"),
            body: String::new(),
            activity: String::new(),
            file: None,
            criteria: vec!["local-induction".into()],
            added_by_user: None,
            added_by_person: Some(person),
            added_on: date(on),
        };
        added.push(pathways::add_evidence(&store, org, &e, 500).await.unwrap());
    }
    let scope = InboxScope {
        org_id: org,
        whole_organisation: false,
        reports_of: Some(boss),
        site: Some(site),
        me: Some(boss),
        learner: None,
    };
    let order: Vec<i64> = pathways::inbox(&store, scope, 10, 0)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(
        order,
        vec![added[1], added[2], added[0]],
        "his own report first, then the others by the day they were added, not the order they arrived"
    );
    let team_only = InboxScope {
        site: None,
        ..scope
    };
    assert_eq!(pathways::inbox_count(&store, team_only).await.unwrap(), 1);
}

async fn evidence_decisions_sign_offs_and_the_inbox(store: Store) {
    let (org, v1, boss, learners) = pathway_org(&store).await;
    let ids = pathways::enrol(&store, org, &[enrolment(learners[0], v1)], &[], None, 300)
        .await
        .unwrap();
    let evidence = NewEvidence {
        enrolment_id: ids[0],
        kind: EvidenceKind::Reflection,
        title: "My first week".into(),
        body: "What I learned on induction".into(),
        activity: "Early shift, ward 7".into(),
        file: None,
        criteria: vec!["local-induction".into(), "role-orientation".into()],
        added_by_user: None,
        added_by_person: Some(learners[0]),
        added_on: date("2026-01-09"),
    };
    let eid = pathways::add_evidence(&store, org, &evidence, 500)
        .await
        .unwrap();
    let scope = InboxScope {
        org_id: org,
        whole_organisation: false,
        reports_of: Some(boss),
        site: None,
        me: Some(boss),
        learner: None,
    };
    assert_eq!(pathways::inbox_count(&store, scope).await.unwrap(), 1);
    let waiting = |manager_id| {
        let store = store.clone();
        async move {
            let filter = LearnerFilter {
                manager_id,
                person_id: None,
                ..Default::default()
            };
            let (states, _) = pathways::learner_states(&store, org, filter).await.unwrap();
            states
                .iter()
                .map(|s| (s.enrolment.person_id, s.evidence_waiting))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(waiting(Some(boss)).await, vec![(learners[0], 1)]);
    let mine = InboxScope {
        me: Some(learners[0]),
        reports_of: None,
        whole_organisation: true,
        ..scope
    };
    assert_eq!(
        pathways::inbox_count(&store, mine).await.unwrap(),
        0,
        "never your own"
    );
    let listed = pathways::inbox(&store, scope, 10, 0).await.unwrap();
    assert_eq!(
        listed[0].criteria,
        vec!["local-induction", "role-orientation"]
    );
    assert_eq!(listed[0].status, EvidenceStatus::Waiting);
    // The filter by learner, and the learners it offers.
    let learners_waiting = pathways::inbox_learners(&store, scope).await.unwrap();
    assert_eq!(learners_waiting.len(), 1);
    assert_eq!(
        (learners_waiting[0].0, learners_waiting[0].2),
        (learners[0], 1)
    );
    let only = |p| InboxScope {
        learner: Some(p),
        ..scope
    };
    assert_eq!(
        pathways::inbox_count(&store, only(learners[0]))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        pathways::inbox_count(&store, only(learners[1]))
            .await
            .unwrap(),
        0
    );
    assert!(
        pathways::inbox(&store, only(learners[1]), 10, 0)
            .await
            .unwrap()
            .is_empty()
    );

    let decision = EvidenceDecision {
        evidence_id: eid,
        accept: true,
        feedback: String::new(),
        by_user: None,
        by_person: Some(boss),
        on: date("2026-01-12"),
    };
    let signed = pathways::decide(&store, org, &decision, 600).await.unwrap();
    assert_eq!(signed, vec!["local-induction", "role-orientation"]);
    assert!(matches!(
        pathways::decide(&store, org, &decision, 601).await,
        Err(StorageError::Conflict { .. })
    ));
    assert_eq!(pathways::inbox_count(&store, scope).await.unwrap(), 0);
    let e = pathways::evidence(&store, eid).await.unwrap().unwrap();
    assert_eq!(e.status, EvidenceStatus::Accepted);
    assert_eq!(e.decisions[0].by_name.as_deref(), Some("Mo Ward"));

    let (states, templates) = pathways::learner_states(
        &store,
        org,
        LearnerFilter {
            manager_id: Some(boss),
            person_id: None,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(states.len(), 1);
    assert_eq!(
        states[0].evidence_waiting, 0,
        "decided evidence is not waiting"
    );
    assert_eq!(waiting(None).await, vec![(learners[0], 0)]);
    assert!(is_signed_off("local-induction", &states[0].decisions));
    assert!(templates.contains_key(&v1));

    let withdrawal = Withdrawal {
        enrolment_id: ids[0],
        criterion: "local-induction".into(),
        reason: "signed against the wrong learner".into(),
        by_user: None,
        by_person: Some(boss),
        on: date("2026-01-13"),
    };
    pathways::withdraw_sign_off(&store, org, &withdrawal, 700)
        .await
        .unwrap();
    let (states, _) = pathways::learner_states(&store, org, LearnerFilter::default())
        .await
        .unwrap();
    assert!(!is_signed_off("local-induction", &states[0].decisions));
    assert_eq!(states[0].decisions.len(), 3, "superseded, not edited");
    let record = pathways::sign_offs(&store, ids[0]).await.unwrap();
    assert_eq!(record[0].evidence_id, Some(eid));
    assert_eq!(
        record[2].reason.as_deref(),
        Some("signed against the wrong learner")
    );

    for sql in [
        "UPDATE sign_offs SET signed_off = 1",
        "DELETE FROM sign_offs",
        "UPDATE evidence_decisions SET outcome = 'returned'",
        "DELETE FROM evidence_decisions",
    ] {
        assert!(store.execute_admin(sql).await.is_err(), "{sql} refused");
    }
    let actions: Vec<String> = audit::list(&store, org, &audit::AuditFilter::default(), 50, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    for a in [
        "evidence.added",
        "evidence.accepted",
        "criterion.signed_off",
        "criterion.sign_off_withdrawn",
        "enrolment.created",
        "pathway.published",
    ] {
        assert!(actions.contains(&a.to_string()), "{a} in {actions:?}");
    }
}

async fn reviews_and_workload_flags(store: Store) {
    let (org, v1, _, learners) = pathway_org(&store).await;
    let ids = pathways::enrol(&store, org, &[enrolment(learners[1], v1)], &[], None, 300)
        .await
        .unwrap();
    let review = NewReview {
        enrolment_id: ids[0],
        held_on: date("2026-03-30"),
        progress: "Induction done".into(),
        actions: "Book observed practice".into(),
        workload_pressure: true,
        rating: Some(6),
        by_user: None,
    };
    assert!(matches!(
        pathways::record_review(&store, org, &review, 800).await,
        Err(StorageError::Invalid(m)) if m.contains("1 to 5")
    ));
    pathways::record_review(
        &store,
        org,
        &NewReview {
            rating: Some(4),
            ..review.clone()
        },
        800,
    )
    .await
    .unwrap();
    pathways::raise_flag(&store, org, ids[0], "two long days back to back", None, 900)
        .await
        .unwrap();
    assert!(
        pathways::raise_flag(&store, org, ids[0], "", None, 901)
            .await
            .is_err()
    );
    pathways::record_review(
        &store,
        org,
        &NewReview {
            held_on: date("2026-06-22"),
            workload_pressure: false,
            rating: Some(5),
            ..review
        },
        1000,
    )
    .await
    .unwrap();
    let (states, _) = pathways::learner_states(
        &store,
        org,
        LearnerFilter {
            manager_id: None,
            person_id: Some(learners[1]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(states[0].last_review, Some(date("2026-06-22")));
    // The outcome views read every rating of the organisation at once.
    assert_eq!(
        pathwise_storage::staff::review_ratings(&store, org)
            .await
            .unwrap(),
        [
            (learners[1], date("2026-03-30"), 4),
            (learners[1], date("2026-06-22"), 5)
        ]
    );
    assert_eq!(
        states[0]
            .flag_events
            .iter()
            .map(|f| f.1)
            .collect::<Vec<_>>(),
        vec![true, true, false]
    );
    assert!(!pathwise_domain::pathway::workload_flag_open(
        &states[0].flag_events
    ));
    let held = pathways::reviews(&store, ids[0]).await.unwrap();
    assert_eq!(held.len(), 2);
    assert_eq!(held[0].rating, Some(5), "newest first");
}

async fn two_decisions_at_once_one_wins_and_the_other_is_told_it_conflicts(store: Store) {
    let (org, v1, boss, learners) = pathway_org(&store).await;
    let ids = pathways::enrol(&store, org, &[enrolment(learners[0], v1)], &[], None, 300)
        .await
        .unwrap();
    let decision = |evidence_id, accept| EvidenceDecision {
        evidence_id,
        accept,
        feedback: if accept {
            String::new()
        } else {
            "More detail, please".into()
        },
        by_user: None,
        by_person: Some(boss),
        on: date("2026-01-12"),
    };
    // Several rounds, so that the two transactions really do overlap in some.
    for round in 0..12 {
        let evidence = NewEvidence {
            enrolment_id: ids[0],
            kind: EvidenceKind::Reflection,
            title: format!("Reflection {round}"),
            body: "What I learned".into(),
            activity: String::new(),
            file: None,
            criteria: vec!["local-induction".into()],
            added_by_user: None,
            added_by_person: Some(learners[0]),
            added_on: date("2026-01-09"),
        };
        let eid = pathways::add_evidence(&store, org, &evidence, 500 + round)
            .await
            .unwrap();
        let (accepting, returning) = (decision(eid, true), decision(eid, false));
        let (a, b) = tokio::join!(
            pathways::decide(&store, org, &accepting, 600 + round),
            pathways::decide(&store, org, &returning, 600 + round),
        );
        let outcomes = [a, b];
        let won = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(won, 1, "round {round}: exactly one decision stands");
        let lost = outcomes.into_iter().find_map(Result::err).unwrap();
        match lost {
            StorageError::Conflict {
                what: Conflicting::Decision,
                message: m,
            } => {
                assert_eq!(m, DecisionRefused::AlreadyDecided.to_string())
            }
            other => panic!("round {round}: the loser must hear of a conflict, got {other:?}"),
        }
        let decided = pathways::evidence(&store, eid).await.unwrap().unwrap();
        assert_ne!(decided.status, EvidenceStatus::Waiting);
    }
    let audit = audit::list(&store, org, &audit::AuditFilter::default(), 1000, 0)
        .await
        .unwrap();
    let decisions = audit
        .iter()
        .filter(|e| e.action == "evidence.accepted" || e.action == "evidence.returned")
        .count();
    assert_eq!(decisions, 12, "one audited decision per piece of evidence");
}
