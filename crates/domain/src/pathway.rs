//! Four-stage progression pathways: templates and their versions, criteria,
//! sign-off decisions (append-only, superseded rather than edited), stage
//! completion and the red/amber/green status of a learner. Groundwork for the
//! pathway feature; pure rules only.

use crate::dates::Date;
use serde::{Deserialize, Serialize};

/// The four stages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 1: induction and baseline competence (incl. the Care Certificate).
    Induction,
    /// 2: role consolidation (observed practice, local competency sign-off).
    Consolidation,
    /// 3: higher responsibility.
    HigherResponsibility,
    /// 4: formal progression (apprenticeship, qualification).
    FormalProgression,
}

impl Stage {
    /// All stages in order.
    pub const ALL: [Stage; 4] = [
        Stage::Induction,
        Stage::Consolidation,
        Stage::HigherResponsibility,
        Stage::FormalProgression,
    ];

    /// 1-4.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }
}

/// One criterion of a pathway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// Stable key within the template.
    pub key: String,
    /// What must be shown.
    pub title: String,
    /// Its stage.
    pub stage: Stage,
    /// Whether the stage needs it signed off to complete.
    pub required: bool,
    /// Weeks after enrolment by which it should be signed off.
    pub due_weeks: Option<u32>,
}

/// A pathway template at one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathwayTemplate {
    /// Stable code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Version, from 1; publishing a change makes a new one.
    pub version: u32,
    /// Criteria of all four stages.
    pub criteria: Vec<Criterion>,
    /// Weeks between review points.
    pub review_every_weeks: u32,
}

impl PathwayTemplate {
    /// The next version with `criteria`; learners stay on the version they
    /// enrolled on until moved.
    pub fn publish(&self, criteria: Vec<Criterion>) -> PathwayTemplate {
        PathwayTemplate {
            version: self.version + 1,
            criteria,
            ..self.clone()
        }
    }
}

/// A decision on a criterion. Decisions are never edited: a mistake is
/// superseded by a later decision with a reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The criterion.
    pub criterion: String,
    /// Signed off, or a sign-off withdrawn.
    pub signed_off: bool,
    /// Who decided (staff record).
    pub by: i64,
    /// When (date of the decision; order within a day follows the list).
    pub on: Date,
    /// Why, required when withdrawing.
    pub reason: Option<String>,
}

/// Why a sign-off is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignOffRefused {
    /// The assessor owns the evidence.
    #[error("you cannot sign off your own evidence; ask another assessor")]
    OwnEvidence,
    /// Withdrawing a sign-off needs a reason.
    #[error("give a reason for withdrawing the sign-off")]
    NoReason,
}

/// Checks a decision before it is recorded.
pub fn check_decision(decision: &Decision, evidence_owner: i64) -> Result<(), SignOffRefused> {
    if decision.by == evidence_owner {
        return Err(SignOffRefused::OwnEvidence);
    }
    if !decision.signed_off
        && decision
            .reason
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
    {
        return Err(SignOffRefused::NoReason);
    }
    Ok(())
}

/// Whether a criterion is signed off now: its latest decision says so.
pub fn is_signed_off(criterion: &str, decisions: &[Decision]) -> bool {
    decisions
        .iter()
        .rev()
        .find(|d| d.criterion == criterion)
        .is_some_and(|d| d.signed_off)
}

/// Progress through one stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StageProgress {
    /// The stage.
    pub stage: Stage,
    /// Required criteria signed off.
    pub signed_off: usize,
    /// Required criteria.
    pub required: usize,
    /// Every required criterion signed off.
    pub complete: bool,
    /// Every earlier stage complete, so the learner works on it.
    pub open: bool,
}

/// Progress through every stage.
pub fn progress(template: &PathwayTemplate, decisions: &[Decision]) -> Vec<StageProgress> {
    let mut earlier_complete = true;
    Stage::ALL
        .iter()
        .map(|&stage| {
            let required: Vec<&Criterion> = template
                .criteria
                .iter()
                .filter(|c| c.stage == stage && c.required)
                .collect();
            let signed_off = required
                .iter()
                .filter(|c| is_signed_off(&c.key, decisions))
                .count();
            let complete = signed_off == required.len();
            let p = StageProgress {
                stage,
                signed_off,
                required: required.len(),
                complete,
                open: earlier_complete,
            };
            earlier_complete &= complete;
            p
        })
        .collect()
}

/// Red, amber or green, with the reasons in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rag {
    /// Criteria due by now are not signed off, or a review is overdue.
    Red(Vec<String>),
    /// A workload-pressure flag is open.
    Amber(Vec<String>),
    /// On track.
    Green,
}

/// The status of a learner on `today`. Red when a required criterion due by
/// now is not signed off or a review is overdue; amber when a workload-pressure
/// flag is open; green otherwise.
pub fn rag(
    template: &PathwayTemplate,
    enrolled: Date,
    today: Date,
    decisions: &[Decision],
    last_review: Option<Date>,
    workload_flag_open: bool,
) -> Rag {
    let days = today.to_unix_days() - enrolled.to_unix_days();
    let mut red = Vec::new();
    for c in &template.criteria {
        if let Some(weeks) = c.due_weeks
            && c.required
            && days >= i64::from(weeks) * 7
            && !is_signed_off(&c.key, decisions)
        {
            red.push(format!(
                "'{}' was due by week {weeks} and is not signed off",
                c.title
            ));
        }
    }
    let since = last_review.unwrap_or(enrolled);
    let overdue_days =
        today.to_unix_days() - since.to_unix_days() - i64::from(template.review_every_weeks) * 7;
    if overdue_days > 0 {
        red.push(format!("a review is {overdue_days} days overdue"));
    }
    if !red.is_empty() {
        return Rag::Red(red);
    }
    if workload_flag_open {
        return Rag::Amber(vec!["a workload-pressure flag is open".into()]);
    }
    Rag::Green
}

/// One dated version of the Care Certificate standards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareCertificateVersion {
    /// "2015" or "2025".
    pub name: String,
    /// First day it may be used.
    pub in_force_from: String,
    /// Last day new records may start under it, if it has ended.
    #[serde(default)]
    pub last_used_on: Option<String>,
    /// The standards, in order.
    pub standards: Vec<String>,
}

/// The dated Care Certificate versions (`catalogue/care-certificate.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareCertificate {
    /// Versions, oldest first.
    #[serde(rename = "version")]
    pub versions: Vec<CareCertificateVersion>,
}

impl CareCertificate {
    /// Reads the data file.
    pub fn parse(text: &str) -> Result<CareCertificate, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The version a new induction starting on `start` uses: the newest in
    /// force on that day.
    pub fn for_start(&self, start: Date) -> Option<&CareCertificateVersion> {
        self.versions
            .iter()
            .filter(|v| v.in_force_from.parse::<Date>().is_ok_and(|d| d <= start))
            .filter(|v| {
                v.last_used_on
                    .as_deref()
                    .is_none_or(|l| l.parse::<Date>().is_ok_and(|d| start <= d))
            })
            .max_by_key(|v| v.in_force_from.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn criterion(key: &str, stage: Stage, due: Option<u32>) -> Criterion {
        Criterion {
            key: key.into(),
            title: key.replace('-', " "),
            stage,
            required: true,
            due_weeks: due,
        }
    }

    fn template() -> PathwayTemplate {
        PathwayTemplate {
            code: "core".into(),
            name: "Core pathway".into(),
            version: 1,
            criteria: vec![
                criterion("local-induction", Stage::Induction, Some(2)),
                criterion("care-certificate", Stage::Induction, Some(12)),
                criterion("observed-practice", Stage::Consolidation, Some(26)),
                Criterion {
                    required: false,
                    ..criterion("optional-reading", Stage::Consolidation, None)
                },
                criterion("supervision", Stage::HigherResponsibility, None),
                criterion("apprenticeship-start", Stage::FormalProgression, None),
            ],
            review_every_weeks: 12,
        }
    }

    fn signed(key: &str, by: i64, on: &str) -> Decision {
        Decision {
            criterion: key.into(),
            signed_off: true,
            by,
            on: date(on),
            reason: None,
        }
    }

    #[test]
    fn a_stage_completes_when_every_required_criterion_is_signed_off_and_opens_the_next() {
        let t = template();
        let d = vec![signed("local-induction", 2, "2026-01-10")];
        let p = progress(&t, &d);
        assert_eq!(
            (p[0].signed_off, p[0].required, p[0].complete),
            (1, 2, false)
        );
        assert!(p[0].open && !p[1].open);
        let d = vec![
            signed("local-induction", 2, "2026-01-10"),
            signed("care-certificate", 2, "2026-03-01"),
        ];
        let p = progress(&t, &d);
        assert!(p[0].complete && p[1].open && !p[2].open);
        assert_eq!(p[1].required, 1, "optional criteria do not count");
    }

    #[test]
    fn a_withdrawn_sign_off_no_longer_counts_but_the_record_stays() {
        let t = template();
        let mut d = vec![signed("local-induction", 2, "2026-01-10")];
        d.push(Decision {
            signed_off: false,
            reason: Some("signed against the wrong learner".into()),
            ..signed("local-induction", 3, "2026-01-11")
        });
        assert!(!is_signed_off("local-induction", &d));
        assert_eq!(d.len(), 2, "superseded, not edited");
        assert_eq!(progress(&t, &d)[0].signed_off, 0);
    }

    #[test]
    fn nobody_signs_off_their_own_evidence_and_withdrawals_need_a_reason() {
        let d = signed("local-induction", 7, "2026-01-10");
        assert_eq!(check_decision(&d, 7), Err(SignOffRefused::OwnEvidence));
        assert_eq!(check_decision(&d, 8), Ok(()));
        let withdraw = Decision {
            signed_off: false,
            ..d
        };
        assert_eq!(check_decision(&withdraw, 8), Err(SignOffRefused::NoReason));
    }

    #[test]
    fn rag_is_red_when_due_criteria_are_missing_or_a_review_is_overdue() {
        let t = template();
        let enrolled = date("2026-01-05");
        // Week 3: local induction (due week 2) missing.
        match rag(&t, enrolled, date("2026-01-26"), &[], None, false) {
            Rag::Red(reasons) => assert!(reasons[0].contains("local induction"), "{reasons:?}"),
            other => panic!("{other:?}"),
        }
        let d = vec![signed("local-induction", 2, "2026-01-12")];
        assert_eq!(
            rag(&t, enrolled, date("2026-01-26"), &d, None, false),
            Rag::Green
        );
        assert!(matches!(
            rag(&t, enrolled, date("2026-01-26"), &d, None, true),
            Rag::Amber(_)
        ));
        // Week 13 with no review: the review is overdue (and the Care Certificate too).
        match rag(&t, enrolled, date("2026-04-06"), &d, None, false) {
            Rag::Red(reasons) => assert!(
                reasons
                    .iter()
                    .any(|r| r.contains("review is 7 days overdue")),
                "{reasons:?}"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn publishing_makes_a_new_version_and_leaves_the_old_one_alone() {
        let v1 = template();
        let mut criteria = v1.criteria.clone();
        criteria.push(criterion(
            "escalation-routes",
            Stage::Consolidation,
            Some(20),
        ));
        let v2 = v1.publish(criteria);
        assert_eq!((v1.version, v2.version), (1, 2));
        assert_eq!(v2.criteria.len(), v1.criteria.len() + 1);
        assert_eq!(v2.code, v1.code);
    }

    #[test]
    fn the_care_certificate_version_follows_the_start_date() {
        let cc = CareCertificate::parse(include_str!("../../../catalogue/care-certificate.toml"))
            .unwrap();
        let v = |d: &str| {
            cc.for_start(date(d))
                .map(|v| (v.name.clone(), v.standards.len()))
        };
        assert_eq!(v("2024-06-01"), Some(("2015".into(), 15)));
        assert_eq!(
            v("2025-06-01"),
            Some(("2025".into(), 16)),
            "the newest in force"
        );
        assert_eq!(v("2025-09-01"), Some(("2025".into(), 16)));
        assert_eq!(v("2014-01-01"), None);
    }
}
