//! Every table Pathwise shows can be downloaded: as CSV (cells that a
//! spreadsheet would run as a formula are quoted) or as an XLSX workbook
//! (numbers kept as numbers).

use crate::error::{Error, Result};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// Nothing.
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n as f64)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, Into::into)
    }
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(s) if s.starts_with(['=', '+', '-', '@']) => format!("'{s}"),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => format!("{n}"),
            Cell::Empty => String::new(),
        }
    }
}

/// A table to export: a file name stem, column headers and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file name without extension, e.g. `team-progress`.
    pub name: &'static str,
    /// Column headers (snake_case, stable for scripts).
    pub headers: Vec<&'static str>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
}

/// The format asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl Format {
    /// Reads `csv` or `xlsx`.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

impl Table {
    /// The table as CSV bytes.
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.headers)
            .map_err(|e| Error::Internal(e.into()))?;
        for row in &self.rows {
            w.write_record(row.iter().map(Cell::text))
                .map_err(|e| Error::Internal(e.into()))?;
        }
        w.into_inner()
            .map_err(|e| Error::Internal(anyhow::anyhow!("{e}")))
    }

    /// The table as an XLSX workbook with one sheet.
    pub fn to_xlsx(&self) -> Result<Vec<u8>> {
        let fail = |e: rust_xlsxwriter::XlsxError| Error::Internal(e.into());
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(self.name).map_err(fail)?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for (c, h) in self.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(fail)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => sheet.write_string(r, c, s).map(|_| ()),
                    Cell::Number(n) => sheet.write_number(r, c, *n).map(|_| ()),
                    Cell::Empty => Ok(()),
                }
                .map_err(fail)?;
            }
        }
        book.save_to_buffer().map_err(fail)
    }

    /// The download response in `format`.
    pub fn respond(&self, format: Format) -> Result<Response> {
        let (body, mime, ext) = match format {
            Format::Csv => (self.to_csv()?, "text/csv; charset=utf-8", "csv"),
            Format::Xlsx => (
                self.to_xlsx()?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
        };
        Ok((
            [
                (header::CONTENT_TYPE, mime.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.{ext}\"", self.name),
                ),
            ],
            body,
        )
            .into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_formulas_and_keeps_numbers_plain() {
        let t = Table {
            name: "t",
            headers: vec!["a", "b", "c"],
            rows: vec![vec!["=HYPERLINK(1)".into(), 3i64.into(), Cell::Empty]],
        };
        let csv = String::from_utf8(t.to_csv().unwrap()).unwrap();
        assert_eq!(csv, "a,b,c\n'=HYPERLINK(1),3,\n");
        let xlsx = t.to_xlsx().unwrap();
        assert!(xlsx.starts_with(b"PK"), "a zip workbook");
    }
}
