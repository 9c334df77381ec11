//! HTTP tests: the real app on port 0 over a fresh SQLite file holding a small
//! demo trust, driven by a real HTTP client with a cookie jar.

use pathwise_demo::{DEMO_PASSWORD, DemoSpec};
use pathwise_domain::AppRole;
use pathwise_storage::files::FileStore;
use pathwise_storage::{Store, audit, pathways, people};
use pathwise_web::{AppState, auth};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::Value;

struct TestApp {
    base: String,
    store: Store,
    files: FileStore,
    learner_id: i64,
    manager_id: i64,
}

/// The upload limit the test app runs with.
const UPLOAD_LIMIT: u64 = 256 * 1024;

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
    let files =
        FileStore::new(std::env::temp_dir().join(format!("pathwise-http-{tag:016x}-uploads")));
    let state = AppState::new(store.clone(), pathwise_web::default_assets_dir(), false)
        .with_uploads(files.clone(), UPLOAD_LIMIT);
    tokio::spawn(pathwise_web::serve(listener, state));
    TestApp {
        base,
        store,
        files,
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

impl TestApp {
    /// Adds an account and signs it in.
    async fn account(
        &self,
        org_id: i64,
        person_id: Option<i64>,
        email: &str,
        roles: &[AppRole],
    ) -> reqwest::Client {
        let hash = auth::hash_password("another-long-password").unwrap();
        pathwise_storage::accounts::create(
            &self.store,
            &pathwise_storage::accounts::NewAccount {
                org_id,
                person_id,
                email,
                display_name: email,
                password_hash: &hash,
                roles,
            },
            0,
        )
        .await
        .unwrap();
        let (c, res) = self.sign_in_as(email, "another-long-password").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign in as {email}");
        c
    }

    /// An L&D admin of another organisation, signed in.
    async fn other_organisation_admin(&self) -> reqwest::Client {
        let org = people::create_organisation(&self.store, "OTHER", "Other trust")
            .await
            .unwrap();
        self.account(
            org,
            None,
            "admin@other.test",
            &[AppRole::LdAdmin, AppRole::SystemAdmin],
        )
        .await
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
    let c = app.other_organisation_admin().await;
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
    for path in [
        "/api/v1/me/pathway",
        "/api/v1/people/{id}/pathway",
        "/api/v1/inbox",
        "/api/v1/team/progress",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} described");
    }
    assert!(doc["components"]["schemas"]["PathwayDoc"].is_object());
    assert!(doc["components"]["schemas"]["InboxDoc"].is_object());
}

#[tokio::test]
async fn the_api_answers_pathways_inbox_and_team_progress_under_the_same_rules() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let (status, doc) = json(&learner, app.url("/api/v1/me/pathway")).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(doc["person_id"], app.learner_id);
    assert_eq!(doc["current_stage"], 2);
    assert_eq!(doc["status"], "red", "communication is overdue");
    assert_eq!(doc["stages"].as_array().unwrap().len(), 4);
    let communication = doc["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "communication")
        .unwrap();
    assert_eq!(communication["signed_off"], false);
    assert_eq!(communication["overdue"], true);
    // The same answer as the page's standing: the numbers agree.
    let (_, html) = app
        .page(&learner, &format!("/people/{}/pathway", app.learner_id))
        .await;
    let stage2 = &doc["stages"][1];
    assert!(html.contains(&format!(
        "{} of {} required criteria signed off",
        stage2["signed_off"], stage2["required"]
    )));
    // A learner has no inbox and no team; a colleague's pathway is not theirs.
    let (status, _) = json(&learner, app.url("/api/v1/inbox")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = json(&learner, app.url("/api/v1/team/progress")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (colleague_id, colleague) = app.colleague().await;
    let (status, _) = json(
        &colleague,
        app.url(&format!("/api/v1/people/{}/pathway", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let manager = app.signed_in("manager").await;
    let (status, doc) = json(
        &manager,
        app.url(&format!("/api/v1/people/{}/pathway", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["person_id"], app.learner_id);
    let (status, inbox) = json(&manager, app.url("/api/v1/inbox?limit=5")).await;
    assert_eq!(status, StatusCode::OK);
    let total = inbox["total"].as_i64().unwrap();
    assert!(inbox["items"].as_array().unwrap().len() <= 5);
    let (_, page) = app.page(&manager, "/inbox").await;
    assert!(
        page.contains(&format!("{total} waiting")),
        "the page agrees"
    );
    let (_, filtered) = json(
        &manager,
        app.url(&format!("/api/v1/inbox?learner={colleague_id}")),
    )
    .await;
    assert!(
        filtered["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["person_id"] == colleague_id)
    );
    let (status, _) = json(&manager, app.url("/api/v1/inbox?limit=0")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, team) = json(&manager, app.url("/api/v1/team/progress")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        team.as_array()
            .unwrap()
            .iter()
            .any(|r| r["person_id"] == app.learner_id && r["status"] == "red")
    );

    // Another organisation sees nothing of ours.
    let other = app.other_organisation_admin().await;
    let (status, _) = json(
        &other,
        app.url(&format!("/api/v1/people/{}/pathway", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
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

// ---- pathways ------------------------------------------------------------------

impl TestApp {
    async fn page(&self, c: &reqwest::Client, path: &str) -> (StatusCode, String) {
        let res = c.get(self.url(path)).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }

    /// Submits the evidence form as multipart; returns the response.
    async fn submit_evidence(
        &self,
        c: &reqwest::Client,
        person: i64,
        fields: &[(&str, &str)],
        file: Option<(&str, Vec<u8>)>,
    ) -> reqwest::Response {
        let csrf = self
            .csrf_of(c, &format!("/people/{person}/evidence/new"))
            .await;
        let mut form = reqwest::multipart::Form::new().text("csrf", csrf);
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        if let Some((name, bytes)) = file {
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        }
        c.post(self.url(&format!("/people/{person}/evidence")))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    async fn evidence_ids(&self) -> Vec<i64> {
        let en = pathways::enrolment_of(&self.store, self.learner_id)
            .await
            .unwrap()
            .unwrap();
        pathways::evidence_for(&self.store, en.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect()
    }

    /// Another member of the manager's team, with a learner account.
    async fn colleague(&self) -> (i64, reqwest::Client) {
        let org = people::person(&self.store, self.learner_id)
            .await
            .unwrap()
            .unwrap()
            .org_id;
        let other = people::reports_of(&self.store, self.manager_id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.id != self.learner_id)
            .unwrap();
        let c = self
            .account(
                org,
                Some(other.id),
                "colleague@demo.pathwise.test",
                &[AppRole::Learner],
            )
            .await;
        (other.id, c)
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn evidence_accepted_by_the_manager_signs_off_the_criterion_and_opens_the_next_stage() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let res = learner.get(app.url("/pathway")).send().await.unwrap();
    assert_eq!(
        location(&res),
        format!("/people/{}/pathway", app.learner_id)
    );
    let (status, html) = app
        .page(&learner, &format!("/people/{}/pathway", app.learner_id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Stage 2: Role consolidation"),
        "current stage heading"
    );
    assert!(
        html.contains("data-rag=\"red\""),
        "communication is overdue"
    );

    let res = app
        .submit_evidence(
            &learner,
            app.learner_id,
            &[
                ("kind", "reflection"),
                ("criteria", "communication"),
                ("title", "Handover I led"),
                ("activity", "Late shift, ward 7"),
                (
                    "body",
                    "I led the evening handover and checked understanding.",
                ),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = app.evidence_ids().await[0];

    let manager = app.signed_in("manager").await;
    let (_, inbox) = app.page(&manager, "/inbox").await;
    assert!(inbox.contains("Handover I led"), "waiting in the inbox");
    assert!(inbox.contains("id=\"inbox-count\""), "count in the header");
    assert!(inbox.contains("id=\"inbox-filter\""), "a filter by learner");
    // Filtered to this learner: only theirs, and the exports follow the filter.
    let (_, only) = app
        .page(&manager, &format!("/inbox?learner={}", app.learner_id))
        .await;
    assert!(
        only.contains("Handover I led") && only.contains("1 waiting"),
        "{only}"
    );
    let (colleague_id, _) = app.colleague().await;
    let (_, other) = app
        .page(&manager, &format!("/inbox?learner={colleague_id}"))
        .await;
    assert!(
        !other.contains("Handover I led"),
        "another learner's filter"
    );
    let csv = manager
        .get(app.url(&format!("/inbox.csv?learner={}", app.learner_id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    let (status, _) = app.page(&manager, "/inbox?learner=someone").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let csrf = app.csrf_of(&manager, &format!("/evidence/{id}")).await;
    let res = app
        .post(
            &manager,
            format!("/evidence/{id}/decision"),
            &[
                ("csrf", csrf.as_str()),
                ("outcome", "accept"),
                ("feedback", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&manager, &format!("/evidence/{id}")).await;
    assert!(html.contains("Accepted"), "{html}");

    let (_, html) = app
        .page(&learner, &format!("/people/{}/pathway", app.learner_id))
        .await;
    assert!(
        html.contains("Stage 3: Higher responsibility</h1>"),
        "stage 2 complete, stage 3 open"
    );
    assert!(html.contains("id=\"stage-2\" data-state=\"Complete\""));
    let actions: Vec<String> = audit::list(&app.store, 1, None, 50, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    for a in [
        "evidence.added",
        "evidence.accepted",
        "criterion.signed_off",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }
    // A second decision on the same evidence is refused.
    let res = app
        .post(
            &manager,
            format!("/evidence/{id}/decision"),
            &[
                ("csrf", csrf.as_str()),
                ("outcome", "return"),
                ("feedback", "late"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_size_and_served_only_to_those_allowed() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let before = app.evidence_ids().await.len();
    let fields = [
        ("kind", "file"),
        ("criteria", "communication"),
        ("title", "Patient feedback"),
    ];
    let res = app
        .submit_evidence(
            &learner,
            app.learner_id,
            &fields,
            Some(("notes.pdf", b"#!/bin/sh\nrm -rf /\n".to_vec())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("must be a PDF, a PNG or JPEG image, or a Word document"),
        "{html}"
    );
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(UPLOAD_LIMIT as usize + 10, b'x');
    let res = app
        .submit_evidence(&learner, app.learner_id, &fields, Some(("scan.pdf", big)))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("must be smaller than 1 MB")
    );
    let mut huge = b"%PDF-1.4\n".to_vec();
    huge.resize(UPLOAD_LIMIT as usize + 2 * 1024 * 1024, b'x');
    let res = app
        .submit_evidence(&learner, app.learner_id, &fields, Some(("huge.pdf", huge)))
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("must be smaller than"));
    assert_eq!(app.files.count(), 0, "nothing stored");
    assert_eq!(
        app.evidence_ids().await.len(),
        before,
        "no evidence recorded"
    );

    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n".to_vec();
    let res = app
        .submit_evidence(
            &learner,
            app.learner_id,
            &fields,
            Some(("../feedback \"final\".pdf", pdf.clone())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.files.count(), 1);
    let id = app.evidence_ids().await[0];
    let res = learner
        .get(app.url(&format!("/evidence/{id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"feedback__final_.pdf\""
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    let manager = app.signed_in("manager").await;
    let res = manager
        .get(app.url(&format!("/evidence/{id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the line manager may see it");
    let (_, colleague) = app.colleague().await;
    for path in [format!("/evidence/{id}/file"), format!("/evidence/{id}")] {
        let res = colleague.get(app.url(&path)).send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::NOT_FOUND,
            "{path}: a colleague may not"
        );
    }
    let other = app.other_organisation_admin().await;
    let res = other
        .get(app.url(&format!("/evidence/{id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "nor another organisation"
    );
}

#[tokio::test]
async fn nobody_decides_on_evidence_they_recorded_or_that_is_about_them() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager").await;
    let res = app
        .submit_evidence(
            &manager,
            app.learner_id,
            &[
                ("kind", "observation"),
                ("criteria", "communication"),
                ("title", "Observed handover"),
                (
                    "body",
                    "Clear, checked understanding, escalated a NEWS2 of 5.",
                ),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = app.evidence_ids().await[0];
    let (_, html) = app.page(&manager, &format!("/evidence/{id}")).await;
    assert!(
        html.contains("id=\"decide-blocked\""),
        "the observer is told to ask another assessor"
    );
    let csrf = app.csrf_of(&manager, "/inbox").await;
    let res = app
        .post(
            &manager,
            format!("/evidence/{id}/decision"),
            &[("csrf", csrf.as_str()), ("outcome", "accept")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let learner = app.signed_in("learner").await;
    let csrf = app.csrf_of(&learner, "/account/tokens").await;
    let res = app
        .post(
            &learner,
            format!("/evidence/{id}/decision"),
            &[("csrf", csrf.as_str()), ("outcome", "accept")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a learner cannot sign off"
    );
    let res = learner.get(app.url("/inbox")).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a learner has no inbox"
    );
    // Returning without feedback is refused; the L&D lead may decide.
    let admin = app.signed_in("admin").await;
    let csrf = app.csrf_of(&admin, "/inbox").await;
    let res = app
        .post(
            &admin,
            format!("/evidence/{id}/decision"),
            &[
                ("csrf", csrf.as_str()),
                ("outcome", "return"),
                ("feedback", " "),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Give feedback"));
    let res = app
        .post(
            &admin,
            format!("/evidence/{id}/decision"),
            &[("csrf", csrf.as_str()), ("outcome", "accept")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A mistaken sign-off is withdrawn with a reason, never edited.
    let res = app
        .post(
            &admin,
            format!("/people/{}/sign-offs/withdraw", app.learner_id),
            &[
                ("csrf", csrf.as_str()),
                ("criterion", "communication"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post(
            &admin,
            format!("/people/{}/sign-offs/withdraw", app.learner_id),
            &[
                ("csrf", csrf.as_str()),
                ("criterion", "communication"),
                ("reason", "observed on the wrong date"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app
        .page(&learner, &format!("/people/{}/pathway", app.learner_id))
        .await;
    assert!(
        html.contains("Stage 2: Role consolidation</h1>"),
        "back in stage 2"
    );
}

#[tokio::test]
async fn reviews_and_workload_flags_reach_the_team_progress_page() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager").await;
    let page = format!("/people/{}/pathway", app.learner_id);
    let csrf = app.csrf_of(&manager, &page).await;
    let today = pathwise_web::today().to_string();
    let res = app
        .post(
            &manager,
            format!("/people/{}/reviews", app.learner_id),
            &[
                ("csrf", csrf.as_str()),
                ("held_on", today.as_str()),
                ("progress", ""),
                ("rating", "4"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "progress is needed"
    );
    let html = res.text().await.unwrap();
    assert!(
        html.contains("href=\"#progress\"") && html.contains("Say what progress was discussed"),
        "the error is in the summary, linked to its field: {html}"
    );
    assert!(
        html.contains("value=\"4\" checked"),
        "the rating chosen is kept"
    );
    let res = app
        .post(
            &manager,
            format!("/people/{}/reviews", app.learner_id),
            &[
                ("csrf", csrf.as_str()),
                ("held_on", today.as_str()),
                ("progress", "Stage 2 nearly done"),
                ("actions", "Observe a handover"),
                ("workload_pressure", "yes"),
                ("rating", "4"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&manager, &page).await;
    assert!(
        html.contains("Stage 2 nearly done") && html.contains("Flag open"),
        "review shown"
    );
    let (status, html) = app.page(&manager, "/team/progress").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("data-person=\"{}\"", app.learner_id)));
    assert!(html.contains("How the status is worked out"));
    let csv = manager
        .get(app.url("/team/progress.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("person_id,enrolment_id,name,site,role,pathway,stage"),
        "{csv}"
    );
    assert!(csv.contains("Lena Brightwater"));
    let xlsx = manager
        .get(app.url("/team/progress.xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"));

    let learner = app.signed_in("learner").await;
    let csrf = app.csrf_of(&learner, &page).await;
    let res = app
        .post(
            &learner,
            format!("/people/{}/reviews", app.learner_id),
            &[
                ("csrf", csrf.as_str()),
                ("held_on", today.as_str()),
                ("progress", "self-review"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a learner does not record reviews"
    );
    let res = app
        .post(
            &learner,
            format!("/people/{}/workload-flag", app.learner_id),
            &[("csrf", csrf.as_str()), ("note", "Nights all month")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "but may raise a flag");
    let res = learner.get(app.url("/team/progress")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (colleague_id, _) = app.colleague().await;
    let res = app
        .post(
            &learner,
            format!("/people/{colleague_id}/workload-flag"),
            &[("csrf", csrf.as_str()), ("note", "not mine")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "nor for someone else");
}

#[tokio::test]
async fn admins_publish_versions_enrol_from_csv_all_or_nothing_and_move_learners() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (status, html) = app.page(&admin, "/admin/pathways/support-worker").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = hidden(&html, "csrf");
    let res = app
        .post(
            &admin,
            "/admin/pathways/support-worker/criteria",
            &[
                ("csrf", csrf.as_str()),
                ("stage", "consolidation"),
                ("key", "Bad Key"),
                ("title", ""),
                ("applies_kind", "core"),
                ("change_note", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Enter a key of lower-case letters"), "{html}");
    let res = app
        .post(
            &admin,
            "/admin/pathways/support-worker/criteria",
            &[
                ("csrf", csrf.as_str()),
                ("stage", "consolidation"),
                ("key", "infection-control-audit"),
                ("title", "Hand hygiene audit"),
                ("applies_kind", "variant"),
                ("applies_value", "care"),
                ("required", "yes"),
                ("due_weeks", "20"),
                ("change_note", "audit added for care teams"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/pathways/support-worker?done=2");
    let (_, html) = app.page(&admin, "/admin/pathways").await;
    assert!(html.contains("audit added for care teams"));
    let versions = pathways::versions(&app.store, 1).await.unwrap();
    let v2 = versions.iter().find(|v| v.version == 2).unwrap().id;
    assert!(
        versions.iter().find(|v| v.version == 1).unwrap().enrolled > 0,
        "learners stay on version 1"
    );

    // Bulk enrolment: one bad row, nothing written.
    let unenrolled: Vec<i64> = {
        let mut out = Vec::new();
        for p in people::reports_of(&app.store, app.manager_id)
            .await
            .unwrap()
        {
            if pathways::enrolment_of(&app.store, p.id)
                .await
                .unwrap()
                .is_none()
            {
                out.push(p.id);
            }
        }
        out
    };
    assert!(unenrolled.len() >= 2, "the demo leaves some unenrolled");
    let upload = |text: String| {
        let csrf = csrf.clone();
        let admin = admin.clone();
        let url = app.url("/admin/enrolments/upload");
        async move {
            let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
                "file",
                reqwest::multipart::Part::bytes(text.into_bytes()).file_name("enrol.csv"),
            );
            admin.post(url).multipart(form).send().await.unwrap()
        }
    };
    let bad = format!(
        "person_id,pathway,variant,aim,enrolled_on\n{},support-worker,care,,2026-01-05\n{},support-worker,space,,2026-01-05\n",
        unenrolled[0], unenrolled[1]
    );
    let res = upload(bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("row 3, column variant: &#39;space&#39; is not a variant")
            || html.contains("row 3, column variant: 'space' is not a variant"),
        "{html}"
    );
    assert!(
        pathways::enrolment_of(&app.store, unenrolled[0])
            .await
            .unwrap()
            .is_none(),
        "nothing enrolled"
    );
    let good = format!(
        "person_id,pathway,variant,aim,enrolled_on\n{},support-worker,care,,2026-01-05\n{},support-worker,,senior-hcsw,\n",
        unenrolled[0], unenrolled[1]
    );
    let res = upload(good).await;
    assert_eq!(location(&res), "/admin/enrolments?done=2");
    let en = pathways::enrolment_of(&app.store, unenrolled[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(en.version_id, v2, "new enrolments use the newest version");

    // Move Lena to version 2, with a reason.
    let lena = pathways::enrolment_of(&app.store, app.learner_id)
        .await
        .unwrap()
        .unwrap();
    let lena_number = lena.id.to_string();
    let res = app
        .post(
            &admin,
            "/admin/enrolments/move",
            &[
                ("csrf", csrf.as_str()),
                ("enrolment", lena_number.as_str()),
                ("version_id", v2.to_string().as_str()),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is needed"
    );
    let html = res.text().await.unwrap();
    assert!(
        html.contains("href=\"#move-reason\"") && html.contains("nhsuk-error-message"),
        "the error is shown at the reason field: {html}"
    );
    assert!(
        html.contains(&format!("value=\"{lena_number}\"")),
        "the enrolment number typed is kept"
    );
    let res = app
        .post(
            &admin,
            "/admin/enrolments/move",
            &[
                ("csrf", csrf.as_str()),
                ("enrolment", "999999"),
                ("version_id", v2.to_string().as_str()),
                ("reason", "care teams adopt the audit"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("No current enrolment has the number 999999"),
        "an unknown enrolment number is named"
    );
    let res = app
        .post(
            &admin,
            "/admin/enrolments/move",
            &[
                ("csrf", csrf.as_str()),
                ("enrolment", lena_number.as_str()),
                ("version_id", v2.to_string().as_str()),
                ("reason", "care teams adopt the audit"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let moved = audit::list(&app.store, 1, Some("enrolment.moved"), 5, 0)
        .await
        .unwrap();
    assert!(moved[0].detail.contains("care teams adopt the audit"));
    let (_, html) = app
        .page(&admin, "/admin/audit?action=enrolment.moved")
        .await;
    assert!(
        html.contains("care teams adopt the audit"),
        "the admin can filter the trail"
    );

    let (status, html) = app.page(&admin, "/admin/completeness").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"completeness-total\""));
    let csv = admin
        .get(app.url("/admin/completeness.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with(
        "site,role,learners,criteria_accepted,criteria_required,completeness_percent"
    ));
    let (status, html) = app.page(&admin, "/admin/enrolments").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"progress-table\""));
}

#[tokio::test]
async fn analysts_managers_and_other_organisations_cannot_reach_what_is_not_theirs() {
    let app = spawn_app().await;
    let analyst = app.signed_in("analyst").await;
    let manager = app.signed_in("manager").await;
    let other = app.other_organisation_admin().await;
    let lena = format!("/people/{}/pathway", app.learner_id);
    for (who, c, path) in [
        ("analyst", &analyst, lena.as_str()),
        ("analyst", &analyst, "/admin/pathways"),
        ("analyst", &analyst, "/inbox"),
        ("manager", &manager, "/admin/enrolments"),
        ("manager", &manager, "/admin/completeness.csv"),
        ("other organisation", &other, lena.as_str()),
    ] {
        let res = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who} {path}");
    }
    // The other organisation's admin sees an empty pathways page of their own.
    let (status, html) = app.page(&other, "/admin/pathways").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Support worker progression pathway"));
    let denied = audit::list(&app.store, 1, Some("access.denied"), 50, 0)
        .await
        .unwrap();
    assert!(denied.len() >= 5, "refusals are audited");
}

#[tokio::test]
async fn a_manager_ends_an_enrolment_with_a_reason_and_can_reopen_it() {
    let app = spawn_app().await;
    let page = format!("/people/{}/pathway", app.learner_id);
    let end = format!("/people/{}/enrolment/end", app.learner_id);
    let today = pathwise_web::today().to_string();

    // The learner cannot end their own enrolment.
    let learner = app.signed_in("learner").await;
    let csrf = app.csrf_of(&learner, &page).await;
    let res = app
        .post(
            &learner,
            &end,
            &[
                ("csrf", csrf.as_str()),
                ("end_reason", "withdrawn"),
                ("ended_on", today.as_str()),
                ("end_note", "Changed my mind"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let manager = app.signed_in("manager").await;
    let csrf = app.csrf_of(&manager, &page).await;
    let (_, html) = app.page(&manager, &page).await;
    assert!(
        html.contains("id=\"end-form\""),
        "the manager sees the form"
    );
    // Lena still has criteria open, so she has not completed.
    let res = app
        .post(
            &manager,
            &end,
            &[
                ("csrf", csrf.as_str()),
                ("end_reason", "completed"),
                ("ended_on", today.as_str()),
                ("end_note", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("href=\"#end_reason\"")
            && html.contains("required criteria are not signed off yet"),
        "{html}"
    );
    assert!(
        html.contains("id=\"end-details\" open"),
        "the form is open at the error"
    );
    let res = app
        .post(
            &manager,
            &end,
            &[
                ("csrf", csrf.as_str()),
                ("end_reason", "left"),
                ("ended_on", today.as_str()),
                ("end_note", " "),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#end_note\""));
    assert!(
        pathways::enrolment_of(&app.store, app.learner_id)
            .await
            .unwrap()
            .is_some(),
        "nothing ended on a refusal"
    );
    let res = app
        .post(
            &manager,
            &end,
            &[
                ("csrf", csrf.as_str()),
                ("end_reason", "left"),
                ("ended_on", today.as_str()),
                ("end_note", "Moved to a trust nearer home"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        pathways::enrolment_of(&app.store, app.learner_id)
            .await
            .unwrap()
            .is_none()
    );
    let (_, html) = app.page(&manager, &page).await;
    assert!(html.contains("Not on a pathway yet"));
    assert!(
        html.contains("Left the organisation: Moved to a trust nearer home"),
        "{html}"
    );
    let ended = pathways::ended_enrolments(&app.store, app.learner_id)
        .await
        .unwrap();
    let audit_rows = audit::list(&app.store, 1, Some("enrolment.ended"), 5, 0)
        .await
        .unwrap();
    assert_eq!(audit_rows.len(), 1);

    // Another organisation's admin and a colleague cannot reopen it.
    let reopen = format!(
        "/people/{}/enrolments/{}/reopen",
        app.learner_id, ended[0].enrolment.id
    );
    let other = app.other_organisation_admin().await;
    let csrf_other = app.csrf_of(&other, "/admin/audit").await;
    let res = app
        .post(&other, &reopen, &[("csrf", csrf_other.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, colleague) = app.colleague().await;
    let csrf_colleague = app.csrf_of(&colleague, "/me").await;
    let res = app
        .post(&colleague, &reopen, &[("csrf", csrf_colleague.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The manager reopens it: the same enrolment, with its sign-offs.
    let res = app
        .post(&manager, &reopen, &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let back = pathways::enrolment_of(&app.store, app.learner_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.id, ended[0].enrolment.id);
    let (_, html) = app.page(&manager, &page).await;
    assert!(
        html.contains("Stage 2: Role consolidation"),
        "progress kept"
    );
    assert_eq!(
        audit::list(&app.store, 1, Some("enrolment.reopened"), 5, 0)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn an_ld_admin_starts_a_pathway_changes_a_criterion_and_the_review_interval() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let csrf = app.csrf_of(&admin, "/admin/pathways").await;
    let new = |code: &'static str, weeks: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("code", code.to_string()),
            ("name", "Theatre support pathway".to_string()),
            ("review_every_weeks", weeks.to_string()),
            ("from", "support-worker".to_string()),
        ]
    };
    // A code in use and an interval out of range are named at their fields.
    let res = app
        .post(&admin, "/admin/pathways", &new("support-worker", "60"))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("href=\"#code\"") && html.contains("exists; choose another code"));
    assert!(html.contains("href=\"#review_every_weeks\""));
    let res = app
        .post(&admin, "/admin/pathways", &new("theatre-support", "8"))
        .await;
    assert_eq!(location(&res), "/admin/pathways/theatre-support?done=1");
    let (_, base) = pathways::latest(&app.store, 1, "support-worker")
        .await
        .unwrap();
    let (_, copy) = pathways::latest(&app.store, 1, "theatre-support")
        .await
        .unwrap();
    assert_eq!((copy.version, copy.review_every_weeks), (1, 8));
    assert_eq!(
        copy.criteria, base.criteria,
        "a copy of the newest criteria"
    );

    // Change a criterion's title and due week: it keeps its place.
    let (status, html) = app
        .page(
            &admin,
            "/admin/pathways/theatre-support/criteria/edit?key=communication&applies=core",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Change the criterion 'communication'"));
    let position = copy
        .criteria
        .iter()
        .position(|c| c.key == "communication")
        .unwrap();
    let c = &copy.criteria[position];
    let form = |title: &str, note: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("replaces", "communication|core".to_string()),
            ("key", "communication".to_string()),
            ("title", title.to_string()),
            ("stage", c.stage.code().to_string()),
            ("applies_kind", "core".to_string()),
            ("applies_value", String::new()),
            ("required", "yes".to_string()),
            ("due_weeks", "20".to_string()),
            ("examples", c.examples.clone()),
            ("change_note", note.to_string()),
        ]
    };
    let res = app
        .post(
            &admin,
            "/admin/pathways/theatre-support/criteria",
            &form("Communicates in theatre teams", ""),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a note is needed"
    );
    let res = app
        .post(
            &admin,
            "/admin/pathways/theatre-support/criteria",
            &form("Communicates in theatre teams", "clearer wording"),
        )
        .await;
    assert_eq!(location(&res), "/admin/pathways/theatre-support?done=2");
    let (_, v2) = pathways::latest(&app.store, 1, "theatre-support")
        .await
        .unwrap();
    assert_eq!(v2.criteria.len(), copy.criteria.len());
    assert_eq!(v2.criteria[position].title, "Communicates in theatre teams");
    assert_eq!(v2.criteria[position].due_weeks, Some(20));

    // The review interval and name publish version 3.
    let settings = |weeks: &str, note: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", "Theatre support pathway".to_string()),
            ("review_every_weeks", weeks.to_string()),
            ("settings_note", note.to_string()),
        ]
    };
    let res = app
        .post(
            &admin,
            "/admin/pathways/theatre-support/settings",
            &settings("0", "more often"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("href=\"#review_every_weeks\"")
    );
    let res = app
        .post(
            &admin,
            "/admin/pathways/theatre-support/settings",
            &settings("6", "reviews every six weeks in theatres"),
        )
        .await;
    assert_eq!(location(&res), "/admin/pathways/theatre-support?done=3");
    let (_, v3) = pathways::latest(&app.store, 1, "theatre-support")
        .await
        .unwrap();
    assert_eq!((v3.version, v3.review_every_weeks), (3, 6));
    assert_eq!(v3.criteria, v2.criteria);

    // A manager can do none of this.
    let manager = app.signed_in("manager").await;
    let csrf_m = app.csrf_of(&manager, "/team").await;
    let res = app
        .post(
            &manager,
            "/admin/pathways/theatre-support/settings",
            &[
                ("csrf", csrf_m.as_str()),
                ("name", "Mine"),
                ("review_every_weeks", "4"),
                ("settings_note", "x"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
