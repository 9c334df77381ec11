//! Turns merged aggregates into the published tables, applying disclosure
//! control (M7) row by row when it is on, and writes them as CSV. A row is
//! controlled when it is below national level: split by region or
//! organisation, or any row of a panel that does not cover England; or when
//! it splits people by a protected characteristic and holds a count of 1-7.
//! Each row says whether it was controlled.

use crate::engine::{AnalysisSpec, Partial};
use pathwise_domain::metrics::{
    DurationCount, SUPPRESS_AT_MOST, control, controlled_rate, kaplan_meier, relative_likelihood,
    wilson,
};
use std::collections::BTreeMap;
use std::path::Path;

/// Retention is reported at these months.
pub const RETENTION_MONTHS: [u32; 3] = [6, 12, 18];

/// A relative-likelihood comparison: breakdown, group A's name and members,
/// group B's name and members.
type RlPair = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
);

/// One table: a header and rows of text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// File name without extension.
    pub name: &'static str,
    /// Column names.
    pub header: Vec<&'static str>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
}

/// How the run applies disclosure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disclosure {
    /// Whether control is on for the run.
    pub on: bool,
    /// Whether the panel covers all of England, so that rows not split by
    /// region or organisation are national totals. When it does not (an
    /// ICB's or a trust's own extract), every row is sub-national.
    pub national: bool,
}

impl Disclosure {
    /// Whether a row is controlled: below national level, or by a protected
    /// characteristic with a count of 1-7.
    pub fn row(self, sub_national: bool, protected: bool, counts: &[u64]) -> bool {
        self.on
            && (sub_national
                || !self.national
                || (protected && counts.iter().any(|n| (1..=SUPPRESS_AT_MOST).contains(n))))
    }
}

fn flag(controlled: bool) -> String {
    if controlled { "on" } else { "off" }.into()
}

/// All published tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables {
    /// Whether disclosure control was on for the run (each row says
    /// whether it was applied there).
    pub disclosure_control: bool,
    /// Whether the panel was given as national.
    pub national: bool,
    /// transitions, relative_likelihood, new_nurse_share, band_representation, retention.
    pub tables: Vec<Table>,
}

fn num(x: f64) -> String {
    format!("{x:.6}")
}

fn opt(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

fn count(n: u64, controlled: bool) -> String {
    if controlled {
        control(n).text()
    } else {
        n.to_string()
    }
}

impl Tables {
    /// Builds the tables asked for in `spec.measures` from the merged
    /// aggregates (`relative_likelihood` comes with `transitions`, or alone
    /// for WRES indicator 2 when a recruitment extract is given).
    pub fn build(
        p: &Partial,
        spec: &AnalysisSpec,
        disclosure: Disclosure,
        recruitment: Option<&crate::recruitment::Recruitment>,
    ) -> Tables {
        let disclosure_control = disclosure.on;
        let mut transitions = Table {
            name: "transitions",
            header: vec![
                "year",
                "breakdown",
                "group",
                "at_risk",
                "moved",
                "left",
                "rate",
                "rate_low",
                "rate_high",
                "disclosure_control",
            ],
            rows: vec![],
        };
        let mut keys: Vec<_> = p.transitions.keys().collect();
        keys.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
        for key in keys {
            let [n, moved, left] = p.transitions[key];
            let bd = &spec.breakdowns[key.1];
            let ctl = disclosure.row(bd.sub_national(), bd.protected(), &[n, moved, left]);
            let rate = controlled_rate(moved, n, ctl);
            let group = if bd.0.is_empty() {
                "England".to_string()
            } else {
                key.2.join("+")
            };
            transitions.rows.push(vec![
                key.0.to_string(),
                bd.name(),
                group,
                count(n, ctl),
                count(moved, ctl),
                count(left, ctl),
                opt(rate.map(|r| r.0)),
                opt(rate.map(|r| r.1)),
                opt(rate.map(|r| r.2)),
                flag(ctl),
            ]);
        }

        // M4 on M1: pairs of groups from the single-attribute breakdowns.
        let mut rl = Table {
            name: "relative_likelihood",
            header: vec![
                "year",
                "measure",
                "group_a",
                "group_b",
                "a",
                "n_a",
                "b",
                "n_b",
                "rl",
                "rl_low",
                "rl_high",
                "disclosure_control",
            ],
            rows: vec![],
        };
        // Looked up by key: (year, breakdown index, [member]).
        let group_counts = |breakdown: &str, members: &[&str], year: i32| -> (u64, u64) {
            let Some(b) = spec.breakdowns.iter().position(|bd| bd.name() == breakdown) else {
                return (0, 0);
            };
            members
                .iter()
                .filter_map(|m| p.transitions.get(&(year, b, vec![m.to_string()])))
                .fold((0, 0), |(moved, n), v| (moved + v[1], n + v[0]))
        };
        let years: Vec<i32> = {
            let mut y: Vec<i32> = p.transitions.keys().map(|k| k.0).collect();
            y.sort();
            y.dedup();
            y
        };
        let pairs: [RlPair; 3] = [
            (
                "region",
                "South East",
                &["South East"],
                "North East",
                &["North East"],
            ),
            (
                "trust_type",
                "mental_health",
                &["mental_health"],
                "acute",
                &["acute"],
            ),
            (
                "ethnicity",
                "White",
                &["White"],
                "BME",
                &["Asian", "Black", "Mixed", "Other"],
            ),
        ];
        for year in &years {
            for (breakdown, name_a, a_members, name_b, b_members) in pairs {
                if !spec.breakdowns.iter().any(|b| b.name() == breakdown) {
                    continue;
                }
                let (a, n_a) = group_counts(breakdown, a_members, *year);
                let (b, n_b) = group_counts(breakdown, b_members, *year);
                let ctl = disclosure.row(
                    breakdown == "region",
                    breakdown == "ethnicity",
                    &[a, n_a, b, n_b],
                );
                let v = |x: u64| if ctl { control(x).value() } else { Some(x) };
                let r = match (v(a), v(n_a), v(b), v(n_b)) {
                    (Some(a), Some(n_a), Some(b), Some(n_b)) => relative_likelihood(a, n_a, b, n_b),
                    _ => None,
                };
                rl.rows.push(vec![
                    year.to_string(),
                    format!("M1 transition rate by {breakdown}"),
                    name_a.into(),
                    name_b.into(),
                    count(a, ctl),
                    count(n_a, ctl),
                    count(b, ctl),
                    count(n_b, ctl),
                    opt(r.map(|r| r.rl)),
                    opt(r.map(|r| r.low)),
                    opt(r.map(|r| r.high)),
                    flag(ctl),
                ]);
            }
        }

        // WRES indicator 2: split by ethnicity, so controlled when a count
        // is small or the extract is not national.
        if let Some(r) = recruitment {
            let counts = [
                r.white_appointed,
                r.white_shortlisted,
                r.bme_appointed,
                r.bme_shortlisted,
            ];
            let ctl = disclosure.row(false, true, &counts);
            let v = |x: u64| if ctl { control(x).value() } else { Some(x) };
            let v = match (v(counts[0]), v(counts[1]), v(counts[2]), v(counts[3])) {
                (Some(a), Some(n_a), Some(b), Some(n_b)) => relative_likelihood(a, n_a, b, n_b),
                _ => None,
            };
            rl.rows.push(vec![
                "all".into(),
                "WRES indicator 2: appointed from shortlisting".into(),
                "White".into(),
                "BME".into(),
                count(r.white_appointed, ctl),
                count(r.white_shortlisted, ctl),
                count(r.bme_appointed, ctl),
                count(r.bme_shortlisted, ctl),
                opt(v.map(|r| r.rl)),
                opt(v.map(|r| r.low)),
                opt(v.map(|r| r.high)),
                flag(ctl),
            ]);
        }

        let mut nn = Table {
            name: "new_nurse_share",
            header: vec![
                "year",
                "new_nurses",
                "from_csw",
                "share",
                "share_low",
                "share_high",
                "disclosure_control",
            ],
            rows: vec![],
        };
        for (year, [n, k]) in &p.new_nurses {
            let ctl = disclosure.row(false, false, &[*n, *k]);
            let share = if ctl {
                controlled_rate(*k, *n, true)
            } else {
                wilson(*k, *n).map(|(lo, hi)| (*k as f64 / *n as f64, lo, hi))
            };
            nn.rows.push(vec![
                year.to_string(),
                count(*n, ctl),
                count(*k, ctl),
                opt(share.map(|c| c.0)),
                opt(share.map(|c| c.1)),
                opt(share.map(|c| c.2)),
                flag(ctl),
            ]);
        }

        let mut bands = Table {
            name: "band_representation",
            header: vec![
                "year",
                "scope",
                "band",
                "white",
                "bme",
                "unknown",
                "bme_share",
                "disclosure_control",
            ],
            rows: vec![],
        };
        let mut bkeys: Vec<_> = p.bands.keys().collect();
        bkeys.sort();
        for key in bkeys {
            let [w, b, u] = p.bands[key];
            let ctl = disclosure.row(key.1 > 0, true, &[w, b, u]);
            let (cw, cb) = if ctl {
                (control(w).value(), control(b).value())
            } else {
                (Some(w), Some(b))
            };
            let share = match (cw, cb) {
                (Some(w), Some(b)) if w + b > 0 => Some(b as f64 / (w + b) as f64),
                _ => None,
            };
            bands.rows.push(vec![
                key.0.to_string(),
                key.2.clone(),
                if key.3.is_empty() {
                    "Non-AfC".into()
                } else {
                    key.3.clone()
                },
                count(w, ctl),
                count(b, ctl),
                count(u, ctl),
                opt(share),
                flag(ctl),
            ]);
        }

        let mut retention = Table {
            name: "retention",
            header: vec![
                "breakdown",
                "group",
                "months",
                "at_risk",
                "events",
                "survival",
                "survival_low",
                "survival_high",
                "disclosure_control",
            ],
            rows: vec![],
        };
        let mut by_group: BTreeMap<(String, String), Vec<DurationCount>> = BTreeMap::new();
        for ((bd, g, months), [events, censored]) in &p.spells {
            by_group
                .entry((bd.clone(), g.clone()))
                .or_default()
                .push(DurationCount {
                    time: *months,
                    events: *events,
                    censored: *censored,
                });
        }
        for ((bd, g), counts) in by_group {
            let ctl = disclosure.row(bd == "region" || bd == "org_code", false, &[]);
            for s in kaplan_meier(&counts, &RETENTION_MONTHS) {
                let small = (1..=SUPPRESS_AT_MOST).contains(&s.at_risk);
                let hide = ctl && small;
                retention.rows.push(vec![
                    bd.clone(),
                    g.clone(),
                    s.time.to_string(),
                    count(s.at_risk, ctl),
                    count(s.events, ctl),
                    if hide { String::new() } else { num(s.survival) },
                    if hide { String::new() } else { num(s.low) },
                    if hide { String::new() } else { num(s.high) },
                    flag(ctl),
                ]);
            }
        }
        let m = spec.measures;
        let asked = [
            (transitions, m.transitions),
            (rl, m.transitions || recruitment.is_some()),
            (nn, m.new_nurses),
            (bands, m.bands),
            (retention, m.retention),
        ];
        Tables {
            disclosure_control,
            national: disclosure.national,
            tables: asked
                .into_iter()
                .filter_map(|(t, wanted)| wanted.then_some(t))
                .collect(),
        }
    }

    /// The table with a name.
    pub fn get(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Writes each table as `NAME.csv` in `dir`.
    pub fn write_csv(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for t in &self.tables {
            let mut w = csv::Writer::from_path(dir.join(format!("{}.csv", t.name)))?;
            w.write_record(&t.header)?;
            for r in &t.rows {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        Ok(())
    }
}
