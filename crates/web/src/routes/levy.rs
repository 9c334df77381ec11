//! The levy account for L&D and finance: the forecast month by month with
//! its chart and exports, a what-if cohort beside it (never saved), funds at
//! risk of expiry with the cohort that would use them, and the imports the
//! forecast is worked out from (each all or nothing).

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::charts;
use crate::csv_files;
use crate::error::Result;
use crate::exports::{Cell, Format, Table};
use crate::forms::{
    FormFields, csrf_in, encode, file_refused, read_csv_upload, see_other, unprocessable,
};
use crate::views::levy::*;
use crate::views::{Choice, Layout};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use pathwise_domain::input::FieldError;
use pathwise_domain::levy::{
    self, CohortSuggestion, Forecast, Month, NewReview, ReviewState, WhatIfCohort,
    cohort_using_expiring_funds, forecast, pounds, review_state,
};
use pathwise_domain::standards::Standards;
use pathwise_storage::levy::{LevyAccount, LevyFile};
use serde::Deserialize;

/// The largest file accepted.
const MAX_FILE: usize = 4 * 1024 * 1024;

use crate::levy::{MONTHS, request};

/// The levy routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/levy",
            get(levy_page)
                .post(import_file)
                .layer(DefaultBodyLimit::max(MAX_FILE)),
        )
        .route("/levy/reviews", post(record_review))
        .route(
            "/levy/forecast.csv",
            get(|s, u, q| forecast_export(s, u, q, Format::Csv)),
        )
        .route(
            "/levy/forecast.xlsx",
            get(|s, u, q| forecast_export(s, u, q, Format::Xlsx)),
        )
}

/// The page's query: a what-if cohort, or what an import just did.
#[derive(Deserialize, Default)]
pub struct LevyQuery {
    #[serde(default)]
    cohort_size: String,
    #[serde(default)]
    cohort_standard: String,
    #[serde(default)]
    cohort_start: String,
    #[serde(default)]
    cohort_price: String,
    #[serde(default)]
    cohort_age: String,
    imported: Option<String>,
    rows: Option<usize>,
    reviewed: Option<String>,
}

impl LevyQuery {
    fn asks_what_if(&self) -> bool {
        !(self.cohort_size.trim().is_empty() && self.cohort_start.trim().is_empty())
    }

    fn cohort(&self, standards: &Standards) -> std::result::Result<WhatIfCohort, Vec<FieldError>> {
        let fields: &[(&str, &str)] = &[
            ("cohort_size", &self.cohort_size),
            ("cohort_standard", &self.cohort_standard),
            ("cohort_start", &self.cohort_start),
            ("cohort_price", &self.cohort_price),
            ("cohort_age", &self.cohort_age),
        ];
        WhatIfCohort::parse(fields, standards).map_err(|e| e.into_list())
    }

    fn query_string(&self) -> String {
        format!(
            "cohort_size={}&cohort_standard={}&cohort_start={}&cohort_price={}&cohort_age={}",
            encode(&self.cohort_size),
            encode(&self.cohort_standard),
            encode(&self.cohort_start),
            encode(&self.cohort_price),
            encode(&self.cohort_age)
        )
    }
}

/// The forecast worked out for the page or an export.
struct Worked {
    account: LevyAccount,
    baseline: std::result::Result<Forecast, String>,
    cohort: Option<WhatIfCohort>,
    with_cohort: Option<Forecast>,
    suggestion: Option<CohortSuggestion>,
    errors: Vec<FieldError>,
}

/// The standard a suggested cohort is on: the what-if cohort's, else the
/// one most apprenticeships are on, else healthcare support worker.
fn suggestion_base(
    account: &LevyAccount,
    cohort: Option<&WhatIfCohort>,
    standards: &Standards,
    from: Month,
) -> Option<WhatIfCohort> {
    let code = cohort.map(|c| c.standard.clone()).or_else(|| {
        let mut counts: Vec<(usize, &str)> = Vec::new();
        for a in &account.apprenticeships {
            match counts.iter_mut().find(|(_, c)| *c == a.standard) {
                Some(entry) => entry.0 += 1,
                None => counts.push((1, &a.standard)),
            }
        }
        counts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        counts.first().map(|(_, c)| c.to_string())
    });
    let s = standards.get(code.as_deref().unwrap_or("ST0216"))?;
    Some(WhatIfCohort {
        size: 1,
        standard: s.code.clone(),
        start: from.plus(1),
        months: s.typical_duration_months,
        price_pence: s.band_pence(),
        age_at_start: 25,
    })
}

async fn work_out(state: &AppState, org_id: i64, q: &LevyQuery) -> Result<Worked> {
    let account = pathwise_storage::levy::account(&state.store, org_id).await?;
    let today = state.clock.today();
    let from = Month::of(today);
    let (rules, standards) = (&state.catalogue.funding_rules, &state.catalogue.standards);
    let req = request(&account, from);
    let baseline = forecast(rules, standards, &req).map_err(|e| e.to_string());
    let (cohort, errors) = if q.asks_what_if() {
        match q.cohort(standards) {
            Ok(c) => (Some(c), Vec::new()),
            Err(e) => (None, e),
        }
    } else {
        (None, Vec::new())
    };
    let with_cohort = match (&cohort, &baseline) {
        (Some(c), Ok(_)) => forecast(rules, standards, &c.added_to(&req)).ok(),
        _ => None,
    };
    let suggestion = match (
        &baseline,
        suggestion_base(&account, cohort.as_ref(), standards, from),
    ) {
        (Ok(_), Some(base)) => cohort_using_expiring_funds(rules, standards, &req, &base)
            .ok()
            .flatten(),
        _ => None,
    };
    Ok(Worked {
        account,
        baseline,
        cohort,
        with_cohort,
        suggestion,
        errors,
    })
}

fn standard_words(standards: &Standards, code: &str) -> String {
    standards
        .get(code)
        .map_or_else(|| code.to_string(), |s| format!("{} ({code})", s.title))
}

fn cohort_words(standards: &Standards, c: &WhatIfCohort) -> String {
    let title = standards
        .get(&c.standard)
        .map_or(c.standard.as_str(), |s| s.title.as_str());
    format!(
        "{} {} apprentice{} starting in {}, {} each over {} months, aged {} at start",
        c.size,
        title,
        if c.size == 1 { "" } else { "s" },
        c.start.in_words(),
        pounds(c.price_pence),
        c.months,
        c.age_at_start
    )
}

fn ledger_rows(f: &Forecast, with: Option<&Forecast>) -> Vec<LedgerRow> {
    f.months
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let co = r.co_invest_employer + r.co_invest_government;
            LedgerRow {
                month: r.month.in_words(),
                funds_in: pounds(r.levy_in + r.top_up),
                to_providers: pounds(r.instalments + r.completions),
                transfers: pounds(r.transfers_out),
                co_investment: if co == 0 {
                    "None".into()
                } else {
                    format!(
                        "{} employer, {} government",
                        pounds(r.co_invest_employer),
                        pounds(r.co_invest_government)
                    )
                },
                expired: pounds(r.expired),
                balance: pounds(r.balance),
                expiring_soon: pounds(r.expiring_next_3_months),
                with_cohort: with
                    .and_then(|w| w.months.get(i))
                    .map(|w| (pounds(w.balance), pounds(w.expired))),
            }
        })
        .collect()
}

fn expiry_warning(
    f: &Forecast,
    s: Option<&CohortSuggestion>,
    standards: &Standards,
) -> Option<String> {
    let total: i64 = f.months.iter().map(|r| r.expired).sum();
    let first = f.months.iter().find(|r| r.expired > 0)?;
    let last = f.months.last()?;
    let mut text = format!(
        "{} will expire unused by the end of {}, the first {} in {}.",
        pounds(total),
        last.month.in_words(),
        pounds(first.expired),
        first.month.in_words()
    );
    if let Some(s) = s {
        text.push_str(&format!(
            " A cohort of {} would use {} of it, paid from the account without co-investment.",
            cohort_words(standards, &s.cohort),
            pounds(s.used)
        ));
    }
    Some(text)
}

fn status(a: &levy::Apprenticeship) -> String {
    if let Some(c) = a.completed {
        format!("Completed {}", c.in_words())
    } else if let Some(w) = a.withdrawn {
        format!("Withdrawn {}", w.in_words())
    } else if let Some(b) = a.break_in_learning {
        format!(
            "Break in learning {} to {}",
            b.from.in_words(),
            b.to.plus(-1).in_words()
        )
    } else {
        "In learning".into()
    }
}

fn price_words(standards: &Standards, code: &str, price: i64) -> String {
    match standards.get(code) {
        Some(s) if price > s.band_pence() => format!(
            "{} (over the {} band: {} is paid)",
            pounds(price),
            pounds(s.band_pence()),
            pounds(s.band_pence())
        ),
        _ => pounds(price),
    }
}

const KINDS: [(&str, &str); 4] = [
    ("pay_bill", "Pay bill"),
    ("apprenticeships", "Apprenticeships"),
    ("transfers", "Transfers"),
    ("opening_funds", "Opening funds"),
];

fn kinds() -> Vec<(String, String, String)> {
    let columns = [
        format!("{},english_percent (optional)", levy::PAY_COLUMNS.join(",")),
        format!(
            "{},completed,withdrawn,break_from,break_to,price_change_from,new_price_pence (the last six optional)",
            levy::APPRENTICESHIP_COLUMNS.join(",")
        ),
        levy::TRANSFER_COLUMNS.join(","),
        levy::FUNDS_COLUMNS.join(","),
    ];
    KINDS
        .iter()
        .zip(columns)
        .map(|((v, l), c)| (v.to_string(), l.to_string(), c))
        .collect()
}

fn held(account: &LevyAccount) -> Vec<String> {
    let mut held = Vec::new();
    match (account.payroll.first(), account.payroll.last()) {
        (Some(a), Some(b)) => held.push(format!(
            "Pay bill held for {} to {} ({} months). An import replaces the months it has.",
            a.month.in_words(),
            b.month.in_words(),
            account.payroll.len()
        )),
        _ => held.push("No pay bill yet: without one, the account is treated as an employer's that pays no levy.".into()),
    }
    let opening: i64 = account.opening.iter().map(|o| o.amount_pence).sum();
    held.push(format!(
        "Opening funds: {} (an import replaces them all). Apprenticeships and transfers are matched by id: an import replaces those with the same id.",
        pounds(opening)
    ));
    held
}

/// Each apprenticeship's progress reviews, and those a review may be recorded for.
async fn review_rows(
    state: &AppState,
    org_id: i64,
    account: &LevyAccount,
    chosen: &str,
) -> Result<(Vec<ReviewRow>, Vec<Choice>)> {
    let held = pathwise_storage::levy::reviews(&state.store, org_id).await?;
    let today = state.clock.today();
    let standards = &state.catalogue.standards;
    let mut rows = Vec::new();
    let mut choices = Vec::new();
    for a in &account.apprenticeships {
        let dates = held.get(&a.id).map_or(&[][..], Vec::as_slice);
        let st = review_state(&state.catalogue.funding_rules, a, dates, today);
        let last = dates.iter().filter(|d| **d <= today).max();
        let (status, tag, next_due) = match st {
            ReviewState::NotStarted => {
                ("Not started".to_string(), "nhsuk-tag--grey", String::new())
            }
            ReviewState::Finished => ("Finished".to_string(), "nhsuk-tag--grey", String::new()),
            ReviewState::OnBreak => (
                "On a break in learning".to_string(),
                "nhsuk-tag--grey",
                String::new(),
            ),
            ReviewState::NoRule => (
                "No review rule for its start".to_string(),
                "nhsuk-tag--grey",
                String::new(),
            ),
            ReviewState::InLearning {
                next_due,
                overdue,
                due_soon,
                ..
            } => {
                choices.push(Choice::new(
                    a.id.clone(),
                    format!("{}: {}", a.id, standard_words(standards, &a.standard)),
                    a.id == chosen,
                ));
                let (words, tag) = if overdue {
                    ("Overdue", "nhsuk-tag--red")
                } else if due_soon {
                    ("Due soon", "nhsuk-tag--yellow")
                } else {
                    ("On track", "nhsuk-tag--green")
                };
                (words.to_string(), tag, next_due.in_words())
            }
        };
        rows.push(ReviewRow {
            id: a.id.clone(),
            standard: standard_words(standards, &a.standard),
            last: last.map_or("None yet".to_string(), |d| d.in_words()),
            next_due,
            status,
            tag,
        });
    }
    // Overdue first, then by when the next is due.
    rows.sort_by_key(|r| {
        (
            r.tag != "nhsuk-tag--red",
            r.tag != "nhsuk-tag--yellow",
            r.tag == "nhsuk-tag--grey",
        )
    });
    Ok((rows, choices))
}

async fn levy_view(
    state: &AppState,
    user: &CurrentUser,
    q: &LevyQuery,
    extra_errors: Vec<FieldError>,
) -> Result<LevyPage> {
    levy_view_typed(state, user, q, extra_errors, &FormFields::new()).await
}

async fn levy_view_typed(
    state: &AppState,
    user: &CurrentUser,
    q: &LevyQuery,
    mut extra_errors: Vec<FieldError>,
    typed: &FormFields,
) -> Result<LevyPage> {
    let worked = work_out(state, user.account.org_id, q).await?;
    let standards = &state.catalogue.standards;
    let mut errors = worked.errors;
    errors.append(&mut extra_errors);
    let (mut figures, mut ledger, mut chart, mut notes, mut warning, mut problem) =
        (Vec::new(), Vec::new(), None, Vec::new(), None, None);
    match &worked.baseline {
        Ok(f) if !worked.account.is_empty() => {
            let first = f.months.first();
            let expired: i64 = f.months.iter().map(|r| r.expired).sum();
            let co: i64 = f
                .months
                .iter()
                .map(|r| r.co_invest_employer + r.co_invest_government)
                .sum();
            figures = vec![
                (
                    "Funds in the account now".to_string(),
                    pounds(f.opening_pence),
                    "levy-opening".to_string(),
                ),
                (
                    format!(
                        "Balance at the end of {}",
                        first.map_or(String::new(), |r| r.month.in_words())
                    ),
                    first.map_or(String::new(), |r| pounds(r.balance)),
                    "levy-balance".to_string(),
                ),
                (
                    "Expiring in the next three months".to_string(),
                    first.map_or(String::new(), |r| pounds(r.expiring_next_3_months)),
                    "levy-expiring-soon".to_string(),
                ),
                (
                    format!("Expiring unused over {MONTHS} months"),
                    pounds(expired),
                    "levy-expired".to_string(),
                ),
                (
                    "Co-investment over the forecast".to_string(),
                    pounds(co),
                    "levy-co-investment".to_string(),
                ),
            ];
            ledger = ledger_rows(f, worked.with_cohort.as_ref());
            let months: Vec<Month> = f.months.iter().map(|r| r.month).collect();
            let mut series = vec![
                ("Balance", f.months.iter().map(|r| r.balance).collect()),
                (
                    "Expiring in 3 months",
                    f.months.iter().map(|r| r.expiring_next_3_months).collect(),
                ),
            ];
            if let Some(w) = &worked.with_cohort {
                series.push((
                    "Balance with the cohort",
                    w.months.iter().map(|r| r.balance).collect(),
                ));
            }
            chart = charts::money_by_month("Levy account balance", &months, &series);
            notes = f.notes.clone();
            warning = expiry_warning(f, worked.suggestion.as_ref(), standards);
        }
        Ok(_) => {}
        Err(e) => {
            problem = Some(format!(
                "{e}. Correct the file it comes from and import it again."
            ))
        }
    }
    let shown = worked
        .cohort
        .as_ref()
        .filter(|_| worked.with_cohort.is_some());
    let chosen = if q.cohort_standard.is_empty() {
        worked
            .suggestion
            .as_ref()
            .map(|s| s.cohort.standard.clone())
            .unwrap_or_default()
    } else {
        q.cohort_standard.to_uppercase()
    };
    let apprenticeships = worked
        .account
        .apprenticeships
        .iter()
        .map(|a| ApprenticeshipRow {
            id: a.id.clone(),
            partner: None,
            standard: standard_words(standards, &a.standard),
            start: a.start.in_words(),
            planned_end: a.planned_end.in_words(),
            price: price_words(standards, &a.standard, a.price_pence),
            status: status(a),
        })
        .collect();
    let transfers = worked
        .account
        .transfers
        .iter()
        .map(|t| ApprenticeshipRow {
            id: t.id.clone(),
            partner: Some(t.partner.clone()),
            standard: standard_words(standards, &t.standard),
            start: t.start.in_words(),
            planned_end: t.planned_end.in_words(),
            price: price_words(standards, &t.standard, t.price_pence),
            status: String::new(),
        })
        .collect();
    let (reviews, review_choices) = review_rows(
        state,
        user.account.org_id,
        &worked.account,
        typed.get("apprenticeship").map_or("", String::as_str),
    )
    .await?;
    Ok(LevyPage {
        layout: Layout::for_user("Levy account", user, "/levy"),
        csrf: user.csrf.clone().unwrap_or_default(),
        done: q
            .reviewed
            .as_ref()
            .map(|id| format!("Progress review of {id} recorded."))
            .or_else(|| {
                q.imported.as_ref().map(|kind| {
                    let label = KINDS
                        .iter()
                        .find(|(v, _)| v == kind)
                        .map_or("File", |(_, l)| *l);
                    format!(
                        "{label} imported: {}.",
                        pathwise_domain::counted(q.rows.unwrap_or(0), "row", "rows")
                    )
                })
            }),
        ledger_problem: problem,
        figures,
        expiry_warning: warning,
        cohort_words: shown.map(|c| cohort_words(standards, c)),
        chart,
        ledger,
        notes,
        standards: standards
            .standards
            .iter()
            .map(|s| {
                Choice::new(
                    s.code.clone(),
                    format!(
                        "{} (level {}, band {})",
                        s.title,
                        s.level,
                        pounds(s.band_pence())
                    ),
                    s.code == chosen,
                )
            })
            .collect(),
        cohort_size: q.cohort_size.clone(),
        cohort_start: q.cohort_start.clone(),
        cohort_price: q.cohort_price.clone(),
        cohort_age: q.cohort_age.clone(),
        query: q.query_string(),
        apprenticeships,
        transfers,
        held: held(&worked.account),
        kinds: kinds(),
        reviews,
        review_choices,
        review_held_on: typed.get("held_on").cloned().unwrap_or_default(),
        errors,
    })
}

async fn levy_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LevyQuery>,
) -> Result<Response> {
    auth::require_money(&state, &user, "levy").await?;
    let page = levy_view(&state, &user, &q, Vec::new()).await?;
    Ok(if page.errors.is_empty() {
        page.into_response()
    } else {
        unprocessable(page)
    })
}

async fn import_file(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> Result<Response> {
    auth::require_money(&state, &user, "levy/import").await?;
    let upload = read_csv_upload(mp).await?;
    user.check_csrf(&upload.csrf)?;
    let kind = upload.field("kind").to_string();
    let refuse = |errors: Vec<FieldError>| async {
        let page = levy_view(&state, &user, &LevyQuery::default(), errors).await?;
        Ok::<Response, crate::error::Error>(unprocessable(page))
    };
    if !KINDS.iter().any(|(v, _)| *v == kind) {
        return refuse(vec![FieldError::new("kind", "Choose what the file holds")]).await;
    }
    let Some(text) = upload.text else {
        return refuse(vec![FieldError::new("file", "Choose a CSV file to import")]).await;
    };
    let standards = &state.catalogue.standards;
    let file = match kind.as_str() {
        "pay_bill" => csv_files::pay_bills(&text).map(|r| LevyFile::PayBill(strip(r))),
        "apprenticeships" => csv_files::apprenticeships(&text, standards)
            .map(|r| LevyFile::Apprenticeships(strip(r))),
        "transfers" => {
            csv_files::transfers(&text, standards).map(|r| LevyFile::Transfers(strip(r)))
        }
        _ => csv_files::opening_funds(&text).map(|r| LevyFile::OpeningFunds(strip(r))),
    };
    let file = match file {
        Ok(f) => f,
        Err(problems) => return refuse(file_refused(problems)).await,
    };
    let rows = pathwise_storage::levy::import(
        &state.store,
        user.account.org_id,
        &file,
        Some(user.account.id),
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!("/levy?imported={kind}&rows={rows}")))
}

async fn record_review(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(mut f): Form<FormFields>,
) -> Result<Response> {
    auth::require_money(&state, &user, "levy/reviews").await?;
    user.check_csrf(csrf_in(&f))?;
    f.remove("csrf");
    let (state, user) = (&state, &user);
    let refuse = |errors: Vec<FieldError>, f: FormFields| async move {
        let page = levy_view_typed(state, user, &LevyQuery::default(), errors, &f).await?;
        Ok::<Response, crate::error::Error>(unprocessable(page))
    };
    let review = match NewReview::parse(&f, state.clock.today()) {
        Ok(r) => r,
        Err(e) => return refuse(e.into_list(), f).await,
    };
    let account = pathwise_storage::levy::account(&state.store, user.account.org_id).await?;
    let Some(a) = account
        .apprenticeships
        .iter()
        .find(|a| a.id == review.apprenticeship)
    else {
        return refuse(
            vec![FieldError::new(
                "apprenticeship",
                "Choose one of your apprenticeships",
            )],
            f,
        )
        .await;
    };
    if Month::of(review.held_on) < a.start {
        return refuse(
            vec![FieldError::new(
                "held_on",
                &format!(
                    "Enter a day from the start of the apprenticeship, {}",
                    a.start.in_words()
                ),
            )],
            f,
        )
        .await;
    }
    pathwise_storage::levy::record_review(
        &state.store,
        user.account.org_id,
        &review.apprenticeship,
        review.held_on,
        Some(user.account.id),
        state.clock.now(),
    )
    .await?;
    Ok(see_other(&format!(
        "/levy?reviewed={}#reviews-heading",
        encode(&review.apprenticeship)
    )))
}

/// The rows without their row numbers.
fn strip<T>(rows: Vec<(usize, T)>) -> Vec<T> {
    rows.into_iter().map(|(_, r)| r).collect()
}

async fn forecast_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LevyQuery>,
    format: Format,
) -> Result<Response> {
    auth::require_money(&state, &user, "levy/export").await?;
    let worked = work_out(&state, user.account.org_id, &q).await?;
    let f = worked.baseline.map_err(|e| {
        crate::error::Error::BadRequest(format!("the forecast cannot be worked out: {e}"))
    })?;
    let mut headers = levy::FORECAST_COLUMNS.to_vec();
    let with = worked.with_cohort.as_ref();
    if with.is_some() {
        headers.extend(["balance_with_cohort", "expired_with_cohort"]);
    }
    let rows = f
        .months
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row: Vec<Cell> = std::iter::once(r.month.to_string().into())
                .chain(r.amounts().into_iter().map(Cell::from))
                .collect();
            if let Some(w) = with.and_then(|w| w.months.get(i)) {
                row.push(w.balance.into());
                row.push(w.expired.into());
            }
            row
        })
        .collect();
    Table {
        name: "levy-forecast",
        headers,
        rows,
    }
    .respond(format)
}
