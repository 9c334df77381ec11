//! The outcomes page: retention of the staff selected, as a chart with its
//! table, under the viewer's disclosure rule.

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
    /// The query string of the selection, for exports.
    pub query: String,
    /// Problems with the selection.
    pub errors: Vec<FieldError>,
}

field_errors!(OutcomesPage);
