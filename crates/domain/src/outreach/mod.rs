//! Outreach to intake: careers activities an organisation runs with schools
//! and colleges (counts of participants only: no child-level data anywhere),
//! the applications, offers and starts that follow them, and the funnel
//! from one to the other (`docs/METRICS.md`, "Outreach funnel").

use crate::Date;
use crate::input::{FieldErrors, Fields};
use std::collections::HashMap;

mod funnel;
mod targeting;

pub use funnel::{Breakdown, FunnelRow, Rate, Shown, funnel};
pub use targeting::{RegionalFigure, Targeting, TargetingRow};

/// The kinds of outreach activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActivityType {
    /// A work experience placement.
    WorkExperience,
    /// A block of the modern work experience model (up to 10 days, varied).
    ModernWorkExperience,
    /// A teacher encounter: teachers spend time in the workplace.
    TeacherEncounter,
    /// An insight day.
    InsightDay,
    /// A careers event or fair.
    CareersEvent,
    /// Virtual work experience.
    VirtualWorkExperience,
    /// A T-level industry placement.
    TLevelPlacement,
}

impl ActivityType {
    /// Every kind, in the order they are listed.
    pub const ALL: [ActivityType; 7] = [
        ActivityType::WorkExperience,
        ActivityType::ModernWorkExperience,
        ActivityType::TeacherEncounter,
        ActivityType::InsightDay,
        ActivityType::CareersEvent,
        ActivityType::VirtualWorkExperience,
        ActivityType::TLevelPlacement,
    ];

    /// The code a file gives.
    pub fn code(self) -> &'static str {
        match self {
            ActivityType::WorkExperience => "work_experience",
            ActivityType::ModernWorkExperience => "modern_work_experience",
            ActivityType::TeacherEncounter => "teacher_encounter",
            ActivityType::InsightDay => "insight_day",
            ActivityType::CareersEvent => "careers_event",
            ActivityType::VirtualWorkExperience => "virtual_work_experience",
            ActivityType::TLevelPlacement => "t_level_placement",
        }
    }

    /// The kind in words.
    pub fn label(self) -> &'static str {
        match self {
            ActivityType::WorkExperience => "Work experience",
            ActivityType::ModernWorkExperience => "Modern work experience block",
            ActivityType::TeacherEncounter => "Teacher encounter",
            ActivityType::InsightDay => "Insight day",
            ActivityType::CareersEvent => "Careers event",
            ActivityType::VirtualWorkExperience => "Virtual work experience",
            ActivityType::TLevelPlacement => "T-level placement",
        }
    }

    /// Reads a code or the words, in any case.
    pub fn from_text(s: &str) -> Option<ActivityType> {
        let s = s.trim().to_lowercase();
        ActivityType::ALL
            .into_iter()
            .find(|t| t.code() == s || t.label().to_lowercase() == s)
    }
}

/// Where a follow-up's applications, offers and starts are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Route {
    /// An apprenticeship.
    Apprenticeship,
    /// A T-level placement.
    TLevelPlacement,
    /// An entry role such as healthcare support worker.
    EntryRole,
}

impl Route {
    /// Every route.
    pub const ALL: [Route; 3] = [
        Route::Apprenticeship,
        Route::TLevelPlacement,
        Route::EntryRole,
    ];

    /// The code a file gives.
    pub fn code(self) -> &'static str {
        match self {
            Route::Apprenticeship => "apprenticeship",
            Route::TLevelPlacement => "t_level_placement",
            Route::EntryRole => "entry_role",
        }
    }

    /// The route in words.
    pub fn label(self) -> &'static str {
        match self {
            Route::Apprenticeship => "Apprenticeship",
            Route::TLevelPlacement => "T-level placement",
            Route::EntryRole => "Entry role (such as healthcare support worker)",
        }
    }

    /// Reads a code or the words' start, in any case.
    pub fn from_text(s: &str) -> Option<Route> {
        let s = s.trim().to_lowercase();
        Route::ALL
            .into_iter()
            .find(|r| r.code() == s || r.label().to_lowercase().starts_with(&s) && !s.is_empty())
    }
}

/// School years whose participants are counted, Year 7 to Year 13.
pub const SCHOOL_YEARS: std::ops::RangeInclusive<u32> = 7..=13;

/// One outreach activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// The organisation's own reference for it, unique within it.
    pub reference: String,
    /// What kind.
    pub kind: ActivityType,
    /// When (the first day).
    pub date: Date,
    /// The careers hub it was run through.
    pub careers_hub: String,
    /// The integrated care board.
    pub icb: String,
    /// The school or college.
    pub school: String,
    /// Its unique reference number, when known (6 digits).
    pub school_urn: Option<String>,
    /// Participants in each school year, Year 7 first.
    pub participants: [u32; 7],
    /// Teachers and other adults taking part.
    pub teachers: u32,
    /// Participants from disadvantaged backgrounds (free school meals).
    pub disadvantaged: u32,
    /// Roles showcased, in words.
    pub roles_showcased: Vec<String>,
    /// Staff hours given, in tenths of an hour.
    pub staff_tenth_hours: u32,
}

impl Activity {
    /// Young people taking part, all years.
    pub fn young_people(&self) -> u64 {
        self.participants.iter().map(|n| u64::from(*n)).sum()
    }

    /// The academic year (September to August) it falls in: "2025/26".
    pub fn academic_year(&self) -> String {
        let start = if self.date.month >= 9 {
            self.date.year
        } else {
            self.date.year - 1
        };
        format!("{start}/{:02}", (start + 1) % 100)
    }
}

/// Applications, offers and starts that followed one activity, by route and period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// The activity's reference.
    pub activity: String,
    /// The route.
    pub route: Route,
    /// The period counted, as the organisation names it ("2026-27", "September 2026").
    pub period: String,
    /// People who applied.
    pub applications: u32,
    /// Of those, people offered a place.
    pub offers: u32,
    /// Of those, people who started.
    pub starts: u32,
}

/// The columns of an activities file (`school_urn`, `year_7`..`year_13`,
/// `teachers`, `disadvantaged`, `roles_showcased` and `staff_hours` may follow).
pub const ACTIVITY_COLUMNS: [&str; 6] =
    ["reference", "type", "date", "careers_hub", "icb", "school"];
/// The columns of a follow-ups file.
pub const FOLLOW_UP_COLUMNS: [&str; 6] = [
    "activity",
    "route",
    "period",
    "applications",
    "offers",
    "starts",
];

fn count(f: &(impl Fields + ?Sized), field: &str, e: &mut FieldErrors) -> u32 {
    let v = f.field(field).replace(',', "");
    if v.is_empty() {
        return 0;
    }
    v.parse().unwrap_or_else(|_| {
        e.add(
            field,
            format!("'{v}' is not a count: enter a whole number, 0 or more"),
        );
        0
    })
}

fn required(f: &(impl Fields + ?Sized), field: &str, what: &str, e: &mut FieldErrors) -> String {
    let v = f.field(field);
    if v.is_empty() {
        e.add(field, format!("Enter {what}"));
    } else if v.chars().count() > 200 {
        e.add(field, format!("Enter {what} in 200 characters or fewer"));
    }
    v.to_string()
}

impl Activity {
    /// Reads an activity from a form or a file's row, every problem at once.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<Activity, FieldErrors> {
        let mut e = FieldErrors::default();
        let reference = required(
            f,
            "reference",
            "the activity's reference, like WE-2026-01",
            &mut e,
        );
        let kind = match ActivityType::from_text(f.field("type")) {
            Some(k) => Some(k),
            None => {
                e.add(
                    "type",
                    format!(
                        "Choose the kind of activity: one of {}",
                        ActivityType::ALL.map(|t| t.code()).join(", ")
                    ),
                );
                None
            }
        };
        let date = match f.field("date") {
            "" => {
                e.add("date", "Enter the date, like 12 March 2026");
                None
            }
            v => v
                .parse::<Date>()
                .map_err(|_| {
                    e.add(
                        "date",
                        format!("'{v}' is not a date: enter one like 12 March 2026 or 2026-03-12"),
                    )
                })
                .ok(),
        };
        let careers_hub = required(f, "careers_hub", "the careers hub", &mut e);
        let icb = required(f, "icb", "the integrated care board", &mut e);
        let school = required(f, "school", "the school or college", &mut e);
        let school_urn = match f.field("school_urn") {
            "" => None,
            v if v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()) => Some(v.to_string()),
            v => {
                e.add(
                    "school_urn",
                    format!("'{v}' is not a school's URN: enter its 6 digits or leave it blank"),
                );
                None
            }
        };
        let mut participants = [0u32; 7];
        for (i, y) in SCHOOL_YEARS.enumerate() {
            participants[i] = count(f, &format!("year_{y}"), &mut e);
        }
        let teachers = count(f, "teachers", &mut e);
        let disadvantaged = count(f, "disadvantaged", &mut e);
        let young: u64 = participants.iter().map(|n| u64::from(*n)).sum();
        if u64::from(disadvantaged) > young {
            e.add(
                "disadvantaged",
                format!("{disadvantaged} from disadvantaged backgrounds is more than the {young} young people taking part"),
            );
        }
        if young == 0 && teachers == 0 && e.is_empty() {
            e.add(
                "year_7",
                "Enter how many took part: young people by school year, or teachers",
            );
        }
        let roles_showcased: Vec<String> = f
            .field("roles_showcased")
            .split(';')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(String::from)
            .collect();
        let staff_tenth_hours = match f.field("staff_hours") {
            "" => 0,
            v => match crate::frontier::ten_thousandths(v) {
                Some(t) if t % 1_000 == 0 && t <= 100_000 * 10_000 => (t / 1_000) as u32,
                _ => {
                    e.add(
                        "staff_hours",
                        format!("'{v}' is not a number of hours: enter one like 12 or 7.5"),
                    );
                    0
                }
            },
        };
        e.or_ok(|| {
            Some(Activity {
                reference,
                kind: kind?,
                date: date?,
                careers_hub,
                icb,
                school,
                school_urn,
                participants,
                teachers,
                disadvantaged,
                roles_showcased,
                staff_tenth_hours,
            })
        })
    }
}

impl FollowUp {
    /// Reads a follow-up from a form or a file's row, every problem at once.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<FollowUp, FieldErrors> {
        let mut e = FieldErrors::default();
        let activity = required(f, "activity", "the activity's reference", &mut e);
        let route = Route::from_text(f.field("route"));
        if route.is_none() {
            e.add(
                "route",
                format!(
                    "Choose the route: one of {}",
                    Route::ALL.map(|r| r.code()).join(", ")
                ),
            );
        }
        let period = required(f, "period", "the period counted, like 2026-27", &mut e);
        let applications = count(f, "applications", &mut e);
        let offers = count(f, "offers", &mut e);
        let starts = count(f, "starts", &mut e);
        if offers > applications {
            e.add(
                "offers",
                format!("{offers} offers is more than the {applications} who applied"),
            );
        }
        if starts > offers {
            e.add(
                "starts",
                format!("{starts} starts is more than the {offers} offered a place"),
            );
        }
        e.or_ok(|| {
            Some(FollowUp {
                activity,
                route: route?,
                period,
                applications,
                offers,
                starts,
            })
        })
    }
}

/// Checks follow-ups against the activities they follow (stored and new
/// together): each names a known activity, and no activity has more
/// applications in all than young people taking part. Returns the problems
/// by follow-up index.
pub fn check_follow_ups(
    activities: &[Activity],
    follow_ups: &[FollowUp],
) -> Vec<(usize, String, String)> {
    let by_ref: HashMap<&str, &Activity> = activities
        .iter()
        .map(|a| (a.reference.as_str(), a))
        .collect();
    let mut problems = Vec::new();
    let mut applied: HashMap<&str, (u64, usize)> = HashMap::new();
    for (i, f) in follow_ups.iter().enumerate() {
        match by_ref.get(f.activity.as_str()) {
            None => problems.push((
                i,
                "activity".to_string(),
                format!(
                    "No activity has the reference '{}': record the activity first",
                    f.activity
                ),
            )),
            Some(_) => {
                let entry = applied.entry(f.activity.as_str()).or_insert((0, i));
                entry.0 += u64::from(f.applications);
                entry.1 = i;
            }
        }
    }
    for (reference, (total, last)) in applied {
        let a = by_ref[reference];
        if a.young_people() > 0 && total > a.young_people() {
            problems.push((
                last,
                "applications".to_string(),
                format!(
                    "{total} applications in all after {reference} is more than the {} young people who took part",
                    a.young_people()
                ),
            ));
        }
    }
    problems.sort();
    problems
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::input::form;

    pub(super) fn activity(
        reference: &str,
        kind: &str,
        date: &str,
        hub: &str,
        year_10: &str,
    ) -> Activity {
        Activity::parse(&form(&[
            ("reference", reference),
            ("type", kind),
            ("date", date),
            ("careers_hub", hub),
            ("icb", "Black Country ICB"),
            ("school", "Wolverhampton Academy"),
            ("year_10", year_10),
            ("disadvantaged", "3"),
        ]))
        .unwrap()
    }

    pub(super) fn follow(activity: &str, route: &str, a: u32, o: u32, s: u32) -> FollowUp {
        FollowUp {
            activity: activity.into(),
            route: Route::from_text(route).unwrap(),
            period: "2026-27".into(),
            applications: a,
            offers: o,
            starts: s,
        }
    }

    #[test]
    fn an_activity_reads_as_people_write_it_and_names_every_problem() {
        let a = activity("WE-1", "Work experience", "12 March 2026", "WMCA", "20");
        assert_eq!(a.kind, ActivityType::WorkExperience);
        assert_eq!(a.young_people(), 20);
        assert_eq!(a.academic_year(), "2025/26");
        let e = Activity::parse(&form(&[
            ("reference", "X"),
            ("type", "picnic"),
            ("date", "31 June 2026"),
            ("careers_hub", ""),
            ("icb", "ICB"),
            ("school", "S"),
            ("school_urn", "12"),
            ("year_9", "ten"),
            ("disadvantaged", "4"),
            ("staff_hours", "1.25"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = e.list().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "type",
                "date",
                "careers_hub",
                "school_urn",
                "year_9",
                "disadvantaged",
                "staff_hours"
            ]
        );
    }

    #[test]
    fn follow_ups_are_checked_against_their_activities() {
        let e = FollowUp::parse(&form(&[
            ("activity", "WE-1"),
            ("route", "apprenticeship"),
            ("period", "2026-27"),
            ("applications", "5"),
            ("offers", "6"),
            ("starts", "7"),
        ]))
        .unwrap_err();
        assert_eq!(e.list().len(), 2);
        let acts = vec![activity(
            "WE-1",
            "work_experience",
            "2026-03-12",
            "WMCA",
            "10",
        )];
        let problems = check_follow_ups(
            &acts,
            &[
                follow("WE-1", "apprenticeship", 6, 2, 1),
                follow("WE-1", "entry_role", 5, 1, 1),
                follow("NOPE", "entry_role", 1, 0, 0),
            ],
        );
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].0, 1);
        assert!(
            problems[0]
                .2
                .contains("11 applications in all after WE-1 is more than the 10")
        );
        assert!(
            problems[1]
                .2
                .contains("No activity has the reference 'NOPE'")
        );
    }
}
