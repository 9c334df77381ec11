//! Saved training places simulations on both databases: saved with their
//! trusts and read back exactly, listed per organisation, another
//! organisation's not found, deleted with their trusts, and audited.

#[macro_use]
mod common;

use common::{drop_database, fresh, ward};
use pathwise_domain::AppRole;
use pathwise_domain::frontier::Trust;
use pathwise_storage::accounts::{self, NewAccount};
use pathwise_storage::place_simulations::{NewSimulation, delete, get, list, save};
use pathwise_storage::{Store, audit, people};

on_both!(a_simulation_is_saved_read_back_listed_and_deleted,);

fn trust(code: &str, region: &str, rate: f64, max_places: Option<u32>) -> Trust {
    Trust {
        org_code: code.into(),
        region: region.into(),
        trust_type: "acute".into(),
        support_workers: 850,
        vacancies: 425_000,
        transition_rate: rate,
        max_places,
        completion: max_places.map(|_| 9_000),
    }
}

async fn a_simulation_is_saved_read_back_listed_and_deleted(store: Store) {
    let (org, boss, _) = ward(&store).await;
    let user = accounts::create(
        &store,
        &NewAccount {
            org_id: org,
            person_id: Some(boss),
            email: "analyst@example.org",
            display_name: "Ana Lyst",
            password_hash: "x",
            roles: &[AppRole::Analyst],
        },
        1,
    )
    .await
    .unwrap();
    let trusts = vec![
        trust("RXX", "London", 0.0342, None),
        // A rate that is not a short decimal reads back exactly.
        trust("RYY", "North West", 1.0 / 3.0, Some(40)),
    ];
    let id = save(
        &store,
        org,
        user,
        &NewSimulation {
            name: "Spring bid",
            places: 120,
            completion: 8_500,
            trusts: &trusts,
        },
        1_000,
    )
    .await
    .unwrap();
    let second = save(
        &store,
        org,
        user,
        &NewSimulation {
            name: "Autumn bid",
            places: 60,
            completion: 9_000,
            trusts: &trusts[..1],
        },
        2_000,
    )
    .await
    .unwrap();

    let sim = get(&store, org, id).await.unwrap().unwrap();
    assert_eq!(sim.trusts, trusts);
    assert_eq!(sim.summary.name, "Spring bid");
    assert_eq!(sim.summary.places, 120);
    assert_eq!(sim.summary.completion, 8_500);
    assert_eq!(sim.summary.trusts, 2);
    assert_eq!(sim.summary.saved_by, "Ana Lyst");

    let listed: Vec<i64> = list(&store, org)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(listed, vec![second, id], "newest first");

    let other = people::create_organisation(&store, "R2", "Other trust")
        .await
        .unwrap();
    assert!(get(&store, other, id).await.unwrap().is_none());
    assert!(list(&store, other).await.unwrap().is_empty());
    assert!(!delete(&store, other, id, user, 3_000).await.unwrap());

    assert!(delete(&store, org, id, user, 3_000).await.unwrap());
    assert!(get(&store, org, id).await.unwrap().is_none());
    assert!(!delete(&store, org, id, user, 3_000).await.unwrap());
    assert_eq!(
        get(&store, org, second)
            .await
            .unwrap()
            .unwrap()
            .trusts
            .len(),
        1
    );

    for (action, n, detail) in [
        ("simulation.saved", 2, "Autumn bid: 60 places among 1 trust"),
        ("simulation.deleted", 1, "Spring bid"),
    ] {
        let events = audit::list(&store, org, &audit::AuditFilter::action(action), 50, 0)
            .await
            .unwrap();
        assert_eq!(events.len(), n, "{action}");
        assert_eq!(events[0].detail, detail);
        assert_eq!(events[0].user_id, Some(user));
    }
}
