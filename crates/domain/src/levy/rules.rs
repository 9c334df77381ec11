//! The funding rules as dated data: each applies from the month it names
//! until the next entry of its kind, with its source and when it was checked.

use super::Month;
use crate::levy::ledger::Employer;
use crate::levy::reviews::ReviewInterval;
use serde::Deserialize;

/// A value in force from a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated<T> {
    /// The first month it applies to.
    pub from: Month,
    /// The value.
    pub value: T,
    /// Where it came from.
    pub source: String,
    /// When it was last checked.
    pub checked_on: String,
}

/// How the levy is worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevyRule {
    /// The levy's share of the pay bill, in basis points (0.5% is 50).
    pub basis_points: u32,
    /// The allowance for a whole tax year, in pence.
    pub annual_allowance_pence: i64,
    /// Where it came from.
    pub source: String,
    /// When it was last checked.
    pub checked_on: String,
}

impl LevyRule {
    /// The allowance so far after `months` months of the tax year.
    pub fn allowance_after(&self, months: i64) -> i64 {
        self.annual_allowance_pence * months / 12
    }
}

/// The government's share of what an account cannot pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoInvestmentRule {
    /// The employer it is for.
    pub employer: Employer,
    /// The age at start from which `at_or_over` applies.
    pub age_threshold: u8,
    /// Basis points for learners under the threshold at start.
    pub under: u32,
    /// Basis points for learners at or over it.
    pub at_or_over: u32,
}

impl CoInvestmentRule {
    /// The government's share, in basis points, for a learner of this age at start.
    pub fn government_share(&self, age_at_start: u8) -> u32 {
        if age_at_start < self.age_threshold {
            self.under
        } else {
            self.at_or_over
        }
    }
}

/// Every funding rule, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingRules {
    /// The file's version.
    pub version: String,
    /// The levy itself.
    pub levy: LevyRule,
    /// Top-up on levy funds, by the month they enter (basis points).
    pub top_up: Vec<Dated<u32>>,
    /// Months funds last, counting the month they enter, by that month.
    pub expiry: Vec<Dated<u32>>,
    /// Co-investment, by the apprenticeship's start month.
    pub co_investment: Vec<Dated<CoInvestmentRule>>,
    /// The share of last year's funds transfers may commit, by the
    /// financial year they start in (basis points).
    pub transfer_allowance: Vec<Dated<u32>>,
    /// The share of the price paid in monthly instalments, by start month
    /// (basis points); the rest is paid on completion.
    pub instalments: Vec<Dated<u32>>,
    /// The longest gap between progress reviews, by start month.
    pub progress_reviews: Vec<Dated<ReviewInterval>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: String,
    levy: LevyEntry,
    top_up: Vec<PercentEntry>,
    expiry: Vec<ExpiryEntry>,
    co_investment: Vec<CoInvestmentEntry>,
    transfer_allowance: Vec<PercentEntry>,
    provider_payments: Vec<InstalmentsEntry>,
    progress_reviews: Vec<ReviewsEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewsEntry {
    from: String,
    every: String,
    source: String,
    checked_on: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LevyEntry {
    percent_of_pay_bill: f64,
    annual_allowance_gbp: u32,
    source: String,
    checked_on: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PercentEntry {
    from: String,
    percent: f64,
    source: String,
    checked_on: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpiryEntry {
    from: String,
    months: u32,
    source: String,
    checked_on: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoInvestmentEntry {
    from: String,
    employer: String,
    age_threshold: u8,
    government_percent_under: f64,
    government_percent_at_or_over: f64,
    source: String,
    checked_on: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InstalmentsEntry {
    from: String,
    instalments_percent: f64,
    source: String,
    checked_on: String,
}

/// A percentage with at most two decimals, 0-100, as basis points.
fn basis_points(percent: f64, at: &str) -> Result<u32, String> {
    let bp = (percent * 100.0).round();
    if !(0.0..=10_000.0).contains(&bp) || (percent * 100.0 - bp).abs() > 1e-6 {
        return Err(format!(
            "{at}: a percentage must be 0-100 with at most two decimals"
        ));
    }
    Ok(bp as u32)
}

fn dated<T>(
    kind: &str,
    i: usize,
    from: &str,
    source: &str,
    checked_on: &str,
    value: T,
) -> Result<Dated<T>, String> {
    let at = format!("{kind} entry {}", i + 1);
    let from = from
        .parse::<Month>()
        .map_err(|e| format!("{at}, from: {e}"))?;
    if source.trim().is_empty() || checked_on.parse::<crate::Date>().is_err() {
        return Err(format!(
            "{at}: a rule needs its source and checked_on (YYYY-MM-DD)"
        ));
    }
    Ok(Dated {
        from,
        value,
        source: source.to_string(),
        checked_on: checked_on.to_string(),
    })
}

fn in_order<T>(kind: &str, list: &[Dated<T>]) -> Result<(), String> {
    if list.is_empty() {
        return Err(format!("{kind}: at least one entry is needed"));
    }
    match list
        .windows(2)
        .position(|pair| pair[1].from <= pair[0].from)
    {
        Some(i) => Err(format!(
            "{kind} entry {}: entries must be in order of their from month, one per month",
            i + 2
        )),
        None => Ok(()),
    }
}

impl FundingRules {
    /// Reads and checks `funding-rules.toml`; a problem names the entry and field.
    pub fn parse(text: &str) -> Result<FundingRules, String> {
        let f: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let percents = |kind: &str, list: &[PercentEntry]| -> Result<Vec<Dated<u32>>, String> {
            list.iter()
                .enumerate()
                .map(|(i, e)| {
                    let bp = basis_points(e.percent, &format!("{kind} entry {}, percent", i + 1))?;
                    dated(kind, i, &e.from, &e.source, &e.checked_on, bp)
                })
                .collect()
        };
        let top_up = percents("top_up", &f.top_up)?;
        let transfer_allowance = percents("transfer_allowance", &f.transfer_allowance)?;
        let expiry = f
            .expiry
            .iter()
            .enumerate()
            .map(|(i, e)| {
                if !(1..=60).contains(&e.months) {
                    return Err(format!("expiry entry {}, months: must be 1-60", i + 1));
                }
                dated("expiry", i, &e.from, &e.source, &e.checked_on, e.months)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let co_investment = f
            .co_investment
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let at = format!("co_investment entry {}", i + 1);
                let employer = match e.employer.as_str() {
                    "levy" => Employer::Levy,
                    "non-levy" => Employer::NonLevy,
                    other => {
                        return Err(format!(
                            "{at}, employer: '{other}' must be levy or non-levy"
                        ));
                    }
                };
                let rule = CoInvestmentRule {
                    employer,
                    age_threshold: e.age_threshold,
                    under: basis_points(e.government_percent_under, &at)?,
                    at_or_over: basis_points(e.government_percent_at_or_over, &at)?,
                };
                dated("co_investment", i, &e.from, &e.source, &e.checked_on, rule)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let instalments = f
            .provider_payments
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let bp = basis_points(
                    e.instalments_percent,
                    &format!("provider_payments entry {}, instalments_percent", i + 1),
                )?;
                dated(
                    "provider_payments",
                    i,
                    &e.from,
                    &e.source,
                    &e.checked_on,
                    bp,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        in_order("top_up", &top_up)?;
        in_order("expiry", &expiry)?;
        in_order("transfer_allowance", &transfer_allowance)?;
        in_order("provider_payments", &instalments)?;
        let progress_reviews = f
            .progress_reviews
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let every = ReviewInterval::parse(&e.every).ok_or_else(|| {
                    format!(
                        "progress_reviews entry {}, every: '{}' must read like 12 weeks or 3 calendar months",
                        i + 1,
                        e.every
                    )
                })?;
                dated("progress_reviews", i, &e.from, &e.source, &e.checked_on, every)
            })
            .collect::<Result<Vec<_>, _>>()?;
        in_order("progress_reviews", &progress_reviews)?;
        for employer in [Employer::Levy, Employer::NonLevy] {
            let list: Vec<_> = co_investment
                .iter()
                .filter(|d| d.value.employer == employer)
                .cloned()
                .collect();
            in_order(&format!("co_investment ({})", employer.name()), &list)?;
        }
        let levy = LevyRule {
            basis_points: basis_points(f.levy.percent_of_pay_bill, "levy, percent_of_pay_bill")?,
            annual_allowance_pence: i64::from(f.levy.annual_allowance_gbp) * 100,
            source: f.levy.source,
            checked_on: f.levy.checked_on,
        };
        Ok(FundingRules {
            version: f.version,
            levy,
            top_up,
            expiry,
            co_investment,
            transfer_allowance,
            instalments,
            progress_reviews,
        })
    }

    /// The top-up on funds entering in `month`, in basis points.
    pub fn top_up(&self, month: Month) -> Option<u32> {
        in_force(&self.top_up, month).copied()
    }

    /// The last month funds entering in `month` can be spent in.
    pub fn last_month(&self, entered: Month) -> Option<Month> {
        in_force(&self.expiry, entered).map(|n| entered.plus(*n as i32 - 1))
    }

    /// The co-investment rule for an apprenticeship starting in `start`.
    pub fn co_investment(&self, employer: Employer, start: Month) -> Option<CoInvestmentRule> {
        self.co_investment
            .iter()
            .rfind(|d| d.value.employer == employer && d.from <= start)
            .map(|d| d.value)
    }

    /// The share transfers starting in the financial year of `month` may
    /// commit of the previous year's funds, in basis points.
    pub fn transfer_allowance(&self, month: Month) -> Option<u32> {
        in_force(&self.transfer_allowance, month.year_start()).copied()
    }

    /// The longest gap between progress reviews for a start in `start`.
    pub fn review_interval(&self, start: Month) -> Option<ReviewInterval> {
        in_force(&self.progress_reviews, start).copied()
    }

    /// The share of the price paid in instalments for a start in `start`.
    pub fn instalments(&self, start: Month) -> Option<u32> {
        in_force(&self.instalments, start).copied()
    }
}

fn in_force<T>(list: &[Dated<T>], month: Month) -> Option<&T> {
    list.iter().rfind(|d| d.from <= month).map(|d| &d.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../../catalogue/funding-rules.toml");

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn the_shipped_rules_change_on_1_august_2026() {
        let r = FundingRules::parse(SHIPPED).unwrap();
        assert_eq!(r.levy.basis_points, 50);
        assert_eq!(r.levy.allowance_after(1), 125_000);
        assert_eq!(r.top_up(m("2026-07")), Some(1_000));
        assert_eq!(r.top_up(m("2026-08")), Some(0));
        assert_eq!(r.last_month(m("2026-07")), Some(m("2028-06")));
        assert_eq!(r.last_month(m("2026-08")), Some(m("2027-07")));
        let levy_before = r.co_investment(Employer::Levy, m("2026-07")).unwrap();
        assert_eq!(
            (
                levy_before.government_share(19),
                levy_before.government_share(40)
            ),
            (9_500, 9_500)
        );
        let levy_after = r.co_investment(Employer::Levy, m("2026-08")).unwrap();
        assert_eq!(
            (
                levy_after.government_share(24),
                levy_after.government_share(25)
            ),
            (10_000, 7_500)
        );
        let small = r.co_investment(Employer::NonLevy, m("2026-09")).unwrap();
        assert_eq!(
            (small.government_share(20), small.government_share(30)),
            (10_000, 9_500)
        );
        let small_2025 = r.co_investment(Employer::NonLevy, m("2025-01")).unwrap();
        assert_eq!(
            (
                small_2025.government_share(21),
                small_2025.government_share(22)
            ),
            (10_000, 9_500)
        );
        assert_eq!(r.transfer_allowance(m("2024-03")), Some(2_500));
        assert_eq!(r.transfer_allowance(m("2027-02")), Some(5_000));
        assert_eq!(r.instalments(m("2026-06")), Some(8_000));
        assert_eq!(r.top_up(m("2016-01")), None);
    }

    #[test]
    fn a_bad_rule_is_named_by_its_entry_and_field() {
        let e =
            FundingRules::parse(&SHIPPED.replace("percent = 10", "percent = 10.005")).unwrap_err();
        assert!(e.starts_with("top_up entry 1, percent"), "{e}");
        let e = FundingRules::parse(&SHIPPED.replace(
            "from = \"2026-08\"\nmonths = 12",
            "from = \"2016-08\"\nmonths = 12",
        ))
        .unwrap_err();
        assert!(
            e.starts_with("expiry entry 2: entries must be in order"),
            "{e}"
        );
        let e = FundingRules::parse(
            &SHIPPED.replace("employer = \"non-levy\"", "employer = \"small\""),
        )
        .unwrap_err();
        assert!(
            e.contains("employer: 'small' must be levy or non-levy"),
            "{e}"
        );
    }
}
