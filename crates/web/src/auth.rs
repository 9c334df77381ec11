//! Who is asking: passwords (argon2), server-side sessions in an HttpOnly
//! SameSite cookie, personal API tokens, CSRF tokens and sign-in throttling.
//! Only hashes of session and API tokens are stored.

use crate::AppState;
use crate::error::{Error, Result};
use crate::views::{Layout, SignInRefusedPage};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::StatusCode;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use pathwise_domain::{AppRole, AssessingScope, Viewer};
use pathwise_storage::accounts::{self, Account};
use pathwise_storage::pathways::{self, InboxScope};
use pathwise_storage::{audit, notifications};
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "pathwise_session";
/// The cookie holding the sign-in form's CSRF token (before there is a session).
pub const SIGN_IN_CSRF_COOKIE: &str = "pathwise_signin_csrf";
/// How long a session lasts, in seconds.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt_bytes = [0u8; 16];
    rand::fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))?
        .to_string())
}

/// Whether `password` matches a stored argon2 hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random token: 32 bytes as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    hex(&bytes)
}

/// SHA-256 of a token, as hex: what is stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares secrets without an early exit.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Reads a cookie from the request's headers.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, and Secure when configured.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> String {
    format!(
        "{name}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{}",
        if state.secure_cookies { "; Secure" } else { "" }
    )
}

/// The signed-in person making a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// Their account.
    pub account: Account,
    /// What the access rules need.
    pub viewer: Viewer,
    /// The session's CSRF token (absent for API tokens, which need none).
    pub csrf: Option<String>,
    /// Evidence waiting for this person's decision, for assessors on pages.
    pub inbox: Option<i64>,
    /// Their unread notifications, on pages.
    pub unread: Option<i64>,
}

impl CurrentUser {
    /// Whether they hold a role.
    pub fn has(&self, role: AppRole) -> bool {
        self.viewer.has(role)
    }

    /// Whether they hold any role besides learner.
    pub fn roles_beyond_learner(&self) -> bool {
        AppRole::ALL
            .into_iter()
            .any(|r| r != AppRole::Learner && self.has(r))
    }

    /// Checks a submitted form's CSRF token against the session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<()> {
        match &self.csrf {
            Some(expected) if same_secret(expected, submitted) => Ok(()),
            _ => Err(Error::Csrf),
        }
    }
}

/// Whose evidence reaches a viewer's inbox, as the storage query needs it.
pub fn inbox_scope(viewer: &Viewer) -> Option<InboxScope> {
    let scope = viewer.assessing()?;
    Some(match scope {
        AssessingScope::WholeOrganisation => InboxScope {
            org_id: viewer.org_id,
            whole_organisation: true,
            // Only orders the inbox: the manager's own team comes first.
            reports_of: viewer.person_id.filter(|_| viewer.has(AppRole::Manager)),
            site: None,
            me: viewer.person_id,
            learner: None,
        },
        AssessingScope::Some { reports_of, site } => InboxScope {
            org_id: viewer.org_id,
            whole_organisation: false,
            reports_of,
            site,
            me: viewer.person_id,
            learner: None,
        },
    })
}

fn viewer_for(account: &Account) -> Viewer {
    Viewer {
        org_id: account.org_id,
        person_id: account.person_id,
        site_id: account.site_id,
        roles: account.roles.clone(),
    }
}

/// The address a request came from: the configured proxy header's last
/// entry, or else the connection's peer address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        if let Some(name) = &state.client_address_header
            && let Some(last) = parts
                .headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|v| !v.is_empty())
        {
            return Ok(ClientAddress(last.to_string()));
        }
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string());
        Ok(ClientAddress(peer))
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let api = parts.uri.path().starts_with("/api/");
        let now = state.clock.now();
        // An API token in the Authorization header wins over a cookie, and
        // counts only on the JSON API: pages and file downloads need a
        // signed-in session (with its CSRF token).
        if let Some(bearer) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .filter(|_| parts.uri.path().starts_with("/api/v1/"))
        {
            let account =
                accounts::account_for_token(&state.store, &token_hash(bearer.trim()), now)
                    .await?
                    .filter(|a| a.may_sign_in(state.clock.today()))
                    .ok_or(Error::Unauthenticated { api })?;
            let viewer = viewer_for(&account);
            return Ok(CurrentUser {
                account,
                viewer,
                csrf: None,
                inbox: None,
                unread: None,
            });
        }
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(Error::Unauthenticated { api })?;
        let (account, csrf) = accounts::session(&state.store, &token_hash(token), now)
            .await?
            .filter(|(a, _)| a.may_sign_in(state.clock.today()))
            .ok_or(Error::Unauthenticated { api })?;
        let viewer = viewer_for(&account);
        let inbox = match inbox_scope(&viewer) {
            Some(scope) if !api => Some(pathways::inbox_count(&state.store, scope).await?),
            _ => None,
        };
        let unread = if api {
            None
        } else {
            Some(notifications::unread_count(&state.store, account.id).await?)
        };
        Ok(CurrentUser {
            account,
            viewer,
            csrf: Some(csrf),
            inbox,
            unread,
        })
    }
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>> {
        match <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(u) => Ok(Some(u)),
            Err(Error::Unauthenticated { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Starts a session for `account` (audited as a sign-in, `how` saying by
/// what means when not by password) and sends the browser home.
pub async fn start_session(state: &AppState, account: &Account, how: &str) -> Result<Response> {
    let now = state.clock.now();
    let token = random_token();
    let csrf = random_token();
    accounts::start_session(
        &state.store,
        &token_hash(&token),
        account.id,
        &csrf,
        now,
        now + SESSION_SECONDS,
    )
    .await?;
    audit::record(
        &state.store,
        Some(account.org_id),
        Some(account.id),
        now,
        "sign_in.succeeded",
        &account.email,
        how,
    )
    .await?;
    let session = set_cookie(state, SESSION_COOKIE, &token, SESSION_SECONDS);
    let clear = set_cookie(state, SIGN_IN_CSRF_COOKIE, "", 0);
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/".to_string())],
        [(header::SET_COOKIE, session)],
        [(header::SET_COOKIE, clear)],
    )
        .into_response())
}

/// The page for someone whose staff record shows they have left (audited).
pub async fn left_page(state: &AppState, account: &Account) -> Result<Response> {
    audit::record(
        &state.store,
        Some(account.org_id),
        None,
        state.clock.now(),
        "sign_in.refused",
        &account.email,
        "the person has left the organisation",
    )
    .await?;
    Ok(refused_page(
        "Your Pathwise account is closed",
        "Your staff record shows that you have left the organisation, so you cannot sign in. If this is wrong, ask your learning and development (L&D) team to correct your record.",
    ))
}

/// A sign-in refused, in words, with the way back to the sign-in page.
pub fn refused_page(heading: &str, message: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        SignInRefusedPage {
            layout: Layout::anonymous(heading),
            heading: heading.to_string(),
            message: message.to_string(),
        },
    )
        .into_response()
}

/// Records that someone asked for something that is not theirs, then answers 404.
pub async fn refuse(state: &AppState, user: &CurrentUser, subject: &str) -> Error {
    tracing::warn!(user = user.account.id, subject, "access refused");
    if let Err(e) = audit::record(
        &state.store,
        Some(user.account.org_id),
        Some(user.account.id),
        state.clock.now(),
        "access.denied",
        subject,
        &format!("{} asked for {subject}", user.account.email),
    )
    .await
    {
        return Error::Internal(e.into());
    }
    Error::NotFound
}

/// Lets L&D admins through; refuses anyone else (audited under `what`).
pub async fn require_admin(state: &AppState, user: &CurrentUser, what: &str) -> Result<()> {
    if user.viewer.may_edit_framework() {
        Ok(())
    } else {
        Err(refuse(state, user, what).await)
    }
}

/// Refuses, with an audit entry, anyone who may not see money (the levy
/// account, apprenticeship prices): only L&D and finance may.
pub async fn require_money(state: &AppState, user: &CurrentUser, what: &str) -> Result<()> {
    if user.viewer.sees_money() {
        Ok(())
    } else {
        Err(refuse(state, user, what).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("Correct horse", &h));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashes_are_stable() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(token_hash("x"), token_hash("x"));
        assert_ne!(token_hash("x"), "x");
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
