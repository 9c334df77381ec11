//! Charts drawn on the server as SVG (plotters), always shown beside the
//! table of the figures they draw.

use pathwise_domain::levy::Month;
use plotters::prelude::*;
use std::ops::Range;

/// How a chart's axes read.
struct Axes<'a> {
    x_label: &'a str,
    y_label: &'a str,
    y: Range<f64>,
    x_format: &'a dyn Fn(&f64) -> String,
    y_format: &'a dyn Fn(&f64) -> String,
    legend: SeriesLabelPosition,
}

/// A line chart of named series of (x, y) points as an SVG document; none
/// when there is nothing to draw.
fn lines(title: &str, axes: Axes<'_>, series: &[(&str, Vec<(f64, f64)>)]) -> Option<String> {
    let xs = series.iter().flat_map(|(_, p)| p.iter().map(|(x, _)| *x));
    let (x0, x1) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    if x0 >= x1 {
        return None;
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 400)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .margin_right(40)
            .x_label_area_size(40)
            .y_label_area_size(72)
            .build_cartesian_2d(x0..x1, axes.y)
            .ok()?;
        chart
            .configure_mesh()
            .x_desc(axes.x_label)
            .y_desc(axes.y_label)
            .x_label_formatter(axes.x_format)
            .y_label_formatter(axes.y_format)
            .draw()
            .ok()?;
        for (i, (name, points)) in series.iter().enumerate() {
            let colour = Palette99::pick(i).to_rgba();
            chart
                .draw_series(LineSeries::new(
                    points.iter().copied(),
                    colour.stroke_width(2),
                ))
                .ok()?
                .label(*name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(axes.legend)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

/// A line chart of named series of (x, y) points, y as a share 0-1 drawn as
/// a percentage, as an SVG document; none when there is nothing to draw.
pub fn share_lines(
    title: &str,
    x_label: &str,
    series: &[(&str, Vec<(f64, f64)>)],
) -> Option<String> {
    lines(
        title,
        Axes {
            x_label,
            y_label: "Still in post",
            y: 0.0..1.0,
            x_format: &|x| format!("{x:.0}"),
            y_format: &|y| format!("{:.0}%", *y * 100.0),
            legend: SeriesLabelPosition::LowerLeft,
        },
        series,
    )
}

/// A line chart of amounts of money by month (pence, drawn in pounds), one
/// line per named series over the same `months`.
pub fn money_by_month(
    title: &str,
    months: &[Month],
    series: &[(&str, Vec<i64>)],
) -> Option<String> {
    let top = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(100) as f64
        / 100.0;
    let points: Vec<(&str, Vec<(f64, f64)>)> = series
        .iter()
        .map(|(name, v)| {
            let p = v
                .iter()
                .enumerate()
                .map(|(i, pence)| (i as f64, *pence as f64 / 100.0))
                .collect();
            (*name, p)
        })
        .collect();
    let month_label = |x: &f64| {
        months
            .get(x.round().max(0.0) as usize)
            .map(|m| {
                let words = m.in_words();
                format!("{} {}", &words[..3], m.year())
            })
            .unwrap_or_default()
    };
    lines(
        title,
        Axes {
            x_label: "Month",
            y_label: "Pounds",
            y: 0.0..top * 1.1,
            x_format: &month_label,
            y_format: &|y| {
                if *y >= 1_000_000.0 {
                    format!("£{:.1}m", y / 1_000_000.0)
                } else {
                    format!("£{:.0}k", y / 1_000.0)
                }
            },
            legend: SeriesLabelPosition::LowerRight,
        },
        &points,
    )
}
