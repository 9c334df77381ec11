//! The outcomes page for L&D and analysts: retention, time to competence,
//! internal progression, managers' ratings, who progresses by group and the
//! WRES indicators, for the staff selected, each with its chart, table and
//! exports (in `exports`). L&D sees the organisation's figures in full; an
//! analyst only under disclosure control.

mod exports;

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::charts;
use crate::csv_files;
use crate::error::{Error, Result};
use crate::exports::Format;
use crate::forms::{encode, file_refused, read_csv_upload, see_other};
use crate::learners;
use crate::outcomes::{self, OutcomeQuery};
use crate::views::FieldError;
use crate::views::outcomes::*;
use crate::views::{Choice, Layout};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use pathwise_domain::StaffGroup;
use pathwise_domain::outcomes::competence::Competence;
use pathwise_domain::outcomes::equity::Step;
use pathwise_domain::outcomes::progression::PROGRESSION_WINDOWS;
use pathwise_storage::people;

/// The outcomes routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outcomes", get(outcomes_page))
        .route(
            "/outcomes/retention.csv",
            get(|s, u, q| exports::retention_export(s, u, q, Format::Csv)),
        )
        .route(
            "/outcomes/retention.xlsx",
            get(|s, u, q| exports::retention_export(s, u, q, Format::Xlsx)),
        )
        .route(
            "/outcomes/competence.csv",
            get(|s, u, q| {
                exports::measure_export(s, u, q, exports::Measure::Competence, Format::Csv)
            }),
        )
        .route(
            "/outcomes/competence.xlsx",
            get(|s, u, q| {
                exports::measure_export(s, u, q, exports::Measure::Competence, Format::Xlsx)
            }),
        )
        .route(
            "/outcomes/progression.csv",
            get(|s, u, q| {
                exports::measure_export(s, u, q, exports::Measure::Progression, Format::Csv)
            }),
        )
        .route(
            "/outcomes/progression.xlsx",
            get(|s, u, q| {
                exports::measure_export(s, u, q, exports::Measure::Progression, Format::Xlsx)
            }),
        )
        .route(
            "/outcomes/equity.csv",
            get(|s, u, q| exports::measure_export(s, u, q, exports::Measure::Equity, Format::Csv)),
        )
        .route(
            "/outcomes/equity.xlsx",
            get(|s, u, q| exports::measure_export(s, u, q, exports::Measure::Equity, Format::Xlsx)),
        )
        .route(
            "/outcomes/satisfaction.csv",
            get(|s, u, q| {
                exports::measure_export(s, u, q, exports::Measure::Satisfaction, Format::Csv)
            }),
        )
        .route(
            "/outcomes/satisfaction.xlsx",
            get(|s, u, q| {
                exports::measure_export(s, u, q, exports::Measure::Satisfaction, Format::Xlsx)
            }),
        )
        .route(
            "/outcomes/bands.csv",
            get(|s, u, q| exports::measure_export(s, u, q, exports::Measure::Bands, Format::Csv)),
        )
        .route(
            "/outcomes/bands.xlsx",
            get(|s, u, q| exports::measure_export(s, u, q, exports::Measure::Bands, Format::Xlsx)),
        )
        .route(
            "/outcomes/recruitment",
            post(import_recruitment).layer(DefaultBodyLimit::max(MAX_RECRUITMENT_FILE)),
        )
        .route(
            "/outcomes/completeness.csv",
            get(|s, u, q| {
                exports::measure_export(s, u, q, exports::Measure::Completeness, Format::Csv)
            }),
        )
        .route(
            "/outcomes/completeness.xlsx",
            get(|s, u, q| {
                exports::measure_export(s, u, q, exports::Measure::Completeness, Format::Xlsx)
            }),
        )
}

fn query_string(q: &OutcomeQuery) -> String {
    format!(
        "site={}&role={}&staff_group={}&pathway={}&role_class={}&as_of={}&step={}&months={}",
        encode(&q.site),
        encode(&q.role),
        encode(&q.staff_group),
        encode(&q.pathway),
        encode(&q.role_class),
        encode(&q.as_of),
        encode(&q.step),
        encode(&q.months)
    )
}

async fn outcomes_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
) -> Result<Response> {
    outcomes_view(&state, &user, &q, Vec::new()).await
}

/// The largest recruitment extract taken (bytes).
const MAX_RECRUITMENT_FILE: usize = 8 * 1024 * 1024;

/// Imports a recruitment extract for WRES indicator 2 (L&D admins): counted
/// as it is read and kept only as counts for the period named.
async fn import_recruitment(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> Result<Response> {
    let upload = read_csv_upload(mp).await?;
    user.check_csrf(&upload.csrf)?;
    auth::require_admin(&state, &user, "outcomes/recruitment").await?;
    let period = upload.field("period").trim().to_string();
    let mut errors = Vec::new();
    if period.is_empty() || period.chars().count() > 40 {
        errors.push(FieldError::new(
            "period",
            "Name the period the extract covers, in 40 characters or fewer, for example 2025/26",
        ));
    }
    let counted = match upload.text.as_deref() {
        None => Err(vec!["Choose a recruitment CSV file to upload".to_string()]),
        Some(text) => csv_files::recruitment(text),
    };
    match counted {
        Ok((counts, applicants)) if errors.is_empty() => {
            pathwise_storage::recruitment::save(
                &state.store,
                user.account.org_id,
                Some(user.account.id),
                &period,
                &counts,
                applicants,
                state.clock.now(),
            )
            .await?;
            Ok(see_other(&format!(
                "/outcomes?recruitment={}#recruitment-heading",
                encode(&period)
            )))
        }
        Ok(_) => outcomes_view(&state, &user, &OutcomeQuery::default(), errors).await,
        Err(list) => {
            errors.extend(file_refused(list));
            outcomes_view(&state, &user, &OutcomeQuery::default(), errors).await
        }
    }
}

async fn outcomes_view(
    state: &AppState,
    user: &CurrentUser,
    q: &OutcomeQuery,
    refused: Vec<FieldError>,
) -> Result<Response> {
    let disclosure = outcomes::disclosure(state, user, "outcomes").await?;
    let org = user.account.org_id;
    let (measures, mut errors) = match outcomes::selection(state, org, q).await {
        Ok(selection) => {
            let competence = outcomes::competence_for(state, org, &selection, disclosure).await?;
            let progression = outcomes::progression_for(state, org, &selection, disclosure).await?;
            let equity = outcomes::equity_for(state, org, &selection, disclosure).await?;
            let rated = outcomes::satisfaction_for(state, org, &selection, disclosure).await?;
            let bands = outcomes::bands_for(state, org, &selection, disclosure).await?;
            let site = selection.site.as_ref().map(|(id, _)| *id);
            let (mut complete, total) =
                outcomes::completeness_for(state, org, site, disclosure).await?;
            complete.push(total);
            let retention = outcomes::retention_for(state, org, selection, disclosure).await?;
            (
                Some((
                    retention,
                    competence,
                    progression,
                    equity,
                    rated,
                    bands,
                    complete,
                )),
                Vec::new(),
            )
        }
        Err(Error::Invalid(e)) => (None, e.into_list()),
        Err(e) => return Err(e),
    };
    errors.extend(refused);
    let recruitment = outcomes::recruitment_for(state, org, disclosure).await?;
    let answer = measures.as_ref().map(|m| &m.0);
    let framework = state.frameworks.get(&state.store, org).await?;
    let mut roles: Vec<(String, String)> = framework
        .roles
        .values()
        .map(|r| (r.title.clone(), r.code.clone()))
        .collect();
    roles.sort();
    let any = |label: &str, none: bool| Choice::new("", label, none);
    let sites = std::iter::once(any("Any site", q.site.is_empty()))
        .chain(
            people::sites(&state.store, org)
                .await?
                .into_iter()
                .map(|s| Choice::new(s.code.clone(), s.name, s.code == q.site)),
        )
        .collect();
    let roles = std::iter::once(any("Any role", q.role.is_empty()))
        .chain(roles.into_iter().map(|(t, c)| {
            let selected = c == q.role;
            Choice::new(c, t, selected)
        }))
        .collect();
    let staff_groups = std::iter::once(any("Any staff group", q.staff_group.is_empty()))
        .chain(
            StaffGroup::ALL
                .into_iter()
                .map(|g| Choice::new(g.name(), g.name(), g.name() == q.staff_group)),
        )
        .collect();
    let pathways = std::iter::once(any("Anyone", q.pathway.is_empty()))
        .chain(
            learners::latest_versions(state, org)
                .await?
                .into_iter()
                .map(|(_, t)| {
                    let selected = t.code == q.pathway;
                    Choice::new(t.code, format!("Ever enrolled on {}", t.name), selected)
                }),
        )
        .collect();
    let class = if q.role_class.is_empty() {
        "csw"
    } else {
        q.role_class.as_str()
    };
    let role_classes = [
        ("csw", "Support workers"),
        ("registered", "Registered professions"),
        ("other", "Everyone else"),
        ("any", "All staff"),
    ]
    .into_iter()
    .map(|(v, l)| Choice::new(v, l, v == class))
    .collect();
    let today = state.clock.today();
    let as_of = answer.map_or(today, |a| a.selection.as_of);
    let retention = answer.map_or_else(Vec::new, rows);
    let chart = answer.and_then(chart);
    let step = answer.map_or(Step::AnyHigherRole, |a| a.selection.step);
    let window = answer.map_or(PROGRESSION_WINDOWS[1], |a| a.selection.window);
    let steps = [Step::AnyHigherRole, Step::IntoRegistered]
        .into_iter()
        .map(|s| Choice::new(s.code(), format!("Into {}", s.label()), s == step))
        .collect();
    let windows = PROGRESSION_WINDOWS
        .into_iter()
        .map(|(m, d)| Choice::new(m.to_string(), format!("Within {m} months"), d == window.1))
        .collect();
    let empty_competence = Competence {
        people: Some(0),
        competent: Some(0),
        median_days: None,
        median_low: None,
        median_high: None,
        points: Vec::new(),
        controlled: false,
    };
    let competence = measures.as_ref().map_or(&empty_competence, |m| &m.1);
    let competence_chart = charts::share_bars(
        "Competent, by months since start",
        &competence
            .points
            .iter()
            .map(|p| format!("{} months", p.months))
            .collect::<Vec<_>>(),
        &[(
            "Competent",
            competence.points.iter().map(|p| p.share).collect(),
        )],
    )
    .filter(|_| competence.points.iter().any(|p| p.share.is_some()));
    let progression = measures
        .as_ref()
        .map_or_else(Vec::new, |m| progression_rows(&m.2));
    let destinations = measures
        .as_ref()
        .and_then(|m| m.2.first())
        .and_then(|g| g.readings.last())
        .map_or_else(Vec::new, |r| {
            r.by_destination
                .iter()
                .map(|(d, n)| (d.label().to_string(), count(*n)))
                .collect()
        });
    let progression_chart = measures.as_ref().and_then(|m| {
        let groups: Vec<String> =
            m.2.iter()
                .map(|g| progression_group_label(g.group))
                .collect();
        let series: Vec<(String, Vec<Option<f64>>)> = PROGRESSION_WINDOWS
            .iter()
            .enumerate()
            .map(|(i, (months, _))| {
                (
                    format!("Within {months} months"),
                    m.2.iter().map(|g| g.readings[i].rate).collect(),
                )
            })
            .collect();
        let named: Vec<(&str, Vec<Option<f64>>)> = series
            .iter()
            .map(|(n, v)| (n.as_str(), v.clone()))
            .collect();
        charts::share_bars("Stepped up to a higher role", &groups, &named)
            .filter(|_| named.iter().any(|(_, v)| v.iter().any(Option::is_some)))
    });
    let equity = measures
        .as_ref()
        .map_or_else(Vec::new, |m| equity_views(&m.3));
    let (satisfaction, satisfaction_chart) = measures
        .as_ref()
        .map_or((satisfaction_view(None), None), |m| {
            (satisfaction_view(Some(&m.4)), satisfaction_chart(&m.4))
        });
    let (bands, bands_chart) = measures
        .as_ref()
        .map_or((Vec::new(), None), |m| (band_rows(&m.5), bands_chart(&m.5)));
    let page = OutcomesPage {
        layout: Layout::for_user("Outcomes", user, "/outcomes"),
        sites,
        roles,
        staff_groups,
        pathways,
        role_classes,
        as_of: if q.as_of.is_empty() {
            as_of.to_string()
        } else {
            q.as_of.clone()
        },
        as_of_words: as_of.in_words(),
        disclosure: disclosure_words(disclosure),
        retention,
        chart,
        competence: competence_view(competence),
        competence_chart,
        progression,
        destinations,
        progression_chart,
        steps,
        windows,
        equity_counts: format!("into {} within {} months", step.label(), window.0),
        equity_months: window.0,
        equity,
        satisfaction,
        satisfaction_chart,
        bands,
        bands_chart,
        completeness: measures
            .as_ref()
            .map_or_else(Vec::new, |m| completeness_cells(&m.6)),
        recruitment: recruitment_rows(&recruitment),
        can_import: user.viewer.may_edit_framework(),
        imported: Some(q.recruitment.trim().to_string()).filter(|p| !p.is_empty()),
        csrf: user.csrf.clone().unwrap_or_default(),
        query: query_string(q),
        errors,
    };
    Ok(if page.errors.is_empty() {
        page.into_response()
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    })
}
