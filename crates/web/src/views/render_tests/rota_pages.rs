//! Render tests of the rota pages: a week, the team grid and the roster import.

use super::*;

fn week() -> rota::WeekLinks {
    rota::WeekLinks {
        heading: "Week beginning Monday 4 May 2026".into(),
        previous: "/rota?week=2026-04-27".into(),
        next: "/rota?week=2026-05-11".into(),
        current: "/rota?week=2026-05-04".into(),
    }
}

#[test]
fn a_week_of_rota_shows_each_day_its_shifts_and_an_empty_state() {
    use super::rota::*;
    let day = |weekday, shifts: Vec<RotaShift>| RotaDay {
        weekday,
        date: "4 May 2026".into(),
        today: weekday == "Monday",
        shifts,
    };
    let page = |days| {
        render(&RotaPage {
            layout: layout("Your rota"),
            heading: "Your rota".into(),
            week: week(),
            days,
            errors: vec![FieldError::new("week", "Enter the date as year-month-day")],
        })
    };
    let html = page(vec![
        day(
            "Monday",
            vec![RotaShift {
                label: "Night shift".into(),
                times: "19:00-07:30".into(),
                site: "Northgate <General>".into(),
            }],
        ),
        day("Tuesday", vec![]),
    ]);
    assert!(
        html.contains("<strong>Night shift</strong> 19:00-07:30, Northgate &#60;General&#62;")
            || html.contains("Northgate &lt;General&gt;"),
        "{html}"
    );
    assert!(html.contains("Monday 4 May 2026 (today)"));
    assert!(html.contains("Not rostered"));
    assert!(html.contains("href=\"/rota?week=2026-05-11\""));
    assert!(
        html.contains("href=\"#week\""),
        "the error links to its field"
    );
    assert!(!html.contains("No shifts are rostered this week"));
    assert!(page(vec![day("Monday", vec![])]).contains("No shifts are rostered this week"));
}

#[test]
fn the_team_rota_shows_a_row_per_person_and_an_empty_state() {
    use super::rota::*;
    let page = |rows| {
        render(&TeamRotaPage {
            layout: layout("Team rota"),
            week: week(),
            columns: vec!["Mon 4 May 2026".into(), "Tue 5 May 2026".into()],
            rows,
            errors: vec![],
        })
    };
    let html = page(vec![TeamRotaRow {
        id: 12,
        name: "Ada Early".into(),
        days: vec![vec!["Early 07:00-15:00".into()], vec![]],
    }]);
    assert!(html.contains("href=\"/people/12/rota\""));
    assert!(html.contains("Early 07:00-15:00"));
    assert!(html.contains(">Off<"));
    assert!(html.contains("Tue 5 May 2026"));
    assert!(page(vec![]).contains("Nobody is recorded as reporting to you yet"));
}

#[test]
fn the_roster_import_explains_the_file_and_shows_its_problems() {
    use super::rota::*;
    let html = render(&RostersPage {
        layout: layout("Rosters"),
        csrf: "csrf-token".into(),
        done: Some("Imported 3 shifts for 1 person.".into()),
        sites: vec![("NGH".into(), "Northgate General Hospital".into())],
        errors: vec![FieldError::new(
            "file",
            "row 2, column site: 'X' is not one of the organisation's site codes",
        )],
    });
    assert!(html.contains("NGH (Northgate General Hospital)"));
    assert!(html.contains("Imported 3 shifts for 1 person."));
    assert!(html.contains("nhsuk-form-group--error"));
    assert!(html.contains("replaced by the file"));
    assert!(html.contains("value=\"csrf-token\""));
}
