//! Notifications and the outbox on both databases: an event and its notice
//! (and email) are written together, preferences and the digest decide how
//! it goes, a reminder scan gives each reminder once however often it runs,
//! and the outbox is claimed by one worker at a time, retried with backoff
//! and given up after too many failures.

#[macro_use]
mod common;

use common::{date, drop_database, fresh, ward};
use pathwise_domain::AppRole;
use pathwise_domain::evidence::EvidenceKind;
use pathwise_domain::learning::OfferDraft;
use pathwise_domain::notify::{Channel, NotificationKind, retry_after_seconds};
use pathwise_domain::pathway::PathwayFile;
use pathwise_domain::rota::{LocalTime, Venue};
use pathwise_storage::accounts::{self, NewAccount};
use pathwise_storage::notifications::{self as notes, OutboxCounts, Preferences};
use pathwise_storage::pathways::{self, EvidenceDecision, NewEnrolment, NewEvidence};
use pathwise_storage::people::{self, NewPerson};
use pathwise_storage::{StorageError, Store, learning};

on_both!(
    an_event_and_its_notice_and_email_are_written_together,
    preferences_and_the_daily_digest_decide_how_a_notice_goes,
    a_reminder_scan_gives_each_reminder_once,
    the_outbox_is_claimed_once_retried_and_given_up,
);

const PATHWAYS: &str = include_str!("../../../catalogue/pathways.toml");

struct Trust {
    org: i64,
    boss: i64,
    team: Vec<i64>,
    /// Accounts: Mo (manager), Ada (learner), Ben (learner), Sue (assessor).
    mo: i64,
    ada: i64,
    sue: i64,
    enrolment: i64,
}

async fn account(store: &Store, org: i64, person: i64, email: &str, roles: &[AppRole]) -> i64 {
    accounts::create(
        store,
        &NewAccount {
            org_id: org,
            person_id: Some(person),
            email,
            display_name: email,
            password_hash: "x",
            roles,
        },
        1,
    )
    .await
    .unwrap()
}

/// The ward with accounts, an assessor at the site reporting to Mo, and Ada
/// enrolled on 5 January 2026 (reviews every 12 weeks).
async fn trust(store: &Store) -> Trust {
    let (org, boss, team) = ward(store).await;
    let site = people::sites(store, org)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.code == "ACU")
        .unwrap()
        .id;
    let sue_person = people::insert_people(
        store,
        org,
        &[NewPerson {
            site_id: site,
            name: "Sue Assessor".into(),
            role_code: "senior-hcsw".into(),
            role_started: date("2024-01-01"),
            manager_id: Some(boss),
            interests: vec![],
            assignment_number: None,
        }],
    )
    .await
    .unwrap()[0];
    let mo = account(store, org, boss, "mo@trust.example", &[AppRole::Manager]).await;
    let ada = account(
        store,
        org,
        team[0],
        "ada@trust.example",
        &[AppRole::Learner],
    )
    .await;
    account(
        store,
        org,
        team[1],
        "ben@trust.example",
        &[AppRole::Learner],
    )
    .await;
    let sue = account(
        store,
        org,
        sue_person,
        "sue@trust.example",
        &[AppRole::Assessor],
    )
    .await;
    let file = PathwayFile::parse(PATHWAYS).unwrap();
    let v1 = pathways::publish(store, org, &file.pathways[0], None, "first", 2)
        .await
        .unwrap();
    let enrolment = pathways::enrol(
        store,
        org,
        &[NewEnrolment {
            person_id: team[0],
            version_id: v1,
            variant: Some("care".into()),
            aim: None,
            enrolled_on: date("2026-01-05"),
        }],
        &[],
        None,
        3,
    )
    .await
    .unwrap()[0];
    Trust {
        org,
        boss,
        team,
        mo,
        ada,
        sue,
        enrolment,
    }
}

async fn evidence(store: &Store, t: &Trust, title: &str, added_on: &str) -> i64 {
    pathways::add_evidence(
        store,
        t.org,
        &NewEvidence {
            enrolment_id: t.enrolment,
            kind: EvidenceKind::Reflection,
            title: title.into(),
            body: "What I learned".into(),
            activity: String::new(),
            file: None,
            criteria: vec!["local-induction".into()],
            added_by_user: Some(t.ada),
            added_by_person: Some(t.team[0]),
            added_on: date(added_on),
        },
        10,
    )
    .await
    .unwrap()
}

fn returning(evidence_id: i64, by_user: i64, by_person: i64) -> EvidenceDecision {
    EvidenceDecision {
        evidence_id,
        accept: false,
        feedback: "Say what you would do differently".into(),
        by_user: Some(by_user),
        by_person: Some(by_person),
        on: date("2026-12-02"),
    }
}

async fn an_event_and_its_notice_and_email_are_written_together(store: Store) {
    let t = trust(&store).await;
    let e = evidence(&store, &t, "My first week", "2026-12-01").await;
    pathways::decide(&store, t.org, &returning(e, t.mo, t.boss), 100)
        .await
        .unwrap();
    let (list, total) = notes::notifications(&store, t.ada, 10, 0).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(
        list[0].title,
        "Your evidence 'My first week' was returned with feedback"
    );
    assert!(list[0].body.contains("Say what you would do differently"));
    assert_eq!(list[0].link, format!("/evidence/{e}"));
    assert_eq!(list[0].kind, Some(NotificationKind::EvidenceReturned));
    assert_eq!(notes::unread_count(&store, t.ada).await.unwrap(), 1);
    assert_eq!(notes::unread_count(&store, t.mo).await.unwrap(), 0);
    let mail = notes::claim_mail(&store, "w1", 100, 60, 10).await.unwrap();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to_address, "ada@trust.example");
    assert_eq!(mail[0].link, format!("/evidence/{e}"));

    // A second decision is refused, and with it no second notice is written.
    let again = pathways::decide(&store, t.org, &returning(e, t.sue, t.boss), 101).await;
    assert!(again.is_err());
    assert_eq!(notes::unread_count(&store, t.ada).await.unwrap(), 1);

    // Read: only by its own account.
    assert!(matches!(
        notes::mark_read(&store, t.mo, Some(list[0].id), 102).await,
        Err(StorageError::NotFound(_))
    ));
    notes::mark_read(&store, t.ada, Some(list[0].id), 102)
        .await
        .unwrap();
    assert_eq!(notes::unread_count(&store, t.ada).await.unwrap(), 0);

    // A withdrawn sign-off tells the learner too.
    let accepted = evidence(&store, &t, "Induction checklist", "2026-12-01").await;
    let accept = EvidenceDecision {
        accept: true,
        ..returning(accepted, t.mo, t.boss)
    };
    pathways::decide(&store, t.org, &accept, 103).await.unwrap();
    pathways::withdraw_sign_off(
        &store,
        t.org,
        &pathways::Withdrawal {
            enrolment_id: t.enrolment,
            criterion: "local-induction".into(),
            reason: "signed off on the wrong evidence".into(),
            by_user: Some(t.mo),
            by_person: Some(t.boss),
            on: date("2026-12-02"),
        },
        104,
    )
    .await
    .unwrap();
    let (list, _) = notes::notifications(&store, t.ada, 10, 0).await.unwrap();
    assert_eq!(
        list[0].title,
        "The sign-off of 'local-induction' was withdrawn"
    );
    assert!(list[0].body.contains("signed off on the wrong evidence"));
    assert_eq!(notes::unread_count(&store, t.ada).await.unwrap(), 1);
    notes::mark_read(&store, t.ada, None, 105).await.unwrap();
    assert_eq!(notes::unread_count(&store, t.ada).await.unwrap(), 0);
}

async fn preferences_and_the_daily_digest_decide_how_a_notice_goes(store: Store) {
    let t = trust(&store).await;
    let defaults = notes::preferences(&store, t.ada).await.unwrap();
    assert!(!defaults.daily_digest);
    assert!(defaults.channels.iter().all(|(_, c)| *c == Channel::Both));
    assert_eq!(defaults.channels.len(), NotificationKind::ALL.len());

    // In the app only: no email.
    let mut p = defaults.clone();
    p.channels[2] = (NotificationKind::EvidenceReturned, Channel::InApp);
    notes::set_preferences(&store, t.ada, &p).await.unwrap();
    assert_eq!(notes::preferences(&store, t.ada).await.unwrap(), p);
    let e1 = evidence(&store, &t, "One", "2026-12-01").await;
    pathways::decide(&store, t.org, &returning(e1, t.mo, t.boss), 100)
        .await
        .unwrap();
    assert_eq!(notes::unread_count(&store, t.ada).await.unwrap(), 1);
    assert_eq!(notes::outbox_counts(&store).await.unwrap().waiting, 0);

    // By email only, in a daily digest: nothing in the app, nothing until the digest.
    let p = Preferences {
        channels: vec![(NotificationKind::EvidenceReturned, Channel::Email)],
        daily_digest: true,
    };
    notes::set_preferences(&store, t.ada, &p).await.unwrap();
    for title in ["Two", "Three"] {
        let e = evidence(&store, &t, title, "2026-12-01").await;
        pathways::decide(&store, t.org, &returning(e, t.mo, t.boss), 101)
            .await
            .unwrap();
    }
    assert_eq!(notes::unread_count(&store, t.ada).await.unwrap(), 1);
    assert_eq!(notes::outbox_counts(&store).await.unwrap().waiting, 0);
    let today = date("2026-12-02");
    assert_eq!(notes::queue_digests(&store, today, 200).await.unwrap(), 1);
    assert_eq!(
        notes::queue_digests(&store, today, 201).await.unwrap(),
        0,
        "one digest a day, and nothing left for it"
    );
    let mail = notes::claim_mail(&store, "w1", 200, 60, 10).await.unwrap();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].subject, "Pathwise: 2 updates for you");
    assert!(mail[0].body.contains("'Two'") && mail[0].body.contains("'Three'"));
    assert_eq!(mail[0].link, "/notifications");
}

async fn a_reminder_scan_gives_each_reminder_once(store: Store) {
    let t = trust(&store).await;
    // Added on Wednesday 18 November: ten working days before Wednesday
    // 2 December, so past the first reminder (5) and escalated (10).
    let late = evidence(&store, &t, "Old news", "2026-11-18").await;
    // Added on Friday 27 November: three working days, no reminder yet.
    evidence(&store, &t, "Fresh", "2026-11-27").await;
    let offer = learning::create_offer(
        &store,
        t.org,
        &OfferDraft {
            title: "Moving and handling".into(),
            description: String::new(),
            supports: String::new(),
        },
        None,
        4,
    )
    .await
    .unwrap();
    learning::add_sessions(
        &store,
        t.org,
        offer,
        &pathwise_domain::learning::SessionPattern {
            starts: vec![LocalTime::at(date("2026-12-03"), 9 * 60 + 30)],
            minutes: 90,
            venue: Venue::Online,
            capacity: 5,
            facilitator: "Sam Tutor".into(),
        },
        None,
        5,
    )
    .await
    .unwrap();
    let session = learning::sessions_of_offer(&store, t.org, offer)
        .await
        .unwrap()[0]
        .id;
    learning::book(&store, t.org, session, t.team[1], vec![], None, None, 6)
        .await
        .unwrap();

    // Ada waits for the one place Ben has; when he gives it up she is told
    // in the same transaction.
    let one_place = learning::create_offer(
        &store,
        t.org,
        &OfferDraft {
            title: "Sepsis awareness".into(),
            description: String::new(),
            supports: String::new(),
        },
        None,
        7,
    )
    .await
    .unwrap();
    learning::add_sessions(
        &store,
        t.org,
        one_place,
        &pathwise_domain::learning::SessionPattern {
            starts: vec![LocalTime::at(date("2026-12-20"), 14 * 60)],
            minutes: 60,
            venue: Venue::Online,
            capacity: 1,
            facilitator: "Sam Tutor".into(),
        },
        None,
        8,
    )
    .await
    .unwrap();
    let small = learning::sessions_of_offer(&store, t.org, one_place)
        .await
        .unwrap()[0]
        .id;
    learning::book(&store, t.org, small, t.team[1], vec![], None, None, 9)
        .await
        .unwrap();
    learning::book(&store, t.org, small, t.team[0], vec![], None, None, 9)
        .await
        .unwrap();
    let bens_place = learning::bookings_of(&store, t.team[1])
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.session.id == small)
        .unwrap()
        .id;
    learning::cancel_booking(&store, t.org, bens_place, None, 10)
        .await
        .unwrap();
    let (ada, _) = notes::notifications(&store, t.ada, 10, 0).await.unwrap();
    assert_eq!(
        ada[0].title,
        "A place is yours: Sepsis awareness, 20 December 2026 at 14:00"
    );
    assert_eq!(ada[0].link, format!("/learning/sessions/{small}"));

    let today = date("2026-12-02");
    let first = notes::scan_reminders(&store, today, 1000).await.unwrap();
    // Evidence: Sue (site assessor) and Mo (Ada's manager) first; then Mo
    // again as Sue's manager (the escalation).
    assert_eq!(first.evidence, 3, "{first:?}");
    // Ada's review (due 30 March) is overdue: to Ada and to Mo.
    assert_eq!(first.reviews, 2, "{first:?}");
    assert_eq!(first.sessions, 1, "{first:?}");
    let again = notes::scan_reminders(&store, today, 1001).await.unwrap();
    assert_eq!(again.total(), 0, "a second scan gives nothing new");

    let (sue, _) = notes::notifications(&store, t.sue, 10, 0).await.unwrap();
    assert_eq!(sue.len(), 1);
    assert_eq!(
        sue[0].title,
        "Evidence from Ada Early is waiting for a decision"
    );
    assert_eq!(sue[0].link, format!("/evidence/{late}"));
    let (mo, _) = notes::notifications(&store, t.mo, 10, 0).await.unwrap();
    let titles: Vec<&str> = mo.iter().map(|n| n.title.as_str()).collect();
    assert!(
        titles.contains(&"Evidence from Ada Early has waited 10 working days"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Ada Early's progress review is overdue (due 30 March 2026)"),
        "{titles:?}"
    );
    let bens_account = accounts::by_email(&store, "ben@trust.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (ben, _) = notes::notifications(&store, bens_account, 10, 0)
        .await
        .unwrap();
    assert_eq!(ben[0].title, "Tomorrow: Moving and handling at 09:30");

    // Deciding the evidence stops further reminders about it; the next day's
    // scan adds nothing for it.
    pathways::decide(&store, t.org, &returning(late, t.sue, t.boss), 1002)
        .await
        .unwrap();
    let next_day = notes::scan_reminders(&store, date("2026-12-03"), 1003)
        .await
        .unwrap();
    assert_eq!(next_day.evidence, 0);
}

async fn the_outbox_is_claimed_once_retried_and_given_up(store: Store) {
    let t = trust(&store).await;
    for i in 0..20 {
        let e = evidence(&store, &t, &format!("Piece {i}"), "2026-12-01").await;
        pathways::decide(&store, t.org, &returning(e, t.mo, t.boss), 100)
            .await
            .unwrap();
    }
    assert_eq!(
        notes::outbox_counts(&store).await.unwrap(),
        OutboxCounts {
            waiting: 20,
            sent: 0,
            given_up: 0
        }
    );
    // Two workers claiming at once never share a message.
    let (a, b) = tokio::join!(
        notes::claim_mail(&store, "a", 200, 60, 12),
        notes::claim_mail(&store, "b", 200, 60, 12)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut ids: Vec<i64> = a.iter().chain(&b).map(|m| m.id).collect();
    ids.sort_unstable();
    let claimed = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), claimed, "no message claimed twice");
    assert_eq!(claimed, 20, "12 + 8 between them");
    // While the lease holds nobody else takes them.
    assert!(
        notes::claim_mail(&store, "c", 250, 60, 50)
            .await
            .unwrap()
            .is_empty()
    );
    for m in a.iter() {
        notes::mark_sent(&store, m.id, "a", 210).await.unwrap();
    }
    // Worker b fails: its messages wait a minute, then go again.
    for m in b.iter() {
        assert!(
            !notes::mark_failed(&store, m.id, "b", 210, "connection refused")
                .await
                .unwrap()
        );
    }
    assert!(
        notes::claim_mail(&store, "c", 269, 60, 50)
            .await
            .unwrap()
            .is_empty()
    );
    let retry = notes::claim_mail(&store, "c", 270, 60, 50).await.unwrap();
    assert_eq!(retry.len(), b.len());
    assert!(retry.iter().all(|m| m.attempts == 1));
    // A worker marking a message it no longer holds changes nothing.
    notes::mark_sent(&store, retry[0].id, "b", 271)
        .await
        .unwrap();
    assert_eq!(
        notes::outbox_counts(&store).await.unwrap().sent,
        a.len() as i64
    );
    // One keeps failing until it is given up.
    let stubborn = retry[0].id;
    let mut now = 300;
    let mut given_up = false;
    for m in &retry[1..] {
        notes::mark_sent(&store, m.id, "c", now).await.unwrap();
    }
    notes::mark_failed(&store, stubborn, "c", now, "mailbox unavailable")
        .await
        .unwrap();
    let mut failures = 2;
    while !given_up {
        now += retry_after_seconds(failures);
        let m = notes::claim_mail(&store, "c", now, 60, 50).await.unwrap();
        assert_eq!(m.len(), 1, "after {failures} failures");
        given_up = notes::mark_failed(&store, stubborn, "c", now, "mailbox unavailable")
            .await
            .unwrap();
        failures += 1;
    }
    assert_eq!(failures, pathwise_domain::notify::MAX_SEND_ATTEMPTS);
    assert_eq!(
        notes::outbox_counts(&store).await.unwrap(),
        OutboxCounts {
            waiting: 0,
            sent: 19,
            given_up: 1
        }
    );
    assert!(
        notes::claim_mail(&store, "c", now + 100_000, 60, 50)
            .await
            .unwrap()
            .is_empty()
    );
}
