//! CSV files as people upload them or pass to the command line: a header row
//! naming the columns (any order, more columns ignored), then one record per
//! row, each read into a domain type by its `parse` constructor. Every
//! problem is named by row (the header is row 1) and column.

use pathwise_domain::frontier::{ObservedRates, TRUST_COLUMNS, Trust, TrustRow};
use pathwise_domain::input::{FieldErrors, Fields};
use pathwise_domain::levy::{
    self, Apprenticeship, ApprenticeshipRow, FundsRow, OpeningFunds, PayRow, PayrollMonth,
    Transfer, TransferRow,
};
use pathwise_domain::outcomes::recruitment::{Applicant, RECRUITMENT_COLUMNS, Recruitment};
use pathwise_domain::outreach::{ACTIVITY_COLUMNS, Activity, FOLLOW_UP_COLUMNS, FollowUp};
use pathwise_domain::rota::{RosterRow, Shift};
use pathwise_domain::schedule::{CohortRow, Slot, SlotRow};
use pathwise_domain::staff::{COLUMNS as STAFF_COLUMNS, StaffRecord};
use pathwise_domain::standards::Standards;

/// A CSV record's cells by the header's column names.
pub struct CsvRow<'a> {
    headers: &'a [String],
    record: &'a csv::StringRecord,
}

impl Fields for CsvRow<'_> {
    fn field(&self, name: &str) -> &str {
        self.headers
            .iter()
            .position(|h| h == name)
            .and_then(|i| self.record.get(i))
            .map_or("", str::trim)
    }
}

/// Reads `text`, whose header must name every column in `required`, and
/// hands each record with its row number and `errors` to `each`. A problem
/// reading a record is added to `errors` and the record skipped; a missing or
/// unreadable header is the only error and nothing is handed on.
pub fn read_rows(
    text: &str,
    required: &[&str],
    errors: &mut Vec<String>,
    mut each: impl FnMut(usize, &CsvRow<'_>, &mut Vec<String>),
) {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_lowercase).collect(),
        Err(e) => {
            errors.push(format!("row 1: the header could not be read ({e})"));
            return;
        }
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        errors.push(format!(
            "row 1: the header must name {} (it has no {})",
            required.join(", "),
            missing.join(", ")
        ));
        return;
    }
    let mut rows = 0;
    for (i, rec) in reader.records().enumerate() {
        let row = i + 2;
        rows += 1;
        match rec {
            Ok(record) => each(
                row,
                &CsvRow {
                    headers: &headers,
                    record: &record,
                },
                errors,
            ),
            Err(e) => errors.push(format!("row {row}: could not be read ({e})")),
        }
    }
    if rows == 0 {
        errors.push("the file has a header but no rows".into());
    }
}

/// Adds a row's field errors, each as "row N, column C: message".
pub fn add_field_errors(errors: &mut Vec<String>, row: usize, e: &FieldErrors) {
    for f in e.list() {
        errors.push(format!("row {row}, column {}: {}", f.field, f.message));
    }
}

/// The columns of a roster file.
pub const ROSTER_COLUMNS: [&str; 6] = ["person_id", "date", "start", "end", "shift_type", "site"];

/// Reads a roster file (`person_id,date,start,end,shift_type,site`) into
/// shifts by row, or every problem found in it.
pub fn roster(text: &str) -> Result<Vec<(usize, Shift)>, Vec<String>> {
    each_row(text, &ROSTER_COLUMNS, |row, fields| {
        RosterRow::parse(fields).map(|s| (row, s))
    })
}

/// Reads a staff extract (the columns of [`STAFF_COLUMNS`]) into records by
/// row, or every problem found in its rows.
pub fn staff(text: &str) -> Result<Vec<(usize, StaffRecord)>, Vec<String>> {
    each_row(text, &STAFF_COLUMNS, |row, fields| {
        StaffRecord::parse(fields).map(|s| (row, s))
    })
}

/// The columns of a slots file for the timetable optimiser.
pub const SLOT_COLUMNS: [&str; 6] = ["slot_id", "date", "start", "minutes", "site", "capacity"];

fn each_row<T>(
    text: &str,
    required: &[&str],
    mut parse: impl FnMut(usize, &CsvRow<'_>) -> Result<T, FieldErrors>,
) -> Result<Vec<T>, Vec<String>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    read_rows(
        text,
        required,
        &mut errors,
        |row, fields, errors| match parse(row, fields) {
            Ok(v) => out.push(v),
            Err(e) => add_field_errors(errors, row, &e),
        },
    );
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Reads a slots file (`slot_id,date,start,minutes,site,capacity`), or
/// every problem found in it (a slot id used twice among them).
pub fn slots(text: &str) -> Result<Vec<Slot>, Vec<String>> {
    let slots = each_row(text, &SLOT_COLUMNS, |_, f| SlotRow::parse(f))?;
    let mut seen = std::collections::HashMap::new();
    let mut errors = Vec::new();
    for (i, s) in slots.iter().enumerate() {
        if let Some(first) = seen.insert(s.id.as_str(), i) {
            errors.push(format!(
                "row {}, column slot_id: '{}' is also the id on row {}",
                i + 2,
                s.id,
                first + 2
            ));
        }
    }
    if errors.is_empty() {
        Ok(slots)
    } else {
        Err(errors)
    }
}

/// Reads a pay bill file (`month,pay_bill_pence[,english_percent]`) by row.
pub fn pay_bills(text: &str) -> Result<Vec<(usize, PayrollMonth)>, Vec<String>> {
    each_row(text, &levy::PAY_COLUMNS, |row, f| {
        PayRow::parse(f).map(|p| (row, p))
    })
}

/// Reads an apprenticeships file (the columns of
/// [`levy::APPRENTICESHIP_COLUMNS`] and the optional ones) by row.
pub fn apprenticeships(
    text: &str,
    standards: &Standards,
) -> Result<Vec<(usize, Apprenticeship)>, Vec<String>> {
    each_row(text, &levy::APPRENTICESHIP_COLUMNS, |row, f| {
        ApprenticeshipRow::parse(f, standards).map(|a| (row, a))
    })
}

/// Reads a transfers file (the columns of [`levy::TRANSFER_COLUMNS`]) by row.
pub fn transfers(text: &str, standards: &Standards) -> Result<Vec<(usize, Transfer)>, Vec<String>> {
    each_row(text, &levy::TRANSFER_COLUMNS, |row, f| {
        TransferRow::parse(f, standards).map(|t| (row, t))
    })
}

/// Reads an opening funds file (`entered,amount_pence`) by row.
pub fn opening_funds(text: &str) -> Result<Vec<(usize, OpeningFunds)>, Vec<String>> {
    each_row(text, &levy::FUNDS_COLUMNS, |row, f| {
        FundsRow::parse(f).map(|o| (row, o))
    })
}

/// Reads a trusts file (the columns of [`TRUST_COLUMNS`], with
/// `support_workers` and `transition_rate` unless `observed` fills them, and
/// the optional `max_places` and `completion`) by row.
pub fn trusts(
    text: &str,
    observed: Option<&ObservedRates>,
) -> Result<Vec<(usize, Trust)>, Vec<String>> {
    let mut required = TRUST_COLUMNS.to_vec();
    if observed.is_none() {
        required.extend(["support_workers", "transition_rate"]);
    }
    each_row(text, &required, |row, f| {
        TrustRow::parse(f, observed).map(|t| (row, t))
    })
}

/// The support workers and transition rate of each trust in the latest
/// year of a `pathwise analyze` transitions table (`breakdown` `org_code`);
/// trusts whose figures are suppressed are left out and listed.
pub fn observed_rates(text: &str) -> Result<(ObservedRates, Vec<String>), Vec<String>> {
    let mut errors = Vec::new();
    let mut rows: Vec<(i32, String, String, String)> = Vec::new();
    read_rows(
        text,
        &["year", "breakdown", "group", "at_risk", "rate"],
        &mut errors,
        |row, f, errors| {
            if f.field("breakdown") != "org_code" {
                return;
            }
            match f.field("year").parse::<i32>() {
                Ok(y) => rows.push((
                    y,
                    f.field("group").to_string(),
                    f.field("at_risk").to_string(),
                    f.field("rate").to_string(),
                )),
                Err(_) => errors.push(format!("row {row}, column year: not a year")),
            }
        },
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(latest) = rows.iter().map(|r| r.0).max() else {
        return Err(vec![
            "it has no transitions by org_code: run pathwise analyze with org_code among --by"
                .into(),
        ]);
    };
    let mut seen = ObservedRates::default();
    let mut suppressed = Vec::new();
    for (_, code, at_risk, rate) in rows.iter().filter(|r| r.0 == latest) {
        match (at_risk.parse::<u32>(), rate.parse::<f64>()) {
            (Ok(w), Ok(r)) => seen.insert(code, w, r),
            _ => suppressed.push(code.clone()),
        }
    }
    Ok((seen, suppressed))
}

/// Reads an outreach activities file (the columns of
/// [`ACTIVITY_COLUMNS`] and the optional ones) by row; a reference given
/// twice is named at its second row.
pub fn outreach_activities(text: &str) -> Result<Vec<(usize, Activity)>, Vec<String>> {
    let rows = each_row(text, &ACTIVITY_COLUMNS, |row, f| {
        Activity::parse(f).map(|a| (row, a))
    })?;
    let mut seen = std::collections::HashMap::new();
    let mut errors = Vec::new();
    for (row, a) in &rows {
        if let Some(first) = seen.insert(a.reference.clone(), *row) {
            errors.push(format!(
                "row {row}, column reference: {} is also on row {first}",
                a.reference
            ));
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Reads an outreach follow-ups file (the columns of [`FOLLOW_UP_COLUMNS`])
/// by row; the same activity, route and period twice is named.
pub fn outreach_follow_ups(text: &str) -> Result<Vec<(usize, FollowUp)>, Vec<String>> {
    let rows = each_row(text, &FOLLOW_UP_COLUMNS, |row, f| {
        FollowUp::parse(f).map(|x| (row, x))
    })?;
    let mut seen = std::collections::HashMap::new();
    let mut errors = Vec::new();
    for (row, x) in &rows {
        let key = (x.activity.clone(), x.route, x.period.clone());
        if let Some(first) = seen.insert(key, *row) {
            errors.push(format!(
                "row {row}, column period: {} {} {} is also on row {first}",
                x.activity,
                x.route.code(),
                x.period
            ));
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Reads a learners file (`person_id` and an optional
/// `release_minutes_per_week`), or every problem found in it.
pub fn cohort(text: &str) -> Result<Vec<(i64, Option<u32>)>, Vec<String>> {
    each_row(text, &["person_id"], |_, f| CohortRow::parse(f))
}

/// Reads a recruitment extract (`post_id,ethnicity,shortlisted,appointed`)
/// into counts and the number of applicant rows, or every problem found in
/// it. No applicant is kept.
pub fn recruitment(text: &str) -> Result<(Recruitment, i64), Vec<String>> {
    let applicants = each_row(text, &RECRUITMENT_COLUMNS, |_, f| Applicant::parse(f))?;
    if applicants.is_empty() {
        return Err(vec!["the file has a header but no rows".into()]);
    }
    let mut counts = Recruitment::default();
    for a in &applicants {
        counts.add(*a);
    }
    Ok((counts, applicants.len() as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_roster_file_is_read_in_any_column_order_with_extra_columns() {
        let text = "site,person_id,date,start,end,shift_type,ward\n\
                    NGH,7,2026-05-04,19:00,07:30,night,Ward 7\n";
        let rows = roster(text).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.describe(), "night shift 19:00-07:30");
    }

    #[test]
    fn roster_problems_name_the_row_and_column() {
        let text = "person_id,date,start,end,shift_type,site\n\
                    7,2026-05-04,07:00,15:00,early,NGH\n\
                    7,2026-05-05,7am,15:00,early,NGH\n";
        assert_eq!(
            roster(text).unwrap_err(),
            ["row 3, column start: '7am' is not a time like 07:30"]
        );
        assert_eq!(
            roster("person_id,date,start,end,site\n").unwrap_err(),
            [
                "row 1: the header must name person_id, date, start, end, shift_type, site (it has no shift_type)"
            ]
        );
        assert_eq!(
            roster("person_id,date,start,end,shift_type,site\n").unwrap_err(),
            ["the file has a header but no rows"]
        );
    }
}
