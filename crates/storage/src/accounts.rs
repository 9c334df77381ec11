//! Sign-in accounts, server-side sessions, personal API tokens and failed
//! sign-in attempts. Secrets are never stored: only hashes of tokens and
//! argon2 hashes of passwords (made by the caller).

use crate::{Conflicting, Result, StorageError, Store, conflict_on_unique, split_list};
use pathwise_domain::AppRole;
use pathwise_domain::throttle::FailureCounts;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// A sign-in account.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// Its id.
    pub id: i64,
    /// The organisation it belongs to.
    pub org_id: i64,
    /// The staff record it is for, if any.
    pub person_id: Option<i64>,
    /// The site of that staff record.
    pub site_id: Option<i64>,
    /// Sign-in email, lower case.
    pub email: String,
    /// Name shown in the header.
    pub display_name: String,
    /// argon2 PHC string.
    pub password_hash: String,
    /// What the account may do.
    pub roles: Vec<AppRole>,
    /// When the person of its staff record left the organisation, if they have.
    pub left_on: Option<pathwise_domain::Date>,
}

impl Account {
    /// Whether the account may sign in (by password or a provider) on
    /// `today`: not once its person has left.
    pub fn may_sign_in(&self, today: pathwise_domain::Date) -> bool {
        self.left_on.is_none_or(|left| left > today)
    }
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    /// The organisation.
    pub org_id: i64,
    /// The staff record, if any.
    pub person_id: Option<i64>,
    /// Sign-in email.
    pub email: &'a str,
    /// Name shown in the header.
    pub display_name: &'a str,
    /// argon2 PHC string.
    pub password_hash: &'a str,
    /// What the account may do.
    pub roles: &'a [AppRole],
}

/// A personal API token as listed to its owner (never the secret).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    /// Its id.
    pub id: i64,
    /// The owner's label for it.
    pub name: String,
    /// First characters, to recognise it.
    pub prefix: String,
    /// When made (Unix seconds).
    pub created_at: i64,
    /// When last used.
    pub last_used_at: Option<i64>,
    /// When revoked.
    pub revoked_at: Option<i64>,
}

/// Account columns, with the site of the account's staff record.
const ACCOUNT_SELECT: &str = "SELECT u.id, u.org_id, u.person_id, p.site_id, u.email, u.display_name, \
     u.password_hash, u.app_roles, p.left_on FROM users u LEFT JOIN people p ON p.id = u.person_id";

/// The same columns, for queries that start elsewhere and join `users u`
/// and `people p`.
const ACCOUNT_COLUMNS: &str = "u.id, u.org_id, u.person_id, p.site_id, u.email, u.display_name, \
     u.password_hash, u.app_roles, p.left_on";

fn account_from_row(row: &AnyRow) -> Result<Account> {
    Ok(Account {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        person_id: row.try_get("person_id")?,
        site_id: row.try_get("site_id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        roles: split_list(&row.try_get::<String, _>("app_roles")?)
            .iter()
            .filter_map(|c| AppRole::from_code(c))
            .collect(),
        left_on: crate::opt_date(row.try_get("left_on")?)?,
    })
}

/// Creates an account; the email must be new.
pub async fn create(store: &Store, a: &NewAccount<'_>, now: i64) -> Result<i64> {
    let email = a.email.trim().to_lowercase();
    let roles: Vec<&str> = a.roles.iter().map(|r| r.code()).collect();
    let row = sqlx::query(
        "INSERT INTO users (org_id, person_id, email, display_name, password_hash, app_roles, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(a.org_id)
    .bind(a.person_id)
    .bind(&email)
    .bind(a.display_name)
    .bind(a.password_hash)
    .bind(roles.join(","))
    .bind(now)
    .fetch_one(store.pool())
    .await
    .map_err(|e| conflict_on_unique(e, Conflicting::Email, format!("an account for {email} already exists")))?;
    Ok(row.try_get("id")?)
}

/// The account for an email, if any.
pub async fn by_email(store: &Store, email: &str) -> Result<Option<Account>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{ACCOUNT_SELECT} WHERE u.email = $1"
    )))
    .bind(email.trim().to_lowercase())
    .fetch_optional(store.pool())
    .await?;
    row.as_ref().map(account_from_row).transpose()
}

/// The account with an id.
pub async fn by_id(store: &Store, id: i64) -> Result<Account> {
    let row = sqlx::query(AssertSqlSafe(format!("{ACCOUNT_SELECT} WHERE u.id = $1")))
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(StorageError::NotFound("account"))?;
    account_from_row(&row)
}

/// Starts a session: stores the token's hash and its CSRF token.
pub async fn start_session(
    store: &Store,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(now)
    .bind(expires_at)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The account and CSRF token of a live session.
pub async fn session(
    store: &Store,
    token_hash: &str,
    now: i64,
) -> Result<Option<(Account, String)>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {ACCOUNT_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN people p ON p.id = u.person_id WHERE s.token_hash = $1 AND s.expires_at > $2"
    )))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(store.pool())
    .await?;
    match row {
        Some(r) => Ok(Some((account_from_row(&r)?, r.try_get("csrf_token")?))),
        None => Ok(None),
    }
}

/// Ends a session.
pub async fn end_session(store: &Store, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Records a failed sign-in for an email from a client address.
pub async fn record_failure(store: &Store, email: &str, client: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO login_failures (email, client, at) VALUES ($1, $2, $3)")
        .bind(email.trim().to_lowercase())
        .bind(client)
        .bind(now)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Failed sign-ins since a time, counted for the email from the client, from
/// the client for any email, and for the email from any client.
pub async fn failures_since(
    store: &Store,
    email: &str,
    client: &str,
    since: i64,
) -> Result<FailureCounts> {
    let row = sqlx::query(
        "SELECT COALESCE(SUM(CASE WHEN email = $1 AND client = $2 THEN 1 ELSE 0 END), 0) AS pair, \
         COALESCE(SUM(CASE WHEN client = $2 THEN 1 ELSE 0 END), 0) AS client, \
         COALESCE(SUM(CASE WHEN email = $1 THEN 1 ELSE 0 END), 0) AS email \
         FROM login_failures WHERE (email = $1 OR client = $2) AND at >= $3",
    )
    .bind(email.trim().to_lowercase())
    .bind(client)
    .bind(since)
    .fetch_one(store.pool())
    .await?;
    Ok(FailureCounts {
        this_email_from_this_client: row.try_get("pair")?,
        from_this_client: row.try_get("client")?,
        for_this_email: row.try_get("email")?,
    })
}

/// Forgets a client's failed sign-ins for an email after it signs in.
pub async fn clear_failures(store: &Store, email: &str, client: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1 AND client = $2")
        .bind(email.trim().to_lowercase())
        .bind(client)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Stores a new API token's hash for a user.
pub async fn create_token(
    store: &Store,
    user_id: i64,
    name: &str,
    token_hash: &str,
    prefix: &str,
    now: i64,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(prefix)
    .bind(now)
    .fetch_one(store.pool())
    .await?;
    Ok(row.try_get("id")?)
}

/// A user's tokens, newest first.
pub async fn tokens(store: &Store, user_id: i64) -> Result<Vec<ApiToken>> {
    let rows = sqlx::query(
        "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens \
         WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ApiToken {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                prefix: r.try_get("prefix")?,
                created_at: r.try_get("created_at")?,
                last_used_at: r.try_get("last_used_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect()
}

/// Revokes one of a user's tokens; `false` when they have no such live token.
pub async fn revoke_token(store: &Store, user_id: i64, token_id: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(token_id)
    .bind(user_id)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The account behind a live (unrevoked) token, marking it used.
pub async fn account_for_token(
    store: &Store,
    token_hash: &str,
    now: i64,
) -> Result<Option<Account>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {ACCOUNT_COLUMNS}, t.id AS token_id FROM api_tokens t JOIN users u ON u.id = t.user_id \
         LEFT JOIN people p ON p.id = u.person_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
    )))
    .bind(token_hash)
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let token_id: i64 = row.try_get("token_id")?;
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(token_id)
        .execute(store.pool())
        .await?;
    Ok(Some(account_from_row(&row)?))
}
