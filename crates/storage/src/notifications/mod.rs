//! Notifications: each person's list (in the app), how they want to hear of
//! each kind, and the email each one causes. A notification and its email go
//! into the database in the same transaction as the event that causes them,
//! so an event is never recorded without its notice, nor a notice sent for
//! an event that was rolled back.

use crate::{Result, StorageError, Store};
pub use pathwise_domain::notify::Preferences;
use pathwise_domain::notify::{Channel, EmailWhen, NotificationKind, delivery};
use sqlx::Row;
use sqlx::any::AnyRow;

mod outbox;
mod reminders;

pub use outbox::*;
use outbox::{Mail, queue_in};
pub use reminders::*;

/// The transaction notifications are written in.
pub(crate) type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A notification to give one account.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// The kind (the recipient's preference for it decides the channels).
    pub kind: NotificationKind,
    /// What it is about, unique per recipient: the same notice is never given twice.
    pub about: String,
    /// One line, the email's subject.
    pub title: String,
    /// What happened and what to do, in a sentence or two.
    pub body: String,
    /// The page to open, a path such as `/pathway`.
    pub link: String,
}

/// Gives a notice once to each account of the organisation holding any of
/// `roles` whose person has not left; how many were new.
pub async fn notify_roles(
    store: &Store,
    org_id: i64,
    roles: &[pathwise_domain::AppRole],
    n: &Notice,
    now: i64,
) -> Result<usize> {
    let mut tx = store.begin_write().await?;
    let users = sqlx::query(
        "SELECT u.id, u.app_roles FROM users u LEFT JOIN people p ON p.id = u.person_id \
         WHERE u.org_id = $1 AND p.left_on IS NULL ORDER BY u.id",
    )
    .bind(org_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut new = 0;
    for r in &users {
        let held: String = r.try_get("app_roles")?;
        if held
            .split(',')
            .any(|c| roles.iter().any(|role| role.code() == c.trim()))
        {
            new += usize::from(notify_in(&mut tx, r.try_get("id")?, n, now).await?);
        }
    }
    tx.commit().await?;
    Ok(new)
}

/// Gives `user_id` a notice (in the app, by email now or in the digest, as
/// they chose for its kind), unless they already have it. Whether it was new.
pub(crate) async fn notify_in(tx: &mut Tx, user_id: i64, n: &Notice, now: i64) -> Result<bool> {
    let row = sqlx::query(
        "SELECT u.org_id, u.email, u.daily_digest, np.channel FROM users u \
         LEFT JOIN notification_preferences np ON np.user_id = u.id AND np.kind = $2 WHERE u.id = $1",
    )
    .bind(user_id)
    .bind(n.kind.code())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StorageError::NotFound("account"))?;
    let org_id: i64 = row.try_get("org_id")?;
    let address: String = row.try_get("email")?;
    let digest = row.try_get::<i64, _>("daily_digest")? != 0;
    let channel = row
        .try_get::<Option<String>, _>("channel")?
        .as_deref()
        .and_then(Channel::from_code)
        .unwrap_or_default();
    let how = delivery(channel, digest);
    let email_state = how.email.map(|w| match w {
        EmailWhen::Now => "queued",
        EmailWhen::Digest => "digest",
    });
    let inserted = sqlx::query(
        "INSERT INTO notifications (org_id, user_id, kind, about, title, body, link, in_app, email, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (user_id, about) DO NOTHING RETURNING id",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(n.kind.code())
    .bind(&n.about)
    .bind(&n.title)
    .bind(&n.body)
    .bind(&n.link)
    .bind(i64::from(how.in_app))
    .bind(email_state)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(inserted) = inserted else {
        return Ok(false);
    };
    if how.email == Some(EmailWhen::Now) {
        let id: i64 = inserted.try_get("id")?;
        queue_in(
            tx,
            &Mail {
                org_id,
                user_id,
                to_address: &address,
                subject: &n.title,
                body: &n.body,
                link: &n.link,
                about: &format!("notification:{id}"),
            },
            now,
        )
        .await?;
    }
    Ok(true)
}

/// Gives a notice to every account of a staff record (usually one; none when
/// the person has no account). How many were new.
pub(crate) async fn notify_person_in(
    tx: &mut Tx,
    person_id: i64,
    n: &Notice,
    now: i64,
) -> Result<usize> {
    let users: Vec<i64> = sqlx::query("SELECT id FROM users WHERE person_id = $1 ORDER BY id")
        .bind(person_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
    let mut new = 0;
    for u in users {
        new += usize::from(notify_in(tx, u, n, now).await?);
    }
    Ok(new)
}

/// A notification as its recipient sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Its id.
    pub id: i64,
    /// The kind.
    pub kind: Option<NotificationKind>,
    /// One line.
    pub title: String,
    /// What happened and what to do.
    pub body: String,
    /// The page to open.
    pub link: String,
    /// When (Unix seconds).
    pub created_at: i64,
    /// When they marked it read.
    pub read_at: Option<i64>,
}

fn notification_from(r: &AnyRow) -> Result<Notification> {
    Ok(Notification {
        id: r.try_get("id")?,
        kind: NotificationKind::from_code(&r.try_get::<String, _>("kind")?),
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        link: r.try_get("link")?,
        created_at: r.try_get("created_at")?,
        read_at: r.try_get("read_at")?,
    })
}

/// How many notifications in the app an account has not read.
pub async fn unread_count(store: &Store, user_id: i64) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND in_app = 1 AND read_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(store.pool())
    .await?;
    Ok(row.try_get("n")?)
}

/// An account's notifications in the app, newest first, `limit` from
/// `offset`, with how many there are in all.
pub async fn notifications(
    store: &Store,
    user_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Notification>, i64)> {
    let rows = sqlx::query(
        "SELECT id, kind, title, body, link, created_at, read_at FROM notifications \
         WHERE user_id = $1 AND in_app = 1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
    )
    .bind(user_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(store.pool())
    .await?;
    let total: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND in_app = 1")
            .bind(user_id)
            .fetch_one(store.pool())
            .await?
            .try_get("n")?;
    Ok((
        rows.iter().map(notification_from).collect::<Result<_>>()?,
        total,
    ))
}

/// Marks one of an account's notifications read (`None`: all of them). How
/// many changed; another account's notification is not found.
pub async fn mark_read(store: &Store, user_id: i64, id: Option<i64>, now: i64) -> Result<u64> {
    let done = match id {
        Some(id) => sqlx::query(
            "UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user_id)
        .bind(now)
        .execute(store.pool())
        .await?
        .rows_affected(),
        None => sqlx::query(
            "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .bind(now)
        .execute(store.pool())
        .await?
        .rows_affected(),
    };
    if id.is_some() && done == 0 {
        return Err(StorageError::NotFound("notification"));
    }
    Ok(done)
}

/// An account's notification preferences.
pub async fn preferences(store: &Store, user_id: i64) -> Result<Preferences> {
    let chosen =
        sqlx::query("SELECT kind, channel FROM notification_preferences WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(store.pool())
            .await?;
    let mut channels: Vec<(NotificationKind, Channel)> = NotificationKind::ALL
        .iter()
        .map(|k| (*k, Channel::default()))
        .collect();
    for r in &chosen {
        let kind = NotificationKind::from_code(&r.try_get::<String, _>("kind")?);
        let channel = Channel::from_code(&r.try_get::<String, _>("channel")?);
        if let (Some(k), Some(c)) = (kind, channel)
            && let Some(slot) = channels.iter_mut().find(|(kk, _)| *kk == k)
        {
            slot.1 = c;
        }
    }
    let digest: i64 = sqlx::query("SELECT daily_digest FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(StorageError::NotFound("account"))?
        .try_get("daily_digest")?;
    Ok(Preferences {
        channels,
        daily_digest: digest != 0,
    })
}

/// Saves an account's notification preferences, all together.
pub async fn set_preferences(store: &Store, user_id: i64, p: &Preferences) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM notification_preferences WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for (kind, channel) in &p.channels {
        sqlx::query(
            "INSERT INTO notification_preferences (user_id, kind, channel) VALUES ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(kind.code())
        .bind(channel.code())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE users SET daily_digest = $2 WHERE id = $1")
        .bind(user_id)
        .bind(i64::from(p.daily_digest))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
