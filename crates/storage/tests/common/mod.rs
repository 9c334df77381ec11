//! The storage test harness: a fresh database per test, on SQLite always
//! and on PostgreSQL when `PATHWISE_TEST_POSTGRES_URL` is set, and
//! `on_both!` to run each test on both.
#![allow(dead_code, reason = "each test file uses part of the harness")]

use pathwise_domain::{Catalogue, Date};
use pathwise_storage::people::{self, NewPerson};
use pathwise_storage::{Backend, Store, catalogue};

const CORE: &str = include_str!("../../../../catalogue/nhs-core.toml");

/// The shipped core career framework, its routes filled from the standards.
pub fn core_catalogue() -> Catalogue {
    let standards = pathwise_domain::standards::Standards::parse(include_str!(
        "../../../../catalogue/standards.toml"
    ))
    .unwrap();
    Catalogue::parse(CORE, &standards).unwrap()
}

/// A date written as people write it in tests.
pub fn date(s: &str) -> Date {
    s.parse().unwrap()
}

/// A fresh database, and for PostgreSQL the server URL and name to drop it by.
pub async fn fresh(backend: Backend) -> Option<(Store, Option<(String, String)>)> {
    let tag: u64 = rand::random();
    let url = match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("pathwise-test-{tag:016x}.sqlite"));
            format!("sqlite://{}", path.display())
        }
        Backend::Postgres => {
            #[allow(
                clippy::disallowed_methods,
                reason = "the test-suite's one setting: which PostgreSQL to use"
            )]
            let base = std::env::var("PATHWISE_TEST_POSTGRES_URL").ok()?;
            let admin = Store::connect(&base).await.expect("connect to PostgreSQL");
            let name = format!("pathwise_test_{tag:016x}");
            admin
                .execute_admin(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create database");
            admin.close().await;
            let (head, _) = base.rsplit_once('/').expect("database URL has a path");
            let url = format!("{head}/{name}");
            let store = Store::connect(&url).await.expect("connect");
            store.migrate().await.expect("migrate");
            return Some((store, Some((base, name))));
        }
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    Some((store, None))
}

/// Drops a PostgreSQL test database once its test has passed.
pub async fn drop_database(store: Store, cleanup: Option<(String, String)>) {
    store.close().await;
    if let Some((base, name)) = cleanup {
        let admin = Store::connect(&base).await.expect("connect to PostgreSQL");
        admin
            .execute_admin(&format!("DROP DATABASE {name}"))
            .await
            .expect("drop database");
        admin.close().await;
    }
}

/// An organisation with two sites (`ACU`, `COM`), a manager and two reports.
pub async fn ward(store: &Store) -> (i64, i64, Vec<i64>) {
    catalogue::replace_core(store, &core_catalogue())
        .await
        .unwrap();
    let org = people::create_organisation(store, "R1", "Rota trust")
        .await
        .unwrap();
    let acute = people::create_site(store, org, "ACU", "Acute", "Acute hospital")
        .await
        .unwrap();
    people::create_site(store, org, "COM", "Community", "Community services")
        .await
        .unwrap();
    let person = |name: &str, role: &str, manager_id| NewPerson {
        site_id: acute,
        name: name.into(),
        role_code: role.into(),
        role_started: date("2024-01-01"),
        manager_id,
        interests: vec![],
        assignment_number: None,
    };
    let boss = people::insert_people(store, org, &[person("Mo Ward", "ward-manager", None)])
        .await
        .unwrap()[0];
    let team = people::insert_people(
        store,
        org,
        &[
            person("Ada Early", "hcsw", Some(boss)),
            person("Ben Night", "hcsw", Some(boss)),
        ],
    )
    .await
    .unwrap();
    (org, boss, team)
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() {
                let (store, _) = super::fresh(pathwise_storage::Backend::Sqlite).await.unwrap();
                super::$name(store).await;
            })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                let Some((store, cleanup)) = super::fresh(pathwise_storage::Backend::Postgres).await else {
                    eprintln!("PATHWISE_TEST_POSTGRES_URL not set: PostgreSQL case not run");
                    return;
                };
                super::$name(store.clone()).await;
                super::drop_database(store, cleanup).await;
            })*
        }
    };
}
