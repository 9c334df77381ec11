//! `panel import`: CSV to Parquet, all or nothing, with errors that name the
//! line and column.

use pathwise_analytics::import::{ImportError, import_csv};
use std::path::PathBuf;

const HEADER: &str = "person_id,month,org_code,region,trust_type,staff_group,afc_band,fte,sex,ethnicity,age_band,disability";

fn temp(tag: &str) -> PathBuf {
    let n: u64 = rand::random();
    let d = std::env::temp_dir().join(format!("pathwise-import-{tag}-{n:016x}"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn csv_file(rows: &[&str]) -> PathBuf {
    let dir = temp("csv");
    let path = dir.join("panel.csv");
    std::fs::write(&path, format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
    path
}

const GOOD: [&str; 4] = [
    "2,2015-09,R001,London,acute,Support to doctors; nurses & midwives,3,1.0,Female,White,25-34,No",
    "1,2015-10,R001,London,acute,Nurses & health visitors,5,1.0,Male,Asian,35-44,No",
    "1,2015-09,R001,London,acute,Support to ST&T staff,3,0.6,Male,Asian,35-44,No",
    "2,2015-10,R002,North East,mental_health,HCHS doctors,,1.0,Female,White,25-34,Yes",
];

fn good() -> Vec<String> {
    // Staff groups contain commas, so quote them.
    GOOD.iter()
        .map(|r| {
            let mut f: Vec<String> = r.split(',').map(String::from).collect();
            f[5] = format!("\"{}\"", f[5].replace(';', ","));
            f.join(",")
        })
        .collect()
}

#[test]
fn a_good_extract_is_written_sorted_by_person_and_month() {
    let rows = good();
    let input = csv_file(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let out = temp("out");
    let summary = import_csv(&input, &out).unwrap();
    assert_eq!((summary.rows, summary.persons), (4, 2));
    let files = pathwise_analytics::panel_files(&out).unwrap();
    assert_eq!(files.len(), 1);
    // The engine reads it (it refuses files out of person/month order).
    let (first, last) = pathwise_analytics::engine::panel_bounds(&files).unwrap();
    let spec = pathwise_analytics::AnalysisSpec {
        measures: pathwise_analytics::Measures::ALL,
        snapshot_month: 9,
        lookback: 4,
        breakdowns: pathwise_analytics::AnalysisSpec::default_breakdowns(),
        first_month: first,
        last_month: last,
    };
    let partial = pathwise_analytics::analyze_files(&files, &spec).unwrap();
    let bands = partial.bands.keys().filter(|k| k.2 == "England").count();
    assert!(bands >= 1);
}

#[test]
fn a_bad_value_names_the_line_and_column_and_writes_nothing() {
    let mut rows = good();
    rows[2] = rows[2].replace(",0.6,", ",lots,");
    let input = csv_file(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let out = temp("out");
    let err = import_csv(&input, &out).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 4, column fte: 'lots' is not a full-time equivalent between 0 and 2"
    );
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn unknown_regions_and_months_are_refused() {
    let mut rows = good();
    rows[0] = rows[0].replace("London", "Atlantis");
    let input = csv_file(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let err = import_csv(&input, &temp("out")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("line 2, column region: 'Atlantis'"),
        "{err}"
    );
    let mut rows = good();
    rows[1] = rows[1].replace("2015-10", "2015-13");
    let input = csv_file(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let err = import_csv(&input, &temp("out")).unwrap_err();
    assert!(err.to_string().starts_with("line 3, column month"), "{err}");
}

#[test]
fn a_duplicate_person_month_is_rejected_naming_both_lines() {
    let mut rows = good();
    rows.push(rows[2].clone());
    let input = csv_file(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let out = temp("out");
    let err = import_csv(&input, &out).unwrap_err();
    assert!(
        matches!(err, ImportError::Duplicate { person: 1, .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "person 1 has two rows for month 2015-09 (lines 4 and 6)"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

#[test]
fn a_missing_column_and_an_occupied_output_are_refused() {
    let dir = temp("csv");
    let input = dir.join("p.csv");
    std::fs::write(&input, "person_id,month\n1,2015-09\n").unwrap();
    assert_eq!(
        import_csv(&input, &temp("out")).unwrap_err().to_string(),
        "the header has no 'org_code' column"
    );
    let rows = good();
    let input = csv_file(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let out = temp("out");
    import_csv(&input, &out).unwrap();
    assert!(matches!(
        import_csv(&input, &out),
        Err(ImportError::OutputNotEmpty(_))
    ));
}

#[test]
fn wres_indicator_two_comes_from_the_recruitment_extract() {
    use pathwise_analytics::recruitment;
    let dir = temp("rec");
    let path = dir.join("recruitment.csv");
    std::fs::write(
        &path,
        "post_id,ethnicity,shortlisted,appointed\n1,White,yes,yes\n1,Black,yes,no\n1,Asian,no,no\n2,White,yes,no\n2,Asian,yes,yes\n2,Unknown,yes,no\n",
    )
    .unwrap();
    let r = recruitment::read(&path).unwrap();
    assert_eq!(
        (
            r.white_shortlisted,
            r.white_appointed,
            r.bme_shortlisted,
            r.bme_appointed
        ),
        (2, 1, 2, 1)
    );
    std::fs::write(
        &path,
        "post_id,ethnicity,shortlisted,appointed\n1,White,no,yes\n",
    )
    .unwrap();
    assert!(
        recruitment::read(&path)
            .unwrap_err()
            .contains("line 2, column appointed: Appointed without being shortlisted")
    );
    std::fs::write(
        &path,
        "post_id,ethnicity,shortlisted,appointed\n1,White,maybe,no\n",
    )
    .unwrap();
    assert!(
        recruitment::read(&path)
            .unwrap_err()
            .contains("line 2, column shortlisted")
    );
    // The generator's extract gives about 1.6.
    recruitment::generate(&path, 20_000, 3).unwrap();
    let r = recruitment::read(&path).unwrap();
    let rl = pathwise_domain::metrics::relative_likelihood(
        r.white_appointed,
        r.white_shortlisted,
        r.bme_appointed,
        r.bme_shortlisted,
    )
    .unwrap();
    assert!((1.5..1.7).contains(&rl.rl), "{}", rl.rl);
}

#[test]
fn split_imports_report_the_lowest_repeated_person_month_and_leave_nothing() {
    use pathwise_analytics::import::{ImportOptions, import_csv_with};
    let mut rows = good();
    // Person 2 repeats 2015-10 and person 1 repeats 2015-09; they fall in
    // different partitions, and person 1 is reported, as with one file.
    rows.push(rows[3].clone());
    rows.push(rows[2].clone());
    let input = csv_file(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let parent = temp("out");
    let out = parent.join("panel");
    let err = import_csv_with(
        &input,
        &out,
        ImportOptions {
            partitions: Some(2),
        },
        &|_| {},
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "person 1 has two rows for month 2015-09 (lines 4 and 7)"
    );
    assert!(!out.exists(), "the folder the import made is gone");
    assert_eq!(std::fs::read_dir(&parent).unwrap().count(), 0);
    // A bad value after many good rows leaves an existing folder as it was.
    let existing = temp("existing");
    std::fs::write(existing.join("notes.txt"), "kept").unwrap();
    let mut rows = good();
    rows.push(rows[0].replace("2015-09", "2016-09").replace("Female", ""));
    let input = csv_file(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let err = import_csv_with(
        &input,
        &existing,
        ImportOptions {
            partitions: Some(4),
        },
        &|_| {},
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "line 6, column sex: is empty");
    let left: Vec<_> = std::fs::read_dir(&existing)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["notes.txt"]);
}
