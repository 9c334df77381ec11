//! HTTP tests: the real app on port 0 over a fresh SQLite file holding a small
//! demo trust, driven by a real HTTP client with a cookie jar.

use pathwise_demo::{DEMO_PASSWORD, DemoSpec};
use pathwise_storage::{Store, people};
use pathwise_web::{AppState, auth};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::Value;

struct TestApp {
    base: String,
    store: Store,
    learner_id: i64,
    manager_id: i64,
}

async fn spawn_app() -> TestApp {
    let tag: u64 = rand::random();
    let path = std::env::temp_dir().join(format!("pathwise-http-{tag:016x}.sqlite"));
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let hash = auth::hash_password(DEMO_PASSWORD).unwrap();
    let spec = DemoSpec {
        seed: 7,
        staff: 200,
        today: pathwise_web::today(),
    };
    let demo = pathwise_demo::build(&store, spec, &hash).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store.clone(), pathwise_web::default_assets_dir(), false);
    tokio::spawn(pathwise_web::serve(listener, state));
    TestApp {
        base,
        store,
        learner_id: demo.accounts[0].person_id.unwrap(),
        manager_id: demo.accounts[1].person_id.unwrap(),
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

impl TestApp {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn sign_in_as(
        &self,
        email: &str,
        password: &str,
    ) -> (reqwest::Client, reqwest::Response) {
        let c = client();
        let form = c
            .get(self.url("/sign-in"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&form, "csrf");
        let res = c
            .post(self.url("/sign-in"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        (c, res)
    }

    async fn signed_in(&self, who: &str) -> reqwest::Client {
        let (c, res) = self
            .sign_in_as(&format!("{who}@demo.pathwise.test"), DEMO_PASSWORD)
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign in as {who}");
        c
    }

    async fn post<T: serde::Serialize + ?Sized>(
        &self,
        c: &reqwest::Client,
        path: impl AsRef<str>,
        form: &T,
    ) -> reqwest::Response {
        c.post(self.url(path.as_ref()))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    async fn csrf_of(&self, c: &reqwest::Client, page: &str) -> String {
        hidden(
            &c.get(self.url(page))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
            "csrf",
        )
    }
}

async fn json(c: &reqwest::Client, url: String) -> (StatusCode, Value) {
    let res = c.get(url).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

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
    for _ in 0..auth::MAX_FAILURES {
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
async fn learner_gets_three_options_with_requirements_and_helpers() {
    let app = spawn_app().await;
    let c = app.signed_in("learner").await;
    let (status, doc) = json(&c, app.url("/api/v1/me/next-options")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["person"]["id"], app.learner_id);
    assert_eq!(doc["person"]["role"]["band"], "3");
    let options = doc["options"].as_array().unwrap();
    assert_eq!(options.len(), 3);
    for o in options {
        let r = o["readiness"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&r));
        assert!(!o["requirements"].as_array().unwrap().is_empty());
        assert!(o["requirements"][0]["met"].is_boolean());
        assert!(!o["helpers"].as_array().unwrap().is_empty());
        assert!(o["route"]["duration_months"].as_u64().unwrap() > 0);
    }
    let html = c
        .get(app.url("/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html.matches("data-option=").count(), 3);
}

#[tokio::test]
async fn manager_sees_exactly_the_learners_options() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let manager = app.signed_in("manager").await;
    let (_, own) = json(&learner, app.url("/api/v1/me/next-options")).await;
    let (status, seen) = json(
        &manager,
        app.url(&format!("/api/v1/people/{}/next-options", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own, seen);
}

#[tokio::test]
async fn a_learner_asking_for_another_record_gets_404_and_it_is_audited() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    for path in [
        format!("/api/v1/people/{}/next-options", app.manager_id),
        format!("/people/{}", app.manager_id),
        "/people/999999".to_string(),
    ] {
        let res = learner.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let page = learner
        .get(app.url(&format!("/people/{}", app.manager_id)))
        .send()
        .await
        .unwrap();
    assert!(
        page.text().await.unwrap().contains("Page not found"),
        "an HTML 404 page"
    );
    assert_eq!(
        learner.get(app.url("/team")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let admin = app.signed_in("admin").await;
    let csv = admin
        .get(app.url("/admin/audit.csv?action=access.denied"))
        .send()
        .await
        .unwrap();
    let text = csv.text().await.unwrap();
    assert!(
        text.contains(&format!("person:{}", app.manager_id)),
        "{text}"
    );
    assert!(text.contains("person:999999"));
}

#[tokio::test]
async fn another_organisations_admin_cannot_see_our_people() {
    let app = spawn_app().await;
    let org = people::create_organisation(&app.store, "OTHER", "Other trust")
        .await
        .unwrap();
    let hash = auth::hash_password("another-long-password").unwrap();
    pathwise_storage::accounts::create(
        &app.store,
        &pathwise_storage::accounts::NewAccount {
            org_id: org,
            person_id: None,
            email: "admin@other.test",
            display_name: "Other admin",
            password_hash: &hash,
            roles: &[
                pathwise_domain::AppRole::LdAdmin,
                pathwise_domain::AppRole::SystemAdmin,
            ],
        },
        0,
    )
    .await
    .unwrap();
    let (c, res) = app
        .sign_in_as("admin@other.test", "another-long-password")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = json(
        &c,
        app.url(&format!("/api/v1/people/{}/next-options", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Our own admin can.
    let ours = app.signed_in("admin").await;
    let (status, _) = json(
        &ours,
        app.url(&format!("/api/v1/people/{}/next-options", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_api_needs_a_session_or_token() {
    let app = spawn_app().await;
    let res = client()
        .get(app.url("/api/v1/me/next-options"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = client()
        .get(app.url("/api/v1/me/next-options"))
        .bearer_auth("pw_not_a_real_token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let page = client().get(app.url("/me")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn personal_api_tokens_work_until_revoked() {
    let app = spawn_app().await;
    let c = app.signed_in("learner").await;
    let csrf = app.csrf_of(&c, "/account/tokens").await;
    let html = app
        .post(
            &c,
            "/account/tokens",
            &[("csrf", csrf.as_str()), ("name", "my script")],
        )
        .await
        .text()
        .await
        .unwrap();
    let start = html.find("id=\"new-token\">").unwrap() + "id=\"new-token\">".len();
    let token = html[start..].split('<').next().unwrap().to_string();
    assert!(token.starts_with("pw_"));
    let fresh = client();
    let res = fresh
        .get(app.url("/api/v1/me/next-options"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Revoke it from the tokens page.
    let list = c
        .get(app.url("/account/tokens"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let action_at = list.find("/revoke").unwrap();
    let id_start = list[..action_at].rfind('/').unwrap() + 1;
    let id = &list[id_start..action_at];
    let res = app
        .post(
            &c,
            &format!("/account/tokens/{id}/revoke"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = fresh
        .get(app.url("/api/v1/me/next-options"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
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

fn role_form<'a>(csrf: &'a str, code: &'a str, band: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("code", code),
        ("title", "Discharge coordinator"),
        ("band", band),
        ("career_level", "4"),
        ("staff_group", "Central functions"),
        ("family", "administration"),
        ("clinical", "no"),
        ("site", ""),
    ]
}

#[tokio::test]
async fn an_ld_admin_adds_a_local_role_and_route_and_learners_cannot() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let csrf = app.csrf_of(&admin, "/catalogue").await;
    // A bad band is refused and named, a good role is added, the same code again is refused.
    for (band, expected) in [
        ("8", StatusCode::UNPROCESSABLE_ENTITY),
        ("4", StatusCode::SEE_OTHER),
        ("4", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let form = role_form(&csrf, "discharge-coordinator", band);
        let res = app.post(&admin, "/catalogue/roles", &form).await;
        assert_eq!(res.status(), expected, "band {band}");
        if band == "8" {
            let html = res.text().await.unwrap();
            assert!(html.contains("href=\"#band\""), "error links to the field");
        }
    }
    let res = app
        .post(
            &admin,
            "/catalogue/transitions",
            &[
                ("csrf", csrf.as_str()),
                ("from", "hcsw"),
                ("to", "discharge-coordinator"),
                ("helper", "team-leader"),
                ("route_name", "Trust discharge programme"),
                ("standard_code", ""),
                ("duration_months", "6"),
                (
                    "requirements",
                    "qualification: Care Certificate\nexperience: 12",
                ),
                ("site", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, roles) = json(&admin, app.url("/api/v1/roles")).await;
    assert!(
        roles
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "discharge-coordinator")
    );
    let detail = admin
        .get(app.url("/catalogue/roles/hcsw"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("Trust discharge programme"));

    let learner = app.signed_in("learner").await;
    let lcsrf = app.csrf_of(&learner, "/catalogue").await;
    let res = app
        .post(
            &learner,
            "/catalogue/roles",
            &role_form(&lcsrf, "sneaky-role", "4"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, roles) = json(&admin, app.url("/api/v1/roles")).await;
    assert!(
        !roles
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "sneaky-role")
    );
}

#[tokio::test]
async fn the_team_view_sorts_and_exports_csv() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager").await;
    let html = manager
        .get(app.url("/team?sort=readiness&dir=desc"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("data-person=\"{}\"", app.learner_id)));
    assert!(html.contains("aria-sort=\"descending\""));
    let res = manager
        .get(app.url("/team.csv?sort=band&dir=asc"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let text = res.text().await.unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(rows.len() >= 5, "a whole team");
    assert!(rows.iter().any(|r| r[0] == app.learner_id.to_string()));
    let bands: Vec<f64> = rows
        .iter()
        .map(|r| r[3].parse::<pathwise_domain::Band>().unwrap().rank())
        .collect();
    assert!(
        bands.windows(2).all(|w| w[0] <= w[1]),
        "sorted by band: {bands:?}"
    );
}

#[tokio::test]
async fn a_person_with_no_routes_gets_an_honest_empty_state() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (_, me) = json(&admin, app.url("/api/v1/me/next-options")).await;
    // The L&D lead's own role has no routes on in the core framework.
    assert_eq!(me["options"].as_array().unwrap().len(), 0);
    let html = admin.get(app.url("/me")).send().await.unwrap();
    assert_eq!(html.status(), StatusCode::OK);
    assert!(html.text().await.unwrap().contains("id=\"no-options\""));

    // Adding a local route shows at once, although the framework was cached.
    let csrf = app.csrf_of(&admin, "/catalogue").await;
    let res = app
        .post(
            &admin,
            "/catalogue/transitions",
            &[
                ("csrf", csrf.as_str()),
                ("from", "ld-lead"),
                ("to", "service-manager"),
                ("helper", ""),
                ("route_name", "Senior leadership programme"),
                ("standard_code", "ST0385"),
                ("duration_months", "24"),
                ("requirements", "experience: 12"),
                ("site", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, me) = json(&admin, app.url("/api/v1/me/next-options")).await;
    let options = me["options"].as_array().unwrap();
    assert_eq!(options.len(), 1);
    assert_eq!(options[0]["role"]["code"], "service-manager");
    assert_eq!(options[0]["route"]["standard_code"], "ST0385");
    assert_eq!(
        options[0]["route"]["confirmed"], false,
        "local routes are unconfirmed"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_next_options_endpoints() {
    let app = spawn_app().await;
    let (status, doc) = json(&client(), app.url("/api/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/api/v1/me/next-options"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/people/{id}/next-options"]["get"].is_object());
    assert!(doc["components"]["schemas"]["NextOptionsDoc"].is_object());
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
async fn an_ld_admin_changes_a_local_role_and_removes_a_local_route() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let csrf = app.csrf_of(&admin, "/catalogue").await;
    let form = role_form(&csrf, "discharge-coordinator", "4");
    assert_eq!(
        app.post(&admin, "/catalogue/roles", &form).await.status(),
        StatusCode::SEE_OTHER
    );
    let route = [
        ("csrf", csrf.as_str()),
        ("from", "discharge-coordinator"),
        ("to", "team-leader"),
        ("helper", ""),
        ("route_name", "Flow team leadership"),
        ("standard_code", ""),
        ("duration_months", "6"),
        ("requirements", "experience: 12"),
        ("site", ""),
    ];
    assert_eq!(
        app.post(&admin, "/catalogue/transitions", &route)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // Change the title; a bad level is refused and named.
    let mut edit: Vec<(&str, &str)> = role_form(&csrf, "ignored", "5");
    edit.retain(|(k, _)| *k != "code" && *k != "title");
    edit.push(("title", "Patient flow coordinator"));
    edit.retain(|(k, _)| *k != "career_level");
    edit.push(("career_level", "12"));
    let res = app
        .post(&admin, "/catalogue/roles/discharge-coordinator", &edit)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#career_level\""));
    edit.retain(|(k, _)| *k != "career_level");
    edit.push(("career_level", "4"));
    let res = app
        .post(&admin, "/catalogue/roles/discharge-coordinator", &edit)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, roles) = json(&admin, app.url("/api/v1/roles")).await;
    let changed = roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "discharge-coordinator")
        .unwrap();
    assert_eq!(changed["title"], "Patient flow coordinator");
    assert_eq!(changed["band"], "5");

    // Core roles cannot be changed.
    let res = app.post(&admin, "/catalogue/roles/hcsw", &edit).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Remove the local route from the role page; it is gone and audited.
    let page = admin
        .get(app.url("/catalogue/roles/discharge-coordinator"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = page
        .find("/remove\"")
        .expect("a remove button for the local route");
    let id = &page[page[..at].rfind('/').unwrap() + 1..at];
    let res = app
        .post(
            &admin,
            format!("/catalogue/transitions/{id}/remove"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = admin
        .get(app.url("/catalogue/roles/discharge-coordinator"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Flow team leadership"));
    let audit = admin
        .get(app.url("/admin/audit.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("catalogue.transition_removed"));
    assert!(audit.contains("catalogue.role_changed"));
}
