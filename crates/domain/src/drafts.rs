//! What people submit, parsed into domain types with every field's problem
//! reported at once: a local role or route for the career framework, a
//! review point, a row of a bulk enrolment file. The rules are the domain's
//! own (`catalogue::check_role` and `check_transition` use the same limits),
//! so a form and an imported file are held to one standard.

use crate::catalogue::{
    CAREER_LEVELS, MAX_EXPERIENCE_MONTHS, ROUTE_MONTHS, valid_role_code, valid_standard_code,
};
use crate::framework::{
    PathwayFamily, Requirement, RequirementKind, Role, Route, RouteKind, StaffGroup, Transition,
};
use crate::input::{FieldErrors, Fields, staff_record_number};
use crate::{Band, Date};

/// A local role as typed into the role form.
#[derive(Debug)]
pub struct RoleDraft;

impl RoleDraft {
    /// Reads the role form: `code`, `title`, `band`, `career_level`,
    /// `staff_group`, `family` and `clinical` (`no` for non-clinical).
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<Role, FieldErrors> {
        let mut errors = FieldErrors::default();
        let code = f.field("code").to_lowercase();
        if !valid_role_code(&code) {
            errors.add(
                "code",
                "Enter a code of up to 60 lower-case letters, digits and hyphens, like discharge-coordinator",
            );
        }
        let title = f.field("title");
        if title.is_empty() {
            errors.add("title", "Enter the role's title");
        }
        let band = f.field("band").parse::<Band>().ok();
        if band.is_none() {
            errors.add(
                "band",
                "Enter an Agenda for Change band: 1 to 7, 8a to 8d, 9 or VSM",
            );
        }
        let career_level = f
            .field("career_level")
            .parse::<u8>()
            .ok()
            .filter(|l| CAREER_LEVELS.contains(l));
        if career_level.is_none() {
            errors.add("career_level", "Enter a career framework level from 1 to 9");
        }
        let staff_group = StaffGroup::from_name(f.field("staff_group"));
        if staff_group.is_none() {
            errors.add("staff_group", "Choose a staff group");
        }
        let family = PathwayFamily::from_code(f.field("family"));
        if family.is_none() {
            errors.add("role_family", "Choose a pathway family");
        }
        let clinical = f.field("clinical") != "no";
        errors.or_ok(|| {
            Some(Role {
                code,
                title: title.to_string(),
                band: band?,
                staff_group: staff_group?,
                career_level: career_level?,
                family: family?,
                clinical,
            })
        })
    }
}

/// A local route between two roles, as typed into the route form.
#[derive(Debug)]
pub struct TransitionDraft;

impl TransitionDraft {
    /// Reads the route form: `from`, `to`, `route_name`, `duration_months`,
    /// `requirements` (one per line: `qualification: NAME`, `evidence: NAME`
    /// or `experience: MONTHS`), `standard_code` and `helper`.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<Transition, FieldErrors> {
        let mut errors = FieldErrors::default();
        let (from, to) = (f.field("from"), f.field("to"));
        if from.is_empty() {
            errors.add("from", "Choose the role the route starts from");
        }
        if to.is_empty() {
            errors.add("to", "Choose the role the route leads to");
        } else if to == from {
            errors.add(
                "to",
                "Choose a different role from the one the route starts from",
            );
        }
        let name = f.field("route_name");
        if name.is_empty() {
            errors.add("route_name", "Enter the route's name");
        }
        let duration = f
            .field("duration_months")
            .parse::<u32>()
            .ok()
            .filter(|d| ROUTE_MONTHS.contains(d));
        if duration.is_none() {
            errors.add(
                "duration_months",
                "Enter a typical duration from 1 to 72 months",
            );
        }
        let mut requirements = Vec::new();
        for (i, line) in f
            .field("requirements")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            match requirement(line) {
                Some(r) => requirements.push(r),
                None => errors.add(
                    "requirements",
                    format!(
                        "Line {} of the requirements: start with qualification:, evidence: or experience: followed by a name or a number of months up to {MAX_EXPERIENCE_MONTHS}",
                        i + 1
                    ),
                ),
            }
        }
        let code = f.field("standard_code").to_uppercase();
        if !code.is_empty() && !valid_standard_code(&code) {
            errors.add(
                "standard_code",
                "Enter a standard code like ST0217, or leave it blank",
            );
        }
        let helper = f.field("helper");
        errors.or_ok(|| {
            Some(Transition {
                from: from.into(),
                to: to.into(),
                requirements,
                route: Route {
                    kind: if code.is_empty() {
                        RouteKind::Training
                    } else {
                        RouteKind::Apprenticeship
                    },
                    name: name.into(),
                    standard_code: (!code.is_empty()).then_some(code),
                    level: None,
                    duration_months: duration?,
                    funding_band_gbp: None,
                    confirmed: false,
                },
                helpers: if helper.is_empty() {
                    vec![]
                } else {
                    vec![helper.into()]
                },
            })
        })
    }
}

fn requirement(line: &str) -> Option<Requirement> {
    let (kind, value) = line.split_once(':')?;
    let kind = RequirementKind::from_code(&kind.trim().to_lowercase())?;
    let value = value.trim();
    match kind {
        RequirementKind::Experience => value
            .parse::<u32>()
            .ok()
            .filter(|m| *m <= MAX_EXPERIENCE_MONTHS)
            .map(|m| Requirement {
                kind,
                name: "Time in current role".into(),
                months: Some(m),
                evidence_hint: None,
            }),
        _ if value.is_empty() => None,
        _ => Some(Requirement {
            kind,
            name: value.to_string(),
            months: None,
            evidence_hint: None,
        }),
    }
}

/// A review point as the manager records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDraft {
    /// When it was held.
    pub held_on: Date,
    /// What progress was discussed.
    pub progress: String,
    /// Actions agreed.
    pub actions: String,
    /// Whether workload pressure was raised.
    pub workload_pressure: bool,
    /// The manager's 1-5 readiness-and-confidence rating, if given.
    pub rating: Option<u8>,
}

impl ReviewDraft {
    /// Reads the review form (`held_on`, `progress`, `actions`,
    /// `workload_pressure` = `yes`, `rating` 1-5 or blank) for an enrolment
    /// that began on `enrolled_on`; the review is held between then and
    /// `today`.
    pub fn parse(
        f: &(impl Fields + ?Sized),
        enrolled_on: Date,
        today: Date,
    ) -> Result<ReviewDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let held_on = match f.field("held_on").parse::<Date>() {
            Ok(d) if d >= enrolled_on && d <= today => Some(d),
            Ok(_) => {
                errors.add(
                    "held_on",
                    format!(
                        "The review date must be between the enrolment ({enrolled_on}) and today"
                    ),
                );
                None
            }
            Err(_) => {
                errors.add(
                    "held_on",
                    format!("Enter the date as year-month-day, for example {today}"),
                );
                None
            }
        };
        let progress = f.field("progress");
        if progress.is_empty() {
            errors.add("progress", "Say what progress was discussed");
        }
        let rating = match f.field("rating") {
            "" => Some(None),
            r => r
                .parse::<u8>()
                .ok()
                .filter(|x| (1..=5).contains(x))
                .map(Some),
        };
        if rating.is_none() {
            errors.add("rating", "Choose a rating from 1 to 5");
        }
        errors.or_ok(|| {
            Some(ReviewDraft {
                held_on: held_on?,
                progress: progress.to_string(),
                actions: f.field("actions").to_string(),
                workload_pressure: f.field("workload_pressure") == "yes",
                rating: rating?,
            })
        })
    }
}

/// How a file names a member of staff: the assignment number people know,
/// or Pathwise's own staff record number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StaffRef {
    /// An assignment number, e.g. `20001234`.
    Assignment(String),
    /// A staff record number.
    Record(i64),
}

impl StaffRef {
    /// Reads an assignment number: letters, digits and hyphens, at most 20.
    pub fn parse_assignment(text: &str, errors: &mut FieldErrors) -> Option<StaffRef> {
        let t = text.trim();
        if t.is_empty() || t.len() > 20 || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            errors.add(
                "assignment_number",
                format!("'{t}' is not an assignment number (digits, like 20001234)"),
            );
            return None;
        }
        Some(StaffRef::Assignment(t.to_string()))
    }
}

impl std::fmt::Display for StaffRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StaffRef::Assignment(n) => write!(f, "assignment number {n}"),
            StaffRef::Record(id) => write!(f, "staff record {id}"),
        }
    }
}

/// One row of a bulk enrolment file, before the pathway and role codes are
/// looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentRow {
    /// Who: by assignment number, or by staff record number.
    pub who: StaffRef,
    /// The pathway's code.
    pub pathway: String,
    /// The variant, if any.
    pub variant: Option<String>,
    /// The role aimed at, if any.
    pub aim: Option<String>,
    /// When they were enrolled (today when blank).
    pub enrolled_on: Date,
}

impl EnrolmentRow {
    /// Reads the row's `assignment_number` (or `person_id`), `pathway`, `variant`, `aim` and
    /// `enrolled_on` (blank for `today`, never after it). Field names are the
    /// file's column names.
    pub fn parse(f: &(impl Fields + ?Sized), today: Date) -> Result<EnrolmentRow, FieldErrors> {
        let mut errors = FieldErrors::default();
        let assignment = f.field("assignment_number");
        let who = if !assignment.is_empty() {
            StaffRef::parse_assignment(assignment, &mut errors)
        } else if !f.field("person_id").is_empty() {
            staff_record_number(f, "person_id", &mut errors).map(StaffRef::Record)
        } else {
            errors.add(
                "assignment_number",
                "give the person's assignment number (or their person_id)",
            );
            None
        };
        let pathway = f.field("pathway");
        if pathway.is_empty() {
            errors.add("pathway", "give the pathway's code");
        }
        let on = f.field("enrolled_on");
        let enrolled_on = if on.is_empty() {
            Some(today)
        } else {
            match on.parse::<Date>() {
                Ok(d) if d <= today => Some(d),
                Ok(_) => {
                    errors.add("enrolled_on", format!("{on} is in the future"));
                    None
                }
                Err(_) => {
                    errors.add(
                        "enrolled_on",
                        format!("'{on}' is not a date like 2026-01-05"),
                    );
                    None
                }
            }
        };
        let optional = |name| Some(f.field(name).to_string()).filter(|v| !v.is_empty());
        errors.or_ok(|| {
            Some(EnrolmentRow {
                who: who?,
                pathway: pathway.to_string(),
                variant: optional("variant"),
                aim: optional("aim"),
                enrolled_on: enrolled_on?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::check_role;

    fn fields(pairs: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        pairs.to_vec()
    }

    fn names(e: &FieldErrors) -> Vec<&str> {
        e.list().iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn a_role_form_reports_every_field_at_once() {
        let e = RoleDraft::parse(fields(&[("code", "Bad Code!"), ("band", "12")]).as_slice())
            .unwrap_err();
        assert_eq!(
            names(&e),
            [
                "code",
                "title",
                "band",
                "career_level",
                "staff_group",
                "role_family"
            ]
        );
    }

    #[test]
    fn a_role_the_form_accepts_passes_the_catalogue_check_too() {
        let role = RoleDraft::parse(
            fields(&[
                ("code", "discharge-coordinator"),
                ("title", "Discharge coordinator"),
                ("band", "4"),
                ("career_level", "4"),
                ("staff_group", "Support to doctors, nurses & midwives"),
                ("family", "health"),
            ])
            .as_slice(),
        )
        .unwrap();
        assert!(role.clinical);
        assert_eq!(check_role(&role), Ok(()));
        let long = "a".repeat(61);
        let form = [("code", long.as_str())];
        let e = RoleDraft::parse(form.as_slice()).unwrap_err();
        assert!(
            names(&e).contains(&"code"),
            "the catalogue's 60-character limit"
        );
    }

    #[test]
    fn a_route_form_reads_requirements_line_by_line() {
        let t = TransitionDraft::parse(
            fields(&[
                ("from", "hcsw"),
                ("to", "senior-hcsw"),
                ("route_name", "Senior HCSW apprenticeship"),
                ("duration_months", "18"),
                (
                    "requirements",
                    "experience: 12\nqualification: Care Certificate\n",
                ),
                ("standard_code", "st0217"),
            ])
            .as_slice(),
        )
        .unwrap();
        assert_eq!(t.requirements.len(), 2);
        assert_eq!(t.route.kind, RouteKind::Apprenticeship);
        assert_eq!(t.route.standard_code.as_deref(), Some("ST0217"));
        let e = TransitionDraft::parse(
            fields(&[
                ("from", "hcsw"),
                ("to", "hcsw"),
                ("duration_months", "73"),
                ("requirements", "experience: 241"),
                ("standard_code", "0217"),
            ])
            .as_slice(),
        )
        .unwrap_err();
        assert_eq!(
            names(&e),
            [
                "to",
                "route_name",
                "duration_months",
                "requirements",
                "standard_code"
            ]
        );
    }

    #[test]
    fn a_review_is_held_between_enrolment_and_today_with_an_optional_rating() {
        let (enrolled, today) = ("2026-01-05".parse().unwrap(), "2026-12-01".parse().unwrap());
        let r = ReviewDraft::parse(
            fields(&[
                ("held_on", "2026-11-30"),
                ("progress", "Good"),
                ("workload_pressure", "yes"),
            ])
            .as_slice(),
            enrolled,
            today,
        )
        .unwrap();
        assert_eq!((r.rating, r.workload_pressure), (None, true));
        let e = ReviewDraft::parse(
            fields(&[("held_on", "2025-12-31"), ("rating", "6")]).as_slice(),
            enrolled,
            today,
        )
        .unwrap_err();
        assert_eq!(names(&e), ["held_on", "progress", "rating"]);
    }

    #[test]
    fn an_enrolment_row_names_each_bad_column() {
        let today = "2026-12-01".parse().unwrap();
        let row = EnrolmentRow::parse(
            fields(&[
                ("person_id", "42"),
                ("pathway", "support-worker"),
                ("variant", "care"),
            ])
            .as_slice(),
            today,
        )
        .unwrap();
        assert_eq!(row.enrolled_on, today);
        assert_eq!(row.aim, None);
        assert_eq!(row.who, StaffRef::Record(42));
        let by_number = EnrolmentRow::parse(
            fields(&[
                ("assignment_number", " 20001234 "),
                ("person_id", ""),
                ("pathway", "support-worker"),
                ("enrolled_on", "1 December 2026"),
            ])
            .as_slice(),
            today,
        )
        .unwrap();
        assert_eq!(by_number.who, StaffRef::Assignment("20001234".into()));
        assert_eq!(by_number.enrolled_on, today, "dates as people write them");
        for (fields_given, bad) in [
            (vec![("pathway", "support-worker")], "assignment_number"),
            (
                vec![
                    ("assignment_number", "2000 1234"),
                    ("pathway", "support-worker"),
                ],
                "assignment_number",
            ),
        ] {
            let e = EnrolmentRow::parse(fields(&fields_given).as_slice(), today).unwrap_err();
            assert_eq!(names(&e), [bad]);
        }
        let e = EnrolmentRow::parse(
            fields(&[("person_id", "x"), ("enrolled_on", "2027-01-01")]).as_slice(),
            today,
        )
        .unwrap_err();
        assert_eq!(names(&e), ["person_id", "pathway", "enrolled_on"]);
    }
}
