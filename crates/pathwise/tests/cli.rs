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
    for f in ["nhs-core.toml", "pathways.toml", "care-certificate.toml"] {
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
    let done = String::from_utf8_lossy(&import(&promoted, true).stdout).to_string();
    assert!(
        done.contains("2 people changed, 1 of them in role or band"),
        "{done}"
    );
    assert!(
        done.contains("Imported: 0 people new, 2 changed (1 in role or band), 1 leaving."),
        "{done}"
    );
}
