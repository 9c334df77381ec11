//! Outreach to intake: who may record and who sees what; an activity and
//! its follow-up recorded by form change the funnel as worked by hand; bad
//! input is named at its field or row and stores nothing; an analyst sees
//! every organisation's funnel only under disclosure control.

use crate::support::*;
use pathwise_domain::AppRole;

async fn post_form(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let csrf = app.csrf_of(c, "/outreach").await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = c.post(app.url(path)).form(&form).send().await.unwrap();
    let status = res.status();
    if status == StatusCode::SEE_OTHER {
        return app.page(c, &location(&res)).await;
    }
    (status, res.text().await.unwrap())
}

async fn upload(app: &TestApp, c: &reqwest::Client, kind: &str, csv: &str) -> (StatusCode, String) {
    let (status, html, _) = post_file(
        app,
        c,
        "/outreach",
        "/outreach/import",
        &[("kind", kind)],
        Some(csv),
    )
    .await;
    (status, html)
}

const INSIGHT: [(&str, &str); 9] = [
    ("reference", "ID-1"),
    ("type", "insight_day"),
    ("date", "12 March 2026"),
    ("school", "Wolverhampton Academy"),
    ("careers_hub", "WMCA Careers Hub"),
    ("icb", "Black Country ICB"),
    ("year_10", "30"),
    ("year_11", "10"),
    ("disadvantaged", "12"),
];

#[tokio::test]
async fn only_outreach_leads_and_l_and_d_record_and_analysts_see_controlled_figures() {
    let app = spawn_app().await;
    for who in ["learner", "manager"] {
        let c = app.signed_in(who).await;
        for path in ["/outreach", "/outreach/funnel.csv"] {
            let (status, _) = app.page(&c, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who} {path}");
        }
        let res = c
            .post(app.url("/outreach/activities"))
            .form(&[("reference", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who} record");
    }
    let org = app.org_id().await;
    let lead = app
        .account(
            org,
            None,
            "outreach@demo.pathwise.test",
            &[AppRole::Outreach],
        )
        .await;
    let (status, html) = app.page(&lead, "/outreach").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("href=\"/outreach\""),
        "the outreach lead's link"
    );
    assert!(html.contains("id=\"record-activity\""));
    let (status, _) = post_form(&app, &lead, "/outreach/activities", &INSIGHT).await;
    assert_eq!(status, StatusCode::OK);

    // The analyst: a controlled funnel, no records and no forms.
    let analyst = app.signed_in("analyst").await;
    let (status, html) = app.page(&analyst, "/outreach").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"outreach-controlled\""));
    assert!(html.contains("Black Country ICB") && html.contains("Northgate and Riverside ICB"));
    assert!(!html.contains("id=\"record-activity\""));
    assert!(
        !html.contains("Wolverhampton Academy"),
        "no activity is listed"
    );
    let res = analyst
        .post(app.url("/outreach/activities"))
        .form(&[("reference", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "the analyst records nothing"
    );
    // The demo trust's own outreach is under another ICB.
    let (_, csv) = app
        .page(&analyst, "/outreach/funnel.csv?icb=Black+Country+ICB")
        .await;
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    // One activity: suppressed; 40 young people: 40; 12 with free school meals: 10.
    assert_eq!(&row[..4], &["Insight day", "*", "40", "10"]);
    assert_eq!(row[14], "on");
}

#[tokio::test]
async fn an_activity_and_its_follow_up_change_the_funnel_as_worked_by_hand() {
    let app = spawn_app().await;
    // The demo trust has outreach of its own; another organisation starts empty.
    let (_, demo) = app.page(&app.signed_in("admin").await, "/outreach").await;
    assert!(
        !table_rows(&demo, "funnel").is_empty(),
        "the demo trust's outreach"
    );
    let c = app.other_organisation_admin().await;
    let (_, html) = app.page(&c, "/outreach").await;
    assert!(html.contains("id=\"funnel-empty\""));
    let (status, html) = post_form(&app, &c, "/outreach/activities", &INSIGHT).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Activity ID-1 recorded."));
    let rows = table_rows(&html, "funnel");
    assert_eq!(
        rows[0][..7],
        ["Insight day", "1", "40", "12", "0", "0", "0"]
    );

    let (status, html) = post_form(
        &app,
        &c,
        "/outreach/follow-ups",
        &[
            ("activity", "ID-1"),
            ("route", "apprenticeship"),
            ("period", "2026-27"),
            ("applications", "8"),
            ("offers", "4"),
            ("starts", "2"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("8 applications, 4 offers, 2 starts"));
    let rows = table_rows(&html, "funnel");
    assert_eq!(
        rows[0][..7],
        ["Insight day", "1", "40", "12", "8", "4", "2"]
    );
    // 8 of 40 applied (Wilson 10.5% to 34.8%); 2 of 40 started.
    assert!(
        rows[0][7].starts_with("20.0% (10.5% to 34.8%)"),
        "{:?}",
        rows[0]
    );
    assert!(rows[0][9].starts_with("5.0%"), "{:?}", rows[0]);
    assert!(html.contains("<svg"), "the chart");
    let activities = table_rows(&html, "activities");
    assert_eq!(activities[0][6], "8, 4, 2");

    // By academic year, and one route only.
    let (_, by_year) = app.page(&c, "/outreach?by=year&route=entry_role").await;
    let rows = table_rows(&by_year, "funnel");
    assert_eq!(rows[0][..7], ["2025/26", "1", "40", "12", "0", "0", "0"]);

    // The export, uncontrolled for the organisation's own figures.
    let (_, csv) = app.page(&c, "/outreach/funnel.csv?by=type").await;
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("Insight day,1,40,12,8,4,2,0.2,"),
        "{csv}"
    );
    assert!(csv.lines().nth(1).unwrap().ends_with(",off"));
}

#[tokio::test]
async fn bad_input_is_named_and_stores_nothing() {
    let app = spawn_app().await;
    let c = app.other_organisation_admin().await;
    let (status, html) = post_form(
        &app,
        &c,
        "/outreach/activities",
        &[
            ("reference", "X"),
            ("type", "picnic"),
            ("date", "31 June 2026"),
            ("year_9", "ten"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Choose the kind of activity"));
    assert!(html.contains("is not a date"));
    assert!(html.contains("&#39;ten&#39; is not a count"));
    assert!(
        html.contains("value=\"31 June 2026\""),
        "what was typed is kept"
    );

    post_form(&app, &c, "/outreach/activities", &INSIGHT).await;
    let (status, html) = post_form(
        &app,
        &c,
        "/outreach/follow-ups",
        &[
            ("activity", "ID-1"),
            ("route", "entry_role"),
            ("period", "2026-27"),
            ("applications", "41"),
            ("offers", "0"),
            ("starts", "0"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("41 applications in all after ID-1 is more than the 40 young people"));

    // A file with one bad row imports nothing.
    let header = "reference,type,date,careers_hub,icb,school,year_10\n";
    let csv = format!(
        "{header}A-1,careers_event,2026-05-01,Hub,ICB,School,20\nA-2,careers_event,not a date,Hub,ICB,School,5\nA-1,careers_event,2026-05-02,Hub,ICB,School,5\n"
    );
    let (status, html) = upload(&app, &c, "activities", &csv).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("row 3, column date"), "{html}");
    let csv = format!(
        "{header}A-1,careers_event,2026-05-01,Hub,ICB,School,20\nA-1,careers_event,2026-05-02,Hub,ICB,School,5\n"
    );
    let (status, html) = upload(&app, &c, "activities", &csv).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("row 3, column reference: A-1 is also on row 2"),
        "{html}"
    );
    let follow = "activity,route,period,applications,offers,starts\nID-1,apprenticeship,2026-27,3,1,1\nNOPE,apprenticeship,2026-27,1,0,0\n";
    let (status, html) = upload(&app, &c, "follow_ups", follow).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("row 3, column activity: No activity has the reference"),
        "{html}"
    );
    let (_, html) = app.page(&c, "/outreach").await;
    let activities = table_rows(&html, "activities");
    assert_eq!(activities.len(), 1, "only ID-1, from the form");
    assert_eq!(activities[0][6], "0, 0, 0", "no follow-up was stored");

    // A good file imports every row.
    let good = format!("{header}A-1,careers_event,2026-05-01,Hub,ICB,School,20\n");
    let (status, html) = upload(&app, &c, "activities", &good).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Activities imported: 1 row."));
}
