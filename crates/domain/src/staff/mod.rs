//! Staff records as the staff record system (ESR) exports them: one row per
//! assignment, read into a [`StaffRecord`], then compared with the staff
//! already stored to decide what an import does ([`plan`]): who is new, what
//! changed (a changed role or band is a dated role change), who has left.
//! Problems across rows (a duplicate assignment number, an unknown role or
//! manager, a manager cycle) stop the whole file.
//!
//! Protected characteristics (sex, ethnicity, age band, disability) ride in
//! the same row but are kept apart: [`Characteristics`] is stored away from
//! the person record and read only by aggregate views.

mod characteristics;

pub use characteristics::{AgeBand, Characteristics, Disability, Ethnicity, Sex};

use crate::band::Band;
use crate::framework::StaffGroup;
use crate::input::{FieldErrors, Fields, RowProblem};
use crate::{Date, counted};
use std::collections::{HashMap, HashSet};

/// The extract's columns, in the order a template file gives them.
pub const COLUMNS: [&str; 14] = [
    "assignment_number",
    "name",
    "email",
    "role_code",
    "site",
    "afc_band",
    "staff_group",
    "start_date",
    "leave_date",
    "line_manager_assignment",
    "sex",
    "ethnicity",
    "age_band",
    "disability",
];

/// One row of a staff extract.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffRecord {
    /// The assignment number, unique in the organisation.
    pub assignment_number: String,
    /// Full name.
    pub name: String,
    /// Work email, when given: the account they sign in with.
    pub email: Option<String>,
    /// Role code in the career framework.
    pub role_code: String,
    /// Site code.
    pub site: String,
    /// Agenda for Change band, when given.
    pub band: Option<Band>,
    /// Staff group, when given (else the role's).
    pub staff_group: Option<StaffGroup>,
    /// First day in the organisation.
    pub start_date: Date,
    /// Last day, once they have left or have a leaving date.
    pub leave_date: Option<Date>,
    /// Their line manager's assignment number.
    pub line_manager: Option<String>,
    /// Protected characteristics.
    pub characteristics: Characteristics,
}

fn date_field(f: &(impl Fields + ?Sized), name: &str, errors: &mut FieldErrors) -> Option<Date> {
    let text = f.field(name);
    let date = text.parse::<Date>().ok();
    if date.is_none() {
        errors.add(name, format!("'{text}' is not a date like 2024-04-01"));
    }
    date
}

fn assignment_ok(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 20
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

impl StaffRecord {
    /// Reads a row of an extract; field names are the columns. Dates are
    /// `YYYY-MM-DD`; `leave_date`, `email`, `afc_band`, `staff_group`, the
    /// manager and the characteristics may be blank.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<StaffRecord, FieldErrors> {
        let mut errors = FieldErrors::default();
        let assignment_number = f.field("assignment_number").to_string();
        if !assignment_ok(&assignment_number) {
            errors.add(
                "assignment_number",
                format!("'{assignment_number}' is not an assignment number: up to 20 letters, digits or hyphens, like 20001234-2"),
            );
        }
        let name = f.field("name").to_string();
        if name.is_empty() {
            errors.add("name", "give the person's name");
        } else if name.chars().count() > 200 {
            errors.add("name", "a name is at most 200 characters");
        }
        let email = Some(f.field("email").to_lowercase()).filter(|e| !e.is_empty());
        if let Some(e) = &email
            && !e
                .split_once('@')
                .is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !e.contains(' '))
        {
            errors.add("email", format!("'{e}' is not an email address"));
        }
        let role_code = f.field("role_code").to_string();
        if role_code.is_empty() {
            errors.add("role_code", "give the role's code in the career framework");
        }
        let site = f.field("site").to_string();
        if site.is_empty() {
            errors.add("site", "give the site's code");
        }
        let band_text = f.field("afc_band");
        let band = if band_text.is_empty() {
            None
        } else {
            let read = band_text
                .trim_start_matches("Band ")
                .trim_start_matches("band ")
                .parse::<Band>();
            match read {
                Ok(b) => Some(b),
                Err(e) => {
                    errors.add("afc_band", e.to_string());
                    None
                }
            }
        };
        let group_text = f.field("staff_group");
        let staff_group = StaffGroup::from_name(group_text);
        if !group_text.is_empty() && staff_group.is_none() {
            errors.add(
                "staff_group",
                format!("'{group_text}' is not a staff group: use the NHS Workforce Statistics name, like 'Support to doctors, nurses & midwives'"),
            );
        }
        let start_date = date_field(f, "start_date", &mut errors);
        let leave_date = if f.field("leave_date").is_empty() {
            None
        } else {
            date_field(f, "leave_date", &mut errors)
        };
        if let (Some(s), Some(l)) = (start_date, leave_date)
            && l < s
        {
            errors.add(
                "leave_date",
                format!("{l} is before the start date {s}: a leave date is on or after it"),
            );
        }
        let manager = f.field("line_manager_assignment").to_string();
        if !manager.is_empty() && !assignment_ok(&manager) {
            errors.add(
                "line_manager_assignment",
                format!("'{manager}' is not an assignment number"),
            );
        }
        let sex = Sex::read(f.field("sex"));
        if sex.is_none() {
            errors.add(
                "sex",
                format!("'{}' is not Female, Male or blank", f.field("sex")),
            );
        }
        let ethnicity = Ethnicity::read(f.field("ethnicity"));
        if ethnicity.is_none() {
            errors.add(
                "ethnicity",
                format!("'{}' is not White, Mixed, Asian, Black, Other, Unknown or an NHS ethnic category like 'H Indian'", f.field("ethnicity")),
            );
        }
        let age_band = AgeBand::read(f.field("age_band"));
        if age_band.is_none() {
            let bands: Vec<&str> = AgeBand::ALL[..6].iter().map(|b| b.label()).collect();
            errors.add(
                "age_band",
                format!(
                    "'{}' is not an age band: use {} or blank",
                    f.field("age_band"),
                    bands.join(", ")
                ),
            );
        }
        let disability = Disability::read(f.field("disability"));
        if disability.is_none() {
            errors.add(
                "disability",
                format!("'{}' is not Yes, No or blank", f.field("disability")),
            );
        }
        errors.or_ok(|| {
            Some(StaffRecord {
                assignment_number,
                name,
                email,
                role_code,
                site,
                band,
                staff_group,
                start_date: start_date?,
                leave_date,
                line_manager: Some(manager).filter(|m| !m.is_empty()),
                characteristics: Characteristics {
                    sex: sex?,
                    ethnicity: ethnicity?,
                    age_band: age_band?,
                    disability: disability?,
                },
            })
        })
    }
}

/// A member of staff as stored, as far as an import compares.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffNow {
    /// Their staff record id.
    pub id: i64,
    /// Their assignment number.
    pub assignment_number: String,
    /// Full name.
    pub name: String,
    /// Role code.
    pub role_code: String,
    /// Band, when recorded.
    pub band: Option<Band>,
    /// Site code.
    pub site: String,
    /// Their manager's assignment number.
    pub line_manager: Option<String>,
    /// First day in the organisation.
    pub start_date: Date,
    /// Leave date, when set.
    pub leave_date: Option<Date>,
}

/// What an import changes for someone already stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Their name.
    Name,
    /// Their role (a role change dated the day of the import).
    Role {
        /// The role before.
        from: String,
    },
    /// Their band.
    Band {
        /// The band before.
        from: Option<Band>,
    },
    /// Their site.
    Site,
    /// Their line manager.
    Manager,
    /// Their start date (a rehire starts again).
    StartDate,
    /// A leave date is set or moved: their access ends on it.
    Leaves,
    /// A leave date is cleared: they are back in post.
    Returns,
}

impl Change {
    /// The change in words.
    pub fn words(&self) -> String {
        match self {
            Change::Name => "name".into(),
            Change::Role { from } => format!("role (was {from})"),
            Change::Band { from: Some(b) } => format!("band (was {b})"),
            Change::Band { from: None } => "band".into(),
            Change::Site => "site".into(),
            Change::Manager => "line manager".into(),
            Change::StartDate => "start date".into(),
            Change::Leaves => "leave date".into(),
            Change::Returns => "back in post".into(),
        }
    }
}

/// A row of the file with what importing it does.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRecord {
    /// The row in the file (the header is row 1).
    pub row: usize,
    /// The record.
    pub record: StaffRecord,
    /// Their staff record id, when already stored.
    pub existing: Option<i64>,
    /// What changes for someone already stored (empty when nothing does).
    pub changes: Vec<Change>,
    /// The date a new entry in their role history starts, when there is one:
    /// the start date for someone new, the import's date for a changed role
    /// or band.
    pub role_history_from: Option<Date>,
}

impl PlannedRecord {
    /// Whether they leave in this import (a new leave date, or someone new
    /// who has already left).
    pub fn leaves(&self) -> bool {
        if self.existing.is_none() {
            self.record.leave_date.is_some()
        } else {
            self.changes.contains(&Change::Leaves)
        }
    }
}

/// What importing a file does, decided before anything is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffPlan {
    /// Every row, in file order.
    pub records: Vec<PlannedRecord>,
    /// Site codes not yet known: each becomes a new site.
    pub new_sites: Vec<String>,
}

impl StaffPlan {
    /// People not yet stored.
    pub fn new_people(&self) -> usize {
        self.records.iter().filter(|r| r.existing.is_none()).count()
    }

    /// People stored whose record changes.
    pub fn changed(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.existing.is_some() && !r.changes.is_empty())
            .count()
    }

    /// People stored whose record stays as it is.
    pub fn unchanged(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.existing.is_some() && r.changes.is_empty())
            .count()
    }

    /// People who leave in this import.
    pub fn leavers(&self) -> usize {
        self.records.iter().filter(|r| r.leaves()).count()
    }

    /// Role changes recorded for people already stored.
    pub fn role_changes(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.existing.is_some() && r.role_history_from.is_some())
            .count()
    }

    /// The summary an admin confirms, one line each.
    pub fn summary(&self) -> Vec<String> {
        let people = |n: usize| counted(n, "person", "people");
        let mut lines = vec![match self.new_people() {
            0 => "No one new".to_string(),
            n => format!("{} new", people(n)),
        }];
        lines.push(match (self.changed(), self.role_changes()) {
            (0, _) => "No one changed".to_string(),
            (n, 0) => format!("{} changed, none in role or band", people(n)),
            (n, k) => format!("{} changed, {k} of them in role or band", people(n)),
        });
        lines.push(match self.leavers() {
            0 => "No one leaving".to_string(),
            n => format!("{} leaving", people(n)),
        });
        if self.unchanged() > 0 {
            lines.push(format!("{} as stored already", people(self.unchanged())));
        }
        if !self.new_sites.is_empty() {
            lines.push(format!(
                "{} added: {}",
                counted(self.new_sites.len(), "new site", "new sites"),
                self.new_sites.join(", ")
            ));
        }
        lines
    }
}

/// Decides what importing `rows` (with their row numbers) does, given the
/// staff stored now, whether a role code is in the framework, the site codes
/// known and the import's date. People not in the file stay as they are.
/// Every problem across rows is returned, each at its row and column.
pub fn plan(
    rows: Vec<(usize, StaffRecord)>,
    stored: &[StaffNow],
    known_role: impl Fn(&str) -> bool,
    known_sites: &[String],
    today: Date,
) -> Result<StaffPlan, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let problem = |row: usize, column: &str, message: String| RowProblem {
        row,
        column: column.into(),
        message,
    };
    let by_number: HashMap<&str, &StaffNow> = stored
        .iter()
        .map(|s| (s.assignment_number.as_str(), s))
        .collect();
    let in_file: HashSet<&str> = rows
        .iter()
        .map(|(_, r)| r.assignment_number.as_str())
        .collect();
    let mut first_row: HashMap<&str, usize> = HashMap::new();
    for (row, r) in &rows {
        if let Some(earlier) = first_row.insert(&r.assignment_number, *row) {
            problems.push(problem(
                *row,
                "assignment_number",
                format!(
                    "{} is also on row {earlier}: each assignment is one row",
                    r.assignment_number
                ),
            ));
            first_row.insert(&r.assignment_number, earlier);
        }
        if !known_role(&r.role_code) {
            problems.push(problem(
                *row,
                "role_code",
                format!("'{}' is not a role in the career framework", r.role_code),
            ));
        }
        if let Some(m) = &r.line_manager
            && !in_file.contains(m.as_str())
            && !by_number.contains_key(m.as_str())
        {
            problems.push(problem(
                *row,
                "line_manager_assignment",
                format!("no one has the assignment number {m}, in the file or already stored"),
            ));
        }
    }
    // Managers after the import: the file's rows over what is stored.
    let mut manager_of: HashMap<&str, &str> = stored
        .iter()
        .filter_map(|s| Some((s.assignment_number.as_str(), s.line_manager.as_deref()?)))
        .collect();
    for (_, r) in &rows {
        match &r.line_manager {
            Some(m) => manager_of.insert(&r.assignment_number, m),
            None => manager_of.remove(r.assignment_number.as_str()),
        };
    }
    let mut reported: HashSet<&str> = HashSet::new();
    for (row, r) in &rows {
        let start = r.assignment_number.as_str();
        if reported.contains(start) {
            continue;
        }
        let mut chain = vec![start];
        let mut at = start;
        while let Some(&next) = manager_of.get(at) {
            if let Some(i) = chain.iter().position(|c| *c == next) {
                if i == 0 {
                    let message = if chain.len() == 1 {
                        format!("{start} is given as their own line manager")
                    } else {
                        let mut names: Vec<&str> = chain.clone();
                        names.push(start);
                        format!("a line manager cycle: {}", names.join(" is managed by "))
                    };
                    problems.push(problem(*row, "line_manager_assignment", message));
                    reported.extend(chain.iter().copied());
                }
                break;
            }
            chain.push(next);
            at = next;
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Err(problems);
    }
    let mut new_sites: Vec<String> = Vec::new();
    let records = rows
        .into_iter()
        .map(|(row, record)| {
            if !known_sites.contains(&record.site) && !new_sites.contains(&record.site) {
                new_sites.push(record.site.clone());
            }
            match by_number.get(record.assignment_number.as_str()) {
                None => PlannedRecord {
                    row,
                    role_history_from: Some(record.start_date),
                    record,
                    existing: None,
                    changes: Vec::new(),
                },
                Some(now) => {
                    let changes = changes(now, &record);
                    let role_history_from = changes
                        .iter()
                        .any(|c| matches!(c, Change::Role { .. } | Change::Band { .. }))
                        .then_some(today);
                    PlannedRecord {
                        row,
                        record,
                        existing: Some(now.id),
                        changes,
                        role_history_from,
                    }
                }
            }
        })
        .collect();
    Ok(StaffPlan { records, new_sites })
}

fn changes(now: &StaffNow, r: &StaffRecord) -> Vec<Change> {
    let mut changes = Vec::new();
    if now.name != r.name {
        changes.push(Change::Name);
    }
    if now.role_code != r.role_code {
        changes.push(Change::Role {
            from: now.role_code.clone(),
        });
    }
    if r.band.is_some() && now.band != r.band {
        changes.push(Change::Band { from: now.band });
    }
    if now.site != r.site {
        changes.push(Change::Site);
    }
    if now.line_manager != r.line_manager {
        changes.push(Change::Manager);
    }
    if now.start_date != r.start_date {
        changes.push(Change::StartDate);
    }
    match (now.leave_date, r.leave_date) {
        (a, Some(b)) if a != Some(b) => changes.push(Change::Leaves),
        (Some(_), None) => changes.push(Change::Returns),
        _ => {}
    }
    changes
}

#[cfg(test)]
mod tests;
