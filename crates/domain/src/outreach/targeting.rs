//! The shipped targeting figures: published regional Year 11 interest in
//! health and social care careers and NHS vacancy rates, each with its source.

use crate::Date;

/// One published regional figure with its source.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionalFigure {
    /// The region, as the source names it.
    pub region: String,
    /// The figure, a percentage.
    pub percent: f64,
    /// Where it was published.
    pub source: String,
    /// When it was checked, YYYY-MM-DD.
    pub checked_on: String,
}

/// The shipped targeting figures: Year 11 interest in health and social
/// care careers, and NHS vacancy rates, by region.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targeting {
    /// The file's version.
    pub version: String,
    /// Year 11 interest by region.
    #[serde(default)]
    pub interest: Vec<RegionalFigure>,
    /// Vacancy rate by region.
    #[serde(default)]
    pub vacancy_rate: Vec<RegionalFigure>,
}

/// A region's targeting figures, side by side (none where not published).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetingRow {
    /// The region.
    pub region: String,
    /// Year 11 interest, with its source.
    pub interest: Option<RegionalFigure>,
    /// Vacancy rate, with its source.
    pub vacancy_rate: Option<RegionalFigure>,
}

impl Targeting {
    /// Reads and checks `outreach-targeting.toml`: percentages from 0 to
    /// 100, a source and a date for each, one figure per region and measure.
    pub fn parse(text: &str) -> Result<Targeting, String> {
        let t: Targeting = toml::from_str(text).map_err(|e| e.to_string())?;
        for (list, name) in [(&t.interest, "interest"), (&t.vacancy_rate, "vacancy_rate")] {
            let mut seen = std::collections::HashSet::new();
            for (i, f) in list.iter().enumerate() {
                let at = format!("{name} entry {} ({})", i + 1, f.region);
                if !(0.0..=100.0).contains(&f.percent) {
                    return Err(format!("{at}: percent must be from 0 to 100"));
                }
                if f.source.trim().is_empty() {
                    return Err(format!(
                        "{at}: source must say where the figure was published"
                    ));
                }
                if f.checked_on.parse::<Date>().is_err() {
                    return Err(format!("{at}: checked_on must be a date like 2026-12-04"));
                }
                if !seen.insert(f.region.as_str()) {
                    return Err(format!("{at}: the region is given twice"));
                }
            }
        }
        Ok(t)
    }

    /// The regions named, each with what is published for it, by region name.
    pub fn rows(&self) -> Vec<TargetingRow> {
        let mut regions: Vec<&str> = self
            .interest
            .iter()
            .chain(&self.vacancy_rate)
            .map(|f| f.region.as_str())
            .collect();
        regions.sort_unstable();
        regions.dedup();
        regions
            .into_iter()
            .map(|r| TargetingRow {
                region: r.to_string(),
                interest: self.interest.iter().find(|f| f.region == r).cloned(),
                vacancy_rate: self.vacancy_rate.iter().find(|f| f.region == r).cloned(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_figures_are_only_those_published() {
        let t = Targeting::parse(include_str!(
            "../../../../catalogue/outreach-targeting.toml"
        ))
        .unwrap();
        let rows = t.rows();
        let se = rows.iter().find(|r| r.region == "South East").unwrap();
        assert_eq!(se.interest.as_ref().unwrap().percent, 19.0);
        assert!(
            se.vacancy_rate.is_none(),
            "not published for the South East"
        );
        let london = rows.iter().find(|r| r.region == "London").unwrap();
        assert_eq!(london.vacancy_rate.as_ref().unwrap().percent, 11.5);
        let bad = "version = \"x\"\n[[interest]]\nregion = \"A\"\npercent = 120.0\nsource = \"s\"\nchecked_on = \"2026-12-04\"\n";
        assert!(
            Targeting::parse(bad)
                .unwrap_err()
                .contains("interest entry 1 (A): percent")
        );
    }
}
