//! Rota pages: a person's week, a manager's team grid, and the roster import.

use super::{Layout, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use pathwise_domain::input::FieldError;

/// One shift as the rota shows it.
#[derive(Debug, Clone)]
pub struct RotaShift {
    /// "Long day".
    pub label: String,
    /// "07:00-19:30".
    pub times: String,
    /// The site's name.
    pub site: String,
}

/// One day of a week view.
#[derive(Debug, Clone)]
pub struct RotaDay {
    /// "Monday".
    pub weekday: &'static str,
    /// "4 May 2026".
    pub date: String,
    /// Whether it is today.
    pub today: bool,
    /// Shifts starting that day.
    pub shifts: Vec<RotaShift>,
}

/// Links to the weeks around the one shown.
#[derive(Debug, Clone)]
pub struct WeekLinks {
    /// "Week beginning Monday 4 May 2026".
    pub heading: String,
    /// The week before.
    pub previous: String,
    /// The week after.
    pub next: String,
    /// This week.
    pub current: String,
}

/// A person's rota for a week.
#[derive(Template, WebTemplate)]
#[template(path = "rota.html")]
pub struct RotaPage {
    /// Layout.
    pub layout: Layout,
    /// "Your rota" or "Ada Early's rota".
    pub heading: String,
    /// The week and its neighbours.
    pub week: WeekLinks,
    /// Monday to Sunday.
    pub days: Vec<RotaDay>,
    /// Problems with the week asked for.
    pub errors: Vec<FieldError>,
}

impl RotaPage {
    /// Whether no shift is rostered all week.
    pub fn is_empty(&self) -> bool {
        self.days.iter().all(|d| d.shifts.is_empty())
    }
}

/// A row of the team rota: one person's week.
#[derive(Debug, Clone)]
pub struct TeamRotaRow {
    /// Their staff record.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// Monday to Sunday: the shifts starting that day, in words.
    pub days: Vec<Vec<String>>,
}

/// A manager's team rota for a week.
#[derive(Template, WebTemplate)]
#[template(path = "team_rota.html")]
pub struct TeamRotaPage {
    /// Layout.
    pub layout: Layout,
    /// The week and its neighbours.
    pub week: WeekLinks,
    /// Column headings, "Mon 4 May".
    pub columns: Vec<String>,
    /// One row per team member, by name.
    pub rows: Vec<TeamRotaRow>,
    /// Problems with the week asked for.
    pub errors: Vec<FieldError>,
}

/// The roster import page for L&D.
#[derive(Template, WebTemplate)]
#[template(path = "rosters_admin.html")]
pub struct RostersPage {
    /// Layout.
    pub layout: Layout,
    /// The form's CSRF token.
    pub csrf: String,
    /// What the last import did, in words.
    pub done: Option<String>,
    /// The site codes a file may use, with their names.
    pub sites: Vec<(String, String)>,
    /// Problems with the file.
    pub errors: Vec<FieldError>,
}

field_errors!(RotaPage, TeamRotaPage, RostersPage);
