//! The data Pathwise ships in `catalogue/`: the career framework, the
//! pathway templates, the dated Care Certificate versions, the apprenticeship
//! standards, the dated funding rules and the outreach targeting figures. Read once at
//! start-up from the texts of those files, each checked by its own rules; a
//! bad file is named with what is wrong in it (TOML errors give the line and
//! column, rule errors the entry and field).

use crate::catalogue::Catalogue;
use crate::levy::FundingRules;
use crate::outreach::Targeting;
use crate::pathway::{CareCertificate, PathwayFile};
use crate::standards::Standards;

/// The file names inside the catalogue folder.
pub const FRAMEWORK_FILE: &str = "nhs-core.toml";
/// The shipped pathway templates.
pub const PATHWAYS_FILE: &str = "pathways.toml";
/// The dated Care Certificate versions.
pub const CARE_CERTIFICATE_FILE: &str = "care-certificate.toml";
/// The apprenticeship standards the routes name.
pub const STANDARDS_FILE: &str = "standards.toml";
/// The dated apprenticeship funding rules.
pub const FUNDING_RULES_FILE: &str = "funding-rules.toml";
/// The published regional figures outreach is targeted by.
pub const OUTREACH_TARGETING_FILE: &str = "outreach-targeting.toml";

/// Everything in the catalogue folder, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ShippedCatalogue {
    /// The core career framework.
    pub framework: Catalogue,
    /// The shipped pathway templates.
    pub pathways: PathwayFile,
    /// The Care Certificate versions.
    pub care_certificate: CareCertificate,
    /// The apprenticeship standards.
    pub standards: Standards,
    /// The apprenticeship funding rules.
    pub funding_rules: FundingRules,
    /// The outreach targeting figures.
    pub outreach_targeting: Targeting,
}

/// The texts of the catalogue files, as read.
#[derive(Debug, Clone, Copy)]
pub struct ShippedTexts<'a> {
    /// `nhs-core.toml`.
    pub framework: &'a str,
    /// `pathways.toml`.
    pub pathways: &'a str,
    /// `care-certificate.toml`.
    pub care_certificate: &'a str,
    /// `standards.toml`.
    pub standards: &'a str,
    /// `funding-rules.toml`.
    pub funding_rules: &'a str,
    /// `outreach-targeting.toml`.
    pub outreach_targeting: &'a str,
}

/// A catalogue file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct ShippedError {
    /// Which file.
    pub file: &'static str,
    /// What is wrong, with the line or entry and field.
    pub problem: String,
}

impl ShippedCatalogue {
    /// Parses and checks every file; the first bad one is named.
    pub fn parse(texts: ShippedTexts<'_>) -> Result<ShippedCatalogue, ShippedError> {
        let bad = |file| move |problem: String| ShippedError { file, problem };
        let standards = Standards::parse(texts.standards).map_err(bad(STANDARDS_FILE))?;
        let funding_rules =
            FundingRules::parse(texts.funding_rules).map_err(bad(FUNDING_RULES_FILE))?;
        let framework = Catalogue::parse(texts.framework, &standards)
            .map_err(|e| e.to_string())
            .map_err(bad(FRAMEWORK_FILE))?;
        let pathways = PathwayFile::parse(texts.pathways).map_err(bad(PATHWAYS_FILE))?;
        let care_certificate =
            CareCertificate::parse(texts.care_certificate).map_err(bad(CARE_CERTIFICATE_FILE))?;
        let outreach_targeting =
            Targeting::parse(texts.outreach_targeting).map_err(bad(OUTREACH_TARGETING_FILE))?;
        Ok(ShippedCatalogue {
            framework,
            pathways,
            care_certificate,
            standards,
            funding_rules,
            outreach_targeting,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAMEWORK: &str = include_str!("../../../catalogue/nhs-core.toml");
    const PATHWAYS: &str = include_str!("../../../catalogue/pathways.toml");
    const CARE: &str = include_str!("../../../catalogue/care-certificate.toml");
    const STANDARDS: &str = include_str!("../../../catalogue/standards.toml");
    const RULES: &str = include_str!("../../../catalogue/funding-rules.toml");
    const TARGETING: &str = include_str!("../../../catalogue/outreach-targeting.toml");

    fn texts() -> ShippedTexts<'static> {
        ShippedTexts {
            framework: FRAMEWORK,
            pathways: PATHWAYS,
            care_certificate: CARE,
            standards: STANDARDS,
            funding_rules: RULES,
            outreach_targeting: TARGETING,
        }
    }

    #[test]
    fn the_shipped_files_parse_and_pass_their_checks() {
        let shipped = ShippedCatalogue::parse(texts()).unwrap();
        assert!(!shipped.framework.roles.is_empty());
        assert!(!shipped.pathways.pathways.is_empty());
        assert!(!shipped.care_certificate.versions.is_empty());
        assert!(shipped.standards.get("ST0217").is_some());
        assert_eq!(shipped.funding_rules.levy.basis_points, 50);
    }

    #[test]
    fn a_route_naming_a_standard_not_in_the_register_names_the_framework_file() {
        let fewer = STANDARDS.replace("code = \"ST0217\"", "code = \"ST9217\"");
        let e = ShippedCatalogue::parse(ShippedTexts {
            standards: &fewer,
            ..texts()
        })
        .unwrap_err();
        assert_eq!(e.file, FRAMEWORK_FILE);
        assert!(
            e.problem
                .contains("standard ST0217 is not in the standards register"),
            "{e}"
        );
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let broken = format!("{PATHWAYS}\n[[pathway]\ncode = 1\n");
        let e = ShippedCatalogue::parse(ShippedTexts {
            pathways: &broken,
            ..texts()
        })
        .unwrap_err();
        assert_eq!(e.file, PATHWAYS_FILE);
        let line = broken.lines().count() - 1;
        assert!(e.to_string().contains(&format!("line {line}")), "{e}");
    }

    #[test]
    fn a_rule_broken_names_the_file_entry_and_field() {
        let bad = CARE.replacen("in_force_from = \"", "in_force_from = \"not a date ", 1);
        let e = ShippedCatalogue::parse(ShippedTexts {
            care_certificate: &bad,
            ..texts()
        })
        .unwrap_err();
        assert_eq!(e.file, CARE_CERTIFICATE_FILE);
        assert!(e.problem.contains("version 1"), "{e}");
        assert!(e.problem.contains("in_force_from"), "{e}");
    }
}
