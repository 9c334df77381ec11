//! The demo trust's learning offers: a Care Certificate workshop at the
//! general hospital, a short online supervision module at times that suit
//! earlies, lates and nights, and an apprenticeship teaching day; release
//! agreements for the demo team; and a few places booked where they fit the
//! booker's rota, through the same rules as the pages.

use anyhow::Result;
use pathwise_domain::Date;
use pathwise_domain::learning::{
    OfferDraft, ReleaseAgreement, ReleasePeriod, SessionPattern, repeat,
};
use pathwise_domain::rota::{FitSettings, LocalTime, Venue, misfits, parse_clock, week_start};
use pathwise_storage::{Store, learning, rosters};

struct Plan {
    title: &'static str,
    supports: &'static str,
    description: &'static str,
    weekdays: &'static [u8],
    starts: &'static [&'static str],
    minutes: u32,
    venue: Option<&'static str>,
    capacity: u32,
    facilitator: &'static str,
}

const PLANS: [Plan; 3] = [
    Plan {
        title: "Care Certificate workshop",
        supports: "Care Certificate standards 1 to 4 (stage 1, induction)",
        description: "Duty of care, equality, person-centred care and communication, with the workbook questions assessors ask for.",
        weekdays: &[1, 3],
        starts: &["10:00", "14:00"],
        minutes: 90,
        venue: Some("NGH"),
        capacity: 12,
        facilitator: "Priya Okafor, clinical educator",
    },
    Plan {
        title: "Stage 3 supervision module",
        supports: "Higher responsibility (stage 3): supervising others",
        description: "Short online blocks on delegation, feedback and handover, timed around earlies, lates and nights.",
        weekdays: &[0, 2, 4],
        starts: &["16:00", "21:30"],
        minutes: 45,
        venue: None,
        capacity: 20,
        facilitator: "Tom Reyes, practice development",
    },
    Plan {
        title: "Senior healthcare support worker apprenticeship teaching day",
        supports: "Senior healthcare support worker route (level 3 apprenticeship)",
        description: "The provider's teaching day: clinical skills and the portfolio review.",
        weekdays: &[2],
        starts: &["09:00"],
        minutes: 450,
        venue: Some("NGH"),
        capacity: 16,
        facilitator: "Training provider",
    },
];

/// Adds the offers for six weeks from this week, release agreements of
/// three hours a week for `team` (the demo learner first) from four weeks
/// ago, and books team members other than the learner onto the first
/// workshop sittings that fit their rota.
pub(crate) async fn build_learning(
    store: &Store,
    org_id: i64,
    today: Date,
    team: &[i64],
    now: i64,
) -> Result<()> {
    let monday = week_start(today);
    let mut workshop = None;
    for plan in &PLANS {
        let draft = OfferDraft {
            title: plan.title.into(),
            description: plan.description.into(),
            supports: plan.supports.into(),
        };
        let offer = learning::create_offer(store, org_id, &draft, None, now).await?;
        let starts: Vec<u32> = plan.starts.iter().filter_map(|s| parse_clock(s)).collect();
        let pattern = SessionPattern {
            starts: repeat(monday, monday.plus_days(41), plan.weekdays, &starts)?,
            minutes: plan.minutes,
            venue: plan
                .venue
                .map_or(Venue::Online, |code| Venue::Site(code.into())),
            capacity: plan.capacity,
            facilitator: plan.facilitator.into(),
        };
        learning::add_sessions(store, org_id, offer, &pattern, None, now).await?;
        workshop.get_or_insert(offer);
    }
    for person in team {
        let agreement = ReleaseAgreement {
            minutes: 180,
            per: ReleasePeriod::Week,
            from: today.plus_days(-28),
            until: None,
        };
        learning::record_release(store, org_id, *person, &agreement, None, now).await?;
    }
    let Some(workshop) = workshop else {
        return Ok(());
    };
    let upcoming: Vec<_> = learning::sessions_of_offer(store, org_id, workshop)
        .await?
        .into_iter()
        .filter(|s| s.start.date() > today)
        .collect();
    for person in team.iter().skip(1) {
        let from = LocalTime::at(today, 0);
        let shifts =
            rosters::shifts_of(store, *person, from, from.plus_minutes(43 * 24 * 60)).await?;
        let fitting = upcoming
            .iter()
            .find(|s| misfits(&s.sitting(), &shifts, Some(180), FitSettings::default()).is_empty());
        if let Some(s) = fitting {
            learning::book(store, org_id, s.id, *person, Vec::new(), None, None, now).await?;
        }
    }
    Ok(())
}
