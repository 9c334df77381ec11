//! `pathwise simulate`: the policy frontier for funded support-to-registered
//! training places among trusts, with named policies on the same axes
//! (definitions in docs/METRICS.md, "Policy frontier").

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use pathwise_domain::frontier::policies::{PolicyPoint, place_all};
use pathwise_domain::frontier::{
    FrontierPoint, Instance, InstanceError, ObservedRates, SCALE, Trust, frontier, places_in_words,
    ten_thousandths,
};
use pathwise_web::{charts, csv_files};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `pathwise simulate` is asked.
#[derive(Args)]
pub struct SimulateArgs {
    /// org_code,region,trust_type,support_workers,registered_vacancies,
    /// transition_rate and, when known, max_places (default: the trust's
    /// support workers) and completion (default --completion). With
    /// --from-analysis, support_workers and transition_rate may be blank
    /// or left out.
    #[arg(long, value_name = "TRUSTS.csv")]
    trusts: PathBuf,
    /// How many funded places to allocate, in all.
    #[arg(long, value_name = "N")]
    places: u32,
    /// Folder for frontier.csv, allocations.csv, policies.csv and frontier.svg.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The share of places that complete and fill a vacancy (0 to 1).
    #[arg(long, default_value = "0.85")]
    completion: String,
    /// A `pathwise analyze` output folder: its transitions by org_code for
    /// the latest year fill each trust's support workers (at risk) and
    /// transition rate where the trusts file leaves them blank.
    #[arg(long, value_name = "TABLES_DIR")]
    from_analysis: Option<PathBuf>,
}

use crate::files::read;

fn listed(path: &Path, problems: &[String]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {p}", path.display()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `pathwise simulate`.
pub fn run(args: &SimulateArgs) -> Result<()> {
    let completion = ten_thousandths(&args.completion)
        .filter(|q| *q > 0 && *q <= SCALE)
        .ok_or_else(|| {
            anyhow!(
                "--completion: '{}' is not a share more than 0 and at most 1, like 0.85",
                args.completion
            )
        })?;
    let observed = match &args.from_analysis {
        Some(dir) => Some(observed_rates(dir)?),
        None => None,
    };
    let rows = csv_files::trusts(&read(&args.trusts)?, observed.as_ref())
        .map_err(|p| anyhow!("nothing simulated\n{}", listed(&args.trusts, &p)))?;
    let row_of = |pick: &dyn Fn(&Trust) -> bool| -> String {
        let rows: Vec<String> = rows
            .iter()
            .filter(|(_, t)| pick(t))
            .map(|(r, _)| r.to_string())
            .collect();
        rows.join(", ")
    };
    let trusts: Vec<Trust> = rows.iter().map(|(_, t)| t.clone()).collect();
    let inst = Instance::new(trusts, args.places, completion).map_err(|e| {
        let at = match &e {
            InstanceError::TrustTwice(code) => format!(
                "{}: rows {}, column org_code: {e}",
                args.trusts.display(),
                row_of(&|t| &t.org_code == code)
            ),
            InstanceError::RegionWithoutSupportWorkers(region) => format!(
                "{}: rows {}, column support_workers: {e}",
                args.trusts.display(),
                row_of(&|t| &t.region == region)
            ),
            InstanceError::TooManyPlaces { .. } | InstanceError::NoPlaces => {
                format!("--places: {e}")
            }
            _ => format!("{}: {e}", args.trusts.display()),
        };
        anyhow!("nothing simulated\n{at}")
    })?;

    let started = Instant::now();
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(format!(
        "Finding the frontier for {} trusts in {} regions and {} places",
        inst.trusts().len(),
        inst.regions().len(),
        inst.places()
    ));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let points = frontier(&inst);
    let policies = place_all(&inst, &points);
    bar.finish_and_clear();
    let took = started.elapsed();

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    crate::files::write_atomically(
        &args.out.join("frontier.csv"),
        &frontier_csv(&inst, &points),
    )?;
    crate::files::write_atomically(
        &args.out.join("allocations.csv"),
        &allocations_csv(&inst, &points),
    )?;
    crate::files::write_atomically(
        &args.out.join("policies.csv"),
        &policies_csv(&inst, &policies),
    )?;
    let svg = charts::frontier(
        &points
            .iter()
            .map(|p| {
                (
                    p.outcome.inequality,
                    p.outcome.shortage as f64 / SCALE as f64,
                )
            })
            .collect::<Vec<_>>(),
        &policies
            .iter()
            .map(|p| {
                (
                    p.policy.name(),
                    p.outcome.inequality,
                    p.outcome.shortage as f64 / SCALE as f64,
                )
            })
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    crate::files::write_atomically(&args.out.join("frontier.svg"), &svg)?;

    print_summary(&inst, &points, &policies, &args.out, took);
    Ok(())
}

fn observed_rates(dir: &Path) -> Result<ObservedRates> {
    let path = dir.join("transitions.csv");
    let (seen, suppressed) = csv_files::observed_rates(&read(&path)?)
        .map_err(|p| anyhow!("--from-analysis: {}", listed(&path, &p)))?;
    if seen.is_empty() {
        bail!(
            "--from-analysis: {}: every trust's figures are suppressed; run pathwise analyze with --no-disclosure-control on your own organisation's data, or give support_workers and transition_rate",
            path.display()
        );
    }
    if !suppressed.is_empty() {
        println!(
            "Note: {} trusts' figures are suppressed in {} and are not filled: {}.",
            suppressed.len(),
            path.display(),
            suppressed.join(", ")
        );
    }
    Ok(seen)
}

/// A CSV cell, quoted when it holds a comma, a quote or a line break.
fn cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// `places_<region>`: the region's name in lower case, words joined by `_`.
fn region_column(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    format!("places_{}", words.join("_"))
}

fn region_header(inst: &Instance) -> String {
    inst.regions()
        .iter()
        .map(|r| cell(&region_column(&r.name)))
        .collect::<Vec<_>>()
        .join(",")
}

fn by_region(values: &[u64]) -> String {
    values
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn frontier_csv(inst: &Instance, points: &[FrontierPoint]) -> String {
    let mut text = format!("point,shortage_filled,inequality,{}\n", region_header(inst));
    for (k, p) in points.iter().enumerate() {
        let _ = writeln!(
            text,
            "{},{},{:.6},{}",
            k + 1,
            places_in_words(p.outcome.shortage),
            p.outcome.inequality,
            by_region(&p.outcome.by_region)
        );
    }
    text
}

fn allocations_csv(inst: &Instance, points: &[FrontierPoint]) -> String {
    let mut text = String::from("point,org_code,places\n");
    for (k, p) in points.iter().enumerate() {
        for (t, n) in inst.trusts().iter().zip(&p.places) {
            if *n > 0 {
                let _ = writeln!(text, "{},{},{n}", k + 1, cell(&t.org_code));
            }
        }
    }
    text
}

fn policies_csv(inst: &Instance, policies: &[PolicyPoint]) -> String {
    let mut text = format!(
        "policy,name,shortage_filled,inequality,shortage_gap,inequality_gap,{}\n",
        region_header(inst)
    );
    for p in policies {
        let _ = writeln!(
            text,
            "{},{},{},{:.6},{},{:.6},{}",
            p.policy.key(),
            cell(p.policy.name()),
            places_in_words(p.outcome.shortage),
            p.outcome.inequality,
            places_in_words(p.shortage_gap),
            p.inequality_gap,
            by_region(&p.outcome.by_region)
        );
    }
    text
}

fn points_of_percent(share: f64) -> String {
    format!("{:.2} percentage points", share * 100.0)
}

fn print_summary(
    inst: &Instance,
    points: &[FrontierPoint],
    policies: &[PolicyPoint],
    out: &Path,
    took: std::time::Duration,
) {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return;
    };
    println!(
        "{} trusts in {} regions, {} places: {} points on the frontier, found in {:.2} s.",
        inst.trusts().len(),
        inst.regions().len(),
        inst.places(),
        points.len(),
        took.as_secs_f64()
    );
    println!(
        "Most equal: {} places of shortage filled at {}. Most shortage filled: {} at {}.",
        places_in_words(first.outcome.shortage),
        points_of_percent(first.outcome.inequality),
        places_in_words(last.outcome.shortage),
        points_of_percent(last.outcome.inequality)
    );
    for p in policies {
        println!(
            "{}: {} filled at {}; the frontier fills {} more at that inequality, or reaches {} less at that shortage.",
            p.policy.name(),
            places_in_words(p.outcome.shortage),
            points_of_percent(p.outcome.inequality),
            places_in_words(p.shortage_gap),
            points_of_percent(p.inequality_gap)
        );
    }
    println!(
        "Wrote frontier.csv, allocations.csv, policies.csv and frontier.svg to {}.",
        out.display()
    );
}
