//! The levy account page: the forecast month by month with its chart, a
//! what-if cohort beside it, funds at risk of expiry, the apprenticeships and
//! transfers it is worked out from, and the file imports.

use super::{Choice, Layout, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use pathwise_domain::input::FieldError;

/// One month of the ledger, in words and pounds.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    /// "December 2026".
    pub month: String,
    /// Levy and top-up in.
    pub funds_in: String,
    /// Instalments and completions due to providers.
    pub to_providers: String,
    /// Transfer payments due.
    pub transfers: String,
    /// Co-investment, "£x employer, £y government", or "None".
    pub co_investment: String,
    /// Expired at the month's end.
    pub expired: String,
    /// Balance at the month's end.
    pub balance: String,
    /// Expiring in the next three months.
    pub expiring_soon: String,
    /// With the what-if cohort: (balance, expired).
    pub with_cohort: Option<(String, String)>,
}

/// An apprenticeship or transfer as listed.
#[derive(Debug, Clone)]
pub struct ApprenticeshipRow {
    /// Its id.
    pub id: String,
    /// The partner, for a transfer.
    pub partner: Option<String>,
    /// "Nursing associate (NMC 2018) (ST0827)".
    pub standard: String,
    /// Start month in words.
    pub start: String,
    /// Planned end in words.
    pub planned_end: String,
    /// The agreed price, with the band when it is over it.
    pub price: String,
    /// In learning, completed, withdrawn, on a break.
    pub status: String,
}

/// An apprenticeship's progress reviews, as listed.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    /// Its id.
    pub id: String,
    /// The standard, in words.
    pub standard: String,
    /// The last review, in words ("None yet").
    pub last: String,
    /// When the next is due, in words (blank when none is).
    pub next_due: String,
    /// Where it stands, in words.
    pub status: String,
    /// The NHS.UK tag colour for it.
    pub tag: &'static str,
}

/// The levy page.
#[derive(Template, WebTemplate)]
#[template(path = "levy.html")]
pub struct LevyPage {
    /// Layout.
    pub layout: Layout,
    /// The form token.
    pub csrf: String,
    /// What an import just did.
    pub done: Option<String>,
    /// Why the forecast cannot be worked out from what is stored.
    pub ledger_problem: Option<String>,
    /// Key figures: (label, value, id).
    pub figures: Vec<(String, String, String)>,
    /// The warning about funds that will expire unused, with the cohort
    /// that would use them.
    pub expiry_warning: Option<String>,
    /// What the what-if cohort is, in words, when one is shown.
    pub cohort_words: Option<String>,
    /// The chart (SVG).
    pub chart: Option<String>,
    /// The ledger.
    pub ledger: Vec<LedgerRow>,
    /// Notes from the ledger (prices over their band).
    pub notes: Vec<String>,
    /// Standards to choose for a what-if cohort.
    pub standards: Vec<Choice>,
    /// The what-if form as typed: size, start, price, age.
    pub cohort_size: String,
    /// Start month as typed.
    pub cohort_start: String,
    /// Price as typed.
    pub cohort_price: String,
    /// Age as typed.
    pub cohort_age: String,
    /// The query string of the what-if cohort, for exports.
    pub query: String,
    /// Apprenticeships.
    pub apprenticeships: Vec<ApprenticeshipRow>,
    /// Transfers.
    pub transfers: Vec<ApprenticeshipRow>,
    /// What is held: pay bill months and opening funds, in words.
    pub held: Vec<String>,
    /// Kinds of file to import: (value, label, columns).
    pub kinds: Vec<(String, String, String)>,
    /// Progress reviews of the apprenticeships.
    pub reviews: Vec<ReviewRow>,
    /// Apprenticeships in learning, to record a review of.
    pub review_choices: Vec<Choice>,
    /// The review date as typed.
    pub review_held_on: String,
    /// Problems with the what-if form, an imported file or a review.
    pub errors: Vec<FieldError>,
}

field_errors!(LevyPage);
