//! The outcome tables as CSV and Excel downloads, under the same rules as
//! the page: L&D in full, an analyst under disclosure control.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::exports::{Cell, Format, Table};
use crate::outcomes::{self, OutcomeQuery};
use axum::extract::{Query, State};
use axum::response::Response;
use pathwise_domain::access::Disclosure;
use pathwise_domain::outcomes::progression::Destination;
use pathwise_domain::outcomes::satisfaction::Mean;

/// The measures with their own download.
#[derive(Debug, Clone, Copy)]
pub(super) enum Measure {
    Competence,
    Progression,
    Equity,
    Satisfaction,
    Bands,
    Completeness,
}

pub(super) async fn retention_export(
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

pub(super) async fn measure_export(
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
