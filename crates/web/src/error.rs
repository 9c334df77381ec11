//! The web layer's one error policy.
//!
//! Inside a request, handlers return `Result<T, Error>` with a typed variant.
//! A person sees a message they can act on (what to change, or "page not
//! found"); nothing internal ever reaches the client. `Internal` is logged
//! once, here, with its full chain, and answers a bare 500. Access refused to
//! another person's or organisation's data answers 404, never 403, so that
//! the record's existence is not disclosed; the refusal itself is audited by
//! the caller before the error is returned.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pathwise_domain::input::FieldErrors;
use pathwise_storage::{Conflicting, StorageError};

/// Errors a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Not signed in: pages redirect to sign-in, the API answers 401.
    #[error("sign in to continue")]
    Unauthenticated {
        /// Whether the request was for the JSON API.
        api: bool,
    },
    /// No such thing, or not theirs to see.
    #[error("page not found")]
    NotFound,
    /// The form's CSRF token did not match the session.
    #[error("the form had expired; go back, reload the page and try again")]
    Csrf,
    /// The request itself is wrong, with a message naming the field.
    #[error("{0}")]
    BadRequest(String),
    /// What was submitted broke the domain's rules, field by field: pages
    /// show the NHS.UK error summary with each message at its field; the API
    /// answers 422 with the same fields.
    #[error("{}", .0.list().first().map_or("check what you entered", |e| e.message.as_str()))]
    Invalid(FieldErrors),
    /// Too many failed sign-ins.
    #[error("too many attempts; try again later")]
    TooManyAttempts,
    /// Anything else: logged here, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Shorthand for handler results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The form field a storage conflict belongs to, on the forms that can
/// cause it; a page that shows another form places it itself.
pub fn field_for(what: Conflicting) -> &'static str {
    match what {
        Conflicting::RoleCode => "code",
        Conflicting::Email => "email",
        Conflicting::Organisation => "org_code",
        Conflicting::Enrolment => "enrolment",
        Conflicting::Decision => "outcome",
        Conflicting::Version => "version",
        Conflicting::SiteCode => "site_code",
        Conflicting::Booking => "session",
        Conflicting::AssignmentNumber => "assignment_number",
    }
}

impl From<FieldErrors> for Error {
    fn from(e: FieldErrors) -> Self {
        Error::Invalid(e)
    }
}

impl From<StorageError> for Error {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound(_) => Error::NotFound,
            StorageError::Conflict { what, message } => {
                let mut errors = FieldErrors::default();
                errors.add(field_for(what), crate::views::capitalise(&message));
                Error::Invalid(errors)
            }
            StorageError::Invalid(m) => Error::BadRequest(m),
            other => Error::Internal(other.into()),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, message) = match &self {
            Error::Unauthenticated { api: false } => {
                return Redirect::to("/sign-in").into_response();
            }
            Error::Unauthenticated { api: true } => (StatusCode::UNAUTHORIZED, self.to_string()),
            Error::NotFound => (StatusCode::NOT_FOUND, self.to_string()),
            Error::Csrf => (StatusCode::FORBIDDEN, self.to_string()),
            Error::BadRequest(_) => (StatusCode::UNPROCESSABLE_ENTITY, self.to_string()),
            Error::Invalid(errors) => {
                let fields: serde_json::Map<String, serde_json::Value> = errors
                    .list()
                    .iter()
                    .map(|e| (e.field.clone(), e.message.clone().into()))
                    .collect();
                let body = serde_json::json!({ "error": self.to_string(), "fields": fields });
                return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
            }
            Error::TooManyAttempts => (StatusCode::TOO_MANY_REQUESTS, self.to_string()),
            Error::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on our side; try again".to_string(),
                )
            }
        };
        let mut res = (status, Json(serde_json::json!({ "error": message }))).into_response();
        if matches!(self, Error::Unauthenticated { api: true }) {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        res
    }
}
