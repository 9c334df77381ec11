//! Single sign-on: each organisation's OpenID provider, and sign-ins on
//! their way through one (the state's hash, the nonce and the PKCE verifier,
//! kept on the server until the provider sends the person back, then used
//! once and deleted).

use crate::{Result, StorageError, Store};
pub use pathwise_domain::sign_on::ProviderDraft;
use sqlx::Row;
use sqlx::any::AnyRow;

/// An organisation's OpenID provider.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityProvider {
    /// The organisation.
    pub org_id: i64,
    /// Its code (in the sign-in link).
    pub org_code: String,
    /// Its name (on the sign-in button when there are several).
    pub org_name: String,
    /// The provider's issuer URL (its discovery document is under it).
    pub issuer: String,
    /// Pathwise's client id at the provider.
    pub client_id: String,
    /// The file holding the client secret.
    pub client_secret_file: String,
    /// The ID token claim holding the email address accounts are matched by.
    pub email_claim: String,
}

const PROVIDER_SELECT: &str = "SELECT i.org_id, o.code, o.name, i.issuer, i.client_id, \
     i.client_secret_file, i.email_claim FROM identity_providers i JOIN organisations o ON o.id = i.org_id";

fn provider_from(r: &AnyRow) -> Result<IdentityProvider> {
    Ok(IdentityProvider {
        org_id: r.try_get("org_id")?,
        org_code: r.try_get("code")?,
        org_name: r.try_get("name")?,
        issuer: r.try_get("issuer")?,
        client_id: r.try_get("client_id")?,
        client_secret_file: r.try_get("client_secret_file")?,
        email_claim: r.try_get("email_claim")?,
    })
}

/// Sets (or replaces) an organisation's provider, audited.
pub async fn set_provider(
    store: &Store,
    org_id: i64,
    p: &ProviderDraft,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM identity_providers WHERE org_id = $1")
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO identity_providers (org_id, issuer, client_id, client_secret_file, email_claim, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org_id)
    .bind(&p.issuer)
    .bind(&p.client_id)
    .bind(&p.client_secret_file)
    .bind(&p.email_claim)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "identity_provider.set",
        &format!("organisation:{org_id}"),
        &format!("issuer {} (client {})", p.issuer, p.client_id),
    )
    .await
}

/// Every organisation's provider, by organisation name.
pub async fn providers(store: &Store) -> Result<Vec<IdentityProvider>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{PROVIDER_SELECT} ORDER BY o.name"
    )))
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(provider_from)
    .collect()
}

/// The provider of the organisation with `code`.
pub async fn provider_for(store: &Store, org_code: &str) -> Result<IdentityProvider> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{PROVIDER_SELECT} WHERE o.code = $1"
    )))
    .bind(org_code)
    .fetch_optional(store.pool())
    .await?
    .ok_or(StorageError::NotFound("identity provider"))?;
    provider_from(&row)
}

/// A sign-in on its way through a provider.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingSignIn {
    /// The organisation whose provider it went to.
    pub org_id: i64,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier for the code exchange.
    pub pkce_verifier: String,
}

/// Keeps a sign-in sent to a provider until `expires_at`.
pub async fn begin_sign_in(
    store: &Store,
    state_hash: &str,
    p: &PendingSignIn,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM provider_sign_ins WHERE expires_at <= $1")
        .bind(now)
        .execute(store.pool())
        .await?;
    sqlx::query(
        "INSERT INTO provider_sign_ins (state_hash, org_id, nonce, pkce_verifier, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(state_hash)
    .bind(p.org_id)
    .bind(&p.nonce)
    .bind(&p.pkce_verifier)
    .bind(expires_at)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Takes the sign-in with this state (once: it is deleted), if it has not expired.
pub async fn take_sign_in(
    store: &Store,
    state_hash: &str,
    now: i64,
) -> Result<Option<PendingSignIn>> {
    let row = sqlx::query(
        "DELETE FROM provider_sign_ins WHERE state_hash = $1 RETURNING org_id, nonce, pkce_verifier, expires_at",
    )
    .bind(state_hash)
    .fetch_optional(store.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    if r.try_get::<i64, _>("expires_at")? <= now {
        return Ok(None);
    }
    Ok(Some(PendingSignIn {
        org_id: r.try_get("org_id")?,
        nonce: r.try_get("nonce")?,
        pkce_verifier: r.try_get("pkce_verifier")?,
    }))
}
