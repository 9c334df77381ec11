//! The people directory: L&D finds anyone by name or assignment number and
//! enrols a selection; a manager finds only his team; a learner finds no
//! one; the bulk enrolment file names people by assignment number.

use crate::support::*;

async fn unenrolled_reports(app: &TestApp) -> Vec<people::Person> {
    let mut out = Vec::new();
    for p in people::reports_of(&app.store, app.manager_id)
        .await
        .unwrap()
    {
        if pathways::enrolment_of(&app.store, p.id)
            .await
            .unwrap()
            .is_none()
        {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn l_and_d_finds_unenrolled_people_and_enrols_a_selection() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let waiting = unenrolled_reports(&app).await;
    assert!(waiting.len() >= 2, "the demo leaves some unenrolled");
    let (a, b) = (&waiting[0], &waiting[1]);
    let number = a
        .assignment_number
        .clone()
        .expect("demo staff have numbers");

    let (status, html) = app.page(&admin, &format!("/people?q={number}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&a.name), "found by assignment number");
    assert!(html.contains("1 person found."));
    assert!(html.contains("Not on a pathway"));
    let part: String = b
        .name
        .chars()
        .skip(1)
        .take(5)
        .collect::<String>()
        .to_uppercase();
    let (_, html) = app
        .page(
            &admin,
            &format!("/people?q={}&status=not-enrolled", part.replace(' ', "+")),
        )
        .await;
    assert!(
        html.contains(&format!(">{}</a>", b.name)),
        "found by part of the name, any case"
    );
    let (status, _) = app.page(&admin, "/people?status=sideways").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let version = pathways::versions(&app.store, 1)
        .await
        .unwrap()
        .into_iter()
        .max_by_key(|v| v.version)
        .unwrap();
    let csrf = app.csrf_of(&admin, "/people?status=not-enrolled").await;
    let (aid, bid) = (a.id.to_string(), b.id.to_string());
    let res = app
        .post(
            &admin,
            "/people/enrol",
            &[
                ("csrf", csrf.as_str()),
                ("person", aid.as_str()),
                ("person", bid.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Choose the pathway to enrol them on")
    );
    assert!(
        pathways::enrolment_of(&app.store, a.id)
            .await
            .unwrap()
            .is_none()
    );
    let vid = version.id.to_string();
    let res = app
        .post(
            &admin,
            "/people/enrol",
            &[
                ("csrf", csrf.as_str()),
                ("status", "not-enrolled"),
                ("person", aid.as_str()),
                ("person", bid.as_str()),
                ("version_id", vid.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        "/people?q=&role=&site=&status=not-enrolled&sort=&enrolled=2"
    );
    for p in [a, b] {
        let e = pathways::enrolment_of(&app.store, p.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(e.version_id, version.id);
    }
    let (_, html) = app.page(&admin, &format!("/people?q={number}")).await;
    assert!(html.contains(&format!("{} (version {})", version.name, version.version)));

    // Enrolling someone already on a pathway enrols nobody.
    let c = &unenrolled_reports(&app).await[0];
    let cid = c.id.to_string();
    let res = app
        .post(
            &admin,
            "/people/enrol",
            &[
                ("csrf", csrf.as_str()),
                ("person", cid.as_str()),
                ("person", aid.as_str()),
                ("version_id", vid.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Nobody was enrolled"));
    assert!(
        pathways::enrolment_of(&app.store, c.id)
            .await
            .unwrap()
            .is_none()
    );

    let csv = admin
        .get(app.url(&format!("/people.csv?q={number}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("name,assignment_number,role,site,line_manager,pathway,role_code"));
    assert!(csv.contains(&number));
}

#[tokio::test]
async fn a_manager_finds_only_his_team_and_a_learner_no_one() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager").await;
    let team = people::reports_of(&app.store, app.manager_id)
        .await
        .unwrap();
    let (status, html) = app.page(&manager, "/people").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(
        "The people you line-manage, and everyone at the site where you are an assessor"
    ));
    for p in &team {
        let (_, found) = app
            .page(&manager, &format!("/people?q={}", p.name.replace(' ', "+")))
            .await;
        assert!(
            found.contains(&format!(">{}</a>", p.name)),
            "{} is in his team",
            p.name
        );
        assert!(
            found.contains(&format!("id=\"person-{}\"", p.id))
                || pathways::enrolment_of(&app.store, p.id)
                    .await
                    .unwrap()
                    .is_some(),
            "he may enrol his own reports"
        );
    }
    // Someone at another site, outside his team and his assessing.
    let (everyone, _) = pathwise_storage::directory::search(
        &app.store,
        pathwise_storage::directory::PeopleScope {
            org_id: 1,
            whole_organisation: true,
            reports_of: None,
            site: None,
        },
        &Default::default(),
        pathwise_web::today(),
        10_000,
        0,
    )
    .await
    .unwrap();
    let me = people::person(&app.store, app.manager_id)
        .await
        .unwrap()
        .unwrap();
    let stranger = everyone
        .iter()
        .find(|e| e.manager_id != Some(app.manager_id) && e.site_name != me.site_name)
        .unwrap();
    let (_, found) = app
        .page(
            &manager,
            &format!("/people?q={}", stranger.name.replace(' ', "+")),
        )
        .await;
    assert!(
        !found.contains(&format!(">{}</a>", stranger.name)),
        "not his team, not his site"
    );
    let csrf = app.csrf_of(&manager, "/people").await;
    let sid = stranger.id.to_string();
    let res = app
        .post(
            &manager,
            "/people/enrol",
            &[
                ("csrf", csrf.as_str()),
                ("person", sid.as_str()),
                ("version_id", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not his to enrol");

    let learner = app.signed_in("learner").await;
    let (status, _) = app.page(&learner, "/people").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_enrolment_file_names_people_by_assignment_number() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let waiting = unenrolled_reports(&app).await;
    let number = waiting[0].assignment_number.clone().unwrap();
    let csrf = app.csrf_of(&admin, "/admin/enrolments").await;
    let upload = |text: String| {
        let csrf = csrf.clone();
        let admin = admin.clone();
        let url = app.url("/admin/enrolments/upload");
        async move {
            let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
                "file",
                reqwest::multipart::Part::bytes(text.into_bytes()).file_name("enrol.csv"),
            );
            admin.post(url).multipart(form).send().await.unwrap()
        }
    };
    let res = upload(format!(
        "assignment_number,pathway,enrolled_on\n{number},support-worker,1 December 2026\n99999999,support-worker,\n{number},support-worker,\n"
    ))
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("row 3, column assignment_number: no one in this organisation has assignment number 99999999"), "{html}");
    assert!(html.contains(&format!(
        "row 4, column assignment_number: assignment number {number} is already on row 2"
    )));
    assert!(html.contains("<title>Error: "));
    assert!(
        pathways::enrolment_of(&app.store, waiting[0].id)
            .await
            .unwrap()
            .is_none(),
        "nothing enrolled"
    );
    let res = upload("name,pathway\nAda,support-worker\n".into()).await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("the header must name assignment_number (or person_id) and pathway")
    );
    let res = upload(format!(
        "assignment_number,pathway\n{number},support-worker\n"
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        pathways::enrolment_of(&app.store, waiting[0].id)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn the_directory_sorts_by_the_order_chosen_and_keeps_it_across_pages() {
    let app = spawn_app().await;
    let c = app.signed_in("admin").await;
    let (status, html) = app.page(&c, "/people?sort=site").await;
    assert_eq!(status, StatusCode::OK);
    let sites: Vec<String> = table_rows(&html, "people-table")
        .iter()
        .map(|r| r[r.len() - 3].clone())
        .collect();
    let mut sorted = sites.clone();
    sorted.sort();
    assert_eq!(sites, sorted, "the page is in site order");
    assert!(html.contains("<option value=\"site\" selected>Site</option>"));
    // Askama writes & in attributes as &#38;.
    assert!(
        html.contains("sort=site&#38;page=2"),
        "the next page keeps the order"
    );
    let (_, csv) = app.page(&c, "/people.csv?sort=site").await;
    assert!(csv.lines().count() > 1);
    let (status, html) = app.page(&c, "/people?sort=shoe-size").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("choose an order from the list"));
}
