//! Page views: one askama template struct per page, all sharing the layout
//! (header, navigation, skip link, footer) of the NHS.UK design system.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::wire::{NextOptionsDoc, RoleDoc};
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Body;
use axum::extract::{FromRequestParts, State};
use axum::http::{Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pathwise_domain::{AppRole, Date, PageNumber};

pub mod learning;
pub mod levy;
pub mod outcomes;
pub mod outreach;
pub mod pathway;
pub mod rota;
mod settings;
pub mod staff;
pub mod training_places;

pub use settings::{
    ChannelChoice, ChannelOption, NotificationRow, NotificationSettingsPage, NotificationsPage,
    SettingField, SignInSettingsPage,
};

/// A link in the header navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Where it goes.
    pub href: &'static str,
    /// Its text.
    pub label: &'static str,
    /// Whether it is the current section.
    pub current: bool,
}

/// What every page's layout needs.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The page title (before " - Pathwise").
    pub title: String,
    /// The signed-in person's name.
    pub user_name: Option<String>,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: String,
    /// Header navigation.
    pub nav: Vec<NavItem>,
    /// Evidence waiting for the signed-in assessor.
    pub inbox: Option<i64>,
    /// The signed-in person's unread notifications.
    pub unread: Option<i64>,
}

impl Layout {
    /// The layout for a signed-in person, `section` marking the current link.
    pub fn for_user(title: impl Into<String>, user: &CurrentUser, section: &str) -> Layout {
        let mut nav = Vec::new();
        let mut add = |href: &'static str, label: &'static str| {
            nav.push(NavItem {
                href,
                label,
                current: href == section,
            })
        };
        if user.account.person_id.is_some() && !user.has(AppRole::Analyst) {
            add("/pathway", "My pathway");
            add("/me", "My next steps");
            add("/rota", "My rota");
            add("/learning", "Learning");
        } else if user.viewer.may_edit_framework() {
            add("/learning", "Learning");
        }
        if user.viewer.finding_people().is_some() {
            add("/people", "People");
        }
        if user.has(AppRole::Manager) {
            add("/team", "My team");
            add("/team/progress", "Team progress");
            add("/team/rota", "Team rota");
        }
        if user.inbox.is_some() {
            add("/inbox", "Evidence to review");
        }
        if user.viewer.may_edit_framework() {
            add("/admin/pathways", "Pathways");
            add("/admin/rosters", "Rosters");
            add("/admin/staff", "Staff records");
        }
        if user.viewer.sees_money() {
            add("/levy", "Levy");
        }
        if user.viewer.outcome_figures().is_some() {
            add("/outcomes", "Outcomes");
        }
        if user.viewer.outreach().is_some() {
            add("/outreach", "Outreach");
        }
        if user.viewer.may_simulate_places() {
            add("/training-places", "Training places");
        }
        add("/catalogue", "Career framework");
        if user.viewer.may_edit_framework() {
            add("/admin/audit", "Audit trail");
        }
        if user.has(AppRole::SystemAdmin) {
            add("/admin/sign-in", "Sign-in settings");
        }
        // API tokens are for scripts and reports: not in a learner's menu
        // (the page still answers anyone signed in).
        if user.roles_beyond_learner() {
            add("/account/tokens", "API tokens");
        }
        Layout {
            title: title.into(),
            user_name: Some(user.account.display_name.clone()),
            csrf: user.csrf.clone().unwrap_or_default(),
            nav,
            inbox: user.inbox,
            unread: user.unread,
        }
    }

    /// The layout for someone not signed in.
    pub fn anonymous(title: impl Into<String>) -> Layout {
        Layout {
            title: title.into(),
            ..Layout::default()
        }
    }
}

/// A field error for the error summary and the field itself: the domain's,
/// as every `parse` constructor reports it.
pub use pathwise_domain::input::FieldError;

/// A moment (seconds since the Unix epoch) as `YYYY-MM-DD HH:MM`, UTC.
pub fn date_time(at: i64) -> String {
    let d = Date::from_unix_days(at.div_euclid(86_400));
    let secs = at.rem_euclid(86_400);
    format!("{d} {:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// A moment (seconds since the Unix epoch) as people write it, UTC:
/// `1 December 2026 at 14:05`.
pub fn date_time_in_words(at: i64) -> String {
    let d = Date::from_unix_days(at.div_euclid(86_400));
    let secs = at.rem_euclid(86_400);
    format!(
        "{} at {:02}:{:02}",
        d.in_words(),
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Finds the error for a field, for templates.
pub fn error_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// The sign-in page.
#[derive(Template, WebTemplate)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    /// Layout.
    pub layout: Layout,
    /// The form's CSRF token.
    pub form_csrf: String,
    /// The email typed, kept after an error.
    pub email: String,
    /// Problems to show.
    pub errors: Vec<FieldError>,
    /// Organisations whose staff may sign in through their own provider: (code, name).
    pub providers: Vec<(String, String)>,
}

/// A sign-in refused (an unknown email, a leaver, a provider's token not accepted).
#[derive(Template, WebTemplate)]
#[template(path = "sign_in_refused.html")]
pub struct SignInRefusedPage {
    /// Layout.
    pub layout: Layout,
    /// What happened.
    pub heading: String,
    /// Why, and what to do.
    pub message: String,
}

/// A person's next options (their own, or someone they may see).
#[derive(Template, WebTemplate)]
#[template(path = "next_options.html")]
pub struct NextOptionsPage {
    /// Layout.
    pub layout: Layout,
    /// The options.
    pub doc: NextOptionsDoc,
    /// Whether the viewer is the person themself.
    pub own: bool,
    /// Links to the rest of the person's record the viewer may open.
    pub links: Vec<(String, String)>,
}

/// One row of the team view.
#[derive(Debug, Clone)]
pub struct TeamRow {
    /// Staff record id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Role title.
    pub role: String,
    /// AfC band.
    pub band: String,
    /// Top option's title, if any.
    pub top_option: Option<String>,
    /// Readiness for it, 0-100.
    pub readiness: Option<u32>,
}

/// A sortable column of the team view.
#[derive(Debug, Clone)]
pub struct SortLink {
    /// Column key.
    pub key: &'static str,
    /// Header text.
    pub label: &'static str,
    /// Link that sorts by it (toggling direction when already sorted by it).
    pub href: String,
    /// `ascending`, `descending` or `none`, for aria-sort.
    pub aria_sort: &'static str,
}

/// The manager's team view.
#[derive(Template, WebTemplate)]
#[template(path = "team.html")]
pub struct TeamPage {
    /// Layout.
    pub layout: Layout,
    /// Rows in the chosen order.
    pub rows: Vec<TeamRow>,
    /// Column headers.
    pub columns: Vec<SortLink>,
    /// The CSV export link with the same order.
    pub csv_href: String,
    /// The XLSX export link with the same order.
    pub xlsx_href: String,
}

/// A role row in the framework list.
#[derive(Debug, Clone)]
pub struct CatalogueRow {
    /// The role.
    pub role: RoleDoc,
    /// "Core", "Local" or "Local: site name".
    pub scope: String,
    /// Transitions out of it.
    pub ways_on: usize,
}

/// A choice in a select.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Submitted value.
    pub value: String,
    /// Shown text.
    pub label: String,
    /// Whether chosen.
    pub selected: bool,
}

impl Choice {
    /// A choice of `value` shown as `label`.
    pub fn new(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
            selected,
        }
    }
}

/// The career framework: roles, with local additions for L&D admins.
#[derive(Template, WebTemplate)]
#[template(path = "catalogue.html")]
pub struct CataloguePage {
    /// Layout.
    pub layout: Layout,
    /// Catalogue version.
    pub version: String,
    /// This page of roles.
    pub rows: Vec<CatalogueRow>,
    /// Search text.
    pub q: String,
    /// The family filter as given.
    pub family_code: String,
    /// Family filter choices.
    pub families: Vec<Choice>,
    /// Current page, from 1.
    pub page: usize,
    /// Number of pages.
    pub pages: usize,
    /// Roles matching in all.
    pub total: usize,
    /// Link to the previous page.
    pub prev_href: Option<String>,
    /// Link to the next page.
    pub next_href: Option<String>,
    /// Whether the viewer may add local roles and transitions.
    pub can_edit: bool,
    /// Sites for the forms.
    pub sites: Vec<Choice>,
    /// Staff groups for the role form.
    pub staff_groups: Vec<Choice>,
    /// Roles for the transition form.
    pub role_choices: Vec<Choice>,
    /// Problems with a submitted form.
    pub errors: Vec<FieldError>,
    /// Values typed into the forms, kept after an error.
    pub form: std::collections::HashMap<String, String>,
    /// A confirmation to show.
    pub notice: Option<String>,
}

impl CataloguePage {
    /// A typed value, or empty.
    pub fn value(&self, key: &str) -> &str {
        self.form.get(key).map(String::as_str).unwrap_or("")
    }
}

/// A transition in the role detail.
#[derive(Debug, Clone)]
pub struct TransitionRow {
    /// Its id.
    pub id: i64,
    /// Whether it is a local addition (which an L&D admin may remove).
    pub local: bool,
    /// Role it leads to.
    pub to: RoleDoc,
    /// Route.
    pub route: crate::wire::RouteDoc,
    /// Requirements, in words.
    pub requirements: Vec<String>,
    /// Helping roles' titles.
    pub helpers: Vec<String>,
    /// "Core" or "Local".
    pub scope: String,
}

/// One role with the ways on from it.
#[derive(Template, WebTemplate)]
#[template(path = "role.html")]
pub struct RolePage {
    /// Layout.
    pub layout: Layout,
    /// The role.
    pub role: RoleDoc,
    /// Transitions out of it.
    pub ways_on: Vec<TransitionRow>,
    /// Whether the viewer may edit the framework.
    pub can_edit: bool,
    /// Whether the role is a local addition (editable).
    pub local: bool,
    /// Staff groups for the edit form.
    pub staff_groups: Vec<Choice>,
    /// Families for the edit form.
    pub families: Vec<Choice>,
    /// Problems with a submitted edit.
    pub errors: Vec<FieldError>,
    /// Values in the edit form.
    pub form: std::collections::HashMap<String, String>,
    /// A confirmation to show.
    pub notice: Option<String>,
}

impl RolePage {
    /// A value in the edit form, or empty.
    pub fn value(&self, key: &str) -> &str {
        self.form.get(key).map(String::as_str).unwrap_or("")
    }
}

/// A token as listed to its owner.
#[derive(Debug, Clone)]
pub struct TokenRow {
    /// Id.
    pub id: i64,
    /// Label.
    pub name: String,
    /// First characters.
    pub prefix: String,
    /// Created, as a date.
    pub created: String,
    /// Last used, as a date.
    pub last_used: String,
    /// Whether revoked.
    pub revoked: bool,
}

/// Personal API tokens.
#[derive(Template, WebTemplate)]
#[template(path = "tokens.html")]
pub struct TokensPage {
    /// Layout.
    pub layout: Layout,
    /// Their tokens.
    pub tokens: Vec<TokenRow>,
    /// A token just made, shown once.
    pub new_token: Option<String>,
    /// Problems with the form.
    pub errors: Vec<FieldError>,
    /// A confirmation to show.
    pub notice: Option<String>,
}

/// One event in the audit trail, in words, with its codes for machines.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// When, in words (UTC).
    pub at: String,
    /// Who acted, by name.
    pub who: String,
    /// The link to that actor's events, when they were signed in.
    pub who_href: Option<String>,
    /// What happened, as a sentence.
    pub what: String,
    /// The person it was about, and the link to their events.
    pub person: Option<(String, String)>,
    /// More detail in words.
    pub detail: String,
    /// When, as `YYYY-MM-DD HH:MM` UTC (exports).
    pub at_utc: String,
    /// The action's code (exports).
    pub action: String,
    /// The subject's code (exports).
    pub subject: String,
}

/// The organisation's audit trail.
#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    /// Layout.
    pub layout: Layout,
    /// Events on this page.
    pub rows: Vec<AuditRow>,
    /// The action filter, by name.
    pub actions: Vec<Choice>,
    /// The "who" filter, by name.
    pub actors: Vec<Choice>,
    /// The person the events are filtered to, by name.
    pub person: Option<String>,
    /// The person filter's value (a staff record, kept in the form).
    pub person_value: String,
    /// The dates typed as the range, as typed.
    pub from: String,
    /// The end of the range, as typed.
    pub to: String,
    /// Problems with the filter.
    pub errors: Vec<FieldError>,
    /// The current filter as a query string (for exports and paging).
    pub query: String,
    /// Page number, from 1.
    pub page: PageNumber,
    /// Link to the next (older) page.
    pub next_href: Option<String>,
    /// Link to the previous (newer) page.
    pub prev_href: Option<String>,
}

/// One person in the people directory, in words.
#[derive(Debug, Clone)]
pub struct DirectoryRow {
    /// Staff record (links only; never shown).
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Assignment number, or empty.
    pub assignment_number: String,
    /// Role title.
    pub role: String,
    /// Site name.
    pub site: String,
    /// Line manager's name, or empty.
    pub manager: String,
    /// Pathway status in words.
    pub pathway: String,
    /// Whether they are on a pathway now.
    pub enrolled: bool,
    /// Whether the viewer may enrol them now.
    pub may_enrol: bool,
}

/// The people directory.
#[derive(Template, WebTemplate)]
#[template(path = "people.html")]
pub struct PeopleDirectoryPage {
    /// Layout.
    pub layout: Layout,
    /// People on this page.
    pub rows: Vec<DirectoryRow>,
    /// How many match in all.
    pub total: i64,
    /// The name or number searched for.
    pub text: String,
    /// Roles to filter by, by title.
    pub roles: Vec<Choice>,
    /// Sites to filter by, by name.
    pub sites: Vec<Choice>,
    /// Pathway statuses to filter by.
    pub statuses: Vec<Choice>,
    /// Orders to list people in.
    pub sorts: Vec<Choice>,
    /// Pathways to enrol a selection on (latest versions).
    pub versions: Vec<Choice>,
    /// Whose records the viewer sees, in words.
    pub scope_note: String,
    /// Whether any row on the page can be enrolled by the viewer.
    pub may_enrol_any: bool,
    /// After enrolling: how many.
    pub notice: Option<String>,
    /// Problems with the enrolment form.
    pub errors: Vec<FieldError>,
    /// The search as a query string.
    pub query: String,
    /// Page number.
    pub page: PageNumber,
    /// Link to the previous page.
    pub prev_href: Option<String>,
    /// Link to the next page.
    pub next_href: Option<String>,
}

/// One learner in a version move's preview.
#[derive(Debug, Clone)]
pub struct MoveRow {
    /// Their enrolment (the form's value; never shown).
    pub enrolment_id: i64,
    /// Name.
    pub name: String,
    /// Site name.
    pub site: String,
    /// Stage before and after, in words.
    pub stage_change: String,
    /// Status before and after, in words.
    pub status_change: String,
    /// Criteria that start applying.
    pub added: Vec<String>,
    /// Criteria that stop applying.
    pub removed: Vec<String>,
    /// Criteria overdue at once.
    pub newly_overdue: Vec<String>,
    /// Whether the move makes things worse for them at once.
    pub attention: bool,
    /// Whether the box is ticked.
    pub ticked: bool,
}

/// Moving learners to another version: choose, preview, confirm.
#[derive(Template, WebTemplate)]
#[template(path = "version_moves.html")]
pub struct VersionMovesPage {
    /// Layout.
    pub layout: Layout,
    /// The pathway's code (links).
    pub code: String,
    /// Its name.
    pub name: String,
    /// Versions with learners on them.
    pub from_choices: Vec<Choice>,
    /// Versions to move to.
    pub to_choices: Vec<Choice>,
    /// Sites to narrow to.
    pub site_choices: Vec<Choice>,
    /// Whether a version to move from has been chosen.
    pub chosen: bool,
    /// Whether the two versions chosen are the same.
    pub same: bool,
    /// The preview, one row per learner.
    pub rows: Vec<MoveRow>,
    /// How many rows need attention.
    pub attention: usize,
    /// The choice as a query string.
    pub query: String,
    /// The reason typed.
    pub reason: String,
    /// After moving: how many.
    pub notice: Option<String>,
    /// Problems with the form.
    pub errors: Vec<FieldError>,
}

/// Asks before something that publishes or removes: what will happen, a
/// button that does it (the same form again, confirmed) and a way back.
#[derive(Template, WebTemplate)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    /// Layout.
    pub layout: Layout,
    /// The question.
    pub heading: String,
    /// What will happen.
    pub message: String,
    /// Where the confirmed form goes.
    pub action: String,
    /// The form's fields, sent again (name, value).
    pub fields: Vec<(String, String)>,
    /// The button's words.
    pub button: String,
    /// Where "No, go back" goes.
    pub cancel: String,
}

/// An error page.
#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Layout.
    pub layout: Layout,
    /// Heading.
    pub heading: String,
    /// What to do.
    pub message: String,
}

/// Turns the JSON error bodies of page routes into HTML error pages (with
/// the signed-in header when the person is signed in), and starts the
/// title of a page shown again with problems with "Error: ".
pub async fn html_errors(
    State(state): State<AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let mut asked = parts.clone();
    let res = next.run(Request::from_parts(parts, body)).await;
    let status = res.status();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default();
    if asked.uri.path().starts_with("/api/")
        || !(status.is_client_error() || status.is_server_error())
    {
        return res;
    }
    if content_type.starts_with(b"text/html") {
        return match status {
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => error_title(res).await,
            _ => res,
        };
    }
    if !content_type.starts_with(b"application/json") {
        return res;
    }
    let body = axum::body::to_bytes(res.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let message = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(String::from))
        .unwrap_or_default();
    let heading = match status.as_u16() {
        404 => "Page not found",
        403 => "Your form had expired",
        422 => "There is a problem",
        429 => "Too many attempts",
        _ => "Sorry, there is a problem with the service",
    };
    let title = if status.as_u16() == 422 {
        format!("Error: {heading}")
    } else {
        heading.to_string()
    };
    let layout = match CurrentUser::from_request_parts(&mut asked, &state).await {
        Ok(user) => Layout::for_user(title, &user, ""),
        Err(_) => Layout::anonymous(title),
    };
    let page = ErrorPage {
        layout,
        heading: heading.to_string(),
        message: if status.as_u16() == 404 {
            "If you typed the web address, check it is correct. If you followed a link, the page may belong to someone else.".into()
        } else {
            capitalise(&message)
        },
    };
    (status, page).into_response()
}

/// A page shown again with problems: its title starts with "Error: ", as
/// the NHS.UK design system asks, so that a screen reader hears it first.
async fn error_title(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "page too large").into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let html = if html.contains("<title>Error: ") {
        html.into_owned()
    } else {
        html.replacen("<title>", "<title>Error: ", 1)
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}

/// The message with its first letter in capitals.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Gives pages with an `errors` list `err(field)` and `has_error(field)`
/// for their templates.
macro_rules! field_errors {
    ($($page:ty),*) => {$(
        impl $page {
            /// The error message for a field, if any.
            pub fn err(&self, field: &str) -> Option<&str> {
                $crate::views::error_for(&self.errors, field)
            }

            /// Whether a field has an error.
            pub fn has_error(&self, field: &str) -> bool {
                self.err(field).is_some()
            }
        }
    )*};
}

pub(crate) use field_errors;

field_errors!(
    AuditPage,
    VersionMovesPage,
    PeopleDirectoryPage,
    SignInPage,
    CataloguePage,
    TokensPage,
    RolePage
);

#[cfg(test)]
mod render_tests;
