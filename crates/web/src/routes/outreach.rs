//! Outreach to intake: an outreach lead (or L&D) records the organisation's
//! activities and what followed them, by form or CSV (all or nothing), and
//! sees the funnel from activity to start with its chart and exports; an
//! analyst sees every organisation's funnel under disclosure control, by
//! integrated care board. The targeting figures are the shipped, sourced ones.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::charts;
use crate::csv_files;
use crate::error::Result;
use crate::exports::{Cell, Format, Table};
use crate::forms::{FormFields, encode, file_refused, read_csv_upload, see_other, unprocessable};
use crate::views::outreach::*;
use crate::views::{Choice, Layout};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use pathwise_domain::access::OutreachView;
use pathwise_domain::input::FieldError;
use pathwise_domain::outreach::{
    ACTIVITY_COLUMNS, Activity, ActivityType, Breakdown, FOLLOW_UP_COLUMNS, FollowUp, FunnelRow,
    Rate, Route, SCHOOL_YEARS, check_follow_ups, funnel,
};
use pathwise_storage::outreach::{self as store, OutreachRecords};
use serde::Deserialize;
use std::collections::HashMap;

/// The largest file accepted.
const MAX_FILE: usize = 2 * 1024 * 1024;

/// Activities listed on the page.
const LISTED: usize = 50;

/// The outreach routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outreach", get(outreach_page))
        .route("/outreach/activities", post(record_activity))
        .route("/outreach/follow-ups", post(record_follow_up))
        .route(
            "/outreach/import",
            post(import_file).layer(DefaultBodyLimit::max(MAX_FILE)),
        )
        .route(
            "/outreach/funnel.csv",
            get(|s, u, q| funnel_export(s, u, q, Format::Csv)),
        )
        .route(
            "/outreach/funnel.xlsx",
            get(|s, u, q| funnel_export(s, u, q, Format::Xlsx)),
        )
}

async fn view_of(state: &AppState, user: &CurrentUser, what: &str) -> Result<OutreachView> {
    match user.viewer.outreach() {
        Some(v) => Ok(v),
        None => Err(auth::refuse(state, user, what).await),
    }
}

async fn require_own(state: &AppState, user: &CurrentUser, what: &str) -> Result<()> {
    match user.viewer.outreach() {
        Some(OutreachView::Own) => Ok(()),
        _ => Err(auth::refuse(state, user, what).await),
    }
}

/// The page's query: the breakdown, a route and (across organisations) an ICB.
#[derive(Deserialize, Default)]
pub struct FunnelQuery {
    #[serde(default)]
    by: String,
    #[serde(default)]
    route: String,
    #[serde(default)]
    icb: String,
    done: Option<String>,
}

impl FunnelQuery {
    fn breakdown(&self) -> Breakdown {
        Breakdown::from_code(&self.by).unwrap_or(Breakdown::ActivityType)
    }

    fn route(&self) -> Option<Route> {
        Route::from_text(&self.route)
    }

    fn query_string(&self) -> String {
        format!(
            "by={}&route={}&icb={}",
            self.breakdown().code(),
            self.route().map_or("", Route::code),
            encode(&self.icb)
        )
    }
}

async fn records_for(
    state: &AppState,
    user: &CurrentUser,
    view: OutreachView,
    q: &FunnelQuery,
) -> Result<OutreachRecords> {
    Ok(match view {
        OutreachView::Own => store::records(&state.store, Some(user.account.org_id), None).await?,
        OutreachView::AcrossOrganisations => {
            let icb = q.icb.trim();
            store::records(&state.store, None, (!icb.is_empty()).then_some(icb)).await?
        }
    })
}

fn rate(r: Rate) -> String {
    match r {
        Some((v, lo, hi)) => format!(
            "{:.1}% ({:.1}% to {:.1}%)",
            v * 100.0,
            lo * 100.0,
            hi * 100.0
        ),
        None => "suppressed or none".into(),
    }
}

fn funnel_line(r: &FunnelRow) -> FunnelLine {
    FunnelLine {
        group: r.group.clone(),
        counts: [
            r.activities.text(),
            r.participants.text(),
            r.disadvantaged.text(),
            r.applications.text(),
            r.offers.text(),
            r.starts.text(),
        ],
        application_rate: rate(r.application_rate),
        offer_rate: rate(r.offer_rate),
        conversion: rate(r.conversion),
    }
}

fn text_box(
    typed: &HashMap<String, String>,
    errors: &[FieldError],
    name: &str,
    label: &str,
    hint: Option<&str>,
    width: &'static str,
    numeric: bool,
) -> TextBox {
    TextBox {
        name: name.into(),
        label: label.into(),
        hint: hint.map(String::from),
        value: typed.get(name).cloned().unwrap_or_default(),
        error: errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone()),
        width,
        numeric,
    }
}

fn activity_boxes(typed: &HashMap<String, String>, errors: &[FieldError]) -> Vec<TextBox> {
    let b = |name, label, hint, width, numeric| {
        text_box(typed, errors, name, label, hint, width, numeric)
    };
    let mut boxes = vec![
        b(
            "reference",
            "Your reference for it",
            Some(
                "Unique within your organisation, like WE-2026-01. Recording a reference again replaces it.",
            ),
            "nhsuk-input--width-10",
            false,
        ),
        b(
            "date",
            "Date",
            Some("The first day, for example 12 March 2026"),
            "nhsuk-input--width-10",
            false,
        ),
        b(
            "school",
            "School or college",
            None,
            "nhsuk-u-width-two-thirds",
            false,
        ),
        b(
            "school_urn",
            "School's URN (optional)",
            Some("Its 6-digit unique reference number"),
            "nhsuk-input--width-10",
            true,
        ),
        b(
            "careers_hub",
            "Careers hub",
            None,
            "nhsuk-u-width-two-thirds",
            false,
        ),
        b(
            "icb",
            "Integrated care board",
            None,
            "nhsuk-u-width-two-thirds",
            false,
        ),
    ];
    for y in SCHOOL_YEARS {
        let name = format!("year_{y}");
        let label = format!("Young people in Year {y}");
        let mut tb = text_box(
            typed,
            errors,
            &name,
            &label,
            None,
            "nhsuk-input--width-4",
            true,
        );
        tb.name = name;
        boxes.push(tb);
    }
    boxes.extend([
        b(
            "teachers",
            "Teachers and other adults",
            None,
            "nhsuk-input--width-4",
            true,
        ),
        b(
            "disadvantaged",
            "Of the young people, how many have free school meals",
            None,
            "nhsuk-input--width-4",
            true,
        ),
        b(
            "roles_showcased",
            "Roles showcased (optional)",
            Some("Separate them with semicolons, like Healthcare support worker; Paramedic"),
            "nhsuk-u-width-two-thirds",
            false,
        ),
        b(
            "staff_hours",
            "Staff hours given (optional)",
            Some("For example 12 or 7.5"),
            "nhsuk-input--width-5",
            false,
        ),
    ]);
    boxes
}

fn follow_up_boxes(typed: &HashMap<String, String>, errors: &[FieldError]) -> Vec<TextBox> {
    let b = |name, label, hint, width, numeric| {
        text_box(typed, errors, name, label, hint, width, numeric)
    };
    vec![
        b(
            "period",
            "Period counted",
            Some("As you count it, like 2026-27 or September 2026"),
            "nhsuk-input--width-10",
            false,
        ),
        b(
            "applications",
            "Applications",
            Some("People who applied"),
            "nhsuk-input--width-4",
            true,
        ),
        b(
            "offers",
            "Offers",
            Some("Of those, people offered a place"),
            "nhsuk-input--width-4",
            true,
        ),
        b(
            "starts",
            "Starts",
            Some("Of those, people who started"),
            "nhsuk-input--width-4",
            true,
        ),
    ]
}

const FILES: [(&str, &str); 2] = [("activities", "Activities"), ("follow_ups", "Follow-ups")];

async fn page_view(
    state: &AppState,
    user: &CurrentUser,
    q: &FunnelQuery,
    typed: HashMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<OutreachPage> {
    let view = view_of(state, user, "outreach").await?;
    let across = view == OutreachView::AcrossOrganisations;
    let records = records_for(state, user, view, q).await?;
    let breakdown = q.breakdown();
    let rows = funnel(
        &records.activities,
        &records.follow_ups,
        breakdown,
        q.route(),
        across,
    );
    let chart = charts::share_bars(
        "Applied and started, per young person taking part",
        &rows.iter().map(|r| r.group.clone()).collect::<Vec<_>>(),
        &[
            (
                "Applied",
                rows.iter()
                    .map(|r| r.application_rate.map(|x| x.0))
                    .collect(),
            ),
            (
                "Started",
                rows.iter().map(|r| r.conversion.map(|x| x.0)).collect(),
            ),
        ],
    );
    let targeting = state
        .catalogue
        .outreach_targeting
        .rows()
        .into_iter()
        .map(|t| {
            let pct = |f: &Option<pathwise_domain::outreach::RegionalFigure>| {
                f.as_ref()
                    .map_or("Not published".to_string(), |f| format!("{}%", f.percent))
            };
            let sources: Vec<String> = [&t.interest, &t.vacancy_rate]
                .into_iter()
                .flatten()
                .map(|f| format!("{} (checked {})", f.source, f.checked_on))
                .collect();
            TargetingLine {
                interest: pct(&t.interest),
                vacancy_rate: pct(&t.vacancy_rate),
                sources: sources.join("; "),
                region: t.region,
            }
        })
        .collect();
    let mut followed: HashMap<&str, [u32; 3]> = HashMap::new();
    for f in &records.follow_ups {
        let e = followed.entry(f.activity.as_str()).or_default();
        e[0] += f.applications;
        e[1] += f.offers;
        e[2] += f.starts;
    }
    let activities = if across {
        Vec::new()
    } else {
        records
            .activities
            .iter()
            .take(LISTED)
            .map(|a| {
                let f = followed
                    .get(a.reference.as_str())
                    .copied()
                    .unwrap_or_default();
                ActivityLine {
                    reference: a.reference.clone(),
                    kind: a.kind.label().into(),
                    date: a.date.in_words(),
                    school: a.school.clone(),
                    hub: a.careers_hub.clone(),
                    took_part: if a.teachers > 0 {
                        format!("{} young people, {} teachers", a.young_people(), a.teachers)
                    } else {
                        format!("{} young people", a.young_people())
                    },
                    followed: format!("{}, {}, {}", f[0], f[1], f[2]),
                }
            })
            .collect()
    };
    let chosen_kind = typed.get("type").cloned().unwrap_or_default();
    let chosen_activity = typed.get("activity").cloned().unwrap_or_default();
    let chosen_route = typed.get("route").cloned().unwrap_or_default();
    let icbs = if across {
        std::iter::once(Choice::new("", "Every ICB", q.icb.is_empty()))
            .chain(
                store::icbs(&state.store)
                    .await?
                    .into_iter()
                    .map(|i| Choice::new(i.clone(), i.clone(), i == q.icb)),
            )
            .collect()
    } else {
        Vec::new()
    };
    Ok(OutreachPage {
        layout: Layout::for_user("Outreach to intake", user, "/outreach"),
        csrf: user.csrf.clone().unwrap_or_default(),
        across,
        done: q.done.clone(),
        breakdowns: Breakdown::ALL
            .iter()
            .map(|b| Choice::new(b.code(), b.label(), *b == breakdown))
            .collect(),
        routes: std::iter::once(Choice::new("", "Every route", q.route().is_none()))
            .chain(
                Route::ALL
                    .iter()
                    .map(|r| Choice::new(r.code(), r.label(), Some(*r) == q.route())),
            )
            .collect(),
        icbs,
        breakdown_label: breakdown.label().into(),
        funnel: rows.iter().map(funnel_line).collect(),
        chart: if rows.is_empty() { None } else { chart },
        query: q.query_string(),
        targeting,
        activity_choices: records
            .activities
            .iter()
            .filter(|_| !across)
            .map(|a| {
                Choice::new(
                    a.reference.clone(),
                    format!(
                        "{}: {}, {}, {}",
                        a.reference,
                        a.kind.label(),
                        a.school,
                        a.date.in_words()
                    ),
                    a.reference == chosen_activity,
                )
            })
            .collect(),
        activities,
        kinds: ActivityType::ALL
            .iter()
            .map(|k| Choice::new(k.code(), k.label(), k.code() == chosen_kind))
            .collect(),
        route_choices: Route::ALL
            .iter()
            .map(|r| Choice::new(r.code(), r.label(), r.code() == chosen_route))
            .collect(),
        activity_boxes: activity_boxes(&typed, &errors),
        follow_up_boxes: follow_up_boxes(&typed, &errors),
        typed,
        files: vec![
            (
                FILES[0].0.into(),
                FILES[0].1.into(),
                format!(
                    "{},school_urn,year_7,...,year_13,teachers,disadvantaged,roles_showcased,staff_hours (the last 12 optional; type is one of {})",
                    ACTIVITY_COLUMNS.join(","),
                    ActivityType::ALL.map(|t| t.code()).join(", ")
                ),
            ),
            (
                FILES[1].0.into(),
                FILES[1].1.into(),
                format!(
                    "{} (route is one of {})",
                    FOLLOW_UP_COLUMNS.join(","),
                    Route::ALL.map(|r| r.code()).join(", ")
                ),
            ),
        ],
        errors,
    })
}

async fn outreach_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<FunnelQuery>,
) -> Result<Response> {
    Ok(page_view(&state, &user, &q, HashMap::new(), Vec::new())
        .await?
        .into_response())
}

async fn refuse_form(
    state: &AppState,
    user: &CurrentUser,
    typed: HashMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<Response> {
    let page = page_view(state, user, &FunnelQuery::default(), typed, errors).await?;
    Ok(unprocessable(page))
}

fn done(text: &str) -> Response {
    see_other(&format!("/outreach?done={}", encode(text)))
}

async fn record_activity(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(mut f): Form<FormFields>,
) -> Result<Response> {
    require_own(&state, &user, "outreach/activities").await?;
    user.check_csrf(crate::forms::csrf_in(&f))?;
    f.remove("csrf");
    match Activity::parse(&f) {
        Ok(a) => {
            store::save_activities(
                &state.store,
                user.account.org_id,
                std::slice::from_ref(&a),
                Some(user.account.id),
                state.clock.now(),
            )
            .await?;
            Ok(done(&format!("Activity {} recorded.", a.reference)))
        }
        Err(e) => refuse_form(&state, &user, f, e.into_list()).await,
    }
}

/// Follow-ups checked against the organisation's stored activities and the
/// follow-ups already stored (those with the same activity, route and period
/// are replaced).
async fn checked_follow_ups(
    state: &AppState,
    org_id: i64,
    new: &[FollowUp],
) -> Result<Vec<(usize, String, String)>> {
    let stored = store::records(&state.store, Some(org_id), None).await?;
    let same = |a: &FollowUp, b: &FollowUp| {
        a.activity == b.activity && a.route == b.route && a.period == b.period
    };
    let mut all: Vec<FollowUp> = new.to_vec();
    all.extend(
        stored
            .follow_ups
            .into_iter()
            .filter(|s| !new.iter().any(|n| same(n, s))),
    );
    Ok(check_follow_ups(&stored.activities, &all)
        .into_iter()
        .filter(|(i, _, _)| *i < new.len())
        .collect())
}

async fn record_follow_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(mut f): Form<FormFields>,
) -> Result<Response> {
    require_own(&state, &user, "outreach/follow-ups").await?;
    user.check_csrf(crate::forms::csrf_in(&f))?;
    f.remove("csrf");
    let rename = |e: FieldError| {
        if e.field == "route" {
            FieldError::new("follow-route", &e.message)
        } else {
            e
        }
    };
    let follow_up = match FollowUp::parse(&f) {
        Ok(x) => x,
        Err(e) => {
            let errors = e.into_list().into_iter().map(rename).collect();
            return refuse_form(&state, &user, f, errors).await;
        }
    };
    let problems = checked_follow_ups(
        &state,
        user.account.org_id,
        std::slice::from_ref(&follow_up),
    )
    .await?;
    if !problems.is_empty() {
        let errors = problems
            .into_iter()
            .map(|(_, field, message)| FieldError::new(&field, &message))
            .collect();
        return refuse_form(&state, &user, f, errors).await;
    }
    store::save_follow_ups(
        &state.store,
        user.account.org_id,
        std::slice::from_ref(&follow_up),
        Some(user.account.id),
        state.clock.now(),
    )
    .await?;
    Ok(done(&format!(
        "Recorded what followed {}: {} applications, {} offers, {} starts.",
        follow_up.activity, follow_up.applications, follow_up.offers, follow_up.starts
    )))
}

async fn import_file(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> Result<Response> {
    require_own(&state, &user, "outreach/import").await?;
    let upload = read_csv_upload(mp).await?;
    user.check_csrf(&upload.csrf)?;
    let kind = upload.field("kind").to_string();
    let refuse = |errors: Vec<FieldError>| refuse_form(&state, &user, HashMap::new(), errors);
    if !FILES.iter().any(|(k, _)| *k == kind) {
        return refuse(vec![FieldError::new("kind", "Choose what the file holds")]).await;
    }
    let Some(text) = upload.text else {
        return refuse(vec![FieldError::new("file", "Choose a CSV file to import")]).await;
    };
    let org = user.account.org_id;
    if kind == "activities" {
        let rows = match csv_files::outreach_activities(&text) {
            Ok(r) => r,
            Err(p) => return refuse(file_refused(p)).await,
        };
        let activities: Vec<Activity> = rows.into_iter().map(|(_, a)| a).collect();
        let n = store::save_activities(
            &state.store,
            org,
            &activities,
            Some(user.account.id),
            state.clock.now(),
        )
        .await?;
        return Ok(done(&format!(
            "Activities imported: {}.",
            pathwise_domain::counted(n, "row", "rows")
        )));
    }
    let rows = match csv_files::outreach_follow_ups(&text) {
        Ok(r) => r,
        Err(p) => return refuse(file_refused(p)).await,
    };
    let follow_ups: Vec<FollowUp> = rows.iter().map(|(_, x)| x.clone()).collect();
    let problems = checked_follow_ups(&state, org, &follow_ups).await?;
    if !problems.is_empty() {
        let listed = problems
            .into_iter()
            .map(|(i, field, message)| format!("row {}, column {field}: {message}", rows[i].0))
            .collect();
        return refuse(file_refused(listed)).await;
    }
    let n = store::save_follow_ups(
        &state.store,
        org,
        &follow_ups,
        Some(user.account.id),
        state.clock.now(),
    )
    .await?;
    Ok(done(&format!(
        "Follow-ups imported: {}.",
        pathwise_domain::counted(n, "row", "rows")
    )))
}

async fn funnel_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<FunnelQuery>,
    format: Format,
) -> Result<Response> {
    let view = view_of(&state, &user, "outreach/export").await?;
    let across = view == OutreachView::AcrossOrganisations;
    let records = records_for(&state, &user, view, &q).await?;
    let rows = funnel(
        &records.activities,
        &records.follow_ups,
        q.breakdown(),
        q.route(),
        across,
    );
    let count = |s: pathwise_domain::outreach::Shown| match s.value() {
        Some(n) => Cell::from(n as i64),
        None => Cell::from("*"),
    };
    let share = |r: Rate, i: usize| match r {
        Some(t) => Cell::from([t.0, t.1, t.2][i]),
        None => Cell::Empty,
    };
    Table {
        name: "outreach-funnel",
        headers: vec![
            "group",
            "activities",
            "participants",
            "disadvantaged",
            "applications",
            "offers",
            "starts",
            "application_rate",
            "application_rate_low",
            "application_rate_high",
            "offer_rate",
            "conversion",
            "conversion_low",
            "conversion_high",
            "disclosure_control",
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::from(r.group.as_str()),
                    count(r.activities),
                    count(r.participants),
                    count(r.disadvantaged),
                    count(r.applications),
                    count(r.offers),
                    count(r.starts),
                    share(r.application_rate, 0),
                    share(r.application_rate, 1),
                    share(r.application_rate, 2),
                    share(r.offer_rate, 0),
                    share(r.conversion, 0),
                    share(r.conversion, 1),
                    share(r.conversion, 2),
                    Cell::from(if across { "on" } else { "off" }),
                ]
            })
            .collect(),
    }
    .respond(format)
}
