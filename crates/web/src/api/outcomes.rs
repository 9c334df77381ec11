//! The organisation's workforce outcomes in the API, under the same rules
//! as the outcomes page (L&D in full, an analyst under disclosure control).

use crate::AppState;
use crate::api::ErrorDoc;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::outcomes::{self, OutcomeQuery, RetentionAnswer};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use pathwise_domain::Date;
use pathwise_domain::access::Disclosure;
use pathwise_domain::outcomes::progression::ProgressionGroup;
use serde::Serialize;
use utoipa::ToSchema;

/// The outcome routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/outcomes/retention", get(retention))
        .route("/api/v1/outcomes/progression", get(progression))
        .route("/api/v1/outcomes/competence", get(competence))
        .route("/api/v1/equity/progression", get(equity_progression))
        .route("/api/v1/outcomes/satisfaction", get(satisfaction))
        .route("/api/v1/equity/bands", get(equity_bands))
        .route("/api/v1/equity/recruitment", get(equity_recruitment))
}

/// Retention at one reading.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionPointDoc {
    /// Months from start: 6, 12 or 18 (read at 182, 365 and 548 days).
    pub months: u32,
    /// People still at risk at the last leaving on or before the reading (null when suppressed).
    pub at_risk: Option<u64>,
    /// Leavers on or before the reading (null when suppressed).
    pub events: Option<u64>,
    /// Share still in post (Kaplan-Meier), null when suppressed.
    pub survival: Option<f64>,
    /// Lower end of the 95% Greenwood interval.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
}

/// One group's retention.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionGroupDoc {
    /// `all` (everyone selected), `on a pathway` or `not on a pathway`.
    pub group: String,
    /// People in the group (null when suppressed).
    pub people: Option<u64>,
    /// Whether the group's figures are under disclosure control.
    pub disclosure_control: bool,
    /// The readings.
    pub points: Vec<RetentionPointDoc>,
}

/// Retention of the staff selected.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionDoc {
    /// The as-of date (YYYY-MM-DD).
    pub as_of: String,
    /// The groups.
    pub groups: Vec<RetentionGroupDoc>,
}

/// Retention of the organisation's staff at 6, 12 and 18 months from their
/// start date (Kaplan-Meier on days in post, Greenwood intervals), for
/// everyone selected and for those on a pathway against the others. L&D
/// admins; analysts get the figures under disclosure control.
#[utoipa::path(
    get,
    path = "/api/v1/outcomes/retention",
    tag = "outcomes",
    params(OutcomeQuery),
    responses(
        (status = 200, description = "Retention by group", body = RetentionDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The caller may not see outcome figures", body = ErrorDoc),
        (status = 422, description = "A bad selection, by field", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn retention(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
) -> Result<Json<RetentionDoc>> {
    let disclosure = outcomes::disclosure(&state, &user, "api/outcomes/retention").await?;
    let selection = outcomes::selection(&state, user.account.org_id, &q).await?;
    let a = outcomes::retention_for(&state, user.account.org_id, selection, disclosure).await?;
    Ok(Json(a.into()))
}

impl From<RetentionAnswer> for RetentionDoc {
    fn from(a: RetentionAnswer) -> Self {
        RetentionDoc {
            as_of: a.selection.as_of.to_string(),
            groups: a
                .groups
                .into_iter()
                .map(|g| RetentionGroupDoc {
                    group: g.group.to_string(),
                    people: g.people,
                    disclosure_control: g.controlled,
                    points: g
                        .points
                        .into_iter()
                        .map(|p| RetentionPointDoc {
                            months: p.months,
                            at_risk: p.at_risk,
                            events: p.events,
                            survival: p.survival,
                            low: p.low,
                            high: p.high,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Progression over one window.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressionReadingDoc {
    /// 12 or 24 (read at 365 and 730 days from the start date).
    pub months: u32,
    /// People who started at least that long before the as-of date (null when suppressed).
    pub cohort: Option<u64>,
    /// Of them, people who stepped up within the window (null when suppressed).
    pub progressed: Option<u64>,
    /// progressed / cohort, from the published counts.
    pub rate: Option<f64>,
    /// Lower end of the 95% Wilson interval.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
    /// Progressed by furthest step: registered, assistant_practitioner, senior_support, other_higher.
    pub by_destination: Vec<DestinationCountDoc>,
}

/// People whose furthest step led to one destination.
#[derive(Debug, Serialize, ToSchema)]
pub struct DestinationCountDoc {
    /// registered, assistant_practitioner, senior_support or other_higher.
    pub destination: String,
    /// How many (null when suppressed).
    pub people: Option<u64>,
}

/// One group's progression.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressionGroupDoc {
    /// `all`, `on a pathway` or `not on a pathway`.
    pub group: String,
    /// Whether its figures are under disclosure control.
    pub disclosure_control: bool,
    /// At 12 and 24 months.
    pub readings: Vec<ProgressionReadingDoc>,
}

/// Internal progression of the staff selected.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressionDoc {
    /// The as-of date (YYYY-MM-DD).
    pub as_of: String,
    /// The groups.
    pub groups: Vec<ProgressionGroupDoc>,
}

/// Internal progression: of the staff selected who started at least 12 (or
/// 24) months before the as-of date, the share whose role history shows a
/// step up (a higher career framework level, or into a registered
/// profession) within that time, with Wilson intervals. L&D admins;
/// analysts under disclosure control.
#[utoipa::path(
    get,
    path = "/api/v1/outcomes/progression",
    tag = "outcomes",
    params(OutcomeQuery),
    responses(
        (status = 200, description = "Progression by group", body = ProgressionDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The caller may not see outcome figures", body = ErrorDoc),
        (status = 422, description = "A bad selection, by field", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn progression(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
) -> Result<Json<ProgressionDoc>> {
    let disclosure = outcomes::disclosure(&state, &user, "api/outcomes/progression").await?;
    let org = user.account.org_id;
    let selection = outcomes::selection(&state, org, &q).await?;
    let groups = outcomes::progression_for(&state, org, &selection, disclosure).await?;
    Ok(Json(ProgressionDoc::of(selection.as_of, groups)))
}

impl ProgressionDoc {
    /// The document of progression as of a date.
    pub fn of(as_of: Date, groups: Vec<ProgressionGroup>) -> ProgressionDoc {
        ProgressionDoc {
            as_of: as_of.to_string(),
            groups: groups
                .into_iter()
                .map(|g| ProgressionGroupDoc {
                    group: g.group.to_string(),
                    disclosure_control: g.controlled,
                    readings: g
                        .readings
                        .into_iter()
                        .map(|r| ProgressionReadingDoc {
                            months: r.months,
                            cohort: r.cohort,
                            progressed: r.progressed,
                            rate: r.rate,
                            low: r.low,
                            high: r.high,
                            by_destination: r
                                .by_destination
                                .into_iter()
                                .map(|(d, n)| DestinationCountDoc {
                                    destination: d.code().to_string(),
                                    people: n,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The share competent at one reading.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompetencePointDoc {
    /// 3, 6 or 12 (read at 91, 182 and 365 days).
    pub months: u32,
    /// Share fully competent by then (1 - Kaplan-Meier S), null when suppressed.
    pub share: Option<f64>,
    /// Lower end of its 95% interval.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
}

/// Time from start to full role competence.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompetenceDoc {
    /// The as-of date (YYYY-MM-DD).
    pub as_of: String,
    /// People counted: those selected who have been on a pathway (null when suppressed).
    pub people: Option<u64>,
    /// Of them, fully competent by the as-of date (null when suppressed).
    pub competent: Option<u64>,
    /// Median days from start to competence; null when fewer than half are competent, or suppressed.
    pub median_days: Option<u32>,
    /// Lower end of the median's 95% interval.
    pub median_low: Option<u32>,
    /// Upper end (null when not reached).
    pub median_high: Option<u32>,
    /// Whether the figures are under disclosure control.
    pub disclosure_control: bool,
    /// The share competent at 3, 6 and 12 months.
    pub points: Vec<CompetencePointDoc>,
}

/// Time from start to full role competence: days from the start date to the
/// sign-off of the last required criterion of pathway stages 1 and 2, by
/// Kaplan-Meier (censored at leaving or the as-of date), for the staff
/// selected who have been on a pathway. L&D admins; analysts under
/// disclosure control.
#[utoipa::path(
    get,
    path = "/api/v1/outcomes/competence",
    tag = "outcomes",
    params(OutcomeQuery),
    responses(
        (status = 200, description = "Time to competence", body = CompetenceDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The caller may not see outcome figures", body = ErrorDoc),
        (status = 422, description = "A bad selection, by field", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn competence(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
) -> Result<Json<CompetenceDoc>> {
    let disclosure = outcomes::disclosure(&state, &user, "api/outcomes/competence").await?;
    let org = user.account.org_id;
    let selection = outcomes::selection(&state, org, &q).await?;
    let c = outcomes::competence_for(&state, org, &selection, disclosure).await?;
    Ok(Json(CompetenceDoc {
        as_of: selection.as_of.to_string(),
        people: c.people,
        competent: c.competent,
        median_days: c.median_days,
        median_low: c.median_low,
        median_high: c.median_high,
        disclosure_control: c.controlled,
        points: c
            .points
            .into_iter()
            .map(|p| CompetencePointDoc {
                months: p.months,
                share: p.share,
                low: p.low,
                high: p.high,
            })
            .collect(),
    }))
}

/// One group's row of an equity table.
#[derive(Debug, Serialize, ToSchema)]
pub struct EquityRowDoc {
    /// The group: an ethnicity, sex, disability answer, age band or site name.
    pub group: String,
    /// People followed for the whole window (null when suppressed).
    pub cohort: Option<u64>,
    /// Of them, people who took the step (null when suppressed).
    pub progressed: Option<u64>,
    /// progressed / cohort.
    pub rate: Option<f64>,
    /// Lower end of its 95% Wilson interval.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
    /// Relative likelihood against everyone else selected (null when undefined or suppressed).
    pub relative_likelihood: Option<f64>,
    /// Lower end of its 95% interval.
    pub rl_low: Option<f64>,
    /// Upper end.
    pub rl_high: Option<f64>,
    /// Whether the group is withheld as too small (or as revealing another small group).
    pub suppressed: bool,
}

/// Progression by one breakdown.
#[derive(Debug, Serialize, ToSchema)]
pub struct EquityTableDoc {
    /// ethnicity, sex, disability, age_band or site.
    pub breakdown: String,
    /// The groups.
    pub groups: Vec<EquityRowDoc>,
}

/// Who progresses, by group.
#[derive(Debug, Serialize, ToSchema)]
pub struct EquityDoc {
    /// The as-of date (YYYY-MM-DD).
    pub as_of: String,
    /// higher_role or registered.
    pub step: String,
    /// The window: 12 or 24 months.
    pub months: u32,
    /// Whether the figures are under disclosure control (counts rounded to 5).
    pub disclosure_control: bool,
    /// One table per breakdown.
    pub tables: Vec<EquityTableDoc>,
}

/// Who progresses: of the staff selected followed for the window, the share
/// who stepped up (to a higher role, or into a registered profession), by
/// ethnicity, sex, disability, age band and site, with Wilson intervals and
/// the relative likelihood against everyone else selected. A group of 1-7
/// people in a protected characteristic is suppressed for everyone; analysts
/// get every count rounded to 5.
#[utoipa::path(
    get,
    path = "/api/v1/equity/progression",
    tag = "outcomes",
    params(OutcomeQuery),
    responses(
        (status = 200, description = "Progression by group", body = EquityDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The caller may not see outcome figures", body = ErrorDoc),
        (status = 422, description = "A bad selection, by field", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn equity_progression(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
) -> Result<Json<EquityDoc>> {
    let disclosure = outcomes::disclosure(&state, &user, "api/equity/progression").await?;
    let org = user.account.org_id;
    let selection = outcomes::selection(&state, org, &q).await?;
    let tables = outcomes::equity_for(&state, org, &selection, disclosure).await?;
    Ok(Json(EquityDoc {
        as_of: selection.as_of.to_string(),
        step: selection.step.code().to_string(),
        months: selection.window.0,
        disclosure_control: disclosure == Disclosure::Controlled,
        tables: tables
            .into_iter()
            .map(|t| EquityTableDoc {
                breakdown: t.breakdown.code().to_string(),
                groups: t
                    .rows
                    .into_iter()
                    .map(|r| EquityRowDoc {
                        group: r.group,
                        cohort: r.cohort,
                        progressed: r.progressed,
                        rate: r.rate.map(|x| x.0),
                        low: r.rate.map(|x| x.1),
                        high: r.rate.map(|x| x.2),
                        relative_likelihood: r.against_others.map(|x| x.rl),
                        rl_low: r.against_others.map(|x| x.low),
                        rl_high: r.against_others.map(|x| x.high),
                        suppressed: r.suppressed,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// A mean rating with its interval.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeanDoc {
    /// The mean rating, 1-5.
    pub mean: f64,
    /// Lower end of its 95% interval (null for a single rating).
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
}

/// Ratings in one quarter.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarterDoc {
    /// Its first day (YYYY-MM-DD).
    pub starts: String,
    /// "October to December 2026".
    pub label: String,
    /// Ratings given in it (null when suppressed).
    pub ratings: Option<u64>,
    /// Their mean (null when there are none, or suppressed).
    pub mean: Option<MeanDoc>,
}

/// How many of one rating.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatingCountDoc {
    /// 1 to 5.
    pub rating: u8,
    /// How many (null when suppressed).
    pub ratings: Option<u64>,
}

/// Managers' ratings of readiness and confidence.
#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionDoc {
    /// The as-of date (YYYY-MM-DD).
    pub as_of: String,
    /// Ratings given on or before it (null when suppressed).
    pub ratings: Option<u64>,
    /// The mean of them (null when there are none, or suppressed).
    pub mean: Option<MeanDoc>,
    /// How many of each rating.
    pub distribution: Vec<RatingCountDoc>,
    /// The mean by quarter, the last eight, oldest first.
    pub quarters: Vec<QuarterDoc>,
    /// Whether the figures are under disclosure control.
    pub disclosure_control: bool,
}

fn mean_doc(m: Option<pathwise_domain::outcomes::satisfaction::Mean>) -> Option<MeanDoc> {
    m.map(|m| MeanDoc {
        mean: m.mean,
        low: m.low,
        high: m.high,
    })
}

/// Managers' satisfaction with readiness and confidence: the 1-5 ratings
/// given at the pathway reviews of the staff selected, as a distribution,
/// a mean with its 95% interval, and the mean by quarter. L&D admins;
/// analysts under disclosure control.
#[utoipa::path(
    get,
    path = "/api/v1/outcomes/satisfaction",
    tag = "outcomes",
    params(OutcomeQuery),
    responses(
        (status = 200, description = "Managers' ratings", body = SatisfactionDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The caller may not see outcome figures", body = ErrorDoc),
        (status = 422, description = "A bad selection, by field", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn satisfaction(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
) -> Result<Json<SatisfactionDoc>> {
    let disclosure = outcomes::disclosure(&state, &user, "api/outcomes/satisfaction").await?;
    let org = user.account.org_id;
    let selection = outcomes::selection(&state, org, &q).await?;
    let s = outcomes::satisfaction_for(&state, org, &selection, disclosure).await?;
    Ok(Json(SatisfactionDoc {
        as_of: selection.as_of.to_string(),
        ratings: s.ratings,
        mean: mean_doc(s.mean),
        distribution: s
            .distribution
            .into_iter()
            .map(|(rating, ratings)| RatingCountDoc { rating, ratings })
            .collect(),
        quarters: s
            .quarters
            .into_iter()
            .map(|q| QuarterDoc {
                starts: q.starts.to_string(),
                label: q.label,
                ratings: q.ratings,
                mean: mean_doc(q.mean),
            })
            .collect(),
        disclosure_control: s.controlled,
    }))
}

/// One band's head count by ethnicity group.
#[derive(Debug, Serialize, ToSchema)]
pub struct BandDoc {
    /// "Band 3", "Not on Agenda for Change" or "Whole workforce".
    pub band: String,
    /// White staff (null when withheld).
    pub white: Option<u64>,
    /// Black and minority ethnic staff (null when withheld).
    pub bme: Option<u64>,
    /// Ethnicity not known (null when withheld).
    pub not_known: Option<u64>,
    /// BME share of known ethnicity, from the counts shown.
    pub bme_share: Option<f64>,
}

/// WRES indicator 1.
#[derive(Debug, Serialize, ToSchema)]
pub struct BandsDoc {
    /// The as-of date (YYYY-MM-DD).
    pub as_of: String,
    /// Whether counts are rounded to 5 (analysts).
    pub disclosure_control: bool,
    /// Each band, then the whole workforce.
    pub bands: Vec<BandDoc>,
}

/// WRES indicator 1: everyone in post on the as-of date (whatever their
/// role; only the site filter applies) by Agenda for Change band and
/// ethnicity group, with the BME share of known ethnicity. Cells of 1-7
/// are withheld for everyone; analysts get counts rounded to 5.
#[utoipa::path(
    get,
    path = "/api/v1/equity/bands",
    tag = "outcomes",
    params(OutcomeQuery),
    responses(
        (status = 200, description = "Head count by band and ethnicity", body = BandsDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The caller may not see outcome figures", body = ErrorDoc),
        (status = 422, description = "A bad selection, by field", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn equity_bands(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OutcomeQuery>,
) -> Result<Json<BandsDoc>> {
    let disclosure = outcomes::disclosure(&state, &user, "api/equity/bands").await?;
    let org = user.account.org_id;
    let selection = outcomes::selection(&state, org, &q).await?;
    let rows = outcomes::bands_for(&state, org, &selection, disclosure).await?;
    Ok(Json(BandsDoc {
        as_of: selection.as_of.to_string(),
        disclosure_control: disclosure == Disclosure::Controlled,
        bands: rows
            .into_iter()
            .map(|r| BandDoc {
                band: r.band,
                white: r.counts[0],
                bme: r.counts[1],
                not_known: r.counts[2],
                bme_share: r.bme_share,
            })
            .collect(),
    }))
}

/// WRES indicator 2 for one period.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecruitmentDoc {
    /// The period as named at import ("2025/26").
    pub period: String,
    /// White applicants shortlisted (null when withheld).
    pub white_shortlisted: Option<u64>,
    /// Of them, appointed (null when withheld).
    pub white_appointed: Option<u64>,
    /// BME applicants shortlisted (null when withheld).
    pub bme_shortlisted: Option<u64>,
    /// Of them, appointed (null when withheld).
    pub bme_appointed: Option<u64>,
    /// Relative likelihood of White applicants being appointed from shortlisting against BME applicants.
    pub relative_likelihood: Option<f64>,
    /// Lower end of its 95% interval.
    pub rl_low: Option<f64>,
    /// Upper end.
    pub rl_high: Option<f64>,
}

/// Appointed from shortlisting, by period.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecruitmentListDoc {
    /// Whether counts are rounded to 5 (analysts).
    pub disclosure_control: bool,
    /// Each period imported, the latest first.
    pub periods: Vec<RecruitmentDoc>,
}

/// WRES indicator 2: for each recruitment extract the organisation has
/// imported, White and BME applicants shortlisted and appointed and the
/// relative likelihood of White applicants being appointed from
/// shortlisting. A group with 1-7 shortlisted or appointed is withheld for
/// everyone; analysts get counts rounded to 5.
#[utoipa::path(
    get,
    path = "/api/v1/equity/recruitment",
    tag = "outcomes",
    responses(
        (status = 200, description = "WRES indicator 2 by period", body = RecruitmentListDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The caller may not see outcome figures", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn equity_recruitment(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<RecruitmentListDoc>> {
    let disclosure = outcomes::disclosure(&state, &user, "api/equity/recruitment").await?;
    let periods = outcomes::recruitment_for(&state, user.account.org_id, disclosure).await?;
    Ok(Json(RecruitmentListDoc {
        disclosure_control: disclosure == Disclosure::Controlled,
        periods: periods
            .into_iter()
            .map(|(p, i)| RecruitmentDoc {
                period: p.period,
                white_shortlisted: i.counts[0],
                white_appointed: i.counts[1],
                bme_shortlisted: i.counts[2],
                bme_appointed: i.counts[3],
                relative_likelihood: i.likelihood.map(|l| l.rl),
                rl_low: i.likelihood.map(|l| l.low),
                rl_high: i.likelihood.map(|l| l.high),
            })
            .collect(),
    }))
}
