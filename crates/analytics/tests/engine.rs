//! The engine on tiny hand-built panels (every metric and edge case), its
//! independence from how the panel is split, and a naive reference check.

use arrow_array::{ArrayRef, Date32Array, Float32Array, Int64Array, RecordBatch, StringArray};
use parquet::arrow::ArrowWriter;
use pathwise_analytics::engine::{AnalysisSpec, panel_bounds};
use pathwise_analytics::generate::{Calibration, Format, GenerateSpec, generate, schema};
use pathwise_analytics::{Disclosure, PanelError, Tables, analyze_files, panel_files};
use pathwise_domain::Date;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const CSW: &str = "Support to doctors, nurses & midwives";
const NURSE: &str = "Nurses & health visitors";
const ADMIN: &str = "Central functions";

/// One row: person, "YYYY-MM", org, region, staff group, ethnicity.
type Row<'a> = (i64, &'a str, &'a str, &'a str, &'a str, &'a str);

fn temp_dir(tag: &str) -> PathBuf {
    let n: u64 = rand::random();
    let d = std::env::temp_dir().join(format!("pathwise-{tag}-{n:016x}"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write_panel(path: &Path, rows: &[Row<'_>]) {
    let day = |m: &str| {
        let (y, mo) = m.split_once('-').unwrap();
        Date::new(y.parse().unwrap(), mo.parse().unwrap(), 1)
            .unwrap()
            .to_unix_days() as i32
    };
    let text = |f: &dyn Fn(&Row<'_>) -> String| -> ArrayRef {
        Arc::new(StringArray::from(rows.iter().map(f).collect::<Vec<_>>()))
    };
    let trust = |r: &Row<'_>| {
        if r.2 == "MH1" {
            "mental_health"
        } else {
            "acute"
        }
        .to_string()
    };
    let band = |r: &Row<'_>| if r.4 == NURSE { "5" } else { "3" }.to_string();
    // Plain UTF-8 here (the generator writes dictionaries): both must read.
    let s = schema();
    let fields: Vec<arrow_schema::Field> = s
        .fields()
        .iter()
        .map(|f| {
            let dt = match f.data_type() {
                arrow_schema::DataType::Dictionary(_, _) => arrow_schema::DataType::Utf8,
                other => other.clone(),
            };
            arrow_schema::Field::new(f.name(), dt, false)
        })
        .collect();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        )),
        Arc::new(Date32Array::from(
            rows.iter().map(|r| day(r.1)).collect::<Vec<_>>(),
        )),
        text(&|r| r.2.to_string()),
        text(&|r| r.3.to_string()),
        text(&trust),
        text(&|r| r.4.to_string()),
        text(&band),
        Arc::new(Float32Array::from(vec![1.0f32; rows.len()])),
        text(&|_| "Female".to_string()),
        text(&|r| r.5.to_string()),
        text(&|_| "25-34".to_string()),
        text(&|_| "No".to_string()),
    ];
    let schema = Arc::new(arrow_schema::Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// Every month from `from` to `to` for one person in one org and group.
fn months<'a>(
    p: i64,
    from: (i32, u32),
    to: (i32, u32),
    org: &'a str,
    region: &'a str,
    group: &'a str,
    eth: &'a str,
) -> Vec<(i64, String, &'a str, &'a str, &'a str, &'a str)> {
    let mut out = Vec::new();
    let (mut y, mut m) = from;
    while (y, m) <= to {
        out.push((p, format!("{y:04}-{m:02}"), org, region, group, eth));
        m += 1;
        if m == 13 {
            m = 1;
            y += 1;
        }
    }
    out
}

fn analyze(dir: &Path, control: bool) -> Tables {
    analyze_as(
        dir,
        Disclosure {
            on: control,
            national: true,
        },
    )
}

fn analyze_as(dir: &Path, disclosure: Disclosure) -> Tables {
    let files = panel_files(dir).unwrap();
    let (first, last) = panel_bounds(&files).unwrap();
    let spec = AnalysisSpec {
        measures: pathwise_analytics::Measures::ALL,
        snapshot_month: 9,
        lookback: 2,
        breakdowns: AnalysisSpec::default_breakdowns(),
        first_month: first,
        last_month: last,
    };
    Tables::build(
        &analyze_files(&files, &spec).unwrap(),
        &spec,
        disclosure,
        None,
    )
}

fn row<'a>(t: &'a Tables, table: &str, key: &[&str]) -> Option<&'a Vec<String>> {
    t.get(table)
        .unwrap()
        .rows
        .iter()
        .find(|r| r.iter().zip(key).all(|(a, b)| a == b))
}

fn tiny_panel() -> PathBuf {
    let dir = temp_dir("tiny");
    let mut all = Vec::new();
    // 1: support worker who becomes a nurse in 2016 (moved in 2015's year).
    all.extend(months(
        1,
        (2014, 1),
        (2016, 3),
        "A1",
        "London",
        CSW,
        "Black",
    ));
    all.extend(months(
        1,
        (2016, 4),
        (2018, 12),
        "A1",
        "London",
        NURSE,
        "Black",
    ));
    // 2: support worker who leaves in 2016 (left in 2015's year).
    all.extend(months(
        2,
        (2014, 1),
        (2016, 6),
        "A1",
        "London",
        CSW,
        "White",
    ));
    // 3: support worker throughout, moves organisation in 2016.
    all.extend(months(
        3,
        (2014, 1),
        (2016, 1),
        "A1",
        "London",
        CSW,
        "White",
    ));
    all.extend(months(
        3,
        (2016, 2),
        (2018, 12),
        "MH1",
        "North East",
        CSW,
        "White",
    ));
    // 4: a nurse throughout: never at risk, never a new nurse.
    all.extend(months(
        4,
        (2014, 1),
        (2018, 12),
        "A1",
        "London",
        NURSE,
        "Asian",
    ));
    // 5: absent at the 2015 snapshot (gap), back in 2016: not at risk in 2015.
    all.extend(months(
        5,
        (2014, 1),
        (2015, 6),
        "A1",
        "London",
        CSW,
        "White",
    ));
    all.extend(months(
        5,
        (2015, 11),
        (2018, 12),
        "A1",
        "London",
        CSW,
        "White",
    ));
    // 6: joins as admin in 2015, becomes a nurse in 2017 without support work.
    all.extend(months(
        6,
        (2015, 3),
        (2017, 5),
        "A1",
        "London",
        ADMIN,
        "White",
    ));
    all.extend(months(
        6,
        (2017, 6),
        (2018, 12),
        "A1",
        "London",
        NURSE,
        "White",
    ));
    let rows: Vec<Row<'_>> = all
        .iter()
        .map(|r| (r.0, r.1.as_str(), r.2, r.3, r.4, r.5))
        .collect();
    write_panel(&dir.join("panel.parquet"), &rows);
    dir
}

#[test]
fn m1_counts_movers_leavers_and_only_support_staff_at_risk() {
    let t = analyze(&tiny_panel(), false);
    // 2015: at risk 1, 2, 3 (5 is absent at the snapshot); 1 moved, 2 left.
    let r = row(&t, "transitions", &["2015", "all", "England"]).unwrap();
    assert_eq!(&r[3..6], &["3", "1", "1"]);
    assert_eq!(r[6], format!("{:.6}", 1.0 / 3.0));
    // 2014: 1, 2, 3, 5 at risk; nobody moved or left by Sept 2015 (5 is absent: left).
    let r = row(&t, "transitions", &["2014", "all", "England"]).unwrap();
    assert_eq!(&r[3..6], &["4", "0", "1"]);
    // Breakdowns use the attributes at y: person 3 counts in London in 2015.
    let r = row(&t, "transitions", &["2015", "region", "London"]).unwrap();
    assert_eq!(r[3], "3");
    // The last year has no y+1 snapshot: not reported.
    assert!(row(&t, "transitions", &["2018", "all"]).is_none());
}

#[test]
fn m2_new_nurses_and_the_support_route() {
    let t = analyze(&tiny_panel(), false);
    // Look-back 2 from the first panel year 2014: reported from 2016.
    assert!(row(&t, "new_nurse_share", &["2015"]).is_none());
    let r = row(&t, "new_nurse_share", &["2016"]).unwrap();
    assert_eq!(&r[1..3], &["1", "1"], "person 1, from support work");
    let r = row(&t, "new_nurse_share", &["2017"]).unwrap();
    assert_eq!(
        &r[1..4],
        &["1", "0", "0.000000"],
        "person 6, not from support work"
    );
}

#[test]
fn m3_counts_staff_by_band_and_ethnicity_group() {
    let t = analyze(&tiny_panel(), false);
    // Sept 2014 in London: bands 3 = persons 1 (Black), 2, 3, 5 (White); band 5 = person 4 (Asian).
    let r = row(&t, "band_representation", &["2014", "London", "3"]).unwrap();
    assert_eq!(&r[3..7], &["3", "1", "0", "0.250000"]);
    let r = row(&t, "band_representation", &["2014", "England", "5"]).unwrap();
    assert_eq!(&r[3..5], &["0", "1"]);
}

#[test]
fn m6_retention_counts_first_spells_with_censoring() {
    let t = analyze(&tiny_panel(), false);
    // Starts: 2014-01 is the first panel month, so 1, 2, 3 (at A1), 4, 5 do not
    // start there. Person 3 starts at MH1 in 2016-02 and is censored (to 2018-12):
    // 35 months. Person 5 returns in 2015-11 at A1 but already had a spell at A1.
    let r = row(&t, "retention", &["all", "all", "18"]).unwrap();
    assert_eq!(&r[3..6], &["1", "0", "1.000000"]);
    let r = row(&t, "retention", &["org_code", "MH1", "6"]).unwrap();
    assert_eq!(r[5], "1.000000");
}

#[test]
fn disclosure_control_marks_and_suppresses_sub_national_rows_only() {
    let t = analyze(&tiny_panel(), true);
    let r = row(&t, "transitions", &["2015", "region", "London"]).unwrap();
    assert_eq!(&r[3..7], &["*", "*", "*", ""]);
    assert_eq!(r[9], "on");
    let national = row(&t, "transitions", &["2015", "all", "England"]).unwrap();
    assert_eq!(national[3], "3", "national totals are not controlled");
}

#[test]
fn each_row_says_whether_it_was_controlled_and_small_protected_counts_are_even_nationally() {
    let dir = generated(1500, 2);
    let national = analyze(&dir, true);
    let t = national.get("transitions").unwrap();
    let flag = t
        .header
        .iter()
        .position(|h| *h == "disclosure_control")
        .unwrap();
    let small = |n: &str| n == "*";
    let mut saw_controlled_protected = false;
    for r in &t.rows {
        let (bd, controlled) = (r[1].as_str(), r[flag] == "on");
        if bd == "region" || bd == "org_code" {
            assert!(controlled, "{r:?}");
        }
        if bd == "all" || bd == "trust_type" || bd == "staff_group" {
            assert!(!controlled, "national totals stay as they are: {r:?}");
        }
        if ["sex", "ethnicity", "age_band", "disability"].contains(&bd) {
            // A national row by a protected characteristic is controlled
            // exactly when it held a count of 1-7, and then shows no raw count.
            if controlled {
                saw_controlled_protected = true;
                assert!(
                    r[3..6]
                        .iter()
                        .all(|c| small(c) || c.parse::<u64>().unwrap() % 5 == 0),
                    "{r:?}"
                );
            } else {
                assert!(
                    r[3..6].iter().all(|c| {
                        let n: u64 = c.parse().unwrap();
                        n == 0 || n > 7
                    }),
                    "{r:?}"
                );
            }
        }
    }
    assert!(
        saw_controlled_protected,
        "a 1,500-person panel has small groups"
    );
    // Not given as national: every row of every table is controlled.
    let local = analyze_as(
        &dir,
        Disclosure {
            on: true,
            national: false,
        },
    );
    for table in &local.tables {
        if let Some(flag) = table.header.iter().position(|h| *h == "disclosure_control") {
            assert!(table.rows.iter().all(|r| r[flag] == "on"), "{}", table.name);
        }
    }
    let all = local
        .get("transitions")
        .unwrap()
        .rows
        .iter()
        .find(|r| r[1] == "all")
        .unwrap()
        .clone();
    assert!(
        all[3..6]
            .iter()
            .all(|c| small(c) || c.parse::<u64>().unwrap() % 5 == 0),
        "{all:?}"
    );
    let nn = local.get("new_nurse_share").unwrap();
    assert!(
        nn.rows
            .iter()
            .all(|r| r[1] == "*" || r[1].parse::<u64>().unwrap() % 5 == 0)
    );
    // Off: nothing is controlled.
    let off = analyze(&dir, false);
    let t = off.get("transitions").unwrap();
    assert!(t.rows.iter().all(|r| r[flag] == "off"));
}

/// Every table and the default breakdowns over any months: for the tests of
/// refused panels.
fn order_spec() -> AnalysisSpec {
    AnalysisSpec {
        measures: pathwise_analytics::Measures::ALL,
        snapshot_month: 9,
        lookback: 4,
        breakdowns: AnalysisSpec::default_breakdowns(),
        first_month: 0,
        last_month: 1_000_000,
    }
}

#[test]
fn order_is_checked_across_the_boundary_between_batches() {
    // 8,192 persons of 8 months fill the first 65,536-row batch exactly; the
    // row after it starts the second batch.
    let mut owned: Vec<(i64, String, &str, &str, &str, &str)> = (0..8192)
        .flat_map(|p| months(p, (2010, 1), (2010, 8), "A1", "London", CSW, "White"))
        .collect();
    assert_eq!(owned.len(), 65_536);
    let spec = order_spec();
    let cases = [
        (
            (8190, "2010-09"),
            Some("person 8190 comes after person 8191"),
        ),
        (
            (8191, "2010-08"),
            Some("person 8191 has two rows for month 2010-08"),
        ),
        (
            (8191, "2010-03"),
            Some("person 8191 has rows out of order for month 2010-03"),
        ),
        ((8191, "2010-09"), None),
    ];
    for ((person, month), problem) in cases {
        owned.truncate(65_536);
        owned.push((person, month.to_string(), "A1", "London", CSW, "White"));
        let rows: Vec<Row<'_>> = owned
            .iter()
            .map(|r| (r.0, r.1.as_str(), r.2, r.3, r.4, r.5))
            .collect();
        let dir = temp_dir("batches");
        write_panel(&dir.join("panel.parquet"), &rows);
        let result = analyze_files(&panel_files(&dir).unwrap(), &spec);
        match problem {
            Some(message) => {
                let err = result.unwrap_err();
                assert!(matches!(err, PanelError::Order { .. }), "{err}");
                assert!(err.to_string().contains(message), "{err}");
            }
            None => {
                result.unwrap();
            }
        }
    }
}

#[test]
fn a_repeated_person_month_is_refused_with_the_person_and_month() {
    let dir = temp_dir("dup");
    write_panel(
        &dir.join("panel.parquet"),
        &[
            (7, "2015-09", "A1", "London", CSW, "White"),
            (7, "2015-09", "A1", "London", CSW, "White"),
        ],
    );
    let files = panel_files(&dir).unwrap();
    let spec = order_spec();
    let err = analyze_files(&files, &spec).unwrap_err();
    assert!(matches!(err, PanelError::Order { .. }));
    assert!(
        err.to_string()
            .contains("person 7 has two rows for month 2015-09"),
        "{err}"
    );
}

#[test]
fn rows_out_of_person_or_month_order_are_refused_with_the_person() {
    let spec = order_spec();
    let cases: [(&[Row<'_>], &str); 2] = [
        (
            &[
                (8, "2015-09", "A1", "London", CSW, "White"),
                (7, "2015-09", "A1", "London", CSW, "White"),
            ],
            "person 7 comes after person 8: rows must be sorted by person_id",
        ),
        (
            &[
                (7, "2015-10", "A1", "London", CSW, "White"),
                (7, "2015-09", "A1", "London", CSW, "White"),
            ],
            "person 7 has rows out of order for month 2015-09",
        ),
    ];
    for (rows, message) in cases {
        let dir = temp_dir("order");
        write_panel(&dir.join("panel.parquet"), rows);
        let err = analyze_files(&panel_files(&dir).unwrap(), &spec).unwrap_err();
        assert!(err.to_string().contains(message), "{err}");
    }
}

fn generated(persons: u64, partitions: usize) -> PathBuf {
    let dir = temp_dir("gen");
    let spec = GenerateSpec {
        persons,
        seed: 11,
        from: Date::new(2009, 9, 1).unwrap(),
        to: Date::new(2016, 3, 1).unwrap(),
        partitions,
        calibration: Calibration::default(),
        format: Format::Parquet,
    };
    generate(&spec, &dir, &|_| {}).unwrap();
    dir
}

#[test]
fn a_csv_panel_imported_gives_the_same_tables_as_the_parquet_one() {
    let csv_dir = temp_dir("gen-csv");
    let spec = GenerateSpec {
        persons: 800,
        seed: 11,
        from: Date::new(2009, 9, 1).unwrap(),
        to: Date::new(2016, 3, 1).unwrap(),
        partitions: 1,
        calibration: Calibration::default(),
        format: Format::Csv,
    };
    generate(&spec, &csv_dir, &|_| {}).unwrap();
    let imported = temp_dir("imported");
    let csv = csv_dir.join("part-00000.csv");
    pathwise_analytics::import::import_csv(&csv, &imported).unwrap();
    let expected = analyze(&generated(800, 2), true);
    assert_eq!(analyze(&imported, true), expected);
    // Split into three files by person while importing: the same tables,
    // each person in one file, and the progress reported to the end.
    use pathwise_analytics::import::{ImportOptions, ImportProgress, import_csv_with};
    let split = temp_dir("imported-3").join("new");
    let seen = std::sync::Mutex::new(Vec::new());
    let summary = import_csv_with(
        &csv,
        &split,
        ImportOptions {
            partitions: Some(3),
        },
        &|p| seen.lock().unwrap().push(p),
    )
    .unwrap();
    assert_eq!(summary.files.len(), 3);
    assert_eq!(panel_files(&split).unwrap(), summary.files);
    assert_eq!(analyze(&split, true), expected);
    let size = std::fs::metadata(&csv).unwrap().len();
    let seen = seen.into_inner().unwrap();
    assert!(seen.contains(&ImportProgress::Reading(size, size)));
    assert!(seen.contains(&ImportProgress::Writing(3, 3)));
    let mut owners = std::collections::HashMap::new();
    for (file, rows) in summary.files.iter().map(|f| (f.clone(), all_rows(f))) {
        for (person, ..) in rows {
            assert_eq!(owners.entry(person).or_insert(file.clone()), &file);
        }
    }
    assert_eq!(owners.len() as u64, summary.persons);
}

#[test]
fn results_are_identical_whether_the_panel_is_one_file_or_many() {
    let one = analyze(&generated(3000, 1), true);
    let many = analyze(&generated(3000, 5), true);
    assert_eq!(panel_files(&generated(3000, 5)).unwrap().len(), 5);
    assert_eq!(one, many);
    assert!(one.get("transitions").unwrap().rows.len() > 50);
}

#[test]
fn persons_whose_rows_span_two_dictionaries_are_read_with_each_rows_own_texts() {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int32Type;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::file::properties::WriterProperties;
    let dir = generated(3000, 1);
    let expected = analyze(&dir, true);
    // The same rows, rewritten in row groups of one 65,536-row batch each:
    // each row group has its own dictionaries, its texts in the order they
    // first come, so a key means another text from one batch to the next.
    let source = &panel_files(&dir).unwrap()[0];
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(source).unwrap())
        .unwrap()
        .with_batch_size(1 << 16)
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    assert!(batches.len() >= 3);
    let rewritten = temp_dir("row-groups");
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(1 << 16))
        .build();
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(rewritten.join("panel.parquet")).unwrap(),
        batches[0].schema(),
        Some(props),
    )
    .unwrap();
    for b in &batches {
        w.write(b).unwrap();
    }
    w.close().unwrap();
    // As read back: the first org key of each batch names another text in
    // some later batch, and a person's rows run on over some boundary.
    let reread: Vec<RecordBatch> = ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(rewritten.join("panel.parquet")).unwrap(),
    )
    .unwrap()
    .with_batch_size(1 << 16)
    .build()
    .unwrap()
    .map(Result::unwrap)
    .collect();
    let text_of_key_0 = |b: &RecordBatch| {
        let d = b
            .column_by_name("org_code")
            .unwrap()
            .as_dictionary::<Int32Type>();
        d.values().as_string::<i32>().value(0).to_string()
    };
    let first_texts: std::collections::HashSet<String> = reread.iter().map(text_of_key_0).collect();
    assert!(first_texts.len() > 1, "the dictionaries should differ");
    let ids = |b: &RecordBatch| {
        b.column_by_name("person_id")
            .unwrap()
            .as_primitive::<arrow_array::types::Int64Type>()
            .clone()
    };
    assert!(reread.windows(2).any(|w| {
        let (a, b) = (ids(&w[0]), ids(&w[1]));
        a.value(a.len() - 1) == b.value(0)
    }));
    assert_eq!(analyze(&rewritten, true), expected);
}

/// Every row of a generated panel: (person, month index, org, staff group).
fn all_rows(dir: &Path) -> Vec<(i64, i32, String, String)> {
    use arrow_array::cast::AsArray;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let text = |a: &ArrayRef| -> Vec<String> {
        let d = a.as_dictionary::<arrow_array::types::Int32Type>();
        let values = d.values().as_string::<i32>();
        d.keys()
            .iter()
            .map(|k| values.value(k.unwrap() as usize).to_string())
            .collect()
    };
    let mut rows = Vec::new();
    for f in panel_files(dir).unwrap() {
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(f).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            let b = batch.unwrap();
            let ids = b
                .column_by_name("person_id")
                .unwrap()
                .as_primitive::<arrow_array::types::Int64Type>()
                .clone();
            let months = b
                .column_by_name("month")
                .unwrap()
                .as_primitive::<arrow_array::types::Date32Type>()
                .clone();
            let orgs = text(b.column_by_name("org_code").unwrap());
            let groups = text(b.column_by_name("staff_group").unwrap());
            for (i, (org, group)) in orgs.into_iter().zip(groups).enumerate() {
                let d = Date::from_unix_days(i64::from(months.value(i)));
                rows.push((ids.value(i), d.year * 12 + d.month as i32 - 1, org, group));
            }
        }
    }
    rows
}

#[test]
fn m1_m2_and_m6_agree_with_a_naive_reference_on_a_generated_panel() {
    use std::collections::{BTreeMap, HashMap, HashSet};
    let dir = generated(2000, 3);
    let rows = all_rows(&dir);
    let csw = |g: &str| g.starts_with("Support to");
    let registered = |g: &str| {
        [
            "Nurses & health visitors",
            "Midwives",
            "Scientific, therapeutic & technical staff",
            "Ambulance staff",
        ]
        .contains(&g)
    };
    let nurse = |g: &str| g == "Nurses & health visitors";
    // Staff group at each September snapshot, by (person, year).
    let snap: HashMap<(i64, i32), &str> = rows
        .iter()
        .filter(|r| r.1.rem_euclid(12) == 8)
        .map(|r| ((r.0, r.1.div_euclid(12)), r.3.as_str()))
        .collect();
    let t = analyze(&dir, false);
    for year in 2009..2015 {
        let (mut n, mut moved, mut left) = (0, 0, 0);
        for ((p, y), g) in &snap {
            if *y == year && csw(g) {
                n += 1;
                match snap.get(&(*p, year + 1)) {
                    Some(next) if registered(next) => moved += 1,
                    None => left += 1,
                    _ => {}
                }
            }
        }
        let r = row(&t, "transitions", &[&year.to_string(), "all", "England"]).unwrap();
        assert_eq!(
            &r[3..6],
            &[n.to_string(), moved.to_string(), left.to_string()],
            "M1 {year}"
        );
    }
    // M2 with the test's look-back of 2 from the first year, 2009.
    for year in 2011..=2015 {
        let (mut n, mut k) = (0, 0);
        for ((p, y), g) in &snap {
            if *y != year || !nurse(g) || snap.get(&(*p, year - 1)).is_some_and(|g| nurse(g)) {
                continue;
            }
            n += 1;
            if (1..=2).any(|b| snap.get(&(*p, year - b)).is_some_and(|g| csw(g))) {
                k += 1;
            }
        }
        let r = row(&t, "new_nurse_share", &[&year.to_string()]).unwrap();
        assert_eq!(&r[1..3], &[n.to_string(), k.to_string()], "M2 {year}");
    }
    // M6: first CSW spell per person and organisation, product-limit by hand.
    let first = rows.iter().map(|r| r.1).min().unwrap();
    let last = rows.iter().map(|r| r.1).max().unwrap();
    let present: HashSet<(i64, i32, &str)> =
        rows.iter().map(|r| (r.0, r.1, r.2.as_str())).collect();
    let mut by_person: BTreeMap<i64, Vec<&(i64, i32, String, String)>> = BTreeMap::new();
    for r in &rows {
        by_person.entry(r.0).or_default().push(r);
    }
    let mut spells: Vec<(u32, bool)> = Vec::new();
    for person_rows in by_person.values_mut() {
        person_rows.sort_by_key(|r| r.1);
        let mut seen = HashSet::new();
        for r in person_rows.iter() {
            if !csw(&r.3) || !seen.insert(r.2.clone()) {
                continue;
            }
            if r.1 <= first || present.contains(&(r.0, r.1 - 1, r.2.as_str())) {
                continue;
            }
            let mut d = 1;
            while present.contains(&(r.0, r.1 + d as i32, r.2.as_str())) {
                d += 1;
            }
            spells.push((d, r.1 + (d as i32) - 1 < last));
        }
    }
    for months in [6u32, 12, 18] {
        let mut s = 1.0;
        let mut times: Vec<u32> = spells
            .iter()
            .filter(|x| x.1 && x.0 <= months)
            .map(|x| x.0)
            .collect();
        times.sort();
        times.dedup();
        for t in times {
            let at_risk = spells.iter().filter(|x| x.0 >= t).count() as f64;
            let events = spells.iter().filter(|x| x.1 && x.0 == t).count() as f64;
            s *= 1.0 - events / at_risk;
        }
        let r = row(&t, "retention", &["all", "all", &months.to_string()]).unwrap();
        assert_eq!(r[5], format!("{s:.6}"), "M6 at {months} months");
    }
}

#[test]
fn the_report_workbook_and_charts_are_written_and_say_whether_control_is_on() {
    let dir = generated(1500, 2);
    let out = temp_dir("report");
    for control in [true, false] {
        let tables = analyze(&dir, control);
        pathwise_analytics::report::write_all(&tables, &out, "test panel", 9, 2).unwrap();
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        let expected = if control {
            "Disclosure control is on."
        } else {
            "Disclosure control is off."
        };
        assert!(html.contains(expected), "{expected}");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Support-to-registered transition rate (M1), 2009"));
    for chart in [
        "m1_by_region.svg",
        "m2_new_nurse_share.svg",
        "band_representation.svg",
        "retention.svg",
    ] {
        let svg = std::fs::read_to_string(out.join(chart)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("<polyline"),
            "{chart} has lines"
        );
        assert!(html.contains(chart));
    }
    let xlsx = std::fs::read(out.join("tables.xlsx")).unwrap();
    assert_eq!(&xlsx[..2], b"PK", "an xlsx is a zip");
    assert!(xlsx.len() > 5_000);
}

#[test]
fn the_bare_decode_reads_every_row_of_the_columns_asked_for() {
    let dir = generated(500, 3);
    let files = panel_files(&dir).unwrap();
    let rows = all_rows(&dir).len() as u64;
    let columns = pathwise_analytics::panel::analyzed_columns();
    assert_eq!(columns.len(), 11);
    assert_eq!(
        pathwise_analytics::panel::decode_files(&files, &columns).unwrap(),
        rows
    );
    assert_eq!(
        pathwise_analytics::panel::decode_files(&files, &["person_id", "org_code"]).unwrap(),
        rows
    );
    let err = pathwise_analytics::panel::decode_files(&files, &["grade"]).unwrap_err();
    assert!(err.to_string().contains("column 'grade'"), "{err}");
}

/// Copies a panel keeping only the named columns, without column statistics.
fn narrowed(dir: &Path, columns: &[&str]) -> PathBuf {
    use parquet::arrow::ProjectionMask;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let out = temp_dir("narrow");
    for path in panel_files(dir).unwrap() {
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&path).unwrap()).unwrap();
        let roots: Vec<usize> = columns
            .iter()
            .map(|c| builder.schema().index_of(c).unwrap())
            .collect();
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
        let reader = builder.with_projection(mask).build().unwrap();
        let file = std::fs::File::create(out.join(path.file_name().unwrap())).unwrap();
        let mut writer = None;
        for batch in reader {
            let batch = batch.unwrap();
            writer
                .get_or_insert_with(|| {
                    let props = parquet::file::properties::WriterProperties::builder()
                        .set_statistics_enabled(parquet::file::properties::EnabledStatistics::None)
                        .build();
                    ArrowWriter::try_new(file.try_clone().unwrap(), batch.schema(), Some(props))
                        .unwrap()
                })
                .write(&batch)
                .unwrap();
        }
        writer.unwrap().close().unwrap();
    }
    out
}

#[test]
fn m1_m2_and_m6_alone_read_four_columns_and_match_the_full_analysis() {
    use pathwise_analytics::{Attr, Measures};
    let dir = generated(1500, 3);
    let files = panel_files(&dir).unwrap();
    let (first, last) = panel_bounds(&files).unwrap();
    let full_spec = AnalysisSpec {
        measures: Measures::ALL,
        snapshot_month: 9,
        lookback: 2,
        breakdowns: AnalysisSpec::default_breakdowns(),
        first_month: first,
        last_month: last,
    };
    let full = Tables::build(
        &analyze_files(&files, &full_spec).unwrap(),
        &full_spec,
        Disclosure {
            on: false,
            national: true,
        },
        None,
    );
    let spec = AnalysisSpec {
        measures: Measures::parse(&["m1", "new_nurse_share", "M6"]).unwrap(),
        breakdowns: AnalysisSpec::breakdowns_named(&["all"]).unwrap(),
        ..full_spec.clone()
    };
    assert_eq!(spec.attrs_read(), [Attr::OrgCode, Attr::StaffGroup]);
    // A panel holding only person_id, month, staff_group and org_code is enough.
    let narrow = narrowed(&dir, &["person_id", "month", "staff_group", "org_code"]);
    let narrow_files = panel_files(&narrow).unwrap();
    // Without statistics the bounds are read from the month column: the same.
    assert_eq!(panel_bounds(&narrow_files).unwrap(), (first, last));
    let some = Tables::build(
        &analyze_files(&narrow_files, &spec).unwrap(),
        &spec,
        Disclosure {
            on: false,
            national: true,
        },
        None,
    );
    let names: Vec<&str> = some.tables.iter().map(|t| t.name).collect();
    assert_eq!(
        names,
        [
            "transitions",
            "relative_likelihood",
            "new_nurse_share",
            "retention"
        ]
    );
    let only = |t: &Tables, name: &str, keep: &dyn Fn(&Vec<String>) -> bool| {
        t.get(name)
            .unwrap()
            .rows
            .iter()
            .filter(|r| keep(r))
            .cloned()
            .collect::<Vec<_>>()
    };
    let national = |r: &Vec<String>| r[1] == "all";
    assert!(!only(&some, "transitions", &|_| true).is_empty());
    assert_eq!(
        only(&some, "transitions", &|_| true),
        only(&full, "transitions", &national)
    );
    assert_eq!(
        some.get("new_nurse_share"),
        full.get("new_nurse_share"),
        "M2 is the same"
    );
    let whole = |r: &Vec<String>| r[0] == "all" || r[0] == "start_year";
    assert_eq!(
        only(&some, "retention", &|_| true),
        only(&full, "retention", &whole)
    );
    assert!(only(&some, "relative_likelihood", &|_| true).is_empty());
    // The full analysis needs the columns the narrow panel lacks, and says which.
    let err = analyze_files(&narrow_files, &full_spec).unwrap_err();
    assert!(err.to_string().contains("column 'region'"), "{err}");
}

#[test]
fn tables_and_breakdowns_are_named_or_refused_clearly() {
    use pathwise_analytics::Measures;
    assert_eq!(
        Measures::parse::<&str>(&[]).unwrap(),
        Measures::ALL,
        "none named means all"
    );
    let err = Measures::parse(&["m1", "m9"]).unwrap_err();
    assert!(
        err.contains("'m9' is not a table") && err.contains("retention (m6)"),
        "{err}"
    );
    let b = AnalysisSpec::breakdowns_named(&["default", "region+ethnicity", "region"]).unwrap();
    assert_eq!(b[0].name(), "all");
    assert_eq!(b.len(), AnalysisSpec::default_breakdowns().len() + 1);
    assert_eq!(b.last().unwrap().name(), "region+ethnicity");
    let only = AnalysisSpec::breakdowns_named(&["all"]).unwrap();
    assert_eq!(only.len(), 1);
    let err = AnalysisSpec::breakdowns_named(&["grade"]).unwrap_err();
    assert!(err.contains("'grade' is not a panel column"), "{err}");
}
