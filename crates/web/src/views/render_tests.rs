//! Render tests: each page view rendered with a small context, so that a
//! template change that breaks a page fails here, before the browser tests.
//! Each asserts what the page is for: its heading, the values it was given
//! (escaped), its errors at their fields, and its empty state.

use super::pathway::*;
use super::*;
use crate::wire::{PersonDoc, RoleDoc};
use pathwise_domain::evidence::{EvidenceKind, EvidenceStatus};
use pathwise_storage::pathways::{Evidence, Review, VersionInfo};

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn layout(title: &str) -> Layout {
    Layout {
        title: title.into(),
        user_name: Some("Marek Northcote".into()),
        csrf: "csrf-token".into(),
        nav: vec![
            NavItem {
                href: "/team",
                label: "My team",
                current: true,
            },
            NavItem {
                href: "/inbox",
                label: "Evidence to review",
                current: false,
            },
        ],
        inbox: Some(3),
        unread: Some(2),
    }
}

fn role() -> RoleDoc {
    RoleDoc {
        code: "hcsw".into(),
        title: "Healthcare support worker".into(),
        band: "3".into(),
        staff_group: "Support to doctors, nurses & midwives".into(),
        career_level: 3,
        family: "Nursing".into(),
        clinical: true,
    }
}

fn choice(value: &str, label: &str, selected: bool) -> Choice {
    Choice {
        value: value.into(),
        label: label.into(),
        selected,
    }
}

fn evidence() -> Evidence {
    Evidence {
        id: 41,
        org_id: 1,
        enrolment_id: 7,
        person_id: 5,
        person_name: "Lena Brightwater".into(),
        kind: EvidenceKind::Reflection,
        title: "Handover <on nights>".into(),
        body: "What I learned".into(),
        activity: "Night shift, ward 7".into(),
        file: None,
        added_by_user: Some(50),
        added_by_person: Some(5),
        added_by_name: Some("Lena Brightwater".into()),
        added_on: day("2026-11-02"),
        criteria: vec!["communication".into()],
        status: EvidenceStatus::Waiting,
        decisions: Vec::new(),
    }
}

fn progress_row() -> ProgressRow {
    ProgressRow {
        person_id: 5,
        enrolment_id: 7,
        name: "Lena Brightwater".into(),
        site: "Northgate General".into(),
        role: "Healthcare support worker".into(),
        pathway: "Support worker pathway v1".into(),
        stage: 2,
        stage_label: "Role consolidation".into(),
        rag: "amber",
        reasons: "One criterion is late".into(),
        next_review: day("2026-12-10"),
        review_overdue: false,
        waiting: 1,
        signed_off: 9,
        required: 14,
    }
}

fn render(page: &impl Template) -> String {
    page.render().expect("the page renders")
}

#[test]
fn the_layout_shows_who_is_signed_in_and_the_inbox_count() {
    let html = render(&ErrorPage {
        layout: layout("Page not found"),
        heading: "Page not found".into(),
        message: "Check the address".into(),
    });
    assert!(
        html.contains("<title>Page not found - Pathwise</title>"),
        "{html}"
    );
    assert!(html.contains("Marek Northcote"));
    assert!(html.contains("id=\"inbox-count\""));
    assert!(html.contains("aria-current=\"page\""));
    assert!(html.contains("Check the address"));
}

#[test]
fn sign_in_shows_its_errors_at_their_fields_and_keeps_the_email() {
    let html = render(&SignInPage {
        layout: Layout::anonymous("Sign in"),
        form_csrf: "form-token".into(),
        email: "lena@example.org".into(),
        errors: vec![FieldError::new("password", "Enter your password")],
        providers: vec![],
    });
    assert!(html.contains("value=\"lena@example.org\""));
    assert!(html.contains("name=\"csrf\" value=\"form-token\""));
    assert!(html.contains("nhsuk-error-summary"));
    assert!(html.contains("href=\"#password\""));
    assert!(html.contains("Enter your password"));
}

#[test]
fn next_options_with_none_says_so_honestly() {
    let html = render(&NextOptionsPage {
        layout: layout("Your next steps"),
        doc: NextOptionsDoc {
            person: PersonDoc {
                id: 5,
                name: "Lena Brightwater".into(),
                role: role(),
                site: "Northgate General".into(),
                manager: Some("Marek Northcote".into()),
                months_in_role: 14,
            },
            options: Vec::new(),
        },
        own: true,
        links: Vec::new(),
    });
    assert!(html.contains("id=\"no-options\""));
    assert!(html.contains("no routes on from Healthcare support worker"));
    assert!(html.contains("ask Marek Northcote or the learning and development team"));
}

#[test]
fn the_team_page_lists_its_rows_with_sort_links_and_exports() {
    let html = render(&TeamPage {
        layout: layout("My team"),
        rows: vec![TeamRow {
            id: 5,
            name: "Lena <Brightwater>".into(),
            role: "Healthcare support worker".into(),
            band: "3".into(),
            top_option: Some("Senior healthcare support worker".into()),
            readiness: Some(67),
        }],
        columns: vec![SortLink {
            key: "name",
            label: "Name",
            href: "/team?sort=name&dir=desc".into(),
            aria_sort: "ascending",
        }],
        csv_href: "/team.csv?sort=name&dir=asc".into(),
        xlsx_href: "/team.xlsx?sort=name&dir=asc".into(),
    });
    assert!(html.contains("Lena &#60;Brightwater&#62;"), "escaped");
    assert!(!html.contains("Lena <Brightwater>"));
    assert!(html.contains("aria-sort=\"ascending\""));
    assert!(html.contains("/team.csv?sort=name"));
    assert!(html.contains("67"));
}

#[test]
fn the_catalogue_page_shows_roles_paging_and_the_admin_forms() {
    let page = CataloguePage {
        layout: layout("Career framework"),
        version: "2026.1".into(),
        rows: vec![CatalogueRow {
            role: role(),
            scope: "Core".into(),
            ways_on: 2,
        }],
        q: "support".into(),
        families: vec![choice("nursing", "Nursing", true)],
        page: 2,
        pages: 3,
        total: 60,
        prev_href: Some("/catalogue?page=1".into()),
        next_href: Some("/catalogue?page=3".into()),
        can_edit: true,
        sites: vec![choice("1", "Northgate General", false)],
        staff_groups: vec![choice("Midwives", "Midwives", false)],
        role_choices: vec![choice("hcsw", "Healthcare support worker (band 3)", false)],
        errors: vec![FieldError::new("code", "Enter a code")],
        form: [("code".to_string(), "bad code".to_string())].into(),
        notice: Some("The local role was added.".into()),
    };
    let html = render(&page);
    assert!(html.contains("2026.1"));
    assert!(html.contains("Healthcare support worker"));
    assert!(html.contains("/catalogue?page=3"));
    assert!(html.contains("Page 1") && html.contains("Page 3"));
    assert!(html.contains("Enter a code"));
    assert!(html.contains("The local role was added."));
}

#[test]
fn a_role_page_lists_its_ways_on() {
    let html = render(&RolePage {
        layout: layout("Healthcare support worker"),
        role: role(),
        ways_on: Vec::new(),
        can_edit: false,
        local: false,
        staff_groups: Vec::new(),
        families: Vec::new(),
        errors: Vec::new(),
        form: Default::default(),
        notice: None,
    });
    assert!(html.contains("Healthcare support worker"));
    assert!(!html.contains("nhsuk-error-summary"));
}

#[test]
fn the_tokens_page_shows_a_new_token_once_and_revoked_ones() {
    let html = render(&TokensPage {
        layout: layout("API tokens"),
        tokens: vec![TokenRow {
            id: 3,
            name: "my script".into(),
            prefix: "pw_abc1234".into(),
            created: "2026-11-30 09:00".into(),
            last_used: "Never".into(),
            revoked: false,
        }],
        new_token: Some("pw_secret".into()),
        errors: Vec::new(),
        notice: None,
    });
    assert!(html.contains("id=\"new-token\">pw_secret<"));
    assert!(html.contains("/account/tokens/3/revoke"));
    assert!(html.contains("my script"));
}

#[test]
fn the_audit_page_reads_in_words_and_keeps_codes_out_of_sight() {
    let page = |errors: Vec<FieldError>| AuditPage {
        layout: layout("Audit trail"),
        rows: vec![AuditRow {
            at: "30 November 2026 at 09:00".into(),
            who: "Marek Northcote".into(),
            who_href: Some("/admin/audit?who=3".into()),
            what: "Marek Northcote accepted evidence from Lena Brightwater: Handover".into(),
            person: Some(("Lena Brightwater".into(), "/admin/audit?person=5".into())),
            detail: "Signed off Communication".into(),
            at_utc: "2026-11-30 09:00".into(),
            action: "evidence.accepted".into(),
            subject: "evidence:41".into(),
        }],
        actions: vec![
            choice("", "All actions", true),
            choice("evidence.accepted", "Evidence accepted", false),
        ],
        actors: vec![
            choice("", "Anyone", true),
            choice("3", "Marek Northcote", false),
        ],
        person: Some("Lena Brightwater".into()),
        person_value: "5".into(),
        from: "1 November 2026".into(),
        to: "bad".into(),
        errors,
        query: "action=&who=&person=5&from=1%20November%202026&to=".into(),
        page: PageNumber::from(2),
        next_href: None,
        prev_href: Some("/admin/audit?action=&page=1".into()),
    };
    let html = render(&page(Vec::new()));
    assert!(html.contains("Marek Northcote accepted evidence from Lena Brightwater: Handover"));
    assert!(html.contains("30 November 2026 at 09:00"));
    assert!(html.contains("Showing events about <strong>Lena Brightwater</strong>"));
    assert!(html.contains("href=\"/admin/audit?person=5\""));
    assert!(
        html.contains(">Evidence accepted<"),
        "actions are named in words"
    );
    assert!(
        !html.contains(">evidence.accepted<"),
        "the code is not shown"
    );
    assert!(!html.contains("evidence:41"), "nor the subject's id");
    assert!(
        html.contains("/admin/audit.csv?action=&#38;who=&#38;person=5"),
        "exports keep the filter"
    );
    assert!(html.contains(">Newer<"), "a link to the newer page");
    assert!(!html.contains(">Older<"), "none to an older one");
    let html = render(&page(vec![FieldError::new("to", "Enter a real date")]));
    assert!(html.contains("aria-describedby=\"to-hint to-error\""));
    assert!(html.contains("href=\"#to\""));
}

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

fn week() -> rota::WeekLinks {
    rota::WeekLinks {
        heading: "Week beginning Monday 4 May 2026".into(),
        previous: "/rota?week=2026-04-27".into(),
        next: "/rota?week=2026-05-11".into(),
        current: "/rota?week=2026-05-04".into(),
    }
}

#[test]
fn a_week_of_rota_shows_each_day_its_shifts_and_an_empty_state() {
    use super::rota::*;
    let day = |weekday, shifts: Vec<RotaShift>| RotaDay {
        weekday,
        date: "4 May 2026".into(),
        today: weekday == "Monday",
        shifts,
    };
    let page = |days| {
        render(&RotaPage {
            layout: layout("Your rota"),
            heading: "Your rota".into(),
            week: week(),
            days,
            errors: vec![FieldError::new("week", "Enter the date as year-month-day")],
        })
    };
    let html = page(vec![
        day(
            "Monday",
            vec![RotaShift {
                label: "Night shift".into(),
                times: "19:00-07:30".into(),
                site: "Northgate <General>".into(),
            }],
        ),
        day("Tuesday", vec![]),
    ]);
    assert!(
        html.contains("<strong>Night shift</strong> 19:00-07:30, Northgate &#60;General&#62;")
            || html.contains("Northgate &lt;General&gt;"),
        "{html}"
    );
    assert!(html.contains("Monday 4 May 2026 (today)"));
    assert!(html.contains("Not rostered"));
    assert!(html.contains("href=\"/rota?week=2026-05-11\""));
    assert!(
        html.contains("href=\"#week\""),
        "the error links to its field"
    );
    assert!(!html.contains("No shifts are rostered this week"));
    assert!(page(vec![day("Monday", vec![])]).contains("No shifts are rostered this week"));
}

#[test]
fn the_team_rota_shows_a_row_per_person_and_an_empty_state() {
    use super::rota::*;
    let page = |rows| {
        render(&TeamRotaPage {
            layout: layout("Team rota"),
            week: week(),
            columns: vec!["Mon 4 May 2026".into(), "Tue 5 May 2026".into()],
            rows,
            errors: vec![],
        })
    };
    let html = page(vec![TeamRotaRow {
        id: 12,
        name: "Ada Early".into(),
        days: vec![vec!["Early 07:00-15:00".into()], vec![]],
    }]);
    assert!(html.contains("href=\"/people/12/rota\""));
    assert!(html.contains("Early 07:00-15:00"));
    assert!(html.contains(">Off<"));
    assert!(html.contains("Tue 5 May 2026"));
    assert!(page(vec![]).contains("Nobody is recorded as reporting to you yet"));
}

#[test]
fn the_roster_import_explains_the_file_and_shows_its_problems() {
    use super::rota::*;
    let html = render(&RostersPage {
        layout: layout("Rosters"),
        csrf: "csrf-token".into(),
        done: Some("Imported 3 shifts for 1 person.".into()),
        sites: vec![("NGH".into(), "Northgate General Hospital".into())],
        errors: vec![FieldError::new(
            "file",
            "row 2, column site: 'X' is not one of the organisation's site codes",
        )],
    });
    assert!(html.contains("NGH (Northgate General Hospital)"));
    assert!(html.contains("Imported 3 shifts for 1 person."));
    assert!(html.contains("nhsuk-form-group--error"));
    assert!(html.contains("replaced by the file"));
    assert!(html.contains("value=\"csrf-token\""));
}

fn sitting(id: i64, reasons: &[&str], mine: Option<&str>) -> learning::SessionLine {
    learning::SessionLine {
        id,
        title: "Care Certificate workshop".into(),
        when: "Tuesday 5 May 2026, 10:00 to 11:30".into(),
        place: "Online".into(),
        facilitator: "Sam Tutor".into(),
        places: "3 of 12 places left".into(),
        full: false,
        reasons: reasons.iter().map(|r| r.to_string()).collect(),
        mine: mine.map(str::to_string),
        booking_id: mine.map(|_| 40 + id),
        cancelled: false,
    }
}

#[test]
fn the_learning_page_puts_fitting_sessions_first_with_reasons_for_the_rest() {
    use super::learning::*;
    let page = LearningPage {
        layout: layout("Learning sessions"),
        csrf: "csrf-token".into(),
        done: Some("Booked a place for you.".into()),
        q: String::new(),
        sessions: vec![
            sitting(1, &[], None),
            sitting(2, &["overlaps your long day 07:00-19:30"], None),
        ],
        bookings: vec![sitting(3, &[], Some("On the waitlist, 2nd"))],
        release: Some("3 hours a week from 4 May 2026".into()),
        release_used: Some("You have 1 hour 30 minutes booked this week.".into()),
        is_admin: false,
        is_manager: true,
        errors: vec![],
    };
    assert_eq!(page.fitting(), 1);
    let html = render(&page);
    assert!(html.contains("2 sessions; 1 fit your rota"));
    assert!(html.contains("<li>It overlaps your long day 07:00-19:30</li>"));
    assert!(html.contains("action=\"/learning/sessions/1/book\""));
    assert!(
        !html.contains("action=\"/learning/sessions/2/book\""),
        "no button for a misfit"
    );
    assert!(html.contains("action=\"/learning/bookings/43/cancel\""));
    assert!(html.contains("On the waitlist, 2nd"));
    assert!(html.contains("Agreed with your manager: 3 hours a week"));
    assert!(html.contains("href=\"/team/release\""));
    assert!(!html.contains("/learning/offers"), "not L&D");
    let empty = render(&LearningPage {
        sessions: vec![],
        bookings: vec![],
        release: None,
        q: "zzz".into(),
        ..page
    });
    assert!(empty.contains("No session in the next 8 weeks matches"));
    assert!(empty.contains("No release agreement is recorded"));
    assert!(empty.contains("You have no sessions booked"));
}

#[test]
fn a_session_page_shows_the_team_the_register_and_a_confirmed_cancel() {
    use super::learning::*;
    let html = render(&SessionPage {
        layout: layout("Care Certificate workshop"),
        csrf: "csrf-token".into(),
        done: None,
        session: sitting(5, &["is on a day of your leave"], None),
        offer_id: 9,
        own: true,
        description: "Bring your workbook.".into(),
        supports: "Standards 1 to 4".into(),
        team: vec![TeamFit {
            person_id: 12,
            name: "Ada Early".into(),
            reasons: vec![],
            status: Some("Booked".into()),
            booking_id: Some(77),
        }],
        register: vec![RegisterLine {
            booking_id: 77,
            name: "Ada Early".into(),
            status: "Booked".into(),
            booked: true,
            mark: "attended".into(),
            note: Some("Swapped shifts".into()),
        }],
        is_admin: true,
        marks: vec![("attended", "Attended"), ("absent", "Absent")],
        errors: vec![FieldError::new("note", "Add a note")],
    });
    assert!(html.contains("It is on a day of your leave"));
    assert!(html.contains("data-person=\"12\""));
    assert!(html.contains("id=\"book-for\""));
    assert!(html.contains("name=\"mark_77\""));
    assert!(html.contains("<option value=\"attended\" selected>"));
    assert!(html.contains("booked despite the rota: Swapped shifts"));
    assert!(html.contains("cannot be undone"));
    assert!(html.contains("href=\"/learning/offers/9\""));
    assert!(html.contains("nhsuk-form-group--error"));
}

#[test]
fn the_offer_pages_list_offers_and_repeat_sessions_with_their_errors() {
    use super::learning::*;
    let offer = OfferLine {
        id: 9,
        title: "Stage 3 supervision".into(),
        supports: "Senior support worker route".into(),
        upcoming: 4,
    };
    let html = render(&OffersPage {
        layout: layout("Learning offers"),
        csrf: "csrf-token".into(),
        done: None,
        offers: vec![offer.clone()],
        form: [("title".to_string(), "Half typed".to_string())].into(),
        errors: vec![FieldError::new("supports", "Keep this short")],
    });
    assert!(html.contains("href=\"/learning/offers/9\""));
    assert!(html.contains("value=\"Half typed\""));
    assert!(html.contains("href=\"#supports\""));
    let html = render(&OfferPage {
        layout: layout("Stage 3 supervision"),
        csrf: "csrf-token".into(),
        done: Some("Added 8 sessions.".into()),
        offer,
        description: String::new(),
        sessions: vec![sitting(1, &[], None)],
        sites: vec![("NGH".into(), "Northgate General".into())],
        weekdays: vec![("day0".into(), "Monday"), ("day1".into(), "Tuesday")],
        form: [
            ("day1".to_string(), "yes".to_string()),
            ("venue".to_string(), "NGH".to_string()),
        ]
        .into(),
        errors: vec![FieldError::new("starts", "'9.30' is not a time like 09:30")],
    });
    assert!(html.contains("Added 8 sessions."));
    assert!(html.contains("id=\"day1\" name=\"day1\" type=\"checkbox\" value=\"yes\" checked"));
    assert!(html.contains("<option value=\"NGH\" selected>Northgate General</option>"));
    assert!(html.contains("href=\"#starts\""));
}

#[test]
fn the_release_page_shows_agreed_booked_and_attended_and_its_form() {
    use super::learning::*;
    let html = render(&TeamReleasePage {
        layout: layout("Release time"),
        csrf: "csrf-token".into(),
        done: None,
        rows: vec![ReleaseRow {
            person_id: 12,
            name: "Ada Early".into(),
            agreement: Some("3 hours a week from 4 May 2026".into()),
            period: "Week beginning 4 May 2026".into(),
            agreed: "3 hours".into(),
            booked: "4 hours".into(),
            attended: "1 hour".into(),
            over: true,
        }],
        form: std::collections::HashMap::new(),
        errors: vec![],
    });
    assert!(html.contains("3 hours a week from 4 May 2026"));
    assert!(html.contains(">Over</strong>"));
    assert!(html.contains("id=\"release-form\""));
    let empty = render(&TeamReleasePage {
        layout: layout("Release time"),
        csrf: String::new(),
        done: None,
        rows: vec![],
        form: std::collections::HashMap::new(),
        errors: vec![],
    });
    assert!(empty.contains("Nobody is recorded as reporting to you"));
    assert!(!empty.contains("id=\"release-form\""));
}
