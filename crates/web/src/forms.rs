//! What page routes share about forms and links: the CSRF-only form, the
//! notice query, redirects after a post, dates as typed, a "field: message"
//! placed at its field, and query-string encoding.

use crate::views::{FieldError, capitalise};
use axum::response::{IntoResponse, Redirect, Response};
use pathwise_domain::Date;
use serde::Deserialize;

/// Rows per page in long lists.
pub const PAGE_SIZE: u32 = 50;

/// A form that carries only its CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    /// The session's CSRF token.
    #[serde(default)]
    pub csrf: String,
}

/// `?done=...`: what was just done, for the notice at the top of a page.
#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    /// What was done.
    #[serde(default)]
    pub done: String,
}

/// Sends the browser on to `to` after a post (303 See Other).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Reads a date typed into `field`, noting an error there (with `today` as
/// the example) when it is not one.
pub fn parse_date(
    field: &str,
    value: &str,
    today: Date,
    errors: &mut Vec<FieldError>,
) -> Option<Date> {
    match value.trim().parse::<Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError {
                field: field.into(),
                message: format!("Enter the date as year-month-day, for example {today}"),
            });
            None
        }
    }
}

/// Places a "field: what to do" message at its field's id (`fields` pairs
/// the name in messages with the id); a message naming no known field goes
/// to the first.
pub fn at_field(message: &str, fields: &[(&str, &str)]) -> FieldError {
    let (field, text) = message
        .split_once(": ")
        .and_then(|(name, rest)| {
            fields
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, id)| (*id, rest))
        })
        .unwrap_or((fields[0].1, message));
    FieldError {
        field: field.into(),
        message: capitalise(text),
    }
}

/// Encodes a value for a query string.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
