//! The outcomes page: retention, time to competence, internal progression
//! and who progresses by group, each as a chart with its table, under the
//! viewer's disclosure rule.

use super::{Choice, Layout, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use pathwise_domain::input::FieldError;

/// One group's row of the retention table.
#[derive(Debug, Clone)]
pub struct RetentionRow {
    /// "Everyone selected", "On a pathway", "Not on a pathway".
    pub group: String,
    /// People in the group, or "*" when suppressed.
    pub people: String,
    /// At 6, 12 and 18 months: "87.5% (80.1% to 92.3%)", or "suppressed".
    pub readings: Vec<String>,
    /// Leavers by 18 months, or "*".
    pub leavers: String,
}

/// Time to competence, in words.
#[derive(Debug, Clone)]
pub struct CompetenceView {
    /// People counted, or "*".
    pub people: String,
    /// Of them, competent by the as-of date, or "*".
    pub competent: String,
    /// "94 days (70 to 120 days)", "not reached yet" or "suppressed".
    pub median: String,
    /// The share competent at 3, 6 and 12 months.
    pub readings: Vec<String>,
}

/// One group's row of the progression table.
#[derive(Debug, Clone)]
pub struct ProgressionRow {
    /// "Everyone selected", "On a pathway", "Not on a pathway".
    pub group: String,
    /// For 12 and 24 months: (people followed, "25.0% (18.2% to 33.1%)").
    pub readings: Vec<(String, String)>,
}

/// One group's row of an equity table.
#[derive(Debug, Clone)]
pub struct EquityRowView {
    /// The group.
    pub group: String,
    /// People followed, or "*".
    pub people: String,
    /// Of them, people who took the step, or "*".
    pub progressed: String,
    /// "25.0% (18.2% to 33.1%)", "no one to count" or "suppressed".
    pub rate: String,
    /// "1.32 (0.95 to 1.84)", "undefined" or "suppressed".
    pub likelihood: String,
}

/// One equity table with its chart.
#[derive(Debug, Clone)]
pub struct EquityTableView {
    /// Its id ("equity-ethnicity").
    pub id: String,
    /// Its caption.
    pub caption: String,
    /// What the first column holds ("Ethnicity").
    pub heading: String,
    /// The rows.
    pub rows: Vec<EquityRowView>,
    /// The chart (SVG), when there is one.
    pub chart: Option<String>,
}

/// Managers' ratings, in words.
#[derive(Debug, Clone)]
pub struct SatisfactionView {
    /// Ratings counted, or "*".
    pub ratings: String,
    /// "3.6 (3.4 to 3.8)", "no ratings yet" or "suppressed".
    pub mean: String,
    /// For 1 to 5: (rating, how many, share).
    pub distribution: Vec<(String, String, String)>,
    /// By quarter: (quarter, ratings, mean).
    pub quarters: Vec<(String, String, String)>,
}

/// One band's row of the WRES indicator 1 table.
#[derive(Debug, Clone)]
pub struct BandRowView {
    /// "Band 3", "Whole workforce".
    pub band: String,
    /// White, BME, not known: a count or "*".
    pub counts: Vec<String>,
    /// BME share of known ethnicity, or "suppressed".
    pub bme_share: String,
}

/// The outcomes page.
#[derive(Template, WebTemplate)]
#[template(path = "outcomes.html")]
pub struct OutcomesPage {
    /// Layout.
    pub layout: Layout,
    /// Sites to choose.
    pub sites: Vec<Choice>,
    /// Roles at start to choose.
    pub roles: Vec<Choice>,
    /// Staff groups to choose.
    pub staff_groups: Vec<Choice>,
    /// Pathways to choose.
    pub pathways: Vec<Choice>,
    /// Role classes to choose.
    pub role_classes: Vec<Choice>,
    /// The as-of date as typed.
    pub as_of: String,
    /// The as-of date in words.
    pub as_of_words: String,
    /// What the figures are under: full or controlled, in words.
    pub disclosure: String,
    /// The retention table.
    pub retention: Vec<RetentionRow>,
    /// The retention chart (SVG), when there is one to draw.
    pub chart: Option<String>,
    /// Time to competence.
    pub competence: CompetenceView,
    /// Its chart.
    pub competence_chart: Option<String>,
    /// The progression table.
    pub progression: Vec<ProgressionRow>,
    /// Where everyone selected stepped up to within 24 months: (where, how many).
    pub destinations: Vec<(String, String)>,
    /// The progression chart.
    pub progression_chart: Option<String>,
    /// Steps the equity tables may count.
    pub steps: Vec<Choice>,
    /// Windows they may count over.
    pub windows: Vec<Choice>,
    /// What the equity tables count, in words ("a higher role within 24 months").
    pub equity_counts: String,
    /// Their window in months.
    pub equity_months: u32,
    /// The equity tables.
    pub equity: Vec<EquityTableView>,
    /// Managers' ratings.
    pub satisfaction: SatisfactionView,
    /// Their chart.
    pub satisfaction_chart: Option<String>,
    /// WRES indicator 1.
    pub bands: Vec<BandRowView>,
    /// Its chart.
    pub bands_chart: Option<String>,
    /// Evidence completeness by site and role: (site, role, learners,
    /// accepted, required, percent), the total last.
    pub completeness: Vec<[String; 6]>,
    /// WRES indicator 2 by period: (period, White, BME, likelihood).
    pub recruitment: Vec<[String; 4]>,
    /// Whether the viewer may import a recruitment extract (L&D admins).
    pub can_import: bool,
    /// The period just imported.
    pub imported: Option<String>,
    /// The CSRF token for the import form.
    pub csrf: String,
    /// The query string of the selection, for exports.
    pub query: String,
    /// Problems with the selection.
    pub errors: Vec<FieldError>,
}

field_errors!(OutcomesPage);
