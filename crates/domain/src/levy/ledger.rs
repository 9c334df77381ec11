//! The ledger: month by month, funds enter (levy declared for the previous
//! payroll month, times the English percentage, and the top-up), then the
//! month's payments to providers are taken oldest funds first (own
//! apprenticeships and transfers together, in order of start month, then
//! id), what the account cannot pay is co-invested by the government and the
//! employer, and funds at the end of their life expire.

use super::rules::FundingRules;
use super::{Month, pounds, share};
use crate::standards::Standards;
use std::collections::{BTreeMap, HashSet, VecDeque};

/// Whether the employer pays the levy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Employer {
    /// A levy payer.
    Levy,
    /// An employer that pays no levy.
    NonLevy,
}

impl Employer {
    /// As the rules file writes it.
    pub fn name(self) -> &'static str {
        match self {
            Employer::Levy => "levy",
            Employer::NonLevy => "non-levy",
        }
    }
}

/// One payroll month's pay bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayrollMonth {
    /// The payroll month.
    pub month: Month,
    /// The pay bill, in pence.
    pub pay_bill_pence: i64,
    /// The share of the levy that is England's, in basis points (100% is 10,000).
    pub english_basis_points: u32,
}

/// Funds already in the account when the forecast starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningFunds {
    /// The month they entered (their expiry counts from it).
    pub entered: Month,
    /// How much is left of them, in pence.
    pub amount_pence: i64,
}

/// A break in learning: no instalments from `from` until `to`, when
/// learning resumes; the planned end moves by the same number of months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakInLearning {
    /// The first month out of learning.
    pub from: Month,
    /// The month learning resumes.
    pub to: Month,
}

/// A change of the agreed price from a month: what is left is spread again
/// over the instalments still to come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceChange {
    /// The first month the new price applies to.
    pub from: Month,
    /// The new agreed price, in pence.
    pub price_pence: i64,
}

/// An apprenticeship the employer pays for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apprenticeship {
    /// The employer's id for it.
    pub id: String,
    /// The standard's code, like ST0217.
    pub standard: String,
    /// The month learning starts.
    pub start: Month,
    /// The planned end month.
    pub planned_end: Month,
    /// The agreed price, in pence (the ledger pays at most the standard's band).
    pub price_pence: i64,
    /// The learner's age at start.
    pub age_at_start: u8,
    /// The month it was completed, when known.
    pub completed: Option<Month>,
    /// The month the learner withdrew: no payment from then on.
    pub withdrawn: Option<Month>,
    /// A break in learning.
    pub break_in_learning: Option<BreakInLearning>,
    /// A change of price.
    pub price_change: Option<PriceChange>,
}

/// A transfer to a partner organisation: the sender's funds pay the
/// partner's apprenticeship for its whole duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The sender's id for it.
    pub id: String,
    /// The partner organisation.
    pub partner: String,
    /// The standard's code.
    pub standard: String,
    /// The month learning starts.
    pub start: Month,
    /// The planned end month.
    pub planned_end: Month,
    /// The agreed price, in pence.
    pub price_pence: i64,
    /// The learner's age at start.
    pub age_at_start: u8,
}

impl Transfer {
    fn as_apprenticeship(&self) -> Apprenticeship {
        Apprenticeship {
            id: self.id.clone(),
            standard: self.standard.clone(),
            start: self.start,
            planned_end: self.planned_end,
            price_pence: self.price_pence,
            age_at_start: self.age_at_start,
            completed: None,
            withdrawn: None,
            break_in_learning: None,
            price_change: None,
        }
    }
}

/// Instalment or completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentKind {
    /// A monthly instalment.
    Instalment,
    /// The completion payment.
    Completion,
}

/// A payment due to the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    /// The month it is due.
    pub month: Month,
    /// Instalment or completion.
    pub kind: PaymentKind,
    /// How much, in pence.
    pub pence: i64,
}

/// `total` in `n` equal parts rounded down, the last taking what is left.
fn spread(total: i64, n: usize) -> Vec<i64> {
    if n == 0 {
        return Vec::new();
    }
    let each = total / n as i64;
    let mut parts = vec![each; n];
    parts[n - 1] = total - each * (n as i64 - 1);
    parts
}

impl Apprenticeship {
    /// The payments due to the provider: the instalment share of the price
    /// (`instalments` basis points, rounded down to the penny) in equal
    /// monthly instalments from the start month for the months from start to
    /// planned end, the last taking the remaining pence, and the rest of the
    /// price in the month of completion (the planned end unless it completed).
    /// The price is capped at `band_pence`.
    pub fn payments(&self, instalments: u32, band_pence: i64) -> Vec<Payment> {
        let n = self.start.months_until(self.planned_end).max(1) as usize;
        let pause = self
            .break_in_learning
            .map_or(0, |b| b.from.months_until(b.to).max(0));
        let month_of = |i: usize| {
            let m = self.start.plus(i as i32);
            match self.break_in_learning {
                Some(b) if m >= b.from => m.plus(pause),
                _ => m,
            }
        };
        let price = self.price_pence.min(band_pence);
        let mut amounts = spread(share(price, instalments), n);
        let mut total_price = price;
        if let Some(change) = self.price_change {
            let new_price = change.price_pence.min(band_pence);
            let first_left = (0..n).position(|i| month_of(i) >= change.from).unwrap_or(n);
            let paid: i64 = amounts[..first_left].iter().sum();
            let rest = spread(
                (share(new_price, instalments) - paid).max(0),
                n - first_left,
            );
            amounts.truncate(first_left);
            amounts.extend(rest);
            total_price = new_price;
        }
        let completion = (total_price - amounts.iter().sum::<i64>()).max(0);
        let mut out = Vec::new();
        for (i, pence) in amounts.iter().enumerate() {
            let month = month_of(i);
            if self.withdrawn.is_some_and(|w| month >= w)
                || self.completed.is_some_and(|c| month > c)
            {
                break;
            }
            out.push(Payment {
                month,
                kind: PaymentKind::Instalment,
                pence: *pence,
            });
        }
        if self.withdrawn.is_none() {
            out.push(Payment {
                month: self.completed.unwrap_or(self.planned_end.plus(pause)),
                kind: PaymentKind::Completion,
                pence: completion,
            });
        }
        out
    }
}

/// What a forecast is worked out from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastRequest {
    /// The first month shown.
    pub from: Month,
    /// How many months.
    pub months: u32,
    /// Levy payer or not.
    pub employer: Employer,
    /// Pay bills by payroll month: every month of a tax year from April, as
    /// the levy is worked out year to date.
    pub payroll: Vec<PayrollMonth>,
    /// The employer's own apprenticeships.
    pub apprenticeships: Vec<Apprenticeship>,
    /// Transfers to partners.
    pub transfers: Vec<Transfer>,
    /// Funds in the account before the first month.
    pub opening: Vec<OpeningFunds>,
}

/// One month of the forecast, in pence. What the account paid is
/// `instalments + completions + transfers_out - co_invest_employer -
/// co_invest_government`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForecastMonth {
    /// The month.
    pub month: Month,
    /// Levy entering (declared for the previous payroll month, times the
    /// English percentage).
    pub levy_in: i64,
    /// Government top-up entering.
    pub top_up: i64,
    /// Instalments due for own apprenticeships.
    pub instalments: i64,
    /// Completion payments due for own apprenticeships.
    pub completions: i64,
    /// Payments due for transfers.
    pub transfers_out: i64,
    /// Funds that expired at the month's end.
    pub expired: i64,
    /// What the employer paid because the account could not.
    pub co_invest_employer: i64,
    /// What the government paid because the account could not.
    pub co_invest_government: i64,
    /// Funds left at the month's end.
    pub balance: i64,
    /// Funds left that expire at the end of one of the next three months.
    pub expiring_next_3_months: i64,
}

/// A forecast file's columns, in order: the month, then each amount of
/// [`ForecastMonth::amounts`].
pub const FORECAST_COLUMNS: [&str; 11] = [
    "month",
    "levy_in",
    "top_up",
    "instalments",
    "completions",
    "transfers_out",
    "expired",
    "co_invest_employer",
    "co_invest_government",
    "balance",
    "expiring_next_3_months",
];

impl ForecastMonth {
    /// The month's amounts in the order of [`FORECAST_COLUMNS`] after the month.
    pub fn amounts(&self) -> [i64; 10] {
        [
            self.levy_in,
            self.top_up,
            self.instalments,
            self.completions,
            self.transfers_out,
            self.expired,
            self.co_invest_employer,
            self.co_invest_government,
            self.balance,
            self.expiring_next_3_months,
        ]
    }

    /// What the account itself paid this month.
    pub fn paid_from_funds(&self) -> i64 {
        self.instalments + self.completions + self.transfers_out
            - self.co_invest_employer
            - self.co_invest_government
    }
}

/// What moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    /// Levy entered.
    LevyIn,
    /// Top-up entered.
    TopUp,
    /// An instalment or completion paid, for an own apprenticeship.
    Paid(PaymentKind),
    /// An instalment or completion paid for a transfer.
    Transferred(PaymentKind),
    /// The employer's share of what the account could not pay.
    CoInvestEmployer,
    /// The government's share of it.
    CoInvestGovernment,
    /// Funds expired.
    Expired,
}

/// One movement on the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// The month.
    pub month: Month,
    /// What moved.
    pub kind: MovementKind,
    /// The apprenticeship or transfer it is for, if any.
    pub id: Option<String>,
    /// For expiry, the month the expired funds entered.
    pub entered: Option<Month>,
    /// How much, in pence: for payments, the whole amount due.
    pub pence: i64,
}

/// The forecast: one row a month and every movement behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    /// Funds in the account before the first month.
    pub opening_pence: i64,
    /// One row a month.
    pub months: Vec<ForecastMonth>,
    /// Every movement, in order.
    pub movements: Vec<Movement>,
    /// Things the reader should know (a price capped at its band).
    pub notes: Vec<String>,
}

/// Why a forecast could not be worked out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// No rule of a kind is in force for a month.
    #[error("no {what} rule in the funding rules covers {month}")]
    NoRule {
        /// Which kind of rule.
        what: &'static str,
        /// The month.
        month: Month,
    },
    /// A payroll month appears twice.
    #[error("the pay bill for {0} is given twice")]
    PayrollTwice(Month),
    /// A tax year's pay bills do not run from April.
    #[error(
        "the pay bill for {missing} is missing: the levy is worked out year to date from April, so give every month of the {year} tax year up to {month}"
    )]
    PayrollGap {
        /// The month given.
        month: Month,
        /// The month missing before it.
        missing: Month,
        /// The tax year.
        year: String,
    },
    /// An apprenticeship or transfer names a standard not in the register.
    #[error("{id}: {code} is not a standard in the register")]
    UnknownStandard {
        /// Its id.
        id: String,
        /// The code.
        code: String,
    },
    /// Two apprenticeships or transfers share an id.
    #[error("{0}: the id is used twice")]
    IdTwice(String),
    /// Opening funds that would already have expired.
    #[error(
        "funds that entered in {entered} expired at the end of {last}, before the forecast starts"
    )]
    AlreadyExpired {
        /// When they entered.
        entered: Month,
        /// Their last month.
        last: Month,
    },
    /// A transfer over the year's transfer allowance.
    #[error("{0}")]
    TransferOverLimit(Box<TransferRefusal>),
}

/// A transfer refused because, with it, the transfers starting in its
/// financial year would commit more than the allowance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRefusal {
    /// The transfer's id.
    pub id: String,
    /// The April its financial year starts.
    pub year: Month,
    /// What all transfers of the year would commit with it, in pence.
    pub committed: i64,
    /// The limit, in pence.
    pub limit: i64,
    /// The share of the previous year's funds allowed, in basis points.
    pub basis_points: u32,
    /// The funds that entered in the previous year, in pence.
    pub funds: i64,
}

impl std::fmt::Display for TransferRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "transfer {} is refused: with it, transfers starting in {} would commit {}, {} over the limit of {} ({}% of the {} that entered in {})",
            self.id,
            self.year.year_name(),
            pounds(self.committed),
            pounds(self.committed - self.limit),
            pounds(self.limit),
            f64::from(self.basis_points) / 100.0,
            pounds(self.funds),
            self.year.plus(-12).year_name()
        )
    }
}

struct Tranche {
    entered: Month,
    last: Month,
    left: i64,
}

/// The levy and top-up entering the account, by the month they enter.
fn levy_entries(
    rules: &FundingRules,
    payroll: &[PayrollMonth],
) -> Result<BTreeMap<Month, (i64, i64)>, LedgerError> {
    let mut sorted: Vec<&PayrollMonth> = payroll.iter().collect();
    sorted.sort_by_key(|p| p.month);
    let months: HashSet<Month> = sorted.iter().map(|p| p.month).collect();
    if months.len() != sorted.len() {
        let twice = sorted
            .windows(2)
            .find(|w| w[0].month == w[1].month)
            .map_or(sorted[0].month, |w| w[0].month);
        return Err(LedgerError::PayrollTwice(twice));
    }
    let mut entries = BTreeMap::new();
    let (mut pay_so_far, mut declared_so_far) = (0i64, 0i64);
    for p in sorted {
        let start = p.month.year_start();
        if p.month == start {
            (pay_so_far, declared_so_far) = (0, 0);
        } else if !months.contains(&p.month.plus(-1)) {
            let missing = (0..start.months_until(p.month))
                .map(|i| start.plus(i))
                .find(|m| !months.contains(m))
                .unwrap_or(start);
            return Err(LedgerError::PayrollGap {
                month: p.month,
                missing,
                year: p.month.year_name(),
            });
        }
        pay_so_far += p.pay_bill_pence;
        let months_so_far = i64::from(start.months_until(p.month) + 1);
        let due = (share(pay_so_far, rules.levy.basis_points)
            - rules.levy.allowance_after(months_so_far))
        .max(0);
        let declared = (due - declared_so_far).max(0);
        declared_so_far += declared;
        let levy = share(declared, p.english_basis_points);
        let enters = p.month.plus(1);
        let top_up = rules.top_up(enters).ok_or(LedgerError::NoRule {
            what: "top-up",
            month: enters,
        })?;
        entries.insert(enters, (levy, share(levy, top_up)));
    }
    Ok(entries)
}

/// Refuses the first transfer (in order of start month, then id) that takes
/// its financial year's commitments over the allowance.
fn check_transfers(
    rules: &FundingRules,
    standards: &Standards,
    entries: &BTreeMap<Month, (i64, i64)>,
    transfers: &[Transfer],
) -> Result<(), LedgerError> {
    let mut sorted: Vec<&Transfer> = transfers.iter().collect();
    sorted.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    let mut committed: BTreeMap<Month, i64> = BTreeMap::new();
    for t in sorted {
        let year = t.start.year_start();
        let funds: i64 = entries
            .range(year.plus(-12)..year)
            .map(|(_, (levy, top_up))| levy + top_up)
            .sum();
        let percent = rules
            .transfer_allowance(t.start)
            .ok_or(LedgerError::NoRule {
                what: "transfer allowance",
                month: t.start,
            })?;
        let limit = share(funds, percent);
        let band = band_of(standards, &t.id, &t.standard)?;
        let sum = committed.entry(year).or_default();
        *sum += t.price_pence.min(band);
        if *sum > limit {
            return Err(LedgerError::TransferOverLimit(Box::new(TransferRefusal {
                id: t.id.clone(),
                year,
                committed: *sum,
                limit,
                basis_points: percent,
                funds,
            })));
        }
    }
    Ok(())
}

fn band_of(standards: &Standards, id: &str, code: &str) -> Result<i64, LedgerError> {
    standards
        .get(code)
        .map(|s| s.band_pence())
        .ok_or_else(|| LedgerError::UnknownStandard {
            id: id.to_string(),
            code: code.to_string(),
        })
}

struct Scheduled {
    id: String,
    transfer: bool,
    government_share: u32,
    payment: Payment,
}

/// Works out the forecast: see the module's description for the order of
/// things within a month.
pub fn forecast(
    rules: &FundingRules,
    standards: &Standards,
    req: &ForecastRequest,
) -> Result<Forecast, LedgerError> {
    let entries = match req.employer {
        Employer::Levy => levy_entries(rules, &req.payroll)?,
        Employer::NonLevy => BTreeMap::new(),
    };
    check_transfers(rules, standards, &entries, &req.transfers)?;
    let mut ids = HashSet::new();
    let mut notes = Vec::new();
    let mut all: Vec<(Apprenticeship, bool)> = req
        .apprenticeships
        .iter()
        .map(|a| (a.clone(), false))
        .chain(req.transfers.iter().map(|t| (t.as_apprenticeship(), true)))
        .collect();
    all.sort_by(|a, b| (a.0.start, &a.0.id).cmp(&(b.0.start, &b.0.id)));
    let end = req.from.plus(req.months as i32);
    let mut due: BTreeMap<Month, Vec<Scheduled>> = BTreeMap::new();
    for (a, transfer) in &all {
        if !ids.insert(a.id.as_str()) {
            return Err(LedgerError::IdTwice(a.id.clone()));
        }
        let band = band_of(standards, &a.id, &a.standard)?;
        if a.price_pence > band || a.price_change.is_some_and(|c| c.price_pence > band) {
            notes.push(format!(
                "{}: the agreed price is over the {} funding band of {}; the ledger pays at most the band",
                a.id,
                a.standard,
                pounds(band)
            ));
        }
        let no_rule = |what| LedgerError::NoRule {
            what,
            month: a.start,
        };
        let instalments = rules
            .instalments(a.start)
            .ok_or(no_rule("provider payments"))?;
        let co = rules
            .co_investment(req.employer, a.start)
            .ok_or(no_rule("co-investment"))?;
        for payment in a.payments(instalments, band) {
            if payment.month >= req.from && payment.month < end {
                due.entry(payment.month).or_default().push(Scheduled {
                    id: a.id.clone(),
                    transfer: *transfer,
                    government_share: co.government_share(a.age_at_start),
                    payment,
                });
            }
        }
    }
    let mut tranches: VecDeque<Tranche> = VecDeque::new();
    let mut opening: Vec<&OpeningFunds> = req.opening.iter().collect();
    opening.sort_by_key(|o| o.entered);
    for o in opening {
        let last = rules.last_month(o.entered).ok_or(LedgerError::NoRule {
            what: "expiry",
            month: o.entered,
        })?;
        if last < req.from {
            return Err(LedgerError::AlreadyExpired {
                entered: o.entered,
                last,
            });
        }
        tranches.push_back(Tranche {
            entered: o.entered,
            last,
            left: o.amount_pence,
        });
    }
    let opening_pence = tranches.iter().map(|t| t.left).sum();
    let mut months = Vec::new();
    let mut movements = Vec::new();
    for i in 0..req.months {
        let month = req.from.plus(i as i32);
        let mut row = ForecastMonth {
            month,
            levy_in: 0,
            top_up: 0,
            instalments: 0,
            completions: 0,
            transfers_out: 0,
            expired: 0,
            co_invest_employer: 0,
            co_invest_government: 0,
            balance: 0,
            expiring_next_3_months: 0,
        };
        let mut moved = |kind, id: Option<&str>, entered, pence| {
            movements.push(Movement {
                month,
                kind,
                id: id.map(str::to_string),
                entered,
                pence,
            })
        };
        if let Some(&(levy, top_up)) = entries.get(&month) {
            (row.levy_in, row.top_up) = (levy, top_up);
            moved(MovementKind::LevyIn, None, None, levy);
            moved(MovementKind::TopUp, None, None, top_up);
            let last = rules.last_month(month).ok_or(LedgerError::NoRule {
                what: "expiry",
                month,
            })?;
            // Funds may enter after opening funds that entered later than
            // them in name only; keep the queue oldest first.
            let at = tranches
                .iter()
                .position(|t| t.entered > month)
                .unwrap_or(tranches.len());
            tranches.insert(
                at,
                Tranche {
                    entered: month,
                    last,
                    left: levy + top_up,
                },
            );
        }
        for s in due.remove(&month).unwrap_or_default() {
            let mut wanted = s.payment.pence;
            for t in tranches.iter_mut() {
                let take = wanted.min(t.left);
                t.left -= take;
                wanted -= take;
                if wanted == 0 {
                    break;
                }
            }
            tranches.retain(|t| t.left > 0);
            let government = share(wanted, s.government_share);
            let employer = wanted - government;
            let kind = s.payment.kind;
            match (s.transfer, kind) {
                (true, _) => row.transfers_out += s.payment.pence,
                (false, PaymentKind::Instalment) => row.instalments += s.payment.pence,
                (false, PaymentKind::Completion) => row.completions += s.payment.pence,
            }
            row.co_invest_employer += employer;
            row.co_invest_government += government;
            let paid = if s.transfer {
                MovementKind::Transferred(kind)
            } else {
                MovementKind::Paid(kind)
            };
            moved(paid, Some(&s.id), None, s.payment.pence);
            if wanted > 0 {
                moved(MovementKind::CoInvestEmployer, Some(&s.id), None, employer);
                moved(
                    MovementKind::CoInvestGovernment,
                    Some(&s.id),
                    None,
                    government,
                );
            }
        }
        for t in tranches.iter_mut().filter(|t| t.last <= month) {
            row.expired += t.left;
            moved(MovementKind::Expired, None, Some(t.entered), t.left);
            t.left = 0;
        }
        tranches.retain(|t| t.left > 0);
        row.balance = tranches.iter().map(|t| t.left).sum();
        row.expiring_next_3_months = tranches
            .iter()
            .filter(|t| t.last > month && t.last <= month.plus(3))
            .map(|t| t.left)
            .sum();
        months.push(row);
    }
    Ok(Forecast {
        opening_pence,
        months,
        movements,
        notes,
    })
}
