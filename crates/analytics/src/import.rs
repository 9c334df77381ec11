//! `pathwise panel import`: a CSV panel extract to Parquet, checked row by row.
//! Nothing is written unless every row is good: the file is built in a
//! temporary folder beside the output and moved into place at the end.

use crate::generate::{REGIONS, TRUST_TYPES, schema};
use arrow_array::builder::{Float32Builder, StringDictionaryBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, Date32Array, Int64Array, RecordBatch};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use pathwise_domain::{Band, Date, StaffGroup};
use std::path::Path;
use std::sync::Arc;

/// Why an import was refused. Rows are numbered as lines of the file (the
/// header is line 1).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read or written.
    #[error("{0}")]
    Io(String),
    /// A required column is missing from the header.
    #[error("the header has no '{0}' column")]
    MissingColumn(&'static str),
    /// A value is not what the column expects.
    #[error("line {line}, column {column}: {message}")]
    Value {
        /// Line in the file.
        line: u64,
        /// Column name.
        column: &'static str,
        /// What was expected.
        message: String,
    },
    /// Two rows for the same person and month.
    #[error("person {person} has two rows for month {month} (lines {first} and {second})")]
    Duplicate {
        /// Person id.
        person: i64,
        /// Month, YYYY-MM.
        month: String,
        /// First line.
        first: u64,
        /// Second line.
        second: u64,
    },
    /// The output folder already holds a panel.
    #[error("{0} already holds Parquet files; choose an empty or new folder")]
    OutputNotEmpty(String),
}

const COLUMNS: [&str; 12] = crate::generate::CSV_HEADER;
const ETHNICITIES: [&str; 6] = ["White", "Asian", "Black", "Mixed", "Other", "Unknown"];

struct Row {
    line: u64,
    person: i64,
    day: i32,
    text: [String; 9],
    fte: f32,
}

/// What was imported.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    /// Rows written.
    pub rows: u64,
    /// Distinct persons.
    pub persons: u64,
}

fn parse_row(line: u64, rec: &csv::StringRecord, idx: &[usize; 12]) -> Result<Row, ImportError> {
    let get = |i: usize| rec.get(idx[i]).unwrap_or("").trim();
    let bad = |i: usize, message: String| ImportError::Value {
        line,
        column: COLUMNS[i],
        message,
    };
    let person = get(0)
        .parse::<i64>()
        .map_err(|_| bad(0, format!("'{}' is not a whole number", get(0))))?;
    let month = get(1);
    let day = month
        .split_once('-')
        .and_then(|(y, m)| Date::new(y.parse().ok()?, m.parse().ok()?, 1))
        .filter(|_| month.len() == 7)
        .map(|d| d.to_unix_days() as i32)
        .ok_or_else(|| bad(1, format!("'{month}' is not a month; expected YYYY-MM")))?;
    if get(2).is_empty() {
        return Err(bad(2, "is empty; expected the organisation code".into()));
    }
    if !REGIONS.iter().any(|r| r.0 == get(3)) {
        return Err(bad(
            3,
            format!("'{}' is not one of the nine ONS regions", get(3)),
        ));
    }
    if !TRUST_TYPES.iter().any(|t| t.0 == get(4)) {
        return Err(bad(
            4,
            format!(
                "'{}' is not acute, mental_health, community, ambulance or other",
                get(4)
            ),
        ));
    }
    if StaffGroup::from_name(get(5)).is_none() {
        return Err(bad(
            5,
            format!(
                "'{}' is not an NHS Workforce Statistics staff group",
                get(5)
            ),
        ));
    }
    if !get(6).is_empty() && get(6).parse::<Band>().is_err() {
        return Err(bad(
            6,
            format!(
                "'{}' is not an AfC band (1-7, 8a-8d, 9, VSM or blank)",
                get(6)
            ),
        ));
    }
    let fte = get(7)
        .parse::<f32>()
        .ok()
        .filter(|f| (0.0..=2.0).contains(f))
        .ok_or_else(|| {
            bad(
                7,
                format!("'{}' is not a full-time equivalent between 0 and 2", get(7)),
            )
        })?;
    if !ETHNICITIES.contains(&get(9)) {
        return Err(bad(
            9,
            format!(
                "'{}' is not White, Asian, Black, Mixed, Other or Unknown",
                get(9)
            ),
        ));
    }
    for i in [8, 10, 11] {
        if get(i).is_empty() {
            return Err(bad(i, "is empty".into()));
        }
    }
    let text = [2, 3, 4, 5, 6, 8, 9, 10, 11].map(|i| get(i).to_string());
    Ok(Row {
        line,
        person,
        day,
        text,
        fte,
    })
}

/// Imports `input` into `out/panel.parquet`, sorted by person then month.
pub fn import_csv(input: &Path, out: &Path) -> Result<ImportSummary, ImportError> {
    let io = |e: &dyn std::fmt::Display, p: &Path| ImportError::Io(format!("{}: {e}", p.display()));
    if out.is_dir()
        && std::fs::read_dir(out)
            .map_err(|e| io(&e, out))?
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "parquet"))
    {
        return Err(ImportError::OutputNotEmpty(out.display().to_string()));
    }
    let mut reader = csv::ReaderBuilder::new()
        .from_path(input)
        .map_err(|e| io(&e, input))?;
    let header = reader.headers().map_err(|e| io(&e, input))?.clone();
    let mut idx = [0usize; 12];
    for (i, name) in COLUMNS.iter().enumerate() {
        idx[i] = header
            .iter()
            .position(|h| h.trim() == *name)
            .ok_or(ImportError::MissingColumn(name))?;
    }
    let mut rows = Vec::new();
    for (n, rec) in reader.records().enumerate() {
        let line = n as u64 + 2;
        let rec = rec.map_err(|e| ImportError::Io(format!("line {line}: {e}")))?;
        rows.push(parse_row(line, &rec, &idx)?);
    }
    rows.sort_by_key(|r| (r.person, r.day, r.line));
    if let Some(w) = rows
        .windows(2)
        .find(|w| w[0].person == w[1].person && w[0].day == w[1].day)
    {
        let d = Date::from_unix_days(i64::from(w[0].day));
        return Err(ImportError::Duplicate {
            person: w[0].person,
            month: format!("{:04}-{:02}", d.year, d.month),
            first: w[0].line,
            second: w[1].line,
        });
    }
    let persons = rows
        .windows(2)
        .filter(|w| w[0].person != w[1].person)
        .count() as u64
        + u64::from(!rows.is_empty());
    std::fs::create_dir_all(out).map_err(|e| io(&e, out))?;
    let tmp = out.join(".import-in-progress.parquet.tmp");
    let result = write(&tmp, &rows)
        .and_then(|()| std::fs::rename(&tmp, out.join("panel.parquet")).map_err(|e| io(&e, out)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    Ok(ImportSummary {
        rows: rows.len() as u64,
        persons,
    })
}

fn write(path: &Path, rows: &[Row]) -> Result<(), ImportError> {
    let err = |e: &dyn std::fmt::Display| ImportError::Io(format!("{}: {e}", path.display()));
    let file = std::fs::File::create(path).map_err(|e| err(&e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let schema = schema();
    let mut writer =
        ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| err(&e))?;
    for chunk in rows.chunks(256 * 1024) {
        let mut dicts: Vec<StringDictionaryBuilder<Int32Type>> =
            (0..9).map(|_| StringDictionaryBuilder::new()).collect();
        let mut fte = Float32Builder::new();
        for r in chunk {
            for (b, v) in dicts.iter_mut().zip(&r.text) {
                b.append_value(v);
            }
            fte.append_value(r.fte);
        }
        let mut d: Vec<ArrayRef> = dicts
            .iter_mut()
            .map(|b| Arc::new(b.finish()) as ArrayRef)
            .collect();
        let tail = d.split_off(5);
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(
                chunk.iter().map(|r| r.person).collect::<Vec<_>>(),
            )),
            Arc::new(Date32Array::from(
                chunk.iter().map(|r| r.day).collect::<Vec<_>>(),
            )),
        ];
        columns.extend(d);
        columns.push(Arc::new(fte.finish()));
        columns.extend(tail);
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| err(&e))?;
        writer.write(&batch).map_err(|e| err(&e))?;
    }
    writer.close().map_err(|e| err(&e))?;
    Ok(())
}
