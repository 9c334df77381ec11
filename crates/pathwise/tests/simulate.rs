//! `pathwise simulate` run as a user runs it: the shipped example, bad input
//! refused with its row and column, and trusts filled from a panel analysis.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pathwise-simulate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pathwise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathwise"))
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/simulate/trusts.csv")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn the_example_gives_a_frontier_its_allocations_and_the_named_policies() {
    let out = scratch("example");
    let o = pathwise(&[
        "simulate",
        "--trusts",
        example().to_str().unwrap(),
        "--places",
        "120",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("14 trusts in 7 regions, 120 places"));

    let frontier = read(&out.join("frontier.csv"));
    let mut lines = frontier.lines();
    assert_eq!(
        lines.next().unwrap(),
        "point,shortage_filled,inequality,places_east_of_england,places_london,places_midlands,\
places_north_east_and_yorkshire,places_north_west,places_south_east,places_south_west"
    );
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|c| c.parse().unwrap()).collect())
        .collect();
    assert!(rows.len() > 5, "{} points", rows.len());
    for (k, r) in rows.iter().enumerate() {
        assert_eq!(r[0] as usize, k + 1);
        assert_eq!(r[3..].iter().sum::<f64>(), 120.0, "point {}", k + 1);
        if k > 0 {
            // Along the frontier both shortage filled and inequality rise.
            assert!(r[1] > rows[k - 1][1] && r[2] >= rows[k - 1][2]);
        }
    }

    // Each point's allocation sums to the places, by trust.
    let allocations = read(&out.join("allocations.csv"));
    let mut per_point = vec![0u32; rows.len()];
    for l in allocations.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        per_point[c[0].parse::<usize>().unwrap() - 1] += c[2].parse::<u32>().unwrap();
    }
    assert!(per_point.iter().all(|n| *n == 120));

    let policies = read(&out.join("policies.csv"));
    let keys: Vec<&str> = policies
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        keys,
        vec!["vacancies", "head_count", "equal_rates", "current_pattern"]
    );
    let svg = read(&out.join("frontier.svg"));
    assert!(svg.starts_with("<svg") && svg.contains("Places in proportion to vacancies"));
}

#[test]
fn bad_rows_and_impossible_runs_are_refused_by_row_and_column_writing_nothing() {
    let dir = scratch("bad");
    let out = dir.join("out");
    let run = |file: &str, places: &str| {
        let trusts = dir.join("trusts.csv");
        std::fs::write(&trusts, file).unwrap();
        pathwise(&[
            "simulate",
            "--trusts",
            trusts.to_str().unwrap(),
            "--places",
            places,
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let header =
        "org_code,region,trust_type,support_workers,registered_vacancies,transition_rate\n";
    let o = run(
        &format!("{header}A,North,acute,lots,3,0.05\nB,,acute,100,-2,1.5\n"),
        "10",
    );
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("row 2, column support_workers: 'lots' is not a number"),
        "{t}"
    );
    assert!(t.contains("row 3, column region: Enter the region"), "{t}");
    assert!(t.contains("row 3, column registered_vacancies"), "{t}");
    assert!(t.contains("row 3, column transition_rate"), "{t}");

    let o = run(
        &format!("{header}A,North,acute,100,3,0.05\nB,South,acute,0,2,0.1\n"),
        "10",
    );
    let t = text(&o);
    assert!(
        t.contains("rows 3, column support_workers: the region South has no support workers"),
        "{t}"
    );

    let o = run(
        &format!("{header}A,North,acute,10,3,0.05\nB,South,acute,5,2,0.1\n"),
        "16",
    );
    let t = text(&o);
    assert!(
        t.contains("--places: 16 places are more than the caps allow (15 in all)"),
        "{t}"
    );

    let o = run(
        &format!("{header}A,North,acute,10,3,0.05\nA,South,acute,5,2,0.1\n"),
        "4",
    );
    assert!(text(&o).contains("rows 2, 3, column org_code: A is given twice"));

    let o = run("org_code,region\nA,North\n", "4");
    assert!(text(&o).contains("row 1: the header must name"));
    assert!(
        !out.exists(),
        "nothing is written when the input is refused"
    );
}

#[test]
fn an_analysis_of_a_panel_fills_support_workers_and_rates() {
    let dir = scratch("analysis");
    let panel = dir.join("panel");
    let tables = dir.join("tables");
    let o = pathwise(&[
        "panel",
        "generate",
        "--persons",
        "3000",
        "--from",
        "2021-01",
        "--to",
        "2024-12",
        "--partitions",
        "1",
        "--out",
        panel.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = pathwise(&[
        "analyze",
        panel.to_str().unwrap(),
        "--out",
        tables.to_str().unwrap(),
        "--by",
        "org_code",
        "--tables",
        "transitions",
        "--no-disclosure-control",
    ]);
    assert!(o.status.success(), "{}", text(&o));

    // The latest year's trusts, as the test reads the table itself.
    let transitions = read(&tables.join("transitions.csv"));
    let rows: Vec<Vec<&str>> = transitions
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .filter(|c: &Vec<&str>| c[1] == "org_code")
        .collect();
    let latest = rows.iter().map(|c| c[0]).max().unwrap();
    let trusts: Vec<&Vec<&str>> = rows.iter().filter(|c| c[0] == latest).take(12).collect();
    assert_eq!(trusts.len(), 12);
    let regions = ["North", "South", "London"];
    let mut blank = String::from("org_code,region,trust_type,registered_vacancies\n");
    let mut filled = String::from(
        "org_code,region,trust_type,registered_vacancies,support_workers,transition_rate\n",
    );
    for (i, c) in trusts.iter().enumerate() {
        let region = regions[i % 3];
        blank.push_str(&format!("{},{region},acute,{}\n", c[2], i % 4));
        filled.push_str(&format!(
            "{},{region},acute,{},{},{}\n",
            c[2],
            i % 4,
            c[3],
            c[6]
        ));
    }
    let simulate = |name: &str, file: &str, analysis: bool| {
        let trusts = dir.join(format!("{name}.csv"));
        std::fs::write(&trusts, file).unwrap();
        let out = dir.join(name);
        let mut args = vec![
            "simulate".to_string(),
            "--trusts".into(),
            trusts.display().to_string(),
            "--places".into(),
            "30".into(),
            "--out".into(),
            out.display().to_string(),
        ];
        if analysis {
            args.extend(["--from-analysis".into(), tables.display().to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        (pathwise(&args), out)
    };
    let (o, from_analysis) = simulate("blank", &blank, true);
    assert!(o.status.success(), "{}", text(&o));
    let (o, by_hand) = simulate("filled", &filled, false);
    assert!(o.status.success(), "{}", text(&o));
    for f in ["frontier.csv", "allocations.csv", "policies.csv"] {
        assert_eq!(read(&from_analysis.join(f)), read(&by_hand.join(f)), "{f}");
    }

    // A trust the analysis has not seen, with its columns blank.
    let (o, _) = simulate("unknown", &format!("{blank}ZZZ9,North,acute,3\n"), true);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("row 14, column support_workers: Enter the number of support workers: the analysis has no transitions for this trust"),
        "{}",
        text(&o)
    );
}
