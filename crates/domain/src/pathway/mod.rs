//! Four-stage progression pathways: templates and their versions, criteria,
//! sign-off decisions (append-only, superseded rather than edited), stage
//! completion and the red/amber/green status of a learner. Groundwork for the
//! pathway feature; pure rules only.

use crate::dates::Date;
use crate::evidence::EvidenceStatus;
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

impl Stage {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Induction => "induction",
            Stage::Consolidation => "consolidation",
            Stage::HigherResponsibility => "higher_responsibility",
            Stage::FormalProgression => "formal_progression",
        }
    }

    /// Reads a stored code.
    pub fn from_code(s: &str) -> Option<Stage> {
        Self::ALL.into_iter().find(|st| st.code() == s.trim())
    }

    /// The stage's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Induction => "Induction and baseline competence",
            Stage::Consolidation => "Role consolidation",
            Stage::HigherResponsibility => "Higher responsibility",
            Stage::FormalProgression => "Formal progression",
        }
    }
}

/// Whom a criterion applies to: everyone on the pathway (the organisation-wide
/// core), one variant (theatre, outpatient, care, administration...), one
/// site, or learners aiming at one role. A variant, site or aim criterion with
/// the same key as a core one replaces it for those learners; otherwise it adds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Applies {
    /// Every learner.
    #[default]
    Core,
    /// Learners on one variant, e.g. `theatre`.
    Variant(String),
    /// Learners at one site (its id).
    Site(i64),
    /// Learners aiming at one role (its code).
    Aim(String),
}

impl Applies {
    /// The stored form: `core`, `variant:theatre`, `site:12`, `aim:senior-hcsw`.
    pub fn code(&self) -> String {
        match self {
            Applies::Core => "core".into(),
            Applies::Variant(v) => format!("variant:{v}"),
            Applies::Site(s) => format!("site:{s}"),
            Applies::Aim(r) => format!("aim:{r}"),
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Applies> {
        let s = s.trim();
        if s == "core" || s.is_empty() {
            return Some(Applies::Core);
        }
        let (kind, value) = s.split_once(':')?;
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        match kind {
            "variant" => Some(Applies::Variant(value.into())),
            "site" => value.parse().ok().map(Applies::Site),
            "aim" => Some(Applies::Aim(value.into())),
            _ => None,
        }
    }

    fn specificity(&self) -> u8 {
        match self {
            Applies::Core => 0,
            Applies::Variant(_) => 1,
            Applies::Aim(_) => 2,
            Applies::Site(_) => 3,
        }
    }
}

impl Serialize for Applies {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Applies {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Applies::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "'{s}' is not core, variant:NAME, site:ID or aim:ROLE"
            ))
        })
    }
}

/// Who a learner is, for choosing the criteria that apply to them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LearnerPlace {
    /// Their pathway variant, if any.
    pub variant: Option<String>,
    /// Their site.
    pub site_id: i64,
    /// The role they aim at, if chosen.
    pub aim: Option<String>,
}

impl Applies {
    /// Whether the criterion applies to a learner.
    pub fn covers(&self, place: &LearnerPlace) -> bool {
        match self {
            Applies::Core => true,
            Applies::Variant(v) => place.variant.as_deref() == Some(v.as_str()),
            Applies::Site(s) => place.site_id == *s,
            Applies::Aim(r) => place.aim.as_deref() == Some(r.as_str()),
        }
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
    #[serde(default = "yes")]
    pub required: bool,
    /// Weeks after enrolment by which it should be signed off.
    #[serde(default)]
    pub due_weeks: Option<u32>,
    /// Whom it applies to.
    #[serde(default)]
    pub applies: Applies,
    /// Examples of evidence that meets it, in the learner's words.
    #[serde(default)]
    pub examples: String,
    /// The career framework requirement its sign-off meets (e.g. "Care
    /// Certificate"), so next options count it as held.
    #[serde(default)]
    pub counts_as: Option<String>,
}

fn yes() -> bool {
    true
}

impl Criterion {
    /// The date it should be signed off by, for a learner enrolled on `enrolled`.
    pub fn due_on(&self, enrolled: Date) -> Option<Date> {
        self.due_weeks
            .map(|w| Date::from_unix_days(enrolled.to_unix_days() + i64::from(w) * 7))
    }

    /// Whether it is required, due by `today` and not signed off: what makes
    /// a learner red.
    pub fn overdue(&self, enrolled: Date, today: Date, decisions: &[Decision]) -> bool {
        self.required
            && self.due_on(enrolled).is_some_and(|d| d <= today)
            && !is_signed_off(&self.key, decisions)
    }
}

/// The weeks allowed between reviews of a pathway.
pub const REVIEW_WEEKS: std::ops::RangeInclusive<u32> = 1..=52;

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

/// Why a template cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// Something is wrong with one criterion or the template.
    #[error("{0}")]
    Invalid(String),
}

impl PathwayTemplate {
    /// Checks a template before it is stored: a code and name, a review
    /// interval of 1-52 weeks, criteria with keys and titles, and no key used
    /// twice for the same learners.
    pub fn check(&self) -> Result<(), TemplateError> {
        let bad = |m: String| Err(TemplateError::Invalid(m));
        if !valid_key(&self.code) {
            return bad(format!(
                "pathway code '{}' must be lower-case letters, digits and hyphens",
                self.code
            ));
        }
        if self.name.trim().is_empty() {
            return bad("give the pathway a name".into());
        }
        if !REVIEW_WEEKS.contains(&self.review_every_weeks) {
            return bad(format!(
                "reviews every {} weeks: give a number from 1 to 52",
                self.review_every_weeks
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, c) in self.criteria.iter().enumerate() {
            let n = i + 1;
            if !valid_key(&c.key) {
                return bad(format!(
                    "criterion {n}: key '{}' must be lower-case letters, digits and hyphens",
                    c.key
                ));
            }
            if c.title.trim().is_empty() {
                return bad(format!("criterion {n} ('{}'): give it a title", c.key));
            }
            if c.due_weeks.is_some_and(|w| w > 520) {
                return bad(format!(
                    "criterion {n} ('{}'): due week must be at most 520",
                    c.key
                ));
            }
            if !seen.insert((c.key.clone(), c.applies.clone())) {
                return bad(format!(
                    "criterion {n}: key '{}' is used twice for {}",
                    c.key,
                    c.applies.code()
                ));
            }
        }
        if !self.criteria.iter().any(|c| c.applies == Applies::Core) {
            return bad("the core pathway needs at least one criterion for everyone".into());
        }
        Ok(())
    }

    /// The criteria that apply to one learner, in template order: the core,
    /// with variant, aim and site criteria added or replacing a core one with
    /// the same key (the most specific wins).
    pub fn for_learner(&self, place: &LearnerPlace) -> PathwayTemplate {
        let mut chosen: Vec<Criterion> = Vec::new();
        for c in self.criteria.iter().filter(|c| c.applies.covers(place)) {
            match chosen.iter_mut().find(|k| k.key == c.key) {
                Some(k) if c.applies.specificity() >= k.applies.specificity() => *k = c.clone(),
                Some(_) => {}
                None => chosen.push(c.clone()),
            }
        }
        PathwayTemplate {
            criteria: chosen,
            ..self.clone()
        }
    }

    /// The variants named by any criterion, sorted.
    pub fn variants(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .criteria
            .iter()
            .filter_map(|c| match &c.applies {
                Applies::Variant(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Keys and codes: lower-case letters, digits and hyphens.
pub fn valid_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The pathway templates shipped with Pathwise (`catalogue/pathways.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathwayFile {
    /// The templates.
    #[serde(rename = "pathway")]
    pub pathways: Vec<PathwayTemplate>,
}

impl PathwayFile {
    /// Reads and checks the file.
    pub fn parse(text: &str) -> Result<PathwayFile, String> {
        let f: PathwayFile = toml::from_str(text).map_err(|e| e.to_string())?;
        for p in &f.pathways {
            p.check()
                .map_err(|e| format!("pathway '{}': {e}", p.code))?;
        }
        Ok(f)
    }
}

/// When the next review is due: every `every_weeks` after the last review
/// held, or after enrolment when none has been held.
pub fn next_review_due(enrolled: Date, last_review: Option<Date>, every_weeks: u32) -> Date {
    let since = last_review.unwrap_or(enrolled);
    Date::from_unix_days(since.to_unix_days() + i64::from(every_weeks) * 7)
}

/// The career framework requirement met by completing the Care Certificate:
/// a criterion that counts as it shows the standards of the version in force.
pub const CARE_CERTIFICATE_REQUIREMENT: &str = "Care Certificate";

impl Criterion {
    /// Whether signing this criterion off completes the Care Certificate.
    pub fn is_care_certificate(&self) -> bool {
        self.counts_as.as_deref() == Some(CARE_CERTIFICATE_REQUIREMENT)
    }
}

/// Where a learner stands on one criterion, as their pathway page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CriterionStatus {
    /// Signed off.
    SignedOff,
    /// Evidence offered for it waits for an assessor.
    EvidenceWaiting,
    /// Evidence offered for it was returned, and none waits.
    Returned,
    /// Nothing offered yet.
    NotStarted,
}

impl CriterionStatus {
    /// The status of a criterion from whether it is signed off and the
    /// statuses of the evidence offered for it: signed off wins, then
    /// evidence waiting, then evidence returned.
    pub fn of(signed_off: bool, offered: impl IntoIterator<Item = EvidenceStatus>) -> Self {
        if signed_off {
            return CriterionStatus::SignedOff;
        }
        let offered: Vec<EvidenceStatus> = offered.into_iter().collect();
        if offered.contains(&EvidenceStatus::Waiting) {
            CriterionStatus::EvidenceWaiting
        } else if offered.contains(&EvidenceStatus::Returned) {
            CriterionStatus::Returned
        } else {
            CriterionStatus::NotStarted
        }
    }

    /// Words for the learner.
    pub fn label(self) -> &'static str {
        match self {
            CriterionStatus::SignedOff => "Signed off",
            CriterionStatus::EvidenceWaiting => "Evidence waiting",
            CriterionStatus::Returned => "Returned: add more evidence",
            CriterionStatus::NotStarted => "Not started",
        }
    }

    /// The NHS.UK tag colour that goes with it.
    pub fn tag(self) -> &'static str {
        match self {
            CriterionStatus::SignedOff => "green",
            CriterionStatus::EvidenceWaiting => "blue",
            CriterionStatus::Returned => "orange",
            CriterionStatus::NotStarted => "grey",
        }
    }
}

/// How far ahead "reviews due" lists look, in days.
pub const REVIEWS_DUE_WITHIN_DAYS: i64 = 14;

/// Whether a review due on `next_review` belongs in the "reviews due" list
/// on `today`: overdue, or due within [`REVIEWS_DUE_WITHIN_DAYS`].
pub fn review_due_soon(next_review: Date, today: Date) -> bool {
    next_review.to_unix_days() <= today.to_unix_days() + REVIEWS_DUE_WITHIN_DAYS
}

/// Whether a workload-pressure flag is open: the latest flag event decides
/// (raised by the learner or manager at any time, or set or cleared at a
/// review). Events are `(when, open)` in any order; a later one wins, and on
/// a tie the later in the list.
pub fn workload_flag_open(events: &[(i64, bool)]) -> bool {
    events
        .iter()
        .enumerate()
        .max_by_key(|(i, (at, _))| (*at, *i))
        .is_some_and(|(_, (_, open))| *open)
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

impl Rag {
    /// The status in the words every page uses.
    pub fn label(&self) -> &'static str {
        match self {
            Rag::Red(_) => "Behind",
            Rag::Amber(_) => "Under pressure",
            Rag::Green => "On track",
        }
    }
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
    let mut red = Vec::new();
    for c in &template.criteria {
        if let Some(weeks) = c.due_weeks
            && c.overdue(enrolled, today, decisions)
        {
            red.push(format!(
                "'{}' was due by week {weeks} and is not signed off",
                c.title
            ));
        }
    }
    let due = next_review_due(enrolled, last_review, template.review_every_weeks);
    let overdue_days = today.to_unix_days() - due.to_unix_days();
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

/// Where a learner stands on their pathway today: the criteria that apply to
/// them, progress per stage, their current stage, status, next review and
/// evidence completeness. Worked out the same way for every page and export.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// The template narrowed to the criteria that apply to the learner.
    pub template: PathwayTemplate,
    /// Progress through each stage.
    pub stages: Vec<StageProgress>,
    /// The stage being worked on; `None` when every stage is complete.
    pub current: Option<Stage>,
    /// Red, amber or green with reasons.
    pub rag: Rag,
    /// When the next review is due.
    pub next_review: Date,
    /// Whether a workload-pressure flag is open.
    pub workload_open: bool,
    /// Required criteria signed off (the numerator of evidence completeness).
    pub signed_off: usize,
    /// Required criteria (its denominator).
    pub required: usize,
    /// Framework requirements met by signed-off criteria (`counts_as`).
    pub requirements_met: Vec<String>,
}

/// Everything [`standing`] needs about one learner.
#[derive(Debug, Clone, Copy)]
pub struct LearnerRecord<'a> {
    /// Who and where the learner is.
    pub place: &'a LearnerPlace,
    /// The enrolment date.
    pub enrolled: Date,
    /// Sign-off decisions in the order made.
    pub decisions: &'a [Decision],
    /// The latest review held.
    pub last_review: Option<Date>,
    /// Workload-flag events `(when, open)`.
    pub flag_events: &'a [(i64, bool)],
}

/// Works out a learner's standing on `today`.
pub fn standing(template: &PathwayTemplate, learner: LearnerRecord<'_>, today: Date) -> Standing {
    let mine = template.for_learner(learner.place);
    let stages = progress(&mine, learner.decisions);
    let current = stages.iter().find(|s| !s.complete).map(|s| s.stage);
    let workload_open = workload_flag_open(learner.flag_events);
    let rag = rag(
        &mine,
        learner.enrolled,
        today,
        learner.decisions,
        learner.last_review,
        workload_open,
    );
    let requirements_met = mine
        .criteria
        .iter()
        .filter(|c| is_signed_off(&c.key, learner.decisions))
        .filter_map(|c| c.counts_as.clone())
        .collect();
    Standing {
        next_review: next_review_due(
            learner.enrolled,
            learner.last_review,
            mine.review_every_weeks,
        ),
        signed_off: stages.iter().map(|s| s.signed_off).sum(),
        required: stages.iter().map(|s| s.required).sum(),
        stages,
        current,
        rag,
        workload_open,
        requirements_met,
        template: mine,
    }
}

impl Rag {
    /// "red", "amber" or "green".
    pub fn code(&self) -> &'static str {
        match self {
            Rag::Red(_) => "red",
            Rag::Amber(_) => "amber",
            Rag::Green => "green",
        }
    }

    /// The reasons, empty when green.
    pub fn reasons(&self) -> &[String] {
        match self {
            Rag::Red(r) | Rag::Amber(r) => r,
            Rag::Green => &[],
        }
    }
}

/// The status rule in words, shown beside every status.
pub const RAG_RULE: &str = "Behind when a required criterion due by now is not signed off, or a review is overdue. \
Under pressure when a workload-pressure flag is open (the learner or manager can raise one at any time; the next review sets or clears it). \
On track otherwise.";

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
    /// Reads and checks the data file: every version has a name, dates
    /// written as dates and at least one standard.
    pub fn parse(text: &str) -> Result<CareCertificate, String> {
        let cc: CareCertificate = toml::from_str(text).map_err(|e| e.to_string())?;
        for (i, v) in cc.versions.iter().enumerate() {
            let at = format!("version {} ('{}')", i + 1, v.name);
            if v.name.trim().is_empty() {
                return Err(format!("version {}: name: give the version a name", i + 1));
            }
            if v.in_force_from.parse::<Date>().is_err() {
                return Err(format!(
                    "{at}: in_force_from: '{}' is not a date like 2015-04-01",
                    v.in_force_from
                ));
            }
            if let Some(l) = &v.last_used_on
                && l.parse::<Date>().is_err()
            {
                return Err(format!(
                    "{at}: last_used_on: '{l}' is not a date like 2026-03-31"
                ));
            }
            if v.standards.is_empty() {
                return Err(format!("{at}: standards: list at least one standard"));
            }
        }
        Ok(cc)
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
mod tests;
