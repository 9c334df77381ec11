//! Render tests of the learning pages: sessions that fit, a session, offers
//! and release time.

use super::*;

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
