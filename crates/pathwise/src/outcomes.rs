//! `pathwise outcomes`: an organisation's workforce outcomes from its staff
//! records, as the API gives them.

use crate::{DatabaseArgs, open};
use anyhow::{Result, bail};
use clap::Subcommand;
use pathwise_storage::people;
use std::path::PathBuf;

/// Who the figures are for, as the outcome commands read it.
#[derive(clap::Args)]
pub struct OutcomeArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// The organisation's code.
    #[arg(long)]
    org_code: String,
    /// A site code.
    #[arg(long)]
    site: Option<String>,
    /// csw (support workers, the default), registered, other or any.
    #[arg(long)]
    role_class: Option<String>,
    /// The as-of date, YYYY-MM-DD (default today).
    #[arg(long)]
    as_of: Option<String>,
    /// Apply disclosure control, as analysts see the figures.
    #[arg(long)]
    controlled: bool,
}

/// The outcome commands.
#[derive(Subcommand)]
pub enum OutcomesCommand {
    /// Retention of an organisation's staff at 6, 12 and 18 months from
    /// their start date (Kaplan-Meier on days in post, Greenwood intervals),
    /// as the JSON of GET /api/v1/outcomes/retention, in full (L&D's view)
    /// or under disclosure control (--controlled, the analyst's view).
    Retention(OutcomeArgs),
    /// Internal progression: of the staff who started at least 12 (or 24)
    /// months before the as-of date, the share who stepped up to a higher
    /// role within that time, as the JSON of GET /api/v1/outcomes/progression.
    Progression(OutcomeArgs),
}

/// Runs an outcome command.
pub async fn run(command: OutcomesCommand) -> Result<()> {
    let (args, retention) = match command {
        OutcomesCommand::Retention(a) => (a, true),
        OutcomesCommand::Progression(a) => (a, false),
    };
    let OutcomeArgs {
        db,
        org_code,
        site,
        role_class,
        as_of,
        controlled,
    } = args;
    let (store, shipped) = open(&db, "pathwise.sqlite").await?;
    let Some((org_id, _)) = people::organisation_by_code(&store, &org_code).await? else {
        bail!("org-code: no organisation has the code {org_code}");
    };
    let state = pathwise_web::AppState::new(store, shipped, PathBuf::new(), false);
    let q = pathwise_web::outcomes::OutcomeQuery {
        site: site.unwrap_or_default(),
        role_class: role_class.unwrap_or_default(),
        as_of: as_of.unwrap_or_default(),
        ..Default::default()
    };
    let selection = match pathwise_web::outcomes::selection(&state, org_id, &q).await {
        Ok(s) => s,
        Err(pathwise_web::error::Error::Invalid(errors)) => {
            let lines: Vec<String> = errors
                .list()
                .iter()
                .map(|e| format!("--{}: {}", e.field.replace('_', "-"), e.message))
                .collect();
            bail!(lines.join("\n"))
        }
        Err(e) => bail!("{e}"),
    };
    let disclosure = if controlled {
        pathwise_domain::access::Disclosure::Controlled
    } else {
        pathwise_domain::access::Disclosure::Full
    };
    let json = if retention {
        let answer = pathwise_web::outcomes::retention_for(&state, org_id, selection, disclosure)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        serde_json::to_string_pretty(&pathwise_web::api::outcomes::RetentionDoc::from(answer))?
    } else {
        let groups =
            pathwise_web::outcomes::progression_for(&state, org_id, &selection, disclosure)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        serde_json::to_string_pretty(&pathwise_web::api::outcomes::ProgressionDoc::of(
            selection.as_of,
            groups,
        ))?
    };
    println!("{json}");
    Ok(())
}
