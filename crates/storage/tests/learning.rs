//! Learning offers, sittings, bookings and release on both databases: one
//! pattern makes every sitting, a full sitting waitlists, a cancellation
//! moves the first on the waitlist up, a refusal writes nothing, two people
//! asking for the last place at once cannot both get it, and the register
//! and release agreements are kept.

#[macro_use]
mod common;

use common::{date, drop_database, fresh, ward};
use pathwise_domain::learning::{
    Attendance, Booking, OfferDraft, ReleaseAgreement, ReleasePeriod, SessionPattern,
};
use pathwise_domain::rota::{FitSettings, LocalTime, Misfit, Venue};
use pathwise_storage::learning::{self, Status};
use pathwise_storage::{Conflicting, StorageError, Store, audit};

on_both!(
    one_pattern_adds_every_sitting_of_an_offer,
    a_full_sitting_waitlists_and_a_cancellation_moves_the_next_up,
    a_refused_booking_writes_nothing_and_an_override_is_audited,
    two_people_asking_for_the_last_place_cannot_both_get_it,
    the_register_and_release_agreements_are_kept,
);

fn pattern(venue: Venue, capacity: u32, days: &[&str]) -> SessionPattern {
    SessionPattern {
        starts: days
            .iter()
            .map(|d| LocalTime::at(date(d), 10 * 60))
            .collect(),
        minutes: 90,
        venue,
        capacity,
        facilitator: "Sam Tutor".into(),
    }
}

async fn offer_with(store: &Store, org: i64, capacity: u32) -> (i64, i64) {
    let draft = OfferDraft {
        title: "Care Certificate workshop".into(),
        description: "Standards 1 to 4".into(),
        supports: "Care Certificate".into(),
    };
    let offer = learning::create_offer(store, org, &draft, None, 10)
        .await
        .unwrap();
    learning::add_sessions(
        store,
        org,
        offer,
        &pattern(Venue::Site("ACU".into()), capacity, &["2026-05-05"]),
        None,
        11,
    )
    .await
    .unwrap();
    let sessions = learning::sessions_of_offer(store, org, offer)
        .await
        .unwrap();
    (offer, sessions[0].id)
}

async fn one_pattern_adds_every_sitting_of_an_offer(store: Store) {
    let (org, _, _) = ward(&store).await;
    let (offer, _) = offer_with(&store, org, 10).await;
    let n = learning::add_sessions(
        &store,
        org,
        offer,
        &pattern(Venue::Online, 20, &["2026-05-12", "2026-05-07"]),
        None,
        12,
    )
    .await
    .unwrap();
    assert_eq!(n, 2);
    let sessions = learning::sessions_of_offer(&store, org, offer)
        .await
        .unwrap();
    let shown: Vec<(String, &str, u32)> = sessions
        .iter()
        .map(|s| (s.start.date().to_string(), s.place(), s.capacity))
        .collect();
    assert_eq!(
        shown,
        [
            ("2026-05-05".to_string(), "Acute", 10),
            ("2026-05-07".to_string(), "Online", 20),
            ("2026-05-12".to_string(), "Online", 20)
        ]
    );
    assert_eq!(sessions[0].sitting().venue, Venue::Site("ACU".into()));
    assert_eq!(sessions[1].sitting().venue, Venue::Online);

    // A site the organisation does not have adds nothing.
    let e = learning::add_sessions(
        &store,
        org,
        offer,
        &pattern(Venue::Site("ZZZ".into()), 5, &["2026-05-20", "2026-05-21"]),
        None,
        13,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("'ZZZ'"), "{e}");
    assert_eq!(
        learning::sessions_of_offer(&store, org, offer)
            .await
            .unwrap()
            .len(),
        3
    );

    let from_may_6 = LocalTime::at(date("2026-05-06"), 0);
    let offers = learning::offers(&store, org, from_may_6).await.unwrap();
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].upcoming, 2, "the sitting on the 5th has passed");
    let upcoming = learning::upcoming(
        &store,
        org,
        from_may_6,
        LocalTime::at(date("2026-05-10"), 0),
    )
    .await
    .unwrap();
    assert_eq!(upcoming.len(), 1);
    assert_eq!(upcoming[0].title, "Care Certificate workshop");

    // Another organisation sees none of it.
    let other = pathwise_storage::people::create_organisation(&store, "R9", "Elsewhere")
        .await
        .unwrap();
    assert!(matches!(
        learning::offer(&store, other, offer, from_may_6).await,
        Err(StorageError::NotFound(_))
    ));
    assert!(matches!(
        learning::session(&store, other, upcoming[0].id).await,
        Err(StorageError::NotFound(_))
    ));
}

async fn a_full_sitting_waitlists_and_a_cancellation_moves_the_next_up(store: Store) {
    let (org, boss, team) = ward(&store).await;
    let (_, session) = offer_with(&store, org, 1).await;
    let book = |person| learning::book(&store, org, session, person, vec![], None, None, 20);
    assert_eq!(book(team[0]).await.unwrap(), Booking::Booked);
    assert_eq!(book(team[1]).await.unwrap(), Booking::Waitlisted(1));
    assert_eq!(book(boss).await.unwrap(), Booking::Waitlisted(2));
    match book(team[0]).await {
        Err(StorageError::Conflict {
            what: Conflicting::Booking,
            ..
        }) => {}
        other => panic!("a second booking: {other:?}"),
    }
    let s = learning::session(&store, org, session).await.unwrap();
    assert_eq!((s.booked, s.waiting), (1, 2));
    let on = learning::bookings_on(&store, session).await.unwrap();
    let queue: Vec<(i64, Status, Option<u32>)> = on
        .iter()
        .map(|b| (b.person_id, b.status, b.position))
        .collect();
    assert_eq!(
        queue,
        [
            (team[0], Status::Booked, None),
            (team[1], Status::Waiting, Some(1)),
            (boss, Status::Waiting, Some(2)),
        ]
    );

    let cancelled = learning::cancel_booking(&store, org, on[0].id, None, 30)
        .await
        .unwrap();
    assert_eq!(cancelled.moved_up, Some(team[1]));
    let ben = learning::bookings_of(&store, team[1]).await.unwrap();
    assert_eq!(ben.len(), 1);
    assert_eq!(
        (ben[0].status, ben[0].moved_up_at),
        (Status::Booked, Some(30))
    );
    let boss_booking = learning::bookings_of(&store, boss).await.unwrap();
    assert_eq!(boss_booking[0].position, Some(1), "now next in line");
    assert!(
        learning::bookings_of(&store, team[0])
            .await
            .unwrap()
            .is_empty()
    );

    // Leaving the waitlist frees no place: nobody moves up.
    let left = learning::cancel_booking(&store, org, boss_booking[0].id, None, 31)
        .await
        .unwrap();
    assert_eq!(left.moved_up, None);
    // Cancelled bookings cannot be cancelled again, and may be booked anew.
    assert!(matches!(
        learning::cancel_booking(&store, org, on[0].id, None, 32).await,
        Err(StorageError::NotFound(_))
    ));
    assert_eq!(book(team[0]).await.unwrap(), Booking::Waitlisted(1));
    let events = audit::list(&store, org, &audit::AuditFilter::default(), 50, 0)
        .await
        .unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"booking.cancelled"), "{actions:?}");
    assert!(
        events
            .iter()
            .any(|e| e.detail.contains("moved up from the waiting list"))
    );
}

async fn a_refused_booking_writes_nothing_and_an_override_is_audited(store: Store) {
    let (org, boss, team) = ward(&store).await;
    let (_, session) = offer_with(&store, org, 5).await;
    let misfit = || {
        vec![Misfit::Overlaps {
            shift: "long day 07:00-19:30".into(),
            travel: None,
        }]
    };
    let refused = learning::book(&store, org, session, team[0], misfit(), None, None, 20)
        .await
        .unwrap();
    assert_eq!(refused, Booking::Refused(misfit()));
    let blank_note = learning::book(
        &store,
        org,
        session,
        team[0],
        misfit(),
        Some("  "),
        None,
        20,
    )
    .await
    .unwrap();
    assert!(
        matches!(blank_note, Booking::Refused(_)),
        "a note is needed"
    );
    assert!(
        learning::bookings_on(&store, session)
            .await
            .unwrap()
            .is_empty()
    );

    let booked = learning::book(
        &store,
        org,
        session,
        team[0],
        misfit(),
        Some("Swapped her long day with Ben"),
        None,
        21,
    )
    .await
    .unwrap();
    assert_eq!(booked, Booking::Booked);
    let on = learning::bookings_on(&store, session).await.unwrap();
    assert_eq!(
        on[0].override_note.as_deref(),
        Some("Swapped her long day with Ben")
    );
    assert_eq!(on[0].manager_id, Some(boss));
    let events = audit::list(&store, org, &audit::AuditFilter::default(), 10, 0)
        .await
        .unwrap();
    let overridden = events
        .iter()
        .find(|e| e.action == "booking.overridden")
        .expect("the override is audited");
    assert!(
        overridden
            .detail
            .contains("overlaps your long day 07:00-19:30")
    );
    assert!(overridden.detail.contains("Swapped her long day"));

    // A person of another organisation cannot be booked.
    let other = pathwise_storage::people::create_organisation(&store, "R9", "Elsewhere")
        .await
        .unwrap();
    assert!(matches!(
        learning::book(&store, other, session, team[1], vec![], None, None, 22).await,
        Err(StorageError::NotFound(_))
    ));
}

async fn two_people_asking_for_the_last_place_cannot_both_get_it(store: Store) {
    let (org, boss, team) = ward(&store).await;
    let (_, session) = offer_with(&store, org, 2).await;
    learning::book(&store, org, session, boss, vec![], None, None, 20)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        learning::book(&store, org, session, team[0], vec![], None, None, 21),
        learning::book(&store, org, session, team[1], vec![], None, None, 21),
    );
    let mut outcomes = vec![a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|o| format!("{o:?}"));
    assert_eq!(outcomes, [Booking::Booked, Booking::Waitlisted(1)]);
    let s = learning::session(&store, org, session).await.unwrap();
    assert_eq!((s.booked, s.waiting), (2, 1));
}

async fn the_register_and_release_agreements_are_kept(store: Store) {
    let (org, _, team) = ward(&store).await;
    let (_, session) = offer_with(&store, org, 5).await;
    for p in &team {
        learning::book(&store, org, session, *p, vec![], None, None, 20)
            .await
            .unwrap();
    }
    let on = learning::bookings_on(&store, session).await.unwrap();
    learning::record_attendance(
        &store,
        org,
        session,
        &[
            (on[0].id, Attendance::Attended),
            (on[1].id, Attendance::Absent),
        ],
        None,
        40,
    )
    .await
    .unwrap();
    let week = (
        LocalTime::at(date("2026-05-04"), 0),
        LocalTime::at(date("2026-05-11"), 0),
    );
    let used = learning::minutes_used(&store, &team, week.0, week.1)
        .await
        .unwrap();
    assert_eq!(used[&on[0].person_id], (90, 90));
    assert_eq!(used[&on[1].person_id], (90, 0));
    let next_week = learning::minutes_used(&store, &team, week.1, week.1.plus_minutes(7 * 1440))
        .await
        .unwrap();
    assert!(next_week.is_empty());
    // A mark for a booking on another sitting writes nothing.
    assert!(
        learning::record_attendance(
            &store,
            org,
            session + 1,
            &[(on[0].id, Attendance::Absent)],
            None,
            41
        )
        .await
        .is_err()
    );
    let on = learning::bookings_on(&store, session).await.unwrap();
    assert_eq!(on[0].attendance, Some(Attendance::Attended));

    let agreement = ReleaseAgreement {
        minutes: 180,
        per: ReleasePeriod::Week,
        from: date("2026-05-04"),
        until: Some(date("2026-06-30")),
    };
    learning::record_release(&store, org, team[0], &agreement, None, 50)
        .await
        .unwrap();
    let monthly = ReleaseAgreement {
        per: ReleasePeriod::Month,
        until: None,
        ..agreement.clone()
    };
    learning::record_release(&store, org, team[0], &monthly, None, 51)
        .await
        .unwrap();
    let releases = learning::releases_of(&store, &team).await.unwrap();
    assert_eq!(releases[&team[0]], [agreement, monthly]);
    assert!(!releases.contains_key(&team[1]));

    // Moving a sitting keeps its bookings and counts the change.
    let later = LocalTime::at(date("2026-05-06"), 19 * 60);
    learning::move_session(&store, org, session, later, 60, None, 55)
        .await
        .unwrap();
    let s = learning::session(&store, org, session).await.unwrap();
    assert_eq!((s.start, s.minutes, s.revision), (later, 60, 1));
    assert_eq!(
        learning::bookings_on(&store, session).await.unwrap().len(),
        2
    );

    // Cancelling a sitting keeps its bookings and bumps its revision.
    learning::cancel_session(&store, org, session, None, 60)
        .await
        .unwrap();
    let s = learning::session(&store, org, session).await.unwrap();
    assert!(s.cancelled);
    assert_eq!(s.revision, 2);
    assert!(
        learning::move_session(&store, org, session, later, 60, None, 61)
            .await
            .is_err(),
        "a cancelled sitting stays where it was"
    );
    let gone = learning::minutes_used(&store, &team, week.0, week.1)
        .await
        .unwrap();
    assert!(gone.is_empty(), "a cancelled sitting uses no release");

    assert_eq!(
        learning::fit_settings(&store, org).await.unwrap(),
        FitSettings::default()
    );
    let strict = FitSettings {
        travel_minutes: 45,
        rest_after_night_hours: 12,
    };
    learning::set_fit_settings(&store, org, strict, None, 70)
        .await
        .unwrap();
    assert_eq!(learning::fit_settings(&store, org).await.unwrap(), strict);
}
