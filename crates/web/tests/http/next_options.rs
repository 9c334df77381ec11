//! Next options and the team view, and who may see whom.

use crate::support::*;

#[tokio::test]
async fn learner_gets_three_options_with_requirements_and_helpers() {
    let app = spawn_app().await;
    let c = app.signed_in("learner").await;
    let (status, doc) = json(&c, app.url("/api/v1/me/next-options")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["person"]["id"], app.learner_id);
    assert_eq!(doc["person"]["role"]["band"], "3");
    let options = doc["options"].as_array().unwrap();
    assert_eq!(options.len(), 3);
    for o in options {
        let r = o["readiness"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&r));
        assert!(!o["requirements"].as_array().unwrap().is_empty());
        assert!(o["requirements"][0]["met"].is_boolean());
        assert!(!o["helpers"].as_array().unwrap().is_empty());
        assert!(o["route"]["duration_months"].as_u64().unwrap() > 0);
    }
    let html = c
        .get(app.url("/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html.matches("data-option=").count(), 3);
}

#[tokio::test]
async fn manager_sees_exactly_the_learners_options() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let manager = app.signed_in("manager").await;
    let (_, own) = json(&learner, app.url("/api/v1/me/next-options")).await;
    let (status, seen) = json(
        &manager,
        app.url(&format!("/api/v1/people/{}/next-options", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own, seen);
}

#[tokio::test]
async fn a_learner_asking_for_another_record_gets_404_and_it_is_audited() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    for path in [
        format!("/api/v1/people/{}/next-options", app.manager_id),
        format!("/people/{}", app.manager_id),
        "/people/999999".to_string(),
    ] {
        let res = learner.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let page = learner
        .get(app.url(&format!("/people/{}", app.manager_id)))
        .send()
        .await
        .unwrap();
    assert!(
        page.text().await.unwrap().contains("Page not found"),
        "an HTML 404 page"
    );
    assert_eq!(
        learner.get(app.url("/team")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let admin = app.signed_in("admin").await;
    let csv = admin
        .get(app.url("/admin/audit.csv?action=access.denied"))
        .send()
        .await
        .unwrap();
    let text = csv.text().await.unwrap();
    assert!(
        text.contains(&format!("person:{}", app.manager_id)),
        "{text}"
    );
    assert!(text.contains("person:999999"));
}

#[tokio::test]
async fn another_organisations_admin_cannot_see_our_people() {
    let app = spawn_app().await;
    let c = app.other_organisation_admin().await;
    let (status, _) = json(
        &c,
        app.url(&format!("/api/v1/people/{}/next-options", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Our own admin can.
    let ours = app.signed_in("admin").await;
    let (status, _) = json(
        &ours,
        app.url(&format!("/api/v1/people/{}/next-options", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_team_view_sorts_and_exports_csv() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager").await;
    let html = manager
        .get(app.url("/team?sort=readiness&dir=desc"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("data-person=\"{}\"", app.learner_id)));
    assert!(html.contains("aria-sort=\"descending\""));
    let res = manager
        .get(app.url("/team.csv?sort=band&dir=asc"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let text = res.text().await.unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(rows.len() >= 5, "a whole team");
    assert!(rows.iter().any(|r| r[0] == app.learner_id.to_string()));
    let bands: Vec<f64> = rows
        .iter()
        .map(|r| r[3].parse::<pathwise_domain::Band>().unwrap().rank())
        .collect();
    assert!(
        bands.windows(2).all(|w| w[0] <= w[1]),
        "sorted by band: {bands:?}"
    );
}

#[tokio::test]
async fn a_person_with_no_routes_gets_an_honest_empty_state() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (_, me) = json(&admin, app.url("/api/v1/me/next-options")).await;
    // The L&D lead's own role has no routes on in the core framework.
    assert_eq!(me["options"].as_array().unwrap().len(), 0);
    let html = admin.get(app.url("/me")).send().await.unwrap();
    assert_eq!(html.status(), StatusCode::OK);
    assert!(html.text().await.unwrap().contains("id=\"no-options\""));

    // Adding a local route shows at once, although the framework was cached.
    let csrf = app.csrf_of(&admin, "/catalogue").await;
    let res = app
        .post(
            &admin,
            "/catalogue/transitions",
            &[
                ("csrf", csrf.as_str()),
                ("from", "ld-lead"),
                ("to", "service-manager"),
                ("helper", ""),
                ("route_name", "Senior leadership programme"),
                ("standard_code", "ST0385"),
                ("duration_months", "24"),
                ("requirements", "experience: 12"),
                ("site", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, me) = json(&admin, app.url("/api/v1/me/next-options")).await;
    let options = me["options"].as_array().unwrap();
    assert_eq!(options.len(), 1);
    assert_eq!(options[0]["role"]["code"], "service-manager");
    assert_eq!(options[0]["route"]["standard_code"], "ST0385");
    assert_eq!(
        options[0]["route"]["confirmed"], false,
        "local routes are unconfirmed"
    );
}
