//! The JSON API: sessions and tokens, OpenAPI, pathways, inbox and progress.

use crate::support::*;

#[tokio::test]
async fn the_api_needs_a_session_or_token() {
    let app = spawn_app().await;
    let res = client()
        .get(app.url("/api/v1/me/next-options"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = client()
        .get(app.url("/api/v1/me/next-options"))
        .bearer_auth("pw_not_a_real_token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let page = client().get(app.url("/me")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn personal_api_tokens_work_until_revoked() {
    let app = spawn_app().await;
    let c = app.signed_in("learner").await;
    let token = app.new_token(&c, "my script").await;
    assert!(token.starts_with("pw_"));
    let csrf = app.csrf_of(&c, "/account/tokens").await;
    let fresh = client();
    let res = fresh
        .get(app.url("/api/v1/me/next-options"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Revoke it from the tokens page.
    let list = c
        .get(app.url("/account/tokens"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let action_at = list.find("/revoke").unwrap();
    let id_start = list[..action_at].rfind('/').unwrap() + 1;
    let id = &list[id_start..action_at];
    let res = app
        .post(
            &c,
            &format!("/account/tokens/{id}/revoke"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = fresh
        .get(app.url("/api/v1/me/next-options"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_openapi_document_describes_the_next_options_endpoints() {
    let app = spawn_app().await;
    let (status, doc) = json(&client(), app.url("/api/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/api/v1/me/next-options"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/people/{id}/next-options"]["get"].is_object());
    assert!(doc["components"]["schemas"]["NextOptionsDoc"].is_object());
    for path in [
        "/api/v1/me/pathway",
        "/api/v1/people/{id}/pathway",
        "/api/v1/inbox",
        "/api/v1/team/progress",
        "/api/v1/levy/forecast",
        "/api/v1/outcomes/retention",
        "/api/v1/outcomes/competence",
        "/api/v1/outcomes/progression",
        "/api/v1/outcomes/satisfaction",
        "/api/v1/equity/progression",
        "/api/v1/equity/bands",
        "/api/v1/equity/recruitment",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} described");
    }
    // The outcome routes share one selection, described once.
    let params: Vec<&str> = doc["paths"]["/api/v1/outcomes/progression"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "site",
        "role",
        "staff_group",
        "pathway",
        "role_class",
        "as_of",
        "step",
        "months",
    ] {
        assert!(params.contains(&name), "{name} in {params:?}");
    }
    assert!(
        !params.contains(&"recruitment"),
        "a page-only field is not in the API"
    );
    assert!(doc["components"]["schemas"]["ForecastDoc"].is_object());
    assert!(doc["components"]["schemas"]["PathwayDoc"].is_object());
    assert!(doc["components"]["schemas"]["InboxDoc"].is_object());
}

#[tokio::test]
async fn the_api_answers_pathways_inbox_and_team_progress_under_the_same_rules() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let (status, doc) = json(&learner, app.url("/api/v1/me/pathway")).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(doc["person_id"], app.learner_id);
    assert_eq!(doc["current_stage"], 2);
    assert_eq!(doc["status"], "red", "communication is overdue");
    assert_eq!(doc["stages"].as_array().unwrap().len(), 4);
    let communication = doc["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "communication")
        .unwrap();
    assert_eq!(communication["signed_off"], false);
    assert_eq!(communication["overdue"], true);
    // The same answer as the page's standing: the numbers agree.
    let (_, html) = app
        .page(&learner, &format!("/people/{}/pathway", app.learner_id))
        .await;
    let stage2 = &doc["stages"][1];
    assert!(html.contains(&format!(
        "{} of {} required criteria signed off",
        stage2["signed_off"], stage2["required"]
    )));
    // A learner has no inbox and no team; a colleague's pathway is not theirs.
    let (status, _) = json(&learner, app.url("/api/v1/inbox")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = json(&learner, app.url("/api/v1/team/progress")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (colleague_id, colleague) = app.colleague().await;
    let (status, _) = json(
        &colleague,
        app.url(&format!("/api/v1/people/{}/pathway", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let manager = app.signed_in("manager").await;
    let (status, doc) = json(
        &manager,
        app.url(&format!("/api/v1/people/{}/pathway", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["person_id"], app.learner_id);
    let (status, inbox) = json(&manager, app.url("/api/v1/inbox?limit=5")).await;
    assert_eq!(status, StatusCode::OK);
    let total = inbox["total"].as_i64().unwrap();
    assert!(inbox["items"].as_array().unwrap().len() <= 5);
    let (_, page) = app.page(&manager, "/inbox").await;
    assert!(
        page.contains(&format!("{total} waiting")),
        "the page agrees"
    );
    let (_, filtered) = json(
        &manager,
        app.url(&format!("/api/v1/inbox?learner={colleague_id}")),
    )
    .await;
    assert!(
        filtered["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["person_id"] == colleague_id)
    );
    let (status, _) = json(&manager, app.url("/api/v1/inbox?limit=0")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, team) = json(&manager, app.url("/api/v1/team/progress")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        team.as_array()
            .unwrap()
            .iter()
            .any(|r| r["person_id"] == app.learner_id && r["status"] == "red")
    );

    // Another organisation sees nothing of ours.
    let other = app.other_organisation_admin().await;
    let (status, _) = json(
        &other,
        app.url(&format!("/api/v1/people/{}/pathway", app.learner_id)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
