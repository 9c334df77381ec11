//! Signing in through an organisation's OpenID provider: the button's link
//! sends the browser to the provider (with PKCE, `state` and `nonce`); the
//! provider sends it back with a code, which is exchanged and its ID token
//! checked. The account is the one with the token's verified email in the
//! provider's organisation: an unknown email, another organisation's
//! account or a leaver gets a page saying so, never a new account.

use crate::AppState;
use crate::auth::{self, left_page, refused_page, same_secret};
use crate::error::{Error, Result};
use crate::single_sign_on::SIGN_IN_SECONDS;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pathwise_storage::identity_providers::{self, PendingSignIn};
use pathwise_storage::{StorageError, accounts, audit};
use serde::Deserialize;

/// The cookie binding a sign-in at a provider to the browser that began it.
pub const PROVIDER_STATE_COOKIE: &str = "pathwise_provider_state";

/// The provider sign-in routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in/with/{org}", get(start))
        .route("/sign-in/callback", get(callback))
}

fn callback_url(state: &AppState) -> String {
    format!("{}/sign-in/callback", state.public_url)
}

async fn refuse(
    state: &AppState,
    org_id: Option<i64>,
    subject: &str,
    why: &str,
    heading: &str,
    message: &str,
) -> Result<Response> {
    tracing::warn!(subject, why, "provider sign-in refused");
    audit::record(
        &state.store,
        org_id,
        None,
        state.clock.now(),
        "sign_in.refused",
        subject,
        why,
    )
    .await?;
    Ok(refused_page(heading, message))
}

async fn start(State(state): State<AppState>, Path(org): Path<String>) -> Result<Response> {
    let provider = match identity_providers::provider_for(&state.store, &org).await {
        Ok(p) => p,
        Err(StorageError::NotFound(_)) => return Err(Error::NotFound),
        Err(e) => return Err(e.into()),
    };
    let started = match state
        .providers
        .start(&provider, &callback_url(&state))
        .await
    {
        Ok(s) => s,
        Err(e) => {
            let why = format!("{e:?}");
            return refuse(
                &state,
                Some(provider.org_id),
                &org,
                &why,
                "Sign-in is not available",
                &e.to_string(),
            )
            .await;
        }
    };
    let now = state.clock.now();
    identity_providers::begin_sign_in(
        &state.store,
        &auth::token_hash(&started.state),
        &PendingSignIn {
            org_id: provider.org_id,
            nonce: started.nonce,
            pkce_verifier: started.pkce_verifier,
        },
        now,
        now + SIGN_IN_SECONDS,
    )
    .await?;
    let cookie = auth::set_cookie(
        &state,
        PROVIDER_STATE_COOKIE,
        &started.state,
        SIGN_IN_SECONDS,
    );
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, started.url)],
        [(header::SET_COOKIE, cookie)],
    )
        .into_response())
}

#[derive(Deserialize)]
struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: String,
}

async fn callback(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response> {
    let expired = (
        "Your sign-in had expired",
        "Sign-ins through your organisation must be finished within 10 minutes, in the browser they began in. Start again from the sign-in page.",
    );
    let bound = auth::cookie(&headers, PROVIDER_STATE_COOKIE)
        .is_some_and(|c| !q.state.is_empty() && same_secret(c, &q.state));
    let pending = if bound {
        identity_providers::take_sign_in(
            &state.store,
            &auth::token_hash(&q.state),
            state.clock.now(),
        )
        .await?
    } else {
        None
    };
    let Some(pending) = pending else {
        return refuse(
            &state,
            None,
            "provider sign-in",
            "unknown, expired or unbound state",
            expired.0,
            expired.1,
        )
        .await;
    };
    let providers = identity_providers::providers(&state.store).await?;
    let Some(provider) = providers.into_iter().find(|p| p.org_id == pending.org_id) else {
        return refuse(
            &state,
            Some(pending.org_id),
            "provider sign-in",
            "provider removed",
            expired.0,
            expired.1,
        )
        .await;
    };
    if !q.error.is_empty() || q.code.is_empty() {
        let why = format!("the provider answered '{}'", q.error);
        return refuse(
            &state,
            Some(provider.org_id),
            &provider.org_code,
            &why,
            "You are not signed in",
            "Your organisation's sign-in service did not sign you in. Start again, or ask your system administrator if this keeps happening.",
        )
        .await;
    }
    let email = match state
        .providers
        .finish(
            &provider,
            &callback_url(&state),
            &q.code,
            &pending.nonce,
            &pending.pkce_verifier,
        )
        .await
    {
        Ok(email) => email,
        Err(e) => {
            let why = format!("{e:?}");
            return refuse(
                &state,
                Some(provider.org_id),
                &provider.org_code,
                &why,
                "You are not signed in",
                &e.to_string(),
            )
            .await;
        }
    };
    let account = accounts::by_email(&state.store, &email)
        .await?
        .filter(|a| a.org_id == provider.org_id);
    let Some(account) = account else {
        return refuse(
            &state,
            Some(provider.org_id),
            &email,
            "no account with this email in the provider's organisation",
            "There is no Pathwise account for you yet",
            &format!(
                "Your organisation signed you in as {email}, but {} has no Pathwise account with that email address. Ask your learning and development (L&D) team to add you.",
                provider.org_name
            ),
        )
        .await;
    };
    if !account.may_sign_in(state.clock.today()) {
        return left_page(&state, &account).await;
    }
    let clear = auth::set_cookie(&state, PROVIDER_STATE_COOKIE, "", 0);
    let mut res = auth::start_session(
        &state,
        &account,
        "through the organisation's sign-in service",
    )
    .await?;
    if let Ok(v) = clear.parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}
