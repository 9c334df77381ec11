//! Page views for pathways: the learner's pathway, evidence, the assessor's
//! inbox, team progress and the L&D admin's pathways, enrolments and
//! evidence completeness.

use crate::views::{Choice, FieldError, Layout, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use pathwise_domain::{Date, PageNumber};
use pathwise_storage::pathways::{Evidence, Review, VersionInfo};

/// One criterion as shown on a learner's pathway.
#[derive(Debug, Clone)]
pub struct CriterionRow {
    /// Its key.
    pub key: String,
    /// What must be shown.
    pub title: String,
    /// Examples of evidence.
    pub examples: String,
    /// Required for the stage.
    pub required: bool,
    /// Due date, if it has one.
    pub due: Option<Date>,
    /// Whether it is past due and not signed off.
    pub overdue: bool,
    /// "Signed off", "Evidence waiting", "Returned: add more", "Not started".
    pub status: String,
    /// NHS tag colour modifier: green, blue, orange, grey, red.
    pub tag: &'static str,
    /// Who signed it off and when, when signed off.
    pub signed: Option<String>,
    /// Whether it is signed off now.
    pub is_signed_off: bool,
    /// Care Certificate standards to show under it (the version in force at enrolment).
    pub standards: Vec<String>,
}

/// One stage as shown.
#[derive(Debug, Clone)]
pub struct StageView {
    /// 1-4.
    pub number: u8,
    /// Its name.
    pub label: &'static str,
    /// Required criteria signed off.
    pub signed_off: usize,
    /// Required criteria.
    pub required: usize,
    /// "Complete", "In progress" or "Not started yet".
    pub state: &'static str,
    /// The criteria.
    pub criteria: Vec<CriterionRow>,
}

/// A route on from the learner's role, shown beside stage 4.
#[derive(Debug, Clone)]
pub struct RouteView {
    /// Where it leads.
    pub role: String,
    /// The route's name.
    pub route: String,
    /// Readiness, 0-100.
    pub readiness: u32,
}

/// The learner's pathway, as the learner, their manager, an assessor or the
/// L&D admin sees it.
#[derive(Template, WebTemplate)]
#[template(path = "pathway.html")]
pub struct PathwayPage {
    /// Layout.
    pub layout: Layout,
    /// The learner's staff record.
    pub person_id: i64,
    /// The learner's name.
    pub name: String,
    /// Whether the viewer is the learner.
    pub own: bool,
    /// The pathway, when enrolled.
    pub enrolled: Option<EnrolledView>,
    /// Pathways the viewer may enrol the learner on, when not enrolled.
    pub enrol_choices: Vec<Choice>,
    /// Roles a learner can aim at, by title (the form sends the code).
    pub aim_choices: Vec<Choice>,
    /// Variants offered at enrolment.
    pub variant_choices: Vec<Choice>,
    /// The viewer's CSRF token.
    pub csrf: String,
    /// Today, for the enrolment form.
    pub today: Date,
    /// A message after a change, e.g. "Evidence sent to your assessor".
    pub notice: Option<String>,
    /// Errors from the form just sent, shown in the summary and at the field.
    pub errors: Vec<FieldError>,
    /// What was typed into the forms, shown again beside an error.
    pub typed: PathwayForms,
    /// Reasons offered for ending an enrolment.
    pub end_reasons: Vec<Choice>,
    /// Earlier enrolments that have ended, latest first.
    pub ended: Vec<EndedView>,
    /// Whether the viewer may enrol, end and reopen (line manager or L&D).
    pub may_manage: bool,
}

/// What was typed into the pathway page's forms. Dates start as today.
#[derive(Debug, Clone, Default)]
pub struct PathwayForms {
    /// Review: date held.
    pub held_on: String,
    /// Review: progress discussed.
    pub progress: String,
    /// Review: actions agreed.
    pub actions: String,
    /// Review: `yes` or `no`; empty for the current flag.
    pub workload: String,
    /// Review: rating 1-5.
    pub rating: String,
    /// Workload flag: what causes the pressure.
    pub flag_note: String,
    /// Withdrawal: the criterion.
    pub withdraw_criterion: String,
    /// Withdrawal: why.
    pub withdraw_reason: String,
    /// Enrolment: the version chosen.
    pub version_id: String,
    /// Enrolment: the variant.
    pub variant: String,
    /// Enrolment: the role aimed at.
    pub aim: String,
    /// Enrolment: its date.
    pub enrolled_on: String,
    /// Ending: the reason code.
    pub end_reason: String,
    /// Ending: the last day.
    pub ended_on: String,
    /// Ending: what happened.
    pub end_note: String,
}

impl PathwayForms {
    /// Empty forms with today's date in the date fields.
    pub fn fresh(today: Date) -> PathwayForms {
        let t = today.to_string();
        PathwayForms {
            held_on: t.clone(),
            enrolled_on: t.clone(),
            ended_on: t,
            ..PathwayForms::default()
        }
    }
}

/// An ended enrolment in the learner's history.
#[derive(Debug, Clone)]
pub struct EndedView {
    /// The enrolment.
    pub enrolment_id: i64,
    /// Pathway name and version.
    pub pathway: String,
    /// Enrolled on.
    pub enrolled_on: Date,
    /// Ended on.
    pub ended_on: Date,
    /// Why, in words.
    pub reason: &'static str,
    /// What happened.
    pub note: String,
}

/// Everything about an enrolled learner's pathway.
#[derive(Debug, Clone)]
pub struct EnrolledView {
    /// Enrolment id.
    pub enrolment_id: i64,
    /// The pathway's name and version.
    pub pathway: String,
    /// The variant.
    pub variant: Option<String>,
    /// The role aimed at.
    pub aim: Option<String>,
    /// The enrolment date.
    pub enrolled_on: Date,
    /// The stage being worked on.
    pub current_stage: String,
    /// "red", "amber" or "green".
    pub rag: &'static str,
    /// Reasons for red or amber.
    pub rag_reasons: Vec<String>,
    /// The rule in words.
    pub rag_rule: &'static str,
    /// Next review due.
    pub next_review: Date,
    /// Whether it is overdue.
    pub review_overdue: bool,
    /// Whether a workload flag is open.
    pub workload_open: bool,
    /// What to do next, in words.
    pub next_steps: Vec<String>,
    /// Stages.
    pub stages: Vec<StageView>,
    /// Routes from the learner's role (stage 4), from the career framework.
    pub routes: Vec<RouteView>,
    /// Evidence, newest first.
    pub evidence: Vec<Evidence>,
    /// Reviews, newest first.
    pub reviews: Vec<Review>,
    /// Whether the viewer may add evidence (the learner).
    pub may_add_evidence: bool,
    /// Whether the viewer may record observed practice and withdraw sign-offs.
    pub may_assess: bool,
    /// Whether the viewer may record reviews (manager or L&D).
    pub may_review: bool,
    /// Whether the viewer may raise a workload flag (learner or manager).
    pub may_flag: bool,
    /// Signed-off criteria, for the withdraw form.
    pub signed_off: Vec<Choice>,
}

/// The form to add evidence (reflection or file) or record observed practice.
#[derive(Template, WebTemplate)]
#[template(path = "evidence_form.html")]
pub struct EvidenceFormPage {
    /// Layout.
    pub layout: Layout,
    /// The learner.
    pub person_id: i64,
    /// The learner's name.
    pub name: String,
    /// Whether the viewer is the learner.
    pub own: bool,
    /// Criteria to offer the evidence for (open stages, not yet signed off).
    pub criteria: Vec<Choice>,
    /// Kinds offered: reflection and file to the learner, observation to an assessor.
    pub kinds: Vec<Choice>,
    /// Title typed.
    pub title: String,
    /// Text typed.
    pub body: String,
    /// Shift or activity typed.
    pub activity: String,
    /// The size limit in MB, stated on the form.
    pub limit_mb: u64,
    /// Problems.
    pub errors: Vec<FieldError>,
}

/// One piece of evidence with the decision form.
#[derive(Template, WebTemplate)]
#[template(path = "evidence.html")]
pub struct EvidencePage {
    /// Layout.
    pub layout: Layout,
    /// The evidence.
    pub evidence: Evidence,
    /// Criterion titles it is offered for.
    pub criteria: Vec<String>,
    /// Whether the viewer may decide now.
    pub may_decide: bool,
    /// Why the viewer may not decide, when they are an assessor who cannot.
    pub decide_blocked: Option<String>,
    /// Problems with the decision form.
    pub errors: Vec<FieldError>,
    /// The decision just recorded, with the next item in the inbox.
    pub decided: Option<DecisionRecorded>,
}

/// What an assessor sees straight after recording a decision.
#[derive(Debug, Clone)]
pub struct DecisionRecorded {
    /// "Accepted" or "Returned", and when, in words.
    pub summary: String,
    /// The next piece of evidence waiting: (link, title, learner).
    pub next: Option<(String, String, String)>,
    /// How many are still waiting.
    pub waiting: i64,
}

/// The assessor's inbox.
#[derive(Template, WebTemplate)]
#[template(path = "inbox.html")]
pub struct InboxPage {
    /// Layout.
    pub layout: Layout,
    /// Waiting evidence, oldest first.
    pub items: Vec<Evidence>,
    /// Total waiting.
    pub total: i64,
    /// Page number from 1.
    pub page: PageNumber,
    /// Link to the previous page.
    pub prev_href: Option<String>,
    /// Link to the next page.
    pub next_href: Option<String>,
    /// Learners with evidence waiting, for the filter ("" = everyone).
    pub learners: Vec<Choice>,
    /// The learner chosen, if any.
    pub learner: Option<i64>,
    /// The export links' query (`?learner=N` or empty).
    pub export_query: String,
    /// Whose evidence this inbox holds, and why, in words.
    pub scope_note: String,
    /// The viewer's own reports, whose evidence comes first.
    pub team: Vec<i64>,
}

/// One learner in a progress table.
#[derive(Debug, Clone)]
pub struct ProgressRow {
    /// Staff record.
    pub person_id: i64,
    /// The enrolment's number (for moves).
    pub enrolment_id: i64,
    /// Name.
    pub name: String,
    /// Site.
    pub site: String,
    /// Role title.
    pub role: String,
    /// Pathway and version.
    pub pathway: String,
    /// Current stage number (5 when complete).
    pub stage: u8,
    /// Current stage's name.
    pub stage_label: String,
    /// red, amber, green.
    pub rag: &'static str,
    /// Reasons.
    pub reasons: String,
    /// Next review.
    pub next_review: Date,
    /// Review overdue.
    pub review_overdue: bool,
    /// Evidence waiting for a decision.
    pub waiting: i64,
    /// Required criteria signed off.
    pub signed_off: usize,
    /// Required criteria.
    pub required: usize,
}

/// Team progress (manager) or all enrolments (L&D admin).
#[derive(Template, WebTemplate)]
#[template(path = "progress.html")]
pub struct ProgressPage {
    /// Layout.
    pub layout: Layout,
    /// Heading.
    pub heading: String,
    /// Rows shown.
    pub rows: Vec<ProgressRow>,
    /// Learners at each stage 1-4 and complete.
    pub by_stage: Vec<(String, usize)>,
    /// Learners red, amber, green.
    pub by_rag: Vec<(&'static str, usize)>,
    /// Reviews due in the next 14 days or overdue.
    pub reviews_due: Vec<ProgressRow>,
    /// Export link stem, e.g. `/team/progress`.
    pub export_stem: String,
    /// The RAG rule in words.
    pub rag_rule: &'static str,
    /// The filter chosen (`red`, `amber`, `green` or empty).
    pub filter: String,
    /// Page number from 1.
    pub page: PageNumber,
    /// Link to the previous page.
    pub prev_href: Option<String>,
    /// Link to the next page.
    pub next_href: Option<String>,
    /// Total rows matching.
    pub total: usize,
    /// For the L&D admin: forms to enrol and move learners.
    pub admin: Option<EnrolmentAdmin>,
    /// Problems with the last upload (admin only).
    pub errors: Vec<FieldError>,
}

/// The L&D admin's enrolment tools.
#[derive(Debug, Clone)]
pub struct EnrolmentAdmin {
    /// The CSRF token.
    pub csrf: String,
    /// Pathway versions to move learners to.
    pub versions: Vec<Choice>,
    /// A message after a change.
    pub notice: Option<String>,
    /// The move form's enrolment number, as typed.
    pub move_enrolment: String,
    /// The move form's reason, as typed.
    pub move_reason: String,
}

/// The L&D admin's pathway templates and versions.
#[derive(Template, WebTemplate)]
#[template(path = "pathways_admin.html")]
pub struct PathwaysAdminPage {
    /// Layout.
    pub layout: Layout,
    /// Every version, newest first within each pathway.
    pub versions: Vec<VersionInfo>,
    /// Pathways a new one can start from (their newest criteria are copied).
    pub start_from: Vec<Choice>,
    /// The new-pathway form as typed.
    pub form: NewPathwayForm,
    /// Its errors.
    pub errors: Vec<FieldError>,
    /// CSRF token.
    pub csrf: String,
}

/// The new-pathway form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewPathwayForm {
    /// CSRF.
    #[serde(default)]
    pub csrf: String,
    /// Code, e.g. `theatre-support`.
    #[serde(default)]
    pub code: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Weeks between reviews.
    #[serde(default)]
    pub review_every_weeks: String,
    /// The pathway whose newest criteria are copied; empty to start from none.
    #[serde(default)]
    pub from: String,
}

/// The pathway settings form (name and review interval).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SettingsForm {
    /// CSRF.
    #[serde(default)]
    pub csrf: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Weeks between reviews.
    #[serde(default)]
    pub review_every_weeks: String,
    /// What changed, for the version history.
    #[serde(default)]
    pub settings_note: String,
}

/// A criterion row in the template editor.
#[derive(Debug, Clone)]
pub struct TemplateCriterion {
    /// Key.
    pub key: String,
    /// Title.
    pub title: String,
    /// Stage number.
    pub stage: u8,
    /// Whom it applies to, in words.
    pub applies: String,
    /// Its stored scope code (for the remove form).
    pub applies_code: String,
    /// Required.
    pub required: bool,
    /// Due week.
    pub due_weeks: Option<u32>,
    /// Examples.
    pub examples: String,
}

/// One pathway's newest version, with the forms that publish a new one.
#[derive(Template, WebTemplate)]
#[template(path = "pathway_template.html")]
pub struct PathwayTemplatePage {
    /// Layout.
    pub layout: Layout,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Newest version number.
    pub version: u32,
    /// Weeks between reviews.
    pub review_every_weeks: u32,
    /// Criteria.
    pub criteria: Vec<TemplateCriterion>,
    /// Stage choices.
    pub stages: Vec<Choice>,
    /// Site choices for site additions.
    pub sites: Vec<Choice>,
    /// CSRF.
    pub csrf: String,
    /// Problems.
    pub errors: Vec<FieldError>,
    /// Values typed in the add form.
    pub form: CriterionForm,
    /// A message after publishing.
    pub notice: Option<String>,
    /// The settings form as typed.
    pub settings: SettingsForm,
}

/// The add-criterion form's values.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CriterionForm {
    /// CSRF.
    #[serde(default)]
    pub csrf: String,
    /// Key.
    #[serde(default)]
    pub key: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Stage code.
    #[serde(default)]
    pub stage: String,
    /// `core`, `variant`, `site` or `aim`.
    #[serde(default)]
    pub applies_kind: String,
    /// The variant name, site id or role code.
    #[serde(default)]
    pub applies_value: String,
    /// "yes" when required.
    #[serde(default)]
    pub required: String,
    /// Due week, blank for none.
    #[serde(default)]
    pub due_weeks: String,
    /// Examples.
    #[serde(default)]
    pub examples: String,
    /// What changed, for the version history.
    #[serde(default)]
    pub change_note: String,
    /// `key|applies` of the criterion this form changes; empty to add one.
    #[serde(default)]
    pub replaces: String,
}

/// One row of evidence completeness.
#[derive(Debug, Clone)]
pub struct CompletenessRow {
    /// Site.
    pub site: String,
    /// Role title.
    pub role: String,
    /// Learners.
    pub learners: usize,
    /// Required criteria signed off on accepted evidence.
    pub accepted: usize,
    /// Required criteria.
    pub required: usize,
    /// accepted / required, as a percentage.
    pub percent: Option<f64>,
}

/// Evidence completeness by site and role (METRICS.md).
#[derive(Template, WebTemplate)]
#[template(path = "completeness.html")]
pub struct CompletenessPage {
    /// Layout.
    pub layout: Layout,
    /// Rows by site then role.
    pub rows: Vec<CompletenessRow>,
    /// The organisation's total.
    pub total: CompletenessRow,
}

/// Formats a rate for templates.
pub fn percent(p: &Option<f64>) -> String {
    p.map_or("-".into(), |p| format!("{p:.1}%"))
}

field_errors!(
    EvidenceFormPage,
    EvidencePage,
    PathwayTemplatePage,
    PathwaysAdminPage,
    PathwayPage,
    ProgressPage
);
