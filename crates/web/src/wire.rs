//! Wire types: what the JSON API answers and what page templates show. Kept
//! apart from domain types and database rows; conversions are `From` impls.

use pathwise_domain::{NextOption, OptionRequirement, Role, Route};
use pathwise_storage::people::Person;
use serde::Serialize;
use utoipa::ToSchema;

/// A role in the career framework.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleDoc {
    /// Stable code, e.g. `senior-hcsw`.
    pub code: String,
    /// Title, e.g. "Senior healthcare support worker".
    pub title: String,
    /// Agenda for Change band, e.g. "4" or "8a".
    pub band: String,
    /// NHS Workforce Statistics staff group.
    pub staff_group: String,
    /// Skills for Health career framework level, 1-9.
    pub career_level: u8,
    /// Pathway family label.
    pub family: String,
    /// Whether the role is clinical.
    pub clinical: bool,
}

impl From<&Role> for RoleDoc {
    fn from(r: &Role) -> Self {
        RoleDoc {
            code: r.code.clone(),
            title: r.title.clone(),
            band: r.band.to_string(),
            staff_group: r.staff_group.name().to_string(),
            career_level: r.career_level,
            family: r.family.label().to_string(),
            clinical: r.clinical,
        }
    }
}

/// The person the options are for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDoc {
    /// Staff record id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Current role.
    pub role: RoleDoc,
    /// Site name.
    pub site: String,
    /// Line manager's name.
    pub manager: Option<String>,
    /// Whole months in the current role.
    pub months_in_role: u32,
}

impl PersonDoc {
    /// Builds it from the stored person, their role and months in role.
    pub fn new(p: &Person, role: &Role, months_in_role: u32) -> Self {
        PersonDoc {
            id: p.id,
            name: p.name.clone(),
            role: role.into(),
            site: p.site_name.clone(),
            manager: p.manager_name.clone(),
            months_in_role,
        }
    }
}

/// One requirement, held or still needed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequirementDoc {
    /// What is asked for.
    pub name: String,
    /// `qualification`, `evidence` or `experience`.
    pub kind: String,
    /// Whether the person meets it.
    pub met: bool,
    /// When met, what meets it; when not, what evidence would.
    pub evidence: String,
}

impl From<&OptionRequirement> for RequirementDoc {
    fn from(r: &OptionRequirement) -> Self {
        RequirementDoc {
            name: r.requirement.name.clone(),
            kind: r.requirement.kind.code().to_string(),
            met: r.met,
            evidence: r.evidence.clone(),
        }
    }
}

/// The route that supports a move.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RouteDoc {
    /// `apprenticeship`, `training` or `internal`.
    pub kind: String,
    /// Programme name.
    pub name: String,
    /// Apprenticeship standard code, e.g. `ST0217`.
    pub standard_code: Option<String>,
    /// Qualification level.
    pub level: Option<u8>,
    /// Typical duration in months.
    pub duration_months: u32,
    /// Apprenticeship funding band in pounds.
    pub funding_band_gbp: Option<u32>,
    /// Whether code, level and duration were checked against the register.
    pub confirmed: bool,
}

impl From<&Route> for RouteDoc {
    fn from(r: &Route) -> Self {
        RouteDoc {
            kind: r.kind.code().to_string(),
            name: r.name.clone(),
            standard_code: r.standard_code.clone(),
            level: r.level,
            duration_months: r.duration_months,
            funding_band_gbp: r.funding_band_gbp,
            confirmed: r.confirmed,
        }
    }
}

/// A named person who will help.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct HelperDoc {
    /// Their name.
    pub name: String,
    /// Their role, e.g. "Clinical practice educator".
    pub role: String,
    /// How they help.
    pub helps_with: String,
}

/// One ranked next option.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OptionDoc {
    /// 1 for the best.
    pub rank: usize,
    /// The role it leads to.
    pub role: RoleDoc,
    /// Share of requirements met, 0-1.
    pub readiness: f64,
    /// Why it is ranked here, in plain words.
    pub reason: String,
    /// Estimated months until every requirement is met.
    pub months_to_ready: u32,
    /// Bands moved, positive when going up.
    pub band_change: i32,
    /// Open vacancies for the role at the person's site.
    pub local_vacancies: u32,
    /// Whether it matches a stated interest.
    pub matches_interest: bool,
    /// Every requirement, held or needed.
    pub requirements: Vec<RequirementDoc>,
    /// The supporting route.
    pub route: RouteDoc,
    /// Named people who will help.
    pub helpers: Vec<HelperDoc>,
}

impl OptionDoc {
    /// Builds it from a ranked option and its resolved helpers.
    pub fn new(rank: usize, o: &NextOption, helpers: Vec<HelperDoc>) -> Self {
        OptionDoc {
            rank,
            role: (&o.role).into(),
            readiness: o.readiness,
            reason: o.reason.clone(),
            months_to_ready: o.months_to_ready,
            band_change: o.band_change,
            local_vacancies: o.local_vacancies,
            matches_interest: o.matches_interest,
            requirements: o.requirements.iter().map(Into::into).collect(),
            route: (&o.transition.route).into(),
            helpers,
        }
    }

    /// Readiness as a whole percentage.
    pub fn readiness_percent(&self) -> u32 {
        pathwise_domain::options::readiness_percent(self.readiness)
    }

    /// Requirements met, as "n of m".
    pub fn met_count(&self) -> usize {
        self.requirements.iter().filter(|r| r.met).count()
    }
}

/// A person's next options: the answer of both next-options endpoints.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextOptionsDoc {
    /// Who they are for.
    pub person: PersonDoc,
    /// Up to three, best first; empty when nothing suitable is in the framework.
    pub options: Vec<OptionDoc>,
}
