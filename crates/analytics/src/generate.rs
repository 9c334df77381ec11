//! A synthetic ESR-style panel, deterministic for a seed: every person is
//! simulated from their own random stream (seed and person id), so the panel
//! is the same whatever the number of partitions, and files are written in
//! parallel, one partition each, with bounded memory.
//!
//! Calibration (the numbers in [`Calibration`]): transitions from clinical
//! support to registered roles have an annual probability that doubles from
//! 2010 to 2024, scaled by region (South East 1.9 times North East) and trust
//! type (mental health above acute, relative to the mean of the region's
//! organisations, so the seed's trust mix does not move a region's rate); the share of nurses among external
//! joiners falls over time so that the share of the new nursing cohort coming
//! from support roles rises from about 4% to about 16%; the BME share of staff
//! falls with band, steeply in London. `docs/panel-calibration.md` records
//! the figures `analyze` gives on generated panels.

use crate::panel::month_index;
use arrow_array::builder::{Float32Builder, StringDictionaryBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, Date32Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use pathwise_domain::Date;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The nine ONS regions with their share of NHS staff.
pub const REGIONS: [(&str, f64); 9] = [
    ("North East", 0.06),
    ("North West", 0.15),
    ("Yorkshire and The Humber", 0.10),
    ("East Midlands", 0.08),
    ("West Midlands", 0.10),
    ("East of England", 0.10),
    ("London", 0.17),
    ("South East", 0.14),
    ("South West", 0.10),
];

/// Trust types with their share of organisations.
pub const TRUST_TYPES: [(&str, f64); 5] = [
    ("acute", 0.60),
    ("mental_health", 0.24),
    ("community", 0.08),
    ("ambulance", 0.05),
    ("other", 0.03),
];

/// The knobs of the generator.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// Annual probability of a support worker setting off for nursing, by
    /// year: (year, probability), linear between, flat outside.
    pub to_nursing: [(i32, f64); 3],
    /// Annual probability of a support worker moving to another registered
    /// role (midwife, allied health, scientist, paramedic).
    pub to_other_registered: f64,
    /// Region multipliers, in [`REGIONS`] order.
    pub region_multiplier: [f64; 9],
    /// Trust-type multipliers, in [`TRUST_TYPES`] order.
    pub trust_multiplier: [f64; 5],
    /// Monthly probability of leaving the NHS.
    pub monthly_leaving: f64,
    /// Monthly probability of moving to another organisation.
    pub monthly_move: f64,
    /// Share of nurses among joiners and among staff at the start.
    pub nurse_share: f64,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration {
            to_nursing: [(2009, 0.0027), (2014, 0.0030), (2024, 0.0135)],
            to_other_registered: 0.0070,
            region_multiplier: [0.62, 0.95, 0.9, 0.95, 1.0, 1.1, 1.05, 1.18, 1.05],
            trust_multiplier: [1.0, 1.35, 1.1, 0.7, 0.9],
            monthly_leaving: 0.009,
            monthly_move: 0.0015,
            nurse_share: 0.16,
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateSpec {
    /// Staff in post at any one time. Those in post at the start are persons
    /// 1..=N; joiners who replace leavers follow, so the panel holds about
    /// N rows a month and N * (1 + leaving rate * months) persons.
    pub persons: u64,
    /// Seed.
    pub seed: u64,
    /// First month.
    pub from: Date,
    /// Last month.
    pub to: Date,
    /// Number of files (persons split by id).
    pub partitions: usize,
    /// Knobs.
    pub calibration: Calibration,
    /// File format.
    pub format: Format,
}

/// The format of generated files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Parquet, the schema of [`schema`].
    #[default]
    Parquet,
    /// CSV with a header, months as `YYYY-MM` (what `panel import` reads).
    Csv,
}

impl GenerateSpec {
    /// Everyone simulated: those in post at the start and the joiners who
    /// replace leavers over the panel's months.
    pub fn total_persons(&self) -> u64 {
        let months = f64::from(month_index(self.to) - month_index(self.from));
        self.persons
            + (self.persons as f64 * self.calibration.monthly_leaving * months).round() as u64
    }
}

/// The panel's Arrow schema.
pub fn schema() -> Arc<Schema> {
    let dict = || DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let mut fields = vec![
        Field::new("person_id", DataType::Int64, false),
        Field::new("month", DataType::Date32, false),
    ];
    for name in [
        "org_code",
        "region",
        "trust_type",
        "staff_group",
        "afc_band",
    ] {
        fields.push(Field::new(name, dict(), false));
    }
    fields.push(Field::new("fte", DataType::Float32, false));
    for name in ["sex", "ethnicity", "age_band", "disability"] {
        fields.push(Field::new(name, dict(), false));
    }
    Arc::new(Schema::new(fields))
}

struct Org {
    code: String,
    region: usize,
    trust: usize,
    /// The trust type's multiplier over the mean of those of the region's
    /// organisations, so that a region's rate follows its own multiplier
    /// whichever trust types the seed gives it.
    trust_scale: f64,
}

fn organisations(seed: u64) -> Vec<Org> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0A11_0C47);
    let mut orgs = Vec::new();
    for i in 0..210 {
        // Each region gets organisations in proportion to its staff.
        let region = pick(&mut rng, &REGIONS.map(|r| r.1));
        let trust = if i % 21 == 0 {
            3
        } else {
            pick(&mut rng, &TRUST_TYPES.map(|t| t.1))
        };
        orgs.push(Org {
            code: format!("R{:03}", i + 1),
            region,
            trust,
            trust_scale: 1.0,
        });
    }
    orgs
}

fn pick(rng: &mut StdRng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

const STAFF_GROUPS: [(&str, f64); 13] = [
    ("HCHS doctors", 0.10),
    ("Nurses & health visitors", 0.0), // joiners: from the calibration
    ("Midwives", 0.02),
    ("Ambulance staff", 0.02),
    ("Scientific, therapeutic & technical staff", 0.11),
    ("Support to doctors, nurses & midwives", 0.24),
    ("Support to ambulance staff", 0.02),
    ("Support to ST&T staff", 0.06),
    ("Central functions", 0.12),
    ("Hotel, property & estates", 0.07),
    ("Senior managers", 0.01),
    ("Managers", 0.03),
    ("Other staff or those with unknown classification", 0.005),
];

fn is_csw(g: usize) -> bool {
    matches!(g, 5..=7)
}

fn band_for(rng: &mut StdRng, group: usize) -> &'static str {
    let (bands, weights): (&[&str], &[f64]) = match group {
        0 => (&[""], &[1.0]),
        1 | 2 => (&["5", "6", "7", "8a"], &[0.55, 0.3, 0.12, 0.03]),
        3 | 4 => (&["5", "6", "7", "8a", "8b"], &[0.3, 0.35, 0.25, 0.07, 0.03]),
        5..=7 => (&["2", "3", "4"], &[0.35, 0.5, 0.15]),
        8 => (
            &["2", "3", "4", "5", "6", "7"],
            &[0.15, 0.3, 0.25, 0.15, 0.1, 0.05],
        ),
        9 => (&["1", "2", "3"], &[0.2, 0.6, 0.2]),
        10 => (&["8c", "8d", "9", "VSM"], &[0.35, 0.3, 0.25, 0.1]),
        11 => (&["7", "8a", "8b", "8c"], &[0.3, 0.35, 0.25, 0.1]),
        _ => (&["3", "4", "5"], &[0.4, 0.3, 0.3]),
    };
    bands[pick(rng, weights)]
}

/// Chance a person is BME, by region and band: in London about 45% at
/// bands 2-5 falling to about 12% at band 9; elsewhere lower.
fn bme_chance(region: usize, band: &str) -> f64 {
    let london = match band {
        "1" | "2" | "3" | "4" | "5" => 0.45,
        "6" => 0.38,
        "7" => 0.30,
        "8a" | "8b" => 0.22,
        "8c" | "8d" => 0.16,
        "9" | "VSM" => 0.12,
        _ => 0.40,
    };
    if REGIONS[region].0 == "London" {
        london
    } else {
        london * 0.42
    }
}

fn to_nursing(c: &Calibration, year: i32) -> f64 {
    let pts = &c.to_nursing;
    if year <= pts[0].0 {
        return pts[0].1;
    }
    for w in pts.windows(2) {
        if year <= w[1].0 {
            let t = f64::from(year - w[0].0) / f64::from(w[1].0 - w[0].0);
            return w[0].1 + t * (w[1].1 - w[0].1);
        }
    }
    pts[pts.len() - 1].1
}

/// One person's rows, in month order.
#[derive(Debug, Default)]
struct Rows {
    months: Vec<i32>,
    org: Vec<usize>,
    group: Vec<usize>,
    band: Vec<&'static str>,
    fte: Vec<f32>,
    age: Vec<&'static str>,
}

struct Person {
    sex: &'static str,
    ethnicity: &'static str,
    disability: &'static str,
    rows: Rows,
}

fn age_band(age: i32) -> &'static str {
    match age {
        ..=24 => "16-24",
        25..=34 => "25-34",
        35..=44 => "35-44",
        45..=54 => "45-54",
        55..=64 => "55-64",
        _ => "65+",
    }
}

fn simulate(id: u64, spec: &GenerateSpec, orgs: &[Org], by_region: &[Vec<usize>]) -> Person {
    let c = &spec.calibration;
    let mut rng = StdRng::seed_from_u64(spec.seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let (first, last) = (month_index(spec.from), month_index(spec.to));
    // Those in post at the start are persons 1..=N; later persons are joiners.
    let entry = if id <= spec.persons {
        first
    } else {
        rng.random_range(first + 1..=last.max(first + 1))
    };
    let region = pick(&mut rng, &REGIONS.map(|r| r.1));
    let mut org = by_region[region][rng.random_range(0..by_region[region].len())];
    let mut weights = STAFF_GROUPS.map(|g| g.1);
    let q = c.nurse_share;
    weights[1] = q / (1.0 - q) * weights.iter().sum::<f64>();
    let mut group = pick(&mut rng, &weights);
    let mut band = band_for(&mut rng, group);
    let bme = rng.random_bool(bme_chance(region, band));
    let ethnicity = if rng.random_bool(0.03) {
        "Unknown"
    } else if bme {
        ["Asian", "Black", "Mixed", "Other"][pick(&mut rng, &[0.5, 0.3, 0.12, 0.08])]
    } else {
        "White"
    };
    let sex = if rng.random_bool(0.77) {
        "Female"
    } else {
        "Male"
    };
    let disability = ["No", "Yes", "Unknown"][pick(&mut rng, &[0.9, 0.05, 0.05])];
    let birth = entry.div_euclid(12) - rng.random_range(18..=60);
    let fte = if rng.random_bool(0.3) { 0.6 } else { 1.0 };
    let mut rows = Rows::default();
    let mut pending: Option<(i32, usize)> = None;
    let mut m = entry;
    while m <= last {
        if let Some((at, to)) = pending
            && m >= at
        {
            group = to;
            band = "5";
            pending = None;
        }
        rows.months.push(m);
        rows.org.push(org);
        rows.group.push(group);
        rows.band.push(band);
        rows.fte.push(fte);
        rows.age.push(age_band(m.div_euclid(12) - birth));
        // At each September, support staff may set off for a registered role.
        if m.rem_euclid(12) == 8 && is_csw(group) && pending.is_none() {
            let o = &orgs[org];
            let scale = c.region_multiplier[o.region] * o.trust_scale;
            let nursing = to_nursing(c, m.div_euclid(12)) * scale;
            let other = c.to_other_registered * scale;
            let x = rng.random::<f64>();
            // Midwife, allied health or scientist, paramedic.
            let to = if x < nursing {
                Some(1)
            } else if x < nursing + other {
                Some([2, 4, 3][pick(&mut rng, &[0.15, 0.7, 0.15])])
            } else {
                None
            };
            if let Some(to) = to {
                pending = Some((m + rng.random_range(1..=11), to));
            }
        }
        if rng.random_bool(c.monthly_leaving) {
            break;
        }
        if rng.random_bool(c.monthly_move) {
            let r = if rng.random_bool(0.8) {
                orgs[org].region
            } else {
                rng.random_range(0..9)
            };
            org = by_region[r][rng.random_range(0..by_region[r].len())];
        }
        // A few people have a break and come back.
        m += if rng.random_bool(0.002) {
            rng.random_range(2..=6)
        } else {
            1
        };
    }
    Person {
        sex,
        ethnicity,
        disability,
        rows,
    }
}

/// Writes the panel as `part-NNNNN.parquet` files in `out`, calling `progress`
/// with the number of persons done so far. Returns the rows written.
pub fn generate(
    spec: &GenerateSpec,
    out: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let orgs = organisations(spec.seed);
    let mut by_region: Vec<Vec<usize>> = vec![Vec::new(); 9];
    for (i, o) in orgs.iter().enumerate() {
        by_region[o.region].push(i);
    }
    // Regions without an organisation borrow one so that every region is staffed.
    for (r, orgs_here) in by_region.iter_mut().enumerate() {
        if orgs_here.is_empty() {
            orgs_here.push(r);
        }
    }
    let mut orgs = orgs;
    let means: Vec<f64> = by_region
        .iter()
        .map(|here| {
            here.iter()
                .map(|&i| spec.calibration.trust_multiplier[orgs[i].trust])
                .sum::<f64>()
                / here.len() as f64
        })
        .collect();
    for o in &mut orgs {
        o.trust_scale = spec.calibration.trust_multiplier[o.trust] / means[o.region];
    }
    let done = AtomicU64::new(0);
    let parts = spec.partitions.max(1);
    let rows: Result<Vec<u64>, String> = (0..parts)
        .into_par_iter()
        .map(|part| {
            let ext = match spec.format {
                Format::Parquet => "parquet",
                Format::Csv => "csv",
            };
            let path: PathBuf = out.join(format!("part-{part:05}.{ext}"));
            write_partition(spec, part, parts, &orgs, &by_region, &path, &done, progress)
        })
        .collect();
    Ok(rows?.iter().sum())
}

#[allow(clippy::too_many_arguments)]
fn write_partition(
    spec: &GenerateSpec,
    part: usize,
    parts: usize,
    orgs: &[Org],
    by_region: &[Vec<usize>],
    path: &Path,
    done: &AtomicU64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64, String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let file = std::fs::File::create(path).map_err(|e| err(&e))?;
    let mut sink = match spec.format {
        Format::Parquet => {
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_max_row_group_row_count(Some(1 << 20))
                .build();
            let schema = schema();
            let writer =
                ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| err(&e))?;
            Sink::Parquet(Box::new((writer, BatchBuilder::default(), schema)))
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
            w.write_record(CSV_HEADER).map_err(|e| err(&e))?;
            Sink::Csv(Box::new(w))
        }
    };
    let mut written = 0u64;
    let mut since_report = 0u64;
    let mut id = part as u64 + 1;
    let month_days: Vec<i32> = (month_index(spec.from)..=month_index(spec.to))
        .map(|m| {
            Date::new(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1)
                .map_or(0, |d| d.to_unix_days() as i32)
        })
        .collect();
    let first = month_index(spec.from);
    let total = spec.total_persons();
    while id <= total {
        let p = simulate(id, spec, orgs, by_region);
        written += p.rows.months.len() as u64;
        match &mut sink {
            Sink::Parquet(pq) => {
                let (writer, batch, schema) = &mut **pq;
                batch.push(id as i64, &p, orgs, &month_days, first);
                if batch.len() >= 256 * 1024 {
                    writer
                        .write(&batch.finish(schema).map_err(|e| err(&e))?)
                        .map_err(|e| err(&e))?;
                }
            }
            Sink::Csv(w) => write_csv_rows(w, id, &p, orgs).map_err(|e| err(&e))?,
        }
        since_report += 1;
        if since_report == 1000 {
            progress(done.fetch_add(since_report, Ordering::Relaxed) + since_report);
            since_report = 0;
        }
        id += parts as u64;
    }
    match sink {
        Sink::Parquet(pq) => {
            let (mut writer, mut batch, schema) = *pq;
            if batch.len() > 0 {
                writer
                    .write(&batch.finish(&schema).map_err(|e| err(&e))?)
                    .map_err(|e| err(&e))?;
            }
            writer.close().map_err(|e| err(&e))?;
        }
        Sink::Csv(mut w) => w.flush().map_err(|e| err(&e))?,
    }
    progress(done.fetch_add(since_report, Ordering::Relaxed) + since_report);
    Ok(written)
}

/// Where a partition's rows go.
enum Sink {
    Parquet(Box<(ArrowWriter<std::fs::File>, BatchBuilder, Arc<Schema>)>),
    Csv(Box<csv::Writer<std::io::BufWriter<std::fs::File>>>),
}

/// The CSV columns, in the order of docs/METRICS.md.
pub const CSV_HEADER: [&str; 12] = [
    "person_id",
    "month",
    "org_code",
    "region",
    "trust_type",
    "staff_group",
    "afc_band",
    "fte",
    "sex",
    "ethnicity",
    "age_band",
    "disability",
];

fn write_csv_rows(
    w: &mut csv::Writer<std::io::BufWriter<std::fs::File>>,
    id: u64,
    p: &Person,
    orgs: &[Org],
) -> Result<(), csv::Error> {
    let r = &p.rows;
    let id = id.to_string();
    for i in 0..r.months.len() {
        let o = &orgs[r.org[i]];
        let m = r.months[i];
        let month = format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1);
        let fte = r.fte[i].to_string();
        w.write_record([
            id.as_str(),
            month.as_str(),
            o.code.as_str(),
            REGIONS[o.region].0,
            TRUST_TYPES[o.trust].0,
            STAFF_GROUPS[r.group[i]].0,
            r.band[i],
            fte.as_str(),
            p.sex,
            p.ethnicity,
            r.age[i],
            p.disability,
        ])?;
    }
    Ok(())
}

#[derive(Default)]
struct BatchBuilder {
    person: Vec<i64>,
    month: Vec<i32>,
    org: StringDictionaryBuilder<Int32Type>,
    region: StringDictionaryBuilder<Int32Type>,
    trust: StringDictionaryBuilder<Int32Type>,
    group: StringDictionaryBuilder<Int32Type>,
    band: StringDictionaryBuilder<Int32Type>,
    fte: Float32Builder,
    sex: StringDictionaryBuilder<Int32Type>,
    ethnicity: StringDictionaryBuilder<Int32Type>,
    age: StringDictionaryBuilder<Int32Type>,
    disability: StringDictionaryBuilder<Int32Type>,
}

impl BatchBuilder {
    fn len(&self) -> usize {
        self.person.len()
    }

    fn push(&mut self, id: i64, p: &Person, orgs: &[Org], month_days: &[i32], first: i32) {
        let r = &p.rows;
        for i in 0..r.months.len() {
            let o = &orgs[r.org[i]];
            self.person.push(id);
            self.month.push(month_days[(r.months[i] - first) as usize]);
            self.org.append_value(&o.code);
            self.region.append_value(REGIONS[o.region].0);
            self.trust.append_value(TRUST_TYPES[o.trust].0);
            self.group.append_value(STAFF_GROUPS[r.group[i]].0);
            self.band.append_value(r.band[i]);
            self.fte.append_value(r.fte[i]);
            self.sex.append_value(p.sex);
            self.ethnicity.append_value(p.ethnicity);
            self.age.append_value(r.age[i]);
            self.disability.append_value(p.disability);
        }
    }

    fn finish(&mut self, schema: &Arc<Schema>) -> Result<RecordBatch, arrow_schema::ArrowError> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(std::mem::take(&mut self.person))),
            Arc::new(Date32Array::from(std::mem::take(&mut self.month))),
            Arc::new(self.org.finish()),
            Arc::new(self.region.finish()),
            Arc::new(self.trust.finish()),
            Arc::new(self.group.finish()),
            Arc::new(self.band.finish()),
            Arc::new(self.fte.finish()),
            Arc::new(self.sex.finish()),
            Arc::new(self.ethnicity.finish()),
            Arc::new(self.age.finish()),
            Arc::new(self.disability.finish()),
        ];
        RecordBatch::try_new(schema.clone(), columns)
    }
}
