//! The outputs people read: one XLSX workbook of every table, SVG charts
//! (M1 by region, M2 over time, band representation, retention curves) and
//! a one-page HTML report that says whether disclosure control is on.

use crate::tables::{Table, Tables};
use askama::Template;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    disclosure_control: bool,
    national: bool,
    rows_note: String,
    snapshot_month: u32,
    lookback: u32,
    headlines: Vec<(String, String)>,
    charts: Vec<(String, String)>,
    csv_files: Vec<String>,
}

/// Writes `tables.xlsx`, the SVG charts and `report.html` into `dir`.
pub fn write_all(
    tables: &Tables,
    dir: &Path,
    rows_note: &str,
    snapshot_month: u32,
    lookback: u32,
) -> Result<(), String> {
    write_xlsx(tables, &dir.join("tables.xlsx"))?;
    let charts = write_charts(tables, dir)?;
    let page = ReportPage {
        disclosure_control: tables.disclosure_control,
        national: tables.national,
        rows_note: rows_note.to_string(),
        snapshot_month,
        lookback,
        headlines: headlines(tables),
        charts,
        csv_files: tables
            .tables
            .iter()
            .map(|t| format!("{}.csv", t.name))
            .collect(),
    };
    let html = page.render().map_err(|e| format!("report: {e}"))?;
    std::fs::write(dir.join("report.html"), html).map_err(|e| format!("report.html: {e}"))
}

/// One sheet per table; numbers are written as numbers.
pub fn write_xlsx(tables: &Tables, path: &Path) -> Result<(), String> {
    let err = |e: rust_xlsxwriter::XlsxError| format!("{}: {e}", path.display());
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for t in &tables.tables {
        let sheet = book.add_worksheet();
        sheet.set_name(t.name).map_err(err)?;
        for (c, h) in t.header.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(err)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match v.parse::<f64>() {
                    Ok(x) if !v.is_empty() => sheet.write_number(r, c, x).map_err(err)?,
                    _ => sheet.write_string(r, c, v).map_err(err)?,
                };
            }
        }
    }
    book.save(path).map_err(err)
}

fn col(t: &Table, name: &str) -> usize {
    t.header.iter().position(|h| *h == name).unwrap_or(0)
}

fn headlines(tables: &Tables) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(t) = tables.get("transitions") {
        let (y, b, r) = (col(t, "year"), col(t, "breakdown"), col(t, "rate"));
        let national: Vec<&Vec<String>> = t.rows.iter().filter(|row| row[b] == "all").collect();
        if let (Some(first), Some(last)) = (national.first(), national.last()) {
            out.push((
                format!("Support-to-registered transition rate (M1), {}", first[y]),
                pct(&first[r]),
            ));
            out.push((
                format!("Support-to-registered transition rate (M1), {}", last[y]),
                pct(&last[r]),
            ));
        }
    }
    if let Some(t) = tables.get("new_nurse_share")
        && let Some(last) = t.rows.last()
    {
        out.push((
            format!("Share of new nurses from support roles (M2), {}", last[0]),
            pct(&last[3]),
        ));
    }
    if let Some(t) = tables.get("relative_likelihood") {
        let last_year = t
            .rows
            .iter()
            .filter(|r| r[0] != "all")
            .map(|r| r[0].clone())
            .max();
        for r in &t.rows {
            if Some(&r[0]) == last_year.as_ref() || r[0] == "all" {
                let v = if r[8].is_empty() {
                    "undefined or suppressed".to_string()
                } else {
                    format!("{:.2}", r[8].parse::<f64>().unwrap_or(0.0))
                };
                out.push((format!("{} ({}): {} vs {}", r[1], r[0], r[2], r[3]), v));
            }
        }
    }
    if let Some(t) = tables.get("retention") {
        for r in t.rows.iter().filter(|r| r[0] == "all") {
            out.push((
                format!("Retention of new support staff at {} months (M6)", r[2]),
                pct(&r[5]),
            ));
        }
    }
    out
}

fn pct(v: &str) -> String {
    v.parse::<f64>()
        .map_or("suppressed".into(), |x| format!("{:.1}%", x * 100.0))
}

type Series = BTreeMap<String, Vec<(f64, f64)>>;

fn line_chart(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &Series,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let points = series.values().flatten();
    let (mut x0, mut x1, mut y1) = (f64::MAX, f64::MIN, 0.0f64);
    for (x, y) in points {
        x0 = x0.min(*x);
        x1 = x1.max(*x);
        y1 = y1.max(*y);
    }
    if x0 > x1 {
        (x0, x1) = (0.0, 1.0);
    }
    if x0 == x1 {
        x1 = x0 + 1.0;
    }
    let root = SVGBackend::new(path, (900, 520)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .right_y_label_area_size(0)
        .build_cartesian_2d(x0..x1, 0.0..(y1 * 1.1).max(1e-6))
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()
        .map_err(|e| err(&e))?;
    for (i, (name, pts)) in series.iter().enumerate() {
        let colour = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), colour.stroke_width(2)))
            .map_err(|e| err(&e))?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))
}

fn write_charts(tables: &Tables, dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut charts = Vec::new();
    let num = |s: &str| s.parse::<f64>().ok();
    if let Some(t) = tables.get("transitions") {
        let mut s = Series::new();
        for r in &t.rows {
            if (r[1] == "region" || r[1] == "all")
                && let (Some(y), Some(rate)) = (num(&r[0]), num(&r[6]))
            {
                s.entry(r[2].clone()).or_default().push((y, rate * 100.0));
            }
        }
        line_chart(
            &dir.join("m1_by_region.svg"),
            "Support-to-registered transition rate by region (M1)",
            "year",
            "% of support staff",
            &s,
        )?;
        charts.push((
            "m1_by_region.svg".into(),
            "M1: transition rate by region, England in the same chart".into(),
        ));
    }
    if let Some(t) = tables.get("new_nurse_share") {
        let mut s = Series::new();
        for r in &t.rows {
            if let (Some(y), Some(v)) = (num(&r[0]), num(&r[3])) {
                s.entry("England".into()).or_default().push((y, v * 100.0));
            }
        }
        line_chart(
            &dir.join("m2_new_nurse_share.svg"),
            "Share of new nurses from support roles (M2)",
            "year",
            "% of new nurses",
            &s,
        )?;
        charts.push((
            "m2_new_nurse_share.svg".into(),
            "M2: share of the new nursing cohort from support roles".into(),
        ));
    }
    if let Some(t) = tables.get("band_representation") {
        let last = t
            .rows
            .iter()
            .filter_map(|r| num(&r[0]))
            .fold(f64::MIN, f64::max);
        let order = [
            "1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9",
        ];
        let mut s = Series::new();
        for r in &t.rows {
            if num(&r[0]) == Some(last)
                && (r[1] == "England" || r[1] == "London")
                && let (Some(i), Some(v)) = (order.iter().position(|b| *b == r[2]), num(&r[6]))
            {
                s.entry(r[1].clone())
                    .or_default()
                    .push((i as f64 + 1.0, v * 100.0));
            }
        }
        for pts in s.values_mut() {
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        line_chart(
            &dir.join("band_representation.svg"),
            &format!(
                "BME share of staff by band, {last:.0} (M3; 1-7, then 8a-8d as 8-11, 9 as 12)"
            ),
            "band",
            "% BME of known ethnicity",
            &s,
        )?;
        charts.push((
            "band_representation.svg".into(),
            "M3: BME share of staff by band, England and London".into(),
        ));
    }
    if let Some(t) = tables.get("retention") {
        let mut s = Series::new();
        for r in &t.rows {
            if (r[0] == "all" || r[0] == "region")
                && let (Some(m), Some(v)) = (num(&r[2]), num(&r[5]))
            {
                s.entry(if r[0] == "all" {
                    "England".into()
                } else {
                    r[1].clone()
                })
                .or_default()
                .push((m, v * 100.0));
            }
        }
        for pts in s.values_mut() {
            pts.insert(0, (0.0, 100.0));
        }
        line_chart(
            &dir.join("retention.svg"),
            "Retention of new support staff (M6, Kaplan-Meier)",
            "months since start",
            "% still at the organisation",
            &s,
        )?;
        charts.push((
            "retention.svg".into(),
            "M6: retention at 6, 12 and 18 months, England and each region".into(),
        ));
    }
    Ok(charts)
}
