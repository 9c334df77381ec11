//! The recruitment extract for WRES indicator 2: one row per applicant per
//! post (`post_id, ethnicity, shortlisted, appointed`), reduced to counts of
//! White and BME applicants shortlisted and appointed.

use pathwise_domain::metrics::EthnicityGroup;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;

/// Shortlisted and appointed counts by ethnicity group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recruitment {
    /// White applicants shortlisted.
    pub white_shortlisted: u64,
    /// Of those, appointed.
    pub white_appointed: u64,
    /// BME applicants shortlisted.
    pub bme_shortlisted: u64,
    /// Of those, appointed.
    pub bme_appointed: u64,
}

fn yes_no(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// Reads an extract; errors name the line and column.
pub fn read(path: &Path) -> Result<Recruitment, String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let header = r
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("{}: the header has no '{name}' column", path.display()))
    };
    let (eth, short, appt) = (col("ethnicity")?, col("shortlisted")?, col("appointed")?);
    col("post_id")?;
    let mut out = Recruitment::default();
    for (n, rec) in r.records().enumerate() {
        let line = n + 2;
        let rec = rec.map_err(|e| format!("{}: line {line}: {e}", path.display()))?;
        let flag = |i: usize, name: &str| {
            yes_no(rec.get(i).unwrap_or("")).ok_or_else(|| {
                format!(
                    "{}: line {line}, column {name}: expected yes or no",
                    path.display()
                )
            })
        };
        let (s, a) = (flag(short, "shortlisted")?, flag(appt, "appointed")?);
        if a && !s {
            return Err(format!(
                "{}: line {line}: appointed without being shortlisted",
                path.display()
            ));
        }
        if !s {
            continue;
        }
        match EthnicityGroup::of(rec.get(eth).unwrap_or("")) {
            EthnicityGroup::White => {
                out.white_shortlisted += 1;
                out.white_appointed += u64::from(a);
            }
            EthnicityGroup::Bme => {
                out.bme_shortlisted += 1;
                out.bme_appointed += u64::from(a);
            }
            EthnicityGroup::Unknown => {}
        }
    }
    Ok(out)
}

/// Writes a synthetic extract: `posts` posts with about six shortlisted
/// applicants each (35% BME) and one appointment per post, where a White
/// shortlisted applicant is about 1.6 times as likely as a BME one to be
/// appointed (WRES indicator 2 nationally, 2023).
pub fn generate(path: &Path, posts: u64, seed: u64) -> Result<u64, String> {
    let mut w = csv::Writer::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let err = |e: csv::Error| format!("{}: {e}", path.display());
    w.write_record(["post_id", "ethnicity", "shortlisted", "appointed"])
        .map_err(err)?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5EC2_0017);
    let mut rows = 0;
    for post in 1..=posts {
        let applicants = rng.random_range(8..=20);
        let mut list: Vec<(&str, bool)> = (0..applicants)
            .map(|_| {
                let e = if rng.random_bool(0.02) {
                    "Unknown"
                } else if rng.random_bool(0.35) {
                    ["Asian", "Black", "Mixed", "Other"][rng.random_range(0..4)]
                } else {
                    "White"
                };
                (e, rng.random_bool(0.4))
            })
            .collect();
        // One appointment among the shortlisted, weighted 1.8 to 1 for White: with
        // applicants competing for one post, that gives the indicator about 1.6.
        let weights: Vec<f64> = list
            .iter()
            .map(|(e, s)| match (*s, *e) {
                (false, _) => 0.0,
                (true, "White") => 1.8,
                (true, _) => 1.0,
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let mut chosen = None;
        if total > 0.0 {
            let mut x = rng.random::<f64>() * total;
            for (i, wt) in weights.iter().enumerate() {
                if x < *wt {
                    chosen = Some(i);
                    break;
                }
                x -= wt;
            }
        }
        for (i, (e, s)) in list.drain(..).enumerate() {
            let a = chosen == Some(i);
            w.write_record([
                post.to_string().as_str(),
                e,
                if s { "yes" } else { "no" },
                if a { "yes" } else { "no" },
            ])
            .map_err(err)?;
            rows += 1;
        }
    }
    w.flush().map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(rows)
}
