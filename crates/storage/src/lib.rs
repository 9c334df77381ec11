//! Pathwise persistence. One `Store` over SQLite (the embedded default, a single
//! file) or PostgreSQL (several app servers), chosen from the URL's scheme.
//! Every query is written once in portable SQL; only the migrations differ per
//! backend. SQL lives in this crate and nowhere else.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod directory;
pub mod files;
pub mod identity_providers;
pub mod learning;
pub mod levy;
pub mod notifications;
pub mod outreach;
pub mod pathways;
pub mod people;
pub mod place_simulations;
pub mod recruitment;
pub mod rosters;
pub mod shipped;
pub mod staff;

use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A single SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Errors from storage. Callers add context; the web layer hides the detail.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database URL is not one Pathwise can use.
    #[error("database URL must start with sqlite: or postgres:, got '{0}'")]
    UnsupportedUrl(String),
    /// Something asked for does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The change conflicts with what is stored: `what` says what clashed
    /// (never a form field: the caller knows which field that was).
    #[error("{message}")]
    Conflict {
        /// What clashed.
        what: Conflicting,
        /// The clash in words a person can act on.
        message: String,
    },
    /// The data is not valid for the framework.
    #[error("{0}")]
    Invalid(String),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Reading or writing a stored file failed.
    #[error("file storage: {0}")]
    Io(String),
    /// A migration failed.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// What a change clashed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflicting {
    /// A role code already in use.
    RoleCode,
    /// An email another account has.
    Email,
    /// An organisation code already in use.
    Organisation,
    /// A learner's current enrolment.
    Enrolment,
    /// A decision already made on the evidence.
    Decision,
    /// The pathway version asked for.
    Version,
    /// A site code already in use in the organisation.
    SiteCode,
    /// A booking the person already has on the sitting.
    Booking,
    /// An assignment number someone else in the organisation has.
    AssignmentNumber,
}

impl StorageError {
    /// A conflict with `what`, described by `message`.
    pub fn conflict(what: Conflicting, message: impl Into<String>) -> StorageError {
        StorageError::Conflict {
            what,
            message: message.into(),
        }
    }
}

/// Shorthand for storage results.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// The connection pool and which backend it talks to.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    published: PublishedVersions,
}

/// Published pathway versions by id, each with its organisation, kept once
/// read: a version is never changed after it is published (a change is a new
/// version), so every process sharing the database may keep its own copy.
pub(crate) type PublishedVersions =
    Arc<RwLock<HashMap<i64, (i64, pathwise_domain::pathway::PathwayTemplate)>>>;

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://...`).
    pub async fn connect(url: &str) -> Result<Store> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StorageError::UnsupportedUrl(url.to_string()));
        };
        let pool = match backend {
            Backend::Sqlite => {
                // One writer at a time; WAL lets readers carry on meanwhile.
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            sqlx::query("PRAGMA foreign_keys = ON")
                                .execute(&mut *conn)
                                .await?;
                            sqlx::query("PRAGMA busy_timeout = 10000")
                                .execute(&mut *conn)
                                .await?;
                            sqlx::query("PRAGMA journal_mode = WAL")
                                .execute(&mut *conn)
                                .await?;
                            sqlx::query("PRAGMA synchronous = NORMAL")
                                .execute(&mut *conn)
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(&with_create(url))
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .connect(url)
                    .await?
            }
        };
        Ok(Store {
            pool,
            backend,
            published: PublishedVersions::default(),
        })
    }

    /// Applies any migrations not yet applied.
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// The published versions read so far.
    pub(crate) fn published(&self) -> &PublishedVersions {
        &self.published
    }

    /// Which database is behind the store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Runs one statement outside the narrow functions: for test set-up and
    /// administration (creating a database), never with user input.
    pub async fn execute_admin(&self, sql: &str) -> Result<()> {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Begins a transaction that will write. On SQLite it takes the write
    /// lock at once (`BEGIN IMMEDIATE`), so that two read-then-write
    /// transactions queue on the busy timeout instead of one failing with
    /// "database is locked" when it tries to upgrade its read lock.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// A date as stored (`2026-05-04`).
pub(crate) fn date(s: &str) -> Result<pathwise_domain::Date> {
    s.parse()
        .map_err(|_| StorageError::Invalid(format!("stored date '{s}'")))
}

/// An optional stored date.
pub(crate) fn opt_date(s: Option<String>) -> Result<Option<pathwise_domain::Date>> {
    s.as_deref().map(date).transpose()
}

/// SQLite files are created on first use.
fn with_create(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Turns a unique-constraint violation into a `Conflict` with a message a
/// person can act on; other errors pass through.
pub(crate) fn conflict_on_unique(
    e: sqlx::Error,
    what: Conflicting,
    message: impl Into<String>,
) -> StorageError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        return StorageError::conflict(what, message);
    }
    StorageError::Database(e)
}

/// Ids as an SQL list for `IN (...)` (integers, so nothing to escape).
/// A person's name, for the audit trail's details ("someone" when the
/// record is not found).
pub(crate) async fn person_name(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    person_id: i64,
) -> Result<String> {
    use sqlx::Row;
    let row = sqlx::query("SELECT name FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(r) => r.try_get("name")?,
        None => "someone".into(),
    })
}

pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Reads a comma-separated list column.
pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}
