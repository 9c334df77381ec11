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

use crate::band::Band;
use crate::framework::StaffGroup;
use crate::input::{FieldErrors, Fields, RowProblem};
use crate::metrics::EthnicityGroup;
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

/// Sex as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Not recorded.
    Unknown,
}

impl Sex {
    /// Every value, in the order tables show them.
    pub const ALL: [Sex; 3] = [Sex::Female, Sex::Male, Sex::Unknown];

    /// The word stored and shown.
    pub fn label(self) -> &'static str {
        match self {
            Sex::Female => "Female",
            Sex::Male => "Male",
            Sex::Unknown => "Unknown",
        }
    }

    fn read(text: &str) -> Option<Sex> {
        match text.to_ascii_lowercase().as_str() {
            "female" | "f" => Some(Sex::Female),
            "male" | "m" => Some(Sex::Male),
            "" | "unknown" | "not stated" | "not known" | "u" => Some(Sex::Unknown),
            _ => None,
        }
    }
}

/// Ethnicity in the groups the workforce statistics use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ethnicity {
    /// White (NHS ethnic category codes A-C).
    White,
    /// Mixed (D-G).
    Mixed,
    /// Asian or Asian British (H-L).
    Asian,
    /// Black or Black British (M-P).
    Black,
    /// Other ethnic groups (R, S).
    Other,
    /// Not stated (Z) or not recorded.
    Unknown,
}

impl Ethnicity {
    /// Every value, in the order tables show them.
    pub const ALL: [Ethnicity; 6] = [
        Ethnicity::White,
        Ethnicity::Mixed,
        Ethnicity::Asian,
        Ethnicity::Black,
        Ethnicity::Other,
        Ethnicity::Unknown,
    ];

    /// The word stored and shown (the panel's values).
    pub fn label(self) -> &'static str {
        match self {
            Ethnicity::White => "White",
            Ethnicity::Mixed => "Mixed",
            Ethnicity::Asian => "Asian",
            Ethnicity::Black => "Black",
            Ethnicity::Other => "Other",
            Ethnicity::Unknown => "Unknown",
        }
    }

    /// White, BME or not known, for WRES-style measures.
    pub fn group(self) -> EthnicityGroup {
        EthnicityGroup::of(self.label())
    }

    /// A group's name ("Asian"), or an NHS ethnic category as ESR writes it:
    /// its code letter alone or followed by its name ("H Indian",
    /// "A White - British").
    fn read(text: &str) -> Option<Ethnicity> {
        if let Some(e) = Ethnicity::ALL
            .into_iter()
            .find(|e| e.label().eq_ignore_ascii_case(text))
        {
            return Some(e);
        }
        if text.is_empty() || text.eq_ignore_ascii_case("not stated") {
            return Some(Ethnicity::Unknown);
        }
        let mut chars = text.chars();
        let code = chars.next()?.to_ascii_uppercase();
        if !matches!(chars.next(), None | Some(' ')) {
            return None;
        }
        Some(match code {
            'A' | 'B' | 'C' => Ethnicity::White,
            'D' | 'E' | 'F' | 'G' => Ethnicity::Mixed,
            'H' | 'J' | 'K' | 'L' => Ethnicity::Asian,
            'M' | 'N' | 'P' => Ethnicity::Black,
            'R' | 'S' => Ethnicity::Other,
            'Z' => Ethnicity::Unknown,
            _ => return None,
        })
    }
}

/// Age band, as the workforce panel groups ages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeBand {
    /// 16 to 24.
    To24,
    /// 25 to 34.
    To34,
    /// 35 to 44.
    To44,
    /// 45 to 54.
    To54,
    /// 55 to 64.
    To64,
    /// 65 and over.
    From65,
    /// Not recorded.
    Unknown,
}

impl AgeBand {
    /// Every value, youngest first.
    pub const ALL: [AgeBand; 7] = [
        AgeBand::To24,
        AgeBand::To34,
        AgeBand::To44,
        AgeBand::To54,
        AgeBand::To64,
        AgeBand::From65,
        AgeBand::Unknown,
    ];

    /// The band as written ("25-34").
    pub fn label(self) -> &'static str {
        match self {
            AgeBand::To24 => "16-24",
            AgeBand::To34 => "25-34",
            AgeBand::To44 => "35-44",
            AgeBand::To54 => "45-54",
            AgeBand::To64 => "55-64",
            AgeBand::From65 => "65+",
            AgeBand::Unknown => "Unknown",
        }
    }

    fn read(text: &str) -> Option<AgeBand> {
        if text.is_empty() {
            return Some(AgeBand::Unknown);
        }
        AgeBand::ALL
            .into_iter()
            .find(|b| b.label().eq_ignore_ascii_case(text))
    }
}

/// Whether a disability is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Disability {
    /// Declared a disability.
    Yes,
    /// Declared none.
    No,
    /// Not declared.
    Unknown,
}

impl Disability {
    /// Every value, in the order tables show them.
    pub const ALL: [Disability; 3] = [Disability::Yes, Disability::No, Disability::Unknown];

    /// The word stored and shown.
    pub fn label(self) -> &'static str {
        match self {
            Disability::Yes => "Yes",
            Disability::No => "No",
            Disability::Unknown => "Unknown",
        }
    }

    fn read(text: &str) -> Option<Disability> {
        match text.to_ascii_lowercase().as_str() {
            "yes" | "y" => Some(Disability::Yes),
            "no" | "n" => Some(Disability::No),
            "" | "unknown" | "not declared" | "prefer not to say" | "not stated" => {
                Some(Disability::Unknown)
            }
            _ => None,
        }
    }
}

/// A person's protected characteristics: special category data, stored
/// apart from their record and read only by aggregate views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Characteristics {
    /// Sex.
    pub sex: Sex,
    /// Ethnicity.
    pub ethnicity: Ethnicity,
    /// Age band.
    pub age_band: AgeBand,
    /// Disability.
    pub disability: Disability,
}

impl Characteristics {
    /// Reads stored labels (as [`Sex::label`] and the others write them);
    /// anything unreadable is `Unknown`.
    pub fn from_labels(sex: &str, ethnicity: &str, age_band: &str, disability: &str) -> Self {
        Characteristics {
            sex: Sex::read(sex).unwrap_or(Sex::Unknown),
            ethnicity: Ethnicity::read(ethnicity).unwrap_or(Ethnicity::Unknown),
            age_band: AgeBand::read(age_band).unwrap_or(AgeBand::Unknown),
            disability: Disability::read(disability).unwrap_or(Disability::Unknown),
        }
    }
}

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
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut base: Vec<(String, String)> = [
            ("assignment_number", "1001"),
            ("name", "Asha Patel"),
            ("email", ""),
            ("role_code", "hcsw-band2"),
            ("site", "RXX01"),
            ("afc_band", "2"),
            ("staff_group", ""),
            ("start_date", "2024-04-01"),
            ("leave_date", ""),
            ("line_manager_assignment", ""),
            ("sex", "Female"),
            ("ethnicity", "H Indian"),
            ("age_band", "25-34"),
            ("disability", "No"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in pairs {
            base.iter_mut().find(|(bk, _)| bk == k).unwrap().1 = v.to_string();
        }
        base
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<StaffRecord, FieldErrors> {
        let r = row(pairs);
        let fields: Vec<(&str, &str)> = r.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        StaffRecord::parse(fields.as_slice())
    }

    fn record(number: &str, manager: Option<&str>) -> StaffRecord {
        let mut r = parse(&[("assignment_number", number)]).unwrap();
        r.line_manager = manager.map(str::to_string);
        r
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn stored(id: i64, number: &str, role: &str) -> StaffNow {
        StaffNow {
            id,
            assignment_number: number.into(),
            name: "Asha Patel".into(),
            role_code: role.into(),
            band: Some(Band::Numbered(2)),
            site: "RXX01".into(),
            line_manager: None,
            start_date: date("2024-04-01"),
            leave_date: None,
        }
    }

    fn fields_of(e: FieldErrors) -> Vec<String> {
        e.into_list().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_row_reads_with_an_esr_ethnic_category_and_blank_optional_columns() {
        let r = parse(&[]).unwrap();
        assert_eq!(r.characteristics.ethnicity, Ethnicity::Asian);
        assert_eq!(r.characteristics.ethnicity.group(), EthnicityGroup::Bme);
        assert_eq!(r.band, Some(Band::Numbered(2)));
        assert_eq!(r.email, None);
        assert_eq!(r.leave_date, None);
        let blank = parse(&[
            ("sex", ""),
            ("ethnicity", ""),
            ("age_band", ""),
            ("disability", ""),
        ])
        .unwrap();
        assert_eq!(blank.characteristics.sex, Sex::Unknown);
        assert_eq!(blank.characteristics.ethnicity, Ethnicity::Unknown);
        assert_eq!(blank.characteristics.age_band, AgeBand::Unknown);
        let white = parse(&[("ethnicity", "A White - British")]).unwrap();
        assert_eq!(white.characteristics.ethnicity, Ethnicity::White);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let e = parse(&[
            ("assignment_number", "12 34"),
            ("name", ""),
            ("email", "not-an-email"),
            ("afc_band", "11"),
            ("staff_group", "Porters"),
            ("start_date", "2024-02-30"),
            ("sex", "X"),
            ("ethnicity", "Q9"),
            ("age_band", "30-40"),
            ("disability", "maybe"),
        ])
        .unwrap_err();
        assert_eq!(
            fields_of(e),
            [
                "assignment_number",
                "name",
                "email",
                "afc_band",
                "staff_group",
                "start_date",
                "sex",
                "ethnicity",
                "age_band",
                "disability"
            ]
        );
        let e = parse(&[("leave_date", "2024-03-31")]).unwrap_err();
        assert!(
            e.list()[0]
                .message
                .contains("before the start date 2024-04-01"),
            "{e:?}"
        );
    }

    #[test]
    fn duplicates_unknown_roles_and_unknown_managers_are_named_by_row() {
        let mut bad_role = record("1003", Some("9999"));
        bad_role.role_code = "astronaut".into();
        let rows = vec![
            (2, record("1001", None)),
            (3, record("1001", None)),
            (4, bad_role),
        ];
        let problems = plan(
            rows,
            &[],
            |c| c.starts_with("hcsw"),
            &[],
            date("2026-12-01"),
        )
        .unwrap_err();
        let at: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.row, p.column.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (3, "assignment_number"),
                (4, "role_code"),
                (4, "line_manager_assignment")
            ]
        );
        assert!(problems[0].message.contains("also on row 2"));
        assert!(problems[2].message.contains("9999"));
    }

    #[test]
    fn a_manager_cycle_through_the_file_and_the_stored_staff_is_refused_once() {
        let mut boss = stored(7, "2000", "hcsw-band3");
        boss.line_manager = Some("1001".into());
        // 1001 is managed by 1002, who is managed by 2000 (stored), who is managed by 1001.
        let rows = vec![
            (2, record("1001", Some("1002"))),
            (3, record("1002", Some("2000"))),
        ];
        let problems = plan(rows, &[boss], |_| true, &[], date("2026-12-01")).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].row, 2);
        assert_eq!(
            problems[0].message,
            "a line manager cycle: 1001 is managed by 1002 is managed by 2000 is managed by 1001"
        );
        let own = plan(
            vec![(2, record("1001", Some("1001")))],
            &[],
            |_| true,
            &[],
            date("2026-12-01"),
        )
        .unwrap_err();
        assert_eq!(own[0].message, "1001 is given as their own line manager");
    }

    #[test]
    fn a_manager_later_in_the_file_is_known() {
        let rows = vec![(2, record("1001", Some("1002"))), (3, record("1002", None))];
        assert!(plan(rows, &[], |_| true, &["RXX01".into()], date("2026-12-01")).is_ok());
    }

    #[test]
    fn the_plan_counts_new_changed_leaving_and_dates_role_changes_on_the_import_day() {
        let today = date("2026-12-01");
        let mut promoted = record("1001", None);
        promoted.role_code = "hcsw-band3".into();
        promoted.band = Some(Band::Numbered(3));
        let mut leaving = record("1002", None);
        leaving.leave_date = Some(date("2026-11-30"));
        let same = record("1003", None);
        let mut new = record("1004", None);
        new.site = "RXX09".into();
        let stored = [
            stored(1, "1001", "hcsw-band2"),
            stored(2, "1002", "hcsw-band2"),
            stored(3, "1003", "hcsw-band2"),
        ];
        let p = plan(
            vec![(2, promoted), (3, leaving), (4, same), (5, new)],
            &stored,
            |_| true,
            &["RXX01".into()],
            today,
        )
        .unwrap();
        assert_eq!(
            (
                p.new_people(),
                p.changed(),
                p.leavers(),
                p.unchanged(),
                p.role_changes()
            ),
            (1, 2, 1, 1, 1)
        );
        assert_eq!(p.records[0].role_history_from, Some(today));
        assert_eq!(
            p.records[0].changes,
            [
                Change::Role {
                    from: "hcsw-band2".into()
                },
                Change::Band {
                    from: Some(Band::Numbered(2))
                }
            ]
        );
        assert_eq!(
            p.records[1].role_history_from, None,
            "leaving is not a role change"
        );
        assert_eq!(
            p.records[3].role_history_from,
            Some(date("2024-04-01")),
            "someone new starts their history on their start date"
        );
        assert_eq!(p.new_sites, ["RXX09"]);
        assert_eq!(p.summary()[0], "1 person new");
    }

    #[test]
    fn a_file_that_changes_nothing_says_so_in_words() {
        let p = plan(
            vec![(2, record("1001", None))],
            &[stored(1, "1001", "hcsw-band2")],
            |_| true,
            &["RXX01".into()],
            date("2026-12-01"),
        )
        .unwrap();
        assert_eq!(
            p.summary(),
            [
                "No one new",
                "No one changed",
                "No one leaving",
                "1 person as stored already"
            ]
        );
    }

    #[test]
    fn a_rehire_clears_the_leave_date_and_starts_again() {
        let mut before = stored(1, "1001", "hcsw-band2");
        before.leave_date = Some(date("2025-01-31"));
        let mut back = record("1001", None);
        back.start_date = date("2026-06-01");
        let p = plan(
            vec![(2, back)],
            &[before],
            |_| true,
            &["RXX01".into()],
            date("2026-12-01"),
        )
        .unwrap();
        assert_eq!(p.records[0].changes, [Change::StartDate, Change::Returns]);
        assert_eq!(p.leavers(), 0);
    }
}
