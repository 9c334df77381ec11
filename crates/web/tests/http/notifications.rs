//! Notifications in the app: a returned piece of evidence shows in the
//! learner's header count and list, marking read (one or all) clears it,
//! nobody marks another's, and the settings form saves each kind's channel
//! and the daily digest, refusing an unanswered kind with a clear message.

use crate::support::*;
use pathwise_storage::notifications;

fn count_in(html: &str) -> i64 {
    match html.find("id=\"notification-count\">") {
        None => 0,
        Some(i) => html[i + "id=\"notification-count\">".len()..]
            .split('<')
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap(),
    }
}

#[tokio::test]
async fn a_returned_piece_of_evidence_is_a_notification_the_learner_can_mark_read() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let (_, before) = app.page(&learner, "/notifications").await;
    let unread_before = count_in(&before);

    let id = app
        .return_new_evidence_with("Handover I led", "Add who you handed over to")
        .await;
    let manager = app.signed_in("manager").await;

    let (status, html) = app.page(&learner, "/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count_in(&html), unread_before + 1, "the header counts it");
    assert!(
        html.contains("Your evidence &#39;Handover I led&#39; was returned with feedback"),
        "{html}"
    );
    assert!(html.contains("Feedback: Add who you handed over to"));
    assert!(html.contains(&format!("href=\"/evidence/{id}\"")));
    // Every page's header shows the count.
    let (_, me) = app.page(&learner, "/me").await;
    assert_eq!(count_in(&me), unread_before + 1);

    // The manager cannot mark the learner's notification.
    let account = pathwise_storage::accounts::by_email(&app.store, "learner@demo.pathwise.test")
        .await
        .unwrap()
        .unwrap();
    let (mine, _) = notifications::notifications(&app.store, account.id, 1, 0)
        .await
        .unwrap();
    let nid = mine[0].id;
    let mcsrf = app.csrf_of(&manager, "/notifications").await;
    let res = app
        .post(
            &manager,
            format!("/notifications/{nid}/read"),
            &[("csrf", mcsrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Without the CSRF token nothing changes.
    let res = app
        .post(
            &learner,
            format!("/notifications/{nid}/read"),
            &[("csrf", "nope")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let csrf = app.csrf_of(&learner, "/notifications").await;
    let res = app
        .post(
            &learner,
            format!("/notifications/{nid}/read"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&learner, "/notifications").await;
    assert_eq!(count_in(&html), unread_before);
    if unread_before > 0 {
        let res = app
            .post(&learner, "/notifications/read", &[("csrf", csrf.as_str())])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let (_, html) = app.page(&learner, &location(&res)).await;
        assert_eq!(count_in(&html), 0);
        assert!(html.contains("marked as read."), "{html}");
    }
}

#[tokio::test]
async fn notification_settings_are_saved_and_an_unanswered_kind_is_refused() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let (status, html) = app.page(&learner, "/notifications/settings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(
            "id=\"review_due\" name=\"review_due\" type=\"radio\" value=\"both\" checked"
        ),
        "{html}"
    );
    assert!(
        html.contains("Email is not set up yet"),
        "no mail server in this app"
    );
    let csrf = hidden(&html, "csrf");
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    for kind in pathwise_domain::notify::NotificationKind::ALL {
        form.push((
            kind.code(),
            if kind.code() == "place_offered" {
                "email"
            } else {
                "app"
            },
        ));
    }
    form.push(("digest", "yes"));
    let res = app.post(&learner, "/notifications/settings", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&learner, &location(&res)).await;
    assert!(html.contains("Your notification settings are saved."));
    assert!(html.contains(
        "id=\"place_offered-email\" name=\"place_offered\" type=\"radio\" value=\"email\" checked"
    ));
    assert!(html.contains(
        "id=\"review_due-app\" name=\"review_due\" type=\"radio\" value=\"app\" checked"
    ));
    assert!(
        html.contains("value=\"yes\" checked"),
        "the digest box stays ticked"
    );

    let partial: Vec<(&str, &str)> = form
        .iter()
        .filter(|(k, _)| *k != "review_due")
        .cloned()
        .collect();
    let res = app
        .post(&learner, "/notifications/settings", &partial)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Choose how to hear of this: a progress review due soon or overdue"),
        "{html}"
    );
    assert!(
        html.contains("href=\"#review_due\""),
        "the error summary links to the question"
    );
}
