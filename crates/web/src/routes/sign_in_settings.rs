//! The system admin's sign-in settings: the organisation's OpenID provider
//! (shown with the redirect address to register at the provider) and the
//! form to set or change it. Before saving, the secret file must be
//! readable here and the provider's discovery document must answer.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::Result;
use crate::forms::{self, FormFields, NoticeQuery, csrf_in, see_other, unprocessable};
use crate::views::*;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use pathwise_domain::AppRole;
use pathwise_domain::input::Fields;
use pathwise_domain::sign_on::ProviderDraft;
use pathwise_storage::identity_providers;

/// The sign-in settings page.
pub fn router() -> Router<AppState> {
    Router::new().route("/admin/sign-in", get(settings).post(save))
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    typed: Option<&FormFields>,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<SignInSettingsPage> {
    let current = identity_providers::providers(&state.store)
        .await?
        .into_iter()
        .find(|p| p.org_id == user.account.org_id);
    let value = |name: &str, stored: Option<&str>| match typed {
        Some(f) => f.field(name).to_string(),
        None => stored.unwrap_or_default().to_string(),
    };
    let c = current.as_ref();
    Ok(SignInSettingsPage {
        layout: Layout::for_user("Sign-in settings", user, "/admin/sign-in"),
        issuer: c.map(|p| p.issuer.clone()).unwrap_or_default(),
        fields: vec![
            SettingField {
                name: "issuer",
                label: "Issuer address",
                hint: "From the provider, like https://login.microsoftonline.com/TENANT/v2.0",
                value: value("issuer", c.map(|p| p.issuer.as_str())),
            },
            SettingField {
                name: "client_id",
                label: "Client id",
                hint: "The id the provider gave Pathwise",
                value: value("client_id", c.map(|p| p.client_id.as_str())),
            },
            SettingField {
                name: "client_secret_file",
                label: "Client secret file",
                hint: "The full path of a file on the server holding the client secret (the secret itself never goes in Pathwise's database)",
                value: value(
                    "client_secret_file",
                    c.map(|p| p.client_secret_file.as_str()),
                ),
            },
            SettingField {
                name: "email_claim",
                label: "Email claim",
                hint: "Usually email; preferred_username or upn for Microsoft Entra ID",
                value: value(
                    "email_claim",
                    c.map(|p| p.email_claim.as_str()).or(Some("email")),
                ),
            },
        ],
        configured: current.is_some(),
        callback_url: format!("{}/sign-in/callback", state.public_url),
        errors,
        notice,
    })
}

async fn allowed(state: &AppState, user: &CurrentUser) -> Result<()> {
    if user.has(AppRole::SystemAdmin) {
        Ok(())
    } else {
        Err(auth::refuse(state, user, "sign-in settings").await)
    }
}

async fn settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> Result<SignInSettingsPage> {
    allowed(&state, &user).await?;
    page(&state, &user, None, Vec::new(), forms::notice(&q.done)).await
}

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::Form(f): axum::Form<FormFields>,
) -> Result<Response> {
    allowed(&state, &user).await?;
    user.check_csrf(csrf_in(&f))?;
    let draft = match ProviderDraft::parse(&f) {
        Ok(d) => d,
        Err(e) => {
            return Ok(unprocessable(
                page(&state, &user, Some(&f), e.into_list(), None).await?,
            ));
        }
    };
    let readable =
        std::fs::read_to_string(&draft.client_secret_file).is_ok_and(|s| !s.trim().is_empty());
    if !readable {
        let e = FieldError::new(
            "client_secret_file",
            &format!(
                "Pathwise cannot read a secret from {} on this server. Put the client secret in that file, readable by the Pathwise service, on every server",
                draft.client_secret_file
            ),
        );
        return Ok(unprocessable(
            page(&state, &user, Some(&f), vec![e], None).await?,
        ));
    }
    if let Err(why) = state.providers.check(&draft.issuer).await {
        tracing::warn!(?why, issuer = draft.issuer, "provider check failed");
        let e = FieldError::new(
            "issuer",
            &format!(
                "Pathwise could not read the provider's settings at {}/.well-known/openid-configuration. Check the issuer address",
                draft.issuer
            ),
        );
        return Ok(unprocessable(
            page(&state, &user, Some(&f), vec![e], None).await?,
        ));
    }
    identity_providers::set_provider(
        &state.store,
        user.account.org_id,
        &draft,
        Some(user.account.id),
        state.clock.now(),
    )
    .await?;
    Ok(see_other(
        "/admin/sign-in?done=Saved.+Staff+can+now+sign+in+with+their+organisation+account.",
    ))
}
