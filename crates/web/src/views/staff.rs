//! The staff records page: importing an extract from the staff record
//! system, with the summary an admin confirms before anything is stored.

use super::{Layout, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use pathwise_domain::input::FieldError;

/// One row of the file as the summary shows it: never a protected
/// characteristic.
#[derive(Debug, Clone)]
pub struct StaffPreviewRow {
    /// The row in the file.
    pub row: usize,
    /// The assignment number.
    pub assignment_number: String,
    /// The name.
    pub name: String,
    /// "New", "Leaving on 30 November 2026", "Changes: role (was hcsw), band".
    pub what: String,
}

/// What importing an uploaded file will do, waiting for confirmation.
#[derive(Debug, Clone)]
pub struct StaffPreview {
    /// One line each: new, changed, leaving, as stored, new sites.
    pub summary: Vec<String>,
    /// The rows that change something (new, changed, leaving), first ones.
    pub rows: Vec<StaffPreviewRow>,
    /// How many rows change something in all.
    pub changing: usize,
    /// The token the kept upload is confirmed by.
    pub upload: String,
}

/// The staff records page for L&D.
#[derive(Template, WebTemplate)]
#[template(path = "staff_admin.html")]
pub struct StaffPage {
    /// Layout.
    pub layout: Layout,
    /// The forms' CSRF token.
    pub csrf: String,
    /// What the last import did, in words.
    pub done: Option<String>,
    /// A summary to confirm.
    pub preview: Option<StaffPreview>,
    /// The columns of an extract.
    pub columns: String,
    /// People with an assignment number now.
    pub stored: i64,
    /// Problems with the file.
    pub errors: Vec<FieldError>,
}

field_errors!(StaffPage);
