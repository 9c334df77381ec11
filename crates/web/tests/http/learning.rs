//! Learning sessions: L&D add an offer and repeat its sessions with one form;
//! a learner on nights sees which sessions fit their rota and why the others
//! do not, books one, is refused one that does not fit, and a full session
//! waitlists the next person, who moves up when a place is given up; a
//! manager books for a report only with a note when it does not fit
//! (audited), and records release time; each page refuses whom it should.

use crate::support::*;
use pathwise_domain::Date;
use pathwise_domain::rota::RosterRow;
use pathwise_storage::{learning, rosters};
use std::collections::HashMap;

/// Two weeks from today: inside the learner's 8-week list.
fn soon() -> Date {
    pathwise_web::today().plus_days(14)
}

/// Replaces the learner's and the colleague's rota around `soon()`: the
/// learner works a night on day 0 (19:00-07:30) and an early on day 2 at
/// NGH; the colleague has only study time, on the evening of day 1.
async fn rota_around_soon(app: &TestApp, colleague: i64) {
    let d = soon();
    let me = app.learner_id.to_string();
    let them = colleague.to_string();
    let lines = [
        [
            me.as_str(),
            &d.to_string(),
            "19:00",
            "07:30",
            "night",
            "NGH",
        ],
        [
            me.as_str(),
            &d.plus_days(2).to_string(),
            "07:00",
            "15:00",
            "early",
            "NGH",
        ],
        [
            them.as_str(),
            &d.plus_days(1).to_string(),
            "18:00",
            "21:00",
            "study",
            "NGH",
        ],
    ];
    let columns = ["person_id", "date", "start", "end", "shift_type", "site"];
    let rows: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let f: HashMap<String, String> = columns
                .iter()
                .zip(l)
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            (i + 2, RosterRow::parse(&f).unwrap())
        })
        .collect();
    let org = people::person(&app.store, app.learner_id)
        .await
        .unwrap()
        .unwrap()
        .org_id;
    rosters::import(&app.store, org, &rows, None, 0)
        .await
        .unwrap()
        .unwrap();
}

/// L&D add an offer through the form; returns its id.
async fn add_offer(app: &TestApp, admin: &reqwest::Client, title: &str) -> i64 {
    let csrf = app.csrf_of(admin, "/learning/offers").await;
    let res = app
        .post(
            admin,
            "/learning/offers",
            &[
                ("csrf", csrf.as_str()),
                ("title", title),
                ("supports", "Care Certificate standards 1 to 4"),
                ("description", "Bring your workbook."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    to.trim_start_matches("/learning/offers/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Adds one online sitting of `minutes` at `start` on `day`; returns its id.
async fn add_sitting(
    app: &TestApp,
    admin: &reqwest::Client,
    offer: i64,
    day: Date,
    start: &str,
    capacity: &str,
) -> i64 {
    let page = format!("/learning/offers/{offer}");
    let csrf = app.csrf_of(admin, &page).await;
    let weekday = format!("day{}", day.days_from_monday());
    let res = app
        .post(
            admin,
            format!("{page}/sessions"),
            &[
                ("csrf", csrf.as_str()),
                ("first_date", &day.to_string()),
                ("last_date", &day.to_string()),
                (weekday.as_str(), "yes"),
                ("starts", start),
                ("minutes", "60"),
                ("venue", "online"),
                ("capacity", capacity),
                ("facilitator", "Sam Tutor"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{start} on {day}");
    let org = people::person(&app.store, app.learner_id)
        .await
        .unwrap()
        .unwrap()
        .org_id;
    learning::sessions_of_offer(&app.store, org, offer)
        .await
        .unwrap()
        .iter()
        .find(|s| s.start.date() == day && s.start.clock() == start)
        .unwrap()
        .id
}

#[tokio::test]
async fn one_form_repeats_a_session_and_names_each_field_it_cannot_read() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let offer = add_offer(&app, &admin, "Stage 3 supervision module").await;
    let page = format!("/learning/offers/{offer}");
    let csrf = app.csrf_of(&admin, &page).await;
    let res = app
        .post(
            &admin,
            format!("{page}/sessions"),
            &[
                ("csrf", csrf.as_str()),
                ("first_date", "2030-03-04"),
                ("last_date", "2030-03-17"),
                ("day1", "yes"),
                ("day3", "yes"),
                ("starts", "07:45, 20:30"),
                ("minutes", "45"),
                ("venue", "NGH"),
                ("capacity", "12"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&res).contains("Added+8+sessions"),
        "{}",
        location(&res)
    );
    let (_, html) = app.page(&admin, &page).await;
    assert!(
        html.contains("Tuesday 5 March 2030, 07:45 to 08:30"),
        "{html}"
    );
    assert!(html.contains("Thursday 14 March 2030, 20:30 to 21:15"));
    assert!(html.contains("12 of 12 places left"));

    let res = app
        .post(
            &admin,
            format!("{page}/sessions"),
            &[
                ("csrf", csrf.as_str()),
                ("first_date", "2030-03-17"),
                ("last_date", "2030-03-04"),
                ("day1", "yes"),
                ("starts", "7.45"),
                ("minutes", "5"),
                ("venue", "ZZZ"),
                ("capacity", "lots"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for field in ["starts", "minutes", "capacity"] {
        assert!(
            html.contains(&format!("href=\"#{field}\"")),
            "{field}: {html}"
        );
    }
    assert!(
        html.contains("value=\"2030-03-17\""),
        "what was typed is kept"
    );
    let org = people::person(&app.store, app.learner_id)
        .await
        .unwrap()
        .unwrap()
        .org_id;
    assert_eq!(
        learning::sessions_of_offer(&app.store, org, offer)
            .await
            .unwrap()
            .len(),
        8,
        "nothing more was added"
    );

    // Only L&D run offers.
    let learner = app.signed_in("learner").await;
    let manager = app.signed_in("manager").await;
    for c in [&learner, &manager] {
        assert_eq!(
            app.page(c, "/learning/offers").await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.page(c, &page).await.0, StatusCode::NOT_FOUND);
    }
    let other = app.other_organisation_admin().await;
    assert_eq!(app.page(&other, &page).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_learner_on_nights_books_what_fits_and_is_refused_what_does_not() {
    let app = spawn_app().await;
    let (colleague, colleague_c) = app.colleague().await;
    rota_around_soon(&app, colleague).await;
    let admin = app.signed_in("admin").await;
    let offer = add_offer(&app, &admin, "Care Certificate workshop").await;
    let d = soon();
    let after_night = add_sitting(&app, &admin, offer, d.plus_days(1), "10:00", "5").await;
    let evening = add_sitting(&app, &admin, offer, d.plus_days(1), "19:00", "1").await;

    let learner = app.signed_in("learner").await;
    let (status, html) = app.page(&learner, "/learning").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Fits your rota"), "{html}");
    assert!(
        html.contains("It is within 11 hours of the end of your night shift 19:00-07:30"),
        "{html}"
    );
    // The session that fits is listed before the one that does not.
    let fits_at = html.find(&format!("data-session=\"{evening}\"")).unwrap();
    let misfit_at = html
        .find(&format!("data-session=\"{after_night}\""))
        .unwrap();
    assert!(fits_at < misfit_at);

    // Refused, with the reason, and nothing written.
    let csrf = app.csrf_of(&learner, "/learning").await;
    let res = app
        .post(
            &learner,
            format!("/learning/sessions/{after_night}/book"),
            &[("csrf", csrf.as_str()), ("note", "I will manage")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("This session does not fit your rota: it is within 11 hours"),
        "{html}"
    );
    assert!(
        learning::bookings_on(&app.store, after_night)
            .await
            .unwrap()
            .is_empty(),
        "a learner's own note overrides nothing"
    );

    // Booked; then the session is full and the colleague is waitlisted.
    let res = app
        .post(
            &learner,
            format!("/learning/sessions/{evening}/book"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&learner, &location(&res)).await;
    assert!(html.contains("Booked a place for you"), "{html}");
    assert!(html.contains("id=\"my-bookings\""));
    let ccsrf = app.csrf_of(&colleague_c, "/learning").await;
    let res = app
        .post(
            &colleague_c,
            format!("/learning/sessions/{evening}/book"),
            &[("csrf", ccsrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&colleague_c, &location(&res)).await;
    assert!(html.contains("you are 1st on the waitlist"), "{html}");
    // Booking twice is refused clearly.
    let res = app
        .post(
            &learner,
            format!("/learning/sessions/{evening}/book"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("You are already booked or on the waitlist")
    );

    // The learner cancels; the colleague moves up and sees it.
    let mine = learning::bookings_of(&app.store, app.learner_id)
        .await
        .unwrap();
    let booking = mine.iter().find(|b| b.session.id == evening).unwrap().id;
    // Nobody else may cancel it.
    let res = app
        .post(
            &colleague_c,
            format!("/learning/bookings/{booking}/cancel"),
            &[("csrf", ccsrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .post(
            &learner,
            format!("/learning/bookings/{booking}/cancel"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&learner, &location(&res)).await;
    assert!(html.contains("The place went to the first person on the waitlist"));
    let (_, html) = app.page(&colleague_c, "/learning").await;
    assert!(
        html.contains("Booked: moved up from the waitlist on"),
        "{html}"
    );

    // Without the form's token nothing happens.
    let res = app
        .post(
            &learner,
            format!("/learning/sessions/{evening}/book"),
            &[("csrf", "wrong")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_manager_books_for_a_report_despite_the_rota_only_with_a_note() {
    let app = spawn_app().await;
    let (colleague, _) = app.colleague().await;
    rota_around_soon(&app, colleague).await;
    let admin = app.signed_in("admin").await;
    let offer = add_offer(&app, &admin, "Care Certificate workshop").await;
    let after_night = add_sitting(&app, &admin, offer, soon().plus_days(1), "10:00", "5").await;
    let manager = app.signed_in("manager").await;
    let page = format!("/learning/sessions/{after_night}");
    let (status, html) = app.page(&manager, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"team-fit\""), "{html}");
    assert!(html.contains(&format!("data-person=\"{}\"", app.learner_id)));
    let csrf = app.csrf_of(&manager, &page).await;
    let learner_id = app.learner_id.to_string();
    let res = app
        .post(
            &manager,
            format!("{page}/book"),
            &[("csrf", csrf.as_str()), ("person_id", learner_id.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("To book it anyway, add a note saying why"),
        "{html}"
    );
    let res = app
        .post(
            &manager,
            format!("{page}/book"),
            &[
                ("csrf", csrf.as_str()),
                ("person_id", learner_id.as_str()),
                ("note", "Swapped her night for a rest day"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let on = learning::bookings_on(&app.store, after_night)
        .await
        .unwrap();
    assert_eq!(on.len(), 1);
    assert_eq!(on[0].person_id, app.learner_id);
    let org = people::person(&app.store, app.learner_id)
        .await
        .unwrap()
        .unwrap()
        .org_id;
    let events = audit::list(
        &app.store,
        org,
        &audit::AuditFilter::action("booking.overridden"),
        5,
        0,
    )
    .await
    .unwrap();
    assert_eq!(events.len(), 1);
    assert!(events[0].detail.contains("Swapped her night"));
    assert!(events[0].detail.contains("within 11 hours"));

    // L&D see the register, with the note, and mark it.
    let (_, html) = app.page(&admin, &page).await;
    assert!(
        html.contains("booked despite the rota: Swapped her night"),
        "{html}"
    );
    let acsrf = app.csrf_of(&admin, &page).await;
    let mark = format!("mark_{}", on[0].id);
    let res = app
        .post(
            &admin,
            format!("{page}/register"),
            &[("csrf", acsrf.as_str()), (mark.as_str(), "attended")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        learning::bookings_on(&app.store, after_night)
            .await
            .unwrap()[0]
            .attendance,
        Some(pathwise_domain::learning::Attendance::Attended)
    );
    // The register and cancelling are L&D's alone.
    let res = app
        .post(
            &manager,
            format!("{page}/register"),
            &[("csrf", csrf.as_str()), (mark.as_str(), "absent")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Cancelling a session asks for confirmation first.
    let res = app
        .post(
            &admin,
            format!("{page}/cancel"),
            &[("csrf", acsrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !learning::session(&app.store, org, after_night)
            .await
            .unwrap()
            .cancelled
    );
    let res = app
        .post(
            &admin,
            format!("{page}/cancel"),
            &[("csrf", acsrf.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        learning::session(&app.store, org, after_night)
            .await
            .unwrap()
            .cancelled
    );

    // Nobody books for someone outside their own team: here a learner for
    // their manager.
    let learner = app.signed_in("learner").await;
    let lcsrf = app.csrf_of(&learner, "/learning").await;
    let outsider = app.manager_id.to_string();
    let res = app
        .post(
            &learner,
            format!("{page}/book"),
            &[("csrf", lcsrf.as_str()), ("person_id", outsider.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_manager_records_release_and_sees_it_counted() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager").await;
    let (status, html) = app.page(&manager, "/team/release").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"release-table\""), "{html}");
    let csrf = app.csrf_of(&manager, "/team/release").await;
    let learner_id = app.learner_id.to_string();
    let today = pathwise_web::today().to_string();
    let res = app
        .post(
            &manager,
            "/team/release",
            &[
                ("csrf", csrf.as_str()),
                ("person_id", learner_id.as_str()),
                ("hours", "40"),
                ("per", "week"),
                ("from", today.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#hours\""));
    let res = app
        .post(
            &manager,
            "/team/release",
            &[
                ("csrf", csrf.as_str()),
                ("person_id", learner_id.as_str()),
                ("hours", "1.5"),
                ("per", "week"),
                ("from", today.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&manager, &location(&res)).await;
    assert!(html.contains("1 hour 30 minutes a week from"), "{html}");

    // The learner sees it; a session longer than what is left does not fit.
    let learner = app.signed_in("learner").await;
    let (_, html) = app.page(&learner, "/learning").await;
    assert!(
        html.contains("Agreed with your manager: 1 hour 30 minutes a week"),
        "{html}"
    );

    // Only managers, and only for their own team.
    assert_eq!(
        app.page(&learner, "/team/release").await.0,
        StatusCode::NOT_FOUND
    );
    let lcsrf = app.csrf_of(&learner, "/learning").await;
    let res = app
        .post(
            &learner,
            "/team/release",
            &[
                ("csrf", lcsrf.as_str()),
                ("person_id", learner_id.as_str()),
                ("hours", "30"),
                ("per", "week"),
                ("from", today.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let analyst = app.signed_in("analyst").await;
    assert_eq!(
        app.page(&analyst, "/learning").await.0,
        StatusCode::NOT_FOUND
    );
}

/// The calendar file at `path`, read back by Python's `icalendar`.
async fn parsed_calendar(app: &TestApp, c: &reqwest::Client, path: &str) -> Vec<Value> {
    let res = c.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let body = res.bytes().await.unwrap();
    let file = std::env::temp_dir().join(format!("pathwise-{}.ics", rand::random::<u64>()));
    std::fs::write(&file, &body).unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/independent/ics_check.py"
    );
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(&file)
        .output()
        .expect("python3 runs the independent calendar check");
    std::fs::remove_file(&file).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn calendar_files_keep_each_sessions_uid_and_carry_its_move_and_cancellation() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let offer = add_offer(&app, &admin, "Evening handover module").await;
    let day = pathwise_web::today().plus_days(400);
    let session = add_sitting(&app, &admin, offer, day, "20:15", "4").await;
    // Far ahead, so no rota is stored then: it fits.
    let learner = app.signed_in("learner").await;
    let csrf = app.csrf_of(&learner, "/learning").await;
    let res = app
        .post(
            &learner,
            format!("/learning/sessions/{session}/book"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let events = parsed_calendar(&app, &learner, "/learning/calendar.ics").await;
    let event = events
        .iter()
        .find(|e| e["summary"] == "Evening handover module")
        .expect("the booking is in the learner's calendar");
    let uid = event["uid"].as_str().unwrap().to_string();
    assert!(uid.contains(&format!("session-{session}.")), "{uid}");
    assert_eq!(event["sequence"], 0);
    assert_eq!(event["status"], "CONFIRMED");
    assert_eq!(event["start"], format!("{day}T20:15:00"));
    assert_eq!(event["end"], format!("{day}T21:15:00"));
    assert_eq!(event["location"], "Online");
    assert_eq!(event["stamped"], true);

    // L&D move it: same UID, one more change, the new time.
    let page = format!("/learning/sessions/{session}");
    let acsrf = app.csrf_of(&admin, &page).await;
    let later = day.plus_days(1).to_string();
    let res = app
        .post(
            &admin,
            format!("{page}/move"),
            &[
                ("csrf", acsrf.as_str()),
                ("date", later.as_str()),
                ("start", "07:45"),
                ("minutes", "30"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .post(
            &admin,
            format!("{page}/move"),
            &[
                ("csrf", acsrf.as_str()),
                ("date", "soon"),
                ("start", "7"),
                ("minutes", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let events = parsed_calendar(&app, &learner, "/learning/calendar.ics").await;
    let moved = events.iter().find(|e| e["uid"] == uid.as_str()).unwrap();
    assert_eq!(moved["sequence"], 1);
    assert_eq!(moved["start"], format!("{later}T07:45:00"));
    assert_eq!(moved["end"], format!("{later}T08:15:00"));

    // Cancelled: the same event, cancelled, in the learner's and the facilitator's file.
    let res = app
        .post(
            &admin,
            format!("{page}/cancel"),
            &[("csrf", acsrf.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for (c, path) in [
        (&learner, "/learning/calendar.ics".to_string()),
        (&admin, format!("{page}/calendar.ics")),
    ] {
        let events = parsed_calendar(&app, c, &path).await;
        let gone = events.iter().find(|e| e["uid"] == uid.as_str()).unwrap();
        assert_eq!(gone["status"], "CANCELLED", "{path}");
        assert_eq!(gone["sequence"], 2);
    }
    // The facilitator's file is L&D's; the analyst has no bookings to export.
    assert_eq!(
        app.page(&learner, &format!("{page}/calendar.ics")).await.0,
        StatusCode::NOT_FOUND
    );
    let analyst = app.signed_in("analyst").await;
    assert_eq!(
        app.page(&analyst, "/learning/calendar.ics").await.0,
        StatusCode::NOT_FOUND
    );
}
