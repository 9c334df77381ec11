//! The levy account as the pages and the background worker both read it:
//! the forecast request from what is stored, and the reminder of funds the
//! forecast says will expire unused within three months.

use pathwise_domain::AppRole;
use pathwise_domain::Date;
use pathwise_domain::levy::{Employer, ForecastRequest, Month, forecast, pounds};
use pathwise_domain::notify::NotificationKind;
use pathwise_domain::shipped::ShippedCatalogue;
use pathwise_storage::Store;
use pathwise_storage::levy::LevyAccount;
use pathwise_storage::notifications::{Notice, notify_roles};

/// Months the Levy page forecasts.
pub const MONTHS: u32 = 36;

/// Months ahead the expiry reminder looks.
pub const EXPIRY_NOTICE_MONTHS: usize = 3;

/// The forecast of the stored account for [`MONTHS`] from `from`.
pub fn request(account: &LevyAccount, from: Month) -> ForecastRequest {
    ForecastRequest {
        from,
        months: MONTHS,
        // An account with no pay bill belongs to an employer that pays no levy.
        employer: if account.payroll.is_empty() {
            Employer::NonLevy
        } else {
            Employer::Levy
        },
        payroll: account.payroll.clone(),
        apprenticeships: account.apprenticeships.clone(),
        transfers: account.transfers.clone(),
        opening: account.opening.clone(),
    }
}

/// Tells each organisation's L&D leads and finance, once a month, when its
/// forecast has funds expiring unused in the next three months (this month
/// included); how many notices were new. An account whose forecast cannot
/// be worked out is skipped (the Levy page says why).
pub async fn remind_expiring(
    store: &Store,
    shipped: &ShippedCatalogue,
    today: Date,
    now: i64,
) -> anyhow::Result<usize> {
    let from = Month::of(today);
    let mut new = 0;
    for org in pathwise_storage::people::organisation_ids(store).await? {
        let account = pathwise_storage::levy::account(store, org).await?;
        if account.is_empty() {
            continue;
        }
        let Ok(f) = forecast(
            &shipped.funding_rules,
            &shipped.standards,
            &request(&account, from),
        ) else {
            continue;
        };
        let soon = &f.months[..f.months.len().min(EXPIRY_NOTICE_MONTHS)];
        let expiring: i64 = soon.iter().map(|m| m.expired).sum();
        let Some(first) = soon.iter().find(|m| m.expired > 0) else {
            continue;
        };
        let notice = Notice {
            kind: NotificationKind::FundsExpiring,
            about: format!("funds-expiring:{from}"),
            title: format!(
                "{} of levy funds will expire unused by the end of {}",
                pounds(expiring),
                soon[soon.len() - 1].month.in_words()
            ),
            body: format!(
                "The forecast has funds expiring unused from {}. The Levy page shows a cohort that would use them without co-investment.",
                first.month.in_words()
            ),
            link: "/levy".into(),
        };
        new += notify_roles(
            store,
            org,
            &[AppRole::LdAdmin, AppRole::Finance],
            &notice,
            now,
        )
        .await?;
    }
    Ok(new)
}
