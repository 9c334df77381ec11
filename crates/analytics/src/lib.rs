//! Workforce panel analytics: an ESR-style monthly staff panel in Parquet,
//! streamed row group by row group and person by person, reduced to partial
//! aggregates that add up across files, so that a panel split by person into
//! many files gives exactly the result of one file. The metric definitions
//! are those of `docs/METRICS.md`; the formulas (intervals, relative
//! likelihood, Kaplan-Meier, disclosure control) live in
//! `pathwise_domain::metrics` and are shared with the web dashboards.
#![forbid(unsafe_code)]

pub mod engine;
pub mod generate;
pub mod import;
pub mod panel;
pub mod recruitment;
pub mod report;
pub mod spec;
pub mod tables;

pub use engine::{AnalysisSpec, Breakdown, Measures, Partial, analyze_files};
pub use panel::{Attr, KeyTables, PanelError, PersonRows, panel_files};
pub use tables::{Disclosure, Tables};
