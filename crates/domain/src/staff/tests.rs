//! Staff extract rows and import plans.

use super::*;
use crate::metrics::EthnicityGroup;

fn row(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut base: Vec<(String, String)> = [
        ("assignment_number", "1001"),
        ("name", "Asha Patel"),
        ("email", ""),
        ("role_code", "hcsw-band2"),
        ("site", "RXX01"),
        ("afc_band", "2"),
        ("staff_group", ""),
        ("start_date", "2024-04-01"),
        ("leave_date", ""),
        ("line_manager_assignment", ""),
        ("sex", "Female"),
        ("ethnicity", "H Indian"),
        ("age_band", "25-34"),
        ("disability", "No"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in pairs {
        base.iter_mut().find(|(bk, _)| bk == k).unwrap().1 = v.to_string();
    }
    base
}

fn parse(pairs: &[(&str, &str)]) -> Result<StaffRecord, FieldErrors> {
    let r = row(pairs);
    let fields: Vec<(&str, &str)> = r.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    StaffRecord::parse(fields.as_slice())
}

fn record(number: &str, manager: Option<&str>) -> StaffRecord {
    let mut r = parse(&[("assignment_number", number)]).unwrap();
    r.line_manager = manager.map(str::to_string);
    r
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn stored(id: i64, number: &str, role: &str) -> StaffNow {
    StaffNow {
        id,
        assignment_number: number.into(),
        name: "Asha Patel".into(),
        role_code: role.into(),
        band: Some(Band::Numbered(2)),
        site: "RXX01".into(),
        line_manager: None,
        start_date: date("2024-04-01"),
        leave_date: None,
    }
}

fn fields_of(e: FieldErrors) -> Vec<String> {
    e.into_list().into_iter().map(|e| e.field).collect()
}

#[test]
fn a_row_reads_with_an_esr_ethnic_category_and_blank_optional_columns() {
    let r = parse(&[]).unwrap();
    assert_eq!(r.characteristics.ethnicity, Ethnicity::Asian);
    assert_eq!(r.characteristics.ethnicity.group(), EthnicityGroup::Bme);
    assert_eq!(r.band, Some(Band::Numbered(2)));
    assert_eq!(r.email, None);
    assert_eq!(r.leave_date, None);
    let blank = parse(&[
        ("sex", ""),
        ("ethnicity", ""),
        ("age_band", ""),
        ("disability", ""),
    ])
    .unwrap();
    assert_eq!(blank.characteristics.sex, Sex::Unknown);
    assert_eq!(blank.characteristics.ethnicity, Ethnicity::Unknown);
    assert_eq!(blank.characteristics.age_band, AgeBand::Unknown);
    let white = parse(&[("ethnicity", "A White - British")]).unwrap();
    assert_eq!(white.characteristics.ethnicity, Ethnicity::White);
}

#[test]
fn every_bad_field_is_named_at_once() {
    let e = parse(&[
        ("assignment_number", "12 34"),
        ("name", ""),
        ("email", "not-an-email"),
        ("afc_band", "11"),
        ("staff_group", "Porters"),
        ("start_date", "2024-02-30"),
        ("sex", "X"),
        ("ethnicity", "Q9"),
        ("age_band", "30-40"),
        ("disability", "maybe"),
    ])
    .unwrap_err();
    assert_eq!(
        fields_of(e),
        [
            "assignment_number",
            "name",
            "email",
            "afc_band",
            "staff_group",
            "start_date",
            "sex",
            "ethnicity",
            "age_band",
            "disability"
        ]
    );
    let e = parse(&[("leave_date", "2024-03-31")]).unwrap_err();
    assert!(
        e.list()[0]
            .message
            .contains("before the start date 2024-04-01"),
        "{e:?}"
    );
}

#[test]
fn duplicates_unknown_roles_and_unknown_managers_are_named_by_row() {
    let mut bad_role = record("1003", Some("9999"));
    bad_role.role_code = "astronaut".into();
    let rows = vec![
        (2, record("1001", None)),
        (3, record("1001", None)),
        (4, bad_role),
    ];
    let problems = plan(
        rows,
        &[],
        |c| c.starts_with("hcsw"),
        &[],
        date("2026-12-01"),
    )
    .unwrap_err();
    let at: Vec<(usize, &str)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_str()))
        .collect();
    assert_eq!(
        at,
        [
            (3, "assignment_number"),
            (4, "role_code"),
            (4, "line_manager_assignment")
        ]
    );
    assert!(problems[0].message.contains("also on row 2"));
    assert!(problems[2].message.contains("9999"));
}

#[test]
fn a_manager_cycle_through_the_file_and_the_stored_staff_is_refused_once() {
    let mut boss = stored(7, "2000", "hcsw-band3");
    boss.line_manager = Some("1001".into());
    // 1001 is managed by 1002, who is managed by 2000 (stored), who is managed by 1001.
    let rows = vec![
        (2, record("1001", Some("1002"))),
        (3, record("1002", Some("2000"))),
    ];
    let problems = plan(rows, &[boss], |_| true, &[], date("2026-12-01")).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].row, 2);
    assert_eq!(
        problems[0].message,
        "a line manager cycle: 1001 is managed by 1002 is managed by 2000 is managed by 1001"
    );
    let own = plan(
        vec![(2, record("1001", Some("1001")))],
        &[],
        |_| true,
        &[],
        date("2026-12-01"),
    )
    .unwrap_err();
    assert_eq!(own[0].message, "1001 is given as their own line manager");
}

#[test]
fn a_manager_later_in_the_file_is_known() {
    let rows = vec![(2, record("1001", Some("1002"))), (3, record("1002", None))];
    assert!(plan(rows, &[], |_| true, &["RXX01".into()], date("2026-12-01")).is_ok());
}

#[test]
fn the_plan_counts_new_changed_leaving_and_dates_role_changes_on_the_import_day() {
    let today = date("2026-12-01");
    let mut promoted = record("1001", None);
    promoted.role_code = "hcsw-band3".into();
    promoted.band = Some(Band::Numbered(3));
    let mut leaving = record("1002", None);
    leaving.leave_date = Some(date("2026-11-30"));
    let same = record("1003", None);
    let mut new = record("1004", None);
    new.site = "RXX09".into();
    let stored = [
        stored(1, "1001", "hcsw-band2"),
        stored(2, "1002", "hcsw-band2"),
        stored(3, "1003", "hcsw-band2"),
    ];
    let p = plan(
        vec![(2, promoted), (3, leaving), (4, same), (5, new)],
        &stored,
        |_| true,
        &["RXX01".into()],
        today,
    )
    .unwrap();
    assert_eq!(
        (
            p.new_people(),
            p.changed(),
            p.leavers(),
            p.unchanged(),
            p.role_changes()
        ),
        (1, 2, 1, 1, 1)
    );
    assert_eq!(p.records[0].role_history_from, Some(today));
    assert_eq!(
        p.records[0].changes,
        [
            Change::Role {
                from: "hcsw-band2".into()
            },
            Change::Band {
                from: Some(Band::Numbered(2))
            }
        ]
    );
    assert_eq!(
        p.records[1].role_history_from, None,
        "leaving is not a role change"
    );
    assert_eq!(
        p.records[3].role_history_from,
        Some(date("2024-04-01")),
        "someone new starts their history on their start date"
    );
    assert_eq!(p.new_sites, ["RXX09"]);
    assert_eq!(p.summary()[0], "1 person new");
}

#[test]
fn a_file_that_changes_nothing_says_so_in_words() {
    let p = plan(
        vec![(2, record("1001", None))],
        &[stored(1, "1001", "hcsw-band2")],
        |_| true,
        &["RXX01".into()],
        date("2026-12-01"),
    )
    .unwrap();
    assert_eq!(
        p.summary(),
        [
            "No one new",
            "No one changed",
            "No one leaving",
            "1 person as stored already"
        ]
    );
}

#[test]
fn a_rehire_clears_the_leave_date_and_starts_again() {
    let mut before = stored(1, "1001", "hcsw-band2");
    before.leave_date = Some(date("2025-01-31"));
    let mut back = record("1001", None);
    back.start_date = date("2026-06-01");
    let p = plan(
        vec![(2, back)],
        &[before],
        |_| true,
        &["RXX01".into()],
        date("2026-12-01"),
    )
    .unwrap();
    assert_eq!(p.records[0].changes, [Change::StartDate, Change::Returns]);
    assert_eq!(p.leavers(), 0);
}
