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
    let summary = import(app, admin, csv).await;
    assert!(summary.contains("10 people new"), "{summary}");
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

/// Imports a staff extract through the admin pages and confirms it;
/// returns the summary page shown before confirming.
async fn import(app: &TestApp, admin: &reqwest::Client, csv: String) -> String {
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
    assert!(html.contains("upload"), "{html}");
    let res = app
        .post(
            admin,
            "/admin/staff/confirm",
            &[("csrf", csrf), ("upload", hidden(&html, "upload"))],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    html
}

/// 31 support workers at site PRG1 who started 300 days ago: 12 White, 10
/// Asian and 9 Black; 25 women and 6 men. A second extract today promotes
/// 10 of them (6 White, 2 Asian, 2 Black): 8 to senior healthcare support
/// worker, 2 to nursing associate. Returns the as-of date a year after
/// their start.
async fn import_promotions(app: &TestApp, admin: &reqwest::Client) -> String {
    let today = pathwise_web::clock::Clock::System.today();
    let start = today.plus_days(-300);
    let extract = |promote: bool| {
        let mut csv = format!("{HEADER}\n");
        for i in 0..31 {
            let ethnicity = match i {
                0..12 => "White",
                12..22 => "Asian",
                _ => "Black",
            };
            let sex = if i % 5 == 0 && i < 30 {
                "Male"
            } else {
                "Female"
            };
            let promoted = matches!(i, 0..6 | 12..14 | 22..24);
            let (role, band) = match (promote && promoted, i) {
                (true, 0 | 1) => ("nursing-associate", "4"),
                (true, _) => ("senior-hcsw", "4"),
                _ => ("hcsw", "3"),
            };
            csv.push_str(&format!(
                "9600{i:03},Stepper {i},,{role},PRG1,{band},\"Support to doctors, nurses & midwives\",{start},,,{sex},{ethnicity},25-34,No\n"
            ));
        }
        csv
    };
    import(app, admin, extract(false)).await;
    let summary = import(app, admin, extract(true)).await;
    assert!(summary.contains("10 of them in role or band"), "{summary}");
    start.plus_days(365).to_string()
}

#[tokio::test]
async fn progression_and_who_progresses_by_hand_with_small_groups_suppressed() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let as_of = import_promotions(&app, &admin).await;
    let (status, v) = json(
        &admin,
        app.url(&format!(
            "/api/v1/outcomes/progression?site=PRG1&as_of={as_of}"
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let all = &v["groups"][0];
    assert_eq!(all["group"], "all");
    let twelve = &all["readings"][0];
    assert_eq!(
        (twelve["cohort"].as_u64(), twelve["progressed"].as_u64()),
        (Some(31), Some(10))
    );
    assert!((twelve["rate"].as_f64().unwrap() - 10.0 / 31.0).abs() < 1e-9);
    let by: Vec<(String, u64)> = twelve["by_destination"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["destination"].as_str().unwrap().to_string(),
                d["people"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            ("registered".to_string(), 0),
            ("assistant_practitioner".to_string(), 2),
            ("senior_support".to_string(), 8),
            ("other_higher".to_string(), 0)
        ]
    );
    assert_eq!(
        all["readings"][1]["cohort"], 0,
        "nobody started 24 months ago"
    );

    // By ethnicity: White 6 of 12, against 4 of 19 for everyone else.
    let url = app.url(&format!(
        "/api/v1/equity/progression?site=PRG1&as_of={as_of}&months=12"
    ));
    let (status, e) = json(&admin, url.clone()).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    assert_eq!(
        (e["step"].as_str(), e["months"].as_u64()),
        (Some("higher_role"), Some(12))
    );
    let table = |doc: &Value, b: &str| -> Vec<Value> {
        doc["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["breakdown"] == b)
            .unwrap()["groups"]
            .as_array()
            .unwrap()
            .clone()
    };
    let ethnicity = table(&e, "ethnicity");
    let white = ethnicity.iter().find(|g| g["group"] == "White").unwrap();
    assert_eq!(
        (white["cohort"].as_u64(), white["progressed"].as_u64()),
        (Some(12), Some(6))
    );
    let rl = white["relative_likelihood"].as_f64().unwrap();
    assert!((rl - 0.5 / (4.0 / 19.0)).abs() < 1e-9, "{rl}");
    let mixed = ethnicity.iter().find(|g| g["group"] == "Mixed").unwrap();
    assert_eq!(
        (mixed["cohort"].as_u64(), mixed["suppressed"].as_bool()),
        (Some(0), Some(false))
    );
    // Six men: suppressed, and the women with them, or the men's figures
    // would be the site's less the women's.
    for g in table(&e, "sex") {
        if g["group"] != "Unknown" {
            assert_eq!(g["suppressed"], true, "{g}");
            assert!(g["cohort"].is_null() && g["rate"].is_null(), "{g}");
        }
    }
    // Into a registered profession: nobody, so no likelihood at all.
    let (_, r) = json(
        &admin,
        app.url(&format!(
            "/api/v1/equity/progression?site=PRG1&as_of={as_of}&months=12&step=registered"
        )),
    )
    .await;
    assert!(
        table(&r, "ethnicity")
            .iter()
            .all(|g| g["relative_likelihood"].is_null())
    );

    // On the page: each table in words, its chart, the exports.
    let (status, html) = app
        .page(
            &admin,
            &format!("/outcomes?site=PRG1&as_of={as_of}&months=12"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Rows in the order of the groups (White first); cells after the group.
    let rows = table_rows(&html, "equity-ethnicity");
    let white_row = &rows[0];
    assert_eq!(white_row[0..2], ["12".to_string(), "6".to_string()]);
    assert!(white_row[2].starts_with("50.0% ("), "{white_row:?}");
    assert!(white_row[3].starts_with("2.38 ("), "{white_row:?}");
    assert!(html.contains("<th scope=\"row\" class=\"nhsuk-table__header\">White</th>"));
    let progression = table_rows(&html, "progression-table");
    assert_eq!(
        progression[0][0], "31",
        "everyone selected, followed 12 months"
    );
    assert!(progression[0][1].starts_with("32.3% ("), "{progression:?}");
    assert!(html.contains("id=\"equity-ethnicity-chart\""));
    let (status, csv) = app
        .page(
            &admin,
            &format!("/outcomes/equity.csv?site=PRG1&as_of={as_of}&months=12"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.contains(&format!("{as_of},higher_role,12,ethnicity,White,12,6,0.5,")),
        "{csv}"
    );
    let (status, csv) = app
        .page(
            &admin,
            &format!("/outcomes/progression.csv?site=PRG1&as_of={as_of}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains(&format!("{as_of},all,12,31,10,")), "{csv}");
    let (status, _) = app.page(&admin, "/outcomes?months=18").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // WRES indicator 1 on the as-of date: the promoted are on band 4 from
    // today. Band 3 holds 6 White and 15 BME, band 4 6 and 4: every band's
    // cells are withheld (6 is too few, and the next smallest goes with it);
    // the whole workforce is 12 White and 19 BME.
    let (status, b) = json(
        &admin,
        app.url(&format!("/api/v1/equity/bands?site=PRG1&as_of={as_of}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let bands = b["bands"].as_array().unwrap();
    let names: Vec<&str> = bands.iter().map(|r| r["band"].as_str().unwrap()).collect();
    assert_eq!(names, ["Band 3", "Band 4", "Whole workforce"]);
    for r in &bands[..2] {
        assert!(
            r["white"].is_null() && r["bme"].is_null() && r["bme_share"].is_null(),
            "{r}"
        );
    }
    assert_eq!(
        (bands[2]["white"].as_u64(), bands[2]["bme"].as_u64()),
        (Some(12), Some(19))
    );
    assert!((bands[2]["bme_share"].as_f64().unwrap() - 19.0 / 31.0).abs() < 1e-9);
    let (_, html) = app
        .page(&admin, &format!("/outcomes?site=PRG1&as_of={as_of}"))
        .await;
    let rows = table_rows(&html, "bands-table");
    assert_eq!(
        rows.last().unwrap()[..2],
        ["12".to_string(), "19".to_string()]
    );
    assert_eq!(rows[0][..2], ["*".to_string(), "*".to_string()]);

    // The analyst never receives an uncontrolled count.
    let analyst = app.signed_in("analyst").await;
    let (status, a) = json(&analyst, url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a["disclosure_control"], true);
    for t in a["tables"].as_array().unwrap() {
        for g in t["groups"].as_array().unwrap() {
            for k in ["cohort", "progressed"] {
                assert!(
                    g[k].is_null() || g[k].as_u64().unwrap() % 5 == 0,
                    "{k} in {g}"
                );
            }
        }
    }
    let white = table(&a, "ethnicity")
        .into_iter()
        .find(|g| g["group"] == "White")
        .unwrap();
    assert_eq!(
        (white["cohort"].as_u64(), white["progressed"].as_u64()),
        (Some(10), None),
        "6 is suppressed"
    );
    let (_, p) = json(
        &analyst,
        app.url(&format!(
            "/api/v1/outcomes/progression?site=PRG1&as_of={as_of}"
        )),
    )
    .await;
    for g in p["groups"].as_array().unwrap() {
        for r in g["readings"].as_array().unwrap() {
            for k in ["cohort", "progressed"] {
                assert!(
                    r[k].is_null() || r[k].as_u64().unwrap() % 5 == 0,
                    "{k} in {r}"
                );
            }
            for d in r["by_destination"].as_array().unwrap() {
                assert!(
                    d["people"].is_null() || d["people"].as_u64().unwrap() % 5 == 0,
                    "{d}"
                );
            }
        }
    }
    assert_eq!(
        p["groups"][0]["readings"][0]["cohort"], 30,
        "31 rounds to 30"
    );
}

#[tokio::test]
async fn time_to_competence_on_the_demo_and_nobody_else_sees_it() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (status, c) = json(
        &admin,
        app.url("/api/v1/outcomes/competence?role_class=any"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let people = c["people"].as_u64().unwrap();
    let competent = c["competent"].as_u64().unwrap();
    assert!(people > 0 && competent <= people, "{c}");
    assert_eq!(c["points"].as_array().unwrap().len(), 3);
    let shares: Vec<f64> = c["points"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["share"].as_f64())
        .collect();
    assert!(
        shares.windows(2).all(|w| w[0] <= w[1]),
        "the share competent never falls: {shares:?}"
    );
    let (status, html) = app.page(&admin, "/outcomes?role_class=any").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Median time to competence"));
    assert!(
        html.contains("id=\"apprenticeships-empty\""),
        "an honest empty state for the apprenticeship measures"
    );
    let (status, csv) = app
        .page(&admin, "/outcomes/competence.csv?role_class=any")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.starts_with("as_of,people,competent,median_days"),
        "{csv}"
    );
    // A site with no one on a pathway: an empty state, not a table of zeros.
    let (status, html) = app.page(&admin, "/outcomes?site=NOPE").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown site is refused"
    );
    assert!(html.contains("not one of your site codes"));

    // Managers' ratings on the demo: every rating counted once, a mean
    // inside 1-5, eight quarters.
    let (status, r) = json(
        &admin,
        app.url("/api/v1/outcomes/satisfaction?role_class=any"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let ratings = r["ratings"].as_u64().unwrap();
    let by_rating: u64 = r["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["ratings"].as_u64().unwrap())
        .sum();
    assert!(ratings > 0 && by_rating == ratings, "{r}");
    let mean = r["mean"]["mean"].as_f64().unwrap();
    assert!((1.0..=5.0).contains(&mean), "{mean}");
    assert_eq!(r["quarters"].as_array().unwrap().len(), 8);
    let (status, html) = app.page(&admin, "/outcomes?role_class=any").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(table_rows(&html, "satisfaction-table").len(), 5);
    let (status, csv) = app
        .page(&admin, "/outcomes/satisfaction.csv?role_class=any")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains(&format!(",all,{ratings},")), "{csv}");

    // Evidence completeness on the outcomes page is the admin page's, by
    // the same formula: the same total row, and a disclosure column.
    let (_, outcomes_csv) = app.page(&admin, "/outcomes/completeness.csv").await;
    let (_, admin_csv) = app.page(&admin, "/admin/completeness.csv").await;
    let last = |csv: &str| csv.lines().last().unwrap().to_string();
    let ours = last(&outcomes_csv);
    assert!(ours.starts_with("All sites,All roles,"), "{outcomes_csv}");
    assert_eq!(ours, format!("{},off", last(&admin_csv)));
    let (_, html) = app.page(&admin, "/outcomes").await;
    assert!(table_rows(&html, "outcomes-completeness").len() > 1);

    let analyst = app.signed_in("analyst").await;
    let (_, csv) = app.page(&analyst, "/outcomes/completeness.csv").await;
    for line in csv.lines().skip(1) {
        // site,role,learners,accepted,required,percent,on: the counts from the end.
        let cells: Vec<&str> = line.rsplitn(6, ',').collect();
        for c in &cells[2..5] {
            assert!(c.is_empty() || c.parse::<u64>().unwrap() % 5 == 0, "{line}");
        }
        assert_eq!(cells[0], "on");
    }
    let (_, s) = json(
        &analyst,
        app.url("/api/v1/outcomes/satisfaction?role_class=any"),
    )
    .await;
    assert_eq!(s["disclosure_control"], true);
    for d in s["distribution"].as_array().unwrap() {
        assert!(
            d["ratings"].is_null() || d["ratings"].as_u64().unwrap() % 5 == 0,
            "{d}"
        );
    }
    let (_, b) = json(&analyst, app.url("/api/v1/equity/bands")).await;
    for row in b["bands"].as_array().unwrap() {
        for k in ["white", "bme", "not_known"] {
            assert!(
                row[k].is_null() || row[k].as_u64().unwrap() % 5 == 0,
                "{k} in {row}"
            );
        }
    }
    let (_, a) = json(
        &analyst,
        app.url("/api/v1/outcomes/competence?role_class=any"),
    )
    .await;
    for k in ["people", "competent"] {
        assert!(
            a[k].is_null() || a[k].as_u64().unwrap() % 5 == 0,
            "{k} in {a}"
        );
    }
    for who in ["learner", "manager"] {
        let u = app.signed_in(who).await;
        for path in [
            "/api/v1/outcomes/competence",
            "/api/v1/outcomes/progression",
            "/api/v1/equity/progression",
            "/api/v1/outcomes/satisfaction",
            "/api/v1/equity/bands",
        ] {
            let (status, _) = json(&u, app.url(path)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who} {path}");
        }
        for path in [
            "/outcomes/equity.csv",
            "/outcomes/progression.xlsx",
            "/outcomes/competence.csv",
            "/outcomes/satisfaction.csv",
            "/outcomes/bands.xlsx",
        ] {
            let (status, _) = app.page(&u, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who} {path}");
        }
    }
}

#[tokio::test]
async fn a_recruitment_extract_becomes_wres_indicator_two_and_nothing_else_is_kept() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let header = "post_id,ethnicity,shortlisted,appointed\n";
    // A bad row and no period: every problem named, nothing stored.
    let bad = format!("{header}P1,White,yes,yes\nP1,Asian,perhaps,no\nP2,Black,no,yes\n");
    let (status, html, _) = post_file(
        &app,
        &admin,
        "/outcomes",
        "/outcomes/recruitment",
        &[("period", "")],
        Some(&bad),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("row 3, column shortlisted: &#39;perhaps&#39; is not yes or no"),
        "{html}"
    );
    assert!(
        html.contains("row 4, column appointed: Appointed without being shortlisted"),
        "{html}"
    );
    assert!(
        html.contains("Name the period the extract covers"),
        "{html}"
    );
    assert!(html.contains("Nothing was imported"));
    let (_, v) = json(&admin, app.url("/api/v1/equity/recruitment")).await;
    assert_eq!(v["periods"].as_array().unwrap().len(), 0);

    // 20 posts: White 40 appointed of 100 shortlisted, BME 25 of 100 (and
    // applicants not shortlisted, and some whose ethnicity is not known).
    let mut good = header.to_string();
    for i in 0..100 {
        good.push_str(&format!(
            "W{i},White,yes,{}\n",
            if i < 40 { "yes" } else { "no" }
        ));
        good.push_str(&format!(
            "B{i},Black,yes,{}\n",
            if i < 25 { "yes" } else { "no" }
        ));
        good.push_str(&format!("X{i},Unknown,yes,no\nN{i},Asian,no,no\n"));
    }
    let (status, html, to) = post_file(
        &app,
        &admin,
        "/outcomes",
        "/outcomes/recruitment",
        &[("period", "2025/26")],
        Some(&good),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(to.starts_with("/outcomes?recruitment=2025%2F26"), "{to}");
    assert!(html.contains("The recruitment extract for 2025/26 was imported."));
    let rows = table_rows(&html, "recruitment-table");
    assert_eq!(rows[0][0], "40 of 100 (40.0%)");
    assert_eq!(rows[0][1], "25 of 100 (25.0%)");
    assert!(rows[0][2].starts_with("1.60 ("), "{rows:?}");
    let (_, v) = json(&admin, app.url("/api/v1/equity/recruitment")).await;
    let p = &v["periods"][0];
    assert_eq!(
        (
            p["period"].as_str(),
            p["white_appointed"].as_u64(),
            p["bme_shortlisted"].as_u64()
        ),
        (Some("2025/26"), Some(40), Some(100))
    );
    assert!((p["relative_likelihood"].as_f64().unwrap() - 1.6).abs() < 1e-9);
    let (_, trail) = app.page(&admin, "/admin/audit").await;
    assert!(
        trail.contains("recruitment extract for 2025/26: 400 applicant rows, kept as counts"),
        "audited"
    );

    // The analyst sees it under control and cannot import; a manager neither.
    let analyst = app.signed_in("analyst").await;
    let (_, a) = json(&analyst, app.url("/api/v1/equity/recruitment")).await;
    assert_eq!(a["disclosure_control"], true);
    assert_eq!(a["periods"][0]["white_appointed"], 40);
    let (_, page) = app.page(&analyst, "/outcomes").await;
    assert!(!page.contains("id=\"recruitment-form\""));
    let (status, _, _) = post_file(
        &app,
        &analyst,
        "/outcomes",
        "/outcomes/recruitment",
        &[("period", "x")],
        Some(&good),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let manager = app.signed_in("manager").await;
    let (status, _, _) = post_file(
        &app,
        &manager,
        "/team",
        "/outcomes/recruitment",
        &[("period", "x")],
        Some(&good),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = json(&manager, app.url("/api/v1/equity/recruitment")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, v) = json(&admin, app.url("/api/v1/equity/recruitment")).await;
    assert_eq!(
        v["periods"].as_array().unwrap().len(),
        1,
        "the refused imports stored nothing"
    );
}
