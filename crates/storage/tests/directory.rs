//! The people directory on both databases: finding people by part of a
//! name or an assignment number, by role, site and pathway status, only
//! within the viewer's scope; assignment numbers are unique in an
//! organisation and name people in files.

#[macro_use]
mod common;

use common::{date, drop_database, fresh, ward};
use pathwise_storage::directory::{
    self, DirectorySearch, DirectorySort, PathwayStatus, PeopleScope,
};
use pathwise_storage::people::{self, NewPerson};
use pathwise_storage::{StorageError, Store};

on_both!(
    people_are_found_by_name_number_role_site_and_status_within_scope,
    an_assignment_number_is_unique_in_an_organisation,
);

fn numbered(site_id: i64, name: &str, role: &str, manager: Option<i64>, number: &str) -> NewPerson {
    NewPerson {
        site_id,
        name: name.into(),
        role_code: role.into(),
        role_started: date("2024-01-01"),
        manager_id: manager,
        interests: vec![],
        assignment_number: Some(number.into()),
    }
}

async fn people_are_found_by_name_number_role_site_and_status_within_scope(store: Store) {
    let (org, boss, team) = ward(&store).await;
    let sites = people::sites(&store, org).await.unwrap();
    let community = sites.iter().find(|s| s.code == "COM").unwrap().id;
    let acute = sites.iter().find(|s| s.code == "ACU").unwrap().id;
    let added = people::insert_people(
        &store,
        org,
        &[
            numbered(community, "Cara O'Connell", "senior-hcsw", None, "20001234"),
            numbered(acute, "Dev Patel", "hcsw", Some(boss), "20009999"),
        ],
    )
    .await
    .unwrap();
    people::record_leaving(&store, org, added[1], date("2026-11-30"), None, 5)
        .await
        .unwrap();
    let everyone = PeopleScope {
        org_id: org,
        whole_organisation: true,
        reports_of: None,
        site: None,
    };
    let today = date("2026-12-01");
    let find = |scope: PeopleScope, search: DirectorySearch| {
        let store = store.clone();
        async move {
            let (found, total) = directory::search(&store, scope, &search, today, 50, 0)
                .await
                .unwrap();
            assert_eq!(found.len() as i64, total);
            found.into_iter().map(|e| e.name).collect::<Vec<_>>()
        }
    };
    let text = |t: &str| DirectorySearch {
        text: t.into(),
        ..DirectorySearch::default()
    };
    assert_eq!(
        find(everyone, DirectorySearch::default()).await,
        [
            "Ada Early",
            "Ben Night",
            "Cara O'Connell",
            "Dev Patel",
            "Mo Ward"
        ],
        "by name"
    );
    assert_eq!(
        find(everyone, text("o'conn")).await,
        ["Cara O'Connell"],
        "any case, any part"
    );
    assert_eq!(
        find(everyone, text("1234")).await,
        ["Cara O'Connell"],
        "by assignment number"
    );
    assert_eq!(
        find(everyone, text("%")).await.len(),
        5,
        "a LIKE wildcard is not obeyed"
    );
    let role = DirectorySearch {
        role: Some("hcsw".into()),
        ..DirectorySearch::default()
    };
    assert_eq!(
        find(everyone, role).await,
        ["Ada Early", "Ben Night", "Dev Patel"]
    );
    let sorted = |sort| DirectorySearch {
        sort,
        ..DirectorySearch::default()
    };
    assert_eq!(
        find(everyone, sorted(DirectorySort::Site)).await,
        [
            "Ada Early",
            "Ben Night",
            "Dev Patel",
            "Mo Ward",
            "Cara O'Connell"
        ],
        "by site, then name"
    );
    assert_eq!(
        find(everyone, sorted(DirectorySort::Manager)).await,
        [
            "Ada Early",
            "Ben Night",
            "Dev Patel",
            "Cara O'Connell",
            "Mo Ward"
        ],
        "by line manager, those without last"
    );
    assert_eq!(
        find(everyone, sorted(DirectorySort::AssignmentNumber)).await,
        [
            "Cara O'Connell",
            "Dev Patel",
            "Ada Early",
            "Ben Night",
            "Mo Ward"
        ],
        "by assignment number, those without last"
    );
    let at_community = DirectorySearch {
        site: Some(community),
        ..DirectorySearch::default()
    };
    assert_eq!(find(everyone, at_community).await, ["Cara O'Connell"]);
    let status = |s| DirectorySearch {
        status: s,
        ..DirectorySearch::default()
    };
    assert_eq!(
        find(everyone, status(PathwayStatus::Left)).await,
        ["Dev Patel"]
    );
    assert_eq!(
        find(everyone, status(PathwayStatus::NotEnrolled))
            .await
            .len(),
        4,
        "nobody is enrolled; the leaver is not counted as not enrolled"
    );
    assert!(
        find(everyone, status(PathwayStatus::Enrolled))
            .await
            .is_empty()
    );

    let his_team = PeopleScope {
        whole_organisation: false,
        reports_of: Some(boss),
        ..everyone
    };
    assert_eq!(
        find(his_team, DirectorySearch::default()).await,
        ["Ada Early", "Ben Night", "Dev Patel"],
        "a manager finds only his reports"
    );
    let other = people::create_organisation(&store, "R2", "Other trust")
        .await
        .unwrap();
    let theirs = PeopleScope {
        org_id: other,
        ..everyone
    };
    assert!(find(theirs, DirectorySearch::default()).await.is_empty());

    let by_number = directory::by_assignment_numbers(
        &store,
        org,
        &["20001234".into(), "20009999".into(), "404".into()],
    )
    .await
    .unwrap();
    assert_eq!(by_number.len(), 2);
    assert_eq!(by_number["20001234"], added[0]);
    assert!(
        directory::by_assignment_numbers(&store, other, &["20001234".into()])
            .await
            .unwrap()
            .is_empty(),
        "numbers belong to their organisation"
    );
    assert_eq!(team.len(), 2);
}

async fn an_assignment_number_is_unique_in_an_organisation(store: Store) {
    let (org, _, _) = ward(&store).await;
    let site = people::sites(&store, org).await.unwrap()[0].id;
    people::insert_people(
        &store,
        org,
        &[numbered(site, "Ada", "hcsw", None, "20000001")],
    )
    .await
    .unwrap();
    let before = people::count_people(&store, org).await.unwrap();
    let again = people::insert_people(
        &store,
        org,
        &[
            numbered(site, "Bea", "hcsw", None, "20000002"),
            numbered(site, "Cy", "hcsw", None, "20000001"),
        ],
    )
    .await;
    assert!(
        matches!(again, Err(StorageError::Conflict { .. })),
        "{again:?}"
    );
    assert_eq!(
        people::count_people(&store, org).await.unwrap(),
        before,
        "all or nothing"
    );
    let other = people::create_organisation(&store, "R2", "Other trust")
        .await
        .unwrap();
    let their_site = people::create_site(&store, other, "X", "X", "Acute hospital")
        .await
        .unwrap();
    people::insert_people(
        &store,
        other,
        &[numbered(their_site, "Dee", "hcsw", None, "20000001")],
    )
    .await
    .expect("another organisation may use the same number");
}
