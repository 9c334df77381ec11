//! The organisation's levy account forecast in the API, for L&D and finance
//! (no one else sees money), from the same stored account and rules as the
//! Levy page.

use crate::AppState;
use crate::api::ErrorDoc;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::levy::request;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use pathwise_domain::levy::{Month, forecast};
use serde::Serialize;
use utoipa::ToSchema;

/// The levy routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/levy/forecast", get(levy_forecast))
}

/// One month of the forecast, every amount in whole pence.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastMonthDoc {
    /// The month, YYYY-MM.
    pub month: String,
    /// Levy entering the account (declared for the month before).
    pub levy_in: i64,
    /// The top-up on it (10% before August 2026, 0% from then).
    pub top_up: i64,
    /// Instalments due to providers.
    pub instalments: i64,
    /// Completion payments due.
    pub completions: i64,
    /// Transfer payments due.
    pub transfers_out: i64,
    /// Funds expiring unused at the month's end.
    pub expired: i64,
    /// What the employer pays once funds run out.
    pub co_invest_employer: i64,
    /// What the government pays once funds run out.
    pub co_invest_government: i64,
    /// The balance at the month's end.
    pub balance: i64,
    /// Funds left that expire within the next three months.
    pub expiring_next_3_months: i64,
}

/// The forecast.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastDoc {
    /// Funds in the account at the start, in pence.
    pub opening_pence: i64,
    /// One row a month, 36 months from this one.
    pub months: Vec<ForecastMonthDoc>,
    /// Notes from the ledger (prices capped at their funding band).
    pub notes: Vec<String>,
}

/// The organisation's levy account month by month for 36 months from this
/// one, by the dated funding rules (`docs/METRICS.md`, "Levy account
/// forecast"). L&D leads and finance only.
#[utoipa::path(
    get,
    path = "/api/v1/levy/forecast",
    tag = "levy",
    responses(
        (status = 200, description = "The forecast", body = ForecastDoc),
        (status = 400, description = "The stored account cannot be forecast (the message says why)", body = ErrorDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 404, description = "The caller may not see money", body = ErrorDoc),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn levy_forecast(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<ForecastDoc>> {
    auth::require_money(&state, &user, "api/levy/forecast").await?;
    let account = pathwise_storage::levy::account(&state.store, user.account.org_id).await?;
    let from = Month::of(state.clock.today());
    let f = forecast(
        &state.catalogue.funding_rules,
        &state.catalogue.standards,
        &request(&account, from),
    )
    .map_err(|e| Error::BadRequest(format!("the forecast cannot be worked out: {e}")))?;
    Ok(Json(ForecastDoc {
        opening_pence: f.opening_pence,
        months: f
            .months
            .iter()
            .map(|m| ForecastMonthDoc {
                month: m.month.to_string(),
                levy_in: m.levy_in,
                top_up: m.top_up,
                instalments: m.instalments,
                completions: m.completions,
                transfers_out: m.transfers_out,
                expired: m.expired,
                co_invest_employer: m.co_invest_employer,
                co_invest_government: m.co_invest_government,
                balance: m.balance,
                expiring_next_3_months: m.expiring_next_3_months,
            })
            .collect(),
        notes: f.notes.clone(),
    }))
}
