//! Staff records: only L&D imports an extract; a file with problems names
//! each row and column and stores nothing; a good file shows what it will do
//! and is stored only when confirmed; protected characteristics never show
//! on a person's page or in the people exports.

use crate::support::*;

const HEADER: &str = "assignment_number,name,email,role_code,site,afc_band,staff_group,start_date,leave_date,line_manager_assignment,sex,ethnicity,age_band,disability";

async fn upload(app: &TestApp, c: &reqwest::Client, csv: &str) -> reqwest::Response {
    let csrf = app.csrf_of(c, "/admin/staff").await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("staff.csv"),
    );
    c.post(app.url("/admin/staff"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn only_l_and_d_imports_staff_records() {
    let app = spawn_app().await;
    for who in ["learner", "manager"] {
        let c = app.signed_in(who).await;
        let (status, _) = app.page(&c, "/admin/staff").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
        let (status, _) = app.page(&c, "/admin/staff/template.csv").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
    }
    let admin = app.signed_in("admin").await;
    let (status, csv) = app.page(&admin, "/admin/staff/template.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv.trim(), HEADER);
}

#[tokio::test]
async fn a_file_with_problems_names_each_row_and_column_and_stores_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let learner = people::person(&app.store, app.learner_id)
        .await
        .unwrap()
        .unwrap();
    let before = people::count_people(&app.store, learner.org_id)
        .await
        .unwrap();
    let csv = format!(
        "{HEADER}\n\
         9100001,Nia Okafor,,{role},NGH,3,,2024-02-30,,,Female,Black,25-34,No\n\
         9100002,Sam Hale,,astronaut,NGH,3,,2024-02-01,,,Male,White,35-44,No\n\
         9100002,Sam Hale,,{role},NGH,3,,2024-02-01,,8888888,Male,White,35-44,No\n",
        role = learner.role_code
    );
    let res = upload(&app, &admin, &csv).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<title>Error: "),
        "the title says there is an error"
    );
    assert!(
        html.contains("row 2, column start_date: &#39;2024-02-30&#39; is not a date"),
        "{html}"
    );
    // Only once every row reads do problems across rows show.
    let fixed = csv.replace("2024-02-30", "2024-01-30");
    let res = upload(&app, &admin, &fixed).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(
            "row 3, column role_code: &#39;astronaut&#39; is not a role in the career framework"
        ),
        "{html}"
    );
    assert!(html.contains("row 4, column assignment_number: 9100002 is also on row 3"));
    assert!(html.contains(
        "row 4, column line_manager_assignment: no one has the assignment number 8888888"
    ));
    assert!(html.contains("Nothing was imported."));
    assert_eq!(
        people::count_people(&app.store, learner.org_id)
            .await
            .unwrap(),
        before
    );
}

#[tokio::test]
async fn a_good_file_is_summarised_then_stored_when_confirmed_and_characteristics_stay_hidden() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let learner = people::person(&app.store, app.learner_id)
        .await
        .unwrap()
        .unwrap();
    let manager = people::person(&app.store, app.manager_id)
        .await
        .unwrap()
        .unwrap();
    let learner_number = learner.assignment_number.clone().unwrap();
    let manager_number = manager.assignment_number.clone().unwrap();
    let senior = pathwise_storage::catalogue::role_map(&app.store, learner.org_id)
        .await
        .unwrap()
        .into_keys()
        .find(|c| *c != learner.role_code)
        .unwrap();
    let csv = format!(
        "{HEADER}\n\
         9200001,Nia Okafor,nia.okafor@demo.pathwise.test,{role},NGH,3,,2025-09-01,,{manager_number},Female,Mixed,25-34,Yes\n\
         9200002,Sam Hale,,{role},OUTREACH,2,,2026-01-05,,9200001,Male,Asian,16-24,No\n\
         {learner_number},{name},,{senior},NGH,4,,{start},,{manager_number},Female,White,35-44,No\n",
        role = learner.role_code,
        name = learner.name,
        start = learner.role_started,
    );
    let res = upload(&app, &admin, &csv).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("2 people new"), "{html}");
    assert!(html.contains("1 person changed, 1 of them in role or band"));
    assert!(html.contains("1 new site added: OUTREACH"));
    assert!(
        html.contains(&format!("Changes: role (was {})", learner.role_code)),
        "{html}"
    );
    for secret in ["Mixed", "Asian", "16-24"] {
        assert!(
            !html.contains(secret),
            "the summary shows no characteristic ({secret})"
        );
    }
    let before = people::count_people(&app.store, learner.org_id)
        .await
        .unwrap();
    let with_characteristics = |app: &TestApp| {
        let store = app.store.clone();
        let org = learner.org_id;
        async move {
            pathwise_storage::staff::characteristic_counts(&store, org)
                .await
                .unwrap()
                .iter()
                .map(|(_, n)| n)
                .sum::<u64>()
        }
    };
    let recorded = with_characteristics(&app).await;

    // Confirm with what the page sends back.
    let res = app
        .post(
            &admin,
            "/admin/staff/confirm",
            &[
                ("csrf", hidden(&html, "csrf")),
                ("upload", hidden(&html, "upload")),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&admin, &location(&res)).await;
    // The same upload cannot be imported twice.
    let again = app
        .post(
            &admin,
            "/admin/staff/confirm",
            &[
                ("csrf", hidden(&html, "csrf")),
                ("upload", hidden(&html, "upload")),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("already been imported")
    );
    assert!(
        page.contains(
            "Imported: 2 people new, 1 changed (1 in role or band), 0 leaving. 1 site added."
        ),
        "{page}"
    );
    assert_eq!(
        people::count_people(&app.store, learner.org_id)
            .await
            .unwrap(),
        before + 2
    );
    assert_eq!(
        with_characteristics(&app).await,
        recorded + 2,
        "stored for the two new people, replaced for the one already there"
    );
    let history = pathwise_storage::staff::role_history(&app.store, learner.id)
        .await
        .unwrap();
    assert_eq!(history.last().unwrap().role_code, senior);
    let stored = pathwise_storage::staff::stored(&app.store, learner.org_id)
        .await
        .unwrap();
    let sam = stored
        .iter()
        .find(|s| s.assignment_number == "9200002")
        .unwrap();
    assert_eq!(
        sam.line_manager.as_deref(),
        Some("9200001"),
        "a manager new in the same file"
    );

    // The person's page and the directory's exports never show them.
    let (status, page) = app.page(&admin, &format!("/people/{}", sam.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Sam Hale"));
    assert!(
        !page.contains("Asian") && !page.contains("16-24"),
        "no characteristic on a person's page"
    );
    let (_, export) = app.page(&admin, "/people.csv?q=9200002").await;
    assert!(export.contains("Sam Hale"), "{export}");
    assert!(
        !export.contains("Asian") && !export.contains("Male,"),
        "{export}"
    );
    let (_, trail) = app.page(&admin, "/admin/audit").await;
    assert!(
        trail.contains("imported protected characteristics for"),
        "the import is audited"
    );
}
