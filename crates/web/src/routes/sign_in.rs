//! Signing in and out: the sign-in form (with its own CSRF cookie, before
//! there is a session), throttled failures, and the home page's redirect to
//! the signed-in person's first page.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::forms::CsrfForm;
use crate::views::*;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::AppRole;
use pathwise_storage::{accounts, audit, identity_providers};
use serde::Deserialize;

use crate::auth::{ClientAddress, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE};
use pathwise_domain::throttle;

/// Home, sign-in and sign-out.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/sign-in", get(sign_in_form).post(sign_in))
        .route("/sign-out", post(sign_out))
}

async fn home(user: Option<CurrentUser>) -> Redirect {
    match user {
        None => Redirect::to("/sign-in"),
        Some(u) if u.has(AppRole::Manager) => Redirect::to("/team"),
        Some(u) if u.account.person_id.is_some() && !u.has(AppRole::Analyst) => Redirect::to("/me"),
        Some(_) => Redirect::to("/catalogue"),
    }
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn sign_in_page(
    state: &AppState,
    email: &str,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<Response> {
    let csrf = auth::random_token();
    let cookie = auth::set_cookie(state, SIGN_IN_CSRF_COOKIE, &csrf, 3600);
    let providers = identity_providers::providers(&state.store)
        .await?
        .into_iter()
        .map(|p| (p.org_code, p.org_name))
        .collect();
    let page = SignInPage {
        layout: Layout::anonymous("Sign in"),
        form_csrf: csrf,
        email: email.to_string(),
        errors,
        providers,
    };
    Ok((status, [(header::SET_COOKIE, cookie)], page).into_response())
}

async fn sign_in_form(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
) -> Result<Response> {
    if user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    sign_in_page(&state, "", Vec::new(), StatusCode::OK).await
}

/// A fixed argon2 hash checked when no account matches, so that a wrong
/// email takes as long as a wrong password.
const NO_ACCOUNT_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2c2Pj0bXyMxvYbwBLm0GrwXL2m7NLk0tQdxl8m4X5SQ";

async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: axum::http::HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response> {
    let cookie_csrf = auth::cookie(&headers, SIGN_IN_CSRF_COOKIE);
    let email = form.email.trim().to_lowercase();
    if !cookie_csrf.is_some_and(|c| auth::same_secret(c, &form.csrf)) {
        let e = FieldError::new(
            "email",
            "Your sign-in form had expired. Enter your details again",
        );
        return sign_in_page(&state, &email, vec![e], StatusCode::FORBIDDEN).await;
    }
    let mut errors = Vec::new();
    if email.is_empty() {
        errors.push(FieldError::new("email", "Enter your email address"));
    } else if !email.contains('@') {
        errors.push(FieldError::new(
            "email",
            "Enter an email address in the correct format, like name@example.org",
        ));
    }
    if form.password.is_empty() {
        errors.push(FieldError::new("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return sign_in_page(&state, &email, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let now = state.clock.now();
    let account = accounts::by_email(&state.store, &email).await?;
    let org = account.as_ref().map(|a| a.org_id);
    let recent = accounts::failures_since(
        &state.store,
        &email,
        &client,
        now - throttle::WINDOW_SECONDS,
    )
    .await?;
    if recent.throttled() {
        audit::record(
            &state.store,
            org,
            None,
            now,
            "sign_in.throttled",
            &email,
            &format!("too many failed attempts (from {client})"),
        )
        .await?;
        let e = FieldError::new(
            "password",
            "Too many failed attempts. Wait 15 minutes, then try again, or ask your system administrator to help",
        );
        return sign_in_page(&state, &email, vec![e], StatusCode::TOO_MANY_REQUESTS).await;
    }
    let hash = account
        .as_ref()
        .map_or(NO_ACCOUNT_HASH, |a| a.password_hash.as_str())
        .to_string();
    let password = form.password.clone();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    let Some(account) = account.filter(|_| ok) else {
        accounts::record_failure(&state.store, &email, &client, now).await?;
        audit::record(
            &state.store,
            org,
            None,
            now,
            "sign_in.failed",
            &email,
            &format!("wrong email or password (from {client})"),
        )
        .await?;
        let e = FieldError::new(
            "password",
            "The email address or password is not right. Check them and try again",
        );
        return sign_in_page(&state, &email, vec![e], StatusCode::UNAUTHORIZED).await;
    };
    accounts::clear_failures(&state.store, &email, &client).await?;
    if !account.may_sign_in(state.clock.today()) {
        return auth::left_page(&state, &account).await;
    }
    auth::start_session(&state, &account, "").await
}

async fn sign_out(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: axum::http::HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE) {
        accounts::end_session(&state.store, &auth::token_hash(token)).await?;
    }
    let clear = auth::set_cookie(&state, SESSION_COOKIE, "", 0);
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/sign-in".to_string())],
        [(header::SET_COOKIE, clear)],
    )
        .into_response())
}
