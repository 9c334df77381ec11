//! Reminders that fall due with time rather than with an event: evidence
//! waiting too long for a decision, reviews due soon or overdue, and booked
//! sessions tomorrow. A scan may run as often as wanted, on any number of
//! servers: each reminder is given once per person (its `about` is unique).

use super::{Notice, notify_in, notify_person_in};
use crate::{Result, Store, date, opt_date};
use pathwise_domain::Date;
use pathwise_domain::notify::{
    EvidenceStage, NotificationKind, ReviewReminder, evidence_reminder, review_reminder,
    working_days_before,
};
use pathwise_domain::pathway::next_review_due;
use pathwise_domain::rota::LocalTime;
use sqlx::Row;

/// How many new reminders a scan gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScanCounts {
    /// About waiting evidence.
    pub evidence: usize,
    /// About reviews.
    pub reviews: usize,
    /// About sessions tomorrow.
    pub sessions: usize,
}

impl ScanCounts {
    /// All of them.
    pub fn total(&self) -> usize {
        self.evidence + self.reviews + self.sessions
    }
}

/// Gives every reminder due on `today` that has not been given yet.
pub async fn scan_reminders(store: &Store, today: Date, now: i64) -> Result<ScanCounts> {
    let mut tx = store.begin_write().await?;
    let counts = ScanCounts {
        evidence: waiting_evidence(&mut tx, today, now).await?,
        reviews: reviews_due(&mut tx, today, now).await?,
        sessions: sessions_tomorrow(&mut tx, today, now).await?,
    };
    tx.commit().await?;
    Ok(counts)
}

/// Accounts whose inbox holds a learner's evidence, other than the learner's
/// own and the person who added it: site assessors and the line manager.
async fn deciders(
    tx: &mut super::Tx,
    org_id: i64,
    site_id: i64,
    manager_id: Option<i64>,
    not: [i64; 2],
) -> Result<Vec<(i64, Option<i64>)>> {
    sqlx::query(
        "SELECT u.id, q.manager_id FROM users u JOIN people q ON q.id = u.person_id WHERE u.org_id = $1 \
         AND ((q.site_id = $2 AND (',' || u.app_roles || ',') LIKE '%,assessor,%') \
              OR (u.person_id = $3 AND (',' || u.app_roles || ',') LIKE '%,manager,%')) \
         AND u.person_id <> $4 AND u.person_id <> $5 ORDER BY u.id",
    )
    .bind(org_id)
    .bind(site_id)
    .bind(manager_id.unwrap_or(-1))
    .bind(not[0])
    .bind(not[1])
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("manager_id")?)))
    .collect()
}

async fn waiting_evidence(tx: &mut super::Tx, today: Date, now: i64) -> Result<usize> {
    let rows = sqlx::query(
        "SELECT x.id, x.org_id, x.title, x.added_on, x.person_id, COALESCE(x.added_by_person, -1) AS adder, \
         p.name, p.site_id, p.manager_id, o.evidence_reminder_working_days AS after_days \
         FROM evidence x JOIN people p ON p.id = x.person_id JOIN organisations o ON o.id = x.org_id \
         JOIN enrolments e ON e.id = x.enrolment_id AND e.ended_on IS NULL \
         WHERE x.added_on <= $1 AND o.evidence_reminder_working_days > 0 \
         AND NOT EXISTS (SELECT 1 FROM evidence_decisions d WHERE d.evidence_id = x.id) ORDER BY x.id",
    )
    .bind(working_days_before(today, 1).to_string())
    .fetch_all(&mut **tx)
    .await?;
    let mut new = 0;
    for r in &rows {
        let added = date(&r.try_get::<String, _>("added_on")?)?;
        let after = u32::try_from(r.try_get::<i64, _>("after_days")?).unwrap_or(0);
        let Some(stage) = evidence_reminder(added, today, after) else {
            continue;
        };
        let id: i64 = r.try_get("id")?;
        let title: String = r.try_get("title")?;
        let learner: String = r.try_get("name")?;
        let people = deciders(
            tx,
            r.try_get("org_id")?,
            r.try_get("site_id")?,
            r.try_get("manager_id")?,
            [r.try_get("person_id")?, r.try_get("adder")?],
        )
        .await?;
        let first = Notice {
            kind: NotificationKind::EvidenceWaiting,
            about: format!("evidence-waiting:{id}"),
            title: format!("Evidence from {learner} is waiting for a decision"),
            body: format!(
                "'{title}' was added on {} and nobody has decided on it yet. Accept it or return it with feedback.",
                added.in_words()
            ),
            link: format!("/evidence/{id}"),
        };
        for (user, _) in &people {
            new += usize::from(notify_in(tx, *user, &first, now).await?);
        }
        if stage == EvidenceStage::Escalated {
            let escalated = Notice {
                about: format!("evidence-escalated:{id}"),
                title: format!(
                    "Evidence from {learner} has waited {} working days",
                    after * 2
                ),
                body: format!(
                    "'{title}' was added on {} and is still waiting for a decision by someone you manage.",
                    added.in_words()
                ),
                ..first
            };
            let mut managers: Vec<i64> = people.iter().filter_map(|(_, m)| *m).collect();
            managers.sort_unstable();
            managers.dedup();
            for m in managers {
                new += notify_person_in(tx, m, &escalated, now).await?;
            }
        }
    }
    Ok(new)
}

async fn reviews_due(tx: &mut super::Tx, today: Date, now: i64) -> Result<usize> {
    let rows = sqlx::query(
        "SELECT e.id, e.person_id, e.enrolled_on, p.name, p.manager_id, v.review_every_weeks, \
         (SELECT MAX(r.held_on) FROM reviews r WHERE r.enrolment_id = e.id) AS last_review \
         FROM enrolments e JOIN people p ON p.id = e.person_id JOIN pathway_versions v ON v.id = e.version_id \
         WHERE e.ended_on IS NULL ORDER BY e.id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut new = 0;
    for r in &rows {
        let enrolled = date(&r.try_get::<String, _>("enrolled_on")?)?;
        let last = opt_date(r.try_get("last_review")?)?;
        let weeks = u32::try_from(r.try_get::<i64, _>("review_every_weeks")?).unwrap_or(0);
        let due = next_review_due(enrolled, last, weeks);
        let Some(reminder) = review_reminder(due, today) else {
            continue;
        };
        let id: i64 = r.try_get("id")?;
        let person: i64 = r.try_get("person_id")?;
        let name: String = r.try_get("name")?;
        let (word, title_learner, title_manager) = match reminder {
            ReviewReminder::DueSoon => (
                "soon",
                format!("Your progress review is due on {}", due.in_words()),
                format!("{name}'s progress review is due on {}", due.in_words()),
            ),
            ReviewReminder::Overdue => (
                "overdue",
                format!("Your progress review is overdue (due {})", due.in_words()),
                format!(
                    "{name}'s progress review is overdue (due {})",
                    due.in_words()
                ),
            ),
        };
        let about = format!("review-{word}:{id}:{due}");
        let to_learner = Notice {
            kind: NotificationKind::ReviewDue,
            about: about.clone(),
            title: title_learner,
            body: "Agree a time with your line manager, and bring the evidence you have added since your last review.".into(),
            link: "/pathway".into(),
        };
        new += notify_person_in(tx, person, &to_learner, now).await?;
        if let Some(manager) = r.try_get::<Option<i64>, _>("manager_id")? {
            let to_manager = Notice {
                title: title_manager,
                body: format!("Book the review with {name} and record it on their pathway."),
                link: format!("/people/{person}/pathway"),
                ..to_learner
            };
            new += notify_person_in(tx, manager, &to_manager, now).await?;
        }
    }
    Ok(new)
}

async fn sessions_tomorrow(tx: &mut super::Tx, today: Date, now: i64) -> Result<usize> {
    let tomorrow = today.plus_days(1);
    let from = LocalTime::at(tomorrow, 0).minutes();
    let rows = sqlx::query(
        "SELECT b.id, b.person_id, s.id AS session_id, s.revision, s.starts_at, o.title, \
         COALESCE(t.name, 'Online') AS venue FROM bookings b \
         JOIN learning_sessions s ON s.id = b.session_id JOIN learning_offers o ON o.id = s.offer_id \
         LEFT JOIN sites t ON t.id = s.site_id \
         WHERE b.status = 'booked' AND s.cancelled_at IS NULL AND s.starts_at >= $1 AND s.starts_at < $2 \
         ORDER BY b.id",
    )
    .bind(from)
    .bind(from + 24 * 60)
    .fetch_all(&mut **tx)
    .await?;
    let mut new = 0;
    for r in &rows {
        let starts = LocalTime::from_minutes(r.try_get("starts_at")?);
        let session: i64 = r.try_get("session_id")?;
        let revision: i64 = r.try_get("revision")?;
        let title: String = r.try_get("title")?;
        let venue: String = r.try_get("venue")?;
        let notice = Notice {
            kind: NotificationKind::SessionTomorrow,
            about: format!("session-tomorrow:{session}:{revision}"),
            title: format!("Tomorrow: {title} at {}", starts.clock()),
            body: format!(
                "You have a place at {title}, {} at {} ({venue}). If you cannot go, cancel your place so someone on the waiting list can have it.",
                starts.date().in_words(),
                starts.clock()
            ),
            link: format!("/learning/sessions/{session}"),
        };
        new += notify_person_in(tx, r.try_get("person_id")?, &notice, now).await?;
    }
    Ok(new)
}
