//! The `pathwise` command: serve the web app, run the demo organisation,
//! apply migrations, create an admin, and import or export the catalogue.
#![forbid(unsafe_code)]

mod admin;
mod files;
mod identity;
mod levy;
mod outcomes;
mod schedule;
mod simulate;
mod staff;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use pathwise_demo::{DEMO_PASSWORD, DemoSpec};
use pathwise_domain::Catalogue;
use pathwise_domain::counted;
use pathwise_domain::shipped::ShippedCatalogue;
use pathwise_storage::files::FileStore;
use pathwise_storage::{Store, catalogue, people, rosters};
use pathwise_web::clock::Clock;
use pathwise_web::{AppState, auth};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "pathwise",
    version,
    about = "Pathwise: clear career routes for healthcare support workers",
    long_about = "Pathwise shows every support worker their next three career options, the \
                  evidence they need and who will help, on an NHS-style career framework.\n\n\
                  Start with `pathwise demo` to explore a demo trust in your browser."
)]
struct Cli {
    /// Log as JSON lines instead of text.
    #[arg(long, global = true, env = "PATHWISE_LOG_JSON")]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DatabaseArgs {
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB. Defaults to a
    /// SQLite file in the data folder.
    #[arg(long, env = "PATHWISE_DATABASE_URL")]
    database: Option<String>,
    /// Folder for the SQLite file (default: $XDG_DATA_HOME/pathwise or ~/.local/share/pathwise).
    #[arg(long, env = "PATHWISE_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Folder of the shipped catalogue (career framework, pathways, Care
    /// Certificate versions), read and checked at start-up (default: the
    /// installed copy).
    #[arg(long, env = "PATHWISE_CATALOGUE_DIR")]
    catalogue_dir: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1", env = "PATHWISE_BIND")]
    bind: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080, env = "PATHWISE_PORT")]
    port: u16,
    /// Mark cookies Secure (set when served over HTTPS).
    #[arg(long, env = "PATHWISE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Folder of the NHS.UK frontend's built files (default: the npm-installed package).
    #[arg(long, env = "PATHWISE_ASSETS_DIR")]
    assets_dir: Option<PathBuf>,
    /// Folder for uploaded evidence files, never served directly (default: DATA_DIR/uploads).
    #[arg(long, env = "PATHWISE_UPLOADS_DIR")]
    uploads_dir: Option<PathBuf>,
    /// Largest evidence file accepted, in MB.
    #[arg(long, default_value_t = 10, env = "PATHWISE_MAX_UPLOAD_MB", value_parser = clap::value_parser!(u64).range(1..=200))]
    max_upload_mb: u64,
    /// Behind a reverse proxy: the header holding the client's address (for
    /// example X-Forwarded-For; its last entry is used). Sign-in throttling
    /// counts failures per client address, so set this when a proxy is in
    /// front, or every client shares the proxy's address.
    #[arg(long, env = "PATHWISE_CLIENT_ADDRESS_HEADER")]
    client_address_header: Option<String>,
    /// The mail server for reminders and notifications: smtp://HOST:PORT
    /// (add ?tls=required for STARTTLS) or smtps://HOST:PORT. Without one,
    /// notifications show in the app and emails wait in the outbox.
    #[arg(long, env = "PATHWISE_SMTP_URL")]
    smtp_url: Option<String>,
    /// A file with the mail server's user name on its first line and the
    /// password on its second.
    #[arg(long, env = "PATHWISE_SMTP_CREDENTIALS_FILE", requires = "smtp_url")]
    smtp_credentials_file: Option<PathBuf>,
    /// The sender of Pathwise's emails.
    #[arg(
        long,
        env = "PATHWISE_MAIL_FROM",
        default_value = "Pathwise <pathwise@localhost>"
    )]
    mail_from: String,
    /// The address people open Pathwise at, for links in emails and the
    /// address a provider sends people back to (default: the address it
    /// listens on).
    #[arg(long, env = "PATHWISE_PUBLIC_URL")]
    public_url: Option<String>,
    #[command(flatten)]
    provider: identity::ProviderArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve Pathwise. Starts empty except for the core catalogue and the
    /// admins made with `pathwise admin create`.
    Serve {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Build the demo trust (once) and serve it, printing the sign-in accounts.
    Demo {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        serve: ServeArgs,
        /// Number of staff in the demo trust.
        #[arg(long, default_value_t = 1500)]
        staff: usize,
        /// Seed for the demo's random choices.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Build the demo and exit without serving.
        #[arg(long)]
        build_only: bool,
    },
    /// Apply database migrations and load the core catalogue if missing.
    Migrate {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Import or export the core career framework.
    Catalogue {
        #[command(subcommand)]
        command: CatalogueCommand,
    },
    /// Import rotas from the e-rostering system.
    Roster {
        #[command(subcommand)]
        command: RosterCommand,
    },
    /// Import staff records from the staff record system.
    Staff {
        #[command(subcommand)]
        command: staff::StaffCommand,
    },
    /// The policy frontier for funded support-to-registered training
    /// places: shortage filled against regional inequality, found exactly,
    /// with named policies on the same axes.
    Simulate(simulate::SimulateArgs),
    /// Forecast the apprenticeship levy account.
    Levy {
        #[command(subcommand)]
        command: levy::LevyCommand,
    },
    /// Workforce outcomes from an organisation's staff records.
    Outcomes {
        #[command(subcommand)]
        command: outcomes::OutcomesCommand,
    },
    /// Pick learning session times that fit the most learners' rotas.
    Schedule {
        #[command(subcommand)]
        command: schedule::ScheduleCommand,
    },
    /// Make workforce panel extracts.
    Panel {
        #[command(subcommand)]
        command: PanelCommand,
    },
    /// Compute progression and equity tables (M1-M7) from a Parquet panel.
    Analyze(AnalyzeArgs),
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    /// A panel: one Parquet file or a folder of them (split by person).
    panel: PathBuf,
    /// Folder for the tables.
    #[arg(long)]
    out: PathBuf,
    /// Month of each year's snapshot (1-12).
    #[arg(long, default_value_t = 9, value_parser = clap::value_parser!(u32).range(1..=12))]
    snapshot_month: u32,
    /// Years to look back for support work before a new nurse (M2).
    #[arg(long, default_value_t = 4)]
    lookback: u32,
    /// Show small counts and unrounded figures (only for your own organisation's data).
    #[arg(long)]
    no_disclosure_control: bool,
    /// The panel covers all of England: rows not split by region or
    /// organisation are national totals, left uncontrolled unless split by a
    /// protected characteristic with a count of 1-7. Without it (an ICB's or
    /// a trust's own extract) every row is controlled.
    #[arg(long)]
    national: bool,
    /// M1 breakdowns, comma-separated: columns or pairs (region+ethnicity);
    /// `default` is region, trust_type, org_code, staff_group and each
    /// protected characteristic; `all` alone gives the national total only.
    /// M6 is also broken down by region and org_code when they are listed.
    #[arg(long, value_delimiter = ',', default_value = "default")]
    by: Vec<String>,
    /// Tables to compute, comma-separated: transitions (m1, with
    /// relative_likelihood), new_nurse_share (m2), band_representation (m3),
    /// retention (m6). Fewer tables read fewer columns. Default: all.
    #[arg(long, value_delimiter = ',')]
    tables: Vec<String>,
    /// Recruitment extract (post_id, ethnicity, shortlisted, appointed) for WRES indicator 2.
    #[arg(long)]
    recruitment: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PanelFormat {
    Parquet,
    Csv,
}

#[derive(Subcommand)]
enum PanelCommand {
    /// Convert a CSV panel extract to Parquet, checking every row; writes
    /// nothing unless every row is good. Streams the CSV once and splits it
    /// by person into files sorted by person and month, so memory stays
    /// bounded however large the extract.
    Import {
        /// The CSV extract (header: the panel columns of docs/METRICS.md).
        #[arg(long = "in")]
        input: PathBuf,
        /// Output folder (new, or without Parquet files).
        #[arg(long)]
        out: PathBuf,
        /// Number of Parquet files, persons split by id (default: one per
        /// 256 MB of CSV, which keeps memory to a few hundred MB).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=4096))]
        partitions: Option<u64>,
    },
    /// Write a synthetic ESR-style panel, deterministic for a seed.
    Generate {
        /// Staff in post in any month (joiners replace leavers).
        #[arg(long, default_value_t = 1_400_000)]
        persons: u64,
        /// Seed.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// First month, YYYY-MM.
        #[arg(long, default_value = "2009-09")]
        from: String,
        /// Last month, YYYY-MM.
        #[arg(long, default_value = "2026-03")]
        to: String,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Number of files, persons split by id.
        #[arg(long, default_value_t = 16)]
        partitions: usize,
        /// File format.
        #[arg(long, value_enum, default_value_t = PanelFormat::Parquet)]
        format: PanelFormat,
    },
    /// Decode a Parquet panel's columns and do nothing else: the baseline
    /// that `analyze` is benchmarked against (bench/panel.sh).
    Decode {
        /// A Parquet file or a folder of them.
        panel: PathBuf,
        /// Columns to decode, comma-separated (default: those `analyze` reads).
        #[arg(long, value_delimiter = ',')]
        columns: Vec<String>,
    },
}

#[derive(Subcommand)]
enum RosterCommand {
    /// Import a roster CSV as the e-rostering system exports it:
    /// `person_id,date,start,end,shift_type,site` (date YYYY-MM-DD, times
    /// HH:MM local, an end at or before the start ends the next day;
    /// shift_type early, late, long_day, night, short, on_call, study or
    /// leave; site a site code). More columns are ignored. All or nothing:
    /// for the people in the file, it replaces the shifts stored on the
    /// dates it covers, first to last.
    Import {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The organisation's code, e.g. the ODS code RXX.
        #[arg(long)]
        org_code: String,
        /// The roster file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum CatalogueCommand {
    /// Replace the core catalogue with a TOML file, all or nothing.
    Import {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The catalogue file.
        file: PathBuf,
    },
    /// Write the core catalogue as TOML (to standard output without a file).
    Export {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Where to write it.
        file: Option<PathBuf>,
    },
}

fn parse_month(field: &str, s: &str) -> Result<pathwise_domain::Date> {
    let (y, m) = s
        .split_once('-')
        .with_context(|| format!("{field}: '{s}' is not a month; expected YYYY-MM"))?;
    match (y.parse(), m.parse()) {
        (Ok(y), Ok(m)) => pathwise_domain::Date::new(y, m, 1),
        _ => None,
    }
    .with_context(|| format!("{field}: '{s}' is not a month; expected YYYY-MM"))
}

fn run_analyze(args: &AnalyzeArgs) -> Result<()> {
    let (panel, out, snapshot_month, lookback) = (
        args.panel.as_path(),
        args.out.as_path(),
        args.snapshot_month,
        args.lookback,
    );
    let control = !args.no_disclosure_control;
    use pathwise_analytics::{AnalysisSpec, Measures, Tables, analyze_files, panel_files};
    let breakdowns =
        AnalysisSpec::breakdowns_named(&args.by).map_err(|e| anyhow::anyhow!("--by: {e}"))?;
    let measures = Measures::parse(&args.tables).map_err(|e| anyhow::anyhow!("--tables: {e}"))?;
    let files = panel_files(panel)?;
    let recruitment = args
        .recruitment
        .as_deref()
        .map(pathwise_analytics::recruitment::read)
        .transpose()
        .map_err(|e| anyhow::anyhow!("recruitment: {e}"))?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message(format!("Reading {} file(s)...", files.len()));
    let started = std::time::Instant::now();
    let (first_month, last_month) = pathwise_analytics::engine::panel_bounds(&files)?;
    let spec = AnalysisSpec {
        measures,
        snapshot_month,
        lookback,
        breakdowns,
        first_month,
        last_month,
    };
    bar.set_message("Aggregating...");
    let partial = analyze_files(&files, &spec)?;
    let disclosure = pathwise_analytics::Disclosure {
        on: control,
        national: args.national,
    };
    let tables = Tables::build(&partial, &spec, disclosure, recruitment.as_ref());
    tables
        .write_csv(out)
        .with_context(|| format!("writing {}", out.display()))?;
    let month = |m: i32| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1);
    let note = format!(
        "{} Parquet file(s), {} to {}",
        files.len(),
        month(spec.first_month),
        month(spec.last_month)
    );
    pathwise_analytics::report::write_all(&tables, out, &note, snapshot_month, lookback)
        .map_err(|e| anyhow::anyhow!(e))?;
    bar.finish_and_clear();
    println!(
        "Wrote {} tables (CSV and tables.xlsx), charts and report.html to {} in {:.1}s (disclosure control {}).",
        tables.tables.len(),
        out.display(),
        started.elapsed().as_secs_f64(),
        match (control, args.national) {
            (false, _) => "off",
            (true, true) => "on below national level and for small protected groups",
            (true, false) => "on for every row: the panel was not given as --national",
        }
    );
    Ok(())
}

#[allow(
    clippy::disallowed_methods,
    reason = "configuration: the XDG default for the data folder"
)]
fn data_dir(db: &DatabaseArgs) -> Result<PathBuf> {
    if let Some(d) = &db.data_dir {
        return Ok(d.clone());
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .context("set --data-dir: neither XDG_DATA_HOME nor HOME is set")?;
    Ok(base.join("pathwise"))
}

/// Reads the catalogue folder, connects, applies migrations and puts the
/// shipped catalogue in where it is missing.
async fn open(db: &DatabaseArgs, file_name: &str) -> Result<(Store, Arc<ShippedCatalogue>)> {
    let dir = db
        .catalogue_dir
        .clone()
        .unwrap_or_else(pathwise_storage::shipped::default_dir);
    let shipped = Arc::new(
        pathwise_storage::shipped::read_dir(&dir)
            .with_context(|| format!("the catalogue folder {} cannot be used", dir.display()))?,
    );
    let url = match db.database.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(url) => url.to_string(),
        None => {
            let dir = data_dir(db)?;
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            format!("sqlite://{}", dir.join(file_name).display())
        }
    };
    let store = Store::connect(&url)
        .await
        .with_context(|| "connecting to the database")?;
    store.migrate().await.context("applying migrations")?;
    pathwise_storage::shipped::ensure_loaded(&store, &shipped, Clock::System.now())
        .await
        .context("loading the shipped catalogue")?;
    Ok((store, shipped))
}

async fn serve(
    store: Store,
    shipped: Arc<ShippedCatalogue>,
    db: &DatabaseArgs,
    args: &ServeArgs,
    banner: impl FnOnce(&str),
) -> Result<()> {
    let assets_dir = args
        .assets_dir
        .clone()
        .unwrap_or_else(pathwise_web::default_assets_dir);
    if !assets_dir.join("nhsuk-frontend.min.css").exists() {
        tracing::warn!(dir = %assets_dir.display(), "NHS.UK frontend not found: run `npm ci` in the repository");
    }
    let listener = tokio::net::TcpListener::bind((args.bind.as_str(), args.port))
        .await
        .with_context(|| format!("listening on {}:{}", args.bind, args.port))?;
    let addr = listener.local_addr()?;
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let mailer = match &args.smtp_url {
        Some(url) => Some(pathwise_web::mail::Mailer::new(
            &pathwise_web::mail::MailSettings {
                smtp_url: url.clone(),
                credentials_file: args.smtp_credentials_file.clone(),
                from: args.mail_from.clone(),
                public_url: public_url.clone(),
            },
        )?),
        None => None,
    };
    identity::set_from_flags(&store, &args.provider).await?;
    banner(&format!("http://{addr}/"));
    let uploads = match &args.uploads_dir {
        Some(d) => d.clone(),
        None => data_dir(db)?.join("uploads"),
    };
    std::fs::create_dir_all(&uploads)
        .with_context(|| format!("creating the uploads folder {}", uploads.display()))?;
    let mut state = AppState::new(store, shipped, assets_dir, args.secure_cookies)
        .with_uploads(FileStore::new(uploads), args.max_upload_mb * 1024 * 1024);
    if let Some(name) = &args.client_address_header {
        state = state.with_client_address_header(name)?;
    }
    state.email_configured = mailer.is_some();
    state = state.with_public_url(&public_url);
    let worker = pathwise_web::background::Worker::new(mailer);
    tokio::spawn(pathwise_web::background::run(state.clone(), worker));
    pathwise_web::serve(listener, state).await
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve { db, serve: args } => {
            let (store, shipped) = open(&db, "pathwise.sqlite").await?;
            serve(store, shipped, &db, &args, |url| {
                println!("Pathwise is running at {url}");
                let _ = std::io::stdout().flush();
            })
            .await
        }
        Command::Demo {
            db,
            serve: args,
            staff,
            seed,
            build_only,
        } => {
            let (store, shipped) = open(&db, "demo.sqlite").await?;
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_message(format!("Building the demo trust ({staff} staff)..."));
            bar.enable_steady_tick(Duration::from_millis(120));
            let hash = tokio::task::spawn_blocking(|| auth::hash_password(DEMO_PASSWORD)).await??;
            let spec = DemoSpec {
                seed,
                staff,
                today: pathwise_web::today(),
            };
            let demo = pathwise_demo::build(&store, &shipped, spec, &hash).await?;
            bar.finish_and_clear();
            let accounts_text: Vec<String> = demo
                .accounts
                .iter()
                .map(|a| format!("  {:<30} {}", a.email, a.who))
                .collect();
            let intro = format!(
                "{} ({} staff)\nSign in with any of these accounts, password `{DEMO_PASSWORD}`:\n{}",
                demo.org_name,
                demo.staff,
                accounts_text.join("\n")
            );
            if build_only {
                println!("{intro}");
                return Ok(());
            }
            serve(store, shipped, &db, &args, |url| {
                println!("{intro}\nPathwise demo is running at {url}  (press Ctrl-C to stop)");
                let _ = std::io::stdout().flush();
            })
            .await
        }
        Command::Migrate { db } => {
            let (store, shipped) = open(&db, "pathwise.sqlite").await?;
            let version = catalogue::core_version(&store).await?.unwrap_or_default();
            let names: Vec<&str> = shipped
                .pathways
                .pathways
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            println!(
                "Database is up to date; core catalogue version {version}; every organisation has the shipped pathways ({}).",
                names.join(", ")
            );
            Ok(())
        }
        Command::Admin { command } => admin::run(command).await,
        Command::Roster {
            command: RosterCommand::Import { db, org_code, file },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let nothing_imported = |problems: Vec<String>| {
                anyhow::anyhow!(
                    "{}: nothing imported\n{}",
                    file.display(),
                    problems.join("\n")
                )
            };
            let shifts = pathwise_web::csv_files::roster(&text).map_err(nothing_imported)?;
            let (store, _) = open(&db, "pathwise.sqlite").await?;
            let Some((org_id, org_name)) = people::organisation_by_code(&store, &org_code).await?
            else {
                bail!("org-code: no organisation has the code {org_code}");
            };
            match rosters::import(&store, org_id, &shifts, None, Clock::System.now()).await? {
                Ok(done) => {
                    println!(
                        "Imported {} for {} at {org_name}, {} to {}.",
                        counted(done.shifts, "shift", "shifts"),
                        counted(done.people, "person", "people"),
                        done.from,
                        done.to
                    );
                    if done.replaced > 0 {
                        println!(
                            "Replaced {} already stored for them on those dates.",
                            counted(done.replaced as usize, "shift", "shifts")
                        );
                    }
                    Ok(())
                }
                Err(problems) => Err(nothing_imported(
                    problems.iter().map(ToString::to_string).collect(),
                )),
            }
        }
        Command::Catalogue {
            command: CatalogueCommand::Import { db, file },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let (store, shipped) = open(&db, "pathwise.sqlite").await?;
            let cat = Catalogue::parse(&text, &shipped.standards)
                .with_context(|| format!("{}", file.display()))?;
            catalogue::replace_core(&store, &cat).await?;
            println!(
                "Imported catalogue version {}: {} roles, {} transitions.",
                cat.version,
                cat.roles.len(),
                cat.transitions.len()
            );
            Ok(())
        }
        Command::Panel {
            command:
                PanelCommand::Generate {
                    persons,
                    seed,
                    from,
                    to,
                    out,
                    partitions,
                    format,
                },
        } => {
            let spec = pathwise_analytics::generate::GenerateSpec {
                persons,
                seed,
                from: parse_month("from", &from)?,
                to: parse_month("to", &to)?,
                partitions,
                calibration: Default::default(),
                format: match format {
                    PanelFormat::Parquet => pathwise_analytics::generate::Format::Parquet,
                    PanelFormat::Csv => pathwise_analytics::generate::Format::Csv,
                },
            };
            if spec.to < spec.from {
                bail!("to: {to} is before --from {from}");
            }
            let bar = indicatif::ProgressBar::new(spec.total_persons());
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} persons ({per_sec}, about {eta} left)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let started = std::time::Instant::now();
            let rows = tokio::task::spawn_blocking(move || {
                let rows =
                    pathwise_analytics::generate::generate(&spec, &out, &|n| bar.set_position(n))?;
                // A recruitment extract beside the panel, one post per 20 staff.
                pathwise_analytics::recruitment::generate(
                    &out.join("recruitment.csv"),
                    (spec.persons / 20).max(1),
                    spec.seed,
                )?;
                Ok::<_, String>((rows, out))
            })
            .await?
            .map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "Wrote {} rows ({persons} staff in post each month) in {partitions} file(s), and recruitment.csv, to {} in {:.1}s.",
                rows.0,
                rows.1.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Panel {
            command: PanelCommand::Decode { panel, columns },
        } => {
            let started = std::time::Instant::now();
            let files = pathwise_analytics::panel_files(&panel)?;
            let columns: Vec<&str> = if columns.is_empty() {
                pathwise_analytics::panel::analyzed_columns()
            } else {
                columns.iter().map(|c| c.trim()).collect()
            };
            let rows = pathwise_analytics::panel::decode_files(&files, &columns)?;
            println!(
                "Decoded {rows} rows of {} column(s) ({}) from {} file(s) in {:.1}s.",
                columns.len(),
                columns.join(", "),
                files.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Panel {
            command:
                PanelCommand::Import {
                    input,
                    out,
                    partitions,
                },
        } => {
            use pathwise_analytics::import::{ImportOptions, ImportProgress, import_csv_with};
            let started = std::time::Instant::now();
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} {bar:40} {percent}% (about {eta} left)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let options = ImportOptions {
                partitions: partitions.map(|p| p as usize),
            };
            let shown = bar.clone();
            let summary = tokio::task::spawn_blocking(move || {
                let progress = |p: ImportProgress| match p {
                    ImportProgress::Reading(done, of) => {
                        shown.set_message("Reading and checking");
                        shown.set_length(of);
                        shown.set_position(done);
                    }
                    ImportProgress::Writing(done, of) => {
                        shown.set_message("Sorting and writing");
                        shown.set_length(of as u64);
                        shown.set_position(done as u64);
                    }
                };
                import_csv_with(&input, &out, options, &progress)
                    .map(|s| (s, out))
                    .map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))
            })
            .await;
            bar.finish_and_clear();
            let summary = summary??;
            println!(
                "Imported {} rows for {} persons into {} Parquet file(s) in {} in {:.1}s.",
                summary.0.rows,
                summary.0.persons,
                summary.0.files.len(),
                summary.1.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Analyze(args) => tokio::task::spawn_blocking(move || run_analyze(&args)).await?,
        Command::Staff { command } => staff::run(command).await,
        Command::Outcomes { command } => outcomes::run(command).await,
        Command::Levy { command } => levy::run(command),
        Command::Simulate(args) => {
            tokio::task::spawn_blocking(move || simulate::run(&args)).await?
        }
        Command::Schedule { command } => {
            tokio::task::spawn_blocking(move || schedule::run(command)).await?
        }
        Command::Catalogue {
            command: CatalogueCommand::Export { db, file },
        } => {
            let (store, _) = open(&db, "pathwise.sqlite").await?;
            let text = catalogue::export_core(&store).await?.to_toml();
            match file {
                Some(f) => {
                    std::fs::write(&f, text).with_context(|| format!("writing {}", f.display()))?
                }
                None => print!("{text}"),
            }
            Ok(())
        }
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("PATHWISE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if cli.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: could not start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
