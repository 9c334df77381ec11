//! Outreach on both databases: activities and follow-ups stored and read
//! back, a reference recorded again replacing the first, a follow-up of an
//! unknown activity storing nothing, and every organisation read together
//! with references that cannot meet.

#[macro_use]
mod common;

use common::{drop_database, fresh, ward};
use pathwise_domain::AppRole;
use pathwise_domain::outreach::{Activity, ActivityType, FollowUp, Route};
use pathwise_storage::accounts::{self, NewAccount};
use pathwise_storage::outreach::{icbs, records, save_activities, save_follow_ups};
use pathwise_storage::{StorageError, Store, people};

on_both!(activities_and_follow_ups_are_stored_replaced_and_read_across_organisations,);

fn activity(reference: &str, icb: &str, year_10: u32) -> Activity {
    Activity {
        reference: reference.into(),
        kind: ActivityType::InsightDay,
        date: "2026-10-01".parse().unwrap(),
        careers_hub: "WMCA".into(),
        icb: icb.into(),
        school: "Wolverhampton Academy".into(),
        school_urn: Some("123456".into()),
        participants: [0, 0, 0, year_10, 0, 0, 0],
        teachers: 2,
        disadvantaged: 5,
        roles_showcased: vec!["Healthcare support worker".into(), "Paramedic".into()],
        staff_tenth_hours: 75,
    }
}

fn follow(reference: &str, applications: u32) -> FollowUp {
    FollowUp {
        activity: reference.into(),
        route: Route::Apprenticeship,
        period: "2026-27".into(),
        applications,
        offers: 2,
        starts: 1,
    }
}

async fn user(store: &Store, org: i64, email: &str) -> i64 {
    accounts::create(
        store,
        &NewAccount {
            org_id: org,
            person_id: None,
            email,
            display_name: email,
            password_hash: "x",
            roles: &[AppRole::Outreach],
        },
        1,
    )
    .await
    .unwrap()
}

async fn activities_and_follow_ups_are_stored_replaced_and_read_across_organisations(store: Store) {
    let (org, _, _) = ward(&store).await;
    let lead = user(&store, org, "outreach@r1.test").await;
    save_activities(
        &store,
        org,
        &[activity("ID-1", "Black Country ICB", 30)],
        Some(lead),
        10,
    )
    .await
    .unwrap();
    save_follow_ups(&store, org, &[follow("ID-1", 6)], Some(lead), 11)
        .await
        .unwrap();
    let r = records(&store, Some(org), None).await.unwrap();
    assert_eq!(
        r.activities,
        vec![activity("ID-1", "Black Country ICB", 30)]
    );
    assert_eq!(r.follow_ups, vec![follow("ID-1", 6)]);

    // Recorded again: replaced, not added.
    save_activities(
        &store,
        org,
        &[activity("ID-1", "Black Country ICB", 40)],
        Some(lead),
        12,
    )
    .await
    .unwrap();
    save_follow_ups(&store, org, &[follow("ID-1", 9)], Some(lead), 13)
        .await
        .unwrap();
    let r = records(&store, Some(org), None).await.unwrap();
    assert_eq!(r.activities[0].participants[3], 40);
    assert_eq!(r.follow_ups, vec![follow("ID-1", 9)]);

    // A follow-up of an unknown activity stores nothing, even beside a good one.
    let e = save_follow_ups(
        &store,
        org,
        &[follow("ID-1", 3), follow("NOPE", 3)],
        Some(lead),
        14,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StorageError::NotFound(_)), "{e:?}");
    assert_eq!(
        records(&store, Some(org), None).await.unwrap().follow_ups,
        vec![follow("ID-1", 9)]
    );

    // Another organisation with the same reference.
    let other = people::create_organisation(&store, "R2", "Other trust")
        .await
        .unwrap();
    let theirs = user(&store, other, "outreach@r2.test").await;
    save_activities(
        &store,
        other,
        &[activity("ID-1", "Humber ICB", 25)],
        Some(theirs),
        15,
    )
    .await
    .unwrap();
    assert_eq!(
        records(&store, Some(org), None)
            .await
            .unwrap()
            .activities
            .len(),
        1
    );
    let all = records(&store, None, None).await.unwrap();
    let mut refs: Vec<&str> = all
        .activities
        .iter()
        .map(|a| a.reference.as_str())
        .collect();
    refs.sort();
    assert_eq!(refs, vec!["R1/ID-1", "R2/ID-1"]);
    assert_eq!(all.follow_ups[0].activity, "R1/ID-1");
    let humber = records(&store, None, Some("Humber ICB")).await.unwrap();
    assert_eq!(humber.activities.len(), 1);
    assert!(humber.follow_ups.is_empty());
    assert_eq!(
        icbs(&store).await.unwrap(),
        vec!["Black Country ICB", "Humber ICB"]
    );
}
