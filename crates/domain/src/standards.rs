//! The apprenticeship standards the career framework's routes name, as dated
//! data (`catalogue/standards.toml`): each standard's code, title, level,
//! version, typical duration, maximum funding band and, where read, its
//! published minimum of off-the-job hours, with where the values came from
//! and when they were checked.

use crate::catalogue::valid_standard_code;
use serde::Deserialize;
use std::collections::HashSet;

/// One apprenticeship standard as published.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    /// The register's code, like ST0217.
    pub code: String,
    /// The published title.
    pub title: String,
    /// Qualification level (RQF), 2 to 7.
    pub level: u8,
    /// The version the values are for, like "1.6".
    pub version: String,
    /// Typical time to gateway, in months.
    pub typical_duration_months: u32,
    /// The most government funding will pay for training and assessment.
    pub max_funding_band_gbp: u32,
    /// The published minimum of off-the-job training hours, where read.
    #[serde(default)]
    pub off_the_job_hours: Option<u32>,
    /// Where the values were read.
    pub source: String,
    /// When they were last checked (YYYY-MM-DD).
    pub checked_on: String,
    /// Whether an official page gave these values.
    #[serde(default)]
    pub confirmed: bool,
}

impl Standard {
    /// The funding band in pence.
    pub fn band_pence(&self) -> i64 {
        i64::from(self.max_funding_band_gbp) * 100
    }
}

/// Every standard in the file, checked.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standards {
    /// The file's version.
    pub version: String,
    /// The standards, in the file's order.
    #[serde(rename = "standard", default)]
    pub standards: Vec<Standard>,
}

impl Standards {
    /// Reads and checks the standards file; a problem names the entry and field.
    pub fn parse(text: &str) -> Result<Standards, String> {
        let file: Standards = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut seen = HashSet::new();
        for (i, s) in file.standards.iter().enumerate() {
            let at = format!("standard {} ({})", i + 1, s.code);
            if !valid_standard_code(&s.code) {
                return Err(format!(
                    "{at}: code must be ST and four digits, like ST0217"
                ));
            }
            if !seen.insert(s.code.as_str()) {
                return Err(format!("{at}: the code appears more than once"));
            }
            if s.title.trim().is_empty() {
                return Err(format!("{at}: title is empty"));
            }
            if !(2..=7).contains(&s.level) {
                return Err(format!("{at}: level must be 2-7"));
            }
            if !(8..=72).contains(&s.typical_duration_months) {
                return Err(format!("{at}: typical_duration_months must be 8-72"));
            }
            if s.max_funding_band_gbp == 0 {
                return Err(format!("{at}: max_funding_band_gbp must be above 0"));
            }
            if s.source.trim().is_empty() || s.checked_on.parse::<crate::Date>().is_err() {
                return Err(format!(
                    "{at}: a standard needs its source and checked_on (YYYY-MM-DD)"
                ));
            }
        }
        Ok(file)
    }

    /// The standard with this code.
    pub fn get(&self, code: &str) -> Option<&Standard> {
        self.standards.iter().find(|s| s.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../catalogue/standards.toml");

    #[test]
    fn the_shipped_standards_parse_with_the_corrected_codes() {
        let s = Standards::parse(SHIPPED).unwrap();
        assert_eq!(s.standards.len(), 22);
        // The codes the check found wrong are not there; their right ones are.
        for wrong in ["ST0221", "ST0286", "ST0584", "ST0632", "ST0777", "ST0812"] {
            assert!(s.get(wrong).is_none(), "{wrong}");
        }
        let hsa = s.get("ST0218").unwrap();
        assert_eq!(
            (hsa.level, hsa.typical_duration_months, hsa.band_pence()),
            (2, 14, 800_000)
        );
        assert_eq!(s.get("ST0948").unwrap().typical_duration_months, 48);
        assert_eq!(s.get("ST0567").unwrap().max_funding_band_gbp, 27000);
    }

    #[test]
    fn a_bad_entry_is_named_with_its_field() {
        let one = |body: &str| format!("version = \"t\"\n[[standard]]\n{body}");
        let ok = "code = \"ST0216\"\ntitle = \"HCSW\"\nlevel = 2\nversion = \"1.3\"\n\
                  typical_duration_months = 8\nmax_funding_band_gbp = 5000\n\
                  source = \"x\"\nchecked_on = \"2026-12-01\"\n";
        assert!(Standards::parse(&one(ok)).is_ok());
        let e = Standards::parse(&one(&ok.replace("ST0216", "0216"))).unwrap_err();
        assert!(e.starts_with("standard 1 (0216): code"), "{e}");
        let e = Standards::parse(&one(&ok.replace("level = 2", "level = 9"))).unwrap_err();
        assert!(e.contains("level must be 2-7"), "{e}");
        let twice = format!("{}[[standard]]\n{ok}", one(ok));
        assert!(
            Standards::parse(&twice)
                .unwrap_err()
                .contains("more than once")
        );
    }
}
