//! Where to fund training places: only analysts and L&D may simulate; a
//! trusts file is run, saved and shown with its frontier, policies and a
//! chosen point worked by hand; bad input saves nothing; another
//! organisation's simulation is not found; deleting asks first.

use crate::support::*;

/// North: A (100 workers, 10 vacancies, 5%) and B (300, none, 1%); South:
/// C (200, 30, 10%). With 20 places all completing, the most equal point
/// puts all 20 in North (A's 10 vacancies filled, rates 7% and 10%) and the
/// most shortage filled is 20 places at A 10, C 10 (rates 4.5% and 15%).
const WORKED: &str = "org_code,region,trust_type,support_workers,registered_vacancies,transition_rate\n\
A,North,acute,100,10,0.05\n\
B,North,mental_health,300,0,0.01\n\
C,South,acute,200,30,0.10\n";

async fn run(
    app: &TestApp,
    c: &reqwest::Client,
    fields: &[(&str, &str)],
    csv: Option<&str>,
) -> (StatusCode, String, String) {
    post_file(app, c, "/training-places", "/training-places", fields, csv).await
}

#[tokio::test]
async fn only_analysts_and_l_and_d_may_simulate_places() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (_, _, at) = run(
        &app,
        &admin,
        &[("name", "Worked"), ("places", "20"), ("completion", "1")],
        Some(WORKED),
    )
    .await;
    assert!(at.starts_with("/training-places/"), "{at}");
    for who in ["learner", "manager"] {
        let c = app.signed_in(who).await;
        for path in [
            "/training-places".to_string(),
            at.clone(),
            format!("{at}/frontier.csv"),
            format!("{at}/delete"),
        ] {
            let (status, _) = app.page(&c, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who} {path}");
        }
        let res = c
            .post(app.url("/training-places"))
            .multipart(reqwest::multipart::Form::new().text("name", "x"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who} run");
        let (_, home) = app.page(&c, "/catalogue").await;
        assert!(
            !home.contains("href=\"/training-places\""),
            "{who} has no link"
        );
    }
    let analyst = app.signed_in("analyst").await;
    let (status, html) = app.page(&analyst, "/training-places").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("href=\"/training-places\""),
        "the analyst's link"
    );
    assert!(
        html.contains(&format!("href=\"{at}\"")),
        "the admin's simulation is listed"
    );
    let (status, _) = app.page(&analyst, &at).await;
    assert_eq!(status, StatusCode::OK);

    // Another organisation's L&D lead sees none of it.
    let other = app.other_organisation_admin().await;
    let (status, html) = app.page(&other, "/training-places").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"no-simulations\""));
    for path in [
        at.clone(),
        format!("{at}/policies.xlsx"),
        format!("{at}/delete"),
    ] {
        let (status, _) = app.page(&other, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_simulation_shows_its_frontier_policies_and_points_worked_by_hand() {
    let app = spawn_app().await;
    let c = app.signed_in("analyst").await;
    let (status, html, at) = run(
        &app,
        &c,
        &[
            ("name", "Worked example"),
            ("places", "20"),
            ("completion", "100%"),
        ],
        Some(WORKED),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<h1>Worked example</h1>"));
    assert!(html.contains("20 funded places among 3 trusts in 2 regions"));
    assert!(html.contains("<svg"), "the chart");
    let figure = |id: &str| text_of(&html, id);
    assert_eq!(
        figure("frontier-most-equal"),
        "10 places of shortage filled, regional gap 3.00 percentage points"
    );
    assert_eq!(
        figure("frontier-most-filled"),
        "20 places, regional gap 10.50 percentage points"
    );
    // Point 1: every place in North, by the gains A's vacancies give.
    assert!(html.contains("Point 1 of"));
    let regions = table_rows(&html, "regions");
    assert_eq!(regions[0], vec!["North", "400", "2.00%", "20", "7.00%"]);
    assert_eq!(regions[1], vec!["South", "200", "10.00%", "0", "10.00%"]);

    // The last point: A 10, C 10.
    let count: usize = figure("frontier-count").parse().unwrap();
    let (status, last) = app.page(&c, &format!("{at}?point={count}")).await;
    assert_eq!(status, StatusCode::OK);
    let trusts = table_rows(&last, "trusts");
    assert_eq!(trusts.len(), 2);
    assert_eq!(trusts[0], vec!["A", "North", "acute", "10", "10", "10"]);
    assert_eq!(trusts[1], vec!["C", "South", "acute", "10", "30", "10"]);

    // The named policies, as worked by hand in the domain's tests.
    let policies = table_rows(&html, "policies");
    let vacancies = policies
        .iter()
        .find(|r| r[0] == "Places in proportion to vacancies")
        .unwrap();
    assert_eq!(vacancies[1], "20");
    assert_eq!(vacancies[2], "14.25 percentage points");
    assert_eq!(vacancies[3], "0 places");
    assert_eq!(vacancies[4], "3.75 percentage points");

    // A point out of range is named at its field.
    let (status, bad) = app.page(&c, &format!("{at}?point={}", count + 1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains(&format!("Enter a point from 1 to {count}")));

    // Exports.
    let (status, csv) = app.page(&c, &format!("{at}/frontier.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.starts_with("point,shortage_filled,inequality\n1,10,0.03\n"),
        "{csv}"
    );
    let (_, allocation) = app
        .page(&c, &format!("{at}/allocation.csv?point={count}"))
        .await;
    assert!(
        allocation.contains(&format!("{count},A,North,acute,10,10,10")),
        "{allocation}"
    );
    assert!(allocation.contains(&format!("{count},B,North,mental_health,0,0,0")));
    let res = c
        .get(app.url(&format!("{at}/policies.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.bytes().await.unwrap().starts_with(b"PK"),
        "an xlsx file"
    );
    let (status, _) = app.page(&c, &format!("{at}/frontier.pdf")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_input_is_named_at_its_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let c = app.signed_in("analyst").await;
    let (status, html, _) = run(
        &app,
        &c,
        &[("name", ""), ("places", "lots"), ("completion", "2")],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Enter a name for the simulation"));
    assert!(html.contains("Enter a whole number of places from 1 to 10000"));
    assert!(html.contains("Enter the share of places that complete"));
    assert!(html.contains("Choose a trusts file"));
    assert!(html.contains("value=\"lots\""), "what was typed is kept");

    let bad_row = format!("{WORKED}D,North,acute,many,1,0.2\n");
    let (status, html, _) = run(&app, &c, &[("name", "x"), ("places", "5")], Some(&bad_row)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("row 5, column support_workers"), "{html}");

    let (status, html, _) = run(&app, &c, &[("name", "x"), ("places", "601")], Some(WORKED)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("601 places are more than the caps allow (600 in all)"));

    let empty_region = format!("{WORKED}E,East,acute,0,5,0.1\n");
    let (status, html, _) = run(
        &app,
        &c,
        &[("name", "x"), ("places", "5")],
        Some(&empty_region),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("The region East has no support workers"));

    let (_, list) = app.page(&c, "/training-places").await;
    assert!(list.contains("id=\"no-simulations\""), "nothing was saved");
}

#[tokio::test]
async fn deleting_a_simulation_asks_first_and_is_audited() {
    let app = spawn_app().await;
    let c = app.signed_in("admin").await;
    let (_, _, at) = run(
        &app,
        &c,
        &[("name", "To go"), ("places", "20")],
        Some(WORKED),
    )
    .await;
    let (status, confirm) = app.page(&c, &format!("{at}/delete")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("Delete To go?"));
    assert!(confirm.contains("This cannot be undone"));
    // Without the form token nothing is deleted.
    let res = c
        .post(app.url(&format!("{at}/delete")))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.page(&c, &at).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = hidden(&confirm, "csrf");
    let res = c
        .post(app.url(&format!("{at}/delete")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, list) = app.page(&c, &location(&res)).await;
    assert!(list.contains("To go deleted."));
    assert!(list.contains("id=\"no-simulations\""));
    let (status, _) = app.page(&c, &at).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, audit) = app.page(&c, "/admin/audit").await;
    assert!(audit.contains("Training places simulation deleted"));
    assert!(audit.contains("Training places simulation saved"));
}
