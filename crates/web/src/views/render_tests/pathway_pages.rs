//! Render tests of the pathway pages: a learner's pathway, evidence, the
//! inbox, team progress, pathway templates and evidence completeness.

use super::*;

#[test]
fn the_pathway_page_without_an_enrolment_offers_enrolment_to_a_manager() {
    let today = day("2026-12-01");
    let html = render(&PathwayPage {
        layout: layout("Pathway for Lena Brightwater"),
        person_id: 5,
        name: "Lena Brightwater".into(),
        own: false,
        enrolled: None,
        enrol_choices: vec![choice("1", "Support worker pathway (version 1)", true)],
        aim_choices: vec![choice(
            "senior-hcsw",
            "Senior healthcare support worker",
            false,
        )],
        variant_choices: vec![choice("care", "care", false)],
        csrf: "csrf-token".into(),
        today,
        notice: None,
        errors: vec![FieldError::new(
            "enrolled_on",
            "The enrolment date cannot be in the future",
        )],
        typed: PathwayForms::fresh(today),
        end_reasons: Vec::new(),
        ended: Vec::new(),
        may_manage: true,
    });
    assert!(html.contains("Support worker pathway (version 1)"));
    assert!(html.contains("The enrolment date cannot be in the future"));
    assert!(html.contains("/people/5/enrol"));
    assert!(
        html.contains("<option value=\"senior-hcsw\">Senior healthcare support worker</option>"),
        "the role aimed at is picked by its title"
    );
}

#[test]
fn the_pathway_page_of_an_enrolled_learner_shows_stages_status_and_forms() {
    let today = day("2026-12-01");
    let enrolled = EnrolledView {
        enrolment_id: 7,
        pathway: "Support worker pathway (version 1)".into(),
        variant: Some("care".into()),
        aim: Some("Senior healthcare support worker".into()),
        enrolled_on: day("2026-01-05"),
        current_stage: "Stage 2: Role consolidation".into(),
        rag: "amber",
        rag_reasons: vec!["One criterion is late".into()],
        rag_rule: pathwise_domain::pathway::RAG_RULE,
        next_review: day("2026-12-10"),
        review_overdue: false,
        workload_open: true,
        next_steps: vec!["Communication: a handover".into()],
        stages: vec![
            StageView {
                number: 2,
                label: "Role consolidation",
                signed_off: 3,
                required: 4,
                state: "In progress",
                criteria: vec![CriterionRow {
                    key: "communication".into(),
                    title: "Communication".into(),
                    examples: "A handover".into(),
                    required: true,
                    due: Some(day("2026-06-01")),
                    overdue: true,
                    status: "Evidence waiting".into(),
                    tag: "blue",
                    signed: None,
                    is_signed_off: false,
                    standards: Vec::new(),
                }],
            },
            StageView {
                number: 4,
                label: "Formal progression",
                signed_off: 0,
                required: 0,
                state: "Not started yet",
                criteria: Vec::new(),
            },
        ],
        routes: vec![RouteView {
            role: "Senior healthcare support worker".into(),
            route: "Senior HCSW apprenticeship".into(),
            readiness: 67,
        }],
        evidence: vec![evidence()],
        reviews: vec![Review {
            held_on: day("2026-09-10"),
            progress: "Good progress".into(),
            actions: "Book the observation".into(),
            workload_pressure: false,
            rating: Some(4),
            by_name: Some("Marek Northcote".into()),
        }],
        may_add_evidence: false,
        may_assess: true,
        may_review: true,
        may_flag: true,
        signed_off: vec![choice("local-induction", "Local induction", false)],
    };
    let html = render(&PathwayPage {
        layout: layout("Pathway for Lena Brightwater"),
        person_id: 5,
        name: "Lena Brightwater".into(),
        own: false,
        enrolled: Some(enrolled),
        enrol_choices: Vec::new(),
        aim_choices: vec![choice(
            "senior-hcsw",
            "Senior healthcare support worker",
            false,
        )],
        variant_choices: Vec::new(),
        csrf: "csrf-token".into(),
        today,
        notice: Some("The review has been recorded.".into()),
        errors: Vec::new(),
        typed: PathwayForms::fresh(today),
        end_reasons: vec![choice("completed", "Completed", false)],
        ended: Vec::new(),
        may_manage: true,
    });
    assert!(html.contains("Stage 2: Role consolidation"));
    assert!(html.contains("Evidence waiting"));
    assert!(html.contains("One criterion is late"));
    assert!(
        html.contains(
            "Senior healthcare support worker: Senior HCSW apprenticeship (67% of requirements met)"
        ),
        "routes beside stage 4"
    );
    assert!(html.contains("Handover &#60;on nights&#62;"), "escaped");
    assert!(html.contains("The review has been recorded."));
    assert!(html.contains("/people/5/reviews"));
    assert!(html.contains("Book the observation"));
}

#[test]
fn the_evidence_form_offers_criteria_and_kinds_and_shows_errors() {
    let html = render(&EvidenceFormPage {
        layout: layout("Add evidence"),
        person_id: 5,
        name: "Lena Brightwater".into(),
        own: true,
        criteria: vec![choice("communication", "Stage 2: Communication", true)],
        kinds: vec![choice("reflection", "A written reflection", true)],
        title: "Handover".into(),
        body: String::new(),
        activity: String::new(),
        limit_mb: 10,
        errors: vec![FieldError::new("body", "Write your reflection")],
    });
    assert!(html.contains("Stage 2: Communication"));
    assert!(html.contains("Write your reflection"));
    assert!(html.contains("10 MB"), "the upload limit is stated");
}

#[test]
fn an_evidence_page_shows_the_decision_form_only_when_allowed() {
    let page = |may_decide, blocked: Option<&str>| EvidencePage {
        layout: layout("Evidence: Handover"),
        evidence: evidence(),
        criteria: vec!["Communication".into()],
        may_decide,
        decide_blocked: blocked.map(String::from),
        errors: Vec::new(),
        decided: None,
    };
    let html = render(&page(true, None));
    assert!(html.contains("/evidence/41/decision"));
    let html = render(&page(false, Some("Ask another assessor")));
    assert!(!html.contains("/evidence/41/decision"));
    assert!(html.contains("id=\"decide-blocked\""));
    assert!(html.contains("Ask another assessor"));
}

#[test]
fn after_a_decision_the_evidence_page_offers_the_next_item() {
    let mut page = EvidencePage {
        layout: layout("Evidence: Handover"),
        evidence: evidence(),
        criteria: vec!["Communication".into()],
        may_decide: false,
        decide_blocked: None,
        errors: Vec::new(),
        decided: Some(DecisionRecorded {
            summary: "Accepted on 1 December 2026 at 10:15".into(),
            next: Some((
                "/evidence/42".into(),
                "Moving and handling".into(),
                "Ben Birch".into(),
            )),
            waiting: 4,
        }),
    };
    let html = render(&page);
    assert!(html.contains("Accepted on 1 December 2026 at 10:15"));
    assert!(html.contains("href=\"/evidence/42\""));
    assert!(html.contains("Next item: Moving and handling from Ben Birch"));
    assert!(html.contains("4 still waiting"));
    page.decided.as_mut().unwrap().next = None;
    let html = render(&page);
    assert!(html.contains("Nothing else is waiting for your decision."));
    page.decided = None;
    assert!(!render(&page).contains("Decision recorded"));
}

#[test]
fn the_inbox_lists_waiting_evidence_with_its_filter() {
    let html = render(&InboxPage {
        layout: layout("Evidence to review"),
        items: vec![evidence()],
        total: 51,
        page: PageNumber::default(),
        prev_href: None,
        next_href: Some("/inbox?page=2".into()),
        learners: vec![
            choice("", "Everyone", true),
            choice("5", "Lena Brightwater (1)", false),
            choice("6", "Ben Birch (2)", false),
        ],
        learner: None,
        export_query: String::new(),
        scope_note: "You see evidence from the 3 people you line-manage, oldest first.".into(),
        team: vec![5],
    });
    assert!(html.contains("/evidence/41"));
    assert!(html.contains("Lena Brightwater (1)"));
    assert!(
        html.contains("the 3 people you line-manage"),
        "the scope is explained"
    );
    assert!(html.contains("/inbox?page=2"));
    let empty = render(&InboxPage {
        layout: layout("Evidence to review"),
        items: Vec::new(),
        total: 0,
        page: PageNumber::default(),
        prev_href: None,
        next_href: None,
        learners: vec![choice("", "Everyone", true)],
        learner: None,
        export_query: String::new(),
        scope_note: "You see evidence from the 3 people you line-manage, oldest first.".into(),
        team: vec![5],
    });
    assert!(!empty.contains("/evidence/41"));
    assert!(empty.contains("Nothing is waiting for your decision."));
    assert!(
        !empty.contains("id=\"learner\""),
        "no filter with nobody to filter by"
    );
}

#[test]
fn the_progress_page_summarises_and_lists_learners() {
    let html = render(&ProgressPage {
        layout: layout("Team progress"),
        heading: "Team progress".into(),
        rows: vec![progress_row()],
        by_stage: vec![("Stage 2: Role consolidation".into(), 1)],
        by_rag: vec![("amber", 1)],
        reviews_due: vec![progress_row()],
        export_stem: "/team/progress".into(),
        rag_rule: pathwise_domain::pathway::RAG_RULE,
        filter: String::new(),
        page: PageNumber::default(),
        prev_href: None,
        next_href: None,
        total: 1,
        admin: Some(EnrolmentAdmin {
            csrf: "csrf-token".into(),
            versions: vec![choice("2", "Support worker pathway version 2", false)],
            notice: None,
            move_enrolment: "7".into(),
            move_reason: String::new(),
        }),
        errors: vec![FieldError::new("move-reason", "Say why the learner moves")],
    });
    assert!(html.contains("Team progress"));
    assert!(html.contains("Lena Brightwater"));
    assert!(html.contains("/team/progress.csv"));
    assert!(html.contains("2026-12-10"));
    assert!(html.contains("Say why the learner moves"));
}

#[test]
fn the_pathways_admin_page_lists_versions_and_the_new_pathway_form() {
    let html = render(&PathwaysAdminPage {
        layout: layout("Pathways"),
        versions: vec![VersionInfo {
            id: 1,
            code: "support-worker".into(),
            name: "Support worker pathway".into(),
            version: 1,
            published_at: 1_764_000_000,
            published_by: None,
            change_note: "shipped".into(),
            criteria: 30,
            enrolled: 120,
        }],
        start_from: vec![choice("", "No criteria: add them one by one", true)],
        form: NewPathwayForm {
            review_every_weeks: "12".into(),
            ..NewPathwayForm::default()
        },
        errors: Vec::new(),
        csrf: "csrf-token".into(),
    });
    assert!(html.contains("Support worker pathway"));
    assert!(html.contains("/admin/pathways/support-worker"));
    assert!(html.contains("value=\"12\""));
}

#[test]
fn a_pathway_template_page_lists_criteria_and_the_change_forms() {
    let html = render(&PathwayTemplatePage {
        layout: layout("Support worker pathway"),
        code: "support-worker".into(),
        name: "Support worker pathway".into(),
        version: 3,
        review_every_weeks: 12,
        criteria: vec![TemplateCriterion {
            key: "communication".into(),
            title: "Communication".into(),
            stage: 2,
            applies: "Everyone".into(),
            applies_code: "core".into(),
            required: true,
            due_weeks: Some(20),
            examples: "A handover".into(),
        }],
        stages: vec![choice("consolidation", "Stage 2: Role consolidation", true)],
        sites: Vec::new(),
        csrf: "csrf-token".into(),
        errors: vec![FieldError::new("change_note", "Say what changed")],
        form: CriterionForm::default(),
        notice: Some("Version 3 published.".into()),
        settings: SettingsForm::default(),
    });
    assert!(html.contains("Communication"));
    assert!(html.contains("Version 3 published."));
    assert!(html.contains("Say what changed"));
    assert!(html.contains("/admin/pathways/support-worker/criteria"));
}

#[test]
fn evidence_completeness_shows_percentages_and_a_dash_when_nothing_is_required() {
    let row = |site: &str, percent| CompletenessRow {
        site: site.into(),
        role: "Healthcare support worker".into(),
        learners: 10,
        accepted: 45,
        required: 60,
        percent,
    };
    let html = render(&CompletenessPage {
        layout: layout("Evidence completeness"),
        rows: vec![row("Northgate General", Some(75.0)), row("Riverside", None)],
        total: row("All sites", Some(75.0)),
    });
    assert!(html.contains("75.0%"));
    assert!(html.contains("Riverside"));
    assert_eq!(percent(&None), "-");
}
