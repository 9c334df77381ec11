//! Learning pages: sessions that fit a learner's rota, one session with its
//! bookings and register, L&D's offers and their repeat form, and a
//! manager's release agreements.

use super::{Layout, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use pathwise_domain::input::FieldError;
use std::collections::HashMap;

/// A sitting as a list shows it, with whether it fits the viewer.
#[derive(Debug, Clone)]
pub struct SessionLine {
    /// The sitting's id.
    pub id: i64,
    /// The offer's title.
    pub title: String,
    /// "Tuesday 5 May 2026, 10:00 to 11:30".
    pub when: String,
    /// The site's name, or "Online".
    pub place: String,
    /// Who runs it.
    pub facilitator: String,
    /// "3 of 12 places left" or "Full: 2 on the waitlist".
    pub places: String,
    /// Whether every place is taken.
    pub full: bool,
    /// Why it does not fit the viewer's rota (empty when it fits).
    pub reasons: Vec<String>,
    /// The viewer's booking on it, in words ("Booked", "On the waitlist, 2nd").
    pub mine: Option<String>,
    /// The viewer's booking's id, to cancel it.
    pub booking_id: Option<i64>,
    /// Whether L&D cancelled it.
    pub cancelled: bool,
}

impl SessionLine {
    /// Whether it fits the viewer's rota.
    pub fn fits(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// The learner's sessions page.
#[derive(Template, WebTemplate)]
#[template(path = "learning.html")]
pub struct LearningPage {
    /// Layout.
    pub layout: Layout,
    /// The forms' CSRF token.
    pub csrf: String,
    /// What was just done.
    pub done: Option<String>,
    /// The title searched for.
    pub q: String,
    /// Sittings to come, those that fit first.
    pub sessions: Vec<SessionLine>,
    /// The viewer's own bookings still to come.
    pub bookings: Vec<SessionLine>,
    /// Their release agreement today, in words.
    pub release: Option<String>,
    /// Release used in its current period, in words.
    pub release_used: Option<String>,
    /// Whether the viewer runs offers (L&D).
    pub is_admin: bool,
    /// Whether the viewer manages a team (and records their release).
    pub is_manager: bool,
    /// Problems.
    pub errors: Vec<FieldError>,
}

impl LearningPage {
    /// How many of the sittings fit.
    pub fn fitting(&self) -> usize {
        self.sessions.iter().filter(|s| s.fits()).count()
    }
}

/// A team member as a session page shows them to their manager.
#[derive(Debug, Clone)]
pub struct TeamFit {
    /// Their staff record.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// Why the sitting does not fit their rota.
    pub reasons: Vec<String>,
    /// Their booking on it, in words.
    pub status: Option<String>,
    /// Their booking's id.
    pub booking_id: Option<i64>,
}

/// One line of a sitting's register.
#[derive(Debug, Clone)]
pub struct RegisterLine {
    /// The booking.
    pub booking_id: i64,
    /// Who.
    pub name: String,
    /// "Booked", "On the waitlist, 1st".
    pub status: String,
    /// Whether they hold a place (only places are marked).
    pub booked: bool,
    /// The mark recorded, by code.
    pub mark: String,
    /// A manager's override note.
    pub note: Option<String>,
}

/// One sitting: its details, the viewer's fit, a manager's team, L&D's register.
#[derive(Template, WebTemplate)]
#[template(path = "learning_session.html")]
pub struct SessionPage {
    /// Layout.
    pub layout: Layout,
    /// The forms' CSRF token.
    pub csrf: String,
    /// What was just done.
    pub done: Option<String>,
    /// The sitting, with the viewer's fit (when they have a staff record).
    pub session: SessionLine,
    /// The offer's id.
    pub offer_id: i64,
    /// Whether the viewer has a staff record (and so may book for themself).
    pub own: bool,
    /// What the offer is.
    pub description: String,
    /// What it supports.
    pub supports: String,
    /// The viewer's team (managers), with each person's fit.
    pub team: Vec<TeamFit>,
    /// Everyone booked or waiting (L&D).
    pub register: Vec<RegisterLine>,
    /// Whether the viewer runs offers (L&D).
    pub is_admin: bool,
    /// The marks the register offers: code and words.
    pub marks: Vec<(&'static str, &'static str)>,
    /// Problems.
    pub errors: Vec<FieldError>,
}

/// An offer as L&D's list shows it.
#[derive(Debug, Clone)]
pub struct OfferLine {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// What it supports.
    pub supports: String,
    /// Sittings still to come.
    pub upcoming: i64,
}

/// L&D's learning offers, with the form for a new one.
#[derive(Template, WebTemplate)]
#[template(path = "learning_offers.html")]
pub struct OffersPage {
    /// Layout.
    pub layout: Layout,
    /// The forms' CSRF token.
    pub csrf: String,
    /// What was just done.
    pub done: Option<String>,
    /// The offers, by title.
    pub offers: Vec<OfferLine>,
    /// What was typed, kept after an error.
    pub form: HashMap<String, String>,
    /// Problems.
    pub errors: Vec<FieldError>,
}

/// One offer: its sittings and the form that repeats them.
#[derive(Template, WebTemplate)]
#[template(path = "learning_offer.html")]
pub struct OfferPage {
    /// Layout.
    pub layout: Layout,
    /// The forms' CSRF token.
    pub csrf: String,
    /// What was just done.
    pub done: Option<String>,
    /// The offer.
    pub offer: OfferLine,
    /// What happens there.
    pub description: String,
    /// Its sittings, by start.
    pub sessions: Vec<SessionLine>,
    /// The organisation's sites: code and name.
    pub sites: Vec<(String, String)>,
    /// Days of the week: the box's name and the day.
    pub weekdays: Vec<(String, &'static str)>,
    /// What was typed, kept after an error.
    pub form: HashMap<String, String>,
    /// Problems.
    pub errors: Vec<FieldError>,
}

/// A team member's release time this period.
#[derive(Debug, Clone)]
pub struct ReleaseRow {
    /// Their staff record.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// The agreement that applies today, in words.
    pub agreement: Option<String>,
    /// "This week" or "December 2026".
    pub period: String,
    /// Agreed for the period, in words.
    pub agreed: String,
    /// Booked in it.
    pub booked: String,
    /// Attended in it.
    pub attended: String,
    /// Whether bookings exceed what was agreed.
    pub over: bool,
}

/// A manager's release agreements for their team.
#[derive(Template, WebTemplate)]
#[template(path = "team_release.html")]
pub struct TeamReleasePage {
    /// Layout.
    pub layout: Layout,
    /// The form's CSRF token.
    pub csrf: String,
    /// What was just done.
    pub done: Option<String>,
    /// One row per team member, by name.
    pub rows: Vec<ReleaseRow>,
    /// What was typed, kept after an error.
    pub form: HashMap<String, String>,
    /// Problems.
    pub errors: Vec<FieldError>,
}

macro_rules! form_values {
    ($($page:ty),*) => {$(
        impl $page {
            /// What was typed in a field, kept after an error.
            pub fn value(&self, field: &str) -> &str {
                self.form.get(field).map_or("", String::as_str)
            }
        }
    )*};
}

form_values!(OffersPage, OfferPage, TeamReleasePage);

field_errors!(
    LearningPage,
    SessionPage,
    OffersPage,
    OfferPage,
    TeamReleasePage
);
