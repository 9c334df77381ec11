//! Email: the SMTP connection (`--smtp-url`, credentials from a file), each
//! outbox message as a plain-text and an HTML part in the NHS.UK style, and
//! the sending pass a background worker runs: claim what is due, send it,
//! mark it sent or failed (a failure waits longer before each new try).

use askama::Template;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use pathwise_storage::Store;
use pathwise_storage::notifications::{self, OutgoingMail};
use std::path::Path;
use std::time::Duration;

/// How to reach the mail server and what the messages say of themselves.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://HOST:PORT` (add `?tls=required` for STARTTLS) or `smtps://HOST:PORT`.
    pub smtp_url: String,
    /// A file holding the user name on its first line and the password on its second.
    pub credentials_file: Option<std::path::PathBuf>,
    /// The sender, `Pathwise <pathwise@trust.nhs.uk>`.
    pub from: String,
    /// The address people open Pathwise at, for the links (`https://pathwise.trust.nhs.uk`).
    pub public_url: String,
}

/// A connection to the mail server and how to write messages.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
    host: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

/// Reads `user` and `password` from the first two lines of a file.
fn credentials(path: &Path) -> anyhow::Result<Credentials> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("--smtp-credentials-file {}: {e}", path.display()))?;
    let mut lines = text.lines();
    match (lines.next(), lines.next()) {
        (Some(user), Some(password)) if !user.trim().is_empty() => Ok(Credentials::new(
            user.trim().to_string(),
            password.trim_end_matches(['\r', '\n']).to_string(),
        )),
        _ => anyhow::bail!(
            "--smtp-credentials-file {}: expected the user name on the first line and the password on the second",
            path.display()
        ),
    }
}

impl Mailer {
    /// Checks the settings and makes the mailer (it connects when it sends).
    pub fn new(s: &MailSettings) -> anyhow::Result<Mailer> {
        if !(s.smtp_url.starts_with("smtp://") || s.smtp_url.starts_with("smtps://")) {
            anyhow::bail!(
                "--smtp-url '{}': expected smtp://HOST:PORT (add ?tls=required for STARTTLS) or smtps://HOST:PORT",
                s.smtp_url
            );
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&s.smtp_url)
            .map_err(|e| anyhow::anyhow!("--smtp-url '{}': {e}", s.smtp_url))?
            .timeout(Some(Duration::from_secs(20)));
        if let Some(path) = &s.credentials_file {
            builder = builder.credentials(credentials(path)?);
        }
        let from: Mailbox = s
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("--mail-from '{}': {e}", s.from))?;
        let public_url = s.public_url.trim_end_matches('/').to_string();
        let host = public_url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':']).next())
            .filter(|h| !h.is_empty())
            .unwrap_or("pathwise.invalid")
            .to_string();
        Ok(Mailer {
            transport: builder.build(),
            from,
            public_url,
            host,
        })
    }

    /// The message for an outbox row: a plain-text and an HTML part, and a
    /// Message-ID made from the row, so a message sent again is recognisably
    /// the same one.
    pub fn message(&self, m: &OutgoingMail) -> anyhow::Result<Message> {
        let url = format!("{}{}", self.public_url, m.link);
        let settings_url = format!("{}/notifications/settings", self.public_url);
        let text = format!(
            "{}\n\n{}\n\nOpen Pathwise: {url}\n\nChange which emails you get: {settings_url}\n",
            m.subject, m.body
        );
        let (items, paragraphs): (Vec<&str>, Vec<&str>) = m
            .body
            .lines()
            .filter(|l| !l.trim().is_empty())
            .partition(|l| l.starts_with("- "));
        let html = EmailHtml {
            subject: &m.subject,
            paragraphs,
            items: items.iter().map(|i| &i[2..]).collect(),
            url: &url,
            settings_url: &settings_url,
        }
        .render()?;
        let to: Mailbox = m
            .to_address
            .parse()
            .map_err(|e| anyhow::anyhow!("address '{}': {e}", m.to_address))?;
        Ok(Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&m.subject)
            .message_id(Some(format!("<outbox-{}@{}>", m.id, self.host)))
            .multipart(MultiPart::alternative_plain_html(text, html))?)
    }

    async fn send(&self, m: &OutgoingMail) -> Result<(), String> {
        let message = self.message(m).map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

#[derive(Template)]
#[template(path = "email.html")]
struct EmailHtml<'a> {
    subject: &'a str,
    paragraphs: Vec<&'a str>,
    items: Vec<&'a str>,
    url: &'a str,
    settings_url: &'a str,
}

/// What one sending pass did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendReport {
    /// Sent.
    pub sent: usize,
    /// Failed, to be tried again later (or given up).
    pub failed: usize,
}

/// How long a worker holds the messages it claims.
pub const LEASE_SECONDS: i64 = 120;

/// One sending pass as `worker` at `now`: claims what is due, ten at a time,
/// until nothing is left or a message fails.
pub async fn send_due(
    store: &Store,
    mailer: &Mailer,
    worker: &str,
    now: i64,
) -> anyhow::Result<SendReport> {
    let mut report = SendReport::default();
    loop {
        let batch = notifications::claim_mail(store, worker, now, LEASE_SECONDS, 10).await?;
        if batch.is_empty() {
            return Ok(report);
        }
        for m in &batch {
            match mailer.send(m).await {
                Ok(()) => {
                    notifications::mark_sent(store, m.id, worker, now).await?;
                    report.sent += 1;
                }
                Err(e) => {
                    tracing::warn!(outbox = m.id, error = %e, "email not sent; will try again");
                    let given_up = notifications::mark_failed(store, m.id, worker, now, &e).await?;
                    if given_up {
                        tracing::error!(outbox = m.id, "email given up after repeated failures");
                    }
                    report.failed += 1;
                }
            }
        }
        if report.failed > 0 {
            // The server is likely down: release nothing more this pass
            // (the rest of the batch was sent or failed above).
            return Ok(report);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str, credentials: Option<std::path::PathBuf>) -> MailSettings {
        MailSettings {
            smtp_url: url.into(),
            credentials_file: credentials,
            from: "Pathwise <pathwise@trust.example>".into(),
            public_url: "https://pathwise.trust.example/".into(),
        }
    }

    #[test]
    fn settings_are_checked_with_clear_messages() {
        let e = Mailer::new(&settings("http://mail", None)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--smtp-url 'http://mail': expected smtp://"),
            "{e}"
        );
        let dir =
            std::env::temp_dir().join(format!("pathwise-mail-{:016x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let one_line = dir.join("one-line");
        std::fs::write(&one_line, "only-a-user\n").unwrap();
        let e = Mailer::new(&settings("smtp://127.0.0.1:25", Some(one_line))).unwrap_err();
        assert!(
            e.to_string()
                .contains("expected the user name on the first line"),
            "{e}"
        );
        let good = dir.join("good");
        std::fs::write(&good, "pathwise\ns3cret pass\n").unwrap();
        assert!(Mailer::new(&settings("smtp://127.0.0.1:25?tls=required", Some(good))).is_ok());
        let e =
            Mailer::new(&settings("smtp://127.0.0.1:25", Some(dir.join("missing")))).unwrap_err();
        assert!(e.to_string().starts_with("--smtp-credentials-file"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_message_has_both_parts_and_its_outbox_identity() {
        let m = Mailer::new(&settings("smtp://127.0.0.1:25", None)).unwrap();
        let mail = OutgoingMail {
            id: 42,
            to_address: "ada@trust.example".into(),
            subject: "Pathwise: 2 updates for you".into(),
            body: "- One <b>thing</b> (/a)\n- Another (/b)".into(),
            link: "/notifications".into(),
            attempts: 0,
        };
        let raw = String::from_utf8(m.message(&mail).unwrap().formatted()).unwrap();
        assert!(
            raw.contains("Message-ID: <outbox-42@pathwise.trust.example>"),
            "{raw}"
        );
        assert!(raw.contains("Content-Type: text/plain"));
        assert!(raw.contains("Content-Type: text/html"));
        let html = EmailHtml {
            subject: &mail.subject,
            paragraphs: vec![],
            items: vec!["One <b>thing</b> (/a)"],
            url: "https://pathwise.trust.example/notifications",
            settings_url: "https://pathwise.trust.example/notifications/settings",
        }
        .render()
        .unwrap();
        assert!(!html.contains("<b>thing"), "escaped: {html}");
        assert!(html.contains("thing"));
    }
}
