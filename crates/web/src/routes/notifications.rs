//! The signed-in person's notifications: the list (newest first, paged),
//! marking one or all read, and how they want to hear of each kind. Every
//! route acts on the asker's own notifications only.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::forms::{self, CsrfForm, FormFields, NoticeQuery, PAGE_SIZE, csrf_in, see_other};
use crate::views::*;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use pathwise_domain::PageNumber;
use pathwise_domain::notify::{Channel, NotificationKind, parse_choices};
use pathwise_storage::StorageError;
use pathwise_storage::notifications as notes;
use serde::Deserialize;

/// The notification pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read", post(read_all))
        .route("/notifications/{id}/read", post(read_one))
        .route("/notifications/settings", get(settings).post(save_settings))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    page: PageNumber,
    #[serde(default)]
    done: String,
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<NotificationsPage> {
    let id = user.account.id;
    let (found, total) = notes::notifications(
        &state.store,
        id,
        i64::from(PAGE_SIZE),
        q.page.offset(PAGE_SIZE) as i64,
    )
    .await?;
    let unread = notes::unread_count(&state.store, id).await?;
    let href = |p: PageNumber| format!("/notifications?page={}", p.get());
    Ok(NotificationsPage {
        layout: Layout::for_user("Notifications", &user, "/notifications"),
        rows: found
            .into_iter()
            .map(|n| NotificationRow {
                id: n.id,
                title: n.title,
                body: n.body,
                link: n.link,
                when: date_time(n.created_at),
                unread: n.read_at.is_none(),
            })
            .collect(),
        unread,
        notice: forms::notice(&q.done),
        prev_href: q.page.previous().map(href),
        next_href: q.page.next(PAGE_SIZE, total.max(0) as u64).map(href),
    })
}

async fn read_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    match notes::mark_read(&state.store, user.account.id, Some(id), state.clock.now()).await {
        Ok(_) => Ok(see_other("/notifications")),
        Err(StorageError::NotFound(_)) => {
            Err(crate::auth::refuse(&state, &user, &format!("notification:{id}")).await)
        }
        Err(e) => Err(e.into()),
    }
}

async fn read_all(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    let n = notes::mark_read(&state.store, user.account.id, None, state.clock.now()).await?;
    Ok(see_other(&format!(
        "/notifications?done={}",
        forms::encode(&format!(
            "{} marked as read.",
            forms::plural(n, "notification", "notifications")
        ))
    )))
}

fn settings_page(
    state: &AppState,
    user: &CurrentUser,
    chosen: &[(NotificationKind, Channel)],
    daily_digest: bool,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> NotificationSettingsPage {
    let choices = NotificationKind::ALL
        .iter()
        .map(|k| {
            let current = chosen.iter().find(|(kk, _)| kk == k).map(|(_, c)| *c);
            ChannelChoice {
                code: k.code(),
                label: k.describe(),
                options: Channel::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, c)| ChannelOption {
                        id: if i == 0 {
                            k.code().to_string()
                        } else {
                            format!("{}-{}", k.code(), c.code())
                        },
                        value: c.code(),
                        words: c.describe(),
                        chosen: current == Some(*c),
                    })
                    .collect(),
            }
        })
        .collect();
    NotificationSettingsPage {
        layout: Layout::for_user("Notification settings", user, "/notifications"),
        choices,
        daily_digest,
        email_on: state.email_configured,
        errors,
        notice,
    }
}

async fn settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> Result<NotificationSettingsPage> {
    let p = notes::preferences(&state.store, user.account.id).await?;
    Ok(settings_page(
        &state,
        &user,
        &p.channels,
        p.daily_digest,
        Vec::new(),
        forms::notice(&q.done),
    ))
}

async fn save_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<FormFields>,
) -> Result<Response> {
    user.check_csrf(csrf_in(&f))?;
    match parse_choices(|k| f.get(k).map(String::as_str)) {
        Ok(preferences) => {
            notes::set_preferences(&state.store, user.account.id, &preferences).await?;
            Ok(see_other(
                "/notifications/settings?done=Your+notification+settings+are+saved.",
            ))
        }
        Err(errors) => {
            let chosen: Vec<(NotificationKind, Channel)> = NotificationKind::ALL
                .iter()
                .filter_map(|k| {
                    f.get(k.code())
                        .and_then(|c| Channel::from_code(c))
                        .map(|c| (*k, c))
                })
                .collect();
            let page = settings_page(
                &state,
                &user,
                &chosen,
                f.get("digest").is_some_and(|d| d == "yes"),
                errors,
                None,
            );
            Ok(forms::unprocessable(page))
        }
    }
}
