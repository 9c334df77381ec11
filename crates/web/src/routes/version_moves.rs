//! Moving learners to another version of their pathway, many at once: L&D
//! chooses who (everyone on a version, at one site, then untick any), sees
//! first what the move does to each (criteria added and removed, overdue at
//! once, stage and status), gives a reason and confirms; each move is
//! audited and they all happen or none does.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::forms::see_other;
use crate::learners::{self, place};
use crate::views::*;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use pathwise_domain::moves::preview_move;
use pathwise_domain::pathway::LearnerRecord;
use pathwise_storage::pathways::{self, LearnerFilter};
use pathwise_storage::people;
use serde::Deserialize;

/// The moves page: choose, preview, confirm.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/admin/pathways/{code}/moves",
        get(moves_page).post(confirm_moves),
    )
}

#[derive(Deserialize, Default, Clone)]
struct MovesQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    done: String,
}

fn id(v: &str) -> Option<i64> {
    v.trim().parse().ok()
}

async fn moves_view(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    q: &MovesQuery,
    ticked: Option<&[i64]>,
    reason: &str,
    errors: Vec<FieldError>,
) -> Result<VersionMovesPage> {
    auth::require_admin(state, user, "admin/pathways/moves").await?;
    let org = user.account.org_id;
    let versions: Vec<_> = pathways::versions(&state.store, org)
        .await?
        .into_iter()
        .filter(|v| v.code == code)
        .collect();
    let Some(latest) = versions.iter().max_by_key(|v| v.version) else {
        return Err(Error::NotFound);
    };
    let name = latest.name.clone();
    let from = id(&q.from).filter(|f| versions.iter().any(|v| v.id == *f));
    let to = id(&q.to)
        .filter(|t| versions.iter().any(|v| v.id == *t))
        .unwrap_or(latest.id);
    let site = id(&q.site);
    let choice = |value: String, label: String, selected: bool| Choice::new(value, label, selected);
    let from_choices = versions
        .iter()
        .filter(|v| v.enrolled > 0)
        .map(|v| {
            choice(
                v.id.to_string(),
                format!(
                    "Version {} ({} learner{})",
                    v.version,
                    v.enrolled,
                    if v.enrolled == 1 { "" } else { "s" }
                ),
                from == Some(v.id),
            )
        })
        .collect();
    let to_choices = versions
        .iter()
        .map(|v| {
            let newest = if v.id == latest.id {
                ", the newest"
            } else {
                ""
            };
            choice(
                v.id.to_string(),
                format!("Version {}{newest}", v.version),
                v.id == to,
            )
        })
        .collect();
    let site_choices = std::iter::once(choice(String::new(), "Every site".into(), site.is_none()))
        .chain(
            people::sites(&state.store, org)
                .await?
                .into_iter()
                .map(|s| choice(s.id.to_string(), s.name, site == Some(s.id))),
        )
        .collect();
    let mut rows = Vec::new();
    if let Some(from) = from
        && from != to
    {
        let target = pathways::template(&state.store, org, to).await?;
        let today = state.clock.today();
        for (l, t, _) in learners::standings(state, org, LearnerFilter::default()).await? {
            if l.enrolment.version_id != from || site.is_some_and(|s| s != l.site_id) {
                continue;
            }
            let p = place(&l);
            let record = LearnerRecord {
                place: &p,
                enrolled: l.enrolment.enrolled_on,
                decisions: &l.decisions,
                last_review: l.last_review,
                flag_events: &l.flag_events,
            };
            let m = preview_move(&t, &target, record, today);
            let stage = |s: Option<pathwise_domain::pathway::Stage>| match s {
                Some(s) => format!("Stage {}: {}", s.number(), s.label()),
                None => "All stages complete".into(),
            };
            rows.push(MoveRow {
                enrolment_id: l.enrolment.id,
                name: l.name.clone(),
                site: l.site_name.clone(),
                stage_change: if m.stage_before == m.stage_after {
                    format!("{} (no change)", stage(m.stage_before))
                } else {
                    format!("{} to {}", stage(m.stage_before), stage(m.stage_after))
                },
                status_change: if m.status_before == m.status_after {
                    m.status_before.to_string()
                } else {
                    format!("{} to {}", m.status_before, m.status_after)
                },
                added: m.added.clone(),
                removed: m.removed.clone(),
                newly_overdue: m.newly_overdue.clone(),
                attention: m.needs_attention(),
                ticked: ticked.is_none_or(|t| t.contains(&l.enrolment.id)),
            });
        }
    }
    let same = from == Some(to);
    Ok(VersionMovesPage {
        layout: Layout::for_user(format!("Move learners: {name}"), user, "/admin/pathways"),
        code: code.to_string(),
        name,
        from_choices,
        to_choices,
        site_choices,
        chosen: from.is_some(),
        same,
        attention: rows.iter().filter(|r| r.attention).count(),
        rows,
        query: format!("from={}&to={to}&site={}", q.from.trim(), q.site.trim()),
        reason: reason.to_string(),
        notice: q.done.parse::<usize>().ok().map(|n| match n {
            1 => "1 learner moved. The move and its reason are in the audit trail.".to_string(),
            n => format!("{n} learners moved. Each move and its reason are in the audit trail."),
        }),
        errors,
    })
}

async fn moves_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<MovesQuery>,
) -> Result<VersionMovesPage> {
    moves_view(&state, &user, &code, &q, None, "", Vec::new()).await
}

async fn confirm_moves(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let value = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    user.check_csrf(&value("csrf"))?;
    auth::require_admin(&state, &user, "admin/pathways/moves").await?;
    let q = MovesQuery {
        from: value("from"),
        to: value("to"),
        site: value("site"),
        done: String::new(),
    };
    let ticked: Vec<i64> = form
        .iter()
        .filter(|(n, _)| n == "enrolment")
        .filter_map(|(_, v)| id(v))
        .collect();
    let reason = value("reason");
    let mut errors = Vec::new();
    if ticked.is_empty() {
        errors.push(FieldError::new("moves-table", "Tick the learners to move"));
    }
    if reason.trim().is_empty() {
        errors.push(FieldError::new(
            "reason",
            "Say why they are moving, for the audit trail",
        ));
    }
    // Only learners the preview offers (on the version chosen, at the site
    // chosen) can be moved from here.
    let page = moves_view(&state, &user, &code, &q, Some(&ticked), &reason, Vec::new()).await?;
    if ticked
        .iter()
        .any(|t| !page.rows.iter().any(|r| r.enrolment_id == *t))
    {
        errors.push(FieldError::new(
            "moves-table",
            "Some of the learners ticked are no longer on this version; check the list again",
        ));
    }
    let to = id(&q.to).ok_or_else(|| Error::BadRequest("to: choose a version".into()))?;
    if errors.is_empty() {
        match pathways::move_versions(
            &state.store,
            user.account.org_id,
            &ticked,
            to,
            &reason,
            Some(user.account.id),
            state.clock.now(),
        )
        .await
        {
            Ok(()) => {
                return Ok(see_other(&format!(
                    "/admin/pathways/{code}/moves?done={}",
                    ticked.len()
                )));
            }
            Err(e) => errors.push(FieldError::new(
                "moves-table",
                &format!("{}. Nobody was moved.", capitalise(&e.to_string())),
            )),
        }
    }
    let page = moves_view(&state, &user, &code, &q, Some(&ticked), &reason, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
