//! What every HTTP test shares: the real app on port 0 over a fresh SQLite
//! file holding a small demo trust, a real HTTP client with a cookie jar, and
//! helpers to sign in, post forms and read pages.
#![allow(dead_code)]

pub use pathwise_demo::{DEMO_PASSWORD, DemoSpec};
pub use pathwise_domain::AppRole;
pub use pathwise_storage::files::FileStore;
pub use pathwise_storage::{Store, audit, pathways, people};
pub use pathwise_web::{AppState, auth};
pub use reqwest::StatusCode;
pub use reqwest::redirect::Policy;
pub use serde_json::Value;

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub files: FileStore,
    pub learner_id: i64,
    pub manager_id: i64,
}

/// The upload limit the test app runs with.
pub const UPLOAD_LIMIT: u64 = 256 * 1024;

pub async fn spawn_app() -> TestApp {
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
    let shipped = std::sync::Arc::new(
        pathwise_storage::shipped::read_dir(&pathwise_storage::shipped::default_dir()).unwrap(),
    );
    let demo = pathwise_demo::build(&store, &shipped, spec, &hash)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let files =
        FileStore::new(std::env::temp_dir().join(format!("pathwise-http-{tag:016x}-uploads")));
    let state = AppState::new(
        store.clone(),
        shipped,
        pathwise_web::default_assets_dir(),
        false,
    )
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

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn sign_in_as(
        &self,
        email: &str,
        password: &str,
    ) -> (reqwest::Client, reqwest::Response) {
        let c = client();
        let res = self.sign_in_with(&c, email, password).await;
        (c, res)
    }

    /// Fills in and posts the sign-in form with client `c`.
    pub async fn sign_in_with(
        &self,
        c: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let form = c
            .get(self.url("/sign-in"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&form, "csrf");
        c.post(self.url("/sign-in"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Makes a personal API token named `name` on the tokens page; returns it.
    pub async fn new_token(&self, c: &reqwest::Client, name: &str) -> String {
        let csrf = self.csrf_of(c, "/account/tokens").await;
        let html = self
            .post(
                c,
                "/account/tokens",
                &[("csrf", csrf.as_str()), ("name", name)],
            )
            .await
            .text()
            .await
            .unwrap();
        let start = html.find("id=\"new-token\">").unwrap() + "id=\"new-token\">".len();
        html[start..].split('<').next().unwrap().to_string()
    }

    pub async fn signed_in(&self, who: &str) -> reqwest::Client {
        let (c, res) = self
            .sign_in_as(&format!("{who}@demo.pathwise.test"), DEMO_PASSWORD)
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign in as {who}");
        c
    }

    pub async fn post<T: serde::Serialize + ?Sized>(
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

    pub async fn csrf_of(&self, c: &reqwest::Client, page: &str) -> String {
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
    pub async fn account(
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
    pub async fn other_organisation_admin(&self) -> reqwest::Client {
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

pub async fn json(c: &reqwest::Client, url: String) -> (StatusCode, Value) {
    let res = c.get(url).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

impl TestApp {
    pub async fn page(&self, c: &reqwest::Client, path: &str) -> (StatusCode, String) {
        let res = c.get(self.url(path)).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }

    /// Submits the evidence form as multipart; returns the response.
    pub async fn submit_evidence(
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

    pub async fn evidence_ids(&self) -> Vec<i64> {
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
    pub async fn colleague(&self) -> (i64, reqwest::Client) {
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

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

impl TestApp {
    /// The learner adds a reflection titled `title`; their manager returns it
    /// with `feedback`. The evidence's id.
    pub async fn return_new_evidence_with(&self, title: &str, feedback: &str) -> i64 {
        let learner = self.signed_in("learner").await;
        let res = self
            .submit_evidence(
                &learner,
                self.learner_id,
                &[
                    ("kind", "reflection"),
                    ("criteria", "communication"),
                    ("title", title),
                    ("activity", "Late shift"),
                    ("body", "What I did and what I learned."),
                ],
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let id = *self.evidence_ids().await.iter().max().unwrap();
        let manager = self.signed_in("manager").await;
        let csrf = self.csrf_of(&manager, &format!("/evidence/{id}")).await;
        let res = self
            .post(
                &manager,
                format!("/evidence/{id}/decision"),
                &[
                    ("csrf", csrf.as_str()),
                    ("outcome", "return"),
                    ("feedback", feedback),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        id
    }

    /// As above, with the feedback the mail tests read.
    pub async fn return_new_evidence(&self, title: &str) -> i64 {
        self.return_new_evidence_with(title, "Say what you would do differently next time")
            .await
    }
}

/// The text inside the element with `id`, tags removed.
pub fn text_of(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no element {id}"));
    let open = at + html[at..].find('>').unwrap() + 1;
    let close = open + html[open..].find("</").unwrap();
    strip_tags(&html[open..close])
}

/// Text without tags, the responsive tables' repeated headings or spare space.
pub fn strip_tags(fragment: &str) -> String {
    let mut s = fragment.to_string();
    let heading = "<span class=\"nhsuk-table-responsive__heading\" aria-hidden=\"true\">";
    while let Some(i) = s.find(heading) {
        let end = i + s[i..].find("</span>").unwrap() + "</span>".len();
        s.replace_range(i..end, "");
    }
    let mut out = String::new();
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The cells of each body row of the table with `id`, as text.
pub fn table_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let table = &html[at..at + html[at..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody").unwrap_or(0)..];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let start = cell.find('>').unwrap() + 1;
                    let end = cell.find("</td>").unwrap_or(cell.len());
                    strip_tags(&cell[start..end])
                })
                .collect()
        })
        .collect()
}

/// Posts a multipart form (the CSRF token read from `csrf_page`, the
/// `fields`, and `file` as a CSV when given) to `action`; after a redirect,
/// the page it leads to. Returns the status, the page and where it redirected.
pub async fn post_file(
    app: &TestApp,
    c: &reqwest::Client,
    csrf_page: &str,
    action: &str,
    fields: &[(&str, &str)],
    file: Option<&str>,
) -> (StatusCode, String, String) {
    let csrf = app.csrf_of(c, csrf_page).await;
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf);
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some(csv) = file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("upload.csv"),
        );
    }
    let res = c
        .post(app.url(action))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let to = location(&res);
    if status == StatusCode::SEE_OTHER {
        let (s, html) = app.page(c, &to).await;
        return (s, html, to);
    }
    (status, res.text().await.unwrap(), String::new())
}
