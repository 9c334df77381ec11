//! Staff imports on both databases: new people, a promotion recorded as a
//! dated role change, a leaver, a new site, managers further down the file,
//! protected characteristics kept apart, audited, and nothing stored when
//! the import fails part-way.

#[macro_use]
mod common;

use common::{date, drop_database, fresh, ward};
use pathwise_domain::staff::{self, Ethnicity, Sex, StaffRecord};
use pathwise_domain::{Band, Date};
use pathwise_storage::{Store, audit, people};

on_both!(
    an_import_adds_people_records_a_promotion_and_a_leaver_and_keeps_characteristics_apart,
    a_failing_import_stores_nothing,
);

fn record(number: &str, name: &str, role: &str, site: &str, manager: Option<&str>) -> StaffRecord {
    let cells = [
        ("assignment_number", number),
        ("name", name),
        ("email", ""),
        ("role_code", role),
        ("site", site),
        ("afc_band", "2"),
        ("staff_group", "Support to doctors, nurses & midwives"),
        ("start_date", "2023-04-03"),
        ("leave_date", ""),
        ("line_manager_assignment", manager.unwrap_or("")),
        ("sex", "Female"),
        ("ethnicity", "M Black Caribbean"),
        ("age_band", "25-34"),
        ("disability", "No"),
    ];
    StaffRecord::parse(cells.as_slice()).unwrap()
}

async fn plan_for(
    store: &Store,
    org: i64,
    rows: Vec<StaffRecord>,
    today: &str,
) -> staff::StaffPlan {
    let now = pathwise_storage::staff::stored(store, org).await.unwrap();
    let sites: Vec<String> = people::sites(store, org)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.code)
        .collect();
    let numbered = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i + 2, r))
        .collect();
    staff::plan(numbered, &now, |_| true, &sites, date(today)).unwrap()
}

async fn an_import_adds_people_records_a_promotion_and_a_leaver_and_keeps_characteristics_apart(
    store: Store,
) {
    let (org, _, _) = ward(&store).await;
    // The manager comes after the people they manage.
    let first = vec![
        record("3001", "Ife Adeyemi", "hcsw", "ACU", Some("3003")),
        record("3002", "Tom Reed", "hcsw", "NEW1", Some("3003")),
        record("3003", "Rae Lund", "ward-manager", "ACU", None),
    ];
    let plan = plan_for(&store, org, first, "2026-11-01").await;
    let done = pathwise_storage::staff::import(&store, org, &plan, None, 100)
        .await
        .unwrap();
    assert_eq!(
        (done.new, done.changed, done.leavers, done.sites_added),
        (3, 0, 0, 1)
    );
    let stored = pathwise_storage::staff::stored(&store, org).await.unwrap();
    let ife = stored
        .iter()
        .find(|s| s.assignment_number == "3001")
        .unwrap();
    assert_eq!(ife.line_manager.as_deref(), Some("3003"));
    assert_eq!(ife.start_date, date("2023-04-03"));
    let tom = stored
        .iter()
        .find(|s| s.assignment_number == "3002")
        .unwrap();
    assert_eq!(tom.site, "NEW1", "an unknown site code became a site");

    // A month later: Ife is promoted, Tom leaves, Rae is as she was.
    let mut promoted = record("3001", "Ife Adeyemi", "senior-hcsw", "ACU", Some("3003"));
    promoted.band = Some(Band::Numbered(3));
    let mut leaving = record("3002", "Tom Reed", "hcsw", "NEW1", Some("3003"));
    leaving.leave_date = Some(date("2026-11-30"));
    let second = vec![
        promoted,
        leaving,
        record("3003", "Rae Lund", "ward-manager", "ACU", None),
    ];
    let plan = plan_for(&store, org, second, "2026-12-01").await;
    let done = pathwise_storage::staff::import(&store, org, &plan, None, 200)
        .await
        .unwrap();
    assert_eq!(
        (done.new, done.changed, done.leavers, done.role_changes),
        (0, 2, 1, 1)
    );
    let history = pathwise_storage::staff::role_history(&store, ife.id)
        .await
        .unwrap();
    let spells: Vec<(String, String)> = history
        .iter()
        .map(|h| (h.from.to_string(), h.role_code.clone()))
        .collect();
    assert_eq!(
        spells,
        [
            ("2023-04-03".to_string(), "hcsw".to_string()),
            ("2026-12-01".to_string(), "senior-hcsw".to_string())
        ]
    );
    assert_eq!(history[1].band, Some(Band::Numbered(3)));
    let person = people::person(&store, ife.id).await.unwrap().unwrap();
    assert_eq!(person.role_code, "senior-hcsw");
    assert_eq!(person.role_started, date("2026-12-01"));
    let tom_now = pathwise_storage::staff::stored(&store, org).await.unwrap();
    let tom_now = tom_now
        .iter()
        .find(|s| s.assignment_number == "3002")
        .unwrap();
    assert_eq!(tom_now.leave_date, Some(date("2026-11-30")));

    // A leaver is never named as a helper.
    let helpers = people::people_in_roles(&store, org, None, &["hcsw".to_string()], 10)
        .await
        .unwrap();
    let names: Vec<&str> = helpers.iter().map(|(_, h)| h.name.as_str()).collect();
    assert!(!names.contains(&"Tom Reed"), "{names:?}");
    assert!(names.contains(&"Ada Early"), "{names:?}");

    // Characteristics are read only as counts, and the import is audited.
    let counts = pathwise_storage::staff::characteristic_counts(&store, org)
        .await
        .unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[0].0.sex, Sex::Female);
    assert_eq!(counts[0].0.ethnicity, Ethnicity::Black);
    assert_eq!(counts[0].1, 3);
    let each = pathwise_storage::staff::characteristics_for_aggregates(&store, org)
        .await
        .unwrap();
    assert_eq!(each.len(), 3);
    assert_eq!(each[&ife.id].ethnicity, Ethnicity::Black);

    // The outcome views read each person's whole role history at once.
    let spells = pathwise_storage::staff::spells(&store, org).await.unwrap();
    let ife_spell = spells.iter().find(|s| s.person_id == ife.id).unwrap();
    let roles: Vec<(Date, &str, Option<Band>)> = ife_spell
        .roles
        .iter()
        .map(|r| (r.from, r.role_code.as_str(), r.band))
        .collect();
    assert_eq!(
        roles,
        [
            (date("2023-04-03"), "hcsw", Some(Band::Numbered(2))),
            (date("2026-12-01"), "senior-hcsw", Some(Band::Numbered(3)))
        ]
    );
    assert_eq!(ife_spell.start_role, "hcsw");
    let trail = audit::list(&store, org, &audit::AuditFilter::default(), 50, 0)
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "characteristics.imported")
            .count(),
        2
    );
    let last = trail.iter().find(|e| e.action == "staff.imported").unwrap();
    assert!(last.detail.contains("1 person leaving"), "{}", last.detail);
}

async fn a_failing_import_stores_nothing(store: Store) {
    let (org, _, _) = ward(&store).await;
    let plan = plan_for(
        &store,
        org,
        vec![
            record("4001", "Ava Stone", "hcsw", "ACU", None),
            record("4002", "Ben Stone", "hcsw", "NEW2", None),
        ],
        "2026-12-01",
    )
    .await;
    // Someone else takes 4002 between the summary and the confirmation.
    let acute = people::sites(&store, org).await.unwrap()[0].id;
    people::insert_people(
        &store,
        org,
        &[people::NewPerson {
            site_id: acute,
            name: "Cy Other".into(),
            role_code: "hcsw".into(),
            role_started: date("2024-01-01"),
            manager_id: None,
            interests: vec![],
            assignment_number: Some("4002".into()),
        }],
    )
    .await
    .unwrap();
    let before = people::count_people(&store, org).await.unwrap();
    let sites_before = people::sites(&store, org).await.unwrap().len();
    let err = pathwise_storage::staff::import(&store, org, &plan, None, 300)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("row 3: assignment number 4002 is already stored"),
        "{err}"
    );
    assert_eq!(people::count_people(&store, org).await.unwrap(), before);
    assert_eq!(
        people::sites(&store, org).await.unwrap().len(),
        sites_before,
        "no site added"
    );
    assert!(
        pathwise_storage::staff::characteristic_counts(&store, org)
            .await
            .unwrap()
            .is_empty()
    );
}
