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

/// The attribute columns of the panel, read as a key per row (see [`KeyTables`]).
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

/// The rows of one person, in month order. Attribute values are keys: the
/// [`KeyTables`] handed over with them turn a key into the file's code.
#[derive(Debug, Clone, Copy)]
pub struct PersonRows<'a> {
    /// Month index of each row.
    pub months: &'a [i32],
    /// Attribute keys per row: `attrs[attr][row]` (empty when not read).
    pub attrs: [&'a [i32]; 9],
}

/// How the keys of a set of persons become the file's codes: per attribute,
/// the code of key `k` is `tables[attr][k]`, and every key is inside its
/// table. Keys are Arrow's dictionary keys as read, so most rows are never
/// translated; only the rows a table counts are.
#[derive(Debug, Clone, Copy)]
pub struct KeyTables<'a> {
    /// Changes whenever a table or the dictionaries behind them do, so
    /// anything built from the tables can be kept until it changes.
    pub generation: u64,
    /// Key -> code, per attribute (empty when not read).
    pub tables: [&'a [u16]; 9],
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

/// Rows compared at once by the scans that test a block of rows with one
/// reduction, without a branch per row.
pub(crate) const BLOCK: usize = 16;

/// From row `from`, passes over whole blocks of [`BLOCK`] rows, each lying
/// within the first `len` rows, for as long as `passes(start)` holds for the
/// block starting at `start`; returns where the first failing (or partial)
/// block starts.
pub(crate) fn skip_blocks(from: usize, len: usize, passes: impl Fn(usize) -> bool) -> usize {
    let mut i = from;
    while i + BLOCK <= len && passes(i) {
        i += BLOCK;
    }
    i
}

/// One batch's persons: its month indexes and its persons as runs (the id
/// and where its rows end), not an id per row.
#[derive(Debug, Default)]
struct Runs {
    runs: Vec<(i64, usize)>,
    months: Vec<i32>,
}

impl Runs {
    /// Reads the person ids and month days of a batch: months become month
    /// indexes, persons become runs. One pass checks every row (persons
    /// ascend; within a person, months rise, so no month repeats), carrying
    /// on from the last person and month before the batch (`prev`) so that
    /// order holds across batches; only when a row fails is the first
    /// failure found again and named.
    fn read(
        &mut self,
        ids: &[i64],
        days: &[i32],
        prev: Option<(i64, i32)>,
        month_of: &MonthOfDay,
    ) -> Result<(), String> {
        let (first_id, first_m) = prev.unwrap_or((i64::MIN, i32::MIN));
        self.runs.clear();
        self.months.clear();
        self.months
            .extend(days.iter().map(|&day| month_of.get(day)));
        let months = &self.months;
        let runs = &mut self.runs;
        // The person carried on from before the batch starts a run here too.
        if ids.first() == Some(&first_id) {
            runs.push((first_id, 0));
        }
        let mut bad = false;
        // Row `i` against the row before it (or the carried-on one).
        let mut row = |i: usize, bad: &mut bool| {
            let (prev_id, prev_m) = match i.checked_sub(1) {
                Some(p) => (ids[p], months[p]),
                None => (first_id, first_m),
            };
            let (id, m) = (ids[i], months[i]);
            let new = id != prev_id;
            *bad |= (id < prev_id) | (!new & (m <= prev_m));
            if new {
                if let Some(run) = runs.last_mut() {
                    run.1 = i;
                }
                runs.push((id, 0));
            }
        };
        let n = ids.len().min(months.len());
        if n > 0 {
            row(0, &mut bad);
        }
        // Blocks of rows in which every row is the same person as the row
        // before, a month later or more, are passed over whole: the test
        // has no branch per row. A block where that fails is gone through
        // row by row.
        let mut i = 1;
        while i + BLOCK <= n {
            let (id, m) = (&ids[i - 1..i + BLOCK], &months[i - 1..i + BLOCK]);
            let same = (0..BLOCK).fold(true, |same, k| {
                same & (id[k + 1] == id[k]) & (m[k + 1] > m[k])
            });
            if !same {
                for r in i..i + BLOCK {
                    row(r, &mut bad);
                }
            }
            i += BLOCK;
        }
        for r in i..n {
            row(r, &mut bad);
        }
        if let Some(run) = runs.last_mut() {
            run.1 = months.len();
        }
        if bad {
            return Err(first_order_problem(first_id, first_m, ids, days, month_of));
        }
        Ok(())
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

/// The person whose rows run on past the end of the batches read so far,
/// held with codes (not keys), since the next batch may bring another
/// dictionary.
#[derive(Debug)]
struct Carry {
    id: i64,
    months: Vec<i32>,
    codes: [Vec<i32>; 9],
    /// The dictionaries' size and the generation of the code-to-code tables
    /// last handed over with the carried person (odd generations: batches
    /// take the even ones).
    tables_at: (usize, u64),
}

impl Carry {
    fn new() -> Carry {
        Carry {
            id: 0,
            months: Vec::new(),
            codes: Default::default(),
            tables_at: (usize::MAX, 1),
        }
    }

    /// The last person and month held, if any.
    fn last(&self) -> Option<(i64, i32)> {
        self.months.last().map(|&m| (self.id, m))
    }

    /// Adds rows `rows` of person `id` from a batch, keys turned into codes.
    fn add(&mut self, id: i64, rows: std::ops::Range<usize>, batch: &Batch<'_>, months: &[i32]) {
        self.id = id;
        self.months.extend_from_slice(&months[rows.clone()]);
        for a in 0..9 {
            let (keys, table) = (batch.keys[a], batch.tables[a]);
            if let Some(keys) = keys.get(rows.clone()) {
                self.codes[a].extend(keys.iter().map(|&k| i32::from(table[k as usize])));
            }
        }
    }

    /// Hands over the carried person, if any, whose keys are codes, and
    /// empties the carry.
    fn emit(
        &mut self,
        dicts: &Dictionaries,
        identity: &[u16],
        attrs: &[Attr],
        on_people: &mut impl FnMut(&[PersonRows<'_>], &KeyTables<'_>, &Dictionaries),
    ) {
        if self.months.is_empty() {
            return;
        }
        if self.tables_at.0 != dicts.size() {
            self.tables_at = (dicts.size(), self.tables_at.1 + 2);
        }
        let mut tables: [&[u16]; 9] = [&[]; 9];
        for a in attrs {
            tables[a.index()] = held_codes(identity, dicts, a.index());
        }
        let tables = KeyTables {
            generation: self.tables_at.1,
            tables,
        };
        let rows = PersonRows {
            months: &self.months,
            attrs: std::array::from_fn(|a| self.codes[a].as_slice()),
        };
        on_people(&[rows], &tables, dicts);
        self.months.clear();
        for c in &mut self.codes {
            c.clear();
        }
    }
}

/// The code-to-code table of attribute `attr`, for rows already held as
/// codes: `identity` cut to the attribute's dictionary.
fn held_codes<'a>(identity: &'a [u16], dicts: &Dictionaries, attr: usize) -> &'a [u16] {
    &identity[..dicts.values[attr].len()]
}

/// One batch's attribute keys and the tables that turn them into codes.
struct Batch<'a> {
    keys: [&'a [i32]; 9],
    tables: [&'a [u16]; 9],
}

/// The codes of the last dictionary seen per attribute: batches of one
/// column chunk share their dictionary, so its texts are looked up once.
type DictionaryCodes = [Option<(ArrayRef, Vec<u16>)>; 9];

/// Reads one attribute column of a batch. A dictionary without nulls keeps
/// Arrow's keys (checked to lie inside the dictionary, whose codes are in
/// `seen`): `None`. Other columns are turned into codes here: `Some`. Also
/// says whether the key tables change with this batch.
fn read_attr(
    array: &ArrayRef,
    attr: usize,
    dicts: &mut Dictionaries,
    seen: &mut DictionaryCodes,
) -> Result<(Option<Vec<i32>>, bool), String> {
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
            if keys.null_count() == 0 {
                if let Some(k) = key_outside(keys.values(), codes.len()) {
                    return Err(format!(
                        "dictionary key {k} is outside the dictionary of {} values",
                        codes.len()
                    ));
                }
                return Ok((None, fresh));
            }
            let blank = dicts.intern(attr, "");
            let codes = codes.to_vec();
            let codes = keys
                .iter()
                .map(|k| i32::from(k.map_or(blank, |k| codes[k as usize])))
                .collect();
            Ok((Some(codes), true))
        }
        DataType::Utf8 => {
            let s: &StringArray = array.as_string();
            let codes = (0..s.len())
                .map(|i| i32::from(dicts.intern(attr, if s.is_null(i) { "" } else { s.value(i) })))
                .collect();
            Ok((Some(codes), true))
        }
        other => Err(format!("expected UTF-8 text, found {other}")),
    }
}

/// The first key that is not an index into a dictionary of `len` values,
/// if any. Every key is tested in one reduction without a compare or branch
/// per key: a key `k` lies inside when neither `k` nor `len - 1 - k` is
/// negative, so the sign bit of all of them or'ed together says whether one
/// lies outside; only then is it looked for.
fn key_outside(keys: &[i32], len: usize) -> Option<i32> {
    let top = i32::try_from(len).unwrap_or(i32::MAX).wrapping_sub(1);
    let signs = keys
        .iter()
        .fold(0i32, |acc, &k| acc | k | top.wrapping_sub(k));
    if signs >= 0 {
        return None;
    }
    keys.iter().copied().find(|&k| k < 0 || k > top)
}

/// Streams one Parquet file person by person, reading `person_id`, `month`
/// and the attribute columns `attrs` (the others are left empty in
/// [`PersonRows`]). `on_people` is called with a set of complete persons
/// (their rows in month order), the tables that turn their keys into codes,
/// and the file's dictionaries; memory stays at about one batch.
pub fn stream_file(
    path: &Path,
    attrs: &[Attr],
    mut on_people: impl FnMut(&[PersonRows<'_>], &KeyTables<'_>, &Dictionaries),
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
    let month_of = MonthOfDay::new();
    let mut seen: DictionaryCodes = Default::default();
    let mut runs = Runs::default();
    let mut carry = Carry::new();
    // Code -> code, for rows already held as codes.
    let mut identity: Vec<u16> = Vec::new();
    // Batches' tables take even generations (the carried person's are odd).
    let mut generation = 0u64;
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
        runs.read(persons.values(), months.values(), carry.last(), &month_of)
            .map_err(|message| PanelError::Order {
                path: path.to_path_buf(),
                message,
            })?;
        let mut columns: [Option<ArrayRef>; 9] = Default::default();
        let mut codes: [Option<Vec<i32>>; 9] = Default::default();
        for &a in attrs {
            let array = col(a.column())?;
            let (c, fresh) = read_attr(&array, a.index(), &mut dicts, &mut seen)
                .map_err(|m| col_err(a.column(), m))?;
            if fresh {
                generation += 2;
            }
            codes[a.index()] = c;
            columns[a.index()] = Some(array);
        }
        let top = dicts.values.iter().map(Vec::len).max().unwrap_or(0);
        if identity.len() < top {
            identity = (0..top).map(|c| c as u16).collect();
        }
        let b = Batch {
            keys: std::array::from_fn(|a| match (&codes[a], &columns[a]) {
                (Some(c), _) => c.as_slice(),
                (None, Some(array)) => array.as_dictionary::<Int32Type>().keys().values(),
                (None, None) => &[],
            }),
            tables: std::array::from_fn(|a| match (&codes[a], &columns[a]) {
                (Some(_), _) => held_codes(&identity, &dicts, a),
                (None, Some(_)) => seen[a].as_ref().map_or(&[][..], |(_, c)| c),
                (None, None) => &[],
            }),
        };
        let Some(&(first_id, first_end)) = runs.runs.first() else {
            continue;
        };
        // The carried person first: finished by this batch's first run, or
        // finished already when that is someone else.
        let mut from = 0;
        if carry.last().is_some() {
            if first_id == carry.id {
                carry.add(first_id, 0..first_end, &b, &runs.months);
                if runs.runs.len() == 1 {
                    continue;
                }
                from = 1;
            }
            carry.emit(&dicts, &identity, attrs, &mut on_people);
        }
        // Everyone but the last person of the batch is complete.
        let last = runs.runs.len() - 1;
        if from < last {
            let tables = KeyTables {
                generation,
                tables: b.tables,
            };
            on_people(&batch_people(&runs, from..last, &b), &tables, &dicts);
        }
        if from <= last {
            let start = last.checked_sub(1).map_or(0, |r| runs.runs[r].1);
            let (id, end) = runs.runs[last];
            carry.add(id, start..end, &b, &runs.months);
        }
    }
    carry.emit(&dicts, &identity, attrs, &mut on_people);
    Ok(dicts)
}

/// The persons of runs `range` of a batch, with their keys.
fn batch_people<'a>(
    runs: &'a Runs,
    range: std::ops::Range<usize>,
    b: &Batch<'a>,
) -> Vec<PersonRows<'a>> {
    let mut start = range.start.checked_sub(1).map_or(0, |r| runs.runs[r].1);
    runs.runs[range]
        .iter()
        .map(|&(_, end)| {
            let rows = PersonRows {
                months: &runs.months[start..end],
                attrs: std::array::from_fn(|a| b.keys[a].get(start..end).unwrap_or(&[])),
            };
            start = end;
            rows
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// The first day of month index `m`.
    fn day_of(m: i32) -> i32 {
        let d = Date::new(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).unwrap();
        d.to_unix_days() as i32
    }

    /// Runs and order read one row at a time, the plain way.
    fn naive(ids: &[i64], months: &[i32], prev: Option<(i64, i32)>) -> Option<Vec<(i64, usize)>> {
        let (mut pid, mut pm) = prev.unwrap_or((i64::MIN, i32::MIN));
        let mut runs: Vec<(i64, usize)> = Vec::new();
        if ids.first() == Some(&pid) {
            runs.push((pid, 0));
        }
        for (i, (&id, &m)) in ids.iter().zip(months).enumerate() {
            if id < pid || (id == pid && m <= pm) {
                return None;
            }
            if id != pid {
                if let Some(r) = runs.last_mut() {
                    r.1 = i;
                }
                runs.push((id, 0));
            }
            (pid, pm) = (id, m);
        }
        if let Some(r) = runs.last_mut() {
            r.1 = months.len();
        }
        Some(runs)
    }

    #[test]
    fn runs_and_order_read_in_blocks_match_a_row_by_row_reading() {
        let month_of = MonthOfDay::new();
        let mut rng = StdRng::seed_from_u64(3);
        let mut faults = 0;
        for case in 0..60 {
            // Persons of 1 to 40 months, some with gaps, about 300 rows.
            let mut ids = Vec::new();
            let mut months = Vec::new();
            let mut id = 100i64;
            while ids.len() < 300 {
                id += rng.random_range(1..3);
                let mut m = 2010 * 12 + rng.random_range(0..24);
                for _ in 0..rng.random_range(1..41) {
                    ids.push(id);
                    months.push(m);
                    m += if rng.random_bool(0.9) { 1 } else { 3 };
                }
            }
            // Every other case carries on a person from before the batch.
            let prev = (case % 2 == 1).then(|| (ids[0], months[0] - 1));
            let read = |ids: &[i64], months: &[i32]| {
                let days: Vec<i32> = months.iter().map(|&m| day_of(m)).collect();
                let mut runs = Runs::default();
                runs.read(ids, &days, prev, &month_of).map(|()| {
                    assert_eq!(runs.months, months);
                    runs.runs
                })
            };
            assert_eq!(read(&ids, &months).ok(), naive(&ids, &months, prev));
            // A fault at every row in turn: the month repeated, a month
            // earlier, the person before.
            for at in 0..ids.len() {
                for kind in 0..3 {
                    let (mut ids, mut months) = (ids.clone(), months.clone());
                    match kind {
                        0 if at > 0 && ids[at - 1] == ids[at] => months[at] = months[at - 1],
                        1 => months[at] -= 2,
                        2 if at > 0 => ids[at] = ids[at - 1] - 1,
                        _ => continue,
                    }
                    let expected = naive(&ids, &months, prev);
                    faults += usize::from(expected.is_none());
                    assert_eq!(read(&ids, &months).ok(), expected, "case {case}, row {at}");
                }
            }
        }
        assert!(faults > 10_000, "only {faults} faulty batches were tried");
    }

    #[test]
    fn keys_outside_the_dictionary_are_found() {
        assert_eq!(key_outside(&[0, 1, 2, 2, 0], 3), None);
        assert_eq!(key_outside(&[], 0), None);
        assert_eq!(key_outside(&[0], 0), Some(0));
        assert_eq!(key_outside(&[0, 1, 3, 2], 3), Some(3));
        assert_eq!(key_outside(&[0, -1, 2], 3), Some(-1));
        assert_eq!(key_outside(&[1, i32::MIN], 3), Some(i32::MIN));
        assert_eq!(key_outside(&[1, i32::MAX], 3), Some(i32::MAX));
        let long: Vec<i32> = (0..1000).map(|k| k % 7).collect();
        assert_eq!(key_outside(&long, 7), None);
        assert_eq!(key_outside(&long, 6), Some(6));
    }
}
