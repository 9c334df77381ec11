//! Evidence: adding, uploads, decisions and the four-eyes rule.

use crate::support::*;

#[tokio::test]
async fn evidence_accepted_by_the_manager_signs_off_the_criterion_and_opens_the_next_stage() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let res = learner.get(app.url("/pathway")).send().await.unwrap();
    assert_eq!(
        location(&res),
        format!("/people/{}/pathway", app.learner_id)
    );
    let (status, html) = app
        .page(&learner, &format!("/people/{}/pathway", app.learner_id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Stage 2: Role consolidation"),
        "current stage heading"
    );
    assert!(
        html.contains("data-rag=\"red\""),
        "communication is overdue"
    );

    let res = app
        .submit_evidence(
            &learner,
            app.learner_id,
            &[
                ("kind", "reflection"),
                ("criteria", "communication"),
                ("title", "Handover I led"),
                ("activity", "Late shift, ward 7"),
                (
                    "body",
                    "I led the evening handover and checked understanding.",
                ),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = app.evidence_ids().await[0];

    let manager = app.signed_in("manager").await;
    let (_, inbox) = app.page(&manager, "/inbox").await;
    assert!(inbox.contains("Handover I led"), "waiting in the inbox");
    assert!(inbox.contains("id=\"inbox-count\""), "count in the header");
    assert!(inbox.contains("id=\"inbox-filter\""), "a filter by learner");
    // Filtered to this learner: only theirs, and the exports follow the filter.
    let (_, only) = app
        .page(&manager, &format!("/inbox?learner={}", app.learner_id))
        .await;
    assert!(
        only.contains("Handover I led") && only.contains("1 waiting"),
        "{only}"
    );
    let (colleague_id, _) = app.colleague().await;
    let (_, other) = app
        .page(&manager, &format!("/inbox?learner={colleague_id}"))
        .await;
    assert!(
        !other.contains("Handover I led"),
        "another learner's filter"
    );
    let csv = manager
        .get(app.url(&format!("/inbox.csv?learner={}", app.learner_id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    let (status, _) = app.page(&manager, "/inbox?learner=someone").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let csrf = app.csrf_of(&manager, &format!("/evidence/{id}")).await;
    let res = app
        .post(
            &manager,
            format!("/evidence/{id}/decision"),
            &[
                ("csrf", csrf.as_str()),
                ("outcome", "accept"),
                ("feedback", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&manager, &format!("/evidence/{id}")).await;
    assert!(html.contains("Accepted"), "{html}");

    let (_, html) = app
        .page(&learner, &format!("/people/{}/pathway", app.learner_id))
        .await;
    assert!(
        html.contains("Stage 3: Higher responsibility</h1>"),
        "stage 2 complete, stage 3 open"
    );
    assert!(html.contains("id=\"stage-2\" data-state=\"Complete\""));
    let actions: Vec<String> = audit::list(&app.store, 1, &audit::AuditFilter::default(), 50, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    for a in [
        "evidence.added",
        "evidence.accepted",
        "criterion.signed_off",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }
    // A second decision on the same evidence is refused.
    let res = app
        .post(
            &manager,
            format!("/evidence/{id}/decision"),
            &[
                ("csrf", csrf.as_str()),
                ("outcome", "return"),
                ("feedback", "late"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_size_and_served_only_to_those_allowed() {
    let app = spawn_app().await;
    let learner = app.signed_in("learner").await;
    let before = app.evidence_ids().await.len();
    let fields = [
        ("kind", "file"),
        ("criteria", "communication"),
        ("title", "Patient feedback"),
    ];
    let res = app
        .submit_evidence(
            &learner,
            app.learner_id,
            &fields,
            Some(("notes.pdf", b"#!/bin/sh\nrm -rf /\n".to_vec())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("must be a PDF, a PNG or JPEG image, or a Word document"),
        "{html}"
    );
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(UPLOAD_LIMIT as usize + 10, b'x');
    let res = app
        .submit_evidence(&learner, app.learner_id, &fields, Some(("scan.pdf", big)))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("must be smaller than 1 MB")
    );
    let mut huge = b"%PDF-1.4\n".to_vec();
    huge.resize(UPLOAD_LIMIT as usize + 2 * 1024 * 1024, b'x');
    let res = app
        .submit_evidence(&learner, app.learner_id, &fields, Some(("huge.pdf", huge)))
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("must be smaller than"));
    assert_eq!(app.files.count(), 0, "nothing stored");
    assert_eq!(
        app.evidence_ids().await.len(),
        before,
        "no evidence recorded"
    );

    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n".to_vec();
    let res = app
        .submit_evidence(
            &learner,
            app.learner_id,
            &fields,
            Some(("../feedback \"final\".pdf", pdf.clone())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.files.count(), 1);
    let id = app.evidence_ids().await[0];
    let res = learner
        .get(app.url(&format!("/evidence/{id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"feedback__final_.pdf\""
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    let manager = app.signed_in("manager").await;
    let res = manager
        .get(app.url(&format!("/evidence/{id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the line manager may see it");
    let (_, colleague) = app.colleague().await;
    for path in [format!("/evidence/{id}/file"), format!("/evidence/{id}")] {
        let res = colleague.get(app.url(&path)).send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::NOT_FOUND,
            "{path}: a colleague may not"
        );
    }
    let other = app.other_organisation_admin().await;
    let res = other
        .get(app.url(&format!("/evidence/{id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "nor another organisation"
    );
}

#[tokio::test]
async fn nobody_decides_on_evidence_they_recorded_or_that_is_about_them() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager").await;
    let res = app
        .submit_evidence(
            &manager,
            app.learner_id,
            &[
                ("kind", "observation"),
                ("criteria", "communication"),
                ("title", "Observed handover"),
                (
                    "body",
                    "Clear, checked understanding, escalated a NEWS2 of 5.",
                ),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = app.evidence_ids().await[0];
    let (_, html) = app.page(&manager, &format!("/evidence/{id}")).await;
    assert!(
        html.contains("id=\"decide-blocked\""),
        "the observer is told to ask another assessor"
    );
    let csrf = app.csrf_of(&manager, "/inbox").await;
    let res = app
        .post(
            &manager,
            format!("/evidence/{id}/decision"),
            &[("csrf", csrf.as_str()), ("outcome", "accept")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let learner = app.signed_in("learner").await;
    let csrf = app.csrf_of(&learner, "/account/tokens").await;
    let res = app
        .post(
            &learner,
            format!("/evidence/{id}/decision"),
            &[("csrf", csrf.as_str()), ("outcome", "accept")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a learner cannot sign off"
    );
    let res = learner.get(app.url("/inbox")).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a learner has no inbox"
    );
    // Returning without feedback is refused; the L&D lead may decide.
    let admin = app.signed_in("admin").await;
    let csrf = app.csrf_of(&admin, "/inbox").await;
    let res = app
        .post(
            &admin,
            format!("/evidence/{id}/decision"),
            &[
                ("csrf", csrf.as_str()),
                ("outcome", "return"),
                ("feedback", " "),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Give feedback"));
    let res = app
        .post(
            &admin,
            format!("/evidence/{id}/decision"),
            &[("csrf", csrf.as_str()), ("outcome", "accept")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A mistaken sign-off is withdrawn with a reason, never edited.
    let res = app
        .post(
            &admin,
            format!("/people/{}/sign-offs/withdraw", app.learner_id),
            &[
                ("csrf", csrf.as_str()),
                ("criterion", "communication"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post(
            &admin,
            format!("/people/{}/sign-offs/withdraw", app.learner_id),
            &[
                ("csrf", csrf.as_str()),
                ("criterion", "communication"),
                ("reason", "observed on the wrong date"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app
        .page(&learner, &format!("/people/{}/pathway", app.learner_id))
        .await;
    assert!(
        html.contains("Stage 2: Role consolidation</h1>"),
        "back in stage 2"
    );
}
