//! The recruitment extract for WRES indicator 2: one row per applicant per
//! post (`post_id, ethnicity, shortlisted, appointed`), reduced to counts of
//! White and BME applicants shortlisted and appointed.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;

pub use pathwise_domain::outcomes::recruitment::Recruitment;
use pathwise_domain::outcomes::recruitment::{Applicant, RECRUITMENT_COLUMNS};

/// Reads an extract into counts by the domain's rules for each row; the
/// first problem is named by line and column.
pub fn read(path: &Path) -> Result<Recruitment, String> {
    let mut r = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(str::to_string)
        .collect();
    for c in RECRUITMENT_COLUMNS {
        if !header.iter().any(|h| h == c) {
            return Err(format!(
                "{}: the header has no '{c}' column",
                path.display()
            ));
        }
    }
    let mut out = Recruitment::default();
    for (n, rec) in r.records().enumerate() {
        let line = n + 2;
        let rec = rec.map_err(|e| format!("{}: line {line}: {e}", path.display()))?;
        let cells: Vec<(&str, &str)> = header.iter().map(String::as_str).zip(rec.iter()).collect();
        match Applicant::parse(cells.as_slice()) {
            Ok(a) => out.add(a),
            Err(e) => {
                let f = &e.list()[0];
                return Err(format!(
                    "{}: line {line}, column {}: {}",
                    path.display(),
                    f.field,
                    f.message
                ));
            }
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
