//! The outbox: email waiting to go out. Rows are written in the transaction
//! of the event that causes them; a sending worker claims a few at a time
//! for a lease (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two servers
//! never claim the same row; SQLite has one writer at a time), marks each
//! sent or failed, and a failed one waits longer before each new try.

use super::Tx;
use crate::{Backend, Result, Store};
use pathwise_domain::notify::{MAX_SEND_ATTEMPTS, retry_after_seconds};
use sqlx::{AssertSqlSafe, Row};

/// An email to queue.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mail<'a> {
    pub org_id: i64,
    pub user_id: i64,
    pub to_address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub link: &'a str,
    /// Unique: the same mail is never queued twice.
    pub about: &'a str,
}

/// Queues an email in the caller's transaction (nothing if it is queued already).
pub(crate) async fn queue_in(tx: &mut Tx, m: &Mail<'_>, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO outbox (org_id, user_id, to_address, subject, body, link, about, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (about) DO NOTHING",
    )
    .bind(m.org_id)
    .bind(m.user_id)
    .bind(m.to_address)
    .bind(m.subject)
    .bind(m.body)
    .bind(m.link)
    .bind(m.about)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// An email claimed for sending.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingMail {
    /// The outbox row (also the message's identity: the same row is the same message).
    pub id: i64,
    /// Recipient.
    pub to_address: String,
    /// Subject line.
    pub subject: String,
    /// The text, paragraphs separated by blank lines.
    pub body: String,
    /// The page to open, a path.
    pub link: String,
    /// Tries so far.
    pub attempts: i64,
}

/// Claims up to `limit` emails due at `now` for `worker`, for `lease_seconds`
/// (after which another worker may take one not marked sent).
pub async fn claim_mail(
    store: &Store,
    worker: &str,
    now: i64,
    lease_seconds: i64,
    limit: i64,
) -> Result<Vec<OutgoingMail>> {
    let lock = match store.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let mut tx = store.begin_write().await?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN (\
         SELECT id FROM outbox WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= $3 \
         AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY id LIMIT $4{lock}) \
         RETURNING id, to_address, subject, body, link, attempts"
    )))
    .bind(worker)
    .bind(now + lease_seconds)
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut mail: Vec<OutgoingMail> = rows
        .iter()
        .map(|r| {
            Ok(OutgoingMail {
                id: r.try_get("id")?,
                to_address: r.try_get("to_address")?,
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
                link: r.try_get("link")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect::<Result<_>>()?;
    mail.sort_by_key(|m| m.id);
    Ok(mail)
}

/// Marks a claimed email sent.
pub async fn mark_sent(store: &Store, id: i64, worker: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET sent_at = $3, claimed_by = NULL, claimed_until = NULL, last_error = NULL \
         WHERE id = $1 AND claimed_by = $2",
    )
    .bind(id)
    .bind(worker)
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Records a failed try: the email waits (longer after each failure) and is
/// given up after [`MAX_SEND_ATTEMPTS`]. Whether it was given up.
pub async fn mark_failed(
    store: &Store,
    id: i64,
    worker: &str,
    now: i64,
    error: &str,
) -> Result<bool> {
    let row = sqlx::query("SELECT attempts FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await?;
    let attempts = row.try_get::<i64, _>("attempts")? + 1;
    let give_up = attempts >= MAX_SEND_ATTEMPTS;
    sqlx::query(
        "UPDATE outbox SET attempts = $3, next_attempt_at = $4, last_error = $5, \
         given_up_at = $6, claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND claimed_by = $2",
    )
    .bind(id)
    .bind(worker)
    .bind(attempts)
    .bind(now + retry_after_seconds(attempts))
    .bind(error)
    .bind(give_up.then_some(now))
    .execute(store.pool())
    .await?;
    Ok(give_up)
}

/// How the outbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxCounts {
    /// Waiting to go (including those waiting for a retry).
    pub waiting: i64,
    /// Sent.
    pub sent: i64,
    /// Given up after too many failures.
    pub given_up: i64,
}

/// Counts the outbox's emails.
pub async fn outbox_counts(store: &Store) -> Result<OutboxCounts> {
    let r = sqlx::query(
        "SELECT COALESCE(SUM(CASE WHEN sent_at IS NULL AND given_up_at IS NULL THEN 1 ELSE 0 END), 0) AS waiting, \
         COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS sent, \
         COALESCE(SUM(CASE WHEN given_up_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS given_up FROM outbox",
    )
    .fetch_one(store.pool())
    .await?;
    Ok(OutboxCounts {
        waiting: r.try_get("waiting")?,
        sent: r.try_get("sent")?,
        given_up: r.try_get("given_up")?,
    })
}

/// One account's digest: its notifications' ids, titles and links.
struct Digest {
    user: i64,
    org: i64,
    address: String,
    items: Vec<(i64, String, String)>,
}

/// Gathers each account's notifications waiting for the digest into one
/// email for `today` (at most one digest a day each). How many were queued.
pub async fn queue_digests(store: &Store, today: pathwise_domain::Date, now: i64) -> Result<usize> {
    let mut tx = store.begin_write().await?;
    let rows = sqlx::query(
        "SELECT n.id, n.org_id, n.user_id, n.title, n.link, u.email FROM notifications n \
         JOIN users u ON u.id = n.user_id WHERE n.email = 'digest' ORDER BY n.user_id, n.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut by_user: Vec<Digest> = Vec::new();
    for r in &rows {
        let user: i64 = r.try_get("user_id")?;
        let item = (r.try_get("id")?, r.try_get("title")?, r.try_get("link")?);
        match by_user.last_mut() {
            Some(last) if last.user == user => last.items.push(item),
            _ => by_user.push(Digest {
                user,
                org: r.try_get("org_id")?,
                address: r.try_get("email")?,
                items: vec![item],
            }),
        }
    }
    let mut queued = 0;
    for Digest {
        user,
        org,
        address,
        items,
    } in by_user
    {
        let subject = format!(
            "Pathwise: {} {} for you",
            items.len(),
            if items.len() == 1 {
                "update"
            } else {
                "updates"
            }
        );
        let body = items
            .iter()
            .map(|(_, title, link)| format!("- {title} ({link})"))
            .collect::<Vec<_>>()
            .join("\n");
        let mail = Mail {
            org_id: org,
            user_id: user,
            to_address: &address,
            subject: &subject,
            body: &body,
            link: "/notifications",
            about: &format!("digest:{user}:{today}"),
        };
        if !queue_in(&mut tx, &mail, now).await? {
            continue; // today's digest went already: these wait for tomorrow's
        }
        for (id, _, _) in &items {
            sqlx::query("UPDATE notifications SET email = 'queued' WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        queued += 1;
    }
    tx.commit().await?;
    Ok(queued)
}
