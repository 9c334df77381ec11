//! The audit trail for L&D admins, in words: who did what, to whom, when;
//! filtered by action, actor, person and dates; paged; exported in the same
//! words with the codes in extra columns for machines.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::Result;
use crate::exports::{Format, Table};
use crate::forms::{encode, parse_date};
use crate::views::*;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pathwise_domain::audit::{ACTIONS, Subject, sentence};
use pathwise_domain::{Date, PageNumber};
use pathwise_storage::audit::{self, AuditEvent, AuditFilter, AuditNames};
use serde::Deserialize;

/// The audit trail page and its exports.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(audit_page))
        .route(
            "/admin/audit.csv",
            get(|s, u, q| audit_export(s, u, q, Format::Csv)),
        )
        .route(
            "/admin/audit.xlsx",
            get(|s, u, q| audit_export(s, u, q, Format::Xlsx)),
        )
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    action: String,
    /// Who acted: a user account.
    #[serde(default)]
    who: String,
    /// Whom it was about: a staff record.
    #[serde(default)]
    person: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: PageNumber,
}

impl AuditQuery {
    /// The filter, or the problems with it by field.
    fn filter(&self, today: Date) -> std::result::Result<AuditFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let day = |field: &str, v: &str, errors: &mut Vec<FieldError>| {
            (!v.trim().is_empty())
                .then(|| parse_date(field, v, today, errors))
                .flatten()
                .map(|d| d.to_unix_days() * 86_400)
        };
        let from = day("from", &self.from, &mut errors);
        let until = day("to", &self.to, &mut errors).map(|t| t + 86_400);
        if let (Some(f), Some(u)) = (from, until)
            && u <= f
        {
            errors.push(FieldError::new(
                "to",
                "The end date must be on or after the start date",
            ));
        }
        let action = Some(self.action.trim().to_string()).filter(|a| !a.is_empty());
        if let Some(a) = &action
            && !ACTIONS.iter().any(|w| w.code == a)
        {
            errors.push(FieldError::new("action", "Choose an action from the list"));
        }
        let id = |v: &str| v.trim().parse::<i64>().ok();
        if errors.is_empty() {
            Ok(AuditFilter {
                action,
                actor: id(&self.who),
                person: id(&self.person),
                from,
                until,
            })
        } else {
            Err(errors)
        }
    }

    /// The filter as a query string, without the page.
    fn query(&self) -> String {
        format!(
            "action={}&who={}&person={}&from={}&to={}",
            encode(&self.action),
            encode(&self.who),
            encode(&self.person),
            encode(&self.from),
            encode(&self.to)
        )
    }
}

const AUDIT_PER_PAGE: u32 = 50;

/// What an event is about, in words.
fn about(names: &AuditNames, subject: &str) -> (String, Option<(i64, String)>) {
    let person = |id: i64| names.people.get(&id).cloned();
    match Subject::parse(subject) {
        Subject::Person(id) => match person(id) {
            Some(n) => (n.clone(), Some((id, n))),
            None => ("someone no longer on record".into(), None),
        },
        Subject::Evidence(id) => match names.evidence.get(&id) {
            Some((title, pid, name)) => {
                (format!("from {name}: {title}"), Some((*pid, name.clone())))
            }
            None => ("that is no longer on record".into(), None),
        },
        Subject::Session(id) => match names.sessions.get(&id) {
            Some((title, at)) => (format!("{title}, {}", date_time_in_words(*at)), None),
            None => ("a session no longer on record".into(), None),
        },
        Subject::Offer(id) => (
            names
                .offers
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "no longer on record".into()),
            None,
        ),
        Subject::Pathway(code) => (names.pathways.get(&code).cloned().unwrap_or(code), None),
        Subject::Role(code) => (names.roles.get(&code).cloned().unwrap_or(code), None),
        Subject::Route(from, to) => {
            let role = |c: &String| names.roles.get(c).cloned().unwrap_or_else(|| c.clone());
            (format!("from {} to {}", role(&from), role(&to)), None)
        }
        Subject::Organisation => (names.organisation.clone(), None),
        Subject::Other(s) => (format!("the page '{s}'"), None),
    }
}

fn audit_row(names: &AuditNames, e: AuditEvent) -> AuditRow {
    let who = match e.user_id {
        Some(id) => names
            .users
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "An account no longer on record".into()),
        None => "Someone not signed in".into(),
    };
    let (about, person) = about(names, &e.subject);
    AuditRow {
        at: date_time_in_words(e.at),
        what: sentence(&who, &e.action, &about),
        who_href: e.user_id.map(|id| format!("/admin/audit?who={id}")),
        who,
        person: person.map(|(id, name)| (name, format!("/admin/audit?person={id}"))),
        detail: e.detail,
        at_utc: date_time(e.at),
        action: e.action,
        subject: e.subject,
    }
}

async fn audit_rows(
    state: &AppState,
    user: &CurrentUser,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>> {
    auth::require_admin(state, user, "admin/audit").await?;
    let org = user.account.org_id;
    let events = audit::list(&state.store, org, filter, limit, offset).await?;
    let names = audit::names_for(&state.store, org, &events).await?;
    Ok(events.into_iter().map(|e| audit_row(&names, e)).collect())
}

async fn audit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response> {
    auth::require_admin(&state, &user, "admin/audit").await?;
    let org = user.account.org_id;
    let page = q.page;
    let (filter, errors) = match q.filter(state.clock.today()) {
        Ok(f) => (Some(f), Vec::new()),
        Err(e) => (None, e),
    };
    let mut rows = match &filter {
        Some(f) => {
            audit_rows(
                &state,
                &user,
                f,
                i64::from(AUDIT_PER_PAGE) + 1,
                page.offset(AUDIT_PER_PAGE) as i64,
            )
            .await?
        }
        None => Vec::new(),
    };
    let more = rows.len() > AUDIT_PER_PAGE as usize;
    rows.truncate(AUDIT_PER_PAGE as usize);
    let query = q.query();
    let link = |p: PageNumber| format!("/admin/audit?{query}&page={p}");
    let person_id = filter.as_ref().and_then(|f| f.person);
    let person = match person_id {
        Some(id) => pathwise_storage::people::person(&state.store, id)
            .await?
            .filter(|p| p.org_id == org)
            .map(|p| p.name),
        None => None,
    };
    let actors = std::iter::once(Choice {
        value: String::new(),
        label: "Anyone".into(),
        selected: q.who.trim().is_empty(),
    })
    .chain(
        audit::actors(&state.store, org)
            .await?
            .into_iter()
            .map(|(id, name)| Choice {
                selected: q.who.trim() == id.to_string(),
                value: id.to_string(),
                label: name,
            }),
    )
    .collect();
    let actions = std::iter::once(Choice {
        value: String::new(),
        label: "All actions".into(),
        selected: q.action.is_empty(),
    })
    .chain(ACTIONS.iter().map(|w| Choice {
        value: w.code.into(),
        label: w.label.into(),
        selected: q.action == w.code,
    }))
    .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = "Audit trail";
    Ok((
        status,
        AuditPage {
            layout: Layout::for_user(title, &user, "/admin/audit"),
            rows,
            actions,
            actors,
            person,
            person_value: q.person.clone(),
            from: q.from.clone(),
            to: q.to.clone(),
            errors,
            page,
            next_href: page
                .next(AUDIT_PER_PAGE, u64::MAX)
                .filter(|_| more)
                .map(link),
            prev_href: page.previous().map(link),
            query,
        },
    )
        .into_response())
}

async fn audit_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
    format: Format,
) -> Result<Response> {
    let filter = q.filter(state.clock.today()).map_err(|e| {
        crate::error::Error::BadRequest(
            e.into_iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let rows = audit_rows(&state, &user, &filter, 100_000, 0).await?;
    Table {
        name: "audit",
        headers: vec![
            "when", "who", "what", "detail", "at_utc", "action", "subject",
        ],
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    r.at.into(),
                    r.who.into(),
                    r.what.into(),
                    r.detail.into(),
                    r.at_utc.into(),
                    r.action.into(),
                    r.subject.into(),
                ]
            })
            .collect(),
    }
    .respond(format)
}
