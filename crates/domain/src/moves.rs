//! Moving learners to another version of their pathway: what the move does
//! to each one, worked out before anyone confirms it: the criteria that
//! start or stop applying to them, the ones overdue at once, and the stage
//! and status before and after.

use crate::Date;
use crate::pathway::{LearnerRecord, PathwayTemplate, Stage, standing};

/// What moving one learner from one version to another would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovePreview {
    /// Titles of criteria that apply to them in the new version only.
    pub added: Vec<String>,
    /// Titles of criteria that apply to them in the old version only.
    pub removed: Vec<String>,
    /// Titles of required criteria that would be overdue at once, and are
    /// not overdue now.
    pub newly_overdue: Vec<String>,
    /// The stage they are on now (`None`: every stage complete).
    pub stage_before: Option<Stage>,
    /// The stage they would be on.
    pub stage_after: Option<Stage>,
    /// Their status now, in words.
    pub status_before: &'static str,
    /// Their status after the move, in words.
    pub status_after: &'static str,
}

impl MovePreview {
    /// Whether the move makes things worse for them at once: newly overdue
    /// criteria, or a worse status.
    pub fn needs_attention(&self) -> bool {
        !self.newly_overdue.is_empty() || self.status_after != self.status_before
    }
}

/// Works out what moving a learner from `from` to `to` would do on `today`.
/// Their sign-offs stay with them: a criterion kept by key stays signed off.
pub fn preview_move(
    from: &PathwayTemplate,
    to: &PathwayTemplate,
    learner: LearnerRecord<'_>,
    today: Date,
) -> MovePreview {
    let before = standing(from, learner, today);
    let after = standing(to, learner, today);
    let (old, new) = (&before.template.criteria, &after.template.criteria);
    let has = |list: &[crate::pathway::Criterion], key: &str| list.iter().any(|c| c.key == key);
    let overdue_now = |key: &str| {
        old.iter()
            .any(|c| c.key == key && c.overdue(learner.enrolled, today, learner.decisions))
    };
    MovePreview {
        added: new
            .iter()
            .filter(|c| !has(old, &c.key))
            .map(|c| c.title.clone())
            .collect(),
        removed: old
            .iter()
            .filter(|c| !has(new, &c.key))
            .map(|c| c.title.clone())
            .collect(),
        newly_overdue: new
            .iter()
            .filter(|c| {
                c.overdue(learner.enrolled, today, learner.decisions) && !overdue_now(&c.key)
            })
            .map(|c| c.title.clone())
            .collect(),
        stage_before: before.current,
        stage_after: after.current,
        status_before: before.rag.label(),
        status_after: after.rag.label(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pathway::{Applies, Criterion, Decision, LearnerPlace};

    fn criterion(key: &str, stage: Stage, due_weeks: Option<u32>) -> Criterion {
        Criterion {
            key: key.into(),
            title: format!("Title of {key}"),
            stage,
            required: true,
            due_weeks,
            applies: Applies::Core,
            examples: String::new(),
            counts_as: None,
        }
    }

    fn template(version: u32, criteria: Vec<Criterion>) -> PathwayTemplate {
        PathwayTemplate {
            code: "support-worker".into(),
            name: "Support worker".into(),
            version,
            criteria,
            review_every_weeks: 52,
        }
    }

    #[test]
    fn a_move_names_what_is_added_removed_and_overdue_at_once() {
        let today: Date = "2026-12-01".parse().unwrap();
        let enrolled: Date = "2026-06-01".parse().unwrap();
        let v1 = template(
            1,
            vec![
                criterion("induction", Stage::Induction, Some(4)),
                criterion("old-check", Stage::Induction, None),
                criterion("later", Stage::Consolidation, Some(200)),
            ],
        );
        let v2 = template(
            2,
            vec![
                criterion("induction", Stage::Induction, Some(4)),
                criterion("hand-hygiene", Stage::Induction, Some(2)),
                criterion("later", Stage::Consolidation, Some(200)),
            ],
        );
        let signed = |key: &str, days| Decision {
            criterion: key.into(),
            signed_off: true,
            by: 9,
            on: enrolled.plus_days(days),
            reason: None,
        };
        let decisions = vec![signed("induction", 10), signed("old-check", 12)];
        let place = LearnerPlace {
            variant: None,
            site_id: 1,
            aim: None,
        };
        let learner = LearnerRecord {
            place: &place,
            enrolled,
            decisions: &decisions,
            last_review: Some(today),
            flag_events: &[],
        };
        let p = preview_move(&v1, &v2, learner, today);
        assert_eq!(p.added, ["Title of hand-hygiene"]);
        assert_eq!(p.removed, ["Title of old-check"]);
        assert_eq!(p.newly_overdue, ["Title of hand-hygiene"]);
        assert_eq!(p.stage_before, Some(Stage::Consolidation));
        assert_eq!(p.stage_after, Some(Stage::Induction), "back to induction");
        assert_eq!((p.status_before, p.status_after), ("On track", "Behind"));
        assert!(p.needs_attention());
        let same = preview_move(&v1, &v1, learner, today);
        assert!(same.added.is_empty() && same.newly_overdue.is_empty());
        assert!(!same.needs_attention());
    }
}
