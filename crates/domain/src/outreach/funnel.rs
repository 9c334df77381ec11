//! The funnel from outreach activities to starts, by group, with every
//! count and rate under disclosure control on shared views.

use super::{Activity, FollowUp, Route};
use crate::metrics::{control, controlled_rate};
use std::collections::{BTreeMap, HashMap};

/// What the funnel is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    /// The kind of activity.
    ActivityType,
    /// The careers hub.
    CareersHub,
    /// The integrated care board.
    Icb,
    /// The academic year of the activity.
    AcademicYear,
}

impl Breakdown {
    /// Every breakdown.
    pub const ALL: [Breakdown; 4] = [
        Breakdown::ActivityType,
        Breakdown::CareersHub,
        Breakdown::Icb,
        Breakdown::AcademicYear,
    ];

    /// The code a query gives.
    pub fn code(self) -> &'static str {
        match self {
            Breakdown::ActivityType => "type",
            Breakdown::CareersHub => "hub",
            Breakdown::Icb => "icb",
            Breakdown::AcademicYear => "year",
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            Breakdown::ActivityType => "Kind of activity",
            Breakdown::CareersHub => "Careers hub",
            Breakdown::Icb => "Integrated care board",
            Breakdown::AcademicYear => "Academic year",
        }
    }

    /// Reads a code; the kind of activity when blank.
    pub fn from_code(s: &str) -> Option<Breakdown> {
        if s.is_empty() {
            return Some(Breakdown::ActivityType);
        }
        Breakdown::ALL.into_iter().find(|b| b.code() == s)
    }

    fn key(self, a: &Activity) -> String {
        match self {
            Breakdown::ActivityType => a.kind.label().to_string(),
            Breakdown::CareersHub => a.careers_hub.clone(),
            Breakdown::Icb => a.icb.clone(),
            Breakdown::AcademicYear => a.academic_year(),
        }
    }
}

/// A count as shown: exact, or under disclosure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The count.
    Count(u64),
    /// Suppressed (1-7 under control).
    Suppressed,
}

impl Shown {
    fn of(n: u64, controlled: bool) -> Shown {
        if controlled {
            control(n).value().map_or(Shown::Suppressed, Shown::Count)
        } else {
            Shown::Count(n)
        }
    }

    /// The count, when shown.
    pub fn value(self) -> Option<u64> {
        match self {
            Shown::Count(n) => Some(n),
            Shown::Suppressed => None,
        }
    }

    /// As text: the number, or `*`.
    pub fn text(self) -> String {
        self.value().map_or_else(|| "*".into(), |n| n.to_string())
    }
}

/// A share with its Wilson 95% interval.
pub type Rate = Option<(f64, f64, f64)>;

/// One row of the funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelRow {
    /// The group (a kind, hub, ICB or academic year).
    pub group: String,
    /// Activities in it.
    pub activities: Shown,
    /// Young people taking part.
    pub participants: Shown,
    /// Of those, from disadvantaged backgrounds.
    pub disadvantaged: Shown,
    /// Applications that followed.
    pub applications: Shown,
    /// Offers.
    pub offers: Shown,
    /// Starts.
    pub starts: Shown,
    /// Applications per participant.
    pub application_rate: Rate,
    /// Offers per application.
    pub offer_rate: Rate,
    /// Starts per participant: the whole funnel.
    pub conversion: Rate,
}

/// The funnel by `breakdown`, groups in order, with every count and rate
/// under disclosure control when `controlled`; `route` keeps one route's
/// follow-ups only.
pub fn funnel(
    activities: &[Activity],
    follow_ups: &[FollowUp],
    breakdown: Breakdown,
    route: Option<Route>,
    controlled: bool,
) -> Vec<FunnelRow> {
    let group_of: HashMap<&str, String> = activities
        .iter()
        .map(|a| (a.reference.as_str(), breakdown.key(a)))
        .collect();
    // activities, participants, disadvantaged, applications, offers, starts
    let mut sums: BTreeMap<String, [u64; 6]> = BTreeMap::new();
    for a in activities {
        let s = sums.entry(breakdown.key(a)).or_default();
        s[0] += 1;
        s[1] += a.young_people();
        s[2] += u64::from(a.disadvantaged);
    }
    for f in follow_ups
        .iter()
        .filter(|f| route.is_none_or(|r| r == f.route))
    {
        if let Some(g) = group_of.get(f.activity.as_str()) {
            let s = sums.entry(g.clone()).or_default();
            s[3] += u64::from(f.applications);
            s[4] += u64::from(f.offers);
            s[5] += u64::from(f.starts);
        }
    }
    sums.into_iter()
        .map(|(group, s)| FunnelRow {
            group,
            activities: Shown::of(s[0], controlled),
            participants: Shown::of(s[1], controlled),
            disadvantaged: Shown::of(s[2], controlled),
            applications: Shown::of(s[3], controlled),
            offers: Shown::of(s[4], controlled),
            starts: Shown::of(s[5], controlled),
            application_rate: controlled_rate(s[3], s[1], controlled),
            offer_rate: controlled_rate(s[4], s[3], controlled),
            conversion: controlled_rate(s[5], s[1], controlled),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{activity, follow};
    use super::*;

    #[test]
    fn the_funnel_by_hand_with_and_without_control() {
        let acts = vec![
            activity("A", "work_experience", "2026-03-12", "WMCA", "40"),
            activity("B", "work_experience", "2026-10-01", "Liverpool", "60"),
            activity("C", "insight_day", "2026-10-02", "WMCA", "20"),
        ];
        let fus = vec![
            follow("A", "apprenticeship", 10, 4, 2),
            follow("B", "entry_role", 15, 6, 3),
            follow("C", "apprenticeship", 2, 1, 1),
        ];
        let rows = funnel(&acts, &fus, Breakdown::ActivityType, None, false);
        assert_eq!(rows.len(), 2);
        let we = rows.iter().find(|r| r.group == "Work experience").unwrap();
        assert_eq!(we.participants, Shown::Count(100));
        assert_eq!(we.applications, Shown::Count(25));
        assert_eq!(we.starts, Shown::Count(5));
        assert_eq!(we.conversion.unwrap().0, 0.05);
        assert_eq!(we.offer_rate.unwrap().0, 0.4);
        // By academic year: A is 2025/26, B and C 2026/27.
        let by_year = funnel(&acts, &fus, Breakdown::AcademicYear, None, false);
        assert_eq!(
            by_year.iter().map(|r| r.group.as_str()).collect::<Vec<_>>(),
            vec!["2025/26", "2026/27"]
        );
        assert_eq!(by_year[1].participants, Shown::Count(80));
        // One route only.
        let apps = funnel(
            &acts,
            &fus,
            Breakdown::ActivityType,
            Some(Route::Apprenticeship),
            false,
        );
        assert_eq!(
            apps.iter()
                .find(|r| r.group == "Work experience")
                .unwrap()
                .applications,
            Shown::Count(10)
        );
        // Under control: 1-7 suppressed, others to the nearest 5, rates from those.
        let ctl = funnel(&acts, &fus, Breakdown::ActivityType, None, true);
        let insight = ctl.iter().find(|r| r.group == "Insight day").unwrap();
        assert_eq!(insight.participants, Shown::Count(20));
        assert_eq!(insight.applications, Shown::Suppressed);
        assert_eq!(insight.application_rate, None);
        let we = ctl.iter().find(|r| r.group == "Work experience").unwrap();
        assert_eq!(we.activities, Shown::Suppressed);
        assert_eq!(we.applications, Shown::Count(25));
        assert_eq!(we.offers, Shown::Count(10));
        assert_eq!(we.offer_rate.unwrap().0, 0.4);
    }
}
