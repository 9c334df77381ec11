//! The aggregation engine: one pass over each file, person by person, into
//! partial aggregates keyed by text, which add up across files. Files are
//! processed in parallel (rayon); within a file, each batch of complete
//! persons is split across threads too.

use crate::panel::{
    Attr, BLOCK, Dictionaries, KeyTables, PanelError, PersonRows, skip_blocks, stream_file,
};
use arrow_array::cast::AsArray;
use arrow_array::types::Date32Type;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::ParquetMetaData;
use parquet::file::statistics::Statistics;
use pathwise_domain::Date;
use pathwise_domain::metrics::{EthnicityGroup, RoleClass};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub use crate::spec::{AnalysisSpec, Breakdown, Measures};

/// Adds every count of `from` into `into`, key by key.
fn add_counts<K: std::hash::Hash + Eq + Ord, const N: usize, M>(into: &mut M, from: M)
where
    M: IntoIterator<Item = (K, [u64; N])> + Extend<(K, [u64; N])> + CountMap<K, N>,
{
    for (k, v) in from {
        let e = into.slot(k);
        for i in 0..N {
            e[i] += v[i];
        }
    }
}

/// A map from keys to fixed-size counts (hash or B-tree).
trait CountMap<K, const N: usize> {
    fn slot(&mut self, k: K) -> &mut [u64; N];
}

impl<K: std::hash::Hash + Eq, const N: usize, S: std::hash::BuildHasher> CountMap<K, N>
    for HashMap<K, [u64; N], S>
{
    fn slot(&mut self, k: K) -> &mut [u64; N] {
        self.entry(k).or_insert([0; N])
    }
}

impl<K: Ord, const N: usize> CountMap<K, N> for BTreeMap<K, [u64; N]> {
    fn slot(&mut self, k: K) -> &mut [u64; N] {
        self.entry(k).or_insert([0; N])
    }
}

/// Partial aggregates, keyed by text so that they add up across files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Partial {
    /// M1: (year, breakdown index, group values) -> [at_risk, moved, left].
    pub transitions: HashMap<(i32, usize, Vec<String>), [u64; 3]>,
    /// M2: year -> [new_nurses, from_csw].
    pub new_nurses: BTreeMap<i32, [u64; 2]>,
    /// M3: (year, scope kind, scope, band) -> [white, bme, unknown]; scope kind
    /// 0 England, 1 region, 2 organisation.
    pub bands: HashMap<(i32, u8, String, String), [u64; 3]>,
    /// M6: (breakdown, group, months) -> [events, censored]; breakdowns
    /// `all`, `region`, `org_code`, `start_year`.
    pub spells: HashMap<(String, String, u32), [u64; 2]>,
}

impl Partial {
    /// Adds another partial into this one.
    pub fn merge(mut self, other: Partial) -> Partial {
        add_counts(&mut self.transitions, other.transitions);
        add_counts(&mut self.new_nurses, other.new_nurses);
        add_counts(&mut self.bands, other.bands);
        add_counts(&mut self.spells, other.spells);
        self
    }
}

/// Counts held densely by two codes and a year: per first code, a row of
/// three counts per (second code, year index). M1 (per breakdown: the group's
/// codes) and M3 (per scope kind: scope and band) add to these for every
/// snapshot row, so they are indexed, not hashed. M6 uses the year index for
/// the spell length (second code 0, `years` the longest length plus one).
#[derive(Debug, Default)]
struct Grid {
    years: usize,
    cells: Vec<Vec<[u64; 3]>>,
}

impl Grid {
    /// The counts of (`a`, `b`, `year` of `years`), zero when new.
    fn slot(&mut self, years: usize, a: u16, b: u16, year: usize) -> &mut [u64; 3] {
        self.years = years;
        let a = usize::from(a);
        if a >= self.cells.len() {
            self.cells.resize_with(a + 1, Vec::new);
        }
        let row = &mut self.cells[a];
        let i = usize::from(b) * years + year;
        if i >= row.len() {
            row.resize(i + 1, [0; 3]);
        }
        &mut row[i]
    }

    fn merge(&mut self, other: Grid) {
        if other.cells.is_empty() {
            return;
        }
        self.years = other.years;
        if self.cells.len() < other.cells.len() {
            self.cells.resize_with(other.cells.len(), Vec::new);
        }
        for (mine, theirs) in self.cells.iter_mut().zip(other.cells) {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), [0; 3]);
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                for g in 0..3 {
                    m[g] += t[g];
                }
            }
        }
    }

    /// Every non-empty cell: (first code, second code, year index, counts).
    fn cells(&self) -> impl Iterator<Item = (u16, u16, usize, [u64; 3])> + '_ {
        let years = self.years.max(1);
        self.cells.iter().enumerate().flat_map(move |(a, row)| {
            row.iter()
                .enumerate()
                .filter(|(_, v)| v.iter().any(|&x| x > 0))
                .map(move |(i, v)| (a as u16, (i / years) as u16, i % years, *v))
        })
    }
}

/// Aggregates keyed by a file's codes, turned into text once per file.
#[derive(Debug, Default)]
struct CodePartial {
    /// M1 per breakdown, by the group's codes (0 where a breakdown has
    /// fewer than two attributes).
    transitions: Vec<Grid>,
    new_nurses: BTreeMap<i32, [u64; 2]>,
    /// M3 by scope kind: 0 England (scope code 0), 1 region, 2 organisation.
    bands: [Grid; 3],
    /// M6 by breakdown (0 `all`, 1 `region`, 2 `org_code`, 3 `start_year`):
    /// per group (0 for `all`, the code, or the year after the panel's
    /// first), [events, censored] by spell length in months.
    spells: [Grid; 4],
    /// Scratch: one person's row at each snapshot (not a count).
    snapshot_rows: Vec<Option<usize>>,
    /// Scratch: the organisations of a person's support-work spells so far.
    spell_orgs: Vec<i32>,
}

impl CodePartial {
    /// Empty counts, with an M1 grid for each breakdown of `spec`.
    fn new(spec: &AnalysisSpec) -> CodePartial {
        CodePartial {
            transitions: spec.breakdowns.iter().map(|_| Grid::default()).collect(),
            ..CodePartial::default()
        }
    }

    fn merge(mut self, other: CodePartial) -> CodePartial {
        if self.transitions.len() < other.transitions.len() {
            self.transitions
                .resize_with(other.transitions.len(), Grid::default);
        }
        for (mine, theirs) in self.transitions.iter_mut().zip(other.transitions) {
            mine.merge(theirs);
        }
        add_counts(&mut self.new_nurses, other.new_nurses);
        for (mine, theirs) in self.bands.iter_mut().zip(other.bands) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.spells.iter_mut().zip(other.spells) {
            mine.merge(theirs);
        }
        self
    }

    fn into_text(self, spec: &AnalysisSpec, d: &Dictionaries) -> Partial {
        let mut out = Partial::default();
        let y0 = *spec.years().start();
        for (b, grid) in self.transitions.iter().enumerate() {
            let bd = &spec.breakdowns[b];
            for (first, second, yi, v) in grid.cells() {
                let group =
                    bd.0.iter()
                        .zip([first, second])
                        .map(|(a, c)| d.text(*a, c).to_string())
                        .collect();
                out.transitions.insert((y0 + yi as i32, b, group), v);
            }
        }
        out.new_nurses = self.new_nurses;
        let cells = self.bands.iter().enumerate().flat_map(|(kind, grid)| {
            grid.cells()
                .map(move |(scope, band, yi, v)| (y0 + yi as i32, kind as u8, scope, band, v))
        });
        for (year, kind, scope, band, v) in cells {
            let scope = match kind {
                0 => "England".to_string(),
                1 => d.text(Attr::Region, scope).to_string(),
                _ => d.text(Attr::OrgCode, scope).to_string(),
            };
            let e = out
                .bands
                .entry((year, kind, scope, d.text(Attr::AfcBand, band).to_string()))
                .or_default();
            for i in 0..3 {
                e[i] += v[i];
            }
        }
        let first_year = spec.first_year();
        for (kind, grid) in self.spells.iter().enumerate() {
            for (group, _, months, v) in grid.cells() {
                let (name, group) = match kind {
                    0 => ("all", "all".to_string()),
                    1 => ("region", d.text(Attr::Region, group).to_string()),
                    2 => ("org_code", d.text(Attr::OrgCode, group).to_string()),
                    _ => ("start_year", (first_year + i32::from(group)).to_string()),
                };
                let e = out
                    .spells
                    .entry((name.to_string(), group, months as u32))
                    .or_default();
                e[0] += v[0];
                e[1] += v[1];
            }
        }
        out
    }
}

/// What a set of persons' keys mean, built from the tables handed over with
/// them (see [`KeyTables`]) and kept while those stay the same.
struct Lookups {
    /// Key -> the file's code, per attribute: used only for the rows a
    /// table counts.
    code: [Vec<u16>; 9],
    /// The staff-group keys of support work, when there are at most four
    /// (the published groups have three): M6 tests every row against them,
    /// in blocks of rows compared at once.
    csw_keys: Option<[i32; 4]>,
    m6_by_region: bool,
    m6_by_org: bool,
    /// By staff-group key.
    class: Vec<RoleClass>,
    /// By staff-group key.
    nurse: Vec<bool>,
    /// By ethnicity key.
    ethnicity: Vec<EthnicityGroup>,
}

impl Lookups {
    fn new(d: &Dictionaries, spec: &AnalysisSpec, keys: &KeyTables<'_>) -> Lookups {
        let code: [Vec<u16>; 9] = std::array::from_fn(|a| keys.tables[a].to_vec());
        let by_key = |attr: Attr| {
            let values = &d.values[attr.index()];
            code[attr.index()]
                .iter()
                .map(move |&c| values[usize::from(c)].as_str())
        };
        let class: Vec<RoleClass> = by_key(Attr::StaffGroup).map(RoleClass::of_name).collect();
        let csw: Vec<i32> = (0..class.len())
            .filter(|&k| class[k] == RoleClass::Csw)
            .map(|k| k as i32)
            .collect();
        Lookups {
            // Fewer than four keys repeat the first; with none at all, -1
            // (never a key) stands in.
            csw_keys: (csw.len() <= 4).then(|| {
                let pad = csw.first().copied().unwrap_or(-1);
                std::array::from_fn(|k| csw.get(k).copied().unwrap_or(pad))
            }),
            m6_by_region: spec.breaks_down_by(Attr::Region),
            m6_by_org: spec.breaks_down_by(Attr::OrgCode),
            nurse: by_key(Attr::StaffGroup)
                .map(|g| g == "Nurses & health visitors")
                .collect(),
            ethnicity: by_key(Attr::Ethnicity).map(EthnicityGroup::of).collect(),
            class,
            code,
        }
    }

    /// The file's code of `attr` at `key`.
    fn code(&self, attr: Attr, key: i32) -> u16 {
        self.code[attr.index()][key as usize]
    }

    /// The first row from `from` on in support work. With at most four
    /// support-work keys, whole blocks of rows are compared at once,
    /// without a branch per row.
    fn next_csw(&self, groups: &[i32], from: usize) -> Option<usize> {
        let i = match self.csw_keys {
            Some(c) => skip_blocks(from, groups.len(), |i| {
                !groups[i..i + BLOCK].iter().fold(false, |hit, &g| {
                    hit | (g == c[0]) | (g == c[1]) | (g == c[2]) | (g == c[3])
                })
            }),
            None => from,
        };
        groups
            .get(i..)?
            .iter()
            .position(|&g| self.class[g as usize] == RoleClass::Csw)
            .map(|k| i + k)
    }
}

/// The last row of the spell at row `i`'s organisation that runs on from
/// row `i`: while the months follow on at the same organisation. Blocks of
/// rows are compared at once, without a branch per row, until one holds the
/// end.
fn spell_end(months: &[i32], org: &[i32], i: usize) -> usize {
    let o = org[i];
    // A block starting at `j` compares rows `j + 1 ..= j + BLOCK` with the
    // rows before them, so it lies within the rows after the first.
    let len = months.len().min(org.len());
    let mut j = skip_blocks(i, len.saturating_sub(1), |j| {
        let (m, g) = (&months[j..=j + BLOCK], &org[j + 1..=j + BLOCK]);
        (0..BLOCK).fold(true, |on, k| on & (m[k + 1] == m[k] + 1) & (g[k] == o))
    });
    while j + 1 < months.len() && months[j + 1] == months[j] + 1 && org[j + 1] == o {
        j += 1;
    }
    j
}

/// Adds one person's contribution to the tables asked for.
fn person(p: &PersonRows<'_>, spec: &AnalysisSpec, lk: &Lookups, out: &mut CodePartial) {
    let years = spec.years();
    let (y0, y1) = (*years.start(), *years.end());
    if y1 < y0 {
        return;
    }
    let m = spec.measures;
    // Row at each year's snapshot, in a buffer kept between persons.
    let n_years = (y1 - y0 + 1) as usize;
    let mut snap = std::mem::take(&mut out.snapshot_rows);
    snap.clear();
    snap.resize(n_years, None);
    // The years this person is in the panel at all: only they can hold a
    // snapshot row, so the per-year loops below visit only them.
    let (ya, yb) = match (p.months.first(), p.months.last()) {
        (Some(f), Some(l)) => (y0.max(f.div_euclid(12)), y1.min(l.div_euclid(12))),
        _ => (1, 0),
    };
    if (m.transitions || m.new_nurses || m.bands) && ya <= yb {
        // Months are unique and ascending, so a month `s` can only sit at
        // or before index `s - first`; each gap moves it one row earlier.
        let (first, last) = (p.months[0], p.months[p.months.len() - 1]);
        for y in ya..=yb {
            let s = spec.snapshot(y);
            if s < first || s > last {
                continue;
            }
            let mut i = ((s - first) as usize).min(p.months.len() - 1);
            while p.months[i] > s {
                i -= 1;
            }
            if p.months[i] == s {
                snap[(y - y0) as usize] = Some(i);
            }
        }
    }
    let sg = p.attrs[Attr::StaffGroup.index()];
    let class = |row: usize| lk.class[sg[row] as usize];
    // M1.
    for y in (ya..=yb.min(y1 - 1)).filter(|_| m.transitions) {
        let Some(r) = snap[(y - y0) as usize] else {
            continue;
        };
        if class(r) != RoleClass::Csw {
            continue;
        }
        let next = snap[(y + 1 - y0) as usize];
        let moved = u64::from(next.is_some_and(|n| class(n) == RoleClass::Registered));
        let left = u64::from(next.is_none());
        for (bd, grid) in spec.breakdowns.iter().zip(&mut out.transitions) {
            let mut key = [0u16; 2];
            for (k, &a) in bd.0.iter().enumerate() {
                key[k] = lk.code(a, p.attrs[a.index()][r]);
            }
            let e = grid.slot(n_years, key[0], key[1], (y - y0) as usize);
            e[0] += 1;
            e[1] += moved;
            e[2] += left;
        }
    }
    // M2: reported from the first panel year plus the look-back.
    let lookback = spec.lookback as i32;
    for y in ((y0 + lookback).max(y0 + 1).max(ya)..=yb).filter(|_| m.new_nurses) {
        let Some(r) = snap[(y - y0) as usize] else {
            continue;
        };
        if !lk.nurse[sg[r] as usize] {
            continue;
        }
        if snap[(y - 1 - y0) as usize].is_some_and(|prev| lk.nurse[sg[prev] as usize]) {
            continue;
        }
        let from_csw = (1..=lookback)
            .filter(|k| y - k >= y0)
            .any(|k| snap[(y - k - y0) as usize].is_some_and(|row| class(row) == RoleClass::Csw));
        let e = out.new_nurses.entry(y).or_default();
        e[0] += 1;
        e[1] += u64::from(from_csw);
    }
    // M3.
    let eth = p.attrs[Attr::Ethnicity.index()];
    let band = p.attrs[Attr::AfcBand.index()];
    let region = p.attrs[Attr::Region.index()];
    let org = p.attrs[Attr::OrgCode.index()];
    for (yi, r) in snap.iter().enumerate().filter(|_| m.bands) {
        let Some(r) = *r else { continue };
        let g = match lk.ethnicity[eth[r] as usize] {
            EthnicityGroup::White => 0,
            EthnicityGroup::Bme => 1,
            EthnicityGroup::Unknown => 2,
        };
        let band = lk.code(Attr::AfcBand, band[r]);
        for (kind, scope) in [
            (0usize, 0u16),
            (1, lk.code(Attr::Region, region[r])),
            (2, lk.code(Attr::OrgCode, org[r])),
        ] {
            out.bands[kind].slot(n_years, scope, band, yi)[g] += 1;
        }
    }
    out.snapshot_rows = snap;
    if !m.retention {
        return;
    }
    // M6: the first CSW spell at each organisation. A spell runs while the
    // months follow on at the same organisation, so the scan jumps past it.
    let months = p.months;
    // Spell lengths run from 1 to the panel's length in months.
    let lengths = (spec.last_month - spec.first_month).max(0) as usize + 2;
    let first_year = spec.first_year();
    let mut seen_orgs = std::mem::take(&mut out.spell_orgs);
    seen_orgs.clear();
    let mut next = lk.next_csw(sg, 0);
    while let Some(i) = next {
        let o = org[i];
        let j = spell_end(months, org, i);
        next = lk.next_csw(sg, j + 1);
        if seen_orgs.contains(&o) {
            continue;
        }
        seen_orgs.push(o);
        let m = months[i];
        let was_there_before = i > 0 && months[i - 1] == m - 1 && org[i - 1] == o;
        if m > spec.first_month && !was_there_before {
            let d = j - i + 1;
            let censored = usize::from(months[j] >= spec.last_month);
            // After the panel's first month, so in or after its first year.
            let start_year = (m.div_euclid(12) - first_year) as u16;
            let region = region.get(i).map_or(0, |&r| lk.code(Attr::Region, r));
            let org = lk.code(Attr::OrgCode, o);
            for (kind, group) in [(0, 0), (1, region), (2, org), (3, start_year)] {
                if (kind == 1 && !lk.m6_by_region) || (kind == 2 && !lk.m6_by_org) {
                    continue;
                }
                out.spells[kind].slot(lengths, group, 0, d)[censored] += 1;
            }
        }
    }
    out.spell_orgs = seen_orgs;
}

/// Aggregates one file. With at least as many files as threads, the files
/// give the parallelism and each file adds into one accumulator; with fewer,
/// each batch of persons is also split across threads.
fn analyze_file(path: &Path, spec: &AnalysisSpec, split: bool) -> Result<Partial, PanelError> {
    let mut acc = CodePartial::new(spec);
    // The lookups of the last two key tables seen (a batch's, and the
    // person carried between batches), each kept while its tables stay.
    let mut kept: [Option<(u64, Lookups)>; 2] = [None, None];
    let dicts = stream_file(path, &spec.attrs_read(), |people, keys, dicts| {
        let slot = match kept
            .iter()
            .position(|k| k.as_ref().is_some_and(|k| k.0 == keys.generation))
        {
            Some(i) => i,
            None => {
                kept.swap(0, 1);
                kept[0] = Some((keys.generation, Lookups::new(dicts, spec, keys)));
                0
            }
        };
        let Some((_, lk)) = kept[slot].as_ref() else {
            return;
        };
        if split {
            let part = people
                .par_chunks(1024)
                .fold(
                    || CodePartial::new(spec),
                    |mut p, chunk| {
                        for rows in chunk {
                            person(rows, spec, lk, &mut p);
                        }
                        p
                    },
                )
                .reduce(|| CodePartial::new(spec), CodePartial::merge);
            acc = std::mem::take(&mut acc).merge(part);
        } else {
            for rows in people {
                person(rows, spec, lk, &mut acc);
            }
        }
    })?;
    Ok(acc.into_text(spec, &dicts))
}

/// The smallest and largest day of the `month` column from the row groups'
/// statistics, when every row group has them (writers normally do).
fn month_statistics(meta: &ParquetMetaData, column: usize) -> Option<(i32, i32)> {
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for rg in meta.row_groups() {
        match rg.column(column).statistics()? {
            Statistics::Int32(s) => {
                lo = lo.min(*s.min_opt()?);
                hi = hi.max(*s.max_opt()?);
            }
            _ => return None,
        }
    }
    Some((lo, hi))
}

/// First and last month in the panel (month indexes): from the files'
/// statistics, or by reading only `month` where they are missing.
pub fn panel_bounds(files: &[PathBuf]) -> Result<(i32, i32), PanelError> {
    let bounds = files
        .par_iter()
        .map(|path| {
            let err = |m: String| PanelError::Read {
                path: path.clone(),
                message: m,
            };
            let file = std::fs::File::open(path).map_err(|e| err(e.to_string()))?;
            let builder =
                ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| err(e.to_string()))?;
            let i = builder
                .schema()
                .index_of("month")
                .map_err(|_| PanelError::Column {
                    path: path.clone(),
                    column: "month".into(),
                    message: "missing from the file".into(),
                })?;
            if let Some(bounds) = month_statistics(builder.metadata(), i) {
                return Ok(bounds);
            }
            let mask = ProjectionMask::roots(builder.parquet_schema(), [i]);
            let reader = builder
                .with_projection(mask)
                .build()
                .map_err(|e| err(e.to_string()))?;
            let (mut lo, mut hi) = (i32::MAX, i32::MIN);
            for batch in reader {
                let batch = batch.map_err(|e| err(e.to_string()))?;
                let col = batch
                    .column(0)
                    .as_primitive_opt::<Date32Type>()
                    .ok_or_else(|| PanelError::Column {
                        path: path.clone(),
                        column: "month".into(),
                        message: "expected Date32".into(),
                    })?;
                for &d in col.values().iter() {
                    lo = lo.min(d);
                    hi = hi.max(d);
                }
            }
            Ok((lo, hi))
        })
        .collect::<Result<Vec<_>, PanelError>>()?;
    let lo = bounds.iter().map(|b| b.0).min().unwrap_or(i32::MAX);
    let hi = bounds.iter().map(|b| b.1).max().unwrap_or(i32::MIN);
    if lo > hi {
        return Err(PanelError::Read {
            path: files.first().cloned().unwrap_or_default(),
            message: "the panel has no rows".into(),
        });
    }
    let to_month = |d: i32| crate::panel::month_index(Date::from_unix_days(i64::from(d)));
    Ok((to_month(lo), to_month(hi)))
}

/// Analyses every file of a panel in parallel and adds up the partials.
pub fn analyze_files(files: &[PathBuf], spec: &AnalysisSpec) -> Result<Partial, PanelError> {
    let split = files.len() < rayon::current_num_threads();
    files
        .par_iter()
        .map(|f| analyze_file(f, spec, split))
        .try_reduce(Partial::default, |a, b| Ok(a.merge(b)))
}

#[cfg(test)]
mod tests {
    use super::spell_end;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    #[test]
    fn a_spell_read_in_blocks_ends_where_a_row_by_row_reading_ends() {
        let mut rng = StdRng::seed_from_u64(6);
        let mut lengths = Vec::new();
        for _ in 0..200 {
            // Months mostly following on, now and then a gap; organisations
            // mostly staying, now and then changing.
            let n = rng.random_range(1..120);
            let mut months = vec![rng.random_range(0..100)];
            let mut org = vec![rng.random_range(0..3)];
            for _ in 1..n {
                let step = if rng.random_bool(0.97) { 1 } else { 2 };
                months.push(months[months.len() - 1] + step);
                let o = org[org.len() - 1];
                org.push(if rng.random_bool(0.97) {
                    o
                } else {
                    (o + 1) % 3
                });
            }
            for i in 0..n {
                let mut j = i;
                while j + 1 < n && months[j + 1] == months[j] + 1 && org[j + 1] == org[i] {
                    j += 1;
                }
                assert_eq!(
                    spell_end(&months, &org, i),
                    j,
                    "{months:?} {org:?} from {i}"
                );
                lengths.push(j - i + 1);
            }
        }
        assert!(lengths.iter().any(|&l| l > 40), "no spell spans blocks");
    }
}
