//! Single sign-on through an organisation's OpenID provider: the
//! authorization code flow with PKCE, `state` (kept on the server and bound
//! to the browser by a cookie) and `nonce`, against any provider found
//! through its discovery document. The ID token is checked by its
//! signature (the provider's published keys, fetched again once when a
//! token is signed by a key not seen yet, so rotation needs no restart),
//! issuer, audience, expiry and nonce; the person's account is then found
//! by the verified email claim within the provider's organisation.

use base64::Engine;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::reqwest;
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, SignatureVerificationError,
    TokenResponse,
};
use pathwise_storage::identity_providers::IdentityProvider;
use std::collections::HashMap;
use std::sync::RwLock;

/// How long a sign-in may take at the provider, in seconds.
pub const SIGN_IN_SECONDS: i64 = 600;

/// Why a sign-in through a provider did not go through, in words for the
/// person (the detail goes to the log and the audit trail).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderRefusal {
    /// The provider could not be reached or answered wrongly.
    #[error(
        "Your organisation's sign-in service is not answering. Try again in a few minutes, or sign in with your email address and password."
    )]
    Unreachable(String),
    /// The ID token failed a check.
    #[error(
        "Your organisation's sign-in service sent a sign-in that Pathwise could not accept. Start again; if it happens again, ask your system administrator to check the Pathwise settings for your organisation."
    )]
    TokenRefused(String),
    /// The token named no verified email address.
    #[error(
        "Your organisation's sign-in service did not confirm your email address, so Pathwise cannot tell which account is yours. Ask your system administrator."
    )]
    NoVerifiedEmail(String),
}

/// Provider discovery documents (with their keys), cached by issuer.
#[derive(Debug)]
pub struct Providers {
    http: reqwest::Client,
    metadata: RwLock<HashMap<String, CoreProviderMetadata>>,
}

impl Default for Providers {
    fn default() -> Self {
        Providers {
            // Following redirects would let a provider's answer send
            // Pathwise to any address (SSRF), so none are followed.
            http: reqwest::ClientBuilder::new()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(15))
                .build()
                .unwrap_or_default(),
            metadata: RwLock::default(),
        }
    }
}

/// Where the browser goes, and what to keep until it comes back.
#[derive(Debug)]
pub struct Started {
    /// The provider's authorization URL.
    pub url: String,
    /// The `state` sent (kept in a cookie and, hashed, on the server).
    pub state: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
}

fn secret(p: &IdentityProvider) -> Result<ClientSecret, ProviderRefusal> {
    let text = std::fs::read_to_string(&p.client_secret_file).map_err(|e| {
        ProviderRefusal::Unreachable(format!("client secret file {}: {e}", p.client_secret_file))
    })?;
    Ok(ClientSecret::new(text.trim().to_string()))
}

/// A client for a provider, as discovered, sending people back to `redirect`.
type ProviderClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

fn provider_client(
    metadata: CoreProviderMetadata,
    p: &IdentityProvider,
    secret: ClientSecret,
    redirect: RedirectUrl,
) -> ProviderClient {
    CoreClient::from_provider_metadata(metadata, ClientId::new(p.client_id.clone()), Some(secret))
        .set_redirect_uri(redirect)
}

impl Providers {
    async fn discover(&self, issuer: &str) -> Result<CoreProviderMetadata, ProviderRefusal> {
        let url = IssuerUrl::new(issuer.to_string())
            .map_err(|e| ProviderRefusal::Unreachable(format!("issuer {issuer}: {e}")))?;
        let m = CoreProviderMetadata::discover_async(url, &self.http)
            .await
            .map_err(|e| ProviderRefusal::Unreachable(format!("discovery at {issuer}: {e}")))?;
        if let Ok(mut cache) = self.metadata.write() {
            cache.insert(issuer.to_string(), m.clone());
        }
        Ok(m)
    }

    async fn metadata(&self, issuer: &str) -> Result<CoreProviderMetadata, ProviderRefusal> {
        let cached = self
            .metadata
            .read()
            .ok()
            .and_then(|c| c.get(issuer).cloned());
        match cached {
            Some(m) => Ok(m),
            None => self.discover(issuer).await,
        }
    }

    /// Reads the provider's discovery document (and keys) afresh, to check
    /// an issuer before it is saved.
    pub async fn check(&self, issuer: &str) -> Result<(), ProviderRefusal> {
        self.discover(issuer).await.map(|_| ())
    }

    /// Starts a sign-in at `p` returning to `redirect_uri`.
    pub async fn start(
        &self,
        p: &IdentityProvider,
        redirect_uri: &str,
    ) -> Result<Started, ProviderRefusal> {
        let metadata = self.metadata(&p.issuer).await?;
        let redirect = RedirectUrl::new(redirect_uri.to_string())
            .map_err(|e| ProviderRefusal::Unreachable(format!("redirect {redirect_uri}: {e}")))?;
        let client = provider_client(metadata, p, secret(p)?, redirect);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Started {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code for tokens and checks the ID token; the email
    /// address it vouches for, lower case.
    pub async fn finish(
        &self,
        p: &IdentityProvider,
        redirect_uri: &str,
        code: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<String, ProviderRefusal> {
        let metadata = self.metadata(&p.issuer).await?;
        let redirect = RedirectUrl::new(redirect_uri.to_string())
            .map_err(|e| ProviderRefusal::Unreachable(format!("redirect {redirect_uri}: {e}")))?;
        let secret = secret(p)?;
        let client = provider_client(metadata, p, secret.clone(), redirect.clone());
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| ProviderRefusal::Unreachable(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|e| ProviderRefusal::Unreachable(format!("code exchange: {e}")))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| ProviderRefusal::TokenRefused("no ID token in the answer".into()))?;
        let nonce = Nonce::new(nonce.to_string());
        let first = id_token
            .claims(&client.id_token_verifier(), &nonce)
            .map(|c| c.subject().clone());
        let (client, subject) = match first {
            Ok(subject) => (client, subject),
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                // Signed by a key not seen yet: the provider may have
                // rotated its keys. Fetch them again and check once more.
                let fresh = self.discover(&p.issuer).await?;
                let client = provider_client(fresh, p, secret, redirect);
                let subject = id_token
                    .claims(&client.id_token_verifier(), &nonce)
                    .map_err(|e| ProviderRefusal::TokenRefused(e.to_string()))?
                    .subject()
                    .clone();
                (client, subject)
            }
            Err(e) => return Err(ProviderRefusal::TokenRefused(e.to_string())),
        };
        match verified_email(id_token, &p.email_claim) {
            Err(ProviderRefusal::NoVerifiedEmail(_)) if p.email_claim == "email" => {
                // Claims asked for by scope may come from the UserInfo
                // endpoint instead of the ID token (OpenID Connect Core
                // 5.4); the answer must be about the same subject.
                let info: CoreUserInfoClaims = client
                    .user_info(tokens.access_token().clone(), Some(subject))
                    .map_err(|e| {
                        ProviderRefusal::NoVerifiedEmail(format!("no UserInfo endpoint: {e}"))
                    })?
                    .request_async(&self.http)
                    .await
                    .map_err(|e| ProviderRefusal::NoVerifiedEmail(format!("UserInfo: {e}")))?;
                match (info.email(), info.email_verified()) {
                    (Some(email), Some(true)) => Ok(email.as_str().trim().to_lowercase()),
                    _ => Err(ProviderRefusal::NoVerifiedEmail(
                        "no verified email from UserInfo".into(),
                    )),
                }
            }
            other => other,
        }
    }
}

/// The email address in an ID token whose signature and claims were
/// checked: the `email` claim only when `email_verified` is true; another
/// claim (such as `preferred_username` or `upn`, which a directory only
/// issues for its own accounts) as it is.
fn verified_email(id_token: &CoreIdToken, claim: &str) -> Result<String, ProviderRefusal> {
    let payload = id_token
        .to_string()
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .ok_or_else(|| ProviderRefusal::TokenRefused("unreadable ID token payload".into()))?;
    let email = payload
        .get(claim)
        .and_then(|v| v.as_str())
        .map(|s| s.trim().to_lowercase())
        .filter(|s| s.contains('@'))
        .ok_or_else(|| ProviderRefusal::NoVerifiedEmail(format!("no '{claim}' claim")))?;
    if claim == "email" && payload.get("email_verified").and_then(|v| v.as_bool()) != Some(true) {
        return Err(ProviderRefusal::NoVerifiedEmail(
            "email_verified is not true".into(),
        ));
    }
    Ok(email)
}
