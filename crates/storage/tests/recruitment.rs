//! Recruitment counts on both databases: a period saved and read back, a
//! period imported again replaced, another organisation's never listed, and
//! every import audited.

#[macro_use]
mod common;

use common::{drop_database, fresh, ward};
use pathwise_domain::outcomes::recruitment::Recruitment;
use pathwise_storage::recruitment::{periods, save};
use pathwise_storage::{Store, audit, people};

on_both!(periods_are_saved_replaced_and_kept_to_their_organisation,);

async fn periods_are_saved_replaced_and_kept_to_their_organisation(store: Store) {
    let (org, _, _) = ward(&store).await;
    let counts = Recruitment {
        white_shortlisted: 100,
        white_appointed: 40,
        bme_shortlisted: 80,
        bme_appointed: 20,
    };
    save(&store, org, None, "2025/26", &counts, 450, 100)
        .await
        .unwrap();
    save(&store, org, None, "2024/25", &counts, 300, 200)
        .await
        .unwrap();
    let again = Recruitment {
        bme_appointed: 25,
        ..counts
    };
    save(&store, org, None, "2025/26", &again, 460, 300)
        .await
        .unwrap();
    let got = periods(&store, org).await.unwrap();
    let names: Vec<&str> = got.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(names, ["2025/26", "2024/25"], "the latest import first");
    assert_eq!(got[0].counts, again);
    assert_eq!((got[0].applicants, got[0].imported_at), (460, 300));
    let other = people::create_organisation(&store, "OTH", "Other Trust")
        .await
        .unwrap();
    assert!(periods(&store, other).await.unwrap().is_empty());
    let trail = audit::list(&store, org, &audit::AuditFilter::default(), 50, 0)
        .await
        .unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|e| e.action == "recruitment.imported")
            .count(),
        3
    );
}
