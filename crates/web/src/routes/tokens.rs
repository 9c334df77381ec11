//! Personal API tokens: made (shown once), listed and revoked, each audited.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::Result;
use crate::forms::CsrfForm;
use crate::views::*;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_storage::{accounts, audit};
use serde::Deserialize;

/// The API token pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/tokens", get(tokens).post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

async fn tokens_page(
    state: &AppState,
    user: &CurrentUser,
    new_token: Option<String>,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<TokensPage> {
    let tokens = accounts::tokens(&state.store, user.account.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created: date_time(t.created_at),
            last_used: t.last_used_at.map_or("Never".into(), date_time),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    Ok(TokensPage {
        layout: Layout::for_user("API tokens", user, "/account/tokens"),
        tokens,
        new_token,
        errors,
        notice,
    })
}

#[derive(Deserialize)]
struct RevokedQuery {
    #[serde(default)]
    revoked: Option<String>,
}

async fn tokens(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RevokedQuery>,
) -> Result<TokensPage> {
    tokens_page(
        &state,
        &user,
        None,
        Vec::new(),
        q.revoked.map(|_| "The token was revoked.".into()),
    )
    .await
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<TokenForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        let errors = vec![FieldError::new(
            "name",
            "Enter a token name of up to 60 characters",
        )];
        let page = tokens_page(&state, &user, None, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let token = format!("pw_{}", auth::random_token());
    let now = state.clock.now();
    accounts::create_token(
        &state.store,
        user.account.id,
        name,
        &auth::token_hash(&token),
        &token[..10],
        now,
    )
    .await?;
    audit::record(
        &state.store,
        Some(user.account.org_id),
        Some(user.account.id),
        now,
        "token.created",
        &format!("user:{}", user.account.id),
        name,
    )
    .await?;
    Ok(tokens_page(&state, &user, Some(token), Vec::new(), None)
        .await?
        .into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect> {
    user.check_csrf(&form.csrf)?;
    let now = state.clock.now();
    if !accounts::revoke_token(&state.store, user.account.id, id, now).await? {
        return Err(auth::refuse(&state, &user, &format!("token:{id}")).await);
    }
    audit::record(
        &state.store,
        Some(user.account.org_id),
        Some(user.account.id),
        now,
        "token.revoked",
        &format!("token:{id}"),
        "",
    )
    .await?;
    Ok(Redirect::to("/account/tokens?revoked=1"))
}
