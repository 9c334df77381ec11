//! The career framework: roles, the transitions between them, what each
//! transition asks for (requirements) and the route that supports it.

use crate::band::Band;
use serde::{Deserialize, Serialize};

/// NHS Workforce Statistics staff groups, spelt as NHS Digital publishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StaffGroup {
    /// HCHS doctors.
    #[serde(rename = "HCHS doctors")]
    HchsDoctors,
    /// Nurses & health visitors.
    #[serde(rename = "Nurses & health visitors")]
    NursesHealthVisitors,
    /// Midwives.
    #[serde(rename = "Midwives")]
    Midwives,
    /// Ambulance staff.
    #[serde(rename = "Ambulance staff")]
    AmbulanceStaff,
    /// Scientific, therapeutic & technical staff.
    #[serde(rename = "Scientific, therapeutic & technical staff")]
    ScientificTherapeuticTechnical,
    /// Support to doctors, nurses & midwives.
    #[serde(rename = "Support to doctors, nurses & midwives")]
    SupportToDoctorsNursesMidwives,
    /// Support to ambulance staff.
    #[serde(rename = "Support to ambulance staff")]
    SupportToAmbulanceStaff,
    /// Support to ST&T staff.
    #[serde(rename = "Support to ST&T staff")]
    SupportToStt,
    /// Central functions.
    #[serde(rename = "Central functions")]
    CentralFunctions,
    /// Hotel, property & estates.
    #[serde(rename = "Hotel, property & estates")]
    HotelPropertyEstates,
    /// Senior managers.
    #[serde(rename = "Senior managers")]
    SeniorManagers,
    /// Managers.
    #[serde(rename = "Managers")]
    Managers,
    /// Other staff or those with unknown classification.
    #[serde(rename = "Other staff or those with unknown classification")]
    Other,
}

impl StaffGroup {
    /// Every staff group, in NHS Digital's order.
    pub const ALL: [StaffGroup; 13] = [
        StaffGroup::HchsDoctors,
        StaffGroup::NursesHealthVisitors,
        StaffGroup::Midwives,
        StaffGroup::AmbulanceStaff,
        StaffGroup::ScientificTherapeuticTechnical,
        StaffGroup::SupportToDoctorsNursesMidwives,
        StaffGroup::SupportToAmbulanceStaff,
        StaffGroup::SupportToStt,
        StaffGroup::CentralFunctions,
        StaffGroup::HotelPropertyEstates,
        StaffGroup::SeniorManagers,
        StaffGroup::Managers,
        StaffGroup::Other,
    ];

    /// The published name, e.g. "Nurses & health visitors".
    pub fn name(self) -> &'static str {
        match self {
            StaffGroup::HchsDoctors => "HCHS doctors",
            StaffGroup::NursesHealthVisitors => "Nurses & health visitors",
            StaffGroup::Midwives => "Midwives",
            StaffGroup::AmbulanceStaff => "Ambulance staff",
            StaffGroup::ScientificTherapeuticTechnical => {
                "Scientific, therapeutic & technical staff"
            }
            StaffGroup::SupportToDoctorsNursesMidwives => "Support to doctors, nurses & midwives",
            StaffGroup::SupportToAmbulanceStaff => "Support to ambulance staff",
            StaffGroup::SupportToStt => "Support to ST&T staff",
            StaffGroup::CentralFunctions => "Central functions",
            StaffGroup::HotelPropertyEstates => "Hotel, property & estates",
            StaffGroup::SeniorManagers => "Senior managers",
            StaffGroup::Managers => "Managers",
            StaffGroup::Other => "Other staff or those with unknown classification",
        }
    }

    /// Reads a published staff-group name (exact, case-insensitive).
    pub fn from_name(s: &str) -> Option<StaffGroup> {
        Self::ALL
            .into_iter()
            .find(|g| g.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// The broad family of careers a role sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathwayFamily {
    /// Nursing, midwifery, allied health, ambulance and medical careers.
    Health,
    /// Healthcare science, including pharmacy science.
    HealthcareScience,
    /// Laboratory and research science.
    Science,
    /// Community exercise and health.
    CommunityExerciseHealth,
    /// Administration and clerical routes.
    Administration,
    /// Estates and facilities.
    EstatesFacilities,
    /// Digital and data.
    Digital,
    /// Management and leadership.
    Management,
}

impl PathwayFamily {
    /// Every family, in display order.
    pub const ALL: [PathwayFamily; 8] = [
        PathwayFamily::Health,
        PathwayFamily::HealthcareScience,
        PathwayFamily::Science,
        PathwayFamily::CommunityExerciseHealth,
        PathwayFamily::Administration,
        PathwayFamily::EstatesFacilities,
        PathwayFamily::Digital,
        PathwayFamily::Management,
    ];

    /// The stored code, e.g. `healthcare_science`.
    pub fn code(self) -> &'static str {
        match self {
            PathwayFamily::Health => "health",
            PathwayFamily::HealthcareScience => "healthcare_science",
            PathwayFamily::Science => "science",
            PathwayFamily::CommunityExerciseHealth => "community_exercise_health",
            PathwayFamily::Administration => "administration",
            PathwayFamily::EstatesFacilities => "estates_facilities",
            PathwayFamily::Digital => "digital",
            PathwayFamily::Management => "management",
        }
    }

    /// A label for people, e.g. "Healthcare science".
    pub fn label(self) -> &'static str {
        match self {
            PathwayFamily::Health => "Health",
            PathwayFamily::HealthcareScience => "Healthcare science",
            PathwayFamily::Science => "Science",
            PathwayFamily::CommunityExerciseHealth => "Community exercise and health",
            PathwayFamily::Administration => "Administration",
            PathwayFamily::EstatesFacilities => "Estates and facilities",
            PathwayFamily::Digital => "Digital",
            PathwayFamily::Management => "Management and leadership",
        }
    }

    /// Reads a stored code.
    pub fn from_code(s: &str) -> Option<PathwayFamily> {
        Self::ALL.into_iter().find(|f| f.code() == s.trim())
    }
}

/// A job role in the framework, core (national) or added locally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// Short stable key, e.g. `hcsw-band3`.
    pub code: String,
    /// Title as people say it.
    pub title: String,
    /// Agenda for Change band.
    pub band: Band,
    /// NHS Workforce Statistics staff group.
    pub staff_group: StaffGroup,
    /// Skills for Health career framework level, 1-9.
    pub career_level: u8,
    /// Broad career family.
    pub family: PathwayFamily,
    /// Whether the role is clinical.
    pub clinical: bool,
}

/// What kind of thing a requirement asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    /// A qualification or certificate, e.g. "Care Certificate".
    Qualification,
    /// Workplace evidence signed off locally, e.g. "Observed clinical observations".
    Evidence,
    /// Months of experience in the current role.
    Experience,
}

impl RequirementKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            RequirementKind::Qualification => "qualification",
            RequirementKind::Evidence => "evidence",
            RequirementKind::Experience => "experience",
        }
    }

    /// Reads a stored code.
    pub fn from_code(s: &str) -> Option<RequirementKind> {
        match s.trim() {
            "qualification" => Some(RequirementKind::Qualification),
            "evidence" => Some(RequirementKind::Evidence),
            "experience" => Some(RequirementKind::Experience),
            _ => None,
        }
    }
}

/// One entry requirement of a transition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// What is asked for.
    pub kind: RequirementKind,
    /// Its name, matched against what a person holds (case-insensitive).
    pub name: String,
    /// For experience: months in the current role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<u32>,
    /// What evidence meets it, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_hint: Option<String>,
}

/// The kind of route that supports a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteKind {
    /// An apprenticeship standard.
    Apprenticeship,
    /// Any other training: in-house programme, short course, degree.
    Training,
    /// An internal move with local sign-off only.
    Internal,
}

impl RouteKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            RouteKind::Apprenticeship => "apprenticeship",
            RouteKind::Training => "training",
            RouteKind::Internal => "internal",
        }
    }

    /// Reads a stored code.
    pub fn from_code(s: &str) -> Option<RouteKind> {
        match s.trim() {
            "apprenticeship" => Some(RouteKind::Apprenticeship),
            "training" => Some(RouteKind::Training),
            "internal" => Some(RouteKind::Internal),
            _ => None,
        }
    }
}

/// The route that supports a transition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// Apprenticeship, other training or internal move.
    pub kind: RouteKind,
    /// Name of the programme, e.g. "Senior healthcare support worker apprenticeship".
    pub name: String,
    /// Apprenticeship standard code, e.g. `ST0217`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_code: Option<String>,
    /// Qualification level (RQF), e.g. 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// Typical duration in months (for an apprenticeship, the standard's
    /// unless the route gives its own).
    #[serde(default)]
    pub duration_months: u32,
    /// Apprenticeship funding band cap in pounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding_band_gbp: Option<u32>,
    /// Whether the code, level and duration were checked against the
    /// published register; people see "to be confirmed" when not.
    #[serde(default)]
    pub confirmed: bool,
}

/// A move from one role to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    /// The role moved from.
    pub from: String,
    /// The role moved to.
    pub to: String,
    /// What must be held before the move.
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    /// The route that supports it.
    pub route: Route,
    /// Roles whose holders help (resolved to named people at the learner's site).
    #[serde(default)]
    pub helpers: Vec<String>,
}
