//! `pathwise schedule`: pick the session times that reach the most
//! learners from their rotas (`optimise`), and write a synthetic cohort to
//! try it on (`generate`).

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use pathwise_domain::Date;
use pathwise_domain::rota::{FitSettings, Shift, Venue};
use pathwise_domain::schedule::{
    FitTable, Learner, Method, optimise, optimise_exhaustive, optimise_greedy, sets_of,
    why_uncovered,
};
use pathwise_web::csv_files;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How `optimise` chooses its slots.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Choice {
    /// Exhaustive when small, else greedy with swaps.
    Auto,
    /// Greedy with swaps.
    Greedy,
    /// Every set of K slots.
    Exhaustive,
}

/// The timetable optimiser's commands.
#[derive(Subcommand)]
pub enum ScheduleCommand {
    /// Choose at most K candidate slots and give each learner at most one
    /// chosen slot that fits their rota and has room, reaching as many
    /// learners as possible. A slot fits when it overlaps no shift (widened
    /// by the travel minutes when the shift is at another site), starts at
    /// least the rest hours after a night, is no longer than the learner's
    /// weekly release, and is not on a day of leave.
    Optimise {
        /// Rotas: person_id,date,start,end,shift_type,site (as `pathwise roster import`).
        #[arg(long)]
        rosters: PathBuf,
        /// Candidate slots: slot_id,date,start,minutes,site,capacity (site may be `online`).
        #[arg(long)]
        slots: PathBuf,
        /// The most slots to choose.
        #[arg(long)]
        k: usize,
        /// Where to write the plan (JSON).
        #[arg(long)]
        out: PathBuf,
        /// The cohort: person_id and an optional release_minutes_per_week.
        /// Without it, the cohort is everyone in the rotas.
        #[arg(long)]
        learners: Option<PathBuf>,
        /// Travel minutes either side of a shift at another site.
        #[arg(long, default_value_t = 30)]
        travel_minutes: u32,
        /// Hours of rest after a night shift before a session.
        #[arg(long, default_value_t = 11)]
        rest_hours: u32,
        /// How to choose: `auto` tries every set of K slots when there are
        /// at most 5,000 such sets and is greedy with swaps otherwise;
        /// `greedy` and `exhaustive` force one (exhaustive refuses more than
        /// 20 million sets).
        #[arg(long, value_enum, default_value_t = Choice::Auto)]
        method: Choice,
        /// Also write every learner-slot pair that fits (learner,slot as
        /// 0-based row numbers of the cohort and the slots), for an exact
        /// solver to check the plan against.
        #[arg(long)]
        write_fits: Option<PathBuf>,
    },
    /// Write a synthetic cohort for tests and the benchmark:
    /// DIR/rosters.csv, DIR/slots.csv and DIR/learners.csv.
    Generate {
        /// Learners.
        #[arg(long)]
        learners: usize,
        /// Candidate slots.
        #[arg(long)]
        slots: usize,
        /// Weeks of rota and slots.
        #[arg(long, default_value_t = 8)]
        weeks: i64,
        /// Seed: the same seed writes the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The Monday the weeks start on.
        #[arg(long, default_value = "2027-01-04")]
        first: String,
        /// Folder to write to.
        #[arg(long)]
        out: PathBuf,
    },
}

use crate::files::read;

fn refused(path: &Path, problems: Vec<String>) -> anyhow::Error {
    let shown = problems.len().min(20);
    let mut text = format!("{}: {} problem(s)\n", path.display(), problems.len());
    text.push_str(&problems[..shown].join("\n"));
    if problems.len() > shown {
        let _ = write!(text, "\n... and {} more", problems.len() - shown);
    }
    anyhow::anyhow!(text)
}

/// Runs a schedule command.
pub fn run(command: ScheduleCommand) -> Result<()> {
    match command {
        ScheduleCommand::Generate {
            learners,
            slots,
            weeks,
            seed,
            first,
            out,
        } => generate(learners, slots, weeks, seed, &first, &out),
        ScheduleCommand::Optimise {
            rosters,
            slots,
            k,
            out,
            learners,
            travel_minutes,
            rest_hours,
            method,
            write_fits,
        } => {
            let settings = FitSettings {
                travel_minutes,
                rest_after_night_hours: rest_hours,
            };
            let files = Files {
                rosters: &rosters,
                slots: &slots,
                learners: learners.as_deref(),
                out: &out,
                fits: write_fits.as_deref(),
            };
            run_optimise(files, k, settings, method)
        }
    }
}

fn generate(
    learners: usize,
    slots: usize,
    weeks: i64,
    seed: u64,
    first: &str,
    out: &Path,
) -> Result<()> {
    let Ok(first) = first.parse::<Date>() else {
        bail!("first: '{first}' is not a date like 2027-01-04");
    };
    if first.days_from_monday() != 0 {
        bail!("first: {first} is a {}, not a Monday", first.weekday());
    }
    if !(1..=52).contains(&weeks) {
        bail!("weeks: give 1 to 52");
    }
    let cohort = pathwise_demo::cohort::synthetic_cohort(learners, slots, weeks, seed, first);
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut rotas = String::from("person_id,date,start,end,shift_type,site\n");
    for s in &cohort.shifts {
        let _ = writeln!(
            rotas,
            "{},{},{},{},{},{}",
            s.person_id,
            s.start.date(),
            s.start.clock(),
            s.end.clock(),
            s.kind.code(),
            s.site
        );
    }
    let mut slot_text = String::from("slot_id,date,start,minutes,site,capacity\n");
    for s in &cohort.slots {
        let site = match &s.sitting.venue {
            Venue::Online => "online",
            Venue::Site(code) => code.as_str(),
        };
        let _ = writeln!(
            slot_text,
            "{},{},{},{},{site},{}",
            s.id,
            s.sitting.start.date(),
            s.sitting.start.clock(),
            s.sitting.minutes,
            s.capacity
        );
    }
    let mut people = String::from("person_id,release_minutes_per_week\n");
    for (id, release) in &cohort.learners {
        let _ = writeln!(
            people,
            "{id},{}",
            release.map(|r| r.to_string()).unwrap_or_default()
        );
    }
    for (name, text) in [
        ("rosters.csv", rotas),
        ("slots.csv", slot_text),
        ("learners.csv", people),
    ] {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "Wrote {} learners ({} shifts over {weeks} weeks from {first}) and {} candidate slots to {}.",
        cohort.learners.len(),
        cohort.shifts.len(),
        cohort.slots.len(),
        out.display()
    );
    Ok(())
}

struct Files<'a> {
    rosters: &'a Path,
    slots: &'a Path,
    learners: Option<&'a Path>,
    out: &'a Path,
    fits: Option<&'a Path>,
}

fn run_optimise(files: Files<'_>, k: usize, settings: FitSettings, method: Choice) -> Result<()> {
    let Files {
        rosters,
        slots: slots_path,
        learners: learners_path,
        out,
        fits,
    } = files;
    let started = Instant::now();
    let shifts = csv_files::roster(&read(rosters)?).map_err(|p| refused(rosters, p))?;
    let slots = csv_files::slots(&read(slots_path)?).map_err(|p| refused(slots_path, p))?;
    let mut by_person: BTreeMap<i64, Vec<Shift>> = BTreeMap::new();
    for (_, s) in shifts {
        by_person.entry(s.person_id).or_default().push(s);
    }
    let cohort: Vec<(i64, Option<u32>)> = match learners_path {
        Some(path) => csv_files::cohort(&read(path)?).map_err(|p| refused(path, p))?,
        None => by_person.keys().map(|id| (*id, None)).collect(),
    };
    let learners: Vec<Learner> = cohort
        .iter()
        .map(|(id, release)| Learner {
            person_id: *id,
            shifts: by_person.remove(id).unwrap_or_default(),
            release_minutes_per_week: *release,
        })
        .collect();
    let read_in = started.elapsed();
    let solving = Instant::now();
    let table = FitTable::new(&learners, &slots, settings);
    let plan = match method {
        Choice::Auto => optimise(&table, k),
        Choice::Greedy => optimise_greedy(&table, k),
        Choice::Exhaustive => {
            let sets = sets_of(slots.len(), k);
            if sets > 20_000_000 {
                bail!("method: {sets} sets of {k} slots are too many to try one by one");
            }
            optimise_exhaustive(&table, k)
        }
    };
    let solved_in = solving.elapsed();
    if let Some(path) = fits {
        let mut text = String::from("learner,slot\n");
        for (l, s) in table.pairs() {
            let _ = writeln!(text, "{l},{s}");
        }
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let chosen: Vec<&str> = plan.chosen.iter().map(|s| slots[*s].id.as_str()).collect();
    let mut assigned = serde_json::Map::new();
    let mut uncovered = Vec::new();
    for (l, learner) in learners.iter().enumerate() {
        match plan.assigned[l] {
            Some(s) => {
                assigned.insert(learner.person_id.to_string(), slots[s].id.clone().into());
            }
            None => uncovered.push(serde_json::json!({
                "person_id": learner.person_id,
                "reason": why_uncovered(learner, &slots, &plan.chosen, settings),
            })),
        }
    }
    let doc = serde_json::json!({
        "chosen": chosen,
        "assigned": assigned,
        "covered": plan.covered,
        "cohort": learners.len(),
        "uncovered": uncovered,
        "upper_bound": plan.upper_bound,
        "proven_optimal": plan.proven_optimal(),
        "method": match plan.method { Method::Exhaustive => "exhaustive", Method::Greedy => "greedy" },
        "solve_seconds": solved_in.as_secs_f64(),
    });
    std::fs::write(out, serde_json::to_string_pretty(&doc)?)
        .with_context(|| format!("writing {}", out.display()))?;
    println!(
        "Chose {} of {} slots: {} of {} learners placed (no plan can place more than {}{}).",
        plan.chosen.len(),
        slots.len(),
        plan.covered,
        learners.len(),
        plan.upper_bound,
        if plan.proven_optimal() {
            "; this plan is optimal"
        } else {
            ""
        }
    );
    println!(
        "Read the files in {:.2} s; checked {} learner-slot pairs and chose in {:.3} s. Plan written to {}.",
        read_in.as_secs_f64(),
        learners.len() * slots.len(),
        solved_in.as_secs_f64(),
        out.display()
    );
    Ok(())
}
