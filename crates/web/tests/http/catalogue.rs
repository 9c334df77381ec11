//! The career framework and the L&D admin's local roles and routes.

use crate::support::*;

fn role_form<'a>(csrf: &'a str, code: &'a str, band: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("code", code),
        ("title", "Discharge coordinator"),
        ("band", band),
        ("career_level", "4"),
        ("staff_group", "Central functions"),
        ("family", "administration"),
        ("clinical", "no"),
        ("site", ""),
    ]
}

#[tokio::test]
async fn an_ld_admin_adds_a_local_role_and_route_and_learners_cannot() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let csrf = app.csrf_of(&admin, "/catalogue").await;
    // A bad band is refused and named, a good role is added, the same code again is refused.
    for (band, expected) in [
        ("8", StatusCode::UNPROCESSABLE_ENTITY),
        ("4", StatusCode::SEE_OTHER),
        ("4", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let form = role_form(&csrf, "discharge-coordinator", band);
        let res = app.post(&admin, "/catalogue/roles", &form).await;
        assert_eq!(res.status(), expected, "band {band}");
        if band == "8" {
            let html = res.text().await.unwrap();
            assert!(html.contains("href=\"#band\""), "error links to the field");
        }
    }
    let res = app
        .post(
            &admin,
            "/catalogue/transitions",
            &[
                ("csrf", csrf.as_str()),
                ("from", "hcsw"),
                ("to", "discharge-coordinator"),
                ("helper", "team-leader"),
                ("route_name", "Trust discharge programme"),
                ("standard_code", ""),
                ("duration_months", "6"),
                (
                    "requirements",
                    "qualification: Care Certificate\nexperience: 12",
                ),
                ("site", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, roles) = json(&admin, app.url("/api/v1/roles")).await;
    assert!(
        roles
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "discharge-coordinator")
    );
    let detail = admin
        .get(app.url("/catalogue/roles/hcsw"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("Trust discharge programme"));

    let learner = app.signed_in("learner").await;
    let lcsrf = app.csrf_of(&learner, "/catalogue").await;
    let res = app
        .post(
            &learner,
            "/catalogue/roles",
            &role_form(&lcsrf, "sneaky-role", "4"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, roles) = json(&admin, app.url("/api/v1/roles")).await;
    assert!(
        !roles
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "sneaky-role")
    );
}

#[tokio::test]
async fn an_ld_admin_changes_a_local_role_and_removes_a_local_route() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let csrf = app.csrf_of(&admin, "/catalogue").await;
    let form = role_form(&csrf, "discharge-coordinator", "4");
    assert_eq!(
        app.post(&admin, "/catalogue/roles", &form).await.status(),
        StatusCode::SEE_OTHER
    );
    let route = [
        ("csrf", csrf.as_str()),
        ("from", "discharge-coordinator"),
        ("to", "team-leader"),
        ("helper", ""),
        ("route_name", "Flow team leadership"),
        ("standard_code", ""),
        ("duration_months", "6"),
        ("requirements", "experience: 12"),
        ("site", ""),
    ];
    assert_eq!(
        app.post(&admin, "/catalogue/transitions", &route)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // Change the title; a bad level is refused and named.
    let mut edit: Vec<(&str, &str)> = role_form(&csrf, "ignored", "5");
    edit.retain(|(k, _)| *k != "code" && *k != "title");
    edit.push(("title", "Patient flow coordinator"));
    edit.retain(|(k, _)| *k != "career_level");
    edit.push(("career_level", "12"));
    let res = app
        .post(&admin, "/catalogue/roles/discharge-coordinator", &edit)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#career_level\""));
    edit.retain(|(k, _)| *k != "career_level");
    edit.push(("career_level", "4"));
    let res = app
        .post(&admin, "/catalogue/roles/discharge-coordinator", &edit)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, roles) = json(&admin, app.url("/api/v1/roles")).await;
    let changed = roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "discharge-coordinator")
        .unwrap();
    assert_eq!(changed["title"], "Patient flow coordinator");
    assert_eq!(changed["band"], "5");

    // Core roles cannot be changed.
    let res = app.post(&admin, "/catalogue/roles/hcsw", &edit).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Remove the local route from the role page; it is gone and audited.
    let page = admin
        .get(app.url("/catalogue/roles/discharge-coordinator"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = page
        .find("/remove\"")
        .expect("a remove button for the local route");
    let id = &page[page[..at].rfind('/').unwrap() + 1..at];
    let res = app
        .post(
            &admin,
            format!("/catalogue/transitions/{id}/remove"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = admin
        .get(app.url("/catalogue/roles/discharge-coordinator"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Flow team leadership"));
    let audit = admin
        .get(app.url("/admin/audit.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("catalogue.transition_removed"));
    assert!(audit.contains("catalogue.role_changed"));
}

#[tokio::test]
async fn the_framework_downloads_the_roles_that_match_and_every_route() {
    let app = spawn_app().await;
    let c = app.signed_in("learner").await;
    let (_, html) = app.page(&c, "/catalogue?q=support").await;
    assert!(html.contains("/catalogue/export/roles.csv?q=support"));
    let (status, csv) = app.page(&c, "/catalogue/export/roles.csv?q=support").await;
    assert_eq!(status, StatusCode::OK);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "role,band,staff_group,career_level,family,ways_on,source"
    );
    let roles: Vec<&str> = lines.collect();
    assert!(!roles.is_empty());
    assert!(
        roles.iter().all(|l| l.to_lowercase().contains("support")),
        "only roles that match, every page: {roles:?}"
    );
    let (_, all) = app.page(&c, "/catalogue/export/roles.csv").await;
    assert!(all.lines().count() > 26, "more than one page of roles");
    let (status, routes) = app.page(&c, "/catalogue/export/routes.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(routes.starts_with("from,to,route,requirements,source\n"));
    assert!(
        routes.lines().count() > 100,
        "every route of the core framework"
    );
    assert!(!routes.contains("senior-hcsw,"), "roles by title, not code");
    let res = c
        .get(app.url("/catalogue/export/routes.xlsx"))
        .send()
        .await
        .unwrap();
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    let (status, _) = app.page(&c, "/catalogue/export/people.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
