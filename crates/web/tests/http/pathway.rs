//! Pathways: reviews, flags, versions, enrolments and templates.

use crate::support::*;

#[tokio::test]
async fn reviews_and_workload_flags_reach_the_team_progress_page() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager").await;
    let page = format!("/people/{}/pathway", app.learner_id);
    let csrf = app.csrf_of(&manager, &page).await;
    let today = pathwise_web::today().to_string();
    let res = app
        .post(
            &manager,
            format!("/people/{}/reviews", app.learner_id),
            &[
                ("csrf", csrf.as_str()),
                ("held_on", today.as_str()),
                ("progress", ""),
                ("rating", "4"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "progress is needed"
    );
    let html = res.text().await.unwrap();
    assert!(
        html.contains("href=\"#progress\"") && html.contains("Say what progress was discussed"),
        "the error is in the summary, linked to its field: {html}"
    );
    assert!(
        html.contains("value=\"4\" checked"),
        "the rating chosen is kept"
    );
    let res = app
        .post(
            &manager,
            format!("/people/{}/reviews", app.learner_id),
            &[
                ("csrf", csrf.as_str()),
                ("held_on", today.as_str()),
                ("progress", "Stage 2 nearly done"),
                ("actions", "Observe a handover"),
                ("workload_pressure", "yes"),
                ("rating", "4"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&manager, &page).await;
    assert!(
        html.contains("Stage 2 nearly done") && html.contains("Flag open"),
        "review shown"
    );
    let (status, html) = app.page(&manager, "/team/progress").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("data-person=\"{}\"", app.learner_id)));
    assert!(html.contains("How the status is worked out"));
    let csv = manager
        .get(app.url("/team/progress.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("person_id,enrolment_id,name,site,role,pathway,stage"),
        "{csv}"
    );
    assert!(csv.contains("Lena Brightwater"));
    let xlsx = manager
        .get(app.url("/team/progress.xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"));

    let learner = app.signed_in("learner").await;
    let csrf = app.csrf_of(&learner, &page).await;
    let res = app
        .post(
            &learner,
            format!("/people/{}/reviews", app.learner_id),
            &[
                ("csrf", csrf.as_str()),
                ("held_on", today.as_str()),
                ("progress", "self-review"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a learner does not record reviews"
    );
    let res = app
        .post(
            &learner,
            format!("/people/{}/workload-flag", app.learner_id),
            &[("csrf", csrf.as_str()), ("note", "Nights all month")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "but may raise a flag");
    let res = learner.get(app.url("/team/progress")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (colleague_id, _) = app.colleague().await;
    let res = app
        .post(
            &learner,
            format!("/people/{colleague_id}/workload-flag"),
            &[("csrf", csrf.as_str()), ("note", "not mine")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "nor for someone else");
}

#[tokio::test]
async fn admins_publish_versions_enrol_from_csv_all_or_nothing_and_move_learners() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (status, html) = app.page(&admin, "/admin/pathways/support-worker").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = hidden(&html, "csrf");
    let res = app
        .post(
            &admin,
            "/admin/pathways/support-worker/criteria",
            &[
                ("csrf", csrf.as_str()),
                ("stage", "consolidation"),
                ("key", "Bad Key"),
                ("title", ""),
                ("applies_kind", "core"),
                ("change_note", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Enter a key of lower-case letters"), "{html}");
    let res = app
        .post(
            &admin,
            "/admin/pathways/support-worker/criteria",
            &[
                ("csrf", csrf.as_str()),
                ("stage", "consolidation"),
                ("key", "infection-control-audit"),
                ("title", "Hand hygiene audit"),
                ("applies_kind", "variant"),
                ("applies_value", "care"),
                ("required", "yes"),
                ("due_weeks", "20"),
                ("change_note", "audit added for care teams"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/pathways/support-worker?done=2");
    let (_, html) = app.page(&admin, "/admin/pathways").await;
    assert!(html.contains("audit added for care teams"));
    let versions = pathways::versions(&app.store, 1).await.unwrap();
    let v2 = versions.iter().find(|v| v.version == 2).unwrap().id;
    assert!(
        versions.iter().find(|v| v.version == 1).unwrap().enrolled > 0,
        "learners stay on version 1"
    );

    // Bulk enrolment: one bad row, nothing written.
    let unenrolled: Vec<i64> = {
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
                out.push(p.id);
            }
        }
        out
    };
    assert!(unenrolled.len() >= 2, "the demo leaves some unenrolled");
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
    let bad = format!(
        "person_id,pathway,variant,aim,enrolled_on\n{},support-worker,care,,2026-01-05\n{},support-worker,space,,2026-01-05\n",
        unenrolled[0], unenrolled[1]
    );
    let res = upload(bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("row 3, column variant: &#39;space&#39; is not a variant")
            || html.contains("row 3, column variant: 'space' is not a variant"),
        "{html}"
    );
    assert!(
        pathways::enrolment_of(&app.store, unenrolled[0])
            .await
            .unwrap()
            .is_none(),
        "nothing enrolled"
    );
    let good = format!(
        "person_id,pathway,variant,aim,enrolled_on\n{},support-worker,care,,2026-01-05\n{},support-worker,,senior-hcsw,\n",
        unenrolled[0], unenrolled[1]
    );
    let res = upload(good).await;
    assert_eq!(location(&res), "/admin/enrolments?done=2");
    let en = pathways::enrolment_of(&app.store, unenrolled[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(en.version_id, v2, "new enrolments use the newest version");

    // Move Lena to version 2, with a reason.
    let lena = pathways::enrolment_of(&app.store, app.learner_id)
        .await
        .unwrap()
        .unwrap();
    let lena_number = lena.id.to_string();
    let res = app
        .post(
            &admin,
            "/admin/enrolments/move",
            &[
                ("csrf", csrf.as_str()),
                ("enrolment", lena_number.as_str()),
                ("version_id", v2.to_string().as_str()),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is needed"
    );
    let html = res.text().await.unwrap();
    assert!(
        html.contains("href=\"#move-reason\"") && html.contains("nhsuk-error-message"),
        "the error is shown at the reason field: {html}"
    );
    assert!(
        html.contains(&format!("value=\"{lena_number}\"")),
        "the enrolment number typed is kept"
    );
    let res = app
        .post(
            &admin,
            "/admin/enrolments/move",
            &[
                ("csrf", csrf.as_str()),
                ("enrolment", "999999"),
                ("version_id", v2.to_string().as_str()),
                ("reason", "care teams adopt the audit"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("No current enrolment has the number 999999"),
        "an unknown enrolment number is named"
    );
    let res = app
        .post(
            &admin,
            "/admin/enrolments/move",
            &[
                ("csrf", csrf.as_str()),
                ("enrolment", lena_number.as_str()),
                ("version_id", v2.to_string().as_str()),
                ("reason", "care teams adopt the audit"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let moved = audit::list(
        &app.store,
        1,
        &audit::AuditFilter::action("enrolment.moved"),
        5,
        0,
    )
    .await
    .unwrap();
    assert!(moved[0].detail.contains("care teams adopt the audit"));
    let (_, html) = app
        .page(&admin, "/admin/audit?action=enrolment.moved")
        .await;
    assert!(
        html.contains("care teams adopt the audit"),
        "the admin can filter the trail"
    );

    let (status, html) = app.page(&admin, "/admin/completeness").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"completeness-total\""));
    let csv = admin
        .get(app.url("/admin/completeness.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with(
        "site,role,learners,criteria_accepted,criteria_required,completeness_percent"
    ));
    let (status, html) = app.page(&admin, "/admin/enrolments").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"progress-table\""));
}

#[tokio::test]
async fn analysts_managers_and_other_organisations_cannot_reach_what_is_not_theirs() {
    let app = spawn_app().await;
    let analyst = app.signed_in("analyst").await;
    let manager = app.signed_in("manager").await;
    let other = app.other_organisation_admin().await;
    let lena = format!("/people/{}/pathway", app.learner_id);
    for (who, c, path) in [
        ("analyst", &analyst, lena.as_str()),
        ("analyst", &analyst, "/admin/pathways"),
        ("analyst", &analyst, "/inbox"),
        ("manager", &manager, "/admin/enrolments"),
        ("manager", &manager, "/admin/completeness.csv"),
        ("other organisation", &other, lena.as_str()),
    ] {
        let res = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who} {path}");
    }
    // The other organisation's admin sees an empty pathways page of their own.
    let (status, html) = app.page(&other, "/admin/pathways").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Support worker progression pathway"));
    let denied = audit::list(
        &app.store,
        1,
        &audit::AuditFilter::action("access.denied"),
        50,
        0,
    )
    .await
    .unwrap();
    assert!(denied.len() >= 5, "refusals are audited");
}

#[tokio::test]
async fn a_manager_ends_an_enrolment_with_a_reason_and_can_reopen_it() {
    let app = spawn_app().await;
    let page = format!("/people/{}/pathway", app.learner_id);
    let end = format!("/people/{}/enrolment/end", app.learner_id);
    let today = pathwise_web::today().to_string();

    // The learner cannot end their own enrolment.
    let learner = app.signed_in("learner").await;
    let csrf = app.csrf_of(&learner, &page).await;
    let res = app
        .post(
            &learner,
            &end,
            &[
                ("csrf", csrf.as_str()),
                ("end_reason", "withdrawn"),
                ("ended_on", today.as_str()),
                ("end_note", "Changed my mind"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let manager = app.signed_in("manager").await;
    let csrf = app.csrf_of(&manager, &page).await;
    let (_, html) = app.page(&manager, &page).await;
    assert!(
        html.contains("id=\"end-form\""),
        "the manager sees the form"
    );
    // Lena still has criteria open, so she has not completed.
    let res = app
        .post(
            &manager,
            &end,
            &[
                ("csrf", csrf.as_str()),
                ("end_reason", "completed"),
                ("ended_on", today.as_str()),
                ("end_note", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("href=\"#end_reason\"")
            && html.contains("required criteria are not signed off yet"),
        "{html}"
    );
    assert!(
        html.contains("id=\"end-details\" open"),
        "the form is open at the error"
    );
    let res = app
        .post(
            &manager,
            &end,
            &[
                ("csrf", csrf.as_str()),
                ("end_reason", "left"),
                ("ended_on", today.as_str()),
                ("end_note", " "),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#end_note\""));
    assert!(
        pathways::enrolment_of(&app.store, app.learner_id)
            .await
            .unwrap()
            .is_some(),
        "nothing ended on a refusal"
    );
    let res = app
        .post(
            &manager,
            &end,
            &[
                ("csrf", csrf.as_str()),
                ("end_reason", "left"),
                ("ended_on", today.as_str()),
                ("end_note", "Moved to a trust nearer home"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        pathways::enrolment_of(&app.store, app.learner_id)
            .await
            .unwrap()
            .is_none()
    );
    let (_, html) = app.page(&manager, &page).await;
    assert!(html.contains("Not on a pathway yet"));
    assert!(
        html.contains("Left the organisation: Moved to a trust nearer home"),
        "{html}"
    );
    let ended = pathways::ended_enrolments(&app.store, app.learner_id)
        .await
        .unwrap();
    let audit_rows = audit::list(
        &app.store,
        1,
        &audit::AuditFilter::action("enrolment.ended"),
        5,
        0,
    )
    .await
    .unwrap();
    assert_eq!(audit_rows.len(), 1);

    // Another organisation's admin and a colleague cannot reopen it.
    let reopen = format!(
        "/people/{}/enrolments/{}/reopen",
        app.learner_id, ended[0].enrolment.id
    );
    let other = app.other_organisation_admin().await;
    let csrf_other = app.csrf_of(&other, "/admin/audit").await;
    let res = app
        .post(&other, &reopen, &[("csrf", csrf_other.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, colleague) = app.colleague().await;
    let csrf_colleague = app.csrf_of(&colleague, "/me").await;
    let res = app
        .post(&colleague, &reopen, &[("csrf", csrf_colleague.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The manager reopens it: the same enrolment, with its sign-offs.
    let res = app
        .post(&manager, &reopen, &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let back = pathways::enrolment_of(&app.store, app.learner_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.id, ended[0].enrolment.id);
    let (_, html) = app.page(&manager, &page).await;
    assert!(
        html.contains("Stage 2: Role consolidation"),
        "progress kept"
    );
    assert_eq!(
        audit::list(
            &app.store,
            1,
            &audit::AuditFilter::action("enrolment.reopened"),
            5,
            0
        )
        .await
        .unwrap()
        .len(),
        1
    );
}

#[tokio::test]
async fn an_ld_admin_starts_a_pathway_changes_a_criterion_and_the_review_interval() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let csrf = app.csrf_of(&admin, "/admin/pathways").await;
    let new = |code: &'static str, weeks: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("code", code.to_string()),
            ("name", "Theatre support pathway".to_string()),
            ("review_every_weeks", weeks.to_string()),
            ("from", "support-worker".to_string()),
        ]
    };
    // A code in use and an interval out of range are named at their fields.
    let res = app
        .post(&admin, "/admin/pathways", &new("support-worker", "60"))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("href=\"#code\"") && html.contains("exists; choose another code"));
    assert!(html.contains("href=\"#review_every_weeks\""));
    let res = app
        .post(&admin, "/admin/pathways", &new("theatre-support", "8"))
        .await;
    assert_eq!(location(&res), "/admin/pathways/theatre-support?done=1");
    let (_, base) = pathways::latest(&app.store, 1, "support-worker")
        .await
        .unwrap();
    let (_, copy) = pathways::latest(&app.store, 1, "theatre-support")
        .await
        .unwrap();
    assert_eq!((copy.version, copy.review_every_weeks), (1, 8));
    assert_eq!(
        copy.criteria, base.criteria,
        "a copy of the newest criteria"
    );

    // Change a criterion's title and due week: it keeps its place.
    let (status, html) = app
        .page(
            &admin,
            "/admin/pathways/theatre-support/criteria/edit?key=communication&applies=core",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Change the criterion 'communication'"));
    let position = copy
        .criteria
        .iter()
        .position(|c| c.key == "communication")
        .unwrap();
    let c = &copy.criteria[position];
    let form = |title: &str, note: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("replaces", "communication|core".to_string()),
            ("key", "communication".to_string()),
            ("title", title.to_string()),
            ("stage", c.stage.code().to_string()),
            ("applies_kind", "core".to_string()),
            ("applies_value", String::new()),
            ("required", "yes".to_string()),
            ("due_weeks", "20".to_string()),
            ("examples", c.examples.clone()),
            ("change_note", note.to_string()),
        ]
    };
    let res = app
        .post(
            &admin,
            "/admin/pathways/theatre-support/criteria",
            &form("Communicates in theatre teams", ""),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a note is needed"
    );
    let res = app
        .post(
            &admin,
            "/admin/pathways/theatre-support/criteria",
            &form("Communicates in theatre teams", "clearer wording"),
        )
        .await;
    assert_eq!(location(&res), "/admin/pathways/theatre-support?done=2");
    let (_, v2) = pathways::latest(&app.store, 1, "theatre-support")
        .await
        .unwrap();
    assert_eq!(v2.criteria.len(), copy.criteria.len());
    assert_eq!(v2.criteria[position].title, "Communicates in theatre teams");
    assert_eq!(v2.criteria[position].due_weeks, Some(20));

    // The review interval and name publish version 3.
    let settings = |weeks: &str, note: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", "Theatre support pathway".to_string()),
            ("review_every_weeks", weeks.to_string()),
            ("settings_note", note.to_string()),
        ]
    };
    let res = app
        .post(
            &admin,
            "/admin/pathways/theatre-support/settings",
            &settings("0", "more often"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("href=\"#review_every_weeks\"")
    );
    let res = app
        .post(
            &admin,
            "/admin/pathways/theatre-support/settings",
            &settings("6", "reviews every six weeks in theatres"),
        )
        .await;
    assert_eq!(location(&res), "/admin/pathways/theatre-support?done=3");
    let (_, v3) = pathways::latest(&app.store, 1, "theatre-support")
        .await
        .unwrap();
    assert_eq!((v3.version, v3.review_every_weeks), (3, 6));
    assert_eq!(v3.criteria, v2.criteria);

    // A manager can do none of this.
    let manager = app.signed_in("manager").await;
    let csrf_m = app.csrf_of(&manager, "/team").await;
    let res = app
        .post(
            &manager,
            "/admin/pathways/theatre-support/settings",
            &[
                ("csrf", csrf_m.as_str()),
                ("name", "Mine"),
                ("review_every_weeks", "4"),
                ("settings_note", "x"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_templates_criteria_download_for_l_and_d_only() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (_, html) = app.page(&admin, "/admin/pathways/support-worker").await;
    assert!(html.contains("/admin/pathways/support-worker/export/criteria.csv"));
    let criteria_on_page = html
        .matches("<tr class=\"nhsuk-table__row\" data-key=")
        .count();
    let (status, csv) = app
        .page(&admin, "/admin/pathways/support-worker/export/criteria.csv")
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "version,stage,criterion,required,applies_to,due_week,evidence_examples,key"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        criteria_on_page,
        "one row a criterion, as on the page"
    );
    assert!(rows.iter().any(|r| r.contains(",Everyone,")));
    let res = admin
        .get(app.url("/admin/pathways/support-worker/export/criteria.xlsx"))
        .send()
        .await
        .unwrap();
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    let (status, _) = app
        .page(&admin, "/admin/pathways/support-worker/export/criteria.pdf")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let manager = app.signed_in("manager").await;
    let (status, _) = app
        .page(
            &manager,
            "/admin/pathways/support-worker/export/criteria.csv",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
