//! Reminders and notifications: what kinds there are, how each person wants
//! to hear of them, when a reminder falls due, and how long a message that
//! could not be sent waits before the next try.

use crate::Date;
use crate::input::FieldError;

/// What a notification is about. Each person chooses, per kind, how to hear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationKind {
    /// Evidence waiting for a decision for more than the organisation's
    /// working days (to those who can decide it, then their managers).
    EvidenceWaiting,
    /// A progress review due within a week, or overdue (manager and learner).
    ReviewDue,
    /// Evidence returned with feedback (learner).
    EvidenceReturned,
    /// A sign-off withdrawn (learner).
    SignOffWithdrawn,
    /// A place offered from the waitlist (learner).
    PlaceOffered,
    /// A booked learning session tomorrow (learner).
    SessionTomorrow,
    /// Levy funds forecast to expire unused within three months (L&D and finance).
    FundsExpiring,
}

impl NotificationKind {
    /// Every kind, in the order the settings page lists them.
    pub const ALL: [NotificationKind; 7] = [
        NotificationKind::EvidenceWaiting,
        NotificationKind::ReviewDue,
        NotificationKind::EvidenceReturned,
        NotificationKind::SignOffWithdrawn,
        NotificationKind::PlaceOffered,
        NotificationKind::SessionTomorrow,
        NotificationKind::FundsExpiring,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            NotificationKind::EvidenceWaiting => "evidence_waiting",
            NotificationKind::ReviewDue => "review_due",
            NotificationKind::EvidenceReturned => "evidence_returned",
            NotificationKind::SignOffWithdrawn => "sign_off_withdrawn",
            NotificationKind::PlaceOffered => "place_offered",
            NotificationKind::SessionTomorrow => "session_tomorrow",
            NotificationKind::FundsExpiring => "funds_expiring",
        }
    }

    /// The kind for a stored code.
    pub fn from_code(code: &str) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// What it is, in the words of the settings page.
    pub fn describe(self) -> &'static str {
        match self {
            NotificationKind::EvidenceWaiting => "Evidence waiting for your decision",
            NotificationKind::ReviewDue => "A progress review due soon or overdue",
            NotificationKind::EvidenceReturned => "Your evidence returned with feedback",
            NotificationKind::SignOffWithdrawn => "A sign-off of yours withdrawn",
            NotificationKind::PlaceOffered => "A place offered to you from a waiting list",
            NotificationKind::SessionTomorrow => "A learning session of yours tomorrow",
            NotificationKind::FundsExpiring => {
                "Levy funds forecast to expire unused within three months"
            }
        }
    }
}

/// How a person wants to hear of one kind of notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Channel {
    /// In the app only.
    InApp,
    /// By email only.
    Email,
    /// Both (the default).
    #[default]
    Both,
}

impl Channel {
    /// Every channel, as the settings page offers them.
    pub const ALL: [Channel; 3] = [Channel::Both, Channel::InApp, Channel::Email];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Channel::InApp => "app",
            Channel::Email => "email",
            Channel::Both => "both",
        }
    }

    /// The channel for a stored or submitted code.
    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            Channel::InApp => "In Pathwise only",
            Channel::Email => "By email only",
            Channel::Both => "In Pathwise and by email",
        }
    }
}

/// When the email for a notification goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailWhen {
    /// Straight away.
    Now,
    /// In the next daily digest.
    Digest,
}

/// How one notification reaches a person: shown in the app or not, and
/// emailed now, in the digest, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// Listed in the app (and counted in the header).
    pub in_app: bool,
    /// Emailed, and when.
    pub email: Option<EmailWhen>,
}

/// How a notification reaches someone who chose `channel` for its kind and
/// does or does not take a daily digest.
pub fn delivery(channel: Channel, daily_digest: bool) -> Delivery {
    let emailed = matches!(channel, Channel::Email | Channel::Both);
    Delivery {
        in_app: matches!(channel, Channel::InApp | Channel::Both),
        email: emailed.then_some(if daily_digest {
            EmailWhen::Digest
        } else {
            EmailWhen::Now
        }),
    }
}

/// How a person wants to hear of each kind, and whether they take a daily digest.
#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    /// Each kind's channel.
    pub channels: Vec<(NotificationKind, Channel)>,
    /// Emails gathered into one a day.
    pub daily_digest: bool,
}

/// Reads the notification settings form: a channel (`both`, `app` or
/// `email`) for every kind, the field named by its code, and `digest` as
/// `yes` for a daily digest. Every kind must be answered.
pub fn parse_choices<'a>(
    field: impl Fn(&str) -> Option<&'a str>,
) -> Result<Preferences, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut channels = Vec::new();
    for kind in NotificationKind::ALL {
        match field(kind.code()).and_then(Channel::from_code) {
            Some(c) => channels.push((kind, c)),
            None => errors.push(FieldError::new(
                kind.code(),
                &format!(
                    "Choose how to hear of this: {}",
                    kind.describe().to_lowercase()
                ),
            )),
        }
    }
    if errors.is_empty() {
        Ok(Preferences {
            channels,
            daily_digest: field("digest") == Some("yes"),
        })
    } else {
        Err(errors)
    }
}

/// The date `n` working days (Monday to Friday) before `today`. Bank holidays
/// count as working days.
pub fn working_days_before(today: Date, n: u32) -> Date {
    let mut d = today;
    let mut left = n;
    while left > 0 {
        d = d.plus_days(-1);
        if d.days_from_monday() < 5 {
            left -= 1;
        }
    }
    d
}

/// Which reminder evidence added on `added_on` and still undecided on
/// `today` calls for, with `after` working days' grace: none yet, the first
/// (to those who can decide it), or the second (to their managers too).
pub fn evidence_reminder(added_on: Date, today: Date, after: u32) -> Option<EvidenceStage> {
    if after == 0 {
        return None;
    }
    if added_on <= working_days_before(today, after.saturating_mul(2)) {
        Some(EvidenceStage::Escalated)
    } else if added_on <= working_days_before(today, after) {
        Some(EvidenceStage::First)
    } else {
        None
    }
}

/// How far a reminder about waiting evidence has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceStage {
    /// To those who can decide it.
    First,
    /// To their managers as well.
    Escalated,
}

/// How many days ahead a review reminder goes.
pub const REVIEW_REMINDER_DAYS: i64 = 7;

/// A review reminder: due soon or overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewReminder {
    /// Due within [`REVIEW_REMINDER_DAYS`] (today included).
    DueSoon,
    /// Past its date.
    Overdue,
}

/// The review reminder, if any, for a review due on `due` seen on `today`.
pub fn review_reminder(due: Date, today: Date) -> Option<ReviewReminder> {
    let ahead = due.to_unix_days() - today.to_unix_days();
    if ahead < 0 {
        Some(ReviewReminder::Overdue)
    } else if ahead <= REVIEW_REMINDER_DAYS {
        Some(ReviewReminder::DueSoon)
    } else {
        None
    }
}

/// Tries before a message is given up.
pub const MAX_SEND_ATTEMPTS: i64 = 12;

/// Seconds to wait after the `attempts`-th failed try: one minute, doubling,
/// at most an hour (twelve tries span about seven hours).
pub fn retry_after_seconds(attempts: i64) -> i64 {
    let doublings = (attempts - 1).clamp(0, 6) as u32;
    (60_i64 << doublings).min(3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn codes_round_trip() {
        for k in NotificationKind::ALL {
            assert_eq!(NotificationKind::from_code(k.code()), Some(k));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.code()), Some(c));
        }
        assert_eq!(NotificationKind::from_code("nope"), None);
        assert_eq!(Channel::from_code(""), None);
    }

    #[test]
    fn delivery_follows_the_channel_and_the_digest() {
        assert_eq!(
            delivery(Channel::Both, false),
            Delivery {
                in_app: true,
                email: Some(EmailWhen::Now)
            }
        );
        assert_eq!(
            delivery(Channel::Email, true),
            Delivery {
                in_app: false,
                email: Some(EmailWhen::Digest)
            }
        );
        assert_eq!(
            delivery(Channel::InApp, true),
            Delivery {
                in_app: true,
                email: None
            }
        );
    }

    #[test]
    fn the_settings_form_needs_a_channel_for_every_kind() {
        let all = |k: &str| match k {
            "digest" => Some("yes"),
            "place_offered" => Some("email"),
            _ => Some("app"),
        };
        let p = parse_choices(all).unwrap();
        assert!(p.daily_digest);
        assert_eq!(p.channels.len(), NotificationKind::ALL.len());
        assert!(
            p.channels
                .contains(&(NotificationKind::PlaceOffered, Channel::Email))
        );
        let missing = |k: &str| (k != "review_due").then_some("both");
        let errors = parse_choices(missing).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "review_due");
        assert_eq!(
            errors[0].message,
            "Choose how to hear of this: a progress review due soon or overdue"
        );
        let wrong = |_: &str| Some("pigeon");
        assert_eq!(
            parse_choices(wrong).unwrap_err().len(),
            NotificationKind::ALL.len(),
            "one problem a kind"
        );
    }

    #[test]
    fn working_days_skip_weekends() {
        // Wednesday 2 December 2026.
        let wed = day("2026-12-02");
        assert_eq!(working_days_before(wed, 0), wed);
        assert_eq!(working_days_before(wed, 2), day("2026-11-30"), "Monday");
        assert_eq!(
            working_days_before(wed, 3),
            day("2026-11-27"),
            "the Friday before"
        );
        assert_eq!(
            working_days_before(wed, 5),
            day("2026-11-25"),
            "a week earlier"
        );
        // From a Sunday, one working day back is Friday.
        assert_eq!(working_days_before(day("2026-12-06"), 1), day("2026-12-04"));
    }

    #[test]
    fn evidence_reminders_come_after_the_grace_then_escalate() {
        let today = day("2026-12-02");
        assert_eq!(evidence_reminder(day("2026-11-26"), today, 5), None);
        assert_eq!(
            evidence_reminder(day("2026-11-25"), today, 5),
            Some(EvidenceStage::First)
        );
        assert_eq!(
            evidence_reminder(day("2026-11-19"), today, 5),
            Some(EvidenceStage::First)
        );
        assert_eq!(
            evidence_reminder(day("2026-11-18"), today, 5),
            Some(EvidenceStage::Escalated)
        );
        assert_eq!(evidence_reminder(day("2020-01-01"), today, 0), None, "off");
    }

    #[test]
    fn reviews_are_due_soon_within_a_week_then_overdue() {
        let today = day("2026-12-02");
        assert_eq!(review_reminder(day("2026-12-10"), today), None);
        assert_eq!(
            review_reminder(day("2026-12-09"), today),
            Some(ReviewReminder::DueSoon)
        );
        assert_eq!(review_reminder(today, today), Some(ReviewReminder::DueSoon));
        assert_eq!(
            review_reminder(day("2026-12-01"), today),
            Some(ReviewReminder::Overdue)
        );
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(retry_after_seconds(1), 60);
        assert_eq!(retry_after_seconds(2), 120);
        assert_eq!(retry_after_seconds(6), 1920);
        assert_eq!(retry_after_seconds(7), 3600);
        assert_eq!(retry_after_seconds(40), 3600);
        assert_eq!(retry_after_seconds(0), 60);
    }
}
