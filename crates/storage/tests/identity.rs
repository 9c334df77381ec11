//! Single sign-on's storage on both databases: an organisation's provider
//! is set, replaced and audited; a sign-in on its way through a provider is
//! taken once and not after it expires; and a leaver's accounts may not
//! sign in from the day they leave.

#[macro_use]
mod common;

use common::{date, drop_database, fresh, ward};
use pathwise_domain::AppRole;
use pathwise_storage::identity_providers::{self as idp, PendingSignIn, ProviderDraft};
use pathwise_storage::{StorageError, Store, accounts, audit, people};

on_both!(
    a_provider_is_set_replaced_and_audited,
    a_pending_sign_in_is_taken_once_and_expires,
    a_leaver_may_not_sign_in_from_the_day_they_leave,
);

fn settings(issuer: &str, claim: &str) -> ProviderDraft {
    ProviderDraft {
        issuer: issuer.into(),
        client_id: "pathwise".into(),
        client_secret_file: "/run/secrets/pathwise-oidc".into(),
        email_claim: claim.into(),
    }
}

async fn a_provider_is_set_replaced_and_audited(store: Store) {
    let (org, _, _) = ward(&store).await;
    assert!(idp::providers(&store).await.unwrap().is_empty());
    idp::set_provider(
        &store,
        org,
        &settings("https://login.example/one", "email"),
        None,
        10,
    )
    .await
    .unwrap();
    idp::set_provider(
        &store,
        org,
        &settings("https://login.example/two", "upn"),
        None,
        11,
    )
    .await
    .unwrap();
    let all = idp::providers(&store).await.unwrap();
    assert_eq!(all.len(), 1, "one provider per organisation");
    assert_eq!(all[0].issuer, "https://login.example/two");
    assert_eq!(all[0].email_claim, "upn");
    assert_eq!(all[0].org_code, "R1");
    assert_eq!(idp::provider_for(&store, "R1").await.unwrap(), all[0]);
    assert!(matches!(
        idp::provider_for(&store, "NOPE").await,
        Err(StorageError::NotFound(_))
    ));
    let trail = audit::list(
        &store,
        org,
        &audit::AuditFilter::action("identity_provider.set"),
        10,
        0,
    )
    .await
    .unwrap();
    assert_eq!(trail.len(), 2);
}

async fn a_pending_sign_in_is_taken_once_and_expires(store: Store) {
    let (org, _, _) = ward(&store).await;
    let pending = PendingSignIn {
        org_id: org,
        nonce: "n-1".into(),
        pkce_verifier: "v-1".into(),
    };
    idp::begin_sign_in(&store, "state-1", &pending, 100, 700)
        .await
        .unwrap();
    idp::begin_sign_in(&store, "state-2", &pending, 100, 700)
        .await
        .unwrap();
    assert_eq!(
        idp::take_sign_in(&store, "state-1", 200).await.unwrap(),
        Some(pending.clone())
    );
    assert_eq!(
        idp::take_sign_in(&store, "state-1", 201).await.unwrap(),
        None,
        "used once"
    );
    assert_eq!(
        idp::take_sign_in(&store, "state-2", 700).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        idp::take_sign_in(&store, "unknown", 200).await.unwrap(),
        None
    );
}

async fn a_leaver_may_not_sign_in_from_the_day_they_leave(store: Store) {
    let (org, _, team) = ward(&store).await;
    accounts::create(
        &store,
        &accounts::NewAccount {
            org_id: org,
            person_id: Some(team[0]),
            email: "ada@trust.example",
            display_name: "Ada",
            password_hash: "x",
            roles: &[AppRole::Learner],
        },
        1,
    )
    .await
    .unwrap();
    let before = accounts::by_email(&store, "ada@trust.example")
        .await
        .unwrap()
        .unwrap();
    assert!(before.may_sign_in(date("2026-12-02")));
    people::record_leaving(&store, org, team[0], date("2026-12-31"), None, 5)
        .await
        .unwrap();
    let after = accounts::by_email(&store, "ada@trust.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.left_on, Some(date("2026-12-31")));
    assert!(after.may_sign_in(date("2026-12-30")));
    assert!(!after.may_sign_in(date("2026-12-31")));
    let other = people::create_organisation(&store, "R9", "Elsewhere")
        .await
        .unwrap();
    assert!(matches!(
        people::record_leaving(&store, other, team[1], date("2026-12-31"), None, 6).await,
        Err(StorageError::NotFound(_))
    ));
}
