//! `pathwise panel import`: a CSV panel extract to Parquet, checked row by
//! row, in bounded memory. The CSV is read once, streaming: each row is
//! checked, its texts are replaced by small codes, and it is spilled to one of
//! P partition files by person. Each partition is then sorted by person and
//! month, checked for repeated person-months and written as one Parquet file
//! (partitions in parallel), so memory holds one partition per thread, not
//! the whole extract. Nothing is written unless every row is good: the files
//! are built in a temporary folder and moved into place at the end.

use crate::generate::{REGIONS, TRUST_TYPES, schema};
use arrow_array::{ArrayRef, Date32Array, DictionaryArray, Float32Array, Int32Array, Int64Array};
use arrow_array::{RecordBatch, StringArray};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use pathwise_domain::{Band, Date, StaffGroup};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
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
/// The text columns (positions in [`COLUMNS`]), in the order of their codes.
const TEXT_COLUMNS: [usize; 9] = [2, 3, 4, 5, 6, 8, 9, 10, 11];

/// One checked row, its texts as codes: 60 bytes when spilled.
#[derive(Debug, Clone, Copy)]
struct Row {
    line: u64,
    person: i64,
    day: i32,
    fte: f32,
    codes: [u32; 9],
}

impl Row {
    const BYTES: usize = 8 + 8 + 4 + 4 + 9 * 4;

    fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        let mut b = [0u8; Self::BYTES];
        b[0..8].copy_from_slice(&self.line.to_le_bytes());
        b[8..16].copy_from_slice(&self.person.to_le_bytes());
        b[16..20].copy_from_slice(&self.day.to_le_bytes());
        b[20..24].copy_from_slice(&self.fte.to_le_bytes());
        for (k, c) in self.codes.iter().enumerate() {
            b[24 + 4 * k..28 + 4 * k].copy_from_slice(&c.to_le_bytes());
        }
        out.write_all(&b)
    }

    fn read(b: &[u8]) -> Row {
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
        let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap_or_default());
        Row {
            line: u64_at(0),
            person: u64_at(8) as i64,
            day: u32_at(16) as i32,
            fte: f32::from_bits(u32_at(20)),
            codes: std::array::from_fn(|k| u32_at(24 + 4 * k)),
        }
    }
}

/// The texts of the extract's text columns, each given a code once.
#[derive(Debug, Default)]
struct Texts {
    values: [Vec<String>; 9],
    codes: [HashMap<String, u32>; 9],
}

impl Texts {
    fn intern(&mut self, column: usize, text: &str) -> Option<u32> {
        if let Some(&c) = self.codes[column].get(text) {
            return Some(c);
        }
        let c = u32::try_from(self.values[column].len()).ok()?;
        self.values[column].push(text.to_string());
        self.codes[column].insert(text.to_string(), c);
        Some(c)
    }
}

/// What was imported.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    /// Rows written.
    pub rows: u64,
    /// Distinct persons.
    pub persons: u64,
    /// The Parquet files written, one per partition.
    pub files: Vec<PathBuf>,
}

/// How to import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Number of output files (persons split by id); `None` chooses one per
    /// [`ImportOptions::BYTES_PER_PARTITION`] of CSV, which bounds memory.
    pub partitions: Option<usize>,
}

impl ImportOptions {
    /// CSV bytes per partition when the number is chosen: about 2.5 million
    /// rows, 150 MB in memory while sorted.
    pub const BYTES_PER_PARTITION: u64 = 256 * 1024 * 1024;

    fn partitions_for(&self, csv_bytes: u64) -> usize {
        self.partitions
            .unwrap_or_else(|| csv_bytes.div_ceil(Self::BYTES_PER_PARTITION) as usize)
            .clamp(1, 4096)
    }
}

/// Where an import stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportProgress {
    /// Bytes of the CSV read and checked, of the whole.
    Reading(u64, u64),
    /// Partitions sorted and written, of all.
    Writing(usize, usize),
}

/// Imports `input` into `out`, with the number of files chosen from its size.
pub fn import_csv(input: &Path, out: &Path) -> Result<ImportSummary, ImportError> {
    import_csv_with(input, out, ImportOptions::default(), &|_| {})
}

/// Imports `input` into `out` as Parquet files split by person, each sorted
/// by person then month. Writes nothing unless every row is good.
pub fn import_csv_with(
    input: &Path,
    out: &Path,
    options: ImportOptions,
    progress: &(dyn Fn(ImportProgress) + Sync),
) -> Result<ImportSummary, ImportError> {
    if out.is_dir()
        && std::fs::read_dir(out)
            .map_err(|e| io_error(&e, out))?
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "parquet"))
    {
        return Err(ImportError::OutputNotEmpty(out.display().to_string()));
    }
    let size = std::fs::metadata(input)
        .map_err(|e| io_error(&e, input))?
        .len();
    let parts = options.partitions_for(size);
    let created = !out.exists();
    std::fs::create_dir_all(out).map_err(|e| io_error(&e, out))?;
    let work = out.join(format!(".import-in-progress-{}", std::process::id()));
    let result = std::fs::create_dir_all(&work)
        .map_err(|e| io_error(&e, &work))
        .and_then(|()| {
            let texts = spill(input, &work, parts, size, progress)?;
            write_partitions(&work, parts, &texts, progress)
        })
        .and_then(|(rows, persons)| {
            let mut files = Vec::new();
            for part in 0..parts {
                let name = format!("part-{part:05}.parquet");
                let to = out.join(&name);
                if let Err(e) = std::fs::rename(work.join(&name), &to) {
                    for f in &files {
                        let _ = std::fs::remove_file(f);
                    }
                    return Err(io_error(&e, &to));
                }
                files.push(to);
            }
            Ok(ImportSummary {
                rows,
                persons,
                files,
            })
        });
    let _ = std::fs::remove_dir_all(&work);
    if result.is_err() && created {
        let _ = std::fs::remove_dir(out);
    }
    result
}

/// A file that could not be read or written, named.
fn io_error(e: &dyn std::fmt::Display, path: &Path) -> ImportError {
    ImportError::Io(format!("{}: {e}", path.display()))
}

fn spill_path(work: &Path, part: usize) -> PathBuf {
    work.join(format!("spill-{part:05}.bin"))
}

/// Reads and checks every row, spilling each to its partition by person.
fn spill(
    input: &Path,
    work: &Path,
    parts: usize,
    size: u64,
    progress: &(dyn Fn(ImportProgress) + Sync),
) -> Result<Texts, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .buffer_capacity(1 << 20)
        .from_path(input)
        .map_err(|e| io_error(&e, input))?;
    let header = reader.headers().map_err(|e| io_error(&e, input))?.clone();
    let mut idx = [0usize; 12];
    for (i, name) in COLUMNS.iter().enumerate() {
        idx[i] = header
            .iter()
            .position(|h| h.trim() == *name)
            .ok_or(ImportError::MissingColumn(name))?;
    }
    let mut sinks = (0..parts)
        .map(|p| {
            let path = spill_path(work, p);
            std::fs::File::create(&path)
                .map(|f| BufWriter::with_capacity(256 * 1024, f))
                .map_err(|e| io_error(&e, &path))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut texts = Texts::default();
    let mut rec = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        line += 1;
        match reader.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(ImportError::Io(format!("line {line}: {e}"))),
        }
        let row = parse_row(line, &rec, &idx, &mut texts)?;
        let part = row.person.rem_euclid(parts as i64) as usize;
        row.write(&mut sinks[part])
            .map_err(|e| io_error(&e, &spill_path(work, part)))?;
        if line.is_multiple_of(1 << 16) {
            progress(ImportProgress::Reading(reader.position().byte(), size));
        }
    }
    for (p, mut s) in sinks.into_iter().enumerate() {
        s.flush().map_err(|e| io_error(&e, &spill_path(work, p)))?;
    }
    progress(ImportProgress::Reading(size, size));
    Ok(texts)
}

/// Sorts, checks and writes each partition (in parallel); returns rows and
/// persons. Of several repeated person-months, the lowest person and month
/// is reported, as a single sort of the whole extract would find it.
fn write_partitions(
    work: &Path,
    parts: usize,
    texts: &Texts,
    progress: &(dyn Fn(ImportProgress) + Sync),
) -> Result<(u64, u64), ImportError> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<(u64, u64), ImportError>> = (0..parts)
        .into_par_iter()
        .map(|part| {
            let r = write_partition(work, part, texts);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(ImportProgress::Writing(n, parts));
            r
        })
        .collect();
    let mut totals = (0, 0);
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok((rows, persons)) => {
                totals.0 += rows;
                totals.1 += persons;
            }
            Err(e) => problems.push(e),
        }
    }
    // Other errors (reading, writing) come first; then the lowest repeat.
    let rank = |e: &ImportError| match e {
        ImportError::Duplicate { person, month, .. } => (1, *person, month.clone()),
        _ => (0, 0, String::new()),
    };
    match problems.into_iter().min_by_key(rank) {
        Some(e) => Err(e),
        None => Ok(totals),
    }
}

fn write_partition(work: &Path, part: usize, texts: &Texts) -> Result<(u64, u64), ImportError> {
    let spilled = spill_path(work, part);
    let mut bytes = Vec::new();
    std::fs::File::open(&spilled)
        .map(|f| BufReader::new(f).read_to_end(&mut bytes))
        .and_then(|r| r)
        .map_err(|e| io_error(&e, &spilled))?;
    let mut rows: Vec<Row> = bytes.chunks_exact(Row::BYTES).map(Row::read).collect();
    drop(bytes);
    let _ = std::fs::remove_file(&spilled);
    rows.sort_unstable_by_key(|r| (r.person, r.day, r.line));
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
    let path = work.join(format!("part-{part:05}.parquet"));
    write(&path, &rows, texts)?;
    Ok((rows.len() as u64, persons))
}

fn write(path: &Path, rows: &[Row], texts: &Texts) -> Result<(), ImportError> {
    let err = |e: &dyn std::fmt::Display| io_error(e, path);
    let file = std::fs::File::create(path).map_err(|e| err(&e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let schema = schema();
    let mut writer =
        ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| err(&e))?;
    // Every text column shares its whole dictionary across batches.
    let values: Vec<ArrayRef> = texts
        .values
        .iter()
        .map(|v| Arc::new(StringArray::from_iter_values(v)) as ArrayRef)
        .collect();
    for chunk in rows.chunks(256 * 1024) {
        let text = |k: usize| -> Result<ArrayRef, ImportError> {
            let keys = Int32Array::from_iter_values(chunk.iter().map(|r| r.codes[k] as i32));
            Ok(Arc::new(
                DictionaryArray::try_new(keys, values[k].clone()).map_err(|e| err(&e))?,
            ))
        };
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from_iter_values(chunk.iter().map(|r| r.person))),
            Arc::new(Date32Array::from_iter_values(chunk.iter().map(|r| r.day))),
        ];
        for k in 0..5 {
            columns.push(text(k)?);
        }
        columns.push(Arc::new(Float32Array::from_iter_values(
            chunk.iter().map(|r| r.fte),
        )));
        for k in 5..9 {
            columns.push(text(k)?);
        }
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| err(&e))?;
        writer.write(&batch).map_err(|e| err(&e))?;
    }
    writer.close().map_err(|e| err(&e))?;
    Ok(())
}

/// Checks one record; its texts are interned into `dicts`.
fn parse_row(
    line: u64,
    rec: &csv::StringRecord,
    idx: &[usize; 12],
    dicts: &mut Texts,
) -> Result<Row, ImportError> {
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
    let mut codes = [0u32; 9];
    for (k, i) in TEXT_COLUMNS.into_iter().enumerate() {
        codes[k] = dicts
            .intern(k, get(i))
            .ok_or_else(|| bad(i, format!("has more than {} different values", u32::MAX)))?;
    }
    Ok(Row {
        line,
        person,
        day,
        fte,
        codes,
    })
}
