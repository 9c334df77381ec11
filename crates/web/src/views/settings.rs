//! The notification and sign-in settings pages' views.

use super::{Layout, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use pathwise_domain::input::FieldError;

/// One notification as listed.
#[derive(Debug, Clone)]
pub struct NotificationRow {
    /// Its id.
    pub id: i64,
    /// One line.
    pub title: String,
    /// What happened and what to do.
    pub body: String,
    /// The page to open.
    pub link: String,
    /// When, as people write it.
    pub when: String,
    /// Not yet marked read.
    pub unread: bool,
}

/// The signed-in person's notifications.
#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    /// Layout.
    pub layout: Layout,
    /// This page of them, newest first.
    pub rows: Vec<NotificationRow>,
    /// How many unread in all.
    pub unread: i64,
    /// What was just done.
    pub notice: Option<String>,
    /// Newer and older pages.
    pub prev_href: Option<String>,
    /// Older.
    pub next_href: Option<String>,
}

/// One kind's choice on the settings page.
#[derive(Debug, Clone)]
pub struct ChannelChoice {
    /// The kind's code (the field name).
    pub code: &'static str,
    /// What it is.
    pub label: &'static str,
    /// The channels offered.
    pub options: Vec<ChannelOption>,
}

/// One channel offered for a kind.
#[derive(Debug, Clone)]
pub struct ChannelOption {
    /// The radio's id (the first is the question's, for the error summary's link).
    pub id: String,
    /// The channel's code.
    pub value: &'static str,
    /// In words.
    pub words: &'static str,
    /// The one chosen.
    pub chosen: bool,
}

/// How the signed-in person wants to hear of each kind of notification.
#[derive(Template, WebTemplate)]
#[template(path = "notification_settings.html")]
pub struct NotificationSettingsPage {
    /// Layout.
    pub layout: Layout,
    /// One question per kind.
    pub choices: Vec<ChannelChoice>,
    /// Emails gathered into one a day.
    pub daily_digest: bool,
    /// Whether this Pathwise has a mail server.
    pub email_on: bool,
    /// Problems to show.
    pub errors: Vec<FieldError>,
    /// What was just done.
    pub notice: Option<String>,
}

/// The system admin's sign-in settings.
#[derive(Template, WebTemplate)]
#[template(path = "sign_in_settings.html")]
pub struct SignInSettingsPage {
    /// Layout.
    pub layout: Layout,
    /// The stored issuer.
    pub issuer: String,
    /// The form's fields, stored values or as typed.
    pub fields: Vec<SettingField>,
    /// Whether a provider is set.
    pub configured: bool,
    /// The redirect address to register at the provider.
    pub callback_url: String,
    /// Problems to show.
    pub errors: Vec<FieldError>,
    /// What was just done.
    pub notice: Option<String>,
}

/// One text field of a settings form.
#[derive(Debug, Clone)]
pub struct SettingField {
    /// Its name and id.
    pub name: &'static str,
    /// Its label.
    pub label: &'static str,
    /// Its hint.
    pub hint: &'static str,
    /// Its value.
    pub value: String,
}

field_errors!(NotificationSettingsPage, SignInSettingsPage);
