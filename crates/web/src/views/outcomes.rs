//! The outcomes page: retention, time to competence, internal progression
//! and who progresses by group, each as a chart with its table, under the
//! viewer's disclosure rule.

use super::{Choice, Layout, capitalise, field_errors};
use crate::charts;
use crate::outcomes::{CompletenessGroup, EquityTable, RetentionAnswer};
use askama::Template;
use askama_web::WebTemplate;
use pathwise_domain::access::Disclosure;
use pathwise_domain::input::FieldError;
use pathwise_domain::outcomes::RetentionPoint;
use pathwise_domain::outcomes::competence::Competence;
use pathwise_domain::outcomes::equity::BandRow;
use pathwise_domain::outcomes::progression::ProgressionGroup;
use pathwise_domain::outcomes::recruitment::IndicatorTwo;
use pathwise_domain::outcomes::satisfaction::{Mean, Satisfaction};
use pathwise_storage::recruitment::RecruitmentPeriod;

/// One group's row of the retention table.
#[derive(Debug, Clone)]
pub struct RetentionRow {
    /// "Everyone selected", "On a pathway", "Not on a pathway".
    pub group: String,
    /// People in the group, or "*" when suppressed.
    pub people: String,
    /// At 6, 12 and 18 months: "87.5% (80.1% to 92.3%)", or "suppressed".
    pub readings: Vec<String>,
    /// Leavers by 18 months, or "*".
    pub leavers: String,
}

/// Time to competence, in words.
#[derive(Debug, Clone)]
pub struct CompetenceView {
    /// People counted, or "*".
    pub people: String,
    /// Of them, competent by the as-of date, or "*".
    pub competent: String,
    /// "94 days (70 to 120 days)", "not reached yet" or "suppressed".
    pub median: String,
    /// The share competent at 3, 6 and 12 months.
    pub readings: Vec<String>,
}

/// One group's row of the progression table.
#[derive(Debug, Clone)]
pub struct ProgressionRow {
    /// "Everyone selected", "On a pathway", "Not on a pathway".
    pub group: String,
    /// For 12 and 24 months: (people followed, "25.0% (18.2% to 33.1%)").
    pub readings: Vec<(String, String)>,
}

/// One group's row of an equity table.
#[derive(Debug, Clone)]
pub struct EquityRowView {
    /// The group.
    pub group: String,
    /// People followed, or "*".
    pub people: String,
    /// Of them, people who took the step, or "*".
    pub progressed: String,
    /// "25.0% (18.2% to 33.1%)", "no one to count" or "suppressed".
    pub rate: String,
    /// "1.32 (0.95 to 1.84)", "undefined" or "suppressed".
    pub likelihood: String,
}

/// One equity table with its chart.
#[derive(Debug, Clone)]
pub struct EquityTableView {
    /// Its id ("equity-ethnicity").
    pub id: String,
    /// Its caption.
    pub caption: String,
    /// What the first column holds ("Ethnicity").
    pub heading: String,
    /// The rows.
    pub rows: Vec<EquityRowView>,
    /// The chart (SVG), when there is one.
    pub chart: Option<String>,
}

/// Managers' ratings, in words.
#[derive(Debug, Clone)]
pub struct SatisfactionView {
    /// Ratings counted, or "*".
    pub ratings: String,
    /// "3.6 (3.4 to 3.8)", "no ratings yet" or "suppressed".
    pub mean: String,
    /// For 1 to 5: (rating, how many, share).
    pub distribution: Vec<(String, String, String)>,
    /// By quarter: (quarter, ratings, mean).
    pub quarters: Vec<(String, String, String)>,
}

/// One band's row of the WRES indicator 1 table.
#[derive(Debug, Clone)]
pub struct BandRowView {
    /// "Band 3", "Whole workforce".
    pub band: String,
    /// White, BME, not known: a count or "*".
    pub counts: Vec<String>,
    /// BME share of known ethnicity, or "suppressed".
    pub bme_share: String,
}

/// The outcomes page.
#[derive(Template, WebTemplate)]
#[template(path = "outcomes.html")]
pub struct OutcomesPage {
    /// Layout.
    pub layout: Layout,
    /// Sites to choose.
    pub sites: Vec<Choice>,
    /// Roles at start to choose.
    pub roles: Vec<Choice>,
    /// Staff groups to choose.
    pub staff_groups: Vec<Choice>,
    /// Pathways to choose.
    pub pathways: Vec<Choice>,
    /// Role classes to choose.
    pub role_classes: Vec<Choice>,
    /// The as-of date as typed.
    pub as_of: String,
    /// The as-of date in words.
    pub as_of_words: String,
    /// What the figures are under: full or controlled, in words.
    pub disclosure: String,
    /// The retention table.
    pub retention: Vec<RetentionRow>,
    /// The retention chart (SVG), when there is one to draw.
    pub chart: Option<String>,
    /// Time to competence.
    pub competence: CompetenceView,
    /// Its chart.
    pub competence_chart: Option<String>,
    /// The progression table.
    pub progression: Vec<ProgressionRow>,
    /// Where everyone selected stepped up to within 24 months: (where, how many).
    pub destinations: Vec<(String, String)>,
    /// The progression chart.
    pub progression_chart: Option<String>,
    /// Steps the equity tables may count.
    pub steps: Vec<Choice>,
    /// Windows they may count over.
    pub windows: Vec<Choice>,
    /// What the equity tables count, in words ("a higher role within 24 months").
    pub equity_counts: String,
    /// Their window in months.
    pub equity_months: u32,
    /// The equity tables.
    pub equity: Vec<EquityTableView>,
    /// Managers' ratings.
    pub satisfaction: SatisfactionView,
    /// Their chart.
    pub satisfaction_chart: Option<String>,
    /// WRES indicator 1.
    pub bands: Vec<BandRowView>,
    /// Its chart.
    pub bands_chart: Option<String>,
    /// Evidence completeness by site and role: (site, role, learners,
    /// accepted, required, percent), the total last.
    pub completeness: Vec<[String; 6]>,
    /// WRES indicator 2 by period: (period, White, BME, likelihood).
    pub recruitment: Vec<[String; 4]>,
    /// Whether the viewer may import a recruitment extract (L&D admins).
    pub can_import: bool,
    /// The period just imported.
    pub imported: Option<String>,
    /// The CSRF token for the import form.
    pub csrf: String,
    /// The query string of the selection, for exports.
    pub query: String,
    /// Problems with the selection.
    pub errors: Vec<FieldError>,
}

field_errors!(OutcomesPage);

pub(crate) fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

pub(crate) fn reading(p: &RetentionPoint) -> String {
    match (p.survival, p.low, p.high) {
        (Some(s), Some(l), Some(h)) => format!("{} ({} to {})", percent(s), percent(l), percent(h)),
        _ => "suppressed".into(),
    }
}

pub(crate) fn count(n: Option<u64>) -> String {
    n.map_or("*".into(), |n| n.to_string())
}

pub(crate) fn disclosure_words(d: Disclosure) -> String {
    match d {
        Disclosure::Full => "Your organisation's own figures, unrounded. Groups are never split by a protected characteristic here.".into(),
        Disclosure::Controlled => "Disclosure control is on: counts of 1 to 7 are shown as *, other counts are rounded to the nearest 5, and a reading resting on 1 to 7 people still in post is suppressed.".into(),
    }
}

pub(crate) fn interval(rate: Option<(f64, f64, f64)>) -> String {
    match rate {
        Some((r, l, h)) => format!("{} ({} to {})", percent(r), percent(l), percent(h)),
        None => "suppressed".into(),
    }
}

pub(crate) fn progression_group_label(group: &str) -> String {
    match group {
        "all" => "Everyone selected".into(),
        other => capitalise(other),
    }
}

pub(crate) fn competence_view(c: &Competence) -> CompetenceView {
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

pub(crate) fn progression_rows(groups: &[ProgressionGroup]) -> Vec<ProgressionRow> {
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

pub(crate) fn mean_words(m: Option<Mean>) -> String {
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

pub(crate) fn satisfaction_view(s: Option<&Satisfaction>) -> SatisfactionView {
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

pub(crate) fn satisfaction_chart(s: &Satisfaction) -> Option<String> {
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

pub(crate) fn band_rows(rows: &[BandRow]) -> Vec<BandRowView> {
    rows.iter()
        .map(|r| BandRowView {
            band: r.band.clone(),
            counts: r.counts.iter().map(|n| count(*n)).collect(),
            bme_share: r.bme_share.map_or("suppressed".into(), percent),
        })
        .collect()
}

pub(crate) fn bands_chart(rows: &[BandRow]) -> Option<String> {
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

pub(crate) fn completeness_cells(groups: &[CompletenessGroup]) -> Vec<[String; 6]> {
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

pub(crate) fn recruitment_rows(periods: &[(RecruitmentPeriod, IndicatorTwo)]) -> Vec<[String; 4]> {
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

pub(crate) fn equity_views(tables: &[EquityTable]) -> Vec<EquityTableView> {
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

pub(crate) fn rows(a: &RetentionAnswer) -> Vec<RetentionRow> {
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

pub(crate) fn chart(a: &RetentionAnswer) -> Option<String> {
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
