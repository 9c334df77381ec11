//! Single sign-on settings as an admin types them: an organisation's OpenID
//! provider (issuer, client id, where the client secret is kept, and the
//! claim that holds the email address accounts are matched by).

use crate::input::{FieldErrors, Fields};

/// An organisation's provider, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDraft {
    /// The issuer URL, without a trailing slash.
    pub issuer: String,
    /// Pathwise's client id at the provider.
    pub client_id: String,
    /// The absolute path of the file holding the client secret.
    pub client_secret_file: String,
    /// The claim holding the email address.
    pub email_claim: String,
}

/// Whether a URL is on this machine (plain HTTP is allowed there only).
fn is_loopback(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .unwrap_or("");
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

impl ProviderDraft {
    /// Reads `issuer` (an https URL, or http on this machine), `client_id`,
    /// `client_secret_file` (an absolute path) and `email_claim` (default
    /// `email`; letters, digits, `_`, `-`, `.` or `:`).
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<ProviderDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let issuer = f.field("issuer").trim_end_matches('/');
        if issuer.is_empty() {
            errors.add("issuer", "Enter the provider's issuer URL");
        } else if !(issuer.starts_with("https://")
            || issuer.starts_with("http://") && is_loopback(issuer))
            || issuer.contains(char::is_whitespace)
        {
            errors.add(
                "issuer",
                "Enter the issuer as an https:// address, like https://login.microsoftonline.com/TENANT/v2.0",
            );
        }
        let client_id = f.field("client_id");
        if client_id.is_empty() {
            errors.add("client_id", "Enter Pathwise's client id at the provider");
        } else if client_id.chars().count() > 200 {
            errors.add("client_id", "Keep the client id to 200 characters or fewer");
        }
        let secret = f.field("client_secret_file");
        if secret.is_empty() {
            errors.add(
                "client_secret_file",
                "Enter the file on the server that holds the client secret",
            );
        } else if !secret.starts_with('/') {
            errors.add(
                "client_secret_file",
                "Enter the file's full path, starting with /, like /run/secrets/pathwise-oidc",
            );
        }
        let claim = match f.field("email_claim") {
            "" => "email",
            c => c,
        };
        if claim.chars().count() > 100
            || !claim
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.:".contains(c))
        {
            errors.add(
                "email_claim",
                "Enter the claim's name, like email, preferred_username or upn",
            );
        }
        errors.or_ok(|| {
            Some(ProviderDraft {
                issuer: issuer.to_string(),
                client_id: client_id.to_string(),
                client_secret_file: secret.to_string(),
                email_claim: claim.to_string(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::form;

    #[test]
    fn a_provider_is_read_with_the_email_claim_by_default() {
        let d = ProviderDraft::parse(&form(&[
            ("issuer", "https://login.example.nhs.uk/tenant/v2.0/"),
            ("client_id", "pathwise"),
            ("client_secret_file", "/run/secrets/oidc"),
        ]))
        .unwrap();
        assert_eq!(d.issuer, "https://login.example.nhs.uk/tenant/v2.0");
        assert_eq!(d.email_claim, "email");
        let local = ProviderDraft::parse(&form(&[
            ("issuer", "http://127.0.0.1:4000"),
            ("client_id", "pathwise"),
            ("client_secret_file", "/tmp/s"),
            ("email_claim", "upn"),
        ]))
        .unwrap();
        assert_eq!(local.email_claim, "upn");
    }

    #[test]
    fn each_problem_is_named_at_its_field() {
        let e = ProviderDraft::parse(&form(&[
            ("issuer", "http://login.example.nhs.uk"),
            ("client_secret_file", "secrets/oidc"),
            ("email_claim", "e mail"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = e.list().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["issuer", "client_id", "client_secret_file", "email_claim"]
        );
        assert!(e.list()[0].message.contains("https://"));
        let empty = ProviderDraft::parse(&form(&[])).unwrap_err();
        assert_eq!(empty.list()[0].message, "Enter the provider's issuer URL");
    }
}
