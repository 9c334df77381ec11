//! Email against a real SMTP server (Python's aiosmtpd on loopback, started
//! by the test): a returned piece of evidence reaches the learner with the
//! right recipient, subject and link in both parts; while the server is
//! down the message waits and goes out once it is back; and two workers on
//! one database (separate connection pools, as two `serve` processes have)
//! send every message exactly once.

use crate::support::*;
use pathwise_storage::notifications::{self, OutboxCounts};
use pathwise_web::mail::{MailSettings, Mailer, send_due};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running aiosmtpd sink writing what it receives to a folder.
struct Sink {
    child: Child,
    out: PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn aiosmtpd_missing() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("Python's aiosmtpd is not installed (pip install aiosmtpd): mail test not run");
    }
    !ok
}

impl Sink {
    fn start(port: u16, out: &Path) -> Sink {
        use std::io::BufRead;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/peers/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--port", &port.to_string(), "--out"])
            .arg(out)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP sink");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.starts_with("listening"), "sink said {line:?}");
        Sink {
            child,
            out: out.to_path_buf(),
        }
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// What it received, parsed by Python's email parser.
    fn received(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.out)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn mailer(port: u16) -> Mailer {
    Mailer::new(&MailSettings {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        credentials_file: None,
        from: "Pathwise <pathwise@trust.example>".into(),
        public_url: "https://pathwise.trust.example/".into(),
    })
    .unwrap()
}

fn out_dir(name: &str) -> PathBuf {
    let tag: u64 = rand::random();
    std::env::temp_dir().join(format!("pathwise-mail-{name}-{tag:016x}"))
}

#[tokio::test]
async fn email_reaches_a_real_mail_server_and_waits_while_it_is_down() {
    if aiosmtpd_missing() {
        return;
    }
    let app = spawn_app().await;
    let port = free_port();
    let out = out_dir("one");
    let sink = Sink::start(port, &out);
    let mailer = mailer(port);
    let now = 2_000_000_000;
    // What the demo's history queued goes first.
    send_due(&app.store, &mailer, "w1", now).await.unwrap();
    let before = sink.received().len();

    let id = app.return_new_evidence("Handover I led").await;
    let r = send_due(&app.store, &mailer, "w1", now).await.unwrap();
    assert_eq!((r.sent, r.failed), (1, 0));
    let got = sink.received();
    assert_eq!(got.len(), before + 1);
    let m = &got[before];
    assert_eq!(m["envelope_to"][0], "learner@demo.pathwise.test");
    assert_eq!(m["to"], "learner@demo.pathwise.test");
    assert_eq!(m["from"], "Pathwise <pathwise@trust.example>");
    assert_eq!(
        m["subject"],
        "Your evidence 'Handover I led' was returned with feedback"
    );
    let link = format!("https://pathwise.trust.example/evidence/{id}");
    let text = m["text"].as_str().unwrap();
    assert!(text.contains(&link), "{text}");
    assert!(text.contains("Say what you would do differently next time"));
    let html = m["html"].as_str().unwrap();
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    assert!(html.contains("Open Pathwise"));
    assert!(
        m["message_id"]
            .as_str()
            .unwrap()
            .ends_with("@pathwise.trust.example>")
    );

    // The server goes down: the next message waits, and is not lost.
    sink.stop();
    app.return_new_evidence("Medicines round").await;
    let r = send_due(&app.store, &mailer, "w1", now + 10).await.unwrap();
    assert_eq!((r.sent, r.failed), (0, 1));
    assert_eq!(
        notifications::outbox_counts(&app.store)
            .await
            .unwrap()
            .waiting,
        1
    );
    // Back up: nothing before the retry is due, then it goes once.
    let sink = Sink::start(port, &out);
    let r = send_due(&app.store, &mailer, "w1", now + 30).await.unwrap();
    assert_eq!(r.sent, 0, "waits for its retry");
    let r = send_due(&app.store, &mailer, "w1", now + 70).await.unwrap();
    assert_eq!((r.sent, r.failed), (1, 0));
    let got = sink.received();
    assert_eq!(got.len(), before + 2);
    assert_eq!(
        got[before + 1]["subject"],
        "Your evidence 'Medicines round' was returned with feedback"
    );
    let r = send_due(&app.store, &mailer, "w1", now + 5000)
        .await
        .unwrap();
    assert_eq!(r.sent, 0, "nothing is sent twice");
    sink.stop();
}

/// The demo trust on a fresh database: SQLite, or PostgreSQL when the
/// test database URL is set.
async fn demo_store(postgres: bool) -> Option<(Store, String)> {
    let tag: u64 = rand::random();
    let url = if postgres {
        #[allow(
            clippy::disallowed_methods,
            reason = "the test-suite's PostgreSQL setting"
        )]
        let base = std::env::var("PATHWISE_TEST_POSTGRES_URL").ok()?;
        let admin = Store::connect(&base).await.unwrap();
        let name = format!("pathwise_mail_{tag:016x}");
        admin
            .execute_admin(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin.close().await;
        format!("{}/{name}", base.rsplit_once('/').unwrap().0)
    } else {
        let path = std::env::temp_dir().join(format!("pathwise-mail-{tag:016x}.sqlite"));
        format!("sqlite://{}", path.display())
    };
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let shipped =
        pathwise_storage::shipped::read_dir(&pathwise_storage::shipped::default_dir()).unwrap();
    let spec = DemoSpec {
        seed: 7,
        staff: 120,
        today: pathwise_web::today(),
    };
    let demo = pathwise_demo::build(&store, &shipped, spec, "not-a-real-hash")
        .await
        .unwrap();
    // Everyone gets an account, so reminders reach the whole trust.
    for id in 1..=demo.staff as i64 + 10 {
        if people::person(&store, id).await.unwrap().is_none() {
            continue;
        }
        let email = format!("person{id}@demo.pathwise.test");
        pathwise_storage::accounts::create(
            &store,
            &pathwise_storage::accounts::NewAccount {
                org_id: demo.org_id,
                person_id: Some(id),
                email: &email,
                display_name: &email,
                password_hash: "not-a-real-hash",
                roles: &[AppRole::Learner],
            },
            1,
        )
        .await
        .unwrap();
    }
    Some((store, url))
}

async fn two_workers_send_each_message_once(postgres: bool) {
    if aiosmtpd_missing() {
        return;
    }
    let Some((store, url)) = demo_store(postgres).await else {
        eprintln!("PATHWISE_TEST_POSTGRES_URL not set: PostgreSQL case not run");
        return;
    };
    // The demo's reminders (overdue reviews, waiting evidence) fill the outbox.
    notifications::scan_reminders(&store, pathwise_web::today(), 1_000)
        .await
        .unwrap();
    let queued = notifications::outbox_counts(&store).await.unwrap().waiting;
    assert!(queued >= 20, "only {queued} queued");
    let port = free_port();
    let out = out_dir("two");
    let sink = Sink::start(port, &out);
    // Two processes' worth: each its own pool and worker name.
    let other = Store::connect(&url).await.unwrap();
    let (a, b) = (mailer(port), mailer(port));
    let (ra, rb) = tokio::join!(
        send_due(&store, &a, "server-a", 2_000),
        send_due(&other, &b, "server-b", 2_000)
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.failed + rb.failed, 0);
    assert_eq!((ra.sent + rb.sent) as i64, queued);
    assert!(ra.sent > 0 && rb.sent > 0, "both worked: {ra:?} {rb:?}");
    assert_eq!(
        notifications::outbox_counts(&store).await.unwrap(),
        OutboxCounts {
            waiting: 0,
            sent: queued,
            given_up: 0
        }
    );
    let got = sink.received();
    assert_eq!(got.len() as i64, queued, "each message arrived once");
    let mut ids: Vec<&str> = got
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len() as i64, queued, "no Message-ID twice");
    sink.stop();
    other.close().await;
    store.close().await;
}

#[tokio::test]
async fn two_workers_on_sqlite_send_each_message_once() {
    two_workers_send_each_message_once(false).await;
}

#[tokio::test]
async fn two_workers_on_postgres_send_each_message_once() {
    two_workers_send_each_message_once(true).await;
}
