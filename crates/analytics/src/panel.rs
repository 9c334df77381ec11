//! The panel extract: its columns, reading Parquet files in person order with
//! bounded memory, and handing over each person's rows.

use arrow_array::cast::AsArray;
use arrow_array::types::Int32Type;
use arrow_array::{Array, ArrayRef, Date32Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use pathwise_domain::Date;
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// The attribute columns of the panel, each held as a small code per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attr {
    /// Employing organisation.
    OrgCode,
    /// ONS region of the organisation.
    Region,
    /// acute, mental_health, community, ambulance, other.
    TrustType,
    /// NHS Workforce Statistics staff group.
    StaffGroup,
    /// Agenda for Change band, blank when not on AfC.
    AfcBand,
    /// Sex.
    Sex,
    /// White, Asian, Black, Mixed, Other, Unknown.
    Ethnicity,
    /// Age band.
    AgeBand,
    /// Disability.
    Disability,
}

impl Attr {
    /// Every attribute, in column order.
    pub const ALL: [Attr; 9] = [
        Attr::OrgCode,
        Attr::Region,
        Attr::TrustType,
        Attr::StaffGroup,
        Attr::AfcBand,
        Attr::Sex,
        Attr::Ethnicity,
        Attr::AgeBand,
        Attr::Disability,
    ];

    /// The column name.
    pub fn column(self) -> &'static str {
        match self {
            Attr::OrgCode => "org_code",
            Attr::Region => "region",
            Attr::TrustType => "trust_type",
            Attr::StaffGroup => "staff_group",
            Attr::AfcBand => "afc_band",
            Attr::Sex => "sex",
            Attr::Ethnicity => "ethnicity",
            Attr::AgeBand => "age_band",
            Attr::Disability => "disability",
        }
    }

    /// The attribute named by a column name.
    pub fn from_column(name: &str) -> Option<Attr> {
        Self::ALL.into_iter().find(|a| a.column() == name.trim())
    }

    /// Position in [`Attr::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Why a panel could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PanelError {
    /// A file could not be opened or read.
    #[error("{path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A column is missing or of the wrong type.
    #[error("{path}: column '{column}': {message}")]
    Column {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// What was expected.
        message: String,
    },
    /// The rows are not in person, then month, order, or a person-month repeats.
    #[error("{path}: {message}")]
    Order {
        /// The file.
        path: PathBuf,
        /// What is out of order.
        message: String,
    },
}

/// The Parquet files of a panel: the file itself, or the `.parquet` files in a folder, by name.
pub fn panel_files(path: &Path) -> Result<Vec<PathBuf>, PanelError> {
    let err = |m: String| PanelError::Read {
        path: path.to_path_buf(),
        message: m,
    };
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| err(e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(err("no .parquet files here".into()));
    }
    Ok(files)
}

/// Months as one number: `year * 12 + month - 1`.
pub fn month_index(d: Date) -> i32 {
    d.year * 12 + d.month as i32 - 1
}

/// The rows of one person, in month order, with attribute codes.
#[derive(Debug, Clone, Copy)]
pub struct PersonRows<'a> {
    /// Month index of each row.
    pub months: &'a [i32],
    /// Attribute codes per row: `attrs[attr][row]`.
    pub attrs: [&'a [u16]; 9],
}

/// Per-file string tables for attribute codes.
#[derive(Debug, Default, Clone)]
pub struct Dictionaries {
    /// Code -> text, per attribute.
    pub values: [Vec<String>; 9],
    lookup: [HashMap<String, u16>; 9],
}

impl Dictionaries {
    /// The code of a text, adding it when new.
    pub fn intern(&mut self, attr: usize, text: &str) -> u16 {
        if let Some(&c) = self.lookup[attr].get(text) {
            return c;
        }
        let c = self.values[attr].len() as u16;
        self.values[attr].push(text.to_string());
        self.lookup[attr].insert(text.to_string(), c);
        c
    }

    /// The text of a code.
    pub fn text(&self, attr: Attr, code: u16) -> &str {
        &self.values[attr.index()][code as usize]
    }

    /// How many texts all attributes hold (grows when a text is new).
    pub fn size(&self) -> usize {
        self.values.iter().map(Vec::len).sum()
    }
}

/// Month indexes of day numbers, looked up rather than worked out per row:
/// every day from 1970 to 2079 in a table, others computed.
struct MonthOfDay(Vec<i32>);

impl MonthOfDay {
    const DAYS: i32 = 40_178;

    fn new() -> MonthOfDay {
        MonthOfDay(
            (0..Self::DAYS)
                .map(|d| month_index(Date::from_unix_days(i64::from(d))))
                .collect(),
        )
    }

    fn get(&self, day: i32) -> i32 {
        match self.0.get(usize::try_from(day).unwrap_or(usize::MAX)) {
            Some(&m) => m,
            None => month_index(Date::from_unix_days(i64::from(day))),
        }
    }
}

/// A buffer of decoded rows from one file. Persons are held as runs (the
/// id and where its rows end), not an id per row.
#[derive(Debug, Default)]
struct Buffer {
    runs: Vec<(i64, usize)>,
    months: Vec<i32>,
    attrs: [Vec<u16>; 9],
}

impl Buffer {
    fn len(&self) -> usize {
        self.months.len()
    }

    /// Adds the person ids and month days of a batch: months become month
    /// indexes, persons become runs. One pass checks every row (persons
    /// ascend; within a person, months rise, so no month repeats), carrying
    /// on from the rows already held so that order holds across batches;
    /// only when a row fails is the first failure found again and named.
    fn add_rows(&mut self, ids: &[i64], days: &[i32], month_of: &MonthOfDay) -> Result<(), String> {
        let base = self.months.len();
        let (first_id, first_m) = match (self.runs.last(), self.months.last()) {
            (Some(r), Some(&m)) => (r.0, m),
            _ => (i64::MIN, i32::MIN),
        };
        self.months
            .extend(days.iter().map(|&day| month_of.get(day)));
        let (mut prev_id, mut prev_m) = (first_id, first_m);
        let mut bad = false;
        for (i, (&id, &m)) in ids.iter().zip(&self.months[base..]).enumerate() {
            let new = id != prev_id;
            bad |= (id < prev_id) | (!new & (m <= prev_m));
            if new {
                if let Some(run) = self.runs.last_mut() {
                    run.1 = base + i;
                }
                self.runs.push((id, 0));
            }
            (prev_id, prev_m) = (id, m);
        }
        if let Some(run) = self.runs.last_mut() {
            run.1 = self.months.len();
        }
        if bad {
            return Err(first_order_problem(first_id, first_m, ids, days, month_of));
        }
        Ok(())
    }

    /// Drops the first `runs` runs and their rows.
    fn drain_front(&mut self, runs: usize) {
        let n = runs.checked_sub(1).map_or(0, |r| self.runs[r].1);
        self.runs.drain(..runs);
        for r in &mut self.runs {
            r.1 -= n;
        }
        self.months.drain(..n);
        for a in self.attrs.iter_mut().filter(|a| !a.is_empty()) {
            a.drain(..n);
        }
    }
}

/// The first row, after a person and month already held, that breaks
/// person or month order, as a message naming the person (and month).
fn first_order_problem(
    mut prev_id: i64,
    mut prev_m: i32,
    ids: &[i64],
    days: &[i32],
    month_of: &MonthOfDay,
) -> String {
    for (&id, &day) in ids.iter().zip(days) {
        let m = month_of.get(day);
        if id < prev_id {
            return format!(
                "person {id} comes after person {prev_id}: rows must be sorted by person_id"
            );
        }
        if id == prev_id && m <= prev_m {
            return format!(
                "person {id} has {} for month {:04}-{:02}: rows must be unique per person and month, in month order",
                if m == prev_m {
                    "two rows"
                } else {
                    "rows out of order"
                },
                m.div_euclid(12),
                m.rem_euclid(12) + 1
            );
        }
        (prev_id, prev_m) = (id, m);
    }
    "rows out of person or month order".into()
}

/// The codes of the last dictionary seen per attribute: batches of one
/// column chunk share their dictionary, so its texts are looked up once.
type DictionaryCodes = [Option<(ArrayRef, Vec<u16>)>; 9];

fn string_codes(
    array: &ArrayRef,
    attr: usize,
    dicts: &mut Dictionaries,
    seen: &mut DictionaryCodes,
    out: &mut Vec<u16>,
) -> Result<(), String> {
    match array.data_type() {
        DataType::Dictionary(_, value) if **value == DataType::Utf8 => {
            let dict = array
                .as_dictionary_opt::<Int32Type>()
                .ok_or("expected dictionary keys of Int32")?;
            let fresh = seen[attr]
                .as_ref()
                .is_none_or(|(v, _)| !std::sync::Arc::ptr_eq(v, dict.values()));
            if fresh {
                let values: &StringArray = dict.values().as_string();
                let codes: Vec<u16> = (0..values.len())
                    .map(|i| {
                        dicts.intern(
                            attr,
                            if values.is_null(i) {
                                ""
                            } else {
                                values.value(i)
                            },
                        )
                    })
                    .collect();
                seen[attr] = Some((dict.values().clone(), codes));
            }
            let codes = seen[attr].as_ref().map_or(&[][..], |(_, c)| c.as_slice());
            let keys = dict.keys();
            if keys.null_count() == 0 && codes.len() <= 256 {
                // Small dictionaries (most columns): a 256-entry table that a
                // key's low byte indexes. A key outside the dictionary sets a
                // bit of `wild` (its high bits, or the mark of an entry past
                // the dictionary's end), checked once per batch.
                let mut table = [u32::MAX; 256];
                for (t, &c) in table.iter_mut().zip(codes) {
                    *t = u32::from(c);
                }
                let mut wild = 0u32;
                out.extend(keys.values().iter().map(|&k| {
                    let t = table[usize::from(k as u8)];
                    wild |= (k as u32 >> 8) | (t >> 16);
                    t as u16
                }));
                if wild != 0 {
                    let k = keys
                        .values()
                        .iter()
                        .find(|&&k| usize::try_from(k).map_or(true, |k| k >= codes.len()));
                    return Err(format!(
                        "dictionary key {} is outside the dictionary of {} values",
                        k.copied().unwrap_or_default(),
                        codes.len()
                    ));
                }
            } else if keys.null_count() == 0 {
                out.extend(keys.values().iter().map(|&k| codes[k as usize]));
            } else {
                let blank = dicts.intern(attr, "");
                out.extend(keys.iter().map(|k| k.map_or(blank, |k| codes[k as usize])));
            }
            Ok(())
        }
        DataType::Utf8 => {
            let s: &StringArray = array.as_string();
            out.extend(
                (0..s.len())
                    .map(|i| dicts.intern(attr, if s.is_null(i) { "" } else { s.value(i) })),
            );
            Ok(())
        }
        other => Err(format!("expected UTF-8 text, found {other}")),
    }
}

/// Streams one Parquet file person by person, reading `person_id`, `month`
/// and the attribute columns `attrs` (the others are left empty in
/// [`PersonRows`]). `on_people` is called with a batch of complete persons
/// (their rows are contiguous and in month order) and the file's
/// dictionaries; memory stays at about one row group.
pub fn stream_file(
    path: &Path,
    attrs: &[Attr],
    mut on_people: impl FnMut(&[PersonRows<'_>], &Dictionaries),
) -> Result<Dictionaries, PanelError> {
    let read_err = |m: String| PanelError::Read {
        path: path.to_path_buf(),
        message: m,
    };
    let col_err = |c: &str, m: String| PanelError::Column {
        path: path.to_path_buf(),
        column: c.to_string(),
        message: m,
    };
    let mut wanted = vec!["person_id", "month"];
    wanted.extend(attrs.iter().map(|a| a.column()));
    let reader = read_columns(path, &wanted)?;
    let mut dicts = Dictionaries::default();
    let mut buf = Buffer::default();
    let month_of = MonthOfDay::new();
    let mut seen: DictionaryCodes = Default::default();
    for batch in reader {
        let batch: RecordBatch = batch.map_err(|e| read_err(e.to_string()))?;
        let col = |name: &str| {
            batch
                .column_by_name(name)
                .cloned()
                .ok_or_else(|| col_err(name, "missing".into()))
        };
        let persons = col("person_id")?;
        let persons = persons
            .as_any()
            .downcast_ref::<Int64Array>()
            .ok_or_else(|| {
                col_err(
                    "person_id",
                    format!("expected Int64, found {}", persons.data_type()),
                )
            })?;
        let months = col("month")?;
        let months = months
            .as_any()
            .downcast_ref::<Date32Array>()
            .ok_or_else(|| {
                col_err(
                    "month",
                    format!("expected Date32, found {}", months.data_type()),
                )
            })?;
        buf.add_rows(persons.values(), months.values(), &month_of)
            .map_err(|message| PanelError::Order {
                path: path.to_path_buf(),
                message,
            })?;
        for &a in attrs {
            let array = col(a.column())?;
            string_codes(
                &array,
                a.index(),
                &mut dicts,
                &mut seen,
                &mut buf.attrs[a.index()],
            )
            .map_err(|m| col_err(a.column(), m))?;
        }
        // Everyone but the last person in the buffer is complete.
        let complete = buf.runs.len().saturating_sub(1);
        if complete > 0 {
            emit(&buf, complete, &dicts, &mut on_people);
            buf.drain_front(complete);
        }
    }
    if buf.len() > 0 {
        emit(&buf, buf.runs.len(), &dicts, &mut on_people);
    }
    Ok(dicts)
}

/// Hands over the first `runs` persons of the buffer (their order was
/// checked as they were added).
fn emit(
    buf: &Buffer,
    runs: usize,
    dicts: &Dictionaries,
    on_people: &mut impl FnMut(&[PersonRows<'_>], &Dictionaries),
) {
    let mut people = Vec::with_capacity(runs);
    let mut start = 0;
    for &(_, end) in &buf.runs[..runs] {
        let months = &buf.months[start..end];
        let attrs = std::array::from_fn(|a| buf.attrs[a].get(start..end).unwrap_or(&[]));
        people.push(PersonRows { months, attrs });
        start = end;
    }
    on_people(&people, dicts);
}

/// The columns `analyze` reads: person, month and every attribute.
pub fn analyzed_columns() -> Vec<&'static str> {
    let mut v = vec!["person_id", "month"];
    v.extend(Attr::ALL.iter().map(|a| a.column()));
    v
}

/// A reader of the named columns of one Parquet file, in batches of 64K
/// rows: the same for `analyze` and the bare decode it is measured against.
fn read_columns(path: &Path, columns: &[&str]) -> Result<ParquetRecordBatchReader, PanelError> {
    let read_err = |m: String| PanelError::Read {
        path: path.to_path_buf(),
        message: m,
    };
    let file = File::open(path).map_err(|e| read_err(e.to_string()))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| read_err(e.to_string()))?;
    let roots = columns
        .iter()
        .map(|c| {
            builder
                .schema()
                .index_of(c)
                .map_err(|_| PanelError::Column {
                    path: path.to_path_buf(),
                    column: c.to_string(),
                    message: "missing from the file".into(),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    builder
        .with_projection(mask)
        .with_batch_size(64 * 1024)
        .build()
        .map_err(|e| read_err(e.to_string()))
}

/// Decodes the named columns of every file into Arrow arrays and does
/// nothing else: the baseline a full analysis is measured against. Files in
/// parallel, batches as `analyze` reads them. Returns the rows decoded.
pub fn decode_files(files: &[PathBuf], columns: &[&str]) -> Result<u64, PanelError> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|path| {
            let err = |m: String| PanelError::Read {
                path: path.clone(),
                message: m,
            };
            let reader = read_columns(path, columns)?;
            let mut rows = 0u64;
            for batch in reader {
                rows += batch.map_err(|e| err(e.to_string()))?.num_rows() as u64;
            }
            Ok(rows)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))
}
