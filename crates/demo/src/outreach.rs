//! The demo trust's outreach: two academic years of careers activities
//! with local schools and colleges, and what followed most of them, so the
//! funnel has shape. Counts only, dated from `today`.

use pathwise_domain::Date;
use pathwise_domain::outreach::{Activity, ActivityType, FollowUp, Route};
use pathwise_storage::Store;
use pathwise_storage::outreach::{save_activities, save_follow_ups};

/// Kinds, schools, hubs, young people in Years 9-13 and free school meals, in turn.
const ACTIVITIES: [(ActivityType, &str, &str, [u32; 5], u32); 8] = [
    (
        ActivityType::CareersEvent,
        "Northgate Academy",
        "Northgate Careers Hub",
        [60, 55, 40, 0, 0],
        38,
    ),
    (
        ActivityType::InsightDay,
        "Riverside High School",
        "Northgate Careers Hub",
        [0, 24, 18, 0, 0],
        11,
    ),
    (
        ActivityType::WorkExperience,
        "Northgate Sixth Form College",
        "Northgate Careers Hub",
        [0, 0, 0, 12, 6],
        4,
    ),
    (
        ActivityType::ModernWorkExperience,
        "St Anne's Catholic School",
        "Riverside Careers Hub",
        [0, 20, 10, 0, 0],
        9,
    ),
    (
        ActivityType::TeacherEncounter,
        "Riverside High School",
        "Riverside Careers Hub",
        [0, 0, 0, 0, 0],
        0,
    ),
    (
        ActivityType::VirtualWorkExperience,
        "Millbrook Academy",
        "Riverside Careers Hub",
        [30, 45, 35, 0, 0],
        27,
    ),
    (
        ActivityType::TLevelPlacement,
        "Northgate College",
        "Northgate Careers Hub",
        [0, 0, 0, 8, 7],
        5,
    ),
    (
        ActivityType::CareersEvent,
        "Millbrook Academy",
        "Riverside Careers Hub",
        [50, 40, 35, 0, 0],
        31,
    ),
];

/// Builds the outreach of `org_id`: each activity once a year for two years
/// before `today`, and follow-ups for those more than three months old.
pub async fn build_outreach(
    store: &Store,
    org_id: i64,
    today: Date,
    now: i64,
) -> anyhow::Result<()> {
    let mut activities = Vec::new();
    let mut follow_ups = Vec::new();
    for year in 0..2i32 {
        for (i, (kind, school, hub, years, fsm)) in ACTIVITIES.iter().enumerate() {
            let date = today.months_before(3 + (i as u32) * 2 + (year as u32) * 12);
            let reference = format!("OUT-{}-{:02}", date.year, i + 1);
            let mut participants = [0u32; 7];
            participants[2..].copy_from_slice(years);
            let teachers = if *kind == ActivityType::TeacherEncounter {
                14
            } else {
                2
            };
            activities.push(Activity {
                reference: reference.clone(),
                kind: *kind,
                date,
                careers_hub: hub.to_string(),
                icb: "Northgate and Riverside ICB".into(),
                school: school.to_string(),
                school_urn: None,
                participants,
                teachers,
                disadvantaged: *fsm,
                roles_showcased: vec![
                    "Healthcare support worker".into(),
                    "Nursing associate".into(),
                ],
                staff_tenth_hours: 60 + 10 * i as u32,
            });
            let young: u32 = years.iter().sum();
            if young > 0 && today.months_before(3) >= date {
                // About one in eight apply, half of those get offers, most start.
                let applications = (young / 8).max(1) + year as u32;
                let offers = applications / 2;
                let starts = offers.saturating_sub(u32::from(i % 3 == 0));
                let route = match kind {
                    ActivityType::TLevelPlacement => Route::TLevelPlacement,
                    ActivityType::WorkExperience | ActivityType::InsightDay => Route::EntryRole,
                    _ => Route::Apprenticeship,
                };
                follow_ups.push(FollowUp {
                    activity: reference,
                    route,
                    period: format!("{}/{:02}", date.year, (date.year + 1) % 100),
                    applications,
                    offers,
                    starts,
                });
            }
        }
    }
    save_activities(store, org_id, &activities, None, now).await?;
    save_follow_ups(store, org_id, &follow_ups, None, now).await?;
    Ok(())
}
