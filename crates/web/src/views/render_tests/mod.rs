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
        family_code: "nursing".into(),
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

mod learning_pages;
mod pathway_pages;
mod rota_pages;
