//! The `pathwise` binary run as a user runs it: the catalogue folder read at
//! start-up, `migrate` and `admin create` leaving a database that `serve`
//! can run on without the demo, and roster imports.

use std::path::{Path, PathBuf};
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let tag: u64 = rand_tag();
    let dir = std::env::temp_dir().join(format!("pathwise-cli-{name}-{tag:016x}"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_tag() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::process::id().into());
    h.finish()
}

fn shipped_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalogue")
}

fn pathwise(args: &[&str], catalogue: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pathwise"))
        .args(args)
        .arg("--catalogue-dir")
        .arg(catalogue)
        .env_remove("PATHWISE_DATABASE_URL")
        .env("PATHWISE_ADMIN_PASSWORD", "a-long-enough-password")
        .output()
        .unwrap()
}

#[test]
fn a_bad_catalogue_file_stops_start_up_naming_the_file_line_and_field() {
    let dir = scratch("bad");
    let catalogue = dir.join("catalogue");
    std::fs::create_dir_all(&catalogue).unwrap();
    for f in [
        "nhs-core.toml",
        "pathways.toml",
        "care-certificate.toml",
        "standards.toml",
        "funding-rules.toml",
        "outreach-targeting.toml",
    ] {
        std::fs::copy(shipped_dir().join(f), catalogue.join(f)).unwrap();
    }
    let care = std::fs::read_to_string(catalogue.join("care-certificate.toml")).unwrap();
    std::fs::write(
        catalogue.join("care-certificate.toml"),
        care.replacen(
            "in_force_from = \"2015-04-01\"",
            "in_force_from = \"2015-04-31\"",
            1,
        ),
    )
    .unwrap();
    let db = format!("sqlite://{}", dir.join("p.sqlite").display());
    let out = pathwise(&["migrate", "--database", &db], &catalogue);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("care-certificate.toml"), "{err}");
    assert!(err.contains("in_force_from"), "{err}");
    assert!(
        !dir.join("p.sqlite").exists(),
        "nothing is created from a bad catalogue"
    );
    // A syntax error names its line.
    std::fs::write(catalogue.join("care-certificate.toml"), &care).unwrap();
    let pathways = std::fs::read_to_string(catalogue.join("pathways.toml")).unwrap();
    std::fs::write(
        catalogue.join("pathways.toml"),
        format!("{pathways}\n[[pathway]\n"),
    )
    .unwrap();
    let out = pathwise(&["migrate", "--database", &db], &catalogue);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pathways.toml"), "{err}");
    assert!(err.contains("line"), "{err}");
}

#[test]
fn migrate_and_admin_create_leave_the_shipped_pathway_in_place_without_the_demo() {
    let dir = scratch("migrate");
    let db = format!("sqlite://{}", dir.join("p.sqlite").display());
    let out = pathwise(&["migrate", "--database", &db], &shipped_dir());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("shipped pathways"), "{said}");
    let out = pathwise(
        &[
            "admin",
            "create",
            "--database",
            &db,
            "--org-code",
            "RXX",
            "--org-name",
            "Example NHS Trust",
            "--email",
            "lead@example.nhs.uk",
            "--name",
            "L&D lead",
        ],
        &shipped_dir(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = pathwise_storage::Store::connect(&db).await.unwrap();
        let (org, _) = pathwise_storage::people::organisation_by_code(&store, "RXX")
            .await
            .unwrap()
            .unwrap();
        let versions = pathwise_storage::pathways::versions(&store, org)
            .await
            .unwrap();
        assert_eq!(versions.len(), 1, "the shipped pathway, once");
        assert_eq!(versions[0].version, 1);
        // Running migrate again publishes nothing more.
        drop(store);
    });
    assert!(String::from_utf8_lossy(&out.stdout).contains("(L&D lead, System admin)"));
    // Another account with the roles asked for; an unknown role is refused.
    let with_roles = |email: &str, roles: &[&str]| {
        let mut args = vec![
            "admin",
            "create",
            "--database",
            &db,
            "--org-code",
            "RXX",
            "--email",
            email,
            "--name",
            "Outreach lead",
        ];
        for r in roles {
            args.extend(["--role", r]);
        }
        pathwise(&args, &shipped_dir())
    };
    let out = with_roles("outreach@example.nhs.uk", &["outreach", "analyst"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("(Outreach lead, Analyst)"));
    let out = with_roles("x@example.nhs.uk", &["wizard"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--role: 'wizard' is not a role: use one of")
    );
    let out = pathwise(&["migrate", "--database", &db], &shipped_dir());
    assert!(out.status.success());
    rt.block_on(async {
        let store = pathwise_storage::Store::connect(&db).await.unwrap();
        let (org, _) = pathwise_storage::people::organisation_by_code(&store, "RXX")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            pathwise_storage::pathways::versions(&store, org)
                .await
                .unwrap()
                .len(),
            1
        );
    });
}

#[test]
fn a_roster_import_is_all_or_nothing_and_a_reimport_replaces_its_dates() {
    let dir = scratch("roster");
    let db = format!("sqlite://{}", dir.join("p.sqlite").display());
    let built = pathwise(
        &["demo", "--database", &db, "--staff", "200", "--build-only"],
        &shipped_dir(),
    );
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let header = "person_id,date,start,end,shift_type,site\n";
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{header}1,2026-05-04,07:00,15:00,early,NGH\n1,2026-05-05,07:00,15:00,early,MOON\n"
        ),
    )
    .unwrap();
    let import = |file: &Path| {
        pathwise(
            &[
                "roster",
                "import",
                "--database",
                &db,
                "--org-code",
                "DEMO",
                file.to_str().unwrap(),
            ],
            &shipped_dir(),
        )
    };
    let out = import(&bad);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing imported"), "{err}");
    assert!(
        err.contains("row 3, column site: 'MOON' is not one of the organisation's site codes"),
        "{err}"
    );
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        format!("{header}1,2026-05-04,07:00,15:00,early,NGH\n1,2026-05-05,19:00,07:30,night,NGH\n"),
    )
    .unwrap();
    let first = String::from_utf8_lossy(&import(&good).stdout).to_string();
    assert!(
        first.contains("Imported 2 shifts for 1 person at") && !first.contains("Replaced"),
        "the refused file wrote nothing: {first}"
    );
    let again = String::from_utf8_lossy(&import(&good).stdout).to_string();
    assert!(again.contains("Replaced 2 shifts"), "{again}");
}

fn bare(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pathwise"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_timetable_optimiser_writes_a_plan_for_a_generated_cohort_and_names_bad_rows() {
    let dir = scratch("schedule");
    let d = dir.to_str().unwrap();
    let out = bare(&[
        "schedule",
        "generate",
        "--learners",
        "120",
        "--slots",
        "30",
        "--weeks",
        "2",
        "--seed",
        "4",
        "--out",
        d,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = dir.join("plan.json");
    let out = bare(&[
        "schedule",
        "optimise",
        "--rosters",
        &format!("{d}/rosters.csv"),
        "--slots",
        &format!("{d}/slots.csv"),
        "--learners",
        &format!("{d}/learners.csv"),
        "--k",
        "3",
        "--out",
        plan.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Chose 3 of 30 slots"));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(doc["cohort"], 120);
    assert_eq!(doc["chosen"].as_array().unwrap().len(), 3);
    let covered = doc["covered"].as_u64().unwrap() as usize;
    assert_eq!(doc["assigned"].as_object().unwrap().len(), covered);
    let uncovered = doc["uncovered"].as_array().unwrap();
    assert_eq!(uncovered.len(), 120 - covered);
    assert!(
        uncovered
            .iter()
            .all(|u| !u["reason"].as_str().unwrap().is_empty())
    );
    let chosen: Vec<&str> = doc["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        doc["assigned"]
            .as_object()
            .unwrap()
            .values()
            .all(|s| chosen.contains(&s.as_str().unwrap()))
    );

    let bad = dir.join("bad-slots.csv");
    std::fs::write(&bad, "slot_id,date,start,minutes,site,capacity\nA,2027-01-05,9am,60,online,10\nA,2027-01-05,09:00,60,online,10\n").unwrap();
    let out = bare(&[
        "schedule",
        "optimise",
        "--rosters",
        &format!("{d}/rosters.csv"),
        "--slots",
        bad.to_str().unwrap(),
        "--k",
        "1",
        "--out",
        plan.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("row 2, column start: '9am' is not a time like 09:30"),
        "{err}"
    );
}

#[test]
fn a_staff_import_names_bad_rows_asks_first_and_records_a_promotion() {
    let dir = scratch("staff");
    let db = format!("sqlite://{}", dir.join("p.sqlite").display());
    let built = pathwise(
        &["demo", "--database", &db, "--staff", "200", "--build-only"],
        &shipped_dir(),
    );
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let header = "assignment_number,name,email,role_code,site,afc_band,staff_group,start_date,leave_date,line_manager_assignment,sex,ethnicity,age_band,disability\n";
    let write = |name: &str, rows: &str| {
        let file = dir.join(name);
        std::fs::write(&file, format!("{header}{rows}")).unwrap();
        file
    };
    let import = |file: &Path, yes: bool| {
        let mut args = vec!["staff", "import", "--database", &db, "--org-code", "DEMO"];
        if yes {
            args.push("--yes");
        }
        args.push(file.to_str().unwrap());
        pathwise(&args, &shipped_dir())
    };
    let bad = write(
        "bad.csv",
        "7000001,Ola Ade,,hcsw,NGH,3,,2025-01-06,,7000002,Female,Black,25-34,No\n\
         7000002,Kit Moss,,hcsw,NGH,3,,2025-01-06,,7000001,Male,White,25-34,No\n\
         7000003,Jo Finch,,hcsw,NGH,3,,06/13/2025,,,Male,White,25-34,No\n",
    );
    let out = import(&bad, true);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing imported"), "{err}");
    assert!(
        err.contains("row 4, column start_date: '06/13/2025' is not a date"),
        "{err}"
    );
    let cycle = write(
        "cycle.csv",
        "7000001,Ola Ade,,hcsw,NGH,3,,2025-01-06,,7000002,Female,Black,25-34,No\n\
         7000002,Kit Moss,,hcsw,NGH,3,,2025-01-06,,7000001,Male,White,25-34,No\n",
    );
    let err = String::from_utf8_lossy(&import(&cycle, true).stderr).to_string();
    assert!(
        err.contains("row 2, column line_manager_assignment: a line manager cycle: 7000001 is managed by 7000002 is managed by 7000001"),
        "{err}"
    );
    let good = write(
        "good.csv",
        "7000001,Ola Ade,,hcsw,NGH,3,,2025-01-06,,,Female,Black,25-34,No\n\
         7000002,Kit Moss,,hcsw,COMMUNITY9,3,,2025-01-06,,7000001,Male,White,25-34,No\n",
    );
    // Not at a terminal and without --yes: the summary, then nothing.
    let asked = import(&good, false);
    assert!(!asked.status.success());
    assert!(String::from_utf8_lossy(&asked.stdout).contains("2 people new"));
    assert!(String::from_utf8_lossy(&asked.stderr).contains("add --yes"));
    let done = String::from_utf8_lossy(&import(&good, true).stdout).to_string();
    assert!(
        done.contains("Imported: 2 people new, 0 changed (0 in role or band), 0 leaving."),
        "{done}"
    );
    let promoted = write(
        "promoted.csv",
        "7000001,Ola Ade,,senior-hcsw,NGH,4,,2025-01-06,,,Female,Black,25-34,No\n\
         7000002,Kit Moss,,hcsw,COMMUNITY9,3,,2025-01-06,2026-11-30,7000001,Male,White,25-34,No\n",
    );
    // The day the extract was taken dates its role changes; never later
    // than today.
    let taken = |on: &str| {
        pathwise(
            &[
                "staff",
                "import",
                "--database",
                &db,
                "--org-code",
                "DEMO",
                "--yes",
                "--taken-on",
                on,
                promoted.to_str().unwrap(),
            ],
            &shipped_dir(),
        )
    };
    let late = taken("1 January 2099");
    assert!(!late.status.success());
    assert!(
        String::from_utf8_lossy(&late.stderr).contains("--taken-on: 1 January 2099 is after today"),
        "{}",
        String::from_utf8_lossy(&late.stderr)
    );
    let bad_day = String::from_utf8_lossy(&taken("31 June 2025").stderr).to_string();
    assert!(
        bad_day.contains("'31 June 2025' is not a date"),
        "{bad_day}"
    );
    let done = String::from_utf8_lossy(&taken("1 June 2025").stdout).to_string();
    assert!(
        done.contains("2 people changed, 1 of them in role or band"),
        "{done}"
    );
    assert!(
        done.contains("Imported: 0 people new, 2 changed (1 in role or band), 1 leaving."),
        "{done}"
    );
}

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/levy")
}

fn levy_forecast(extra: &[&str], out: &Path) -> std::process::Output {
    let ex = examples();
    let (pay, apps) = (ex.join("pay.csv"), ex.join("apprenticeships.csv"));
    let mut args = vec![
        "levy",
        "forecast",
        "--pay-bill",
        pay.to_str().unwrap(),
        "--apprenticeships",
        apps.to_str().unwrap(),
        "--from",
        "2026-12",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    pathwise(&args, &shipped_dir())
}

#[test]
fn a_levy_forecast_is_one_row_a_month_and_every_penny_is_accounted_for() {
    let dir = scratch("levy");
    let out = dir.join("forecast.csv");
    let (tr, opening) = (
        examples().join("transfers.csv"),
        examples().join("opening.csv"),
    );
    let run = levy_forecast(
        &[
            "--transfers",
            tr.to_str().unwrap(),
            "--opening",
            opening.to_str().unwrap(),
        ],
        &out,
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("Wrote 36 months (December 2026 to November 2029)"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "month,levy_in,top_up,instalments,completions,transfers_out,expired,\
             co_invest_employer,co_invest_government,balance,expiring_next_3_months"
        )
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 36);
    // £5,150,000 pay bill in November 2026: £25,750 less £1,250 enters in
    // December, with no top-up after July 2026.
    assert_eq!(rows[0][..3], ["2026-12", "2450000", "0"]);
    let n = |r: &[String], i: usize| r[i].parse::<i64>().unwrap();
    let opening_funds: i64 = std::fs::read_to_string(&opening)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse::<i64>().unwrap())
        .sum();
    let mut balance = opening_funds;
    for r in &rows {
        let paid = n(r, 3) + n(r, 4) + n(r, 5) - n(r, 7) - n(r, 8);
        assert_eq!(
            balance + n(r, 1) + n(r, 2) - paid - n(r, 6),
            n(r, 9),
            "{}",
            r[0]
        );
        balance = n(r, 9);
    }
    assert!(rows.iter().any(|r| n(r, 5) > 0), "the transfers are paid");
}

#[test]
fn a_levy_forecast_refuses_bad_rows_and_a_transfer_over_the_allowance_writing_nothing() {
    let dir = scratch("levy-bad");
    let out = dir.join("forecast.csv");
    let apps = dir.join("apps.csv");
    std::fs::write(
        &apps,
        "id,standard,start,planned_end,price_pence,age_at_start\n\
         A1,ST0216,2026-01,2027-01,500000,19\n\
         A2,ST0777,2026-13,2027-01,5000,12\n",
    )
    .unwrap();
    let ex = examples();
    let pay = ex.join("pay.csv");
    let run = pathwise(
        &[
            "levy",
            "forecast",
            "--pay-bill",
            pay.to_str().unwrap(),
            "--apprenticeships",
            apps.to_str().unwrap(),
            "--from",
            "2026-12",
            "--out",
            out.to_str().unwrap(),
        ],
        &shipped_dir(),
    );
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains(
            "apps.csv: row 3, column standard: 'ST0777' is not a standard in the register"
        ),
        "{err}"
    );
    assert!(
        err.contains("apps.csv: row 3, column start: '2026-13' is not a month like 2026-08"),
        "{err}"
    );
    assert!(err.contains("row 3, column age_at_start"), "{err}");
    assert!(!out.exists());
    // Six registered nurse transfers of £26,000 in 2026-27 against 50% of
    // the £287,375 that entered in 2025-26: the sixth, in order of start, is refused.
    let tr = dir.join("tr.csv");
    let mut text = String::from("id,partner,standard,start,planned_end,price_pence,age_at_start\n");
    for (i, start) in [
        "2026-11", "2026-12", "2026-10", "2026-11", "2026-12", "2026-10",
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!(
            "T{},Care home,ST0781,{start},2029-0{},2600000,30\n",
            i + 1,
            i + 1
        ));
    }
    std::fs::write(&tr, text).unwrap();
    let run = levy_forecast(&["--transfers", tr.to_str().unwrap()], &out);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains(
            "tr.csv: row 6, column price_pence: transfer T5 is refused: with it, transfers starting in \
             2026-27 would commit £156,000.00, £12,312.50 over the limit of £143,687.50 \
             (50% of the £287,375.00 that entered in 2025-26)"
        ),
        "{err}"
    );
    assert!(!out.exists());
}
