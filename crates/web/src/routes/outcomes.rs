//! The outcomes page for L&D and analysts: retention, time to competence,
//! internal progression and who progresses by group, for the staff
//! selected, each with its chart, table and exports. L&D sees the organisation's figures in
//! full; an analyst only under disclosure control.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::charts;
use crate::csv_files;
use crate::error::{Error, Result};
use crate::exports::{Cell, Format, Table};
use crate::forms::{encode, file_refused, read_csv_upload, see_other};
use crate::learners;
use crate::outcomes::{self, CompletenessGroup, EquityTable, OutcomeQuery, RetentionAnswer};
use crate::views::FieldError;
use crate::views::outcomes::*;
use crate::views::{Choice, Layout, capitalise};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use pathwise_domain::StaffGroup;
use pathwise_domain::access::Disclosure;
use pathwise_domain::outcomes::RetentionPoint;
use pathwise_domain::outcomes::competence::Competence;
use pathwise_domain::outcomes::equity::{BandRow, Step};
use pathwise_domain::outcomes::progression::{Destination, PROGRESSION_WINDOWS, ProgressionGroup};
use pathwise_domain::outcomes::recruitment::IndicatorTwo;
use pathwise_domain::outcomes::satisfaction::{Mean, Satisfaction};
use pathwise_storage::people;
use pathwise_storage::recruitment::RecruitmentPeriod;

/// The outcomes routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outcomes", get(outcomes_page))
        .route(
            "/outcomes/retention.csv",
            get(|s, u, q| retention_export(s, u, q, Format::Csv)),
        )
        .route(
            "/outcomes/retention.xlsx",
            get(|s, u, q| retention_export(s, u, q, Format::Xlsx)),
        )
        .route(
            "/outcomes/competence.csv",
            get(|s, u, q| measure_export(s, u, q, Measure::Competence, Format::Csv)),
        )
        .route(
            "/outcomes/competence.xlsx",
            get(|s, u, q| measure_export(s, u, q, Measure::Competence, Format::Xlsx)),
        )
        .route(
            "/outcomes/progression.csv",
            get(|s, u, q| measure_export(s, u, q, Measure::Progression, Format::Csv)),
        )
        .route(
            "/outcomes/progression.xlsx",
            get(|s, u, q| measure_export(s, u, q, Measure::Progression, Format::Xlsx)),
        )
        .route(
            "/outcomes/equity.csv",
            get(|s, u, q| measure_export(s, u, q, Measure::Equity, Format::Csv)),
        )
        .route(
            "/outcomes/equity.xlsx",
            get(|s, u, q| measure_export(s, u, q, Measure::Equity, Format::Xlsx)),
        )
        .route(
            "/outcomes/satisfaction.csv",
            get(|s, u, q| measure_export(s, u, q, Measure::Satisfaction, Format::Csv)),
        )
        .route(
            "/outcomes/satisfaction.xlsx",
            get(|s, u, q| measure_export(s, u, q, Measure::Satisfaction, Format::Xlsx)),
        )
        .route(
            "/outcomes/bands.csv",
            get(|s, u, q| measure_export(s, u, q, Measure::Bands, Format::Csv)),
        )
        .route(
            "/outcomes/bands.xlsx",
            get(|s, u, q| measure_export(s, u, q, Measure::Bands, Format::Xlsx)),
        )
        .route(
            "/outcomes/recruitment",
            post(import_recruitment).layer(DefaultBodyLimit::max(MAX_RECRUITMENT_FILE)),
        )
        .route(
            "/outcomes/completeness.csv",
            get(|s, u, q| measure_export(s, u, q, Measure::Completeness, Format::Csv)),
        )
        .route(
            "/outcomes/completeness.xlsx",
            get(|s, u, q| measure_export(s, u, q, Measure::Completeness, Format::Xlsx)),
        )
}

/// The measures with their own download.
#[derive(Debug, Clone, Copy)]
enum Measure {
    Competence,
    Progression,
    Equity,
    Satisfaction,
    Bands,
    Completeness,
}

fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn reading(p: &RetentionPoint) -> String {
    match (p.survival, p.low, p.high) {
        (Some(s), Some(l), Some(h)) => format!("{} ({} to {})", percent(s), percent(l), percent(h)),
        _ => "suppressed".into(),
    }
}

fn count(n: Option<u64>) -> String {
    n.map_or("*".into(), |n| n.to_string())
}

fn disclosure_words(d: Disclosure) -> String {
    match d {
        Disclosure::Full => "Your organisation's own figures, unrounded. Groups are never split by a protected characteristic here.".into(),
        Disclosure::Controlled => "Disclosure control is on: counts of 1 to 7 are shown as *, other counts are rounded to the nearest 5, and a reading resting on 1 to 7 people still in post is suppressed.".into(),
    }
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

fn interval(rate: Option<(f64, f64, f64)>) -> String {
    match rate {
        Some((r, l, h)) => format!("{} ({} to {})", percent(r), percent(l), percent(h)),
        None => "suppressed".into(),
    }
}

fn progression_group_label(group: &str) -> String {
    match group {
        "all" => "Everyone selected".into(),
        other => capitalise(other),
    }
}

fn competence_view(c: &Competence) -> CompetenceView {
    let days = |d: Option<u32>| d.map_or("not reached".to_string(), |d| format!("{d} days"));
    let hidden = c.controlled && c.people.is_none();
    CompetenceView {
        people: count(c.people),
        competent: count(c.competent),
        median: if hidden {
            "suppressed".into()
        } else {
            match c.median_days {
                Some(m) => format!(
                    "{m} days ({} to {})",
                    days(c.median_low).trim_end_matches(" days"),
                    days(c.median_high)
                ),
                None => "not reached yet: fewer than half are competent".into(),
            }
        },
        readings: c
            .points
            .iter()
            .map(|p| match (p.share, p.low, p.high) {
                (Some(s), Some(l), Some(h)) => {
                    format!("{} ({} to {})", percent(s), percent(l), percent(h))
                }
                _ if hidden => "suppressed".into(),
                _ => "no one to count".into(),
            })
            .collect(),
    }
}

fn progression_rows(groups: &[ProgressionGroup]) -> Vec<ProgressionRow> {
    groups
        .iter()
        .map(|g| ProgressionRow {
            group: progression_group_label(g.group),
            readings: g
                .readings
                .iter()
                .map(|r| {
                    let rate = r.rate.zip(r.low).zip(r.high).map(|((a, b), c)| (a, b, c));
                    let words = if r.cohort == Some(0) {
                        "no one followed that long".into()
                    } else {
                        interval(rate)
                    };
                    (count(r.cohort), words)
                })
                .collect(),
        })
        .collect()
}

fn mean_words(m: Option<Mean>) -> String {
    match m {
        Some(Mean {
            mean,
            low: Some(l),
            high: Some(h),
        }) => format!("{mean:.1} ({l:.1} to {h:.1})"),
        Some(m) => format!("{:.1}", m.mean),
        None => "-".into(),
    }
}

fn satisfaction_view(s: Option<&Satisfaction>) -> SatisfactionView {
    let Some(s) = s else {
        return SatisfactionView {
            ratings: "0".into(),
            mean: "no ratings yet".into(),
            distribution: Vec::new(),
            quarters: Vec::new(),
        };
    };
    let total = s.ratings;
    SatisfactionView {
        ratings: count(s.ratings),
        mean: match (s.mean, s.ratings) {
            (None, Some(0)) => "no ratings yet".into(),
            (None, _) => "suppressed".into(),
            (m, _) => mean_words(m),
        },
        distribution: s
            .distribution
            .iter()
            .map(|(r, n)| {
                let share = match (n, total) {
                    (Some(n), Some(t)) if t > 0 => percent(*n as f64 / t as f64),
                    (Some(_), Some(_)) => "-".into(),
                    _ => "suppressed".into(),
                };
                (r.to_string(), count(*n), share)
            })
            .collect(),
        quarters: s
            .quarters
            .iter()
            .map(|q| {
                let mean = match (q.mean, q.ratings) {
                    (None, Some(0)) => "-".into(),
                    (None, _) => "suppressed".into(),
                    (m, _) => mean_words(m),
                };
                (q.label.clone(), count(q.ratings), mean)
            })
            .collect(),
    }
}

fn satisfaction_chart(s: &Satisfaction) -> Option<String> {
    let total = s.ratings.filter(|t| *t > 0)?;
    let shares: Vec<Option<f64>> = s
        .distribution
        .iter()
        .map(|(_, n)| n.map(|n| n as f64 / total as f64))
        .collect();
    charts::share_bars(
        "Share of ratings, 1 (low) to 5 (high)",
        &s.distribution
            .iter()
            .map(|(r, _)| format!("Rated {r}"))
            .collect::<Vec<_>>(),
        &[("Share of ratings", shares)],
    )
}

fn band_rows(rows: &[BandRow]) -> Vec<BandRowView> {
    rows.iter()
        .map(|r| BandRowView {
            band: r.band.clone(),
            counts: r.counts.iter().map(|n| count(*n)).collect(),
            bme_share: r.bme_share.map_or("suppressed".into(), percent),
        })
        .collect()
}

fn bands_chart(rows: &[BandRow]) -> Option<String> {
    let shares: Vec<Option<f64>> = rows.iter().map(|r| r.bme_share).collect();
    if shares.iter().all(Option::is_none) {
        return None;
    }
    charts::share_bars(
        "BME share of known ethnicity, by band",
        &rows.iter().map(|r| r.band.clone()).collect::<Vec<_>>(),
        &[("BME share", shares)],
    )
}

fn completeness_cells(groups: &[CompletenessGroup]) -> Vec<[String; 6]> {
    groups
        .iter()
        .map(|g| {
            [
                g.site.clone(),
                g.role.clone(),
                count(g.learners),
                count(g.accepted),
                count(g.required),
                g.percent
                    .map_or("-".into(), |p| format!("{:.1}%", (p * 10.0).round() / 10.0)),
            ]
        })
        .collect()
}

fn recruitment_rows(periods: &[(RecruitmentPeriod, IndicatorTwo)]) -> Vec<[String; 4]> {
    let side = |a: Option<u64>, n: Option<u64>, rate: Option<f64>| match (a, n, rate) {
        (Some(a), Some(n), Some(r)) => format!("{a} of {n} ({})", percent(r)),
        (Some(a), Some(n), None) => format!("{a} of {n}"),
        _ => "suppressed".into(),
    };
    periods
        .iter()
        .map(|(p, i)| {
            [
                p.period.clone(),
                side(i.counts[1], i.counts[0], i.white_rate),
                side(i.counts[3], i.counts[2], i.bme_rate),
                match i.likelihood {
                    Some(l) => format!("{:.2} ({:.2} to {:.2})", l.rl, l.low, l.high),
                    None if i.counts.iter().any(Option::is_none) => "suppressed".into(),
                    None => "undefined".into(),
                },
            ]
        })
        .collect()
}

fn equity_views(tables: &[EquityTable]) -> Vec<EquityTableView> {
    tables
        .iter()
        .map(|t| {
            let rows: Vec<EquityRowView> = t
                .rows
                .iter()
                .map(|r| EquityRowView {
                    group: r.group.clone(),
                    people: count(r.cohort),
                    progressed: count(r.progressed),
                    rate: if r.cohort == Some(0) {
                        "no one to count".into()
                    } else {
                        interval(r.rate)
                    },
                    likelihood: match (r.suppressed, r.against_others) {
                        (true, _) => "suppressed".into(),
                        (false, Some(l)) => format!("{:.2} ({:.2} to {:.2})", l.rl, l.low, l.high),
                        (false, None) => "undefined".into(),
                    },
                })
                .collect();
            let groups: Vec<String> = t.rows.iter().map(|r| r.group.clone()).collect();
            let rates: Vec<Option<f64>> = t.rows.iter().map(|r| r.rate.map(|x| x.0)).collect();
            let chart = if rates.iter().any(Option::is_some) {
                charts::share_bars(
                    &format!("Progressed, by {}", t.breakdown.label().to_lowercase()),
                    &groups,
                    &[("Progressed", rates)],
                )
            } else {
                None
            };
            EquityTableView {
                id: format!("equity-{}", t.breakdown.code().replace('_', "-")),
                caption: format!("Progression by {}", t.breakdown.label().to_lowercase()),
                heading: t.breakdown.label().into(),
                rows,
                chart,
            }
        })
        .collect()
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

fn rows(a: &RetentionAnswer) -> Vec<RetentionRow> {
    a.groups
        .iter()
        .map(|g| RetentionRow {
            group: progression_group_label(g.group),
            people: count(g.people),
            readings: g.points.iter().map(reading).collect(),
            leavers: count(g.points.last().and_then(|p| p.events)),
        })
        .collect()
}

fn chart(a: &RetentionAnswer) -> Option<String> {
    if a.curve.is_empty() {
        return None;
    }
    let months: Vec<(f64, f64)> = a
        .curve
        .iter()
        .map(|(d, s)| (f64::from(*d) / 30.44, *s))
        .collect();
    charts::share_lines(
        "Still in post, everyone selected",
        "Months since start",
        &[("Everyone selected", months)],
    )
}

async fn retention_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
    format: Format,
) -> Result<Response> {
    let disclosure = outcomes::disclosure(&state, &user, "outcomes/export").await?;
    let selection = outcomes::selection(&state, user.account.org_id, &q).await?;
    let a = outcomes::retention_for(&state, user.account.org_id, selection, disclosure).await?;
    let as_of = a.selection.as_of.to_string();
    let controlled = if a.controlled { "on" } else { "off" };
    let mut table = Table {
        name: "retention",
        headers: vec![
            "as_of",
            "group",
            "months",
            "people",
            "at_risk",
            "events",
            "survival",
            "low",
            "high",
            "disclosure_control",
        ],
        rows: Vec::new(),
    };
    let n = |v: Option<u64>| Cell::from(v.map(|n| n as i64));
    for g in &a.groups {
        for p in &g.points {
            table.rows.push(vec![
                as_of.clone().into(),
                g.group.into(),
                i64::from(p.months).into(),
                n(g.people),
                n(p.at_risk),
                n(p.events),
                p.survival.into(),
                p.low.into(),
                p.high.into(),
                controlled.into(),
            ]);
        }
    }
    table.respond(format)
}

async fn measure_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
    measure: Measure,
    format: Format,
) -> Result<Response> {
    let disclosure = outcomes::disclosure(&state, &user, "outcomes/export").await?;
    let org = user.account.org_id;
    let selection = outcomes::selection(&state, org, &q).await?;
    let as_of = selection.as_of.to_string();
    let controlled = if disclosure == Disclosure::Controlled {
        "on"
    } else {
        "off"
    };
    let n = |v: Option<u64>| Cell::from(v.map(|n| n as i64));
    let table = match measure {
        Measure::Competence => {
            let c = outcomes::competence_for(&state, org, &selection, disclosure).await?;
            let mut t = Table {
                name: "time-to-competence",
                headers: vec![
                    "as_of",
                    "people",
                    "competent",
                    "median_days",
                    "median_low",
                    "median_high",
                    "months",
                    "share_competent",
                    "low",
                    "high",
                    "disclosure_control",
                ],
                rows: Vec::new(),
            };
            let days = |d: Option<u32>| Cell::from(d.map(i64::from));
            for p in &c.points {
                t.rows.push(vec![
                    as_of.clone().into(),
                    n(c.people),
                    n(c.competent),
                    days(c.median_days),
                    days(c.median_low),
                    days(c.median_high),
                    i64::from(p.months).into(),
                    p.share.into(),
                    p.low.into(),
                    p.high.into(),
                    controlled.into(),
                ]);
            }
            t
        }
        Measure::Progression => {
            let groups = outcomes::progression_for(&state, org, &selection, disclosure).await?;
            let mut headers = vec![
                "as_of",
                "group",
                "months",
                "cohort",
                "progressed",
                "rate",
                "low",
                "high",
            ];
            headers.extend(Destination::ALL.iter().map(|d| d.code()));
            headers.push("disclosure_control");
            let mut t = Table {
                name: "progression",
                headers,
                rows: Vec::new(),
            };
            for g in &groups {
                for r in &g.readings {
                    let mut row = vec![
                        as_of.clone().into(),
                        g.group.into(),
                        i64::from(r.months).into(),
                        n(r.cohort),
                        n(r.progressed),
                        r.rate.into(),
                        r.low.into(),
                        r.high.into(),
                    ];
                    row.extend(r.by_destination.iter().map(|(_, k)| n(*k)));
                    row.push(controlled.into());
                    t.rows.push(row);
                }
            }
            t
        }
        Measure::Equity => {
            let tables = outcomes::equity_for(&state, org, &selection, disclosure).await?;
            let mut t = Table {
                name: "equity",
                headers: vec![
                    "as_of",
                    "step",
                    "months",
                    "breakdown",
                    "group",
                    "cohort",
                    "progressed",
                    "rate",
                    "low",
                    "high",
                    "relative_likelihood",
                    "rl_low",
                    "rl_high",
                    "suppressed",
                    "disclosure_control",
                ],
                rows: Vec::new(),
            };
            for e in &tables {
                for r in &e.rows {
                    let rl = r.against_others;
                    t.rows.push(vec![
                        as_of.clone().into(),
                        selection.step.code().into(),
                        i64::from(selection.window.0).into(),
                        e.breakdown.code().into(),
                        r.group.clone().into(),
                        n(r.cohort),
                        n(r.progressed),
                        r.rate.map(|x| x.0).into(),
                        r.rate.map(|x| x.1).into(),
                        r.rate.map(|x| x.2).into(),
                        rl.map(|x| x.rl).into(),
                        rl.map(|x| x.low).into(),
                        rl.map(|x| x.high).into(),
                        if r.suppressed { "yes" } else { "no" }.into(),
                        controlled.into(),
                    ]);
                }
            }
            t
        }
        Measure::Satisfaction => {
            let s = outcomes::satisfaction_for(&state, org, &selection, disclosure).await?;
            let mut t = Table {
                name: "manager-ratings",
                headers: vec![
                    "as_of",
                    "period",
                    "ratings",
                    "mean",
                    "low",
                    "high",
                    "rated_1",
                    "rated_2",
                    "rated_3",
                    "rated_4",
                    "rated_5",
                    "disclosure_control",
                ],
                rows: Vec::new(),
            };
            let mean = |m: Option<Mean>| -> [Cell; 3] {
                [
                    m.map(|m| m.mean).into(),
                    m.and_then(|m| m.low).into(),
                    m.and_then(|m| m.high).into(),
                ]
            };
            let mut all = vec![as_of.clone().into(), "all".into(), n(s.ratings)];
            all.extend(mean(s.mean));
            all.extend(s.distribution.iter().map(|(_, k)| n(*k)));
            all.push(controlled.into());
            t.rows.push(all);
            for q in &s.quarters {
                let mut row = vec![as_of.clone().into(), q.label.clone().into(), n(q.ratings)];
                row.extend(mean(q.mean));
                row.extend((0..5).map(|_| Cell::Empty));
                row.push(controlled.into());
                t.rows.push(row);
            }
            t
        }
        Measure::Bands => {
            let rows = outcomes::bands_for(&state, org, &selection, disclosure).await?;
            let mut t = Table {
                name: "band-by-ethnicity",
                headers: vec![
                    "as_of",
                    "band",
                    "white",
                    "bme",
                    "not_known",
                    "bme_share",
                    "disclosure_control",
                ],
                rows: Vec::new(),
            };
            for r in &rows {
                t.rows.push(vec![
                    as_of.clone().into(),
                    r.band.clone().into(),
                    n(r.counts[0]),
                    n(r.counts[1]),
                    n(r.counts[2]),
                    r.bme_share.into(),
                    controlled.into(),
                ]);
            }
            t
        }
        Measure::Completeness => {
            let site = selection.site.as_ref().map(|(id, _)| *id);
            let (groups, total) = outcomes::completeness_for(&state, org, site, disclosure).await?;
            Table {
                name: "evidence-completeness",
                headers: vec![
                    "site",
                    "role",
                    "learners",
                    "criteria_accepted",
                    "criteria_required",
                    "completeness_percent",
                    "disclosure_control",
                ],
                rows: groups
                    .iter()
                    .chain([&total])
                    .map(|g| {
                        vec![
                            g.site.clone().into(),
                            g.role.clone().into(),
                            n(g.learners),
                            n(g.accepted),
                            n(g.required),
                            g.percent.map(|p| (p * 10.0).round() / 10.0).into(),
                            controlled.into(),
                        ]
                    })
                    .collect(),
            }
        }
    };
    table.respond(format)
}
