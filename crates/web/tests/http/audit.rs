//! The audit trail in words: who did what to whom and when, filtered by
//! person, actor, action and dates, exported in the same words; and the
//! error pages that keep the signed-in header and say "Error:" first.

use crate::support::*;

fn in_words(d: pathwise_domain::Date) -> String {
    d.in_words()
}

#[tokio::test]
async fn the_trail_reads_who_did_what_to_whom_and_filters_by_person_actor_and_dates() {
    let app = spawn_app().await;
    app.return_new_evidence_with("Handover on ward 7", "Say which shift")
        .await;
    let learner = people::person(&app.store, app.learner_id)
        .await
        .unwrap()
        .unwrap()
        .name;
    let manager = people::person(&app.store, app.manager_id)
        .await
        .unwrap()
        .unwrap()
        .name;
    let admin = app.signed_in("admin").await;

    let (status, html) = app
        .page(&admin, &format!("/admin/audit?person={}", app.learner_id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!(
            "{manager} returned evidence from {learner}: Handover on ward 7"
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "added evidence from {learner}: Handover on ward 7"
    )));
    assert!(html.contains(&format!("Showing events about <strong>{learner}</strong>")));
    assert!(
        !html.contains(" signed in<"),
        "sign-ins are not about the learner"
    );
    assert!(
        !html.contains(">evidence.returned") && !html.contains("evidence:"),
        "codes stay out of sight: {}",
        &html[html.find("evidence:").unwrap_or(0)..][..200]
    );

    // "Everything the manager did" is a link on the event.
    let start = html.find("/admin/audit?who=").unwrap();
    let who = &html[start..start + html[start..].find('"').unwrap()];
    let (_, by_manager) = app.page(&admin, who).await;
    assert!(by_manager.contains(&format!("{manager} returned evidence")));
    assert!(
        !by_manager.contains(&format!("{learner} added evidence")),
        "only what the manager did"
    );

    let today = pathwise_web::today();
    let (_, from_tomorrow) = app
        .page(
            &admin,
            &format!("/admin/audit?from={}", in_words(today.plus_days(1))),
        )
        .await;
    assert!(from_tomorrow.contains("No events match."));
    let (_, today_only) = app
        .page(
            &admin,
            &format!(
                "/admin/audit?person={}&from={}&to={}",
                app.learner_id,
                in_words(today),
                in_words(today)
            ),
        )
        .await;
    assert!(today_only.contains("returned evidence from"));

    let (status, wrong) = app
        .page(
            &admin,
            &format!(
                "/admin/audit?from={}&to={}",
                in_words(today),
                in_words(today.plus_days(-3))
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.contains("<title>Error: Audit trail"), "{wrong}");
    assert!(wrong.contains("The end date must be on or after the start date"));
    let (status, typo) = app.page(&admin, "/admin/audit?from=31+June+2026").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(typo.contains("Enter a real date, for example"));

    let csv = admin
        .get(app.url(&format!("/admin/audit.csv?person={}", app.learner_id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "when,who,what,detail,at_utc,action,subject"
    );
    assert!(csv.contains(&format!(
        "{manager} returned evidence from {learner}: Handover on ward 7"
    )));
    assert!(
        csv.contains("evidence.returned"),
        "the code is in its own column"
    );

    let learner_client = app.signed_in("learner").await;
    let (status, _) = app.page(&learner_client, "/admin/audit").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "only L&D reads the trail");
}

#[tokio::test]
async fn a_missing_page_keeps_the_signed_in_header() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager").await;
    let (status, html) = app.page(&manager, "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
    assert!(
        html.contains("Sign out"),
        "the header still shows who is signed in"
    );
    let (status, html) = app.page(&client(), "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("Sign out"));
    let api = client()
        .get(app.url("/api/v1/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
}
