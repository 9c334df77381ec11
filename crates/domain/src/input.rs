//! Input as people type it (a form, a JSON body, a CSV row) becomes a domain
//! type through a `parse` constructor that reports every field's problem at
//! once, each named by its field and saying what to do.

use std::collections::HashMap;

/// One field's problem: which field, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name (a form field's id, a JSON key, a CSV column).
    pub field: String,
    /// What to do, in plain words, starting with a capital.
    pub message: String,
}

impl FieldError {
    /// An error at `field` saying `message`.
    pub fn new(field: &str, message: &str) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every problem found in one piece of input, in the order of its fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// Notes a problem at `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, in order.
    pub fn list(&self) -> &[FieldError] {
        &self.0
    }

    /// The problems, taken.
    pub fn into_list(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(value())` when nothing is wrong, else these errors.
    pub fn or_ok<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        match value() {
            Some(v) if self.is_empty() => Ok(v),
            _ => Err(self),
        }
    }
}

impl From<FieldError> for FieldErrors {
    fn from(e: FieldError) -> Self {
        FieldErrors(vec![e])
    }
}

/// Named text fields, as a form or a CSV row gives them.
pub trait Fields {
    /// The field's value, trimmed; empty when absent.
    fn field(&self, name: &str) -> &str;
}

impl Fields for HashMap<String, String> {
    fn field(&self, name: &str) -> &str {
        self.get(name).map_or("", |v| v.trim())
    }
}

impl Fields for [(&str, &str)] {
    fn field(&self, name: &str) -> &str {
        self.iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v.trim())
    }
}

/// A problem with a file as a whole (a duplicate, a cycle, a clash with what
/// is stored), at a row (the header is row 1) and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The row.
    pub row: usize,
    /// The column.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "row {}, column {}: {}",
            self.row, self.column, self.message
        )
    }
}

/// Reads a staff record number (a positive whole number) from `field`,
/// noting a problem there when it is not one.
pub fn staff_record_number(
    f: &(impl Fields + ?Sized),
    field: &str,
    errors: &mut FieldErrors,
) -> Option<i64> {
    let text = f.field(field);
    let id = text.parse::<i64>().ok().filter(|p| *p > 0);
    if id.is_none() {
        errors.add(field, format!("'{text}' is not a staff record number"));
    }
    id
}

/// Named fields from pairs, as a form would give them (for tests).
#[cfg(test)]
pub(crate) fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_kept_in_order_and_a_value_only_comes_with_none() {
        let mut e = FieldErrors::default();
        assert_eq!(e.clone().or_ok(|| Some(1)), Ok(1));
        e.add("title", "Enter a title");
        e.add("band", "Enter a band");
        let fields: Vec<&str> = e.list().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["title", "band"]);
        assert!(e.or_ok(|| Some(1)).is_err());
        let form: &[(&str, &str)] = &[("title", "  Porter ")];
        assert_eq!(form.field("title"), "Porter");
        assert_eq!(form.field("missing"), "");
    }
}
