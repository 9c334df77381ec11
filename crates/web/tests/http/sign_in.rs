//! Signing in and out, throttling, cookies and CSRF.

use crate::support::*;

#[tokio::test]
async fn health_answers_without_sign_in() {
    let app = spawn_app().await;
    let (status, body) = json(&client(), app.url("/healthz")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn a_wrong_password_shows_an_error_and_sets_no_session() {
    let app = spawn_app().await;
    let (c, res) = app
        .sign_in_as("learner@demo.pathwise.test", "not-the-password")
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert!(html.contains("nhsuk-error-summary"), "error summary shown");
    assert!(html.contains("email address or password is not right"));
    let me = c.get(app.url("/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::SEE_OTHER, "still signed out");
}

#[tokio::test]
async fn a_sign_in_without_the_form_token_is_refused() {
    let app = spawn_app().await;
    let res = client()
        .post(app.url("/sign-in"))
        .form(&[
            ("email", "learner@demo.pathwise.test"),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn repeated_failures_throttle_sign_in_even_with_the_right_password() {
    let app = spawn_app().await;
    for _ in 0..pathwise_domain::throttle::PER_CLIENT_AND_EMAIL {
        let (_, res) = app
            .sign_in_as("manager@demo.pathwise.test", "wrong-password")
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let (_, res) = app
        .sign_in_as("manager@demo.pathwise.test", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Too many failed attempts")
    );
}

#[tokio::test]
async fn session_cookie_is_http_only_and_same_site() {
    let app = spawn_app().await;
    let (_, res) = app
        .sign_in_as("learner@demo.pathwise.test", DEMO_PASSWORD)
        .await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("pathwise_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let res = app
        .post(
            &admin,
            "/catalogue/roles",
            &[("code", "x-role"), ("title", "X")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = spawn_app().await;
    let c = app.signed_in("learner").await;
    let csrf = app.csrf_of(&c, "/me").await;
    let res = app.post(&c, "/sign-out", &[("csrf", csrf.as_str())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(app.url("/api/v1/me/next-options"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_provider_button_shows_only_when_set_and_a_stray_callback_is_refused() {
    let app = spawn_app().await;
    let c = client();
    let (_, html) = app.page(&c, "/sign-in").await;
    assert!(!html.contains("Sign in with your organisation account"));
    let org = people::organisation_by_code(&app.store, "DEMO")
        .await
        .unwrap()
        .unwrap()
        .0;
    pathwise_storage::identity_providers::set_provider(
        &app.store,
        org,
        &pathwise_storage::identity_providers::ProviderDraft {
            issuer: "http://127.0.0.1:9/not-running".into(),
            client_id: "pathwise".into(),
            client_secret_file: "/nonexistent".into(),
            email_claim: "email".into(),
        },
        None,
        1,
    )
    .await
    .unwrap();
    let (_, html) = app.page(&c, "/sign-in").await;
    assert!(html.contains("href=\"/sign-in/with/DEMO\""), "{html}");
    assert!(html.contains("Sign in with your organisation account"));
    // A second organisation with its own provider: a button each, by name.
    let other = people::create_organisation(&app.store, "RYY", "Other Community Trust")
        .await
        .unwrap();
    pathwise_storage::identity_providers::set_provider(
        &app.store,
        other,
        &pathwise_storage::identity_providers::ProviderDraft {
            issuer: "http://127.0.0.1:9/other".into(),
            client_id: "pathwise-ryy".into(),
            client_secret_file: "/nonexistent".into(),
            email_claim: "upn".into(),
        },
        None,
        2,
    )
    .await
    .unwrap();
    let (_, html) = app.page(&c, "/sign-in").await;
    assert!(
        html.contains("Sign in with your Other Community Trust account"),
        "{html}"
    );
    assert!(html.contains("href=\"/sign-in/with/RYY\""));
    assert!(!html.contains("Sign in with your organisation account"));
    let (status, _) = app.page(&c, "/sign-in/with/NOPE").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A provider that cannot be reached: a page saying so, not an error.
    let (status, html) = app.page(&c, "/sign-in/with/DEMO").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Sign-in is not available"), "{html}");
    // A callback this browser did not start (no state cookie) signs nobody in.
    let (status, html) = app.page(&c, "/sign-in/callback?code=abc&state=def").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Your sign-in had expired"));
    let res = c
        .get(app.url("/sign-in/callback?code=abc&state=def"))
        .header("Cookie", "pathwise_provider_state=def")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "a state the server never issued"
    );
    let (_, me) = app.page(&c, "/me").await;
    assert!(!me.contains("Sign out"));
}

#[tokio::test]
async fn only_a_system_admin_sets_the_provider_and_each_problem_is_named() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let (status, _) = app.page(&learner, "/admin/sign-in").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let admin = app.signed_in("admin").await;
    let (status, html) = app.page(&admin, "/admin/sign-in").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Staff sign in with a Pathwise password."));
    assert!(
        html.contains("/sign-in/callback</code>"),
        "the address to register"
    );
    let csrf = hidden(&html, "csrf");
    let res = app
        .post(
            &admin,
            "/admin/sign-in",
            &[
                ("csrf", csrf.as_str()),
                ("issuer", "http://login.example.nhs.uk"),
                ("client_id", ""),
                ("client_secret_file", "relative/path"),
                ("email_claim", "email"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Enter the issuer as an https:// address"),
        "{html}"
    );
    assert!(
        html.contains("Enter Pathwise&#39;s client id at the provider"),
        "{html}"
    );
    assert!(
        html.contains("value=\"relative/path\""),
        "what was typed stays"
    );
    // A secret file that cannot be read, then a provider that does not answer.
    let secret = std::env::temp_dir().join(format!("pathwise-secret-{}", rand::random::<u64>()));
    let form = |file: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("issuer", "http://127.0.0.1:9/nothing-here".to_string()),
            ("client_id", "pathwise".to_string()),
            ("client_secret_file", file.to_string()),
            ("email_claim", "email".to_string()),
        ]
    };
    let res = app
        .post(&admin, "/admin/sign-in", &form(&secret.to_string_lossy()))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Pathwise cannot read a secret from")
    );
    std::fs::write(&secret, "s3cret\n").unwrap();
    let res = app
        .post(&admin, "/admin/sign-in", &form(&secret.to_string_lossy()))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("could not read the provider&#39;s settings at http://127.0.0.1:9/nothing-here/.well-known/openid-configuration")
    );
    assert!(
        pathwise_storage::identity_providers::providers(&app.store)
            .await
            .unwrap()
            .is_empty(),
        "nothing saved"
    );
    std::fs::remove_file(secret).unwrap();
}
