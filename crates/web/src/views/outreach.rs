//! The outreach page: the funnel from activities to starts with its chart
//! and exports, the targeting figures, and (for the organisation's own
//! outreach) the activities with the forms that record them.

use super::{Choice, Layout, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use pathwise_domain::input::FieldError;

/// One row of the funnel, as shown.
#[derive(Debug, Clone)]
pub struct FunnelLine {
    /// The group.
    pub group: String,
    /// Counts as shown: activities, young people, disadvantaged,
    /// applications, offers, starts.
    pub counts: [String; 6],
    /// Applications per young person, with its interval.
    pub application_rate: String,
    /// Offers per application.
    pub offer_rate: String,
    /// Starts per young person.
    pub conversion: String,
}

/// A targeting row.
#[derive(Debug, Clone)]
pub struct TargetingLine {
    /// The region.
    pub region: String,
    /// Year 11 interest, or "Not published".
    pub interest: String,
    /// Vacancy rate, or "Not published".
    pub vacancy_rate: String,
    /// Sources, in words.
    pub sources: String,
}

/// An activity as listed.
#[derive(Debug, Clone)]
pub struct ActivityLine {
    /// Its reference.
    pub reference: String,
    /// Kind in words.
    pub kind: String,
    /// Date in words.
    pub date: String,
    /// School or college.
    pub school: String,
    /// Careers hub.
    pub hub: String,
    /// Young people (and teachers).
    pub took_part: String,
    /// Applications, offers and starts so far.
    pub followed: String,
}

/// One text field of a form, with what was typed and its error.
#[derive(Debug, Clone)]
pub struct TextBox {
    /// Field name and id.
    pub name: String,
    /// Label.
    pub label: String,
    /// Hint, when there is one.
    pub hint: Option<String>,
    /// What was typed.
    pub value: String,
    /// Its error, when there is one.
    pub error: Option<String>,
    /// The width class.
    pub width: &'static str,
    /// Whether it takes numbers only.
    pub numeric: bool,
}

/// The outreach page.
#[derive(Template, WebTemplate)]
#[template(path = "outreach.html")]
pub struct OutreachPage {
    /// Layout.
    pub layout: Layout,
    /// The form token.
    pub csrf: String,
    /// Whether this is every organisation's funnel under disclosure control.
    pub across: bool,
    /// What was just done.
    pub done: Option<String>,
    /// Breakdowns to choose.
    pub breakdowns: Vec<Choice>,
    /// Routes to choose.
    pub routes: Vec<Choice>,
    /// ICBs to choose (across organisations).
    pub icbs: Vec<Choice>,
    /// The chosen breakdown in words.
    pub breakdown_label: String,
    /// The funnel.
    pub funnel: Vec<FunnelLine>,
    /// The chart (SVG).
    pub chart: Option<String>,
    /// The query string of the choice, for exports.
    pub query: String,
    /// Targeting figures.
    pub targeting: Vec<TargetingLine>,
    /// The organisation's activities, newest first (own view only).
    pub activities: Vec<ActivityLine>,
    /// Kinds of activity for the form.
    pub kinds: Vec<Choice>,
    /// The activity form's text fields, in order.
    pub activity_boxes: Vec<TextBox>,
    /// The follow-up form's text fields, in order.
    pub follow_up_boxes: Vec<TextBox>,
    /// Activities to follow up (reference, label).
    pub activity_choices: Vec<Choice>,
    /// Routes for the follow-up form.
    pub route_choices: Vec<Choice>,
    /// The forms as typed.
    pub typed: std::collections::HashMap<String, String>,
    /// The columns of each file: (kind, label, columns).
    pub files: Vec<(String, String, String)>,
    /// Problems with a form or a file.
    pub errors: Vec<FieldError>,
}

field_errors!(OutreachPage);

impl OutreachPage {
    /// What was typed in a field, for the form to show again.
    pub fn typed(&self, field: &str) -> &str {
        self.typed.get(field).map_or("", String::as_str)
    }
}
