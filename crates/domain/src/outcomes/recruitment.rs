//! WRES indicator 2 (docs/METRICS.md, M4): the relative likelihood of White
//! applicants being appointed from shortlisting compared with Black and
//! minority ethnic applicants, from a recruitment extract of one row per
//! applicant per post (`post_id,ethnicity,shortlisted,appointed`). The
//! extract is reduced to counts as it is read; no applicant is kept.

use super::progression::shown;
use crate::input::{FieldErrors, Fields};
use crate::metrics::{
    EthnicityGroup, RelativeLikelihood, SUPPRESS_AT_MOST, control, relative_likelihood,
};

/// The columns of a recruitment extract.
pub const RECRUITMENT_COLUMNS: [&str; 4] = ["post_id", "ethnicity", "shortlisted", "appointed"];

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

/// One applicant as the extract gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applicant {
    /// White, BME or not known.
    pub group: EthnicityGroup,
    /// Shortlisted for the post.
    pub shortlisted: bool,
    /// Appointed to it.
    pub appointed: bool,
}

impl Applicant {
    /// Reads a row, naming each bad column: `shortlisted` and `appointed`
    /// yes or no, and nobody appointed without being shortlisted.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<Applicant, FieldErrors> {
        let mut e = FieldErrors::default();
        if f.field("post_id").is_empty() {
            e.add("post_id", "Give the post the applicant applied for");
        }
        let flag = |name: &str, e: &mut FieldErrors| {
            let v = yes_no(f.field(name));
            if v.is_none() {
                e.add(name, format!("'{}' is not yes or no", f.field(name)));
            }
            v
        };
        let shortlisted = flag("shortlisted", &mut e);
        let appointed = flag("appointed", &mut e);
        if appointed == Some(true) && shortlisted == Some(false) {
            e.add("appointed", "Appointed without being shortlisted");
        }
        e.or_ok(|| {
            Some(Applicant {
                group: EthnicityGroup::of(f.field("ethnicity")),
                shortlisted: shortlisted?,
                appointed: appointed?,
            })
        })
    }
}

impl Recruitment {
    /// Counts one applicant: only the shortlisted, and only those whose
    /// ethnicity is known.
    pub fn add(&mut self, a: Applicant) {
        if !a.shortlisted {
            return;
        }
        match a.group {
            EthnicityGroup::White => {
                self.white_shortlisted += 1;
                self.white_appointed += u64::from(a.appointed);
            }
            EthnicityGroup::Bme => {
                self.bme_shortlisted += 1;
                self.bme_appointed += u64::from(a.appointed);
            }
            EthnicityGroup::Unknown => {}
        }
    }
}

/// WRES indicator 2 as published.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndicatorTwo {
    /// White shortlisted, White appointed, BME shortlisted, BME appointed
    /// (none when withheld).
    pub counts: [Option<u64>; 4],
    /// White appointed / shortlisted, from the counts shown.
    pub white_rate: Option<f64>,
    /// BME appointed / shortlisted.
    pub bme_rate: Option<f64>,
    /// White against BME; above 1, White applicants are more likely to be
    /// appointed from shortlisting.
    pub likelihood: Option<RelativeLikelihood>,
}

/// The indicator from the counts. An appointed count of 1-7 is withheld
/// for every viewer (it could name who was appointed), with the likelihood;
/// under `controlled` every count is rounded to 5 as well (M7).
pub fn indicator_two(r: &Recruitment, controlled: bool) -> IndicatorTwo {
    let raw = [
        r.white_shortlisted,
        r.white_appointed,
        r.bme_shortlisted,
        r.bme_appointed,
    ];
    let small = |n: u64| (1..=SUPPRESS_AT_MOST).contains(&n);
    let hide_white = small(r.white_appointed) || small(r.white_shortlisted);
    let hide_bme = small(r.bme_appointed) || small(r.bme_shortlisted);
    let counts: Vec<Option<u64>> = raw
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let hidden = if i < 2 { hide_white } else { hide_bme };
            if hidden {
                None
            } else if controlled {
                control(*n).value()
            } else {
                shown(*n, false)
            }
        })
        .collect();
    let rate = |a: Option<u64>, n: Option<u64>| match (a, n) {
        (Some(a), Some(n)) if n > 0 => Some(a as f64 / n as f64),
        _ => None,
    };
    let likelihood = match (counts[1], counts[0], counts[3], counts[2]) {
        (Some(a), Some(na), Some(b), Some(nb)) => relative_likelihood(a, na, b, nb),
        _ => None,
    };
    IndicatorTwo {
        counts: [counts[0], counts[1], counts[2], counts[3]],
        white_rate: rate(counts[1], counts[0]),
        bme_rate: rate(counts[3], counts[2]),
        likelihood,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::form;

    #[test]
    fn rows_are_read_with_every_problem_named() {
        let a = Applicant::parse(&form(&[
            ("post_id", "P1"),
            ("ethnicity", "Asian"),
            ("shortlisted", "yes"),
            ("appointed", "no"),
        ]))
        .unwrap();
        assert_eq!(
            a,
            Applicant {
                group: EthnicityGroup::Bme,
                shortlisted: true,
                appointed: false
            }
        );
        let e = Applicant::parse(&form(&[
            ("post_id", ""),
            ("ethnicity", "White"),
            ("shortlisted", "maybe"),
            ("appointed", "yes"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = e.list().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["post_id", "shortlisted"]);
        let e = Applicant::parse(&form(&[
            ("post_id", "P2"),
            ("shortlisted", "no"),
            ("appointed", "yes"),
        ]))
        .unwrap_err();
        assert_eq!(e.list()[0].message, "Appointed without being shortlisted");
    }

    #[test]
    fn only_the_shortlisted_with_a_known_ethnicity_count() {
        let mut r = Recruitment::default();
        for (group, shortlisted, appointed) in [
            (EthnicityGroup::White, true, true),
            (EthnicityGroup::White, true, false),
            (EthnicityGroup::White, false, false),
            (EthnicityGroup::Bme, true, false),
            (EthnicityGroup::Unknown, true, true),
        ] {
            r.add(Applicant {
                group,
                shortlisted,
                appointed,
            });
        }
        assert_eq!(
            r,
            Recruitment {
                white_shortlisted: 2,
                white_appointed: 1,
                bme_shortlisted: 1,
                bme_appointed: 0
            }
        );
    }

    #[test]
    fn the_indicator_by_hand_and_small_counts_withheld() {
        // White: 40 appointed of 100 shortlisted; BME: 25 of 100.
        let r = Recruitment {
            white_shortlisted: 100,
            white_appointed: 40,
            bme_shortlisted: 100,
            bme_appointed: 25,
        };
        let i = indicator_two(&r, false);
        assert!((i.likelihood.unwrap().rl - 1.6).abs() < 1e-12);
        assert_eq!(i.white_rate, Some(0.4));
        let few = Recruitment {
            bme_appointed: 3,
            ..r
        };
        let i = indicator_two(&few, false);
        assert_eq!(i.counts, [Some(100), Some(40), None, None]);
        assert_eq!(i.likelihood, None);
        let c = indicator_two(
            &Recruitment {
                white_shortlisted: 98,
                ..r
            },
            true,
        );
        assert_eq!(c.counts[0], Some(100), "98 rounds to 100");
        assert!((c.likelihood.unwrap().rl - 1.6).abs() < 1e-12);
    }
}
