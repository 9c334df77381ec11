//! `pathwise levy forecast`: the apprenticeship levy account month by month
//! from a pay bill, apprenticeships, transfers and the funds already in the
//! account, by the dated funding rules in the catalogue folder.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use pathwise_domain::levy::{
    Employer, FORECAST_COLUMNS, Forecast, ForecastRequest, LedgerError, Month, forecast, pounds,
};
use pathwise_domain::shipped::FUNDING_RULES_FILE;
use pathwise_web::csv_files;
use std::path::{Path, PathBuf};

/// The levy commands.
#[derive(Subcommand)]
pub enum LevyCommand {
    /// Forecast the levy account one month a row: levy in (year to date,
    /// less the allowance so far, times the English percentage; declared for
    /// payroll month m it enters in m+1), top-up, instalments (80% of the
    /// price capped at the standard's funding band, in equal months from the
    /// start) and completions (the rest, in the completion month), transfers
    /// out, expired funds, co-investment once funds run out, the balance and
    /// what expires in the next three months, all in pence. What the account
    /// paid is instalments + completions + transfers_out less both
    /// co-investment columns. Months are YYYY-MM; the rules come from
    /// funding-rules.toml and the bands from standards.toml.
    Forecast {
        /// month,pay_bill_pence[,english_percent]: every payroll month of a
        /// tax year from April up to the last one known.
        #[arg(long, value_name = "PAY.csv")]
        pay_bill: PathBuf,
        /// id,standard,start,planned_end,price_pence,age_at_start and, when
        /// known, completed, withdrawn, break_from, break_to (the month
        /// learning resumes), price_change_from, new_price_pence.
        #[arg(long, value_name = "APPS.csv")]
        apprenticeships: PathBuf,
        /// id,partner,standard,start,planned_end,price_pence,age_at_start:
        /// transfers paid from this account, refused over the allowance.
        #[arg(long, value_name = "TR.csv")]
        transfers: Option<PathBuf>,
        /// entered,amount_pence: funds already in the account before --from.
        #[arg(long, value_name = "FUNDS.csv")]
        opening: Option<PathBuf>,
        /// The employer pays no levy: no levy enters, and the non-levy
        /// co-investment rates apply.
        #[arg(long)]
        non_levy: bool,
        /// The first month of the forecast, YYYY-MM.
        #[arg(long, value_name = "YYYY-MM")]
        from: String,
        /// How many months, 1 to 120.
        #[arg(long, default_value_t = 36)]
        months: u32,
        /// Where to write the forecast CSV.
        #[arg(long, value_name = "FORECAST.csv")]
        out: PathBuf,
        /// Folder of the shipped catalogue (default: the installed copy).
        #[arg(long, env = "PATHWISE_CATALOGUE_DIR")]
        catalogue_dir: Option<PathBuf>,
    },
}

use crate::files::read;

/// Each row's problems, prefixed with the file's name.
fn in_file<T>(path: &Path, read: Result<T, Vec<String>>) -> Result<T> {
    read.map_err(|problems| {
        let name = path.display();
        anyhow::anyhow!(
            "{name}: nothing forecast\n{}",
            problems
                .iter()
                .map(|p| format!("{name}: {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// Runs a levy command.
pub fn run(command: LevyCommand) -> Result<()> {
    let LevyCommand::Forecast {
        pay_bill,
        apprenticeships,
        transfers,
        opening,
        non_levy,
        from,
        months,
        out,
        catalogue_dir,
    } = command;
    let from: Month = from.parse().map_err(|e| anyhow::anyhow!("--from: {e}"))?;
    if !(1..=120).contains(&months) {
        bail!("--months: {months} must be from 1 to 120");
    }
    let dir = catalogue_dir.unwrap_or_else(pathwise_storage::shipped::default_dir);
    let shipped = pathwise_storage::shipped::read_dir(&dir)
        .with_context(|| format!("the catalogue folder {} cannot be used", dir.display()))?;
    let standards = &shipped.standards;
    let pay = in_file(&pay_bill, csv_files::pay_bills(&read(&pay_bill)?))?;
    let apps = in_file(
        &apprenticeships,
        csv_files::apprenticeships(&read(&apprenticeships)?, standards),
    )?;
    let trs = match &transfers {
        Some(p) => in_file(p, csv_files::transfers(&read(p)?, standards))?,
        None => Vec::new(),
    };
    let funds = match &opening {
        Some(p) => in_file(p, csv_files::opening_funds(&read(p)?))?,
        None => Vec::new(),
    };
    let req = ForecastRequest {
        from,
        months,
        employer: if non_levy {
            Employer::NonLevy
        } else {
            Employer::Levy
        },
        payroll: pay.iter().map(|(_, p)| p.clone()).collect(),
        apprenticeships: apps.iter().map(|(_, a)| a.clone()).collect(),
        transfers: trs.iter().map(|(_, t)| t.clone()).collect(),
        opening: funds.iter().map(|(_, o)| o.clone()).collect(),
    };
    let f = forecast(&shipped.funding_rules, standards, &req).map_err(|e| {
        let at = |path: &Path, row: Option<usize>, column: &str| match row {
            Some(row) => format!("{}: row {row}, column {column}: {e}", path.display()),
            None => format!("{}: {e}", path.display()),
        };
        let message = match &e {
            LedgerError::PayrollTwice(m) | LedgerError::PayrollGap { month: m, .. } => at(
                &pay_bill,
                pay.iter().rev().find(|(_, p)| p.month == *m).map(|r| r.0),
                "month",
            ),
            LedgerError::IdTwice(id) => {
                let in_apps = apps.iter().filter(|(_, a)| &a.id == id).nth(1);
                match (in_apps, &transfers) {
                    (Some((row, _)), _) => at(&apprenticeships, Some(*row), "id"),
                    (None, Some(tr)) => {
                        at(tr, trs.iter().find(|(_, t)| &t.id == id).map(|r| r.0), "id")
                    }
                    (None, None) => at(&apprenticeships, None, "id"),
                }
            }
            LedgerError::TransferOverLimit(refusal) => at(
                transfers.as_deref().unwrap_or(Path::new("transfers")),
                trs.iter().find(|(_, t)| t.id == refusal.id).map(|r| r.0),
                "price_pence",
            ),
            LedgerError::AlreadyExpired { entered, .. } => at(
                opening.as_deref().unwrap_or(Path::new("opening funds")),
                funds
                    .iter()
                    .find(|(_, o)| o.entered == *entered)
                    .map(|r| r.0),
                "entered",
            ),
            LedgerError::UnknownStandard { .. } => at(&apprenticeships, None, "standard"),
            LedgerError::NoRule { .. } => {
                format!("{}: {e}", dir.join(FUNDING_RULES_FILE).display())
            }
        };
        anyhow::anyhow!("nothing forecast\n{message}")
    })?;
    write_forecast(&out, &f)?;
    for note in &f.notes {
        println!("Note: {note}");
    }
    print_summary(&out, &f);
    Ok(())
}

/// Writes the forecast beside `out` and moves it into place, so a failed
/// write never leaves half a file.
fn write_forecast(out: &Path, f: &Forecast) -> Result<()> {
    let mut text = FORECAST_COLUMNS.join(",");
    text.push('\n');
    for r in &f.months {
        text.push_str(&r.month.to_string());
        for c in r.amounts() {
            text.push(',');
            text.push_str(&c.to_string());
        }
        text.push('\n');
    }
    crate::files::write_atomically(out, &text)
}

fn print_summary(out: &Path, f: &Forecast) {
    let (Some(first), Some(last)) = (f.months.first(), f.months.last()) else {
        return;
    };
    let sum = |pick: fn(&pathwise_domain::levy::ForecastMonth) -> i64| -> i64 {
        f.months.iter().map(pick).sum()
    };
    println!(
        "Wrote {} months ({} to {}) to {}.",
        f.months.len(),
        first.month.in_words(),
        last.month.in_words(),
        out.display()
    );
    println!(
        "Opening funds {}; levy and top-up in {}; paid from the account {}; expired unused {}; balance at the end {}.",
        pounds(f.opening_pence),
        pounds(sum(|r| r.levy_in + r.top_up)),
        pounds(sum(|r| r.paid_from_funds())),
        pounds(sum(|r| r.expired)),
        pounds(last.balance)
    );
    let (employer, government) = (
        sum(|r| r.co_invest_employer),
        sum(|r| r.co_invest_government),
    );
    if employer + government > 0 {
        println!(
            "Co-investment once funds ran out: {} by the employer, {} by the government.",
            pounds(employer),
            pounds(government)
        );
    }
    if let Some(r) = f.months.iter().find(|r| r.expired > 0) {
        println!(
            "Funds first expire unused in {}: {}.",
            r.month.in_words(),
            pounds(r.expired)
        );
    }
}
