//! Outcomes: retention of the staff selected, by hand on a small imported
//! cohort; L&D sees it in full, an analyst only under disclosure control
//! (never an uncontrolled count); learners and managers see nothing.

use crate::support::*;

const HEADER: &str = "assignment_number,name,email,role_code,site,afc_band,staff_group,start_date,leave_date,line_manager_assignment,sex,ethnicity,age_band,disability";

/// Ten support workers at a new site RET1 who all started on 1 January
/// 2025: two left after 59 days, one after 243, seven are in post.
async fn import_cohort(app: &TestApp, admin: &reqwest::Client) {
    let mut csv = format!("{HEADER}\n");
    for i in 0..10 {
        let left = match i {
            0 | 1 => "2025-03-01",
            2 => "2025-09-01",
            _ => "",
        };
        csv.push_str(&format!(
            "9500{i:03},Person {i},,hcsw,RET1,3,\"Support to doctors, nurses & midwives\",2025-01-01,{left},,Female,White,25-34,No\n"
        ));
    }
    let csrf = app.csrf_of(admin, "/admin/staff").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("staff.csv"),
        );
    let res = admin
        .post(app.url("/admin/staff"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("10 people new"), "{html}");
    let res = app
        .post(
            admin,
            "/admin/staff/confirm",
            &[("csrf", csrf), ("upload", hidden(&html, "upload"))],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

fn point(v: &Value, group: usize, reading: usize) -> &Value {
    &v["groups"][group]["points"][reading]
}

#[tokio::test]
async fn retention_by_hand_for_l_and_d_and_under_control_for_the_analyst() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    import_cohort(&app, &admin).await;
    let url = app.url("/api/v1/outcomes/retention?site=RET1&as_of=2026-12-01");
    let (status, v) = json(&admin, url.clone()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["as_of"], "2026-12-01");
    assert_eq!(v["groups"][0]["group"], "all");
    assert_eq!(v["groups"][0]["people"], 10);
    // S(182) = 1 - 2/10 = 0.8; S(365) = S(548) = 0.8 * (1 - 1/8) = 0.7.
    let s = |g, r| point(&v, g, r)["survival"].as_f64().unwrap();
    assert!(
        (s(0, 0) - 0.8).abs() < 1e-9
            && (s(0, 1) - 0.7).abs() < 1e-9
            && (s(0, 2) - 0.7).abs() < 1e-9
    );
    assert_eq!(
        (
            point(&v, 0, 0)["at_risk"].as_u64(),
            point(&v, 0, 0)["events"].as_u64()
        ),
        (Some(10), Some(2))
    );
    assert_eq!(
        (
            point(&v, 0, 1)["at_risk"].as_u64(),
            point(&v, 0, 1)["events"].as_u64()
        ),
        (Some(8), Some(3))
    );
    let low = point(&v, 0, 0)["low"].as_f64().unwrap();
    let high = point(&v, 0, 0)["high"].as_f64().unwrap();
    assert!(low < 0.8 && 0.8 < high && high <= 1.0, "{low} {high}");
    assert_eq!(v["groups"][1]["group"], "on a pathway");
    assert_eq!(v["groups"][2]["people"], 10, "none of them is on a pathway");
    assert_eq!(v["groups"][0]["disclosure_control"], false);
    // On the page: the same figure in words, its chart, and the exports.
    let (status, html) = app
        .page(&admin, "/outcomes?site=RET1&as_of=2026-12-01")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("80.0% ("), "{html}");
    assert!(html.contains("<svg"), "a chart");
    let (status, csv) = app
        .page(&admin, "/outcomes/retention.csv?site=RET1&as_of=2026-12-01")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with(
        "as_of,group,months,people,at_risk,events,survival,low,high,disclosure_control"
    ));
    assert!(csv.contains("2026-12-01,all,6,10,10,2,0.8,"), "{csv}");
    let (status, _) = app.page(&admin, "/outcomes?as_of=31+June").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The analyst: counts rounded to 5, 1-7 suppressed, never raw.
    let analyst = app.signed_in("analyst").await;
    let (status, a) = json(&analyst, url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a["groups"][0]["disclosure_control"], true);
    assert_eq!(point(&a, 0, 0)["at_risk"], 10);
    assert!(point(&a, 0, 0)["events"].is_null(), "2 leavers: suppressed");
    for g in a["groups"].as_array().unwrap() {
        assert!(
            g["people"].is_null() || g["people"].as_u64().unwrap() % 5 == 0,
            "{g}"
        );
        for p in g["points"].as_array().unwrap() {
            for k in ["at_risk", "events"] {
                assert!(
                    p[k].is_null() || p[k].as_u64().unwrap() % 5 == 0,
                    "{k} in {p}"
                );
            }
        }
    }
    let (_, demo_wide) = json(
        &analyst,
        app.url("/api/v1/outcomes/retention?role_class=any"),
    )
    .await;
    for g in demo_wide["groups"].as_array().unwrap() {
        for p in g["points"].as_array().unwrap() {
            for k in ["at_risk", "events"] {
                assert!(
                    p[k].is_null() || p[k].as_u64().unwrap() % 5 == 0,
                    "{k} in {p}"
                );
            }
        }
    }
    let (status, html) = app.page(&analyst, "/outcomes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Disclosure control is on"));
}

#[tokio::test]
async fn learners_and_managers_see_no_outcome_figures() {
    let app = spawn_app().await;
    for who in ["learner", "manager"] {
        let c = app.signed_in(who).await;
        let (status, _) = app.page(&c, "/outcomes").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
        let (status, _) = json(&c, app.url("/api/v1/outcomes/retention")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
        let (status, _) = app.page(&c, "/outcomes/retention.csv").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
    }
}
