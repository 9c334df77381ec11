//! The levy account on both databases: each file imported, read back as the
//! ledger reads it, re-imports replacing by month or id, audited, and a
//! failing import storing nothing.

#[macro_use]
mod common;

use common::{drop_database, fresh, ward};
use pathwise_domain::levy::{
    Apprenticeship, BreakInLearning, Month, OpeningFunds, PayrollMonth, PriceChange, Transfer,
};
use pathwise_storage::levy::{LevyFile, account, import, record_review, reviews};
use pathwise_storage::{Store, audit};

on_both!(
    each_file_is_stored_and_read_back_as_the_ledger_reads_it,
    a_failing_import_stores_nothing,
    progress_reviews_are_recorded_once_a_day_and_only_for_known_apprenticeships,
);

fn m(s: &str) -> Month {
    s.parse().unwrap()
}

fn apprenticeship(id: &str, price: i64) -> Apprenticeship {
    Apprenticeship {
        id: id.into(),
        standard: "ST0217".into(),
        start: m("2026-06"),
        planned_end: m("2028-06"),
        price_pence: price,
        age_at_start: 24,
        completed: None,
        withdrawn: None,
        break_in_learning: None,
        price_change: None,
    }
}

async fn each_file_is_stored_and_read_back_as_the_ledger_reads_it(store: Store) {
    let (org, boss, _) = ward(&store).await;
    assert!(account(&store, org).await.unwrap().is_empty());
    let pay = |month: &str, pence| PayrollMonth {
        month: m(month),
        pay_bill_pence: pence,
        english_basis_points: 9_250,
    };
    let mut with_everything = apprenticeship("A2", 800_000);
    with_everything.break_in_learning = Some(BreakInLearning {
        from: m("2026-09"),
        to: m("2026-12"),
    });
    with_everything.price_change = Some(PriceChange {
        from: m("2027-01"),
        price_pence: 900_000,
    });
    with_everything.withdrawn = Some(m("2027-06"));
    let transfer = Transfer {
        id: "T1".into(),
        partner: "Riverside Care Home".into(),
        standard: "ST0216".into(),
        start: m("2026-10"),
        planned_end: m("2027-10"),
        price_pence: 500_000,
        age_at_start: 34,
    };
    for file in [
        LevyFile::PayBill(vec![pay("2026-05", 2), pay("2026-04", 1)]),
        LevyFile::Apprenticeships(vec![apprenticeship("A1", 900_000), with_everything.clone()]),
        LevyFile::Transfers(vec![transfer.clone()]),
        LevyFile::OpeningFunds(vec![OpeningFunds {
            entered: m("2026-01"),
            amount_pence: 10_000,
        }]),
    ] {
        assert_eq!(
            import(&store, org, &file, Some(boss), 100).await.unwrap(),
            file.len()
        );
    }
    let a = account(&store, org).await.unwrap();
    assert_eq!(a.payroll, [pay("2026-04", 1), pay("2026-05", 2)]);
    assert_eq!(
        a.apprenticeships,
        [apprenticeship("A1", 900_000), with_everything]
    );
    assert_eq!(a.transfers, [transfer]);
    assert_eq!(a.opening.len(), 1);
    // A pay bill month and an apprenticeship id already stored are replaced;
    // opening funds are replaced as a whole.
    import(
        &store,
        org,
        &LevyFile::PayBill(vec![pay("2026-05", 7)]),
        None,
        101,
    )
    .await
    .unwrap();
    import(
        &store,
        org,
        &LevyFile::Apprenticeships(vec![apprenticeship("A1", 700_000)]),
        None,
        101,
    )
    .await
    .unwrap();
    import(
        &store,
        org,
        &LevyFile::OpeningFunds(vec![OpeningFunds {
            entered: m("2026-03"),
            amount_pence: 5,
        }]),
        None,
        101,
    )
    .await
    .unwrap();
    let a = account(&store, org).await.unwrap();
    assert_eq!(a.payroll[1].pay_bill_pence, 7);
    assert_eq!(a.apprenticeships.len(), 2);
    assert_eq!(a.apprenticeships[0].price_pence, 700_000);
    assert_eq!(
        a.opening,
        [OpeningFunds {
            entered: m("2026-03"),
            amount_pence: 5
        }]
    );
    let events = audit::list(
        &store,
        org,
        &audit::AuditFilter::action("levy.imported"),
        50,
        0,
    )
    .await
    .unwrap();
    let imported: Vec<&str> = events
        .iter()
        .filter(|e| e.action == "levy.imported")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(imported.len(), 7, "{imported:?}");
    assert!(
        imported.contains(&"apprenticeships: 2 rows"),
        "{imported:?}"
    );
}

async fn a_failing_import_stores_nothing(store: Store) {
    let (org, _, _) = ward(&store).await;
    let funds = |entered: &str, amount_pence| OpeningFunds {
        entered: m(entered),
        amount_pence,
    };
    import(
        &store,
        org,
        &LevyFile::OpeningFunds(vec![funds("2026-01", 100)]),
        None,
        1,
    )
    .await
    .unwrap();
    // The second row breaks a rule the database keeps: the first row and the
    // replacing of what was stored are undone with it.
    let bad = LevyFile::OpeningFunds(vec![funds("2026-02", 50), funds("2026-03", -1)]);
    assert!(import(&store, org, &bad, None, 2).await.is_err());
    assert_eq!(
        account(&store, org).await.unwrap().opening,
        [funds("2026-01", 100)]
    );
    let bad = LevyFile::Apprenticeships(vec![apprenticeship("A1", 1), apprenticeship("A2", 0)]);
    assert!(import(&store, org, &bad, None, 2).await.is_err());
    assert!(
        account(&store, org)
            .await
            .unwrap()
            .apprenticeships
            .is_empty()
    );
    let events = audit::list(
        &store,
        org,
        &audit::AuditFilter::action("levy.imported"),
        50,
        0,
    )
    .await
    .unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "levy.imported")
            .count(),
        1
    );
}

async fn progress_reviews_are_recorded_once_a_day_and_only_for_known_apprenticeships(store: Store) {
    let (org, _, _) = ward(&store).await;
    import(
        &store,
        org,
        &LevyFile::Apprenticeships(vec![apprenticeship("A1", 500_000)]),
        None,
        1,
    )
    .await
    .unwrap();
    let day = |s: &str| -> pathwise_domain::Date { s.parse().unwrap() };
    record_review(&store, org, "A1", day("2026-09-01"), None, 2)
        .await
        .unwrap();
    record_review(&store, org, "A1", day("2026-06-01"), None, 3)
        .await
        .unwrap();
    record_review(&store, org, "A1", day("2026-09-01"), None, 4)
        .await
        .unwrap();
    let held = reviews(&store, org).await.unwrap();
    assert_eq!(held["A1"], vec![day("2026-06-01"), day("2026-09-01")]);
    let e = record_review(&store, org, "NOPE", day("2026-09-01"), None, 5)
        .await
        .unwrap_err();
    assert!(
        matches!(e, pathwise_storage::StorageError::NotFound(_)),
        "{e:?}"
    );
    let events = audit::list(
        &store,
        org,
        &audit::AuditFilter::action("apprenticeship.reviewed"),
        50,
        0,
    )
    .await
    .unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(
        events[0].detail,
        "progress review of A1 on 1 September 2026"
    );
}
