//! `pathwise admin`: accounts, the organisation's identity provider and leavers.

use crate::{DatabaseArgs, identity, open};
use anyhow::{Result, bail};
use clap::Subcommand;
use pathwise_domain::AppRole;
use pathwise_storage::{accounts, people};
use pathwise_web::auth;
use pathwise_web::clock::Clock;
use std::io::{BufRead, IsTerminal};

/// The admin commands.
#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an account for an organisation (made if new): an L&D lead and
    /// system admin unless --role says otherwise. The password is read from
    /// PATHWISE_ADMIN_PASSWORD or standard input.
    Create {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// Name shown in the app.
        #[arg(long)]
        name: String,
        /// Organisation code, e.g. the ODS code RXX.
        #[arg(long)]
        org_code: String,
        /// Organisation name, needed when the organisation is new.
        #[arg(long)]
        org_name: Option<String>,
        /// A role to give, repeated for several: ld_admin, system_admin,
        /// analyst, finance, outreach, manager, assessor or learner
        /// (default: ld_admin and system_admin).
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
    },
    /// Let an organisation's staff sign in through its OpenID Connect
    /// provider (Microsoft Entra ID, NHS CIS2 or any other). Accounts are
    /// matched by email within the organisation; nobody gets an account by
    /// signing in.
    IdentityProvider {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        provider: identity::ProviderArgs,
    },
    /// Record that the person of an account left: from that day they cannot
    /// sign in, by password or through a provider.
    Leaver {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The account's email.
        #[arg(long)]
        email: String,
        /// The day they left, like 2026-12-31 (default: today).
        #[arg(long)]
        on: Option<String>,
    },
}

/// Runs an admin command.
pub async fn run(command: AdminCommand) -> Result<()> {
    match command {
        AdminCommand::IdentityProvider { db, provider } => {
            identity::set_provider(&db, &provider).await
        }
        AdminCommand::Leaver { db, email, on } => {
            identity::record_leaver(&db, &email, on.as_deref()).await
        }
        AdminCommand::Create {
            db,
            email,
            name,
            org_code,
            org_name,
            roles,
        } => {
            let roles: Vec<AppRole> = if roles.is_empty() {
                vec![AppRole::LdAdmin, AppRole::SystemAdmin]
            } else {
                roles
                    .iter()
                    .map(|r| {
                        AppRole::from_code(r).ok_or_else(|| {
                            anyhow::anyhow!(
                                "--role: '{r}' is not a role: use one of {}",
                                AppRole::ALL.map(|a| a.code()).join(", ")
                            )
                        })
                    })
                    .collect::<Result<_>>()?
            };
            // Not a clap option: a password on the command line shows in `ps`.
            #[allow(
                clippy::disallowed_methods,
                reason = "configuration: the admin password, never a flag"
            )]
            let from_env = std::env::var("PATHWISE_ADMIN_PASSWORD");
            let password = match from_env {
                Ok(p) => p,
                Err(_) => {
                    if std::io::stdin().is_terminal() {
                        eprint!("Password for {email} (at least 12 characters): ");
                    }
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            if password.chars().count() < 12 {
                bail!("password: use at least 12 characters");
            }
            if !email.contains('@') {
                bail!("email: '{email}' is not an email address");
            }
            let (store, shipped) = open(&db, "pathwise.sqlite").await?;
            let org_id = match people::organisation_by_code(&store, &org_code).await? {
                Some((id, _)) => id,
                None => {
                    let Some(org_name) = org_name else {
                        bail!(
                            "org-name: organisation {org_code} is new, so give its name with --org-name"
                        );
                    };
                    let id = people::create_organisation(&store, &org_code, &org_name).await?;
                    pathwise_storage::shipped::ensure_pathways(
                        &store,
                        &shipped,
                        id,
                        Clock::System.now(),
                    )
                    .await?;
                    id
                }
            };
            let hash = auth::hash_password(&password)?;
            accounts::create(
                &store,
                &accounts::NewAccount {
                    org_id,
                    person_id: None,
                    email: &email,
                    display_name: &name,
                    password_hash: &hash,
                    roles: &roles,
                },
                Clock::System.now(),
            )
            .await?;
            let names: Vec<&str> = roles.iter().map(|r| r.label()).collect();
            println!(
                "Created {email} for organisation {org_code} ({}).",
                names.join(", ")
            );
            Ok(())
        }
    }
}
