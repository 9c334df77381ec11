//! A trusts file's rows (`org_code,region,trust_type,support_workers,
//! registered_vacancies,transition_rate[,max_places][,completion]`), each
//! parsed with every field's problem at once, and the observed rates an
//! analysis of a panel can fill them from.

use super::{SCALE, Trust};
use crate::input::{FieldErrors, Fields};
use std::collections::HashMap;

/// The columns a trusts file must name (`support_workers` and
/// `transition_rate` may be left out when an analysis fills them;
/// `max_places` and `completion` may follow).
pub const TRUST_COLUMNS: [&str; 4] = ["org_code", "region", "trust_type", "registered_vacancies"];

/// A non-negative decimal with at most 4 places, in ten-thousandths:
/// "12.5" is 125000.
pub fn ten_thousandths(text: &str) -> Option<i64> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.len() > 4
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || whole.len() > 12
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = format!("{frac:0<4}").parse().ok()?;
    Some(whole * SCALE + frac)
}

/// Support workers and the transition rate seen for each trust, as a panel
/// analysis gives them (`pathwise analyze` transitions by `org_code`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObservedRates(HashMap<String, (u32, f64)>);

impl ObservedRates {
    /// Notes what was seen for `org_code`.
    pub fn insert(&mut self, org_code: &str, support_workers: u32, rate: f64) {
        self.0.insert(org_code.to_string(), (support_workers, rate));
    }

    /// What was seen for `org_code`.
    pub fn get(&self, org_code: &str) -> Option<(u32, f64)> {
        self.0.get(org_code).copied()
    }

    /// How many trusts were seen.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no trust was seen.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One row of a trusts file.
pub struct TrustRow;

impl TrustRow {
    /// Reads a row; blank `support_workers` and `transition_rate` are taken
    /// from `observed` when it has the trust.
    pub fn parse(
        f: &(impl Fields + ?Sized),
        observed: Option<&ObservedRates>,
    ) -> Result<Trust, FieldErrors> {
        let mut e = FieldErrors::default();
        let text = |name: &str, e: &mut FieldErrors, what: &str| {
            let v = f.field(name);
            if v.is_empty() {
                e.add(name, format!("Enter {what}"));
            }
            v.to_string()
        };
        let org_code = text("org_code", &mut e, "the organisation code");
        let region = text("region", &mut e, "the region");
        let trust_type = text("trust_type", &mut e, "the trust type");
        let seen = observed.and_then(|o| o.get(&org_code));
        let support_workers = match (f.field("support_workers"), seen) {
            ("", Some((w, _))) => Some(w),
            ("", None) => {
                e.add(
                    "support_workers",
                    match observed {
                        Some(_) => "Enter the number of support workers: the analysis has no transitions for this trust",
                        None => "Enter the number of support workers, a whole number",
                    },
                );
                None
            }
            (v, _) => v
                .parse::<u32>()
                .map_err(|_| {
                    e.add(
                        "support_workers",
                        format!("'{v}' is not a number of support workers: enter a whole number like 850"),
                    )
                })
                .ok(),
        };
        let vacancies = match f.field("registered_vacancies") {
            "" => {
                e.add(
                    "registered_vacancies",
                    "Enter the registered vacancies (whole-time equivalents, 0 or more)",
                );
                None
            }
            v => ten_thousandths(v)
                .ok_or_else(|| {
                    e.add(
                        "registered_vacancies",
                        format!(
                            "'{v}' is not a number of vacancies: enter 0 or more, like 42 or 12.5"
                        ),
                    )
                })
                .ok(),
        };
        let transition_rate = match (f.field("transition_rate"), seen) {
            ("", Some((_, r))) => Some(r),
            ("", None) => {
                e.add(
                    "transition_rate",
                    match observed {
                        Some(_) => "Enter the transition rate: the analysis has no transitions for this trust",
                        None => "Enter the transition rate, a share from 0 to 1 like 0.034",
                    },
                );
                None
            }
            (v, _) => {
                match v.parse::<f64>() {
                    Ok(r) if (0.0..=1.0).contains(&r) => Some(r),
                    _ => {
                        e.add(
                        "transition_rate",
                        format!("'{v}' is not a transition rate: enter a share from 0 to 1 like 0.034"),
                    );
                        None
                    }
                }
            }
        };
        let max_places = match f.field("max_places") {
            "" => None,
            v => match v.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    e.add(
                        "max_places",
                        format!("'{v}' is not a number of places: enter a whole number or leave it blank"),
                    );
                    None
                }
            },
        };
        let completion = match f.field("completion") {
            "" => None,
            v => match ten_thousandths(v) {
                Some(q) if q > 0 && q <= SCALE => Some(q),
                _ => {
                    e.add(
                        "completion",
                        format!("'{v}' is not a completion rate: enter a share more than 0 and at most 1, like 0.85"),
                    );
                    None
                }
            },
        };
        e.or_ok(|| {
            Some(Trust {
                org_code,
                region,
                trust_type,
                support_workers: support_workers?,
                vacancies: vacancies?,
                transition_rate: transition_rate?,
                max_places,
                completion,
            })
        })
    }
}

/// The most places the page simulates, so that a simulation opens in a
/// second or two (the frontier is worked out again each time; the command
/// line has no limit).
pub const MOST_PLACES_ON_A_PAGE: u32 = 10_000;

/// What a simulation is asked, as the form gives it: a name, the number of
/// places and the default completion rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulationRequest {
    /// The name to save it under.
    pub name: String,
    /// Places to allocate.
    pub places: u32,
    /// The default completion rate, in ten-thousandths.
    pub completion: i64,
}

impl SimulationRequest {
    /// Reads `name`, `places` and `completion` (blank: 0.85).
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<SimulationRequest, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = f.field("name");
        if name.is_empty() {
            e.add(
                "name",
                "Enter a name for the simulation, like Spring 2027 bid",
            );
        } else if name.chars().count() > 120 {
            e.add("name", "Enter a name of 120 characters or fewer");
        }
        let text = f.field("places").replace(',', "");
        let places = match text.parse::<u32>() {
            Ok(n) if (1..=MOST_PLACES_ON_A_PAGE).contains(&n) => Some(n),
            _ if text.is_empty() => {
                e.add("places", "Enter how many places to fund, like 5000");
                None
            }
            _ => {
                e.add(
                    "places",
                    format!(
                        "Enter a whole number of places from 1 to {MOST_PLACES_ON_A_PAGE}; use pathwise simulate for more"
                    ),
                );
                None
            }
        };
        let completion = match f.field("completion") {
            "" => Some(8_500),
            v => {
                let v = v.trim_end_matches('%');
                let share = if f.field("completion").ends_with('%') {
                    ten_thousandths(v).map(|q| q / 100)
                } else {
                    ten_thousandths(v)
                };
                match share {
                    Some(q) if q > 0 && q <= SCALE => Some(q),
                    _ => {
                        e.add(
                            "completion",
                            "Enter the share of places that complete, more than 0 and at most 1, like 0.85 or 85%",
                        );
                        None
                    }
                }
            }
        };
        e.or_ok(|| {
            Some(SimulationRequest {
                name: name.to_string(),
                places: places?,
                completion: completion?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::form as row;

    #[test]
    fn decimals_are_read_exactly() {
        assert_eq!(ten_thousandths("12.5"), Some(125_000));
        assert_eq!(ten_thousandths("0.85"), Some(8_500));
        assert_eq!(ten_thousandths("3"), Some(30_000));
        assert_eq!(ten_thousandths(".5"), Some(5_000));
        assert_eq!(ten_thousandths("0.12345"), None);
        assert_eq!(ten_thousandths("-1"), None);
        assert_eq!(ten_thousandths("1e3"), None);
        assert_eq!(ten_thousandths(""), None);
        assert_eq!(ten_thousandths("."), None);
    }

    #[test]
    fn a_row_reads_and_every_problem_is_named() {
        let ok = row(&[
            ("org_code", "RXX"),
            ("region", "London"),
            ("trust_type", "acute"),
            ("support_workers", "850"),
            ("registered_vacancies", "42.5"),
            ("transition_rate", "0.034"),
            ("completion", "0.9"),
        ]);
        let t = TrustRow::parse(&ok, None).unwrap();
        assert_eq!(t.vacancies, 425_000);
        assert_eq!(t.completion, Some(9_000));
        assert_eq!(t.max_places, None);

        let bad = row(&[
            ("org_code", "RXX"),
            ("region", ""),
            ("trust_type", "acute"),
            ("support_workers", "lots"),
            ("registered_vacancies", "-3"),
            ("transition_rate", "3.4"),
            ("max_places", "ten"),
            ("completion", "0"),
        ]);
        let e = TrustRow::parse(&bad, None).unwrap_err();
        let fields: Vec<&str> = e.list().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "region",
                "support_workers",
                "registered_vacancies",
                "transition_rate",
                "max_places",
                "completion"
            ]
        );
    }

    #[test]
    fn an_analysis_fills_what_is_left_blank() {
        let mut seen = ObservedRates::default();
        seen.insert("RXX", 900, 0.05);
        let r = row(&[
            ("org_code", "RXX"),
            ("region", "London"),
            ("trust_type", "acute"),
            ("registered_vacancies", "10"),
        ]);
        let t = TrustRow::parse(&r, Some(&seen)).unwrap();
        assert_eq!((t.support_workers, t.transition_rate), (900, 0.05));
        let other = row(&[
            ("org_code", "RYY"),
            ("region", "London"),
            ("trust_type", "acute"),
            ("registered_vacancies", "10"),
        ]);
        let e = TrustRow::parse(&other, Some(&seen)).unwrap_err();
        assert!(
            e.list()[0]
                .message
                .contains("the analysis has no transitions")
        );
    }
}

#[cfg(test)]
mod request_tests {
    use super::*;
    use crate::input::form;

    #[test]
    fn a_request_reads_as_people_type_it() {
        let r = SimulationRequest::parse(&form(&[("name", "Bid"), ("places", "5,000")])).unwrap();
        assert_eq!((r.places, r.completion), (5_000, 8_500));
        let r = SimulationRequest::parse(&form(&[
            ("name", "Bid"),
            ("places", "10"),
            ("completion", "90%"),
        ]))
        .unwrap();
        assert_eq!(r.completion, 9_000);
        let e = SimulationRequest::parse(&form(&[
            ("name", ""),
            ("places", "10001"),
            ("completion", "1.5"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = e.list().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "places", "completion"]);
        assert!(e.list()[1].message.contains("from 1 to 10000"));
    }
}
