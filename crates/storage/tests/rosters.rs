//! Roster imports on both databases: all or nothing, every problem by row,
//! a re-import replacing only the dates it covers, and reads by person and
//! by team.

#[macro_use]
mod common;

use common::{date, drop_database, fresh, ward};
use pathwise_domain::rota::{LocalTime, RosterRow, Shift, ShiftType};
use pathwise_storage::{Store, audit, rosters};
use std::collections::HashMap;

on_both!(
    a_roster_is_imported_and_read_by_person_and_team,
    a_roster_with_any_problem_writes_nothing,
    reimporting_replaces_only_the_dates_the_file_covers,
);

fn at(d: &str, minute_of_day: u32) -> LocalTime {
    LocalTime::at(date(d), minute_of_day)
}

/// Roster rows as a file gives them, numbered from 2 (the header is row 1).
fn roster(lines: &[[&str; 6]]) -> Vec<(usize, Shift)> {
    let columns = ["person_id", "date", "start", "end", "shift_type", "site"];
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let fields: HashMap<String, String> = columns
                .iter()
                .zip(line)
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            (i + 2, RosterRow::parse(&fields).unwrap())
        })
        .collect()
}

async fn a_roster_is_imported_and_read_by_person_and_team(store: Store) {
    let (org, boss, team) = ward(&store).await;
    let (ada, ben) = (team[0].to_string(), team[1].to_string());
    let rows = roster(&[
        [&ada, "2026-05-04", "07:00", "15:00", "early", "ACU"],
        [&ada, "2026-05-05", "09:00", "17:00", "study", "COM"],
        [&ben, "2026-05-04", "19:00", "07:30", "night", "ACU"],
        [&ben, "2026-05-06", "00:00", "00:00", "leave", "ACU"],
    ]);
    let done = rosters::import(&store, org, &rows, None, 100)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.shifts, done.people, done.replaced), (4, 2, 0));
    assert_eq!(
        (done.from, done.to),
        (date("2026-05-04"), date("2026-05-06"))
    );

    // The night that started on the 4th reaches into the 5th.
    let fifth = rosters::shifts_of(&store, team[1], at("2026-05-05", 0), at("2026-05-06", 0))
        .await
        .unwrap();
    assert_eq!(fifth.len(), 1);
    assert_eq!(fifth[0].kind, ShiftType::Night);
    assert_eq!(fifth[0].end, at("2026-05-05", 7 * 60 + 30));
    assert_eq!(fifth[0].site, "ACU");

    let week = rosters::team_shifts(&store, boss, at("2026-05-04", 0), at("2026-05-11", 0))
        .await
        .unwrap();
    let kinds: Vec<(i64, ShiftType)> = week.iter().map(|s| (s.person_id, s.kind)).collect();
    assert_eq!(
        kinds,
        [
            (team[0], ShiftType::Early),
            (team[0], ShiftType::Study),
            (team[1], ShiftType::Night),
            (team[1], ShiftType::Leave),
        ]
    );
    assert!(
        rosters::team_shifts(&store, team[0], at("2026-05-04", 0), at("2026-05-11", 0))
            .await
            .unwrap()
            .is_empty(),
        "someone with no reports has no team rota"
    );
    let events = audit::list(&store, org, &audit::AuditFilter::default(), 10, 0)
        .await
        .unwrap();
    assert!(
        events.iter().any(|e| e.action == "roster.imported"),
        "the import is audited"
    );
}

async fn a_roster_with_any_problem_writes_nothing(store: Store) {
    let (org, _, team) = ward(&store).await;
    let ada = team[0].to_string();
    let rows = roster(&[
        [&ada, "2026-05-04", "07:00", "15:00", "early", "ACU"],
        [&ada, "2026-05-04", "13:00", "21:00", "late", "ACU"],
        ["999999", "2026-05-04", "07:00", "15:00", "early", "ACU"],
        [&ada, "2026-05-05", "07:00", "15:00", "early", "XYZ"],
    ]);
    let problems = rosters::import(&store, org, &rows, None, 100)
        .await
        .unwrap()
        .unwrap_err();
    let named: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(named.len(), 3, "{named:?}");
    assert!(named[0].starts_with("row 3, column start:"), "{named:?}");
    assert!(named[0].contains("early 07:00-15:00"), "{named:?}");
    assert_eq!(
        named[1],
        "row 4, column person_id: staff record 999999 is not in this organisation"
    );
    assert_eq!(
        named[2],
        "row 5, column site: 'XYZ' is not one of the organisation's site codes"
    );
    let stored = rosters::shifts_of(&store, team[0], at("2026-05-01", 0), at("2026-06-01", 0))
        .await
        .unwrap();
    assert!(stored.is_empty(), "nothing written: {stored:?}");
}

async fn reimporting_replaces_only_the_dates_the_file_covers(store: Store) {
    let (org, _, team) = ward(&store).await;
    let (ada, ben) = (team[0].to_string(), team[1].to_string());
    let first = roster(&[
        [&ada, "2026-05-04", "07:00", "15:00", "early", "ACU"],
        [&ada, "2026-05-05", "07:00", "15:00", "early", "ACU"],
        [&ada, "2026-05-06", "07:00", "15:00", "early", "ACU"],
        [&ben, "2026-05-05", "07:00", "15:00", "early", "ACU"],
    ]);
    rosters::import(&store, org, &first, None, 100)
        .await
        .unwrap()
        .unwrap();
    // Ada's 5th changes to a late; her 4th and 6th and Ben's shift stay.
    let change = roster(&[[&ada, "2026-05-05", "13:00", "21:00", "late", "ACU"]]);
    let done = rosters::import(&store, org, &change, None, 200)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.replaced, 1);
    let range = (at("2026-05-01", 0), at("2026-06-01", 0));
    let ada_now: Vec<ShiftType> = rosters::shifts_of(&store, team[0], range.0, range.1)
        .await
        .unwrap()
        .iter()
        .map(|s| s.kind)
        .collect();
    assert_eq!(
        ada_now,
        [ShiftType::Early, ShiftType::Late, ShiftType::Early]
    );
    let ben_now = rosters::shifts_of(&store, team[1], range.0, range.1)
        .await
        .unwrap();
    assert_eq!(ben_now.len(), 1, "people not in the file keep their shifts");

    // A stored night the evening before a file's first date is kept, so an
    // early that morning collides with it; nothing is written.
    let night = roster(&[[&ben, "2026-05-10", "19:00", "07:30", "night", "ACU"]]);
    rosters::import(&store, org, &night, None, 300)
        .await
        .unwrap()
        .unwrap();
    let early = roster(&[[&ben, "2026-05-11", "07:00", "15:00", "early", "ACU"]]);
    let problems = rosters::import(&store, org, &early, None, 400)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .to_string()
            .contains("already has a night shift 19:00-07:30 on 2026-05-10, stored before"),
        "{}",
        problems[0]
    );
    let after = roster(&[[&ben, "2026-05-11", "08:00", "16:00", "early", "ACU"]]);
    rosters::import(&store, org, &after, None, 500)
        .await
        .unwrap()
        .unwrap();
}
