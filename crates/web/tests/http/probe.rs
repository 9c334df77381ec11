//! What an outside probe of every route found, each pinned by a test that
//! failed before its fix: self-decisions by accounts without a staff record,
//! the loser of two decisions at once, sign-in throttling per client, API
//! tokens on pages, and page numbers that overflowed.

use crate::support::*;

/// A client whose connections come from `address` (any of 127.0.0.0/8).
fn client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .local_address(address.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

impl TestApp {
    pub async fn org_id(&self) -> i64 {
        people::person(&self.store, self.learner_id)
            .await
            .unwrap()
            .unwrap()
            .org_id
    }

    async fn observation_by(&self, c: &reqwest::Client, title: &str) -> i64 {
        let before = self.evidence_ids().await;
        let res = self
            .submit_evidence(
                c,
                self.learner_id,
                &[
                    ("kind", "observation"),
                    ("criteria", "communication"),
                    ("title", title),
                    ("body", "Handed over clearly and checked understanding."),
                ],
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "observation recorded");
        let after = self.evidence_ids().await;
        *after.iter().find(|id| !before.contains(id)).unwrap()
    }
}

#[tokio::test]
async fn an_admin_without_a_staff_record_cannot_accept_evidence_they_added() {
    let app = spawn_app().await;
    let org = app.org_id().await;
    let admin = app
        .account(
            org,
            None,
            "cli-admin@demo.pathwise.test",
            &[AppRole::LdAdmin, AppRole::SystemAdmin],
        )
        .await;
    let id = app.observation_by(&admin, "Observed by the admin").await;
    let (_, html) = app.page(&admin, &format!("/evidence/{id}")).await;
    assert!(
        html.contains("id=\"decide-blocked\""),
        "the admin is told to ask another assessor"
    );
    let csrf = app.csrf_of(&admin, "/inbox").await;
    let res = app
        .post(
            &admin,
            format!("/evidence/{id}/decision"),
            &[("csrf", csrf.as_str()), ("outcome", "accept")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e = pathways::evidence(&app.store, id).await.unwrap().unwrap();
    assert_eq!(
        e.status,
        pathwise_domain::evidence::EvidenceStatus::Waiting,
        "nothing was signed off"
    );
    // Another assessor may decide on it.
    let demo_admin = app.signed_in("admin").await;
    let csrf = app.csrf_of(&demo_admin, "/inbox").await;
    let res = app
        .post(
            &demo_admin,
            format!("/evidence/{id}/decision"),
            &[("csrf", csrf.as_str()), ("outcome", "accept")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn of_two_decisions_at_once_one_wins_and_the_other_is_told_so_not_a_500() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let manager = app.signed_in("manager").await;
    let admin = app.signed_in("admin").await;
    let manager_csrf = app.csrf_of(&manager, "/inbox").await;
    let admin_csrf = app.csrf_of(&admin, "/inbox").await;
    for round in 0..6 {
        let before = app.evidence_ids().await;
        let res = app
            .submit_evidence(
                &learner,
                app.learner_id,
                &[
                    ("kind", "reflection"),
                    ("criteria", "communication"),
                    ("title", &format!("Reflection {round}")),
                    ("body", "What I learned from the handover."),
                ],
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let id = *app
            .evidence_ids()
            .await
            .iter()
            .find(|id| !before.contains(id))
            .unwrap();
        let path = format!("/evidence/{id}/decision");
        let accepting = [("csrf", manager_csrf.as_str()), ("outcome", "accept")];
        let returning = [
            ("csrf", admin_csrf.as_str()),
            ("outcome", "return"),
            ("feedback", "Say more about the escalation"),
        ];
        let (a, b) = tokio::join!(
            app.post(&manager, &path, &accepting),
            app.post(&admin, &path, &returning),
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY],
            "round {round}: one decision stands, the other is refused"
        );
        let loser = if a.status() == StatusCode::SEE_OTHER {
            b
        } else {
            a
        };
        assert!(
            loser.text().await.unwrap().contains("already been decided"),
            "round {round}: the loser is told why"
        );
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_out_only_the_client_that_sent_them() {
    let app = spawn_app().await;
    let email = "learner@demo.pathwise.test";
    let failing = client_from("127.0.0.2");
    for _ in 0..pathwise_domain::throttle::PER_CLIENT_AND_EMAIL {
        let res = app.sign_in_with(&failing, email, "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app.sign_in_with(&failing, email, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let elsewhere = client_from("127.0.0.3");
    let res = app.sign_in_with(&elsewhere, email, DEMO_PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the learner still signs in from their own device"
    );
}

#[tokio::test]
async fn one_client_cannot_try_unlimited_emails() {
    let app = spawn_app().await;
    let spraying = client_from("127.0.0.4");
    for i in 0..pathwise_domain::throttle::PER_CLIENT {
        let res = app
            .sign_in_with(
                &spraying,
                &format!("guess{i}@demo.pathwise.test"),
                "password1",
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app
        .sign_in_with(&spraying, "manager@demo.pathwise.test", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = app
        .sign_in_with(
            &client_from("127.0.0.5"),
            "manager@demo.pathwise.test",
            DEMO_PASSWORD,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn personal_api_tokens_open_the_api_only_not_pages_or_files() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let res = app
        .submit_evidence(
            &learner,
            app.learner_id,
            &[
                ("kind", "file"),
                ("criteria", "communication"),
                ("title", "Feedback letter"),
            ],
            Some(("letter.pdf", b"%PDF-1.4\nfeedback".to_vec())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let file_id = *app.evidence_ids().await.last().unwrap();
    let token = app.new_token(&learner, "probe").await;
    let bare = client();
    let api = bare
        .get(app.url("/api/v1/me/next-options"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::OK, "the API takes the token");
    for page in [
        "/me".to_string(),
        format!("/people/{}/pathway", app.learner_id),
        format!("/evidence/{file_id}/file"),
        "/account/tokens".to_string(),
    ] {
        let res = bare
            .get(app.url(&page))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(location(&res), "/sign-in", "{page} asks for a sign-in");
    }
}

#[tokio::test]
async fn huge_page_numbers_give_a_last_page_not_a_negative_link() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager").await;
    let admin = app.signed_in("admin").await;
    let huge = i64::MAX;
    for (c, path) in [
        (&manager, format!("/inbox?page={huge}")),
        (&manager, format!("/team/progress?page={huge}")),
        (&admin, format!("/admin/audit?page={huge}")),
        (&admin, format!("/admin/enrolments?page={huge}")),
        (&admin, format!("/catalogue?page={huge}")),
    ] {
        let (status, html) = app.page(c, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!html.contains("page=-"), "{path}: no negative page link");
    }
    let (status, body) = json(&manager, app.url(&format!("/api/v1/inbox?offset={huge}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["fields"]["offset"]
            .as_str()
            .unwrap()
            .contains("offset from 0 to")
    );
    let (status, body) = json(&manager, app.url("/api/v1/inbox?limit=0&offset=-1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["fields"]["limit"].is_string(),
        "every field at once: {body}"
    );
    assert!(body["fields"]["offset"].is_string(), "{body}");
}

#[tokio::test]
async fn a_review_form_reports_every_field_at_once_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager").await;
    let page = format!("/people/{}/pathway", app.learner_id);
    let csrf = app.csrf_of(&manager, &page).await;
    let res = app
        .post(
            &manager,
            format!("/people/{}/reviews", app.learner_id),
            &[
                ("csrf", csrf.as_str()),
                ("held_on", "1999-01-01"),
                ("progress", ""),
                ("actions", "Book the observation <soon>"),
                ("rating", "9"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for message in [
        "The review date must be between the enrolment",
        "Say what progress was discussed",
        "Choose a rating from 1 to 5",
    ] {
        assert!(html.contains(message), "{message}");
    }
    for field in ["#held_on", "#progress", "#rating"] {
        assert!(
            html.contains(&format!("href=\"{field}\"")),
            "summary links to {field}"
        );
    }
    assert!(
        html.contains("Book the observation &#60;soon&#62;"),
        "what was typed stays"
    );
}
