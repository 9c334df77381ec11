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

/// A form's fields by name, for forms read by a domain `parse`.
pub type FormFields = std::collections::HashMap<String, String>;

/// The CSRF token a form carried.
pub fn csrf_in(f: &FormFields) -> &str {
    f.get("csrf").map_or("", String::as_str)
}

/// The notice for `?done=...`, when there is one.
pub fn notice(done: &str) -> Option<String> {
    Some(done.to_string()).filter(|d| !d.is_empty())
}

/// A page shown again with what was wrong (422).
pub fn unprocessable(page: impl IntoResponse) -> Response {
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// A count with its noun: "1 shift", "3 shifts".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
                message: format!(
                    "Enter a real date, for example {} or {today}",
                    today.in_words()
                ),
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

/// A CSV file uploaded with its form's CSRF token.
pub struct CsvUpload {
    /// The CSRF token sent with it.
    pub csrf: String,
    /// The file's text, `None` when no file or an empty one was chosen.
    pub text: Option<String>,
    /// The form's other fields, by name.
    pub fields: Vec<(String, String)>,
}

impl CsvUpload {
    /// A text field's value, empty when it was not sent.
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Reads a multipart form with a `csrf` field, a UTF-8 CSV `file` and a few
/// short text fields.
pub async fn read_csv_upload(mut mp: axum::extract::Multipart) -> crate::error::Result<CsvUpload> {
    use crate::error::Error;
    let mut csrf = String::new();
    let mut text = None;
    let mut fields = Vec::new();
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| Error::BadRequest(format!("file: the upload could not be read ({e})")))?
    {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.unwrap_or_default(),
            "file" => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| Error::BadRequest(format!("file: could not be read ({e})")))?;
                text = Some(String::from_utf8(bytes.to_vec()).map_err(|_| {
                    Error::BadRequest("file: the CSV file must be UTF-8 text".into())
                })?);
            }
            name => {
                let name = name.to_string();
                let value = field.text().await.unwrap_or_default();
                if value.len() <= 200 && fields.len() < 20 {
                    fields.push((name, value));
                }
            }
        }
    }
    Ok(CsvUpload {
        csrf,
        text: text.filter(|t| !t.trim().is_empty()),
        fields,
    })
}

/// Problems with an uploaded file, each placed at the `file` field.
pub fn file_problems(list: Vec<String>) -> Vec<FieldError> {
    list.into_iter()
        .map(|m| FieldError {
            field: "file".into(),
            message: m,
        })
        .collect()
}

/// A refused file's problems at the `file` field, saying that nothing was
/// imported (unless the only problem is that no file was chosen).
pub fn file_refused(list: Vec<String>) -> Vec<FieldError> {
    let mut errors = file_problems(list);
    if !(errors.len() == 1 && errors[0].message.starts_with("Choose")) {
        errors.push(FieldError::new(
            "file",
            "Nothing was imported. Correct the file and upload it again.",
        ));
    }
    errors
}
