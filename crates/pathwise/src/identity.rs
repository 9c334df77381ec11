//! Who may sign in: an organisation's OpenID provider (set by `serve`'s
//! `--oidc-*` flags or `pathwise admin identity-provider`), and leavers,
//! who cannot sign in at all from the day they leave.

use crate::{DatabaseArgs, open};
use anyhow::{Context, Result, bail};
use clap::Args;
use pathwise_storage::identity_providers::{self, ProviderDraft};
use pathwise_storage::{Store, accounts, people};
use pathwise_web::clock::Clock;
use std::collections::HashMap;
use std::path::PathBuf;

/// An organisation's OpenID Connect provider.
#[derive(Args, Clone, Debug, Default)]
pub struct ProviderArgs {
    /// The provider's issuer URL (its discovery document is at
    /// ISSUER/.well-known/openid-configuration), e.g.
    /// https://login.microsoftonline.com/TENANT/v2.0. Register
    /// PUBLIC_URL/sign-in/callback as the redirect URI at the provider.
    #[arg(long, env = "PATHWISE_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// Pathwise's client id at the provider.
    #[arg(long, env = "PATHWISE_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,
    /// A file holding the client secret (read at each sign-in, so every
    /// server needs it; never stored in the database).
    #[arg(
        long,
        env = "PATHWISE_OIDC_CLIENT_SECRET_FILE",
        requires = "oidc_issuer"
    )]
    pub oidc_client_secret_file: Option<PathBuf>,
    /// The ID token claim with the email address accounts are matched by
    /// (`email` needs `email_verified`; `preferred_username` or `upn` for
    /// Microsoft Entra ID).
    #[arg(long, env = "PATHWISE_OIDC_EMAIL_CLAIM", default_value = "email")]
    pub oidc_email_claim: String,
    /// The organisation (its code) whose staff sign in through this provider
    /// (default: the only organisation).
    #[arg(long, env = "PATHWISE_OIDC_ORGANISATION")]
    pub oidc_organisation: Option<String>,
}

/// Stores the provider the flags describe, if they describe one: checked
/// as the admin page checks it, each problem named by its flag.
pub async fn set_from_flags(store: &Store, p: &ProviderArgs) -> Result<()> {
    let Some(issuer) = &p.oidc_issuer else {
        return Ok(());
    };
    let secret_file = match &p.oidc_client_secret_file {
        Some(f) => std::path::absolute(f)?.to_string_lossy().into_owned(),
        None => String::new(),
    };
    let fields: HashMap<String, String> = [
        ("issuer", issuer.clone()),
        ("client_id", p.oidc_client_id.clone().unwrap_or_default()),
        ("client_secret_file", secret_file),
        ("email_claim", p.oidc_email_claim.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let draft = ProviderDraft::parse(&fields).map_err(|errors| {
        let lines: Vec<String> = errors
            .list()
            .iter()
            .map(|e| format!("--oidc-{}: {}", e.field.replace('_', "-"), e.message))
            .collect();
        anyhow::anyhow!(lines.join("\n"))
    })?;
    let secret = std::fs::read_to_string(&draft.client_secret_file).with_context(|| {
        format!(
            "--oidc-client-secret-file: reading {}",
            draft.client_secret_file
        )
    })?;
    if secret.trim().is_empty() {
        bail!(
            "--oidc-client-secret-file: {} is empty",
            draft.client_secret_file
        );
    }
    let org_id = match &p.oidc_organisation {
        Some(code) => {
            people::organisation_by_code(store, code)
                .await?
                .with_context(|| format!("--oidc-organisation: there is no organisation {code}"))?
                .0
        }
        None => match people::organisation_ids(store).await?.as_slice() {
            [only] => *only,
            [] => bail!(
                "--oidc-issuer: there is no organisation yet; create one with `pathwise admin create`"
            ),
            _ => bail!(
                "--oidc-organisation: there are several organisations, so name the one this provider is for"
            ),
        },
    };
    identity_providers::set_provider(store, org_id, &draft, None, Clock::System.now()).await?;
    Ok(())
}

/// `pathwise admin identity-provider`: sets an organisation's provider.
pub async fn set_provider(db: &DatabaseArgs, p: &ProviderArgs) -> Result<()> {
    if p.oidc_issuer.is_none() {
        bail!("--oidc-issuer: give the provider's issuer URL");
    }
    let (store, _) = open(db, "pathwise.sqlite").await?;
    set_from_flags(&store, p).await?;
    println!(
        "Staff can now sign in through {} (the button shows on the sign-in page).",
        p.oidc_issuer.as_deref().unwrap_or_default()
    );
    Ok(())
}

/// `pathwise admin leaver`: records that the person of an account left.
pub async fn record_leaver(db: &DatabaseArgs, email: &str, on: Option<&str>) -> Result<()> {
    let (store, _) = open(db, "pathwise.sqlite").await?;
    let account = accounts::by_email(&store, email)
        .await?
        .with_context(|| format!("email: there is no account for {email}"))?;
    let person = account
        .person_id
        .with_context(|| format!("email: the account {email} has no staff record"))?;
    let today = pathwise_web::today();
    let on = match on {
        Some(s) => s
            .parse()
            .map_err(|_| anyhow::anyhow!("on: '{s}' is not a date like {today}"))?,
        None => today,
    };
    people::record_leaving(
        &store,
        account.org_id,
        person,
        on,
        None,
        Clock::System.now(),
    )
    .await?;
    println!(
        "{email} left on {}: they cannot sign in from that day.",
        on.in_words()
    );
    Ok(())
}
