//! Rotas: a person's week for them and their manager only, the team grid for
//! managers only, and the roster import for L&D only, all or nothing.

use crate::support::*;

async fn upload_roster(app: &TestApp, c: &reqwest::Client, csv: &str) -> reqwest::Response {
    let csrf = app.csrf_of(c, "/admin/rosters").await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("roster.csv"),
    );
    c.post(app.url("/admin/rosters"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_learner_sees_their_own_week_and_nobody_elses() {
    let app = spawn_app().await;
    let (colleague, _) = app.colleague().await;
    let learner = app.signed_in("learner").await;
    let (status, html) = app.page(&learner, "/rota").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Your rota</h1>"), "{html}");
    assert!(html.contains("Week beginning Monday"));
    // The demo learner's release: study time on alternate Tuesdays, this week among them.
    assert!(
        html.contains("<strong>Study time</strong> 09:00-17:00"),
        "{html}"
    );
    let (status, _) = app
        .page(&learner, &format!("/people/{colleague}/rota"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.page(&learner, "/team/rota").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_week_is_asked_for_by_any_day_in_it() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let (_, html) = app.page(&learner, "/rota?week=2030-01-09").await;
    assert!(
        html.contains("Week beginning Monday 7 January 2030"),
        "{html}"
    );
    assert!(html.contains("No shifts are rostered this week"));
    assert!(html.contains("href=\"/rota?week=2029-12-31\""));
    assert!(html.contains("href=\"/rota?week=2030-01-14\""));
    let (status, html) = app.page(&learner, "/rota?week=next%20Tuesday").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("There is a problem"), "{html}");
    assert!(html.contains("href=\"#week\""));
}

#[tokio::test]
async fn a_manager_sees_the_team_grid_and_each_persons_week() {
    let app = spawn_app().await;
    let (colleague, _) = app.colleague().await;
    let manager = app.signed_in("manager").await;
    let (status, html) = app.page(&manager, "/team/rota").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Team rota</h1>"));
    assert!(html.contains("Lena Brightwater"), "{html}");
    assert!(html.contains(&format!("data-person=\"{colleague}\"")));
    assert!(html.contains("Study time 09:00-17:00"), "{html}");
    let (status, html) = app
        .page(&manager, &format!("/people/{}/rota", app.learner_id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Lena Brightwater&#39;s rota") || html.contains("Lena Brightwater's rota"),
        "{html}"
    );
}

#[tokio::test]
async fn only_ld_imports_rosters_and_a_bad_file_imports_nothing() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let (status, _) = app.page(&learner, "/admin/rosters").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let admin = app.signed_in("admin").await;
    let (status, html) = app.page(&admin, "/admin/rosters").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("NGH (Northgate General Hospital)"), "{html}");
    let me = app.learner_id;
    let bad = format!(
        "person_id,date,start,end,shift_type,site\n\
         {me},2030-01-07,07:00,15:00,early,NGH\n\
         {me},2030-01-08,07:00,15:00,early,NOWHERE\n\
         {me},2030-01-09,7am,15:00,early,NGH\n"
    );
    let res = upload_roster(&app, &admin, &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("row 4, column start: &#39;7am&#39; is not a time like 07:30")
            || html.contains("row 4, column start: '7am' is not a time like 07:30"),
        "{html}"
    );
    assert!(html.contains("Nothing was imported"));
    let (_, week) = app.page(&learner, "/rota?week=2030-01-07").await;
    assert!(
        week.contains("No shifts are rostered this week"),
        "nothing stored"
    );

    let bad_site = format!(
        "person_id,date,start,end,shift_type,site\n{me},2030-01-08,07:00,15:00,early,NOWHERE\n"
    );
    let html = upload_roster(&app, &admin, &bad_site)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("row 2, column site:"), "{html}");

    let good = format!(
        "person_id,date,start,end,shift_type,site\n{me},2030-01-07,19:00,07:30,night,NGH\n"
    );
    let res = upload_roster(&app, &admin, &good).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&admin, &location(&res)).await;
    assert!(
        html.contains("Imported 1 shift for 1 person, 7 January 2030 to 7 January 2030."),
        "{html}"
    );
    let (_, week) = app.page(&learner, "/rota?week=2030-01-07").await;
    assert!(
        week.contains("<strong>Night shift</strong> 19:00-07:30, Northgate General Hospital"),
        "{week}"
    );
}

#[tokio::test]
async fn a_roster_upload_without_the_form_token_is_refused() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let me = app.learner_id;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(
            format!(
                "person_id,date,start,end,shift_type,site\n{me},2030-01-07,07:00,15:00,early,NGH\n"
            )
            .into_bytes(),
        )
        .file_name("roster.csv"),
    );
    let res = admin
        .post(app.url("/admin/rosters"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    let learner = app.signed_in("learner").await;
    let (_, week) = app.page(&learner, "/rota?week=2030-01-07").await;
    assert!(week.contains("No shifts are rostered this week"));
}
