//! Moving a cohort to a new pathway version: the preview names what the
//! move does to each learner before anything changes; only the learners
//! ticked move, with the reason, audited; a move needs a reason.

use crate::support::*;
use pathwise_domain::pathway::{Applies, Criterion, Stage};

#[tokio::test]
async fn a_cohort_is_moved_after_a_preview_of_what_the_move_does() {
    let app = spawn_app().await;
    let (v1, mut t) = pathways::latest(&app.store, 1, "support-worker")
        .await
        .unwrap();
    t.criteria.push(Criterion {
        key: "hand-hygiene-audit".into(),
        title: "Hand hygiene audit passed".into(),
        stage: Stage::Induction,
        required: true,
        due_weeks: Some(1),
        applies: Applies::Core,
        examples: String::new(),
        counts_as: None,
    });
    let v2 = pathways::publish(&app.store, 1, &t, None, "hand hygiene audit", 10)
        .await
        .unwrap();
    let admin = app.signed_in("admin").await;
    let (status, html) = app
        .page(
            &admin,
            &format!("/admin/pathways/support-worker/moves?from={v1}&to={v2}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Added: Hand hygiene audit passed"));
    assert!(
        html.contains("Check before you move"),
        "the move makes some overdue at once"
    );
    assert!(html.contains("Stage 1: Induction and baseline competence"));
    let on_v1: Vec<i64> = html
        .match_indices("data-enrolment=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect();
    assert!(on_v1.len() >= 3, "the demo has learners on version 1");
    for e in &on_v1 {
        let enrolment = pathways::enrolment(&app.store, *e).await.unwrap().unwrap();
        assert_eq!(enrolment.version_id, v1, "the preview changes nothing");
    }

    let csrf = app
        .csrf_of(&admin, "/admin/pathways/support-worker/moves")
        .await;
    let (v1s, v2s) = (v1.to_string(), v2.to_string());
    let (a, b) = (on_v1[0].to_string(), on_v1[1].to_string());
    let no_reason = app
        .post(
            &admin,
            "/admin/pathways/support-worker/moves",
            &[
                ("csrf", csrf.as_str()),
                ("from", v1s.as_str()),
                ("to", v2s.as_str()),
                ("enrolment", a.as_str()),
            ],
        )
        .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .text()
            .await
            .unwrap()
            .contains("Say why they are moving")
    );
    let res = app
        .post(
            &admin,
            "/admin/pathways/support-worker/moves",
            &[
                ("csrf", csrf.as_str()),
                ("from", v1s.as_str()),
                ("to", v2s.as_str()),
                ("enrolment", a.as_str()),
                ("enrolment", b.as_str()),
                ("reason", "new infection control audit"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        "/admin/pathways/support-worker/moves?done=2"
    );
    for (e, want) in [(on_v1[0], v2), (on_v1[1], v2), (on_v1[2], v1)] {
        let enrolment = pathways::enrolment(&app.store, e).await.unwrap().unwrap();
        assert_eq!(enrolment.version_id, want, "only the ticked learners move");
    }
    let moved = audit::list(
        &app.store,
        1,
        &audit::AuditFilter::action("enrolment.moved"),
        10,
        0,
    )
    .await
    .unwrap();
    assert_eq!(moved.len(), 2);
    assert!(
        moved
            .iter()
            .all(|m| m.detail.contains("new infection control audit"))
    );

    // A learner already moved cannot be moved again from version 1.
    let res = app
        .post(
            &admin,
            "/admin/pathways/support-worker/moves",
            &[
                ("csrf", csrf.as_str()),
                ("from", v1s.as_str()),
                ("to", v2s.as_str()),
                ("enrolment", a.as_str()),
                ("reason", "again"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("no longer on this version")
    );
    let manager = app.signed_in("manager").await;
    let (status, _) = app
        .page(&manager, "/admin/pathways/support-worker/moves")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "L&D only");
}

#[tokio::test]
async fn removing_a_criterion_asks_first_and_publishes_only_when_confirmed() {
    let app = spawn_app().await;
    let (v1, t) = pathways::latest(&app.store, 1, "support-worker")
        .await
        .unwrap();
    let c = t.criteria[0].clone();
    let admin = app.signed_in("admin").await;
    let csrf = app.csrf_of(&admin, "/admin/pathways/support-worker").await;
    let applies = c.applies.code();
    let fields = [
        ("csrf", csrf.as_str()),
        ("key", c.key.as_str()),
        ("applies", applies.as_str()),
    ];
    let res = app
        .post(
            &admin,
            "/admin/pathways/support-worker/criteria/remove",
            &fields,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("publishes version {} without it", t.version + 1)));
    assert!(html.contains("name=\"confirm\" value=\"yes\""));
    assert_eq!(
        pathways::latest(&app.store, 1, "support-worker")
            .await
            .unwrap()
            .0,
        v1,
        "nothing published before confirming"
    );
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm", "yes"));
    let res = app
        .post(
            &admin,
            "/admin/pathways/support-worker/criteria/remove",
            &confirmed,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (v2, t2) = pathways::latest(&app.store, 1, "support-worker")
        .await
        .unwrap();
    assert_ne!(v2, v1);
    assert!(
        !t2.criteria
            .iter()
            .any(|x| x.key == c.key && x.applies == c.applies)
    );
}

#[tokio::test]
async fn api_tokens_are_not_in_a_learners_menu() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let (_, html) = app.page(&learner, "/pathway").await;
    assert!(!html.contains("href=\"/account/tokens\""));
    let manager = app.signed_in("manager").await;
    let (_, html) = app.page(&manager, "/team").await;
    assert!(html.contains("href=\"/account/tokens\""));
}
