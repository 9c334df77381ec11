//! The career framework as a versioned data file: reading it, checking it and
//! writing it back. The core catalogue ships in the repository
//! (`catalogue/nhs-core.toml`); local additions are validated by the same rules.

use crate::framework::{RequirementKind, Role, RouteKind, Transition};
use crate::standards::Standards;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A whole catalogue: its version, where its facts come from, roles and transitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// Version of the file, e.g. `2026.1`.
    pub version: String,
    /// Where the facts come from.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Roles, each with a unique code.
    #[serde(rename = "role", default)]
    pub roles: Vec<Role>,
    /// Transitions between those roles.
    #[serde(rename = "transition", default)]
    pub transitions: Vec<Transition>,
}

/// Why a catalogue (or a local addition) was refused. Each names the entry.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatalogueError {
    /// The text is not valid TOML or a field has the wrong type.
    #[error("the catalogue file could not be read: {0}")]
    Syntax(String),
    /// Two roles share a code.
    #[error("role '{0}' appears more than once")]
    DuplicateRole(String),
    /// A role field is out of range.
    #[error("role '{code}': {problem}")]
    BadRole {
        /// The role's code.
        code: String,
        /// What is wrong.
        problem: String,
    },
    /// A transition names a role that is not in the catalogue.
    #[error("transition {index} ({from} -> {to}): unknown role '{role}'")]
    UnknownRole {
        /// The transition's place in the file, from 1.
        index: usize,
        /// The role it starts from.
        from: String,
        /// The role it leads to.
        to: String,
        /// The code that names no role.
        role: String,
    },
    /// A transition field is out of range.
    #[error("transition {index} ({from} -> {to}): {problem}")]
    BadTransition {
        /// The transition's place in the file, from 1.
        index: usize,
        /// The role it starts from.
        from: String,
        /// The role it leads to.
        to: String,
        /// What is wrong.
        problem: String,
    },
}

impl Catalogue {
    /// Reads and checks a catalogue file. An apprenticeship route names its
    /// standard; its level, funding band, confirmation and (unless the route
    /// gives its own, as a route shortened by prior learning does) its
    /// duration come from the `standards` register.
    pub fn parse(text: &str, standards: &Standards) -> Result<Catalogue, CatalogueError> {
        let mut cat: Catalogue =
            toml::from_str(text).map_err(|e| CatalogueError::Syntax(e.to_string()))?;
        cat.take_standards(standards)?;
        cat.check(&[])?;
        Ok(cat)
    }

    /// Fills each apprenticeship route from the standard it names; a level
    /// or band the route gives must agree with the register.
    pub fn take_standards(&mut self, standards: &Standards) -> Result<(), CatalogueError> {
        for (i, t) in self.transitions.iter_mut().enumerate() {
            let r = &mut t.route;
            let (Some(code), RouteKind::Apprenticeship) = (r.standard_code.as_deref(), r.kind)
            else {
                continue;
            };
            let bad = |problem: String| CatalogueError::BadTransition {
                index: i + 1,
                from: t.from.clone(),
                to: t.to.clone(),
                problem,
            };
            let Some(s) = standards.get(code) else {
                return Err(bad(format!(
                    "standard {code} is not in the standards register"
                )));
            };
            if r.level.is_some_and(|l| l != s.level) {
                return Err(bad(format!(
                    "level {} differs from the register's {} for {code}; leave it out to use the register's",
                    r.level.unwrap_or_default(),
                    s.level
                )));
            }
            if r.funding_band_gbp
                .is_some_and(|b| b != s.max_funding_band_gbp)
            {
                return Err(bad(format!(
                    "funding_band_gbp differs from the register's {} for {code}; leave it out to use the register's",
                    s.max_funding_band_gbp
                )));
            }
            r.level = Some(s.level);
            r.funding_band_gbp = Some(s.max_funding_band_gbp);
            r.confirmed = s.confirmed;
            if r.duration_months == 0 {
                r.duration_months = s.typical_duration_months;
            }
        }
        Ok(())
    }

    /// Writes the catalogue back as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks every role and transition; `known_roles` are codes defined
    /// elsewhere (the core catalogue, when this one holds local additions).
    pub fn check(&self, known_roles: &[String]) -> Result<(), CatalogueError> {
        let mut codes: HashSet<&str> = known_roles.iter().map(String::as_str).collect();
        for role in &self.roles {
            check_role(role)?;
            if !codes.insert(role.code.as_str()) {
                return Err(CatalogueError::DuplicateRole(role.code.clone()));
            }
        }
        for (i, t) in self.transitions.iter().enumerate() {
            check_transition(i + 1, t, &|c| codes.contains(c))?;
        }
        Ok(())
    }
}

/// Checks one role's fields.
pub fn check_role(role: &Role) -> Result<(), CatalogueError> {
    let bad = |problem: &str| CatalogueError::BadRole {
        code: role.code.clone(),
        problem: problem.to_string(),
    };
    if !valid_role_code(&role.code) {
        return Err(bad(
            "code must be 1-60 characters of lower-case letters, digits and hyphens",
        ));
    }
    if role.title.trim().is_empty() {
        return Err(bad("title is empty"));
    }
    if !CAREER_LEVELS.contains(&role.career_level) {
        return Err(bad("career_level must be 1-9"));
    }
    Ok(())
}

/// Skills for Health career framework levels.
pub const CAREER_LEVELS: std::ops::RangeInclusive<u8> = 1..=9;

/// How long a route may typically take, in months.
pub const ROUTE_MONTHS: std::ops::RangeInclusive<u32> = 1..=72;

/// The longest time in role a requirement may ask for, in months.
pub const MAX_EXPERIENCE_MONTHS: u32 = 240;

/// A role code: 1-60 characters of lower-case letters, digits and hyphens.
pub fn valid_role_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 60
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// An apprenticeship standard code as the register writes it: `ST` and four
/// digits, like ST0217.
pub fn valid_standard_code(code: &str) -> bool {
    code.len() == 6 && code.starts_with("ST") && code[2..].chars().all(|c| c.is_ascii_digit())
}

/// Checks one transition; `index` is 1-based for messages, `known` says
/// whether a role code exists.
pub fn check_transition(
    index: usize,
    t: &Transition,
    known: &dyn Fn(&str) -> bool,
) -> Result<(), CatalogueError> {
    let bad = |problem: String| CatalogueError::BadTransition {
        index,
        from: t.from.clone(),
        to: t.to.clone(),
        problem,
    };
    for code in [&t.from, &t.to].into_iter().chain(t.helpers.iter()) {
        if !known(code) {
            return Err(CatalogueError::UnknownRole {
                index,
                from: t.from.clone(),
                to: t.to.clone(),
                role: code.clone(),
            });
        }
    }
    if t.from == t.to {
        return Err(bad("a role cannot lead to itself".into()));
    }
    if !ROUTE_MONTHS.contains(&t.route.duration_months) {
        return Err(bad("route duration_months must be 1-72".into()));
    }
    if t.route.name.trim().is_empty() {
        return Err(bad("route name is empty".into()));
    }
    if t.route.kind == RouteKind::Apprenticeship && t.route.standard_code.is_none() {
        return Err(bad("an apprenticeship route needs its standard_code".into()));
    }
    for r in &t.requirements {
        if r.name.trim().is_empty() {
            return Err(bad("a requirement has no name".into()));
        }
        if r.kind == RequirementKind::Experience && r.months.is_none() {
            return Err(bad(format!(
                "experience requirement '{}' needs months",
                r.name
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register() -> Standards {
        Standards::parse(include_str!("../../../catalogue/standards.toml")).unwrap()
    }

    #[test]
    fn an_apprenticeship_route_takes_its_level_band_and_duration_from_the_register() {
        let plain = SMALL.replace(
            ", level = 5, duration_months = 24, funding_band_gbp = 15000",
            "",
        );
        let cat = Catalogue::parse(&plain, &register()).unwrap();
        let r = &cat.transitions[0].route;
        assert_eq!(
            (r.level, r.duration_months, r.funding_band_gbp),
            (Some(5), 24, Some(15000))
        );
        let shortened = SMALL.replace("duration_months = 24", "duration_months = 18");
        assert_eq!(
            Catalogue::parse(&shortened, &register())
                .unwrap()
                .transitions[0]
                .route
                .duration_months,
            18
        );
        let unknown = SMALL.replace("ST0827", "ST0812");
        assert!(
            Catalogue::parse(&unknown, &register())
                .unwrap_err()
                .to_string()
                .contains("standard ST0812 is not in the standards register")
        );
        let wrong = SMALL.replace("level = 5", "level = 4");
        assert!(
            Catalogue::parse(&wrong, &register())
                .unwrap_err()
                .to_string()
                .contains("level 4 differs from the register's 5 for ST0827")
        );
    }

    const SMALL: &str = r#"
version = "test"
[[role]]
code = "hcsw"
title = "Healthcare support worker"
band = "3"
staff_group = "Support to doctors, nurses & midwives"
career_level = 2
family = "health"
clinical = true
[[role]]
code = "nursing-associate"
title = "Nursing associate"
band = "4"
staff_group = "Nurses & health visitors"
career_level = 4
family = "health"
clinical = true
[[transition]]
from = "hcsw"
to = "nursing-associate"
helpers = ["nursing-associate"]
requirements = [
  { kind = "qualification", name = "Care Certificate" },
  { kind = "experience", name = "Time in role", months = 12 },
]
route = { kind = "apprenticeship", name = "Nursing associate", standard_code = "ST0827", level = 5, duration_months = 24, funding_band_gbp = 15000 }
"#;

    #[test]
    fn the_shipped_core_catalogue_is_valid_and_broad() {
        let cat = Catalogue::parse(
            include_str!("../../../catalogue/nhs-core.toml"),
            &register(),
        )
        .unwrap();
        assert!(cat.roles.len() >= 60, "{} roles", cat.roles.len());
        for family in [
            crate::PathwayFamily::Health,
            crate::PathwayFamily::HealthcareScience,
            crate::PathwayFamily::Administration,
            crate::PathwayFamily::EstatesFacilities,
        ] {
            assert!(cat.roles.iter().any(|r| r.family == family), "{family:?}");
        }
        // Every support-worker role has at least one way on.
        let hcsw: Vec<_> = cat
            .transitions
            .iter()
            .filter(|t| t.from == "hcsw")
            .collect();
        assert!(hcsw.len() >= 3);
    }

    #[test]
    fn a_valid_catalogue_round_trips_through_toml() {
        let cat = Catalogue::parse(SMALL, &register()).unwrap();
        assert_eq!(cat.roles.len(), 2);
        assert_eq!(cat.transitions[0].requirements.len(), 2);
        let again = Catalogue::parse(&cat.to_toml(), &register()).unwrap();
        assert_eq!(again, cat);
    }

    #[test]
    fn a_transition_to_an_unknown_role_is_named_in_the_error() {
        let text = SMALL.replace("to = \"nursing-associate\"", "to = \"astronaut\"");
        let err = Catalogue::parse(&text, &register()).unwrap_err();
        assert!(err.to_string().contains("transition 1"), "{err}");
        assert!(err.to_string().contains("astronaut"), "{err}");
    }

    #[test]
    fn duplicate_role_codes_are_refused() {
        let text = SMALL.replace("code = \"nursing-associate\"", "code = \"hcsw\"");
        assert_eq!(
            Catalogue::parse(&text, &register()).unwrap_err(),
            CatalogueError::DuplicateRole("hcsw".into())
        );
    }

    #[test]
    fn experience_without_months_is_refused() {
        let text = SMALL.replace(", months = 12", "");
        assert!(matches!(
            Catalogue::parse(&text, &register()),
            Err(CatalogueError::BadTransition { .. })
        ));
    }

    #[test]
    fn an_unknown_staff_group_is_a_syntax_error() {
        let text = SMALL.replace("Nurses & health visitors", "Astronauts");
        assert!(matches!(
            Catalogue::parse(&text, &register()),
            Err(CatalogueError::Syntax(_))
        ));
    }
}
