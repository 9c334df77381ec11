//! `pathwise staff import`: an extract from the staff record system, checked
//! row by row, summarised, and applied all or nothing once confirmed.

use crate::{DatabaseArgs, open};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use pathwise_storage::people;
use pathwise_web::clock::Clock;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

/// The staff record commands.
#[derive(Subcommand)]
pub enum StaffCommand {
    /// Import a staff extract as ESR exports it, with the columns
    /// assignment_number,name,email,role_code,site,afc_band,staff_group,
    /// start_date,leave_date,line_manager_assignment,sex,ethnicity,age_band,
    /// disability (dates YYYY-MM-DD; leave_date blank while in post; a new
    /// site code becomes a new site). People are matched by assignment
    /// number; a changed role or band is a role change from the day the
    /// extract was taken (--taken-on, default today); a leave date ends
    /// their access. Every row is checked first and a summary
    /// printed; without --yes it asks before importing. All or nothing.
    Import {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The organisation's code, e.g. the ODS code RXX.
        #[arg(long)]
        org_code: String,
        /// Import without asking once the summary is printed.
        #[arg(long)]
        yes: bool,
        /// The day the extract was taken, YYYY-MM-DD or as people write it
        /// ("1 December 2026"): role changes in it date from then. Default
        /// today; never later.
        #[arg(long)]
        taken_on: Option<String>,
        /// The extract.
        file: PathBuf,
    },
}

/// Runs a staff command.
pub async fn run(command: StaffCommand) -> Result<()> {
    let StaffCommand::Import {
        db,
        org_code,
        yes,
        taken_on,
        file,
    } = command;
    let today = pathwise_web::today();
    let taken = match taken_on.as_deref().map(str::trim) {
        None => today,
        Some(text) => match text.parse::<pathwise_domain::Date>().ok() {
            Some(d) if d <= today => d,
            Some(_) => bail!("--taken-on: {text} is after today; an extract cannot be taken later"),
            None => bail!("--taken-on: '{text}' is not a date like 2026-12-01 or 1 December 2026"),
        },
    };
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let (store, _) = open(&db, "pathwise.sqlite").await?;
    let Some((org_id, org_name)) = people::organisation_by_code(&store, &org_code).await? else {
        bail!("org-code: no organisation has the code {org_code}");
    };
    let plan = match pathwise_web::staff_import::prepare(&store, org_id, &text, taken).await? {
        Ok(plan) => plan,
        Err(problems) => bail!(
            "{}: nothing imported\n{}",
            file.display(),
            problems.join("\n")
        ),
    };
    println!("{} for {org_name}:", file.display());
    for line in plan.summary() {
        println!("  {line}");
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!("nothing imported: add --yes to import without being asked");
        }
        eprint!("Import these staff records? [y/N] ");
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            println!("Nothing imported.");
            return Ok(());
        }
    }
    let done =
        pathwise_storage::staff::import(&store, org_id, &plan, None, Clock::System.now()).await?;
    println!(
        "Imported: {} new, {} changed ({} in role or band), {} leaving.",
        pathwise_domain::counted(done.new, "person", "people"),
        done.changed,
        done.role_changes,
        done.leavers
    );
    Ok(())
}
