//! Calendar files (RFC 5545) of learning sessions: one event per sitting,
//! with a UID that never changes, a SEQUENCE that counts the sitting's
//! changes (a move or a cancellation), and STATUS:CANCELLED once cancelled,
//! so a calendar that imported the file before updates its copy. Times are
//! floating local times, as rotas are written.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};
use pathwise_domain::rota::LocalTime;
use pathwise_storage::learning::Session;

fn naive(t: LocalTime) -> Option<NaiveDateTime> {
    let d = t.date();
    let m = t.minute_of_day();
    Some(NaiveDateTime::new(
        NaiveDate::from_ymd_opt(d.year, d.month, d.day)?,
        NaiveTime::from_hms_opt(m / 60, m % 60, 0)?,
    ))
}

/// The UID a sitting keeps in every calendar file.
pub fn uid(org_id: i64, session_id: i64) -> String {
    format!("session-{session_id}.org-{org_id}@pathwise")
}

/// A calendar named `name` holding `sessions`, stamped `now` (Unix seconds).
pub fn sessions_ics(name: &str, org_id: i64, sessions: &[&Session], now: i64) -> String {
    let stamp = DateTime::<Utc>::from_timestamp(now, 0).unwrap_or_default();
    let mut cal = Calendar::new();
    cal.name(name);
    for s in sessions {
        let (Some(start), Some(end)) = (naive(s.start), naive(s.sitting().end())) else {
            continue;
        };
        let mut event = icalendar::Event::new();
        event
            .uid(&uid(org_id, s.id))
            .timestamp(stamp)
            .sequence(u32::try_from(s.revision).unwrap_or(0))
            .summary(&s.title)
            .location(s.place())
            .starts(start)
            .ends(end)
            .status(if s.cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if !s.facilitator.is_empty() {
            event.description(&format!("Run by {}", s.facilitator));
        }
        cal.push(event.done());
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pathwise_domain::Date;

    fn session(id: i64, revision: i64, cancelled: bool) -> Session {
        Session {
            id,
            offer_id: 1,
            title: "Care Certificate workshop".into(),
            start: LocalTime::at("2026-05-05".parse::<Date>().unwrap(), 19 * 60 + 30),
            minutes: 90,
            site: None,
            capacity: 10,
            facilitator: "Sam Tutor".into(),
            booked: 0,
            waiting: 0,
            revision,
            cancelled,
        }
    }

    #[test]
    fn each_sitting_is_an_event_with_a_stable_uid_its_changes_and_status() {
        let (a, b) = (session(7, 0, false), session(8, 2, true));
        let text = sessions_ics("Your learning", 3, &[&a, &b], 1_778_000_000);
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(unfolded.contains("UID:session-7.org-3@pathwise\r\n"));
        assert!(unfolded.contains("DTSTART:20260505T193000\r\n"));
        assert!(unfolded.contains("DTEND:20260505T210000\r\n"));
        assert!(unfolded.contains("SEQUENCE:2\r\n"));
        assert!(unfolded.contains("STATUS:CANCELLED\r\n"));
        assert!(unfolded.contains("STATUS:CONFIRMED\r\n"));
        assert!(
            unfolded.contains("DTSTAMP:20260505T"),
            "stamped with the given time"
        );
        assert_eq!(unfolded.matches("BEGIN:VEVENT").count(), 2);
    }
}
