//! Where to fund training places: the saved simulations with the form to
//! run a new one, and one simulation's frontier, policies and chosen point.

use super::{Layout, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use pathwise_domain::input::FieldError;

/// A saved simulation as listed.
#[derive(Debug, Clone)]
pub struct SimulationRow {
    /// Link to it.
    pub href: String,
    /// Its name.
    pub name: String,
    /// Places, in words ("5,000").
    pub places: String,
    /// How many trusts.
    pub trusts: i64,
    /// Who saved it.
    pub saved_by: String,
    /// When, in words.
    pub saved_at: String,
}

/// The list of simulations with the form to run a new one.
#[derive(Template, WebTemplate)]
#[template(path = "training_places.html")]
pub struct TrainingPlacesPage {
    /// Layout.
    pub layout: Layout,
    /// The form token.
    pub csrf: String,
    /// Saved simulations, newest first.
    pub simulations: Vec<SimulationRow>,
    /// What was just done ("Spring bid deleted.").
    pub done: Option<String>,
    /// The form as typed: name.
    pub name: String,
    /// Places as typed.
    pub places: String,
    /// Completion as typed.
    pub completion: String,
    /// The trusts file's columns.
    pub columns: String,
    /// The most places the page takes.
    pub most_places: String,
    /// Problems with the form or the file.
    pub errors: Vec<FieldError>,
}

field_errors!(TrainingPlacesPage);

/// A named policy placed on the frontier's axes.
#[derive(Debug, Clone)]
pub struct PolicyRow {
    /// The policy in words.
    pub name: String,
    /// Shortage filled, in places.
    pub shortage: String,
    /// Inequality, in percentage points.
    pub inequality: String,
    /// More shortage the frontier fills at that inequality or lower.
    pub shortage_gap: String,
    /// Less inequality the frontier reaches at that shortage or more.
    pub inequality_gap: String,
}

/// One frontier point as listed.
#[derive(Debug, Clone)]
pub struct PointRow {
    /// Its number, 1 the most equal.
    pub number: usize,
    /// Shortage filled, in places.
    pub shortage: String,
    /// Inequality, in percentage points.
    pub inequality: String,
    /// Link to show it.
    pub href: String,
    /// Whether it is the one shown.
    pub chosen: bool,
}

/// A region at the chosen point.
#[derive(Debug, Clone)]
pub struct RegionRow {
    /// Its name.
    pub name: String,
    /// Support workers.
    pub support_workers: String,
    /// Rate before funding.
    pub rate_now: String,
    /// Places funded.
    pub places: String,
    /// Rate after funding.
    pub rate_after: String,
}

/// A trust given places at the chosen point.
#[derive(Debug, Clone)]
pub struct TrustRow {
    /// Organisation code.
    pub org_code: String,
    /// Region.
    pub region: String,
    /// Trust type, in words.
    pub trust_type: String,
    /// Places funded.
    pub places: String,
    /// Registered vacancies.
    pub vacancies: String,
    /// Shortage filled, in places.
    pub filled: String,
}

/// One simulation: chart, policies, the chosen point and the frontier.
#[derive(Template, WebTemplate)]
#[template(path = "training_place.html")]
pub struct TrainingPlacePage {
    /// Layout.
    pub layout: Layout,
    /// Its address, for links.
    pub base: String,
    /// What was simulated, in words.
    pub summary: String,
    /// Who saved it and when.
    pub saved: String,
    /// The chart (SVG).
    pub chart: Option<String>,
    /// Key figures: (label, value, id).
    pub figures: Vec<(String, String, String)>,
    /// The named policies.
    pub policies: Vec<PolicyRow>,
    /// Points on the frontier.
    pub point_count: usize,
    /// The chosen point's number.
    pub point: usize,
    /// The point as typed.
    pub point_typed: String,
    /// The chosen point in words.
    pub point_words: String,
    /// Previous and next points' links.
    pub previous_point: Option<String>,
    /// Next point's link.
    pub next_point: Option<String>,
    /// Regions at the chosen point.
    pub regions: Vec<RegionRow>,
    /// Trusts given places at the chosen point.
    pub trusts: Vec<TrustRow>,
    /// This page of the frontier's points.
    pub points: Vec<PointRow>,
    /// Which page of points, in words.
    pub points_page: String,
    /// Links to the previous and next pages of points.
    pub previous_page: Option<String>,
    /// Next page.
    pub next_page: Option<String>,
    /// Problems with the point asked for.
    pub errors: Vec<FieldError>,
}

field_errors!(TrainingPlacePage);
