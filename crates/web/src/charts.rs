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

/// The policy frontier as an SVG document: shortage filled (places) against
/// regional inequality (percentage points), the frontier as a line (its
/// points marked when there are 60 or fewer) and each named policy as a labelled cross; none when empty.
pub fn frontier(points: &[(f64, f64)], policies: &[(&str, f64, f64)]) -> Option<String> {
    let all: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .chain(policies.iter().map(|(_, x, y)| (*x, *y)))
        .collect();
    if all.is_empty() {
        return None;
    }
    let (x1, y1) = all
        .iter()
        .fold((0.0f64, 0.0f64), |(x, y), p| (x.max(p.0), y.max(p.1)));
    let (x1, y1) = ((x1 * 1.1).max(0.01), (y1 * 1.1).max(1.0));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 440)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "Shortage filled against regional inequality",
                ("sans-serif", 20),
            )
            .margin(12)
            .margin_right(40)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(0.0..x1, 0.0..y1)
            .ok()?;
        chart
            .configure_mesh()
            .x_desc("Regional inequality (percentage points, lower is better)")
            .y_desc("Shortage filled (places, higher is better)")
            .x_label_formatter(&|x| format!("{:.1}", x * 100.0))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .ok()?;
        let line = Palette99::pick(0).to_rgba();
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                line.stroke_width(2),
            ))
            .ok()?
            .label("Frontier")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], line.stroke_width(2))
            });
        if points.len() <= 60 {
            chart
                .draw_series(points.iter().map(|p| Circle::new(*p, 3, line.filled())))
                .ok()?;
        }
        for (i, (name, x, y)) in policies.iter().enumerate() {
            let colour = Palette99::pick(i + 1).to_rgba();
            chart
                .draw_series(std::iter::once(Cross::new(
                    (*x, *y),
                    6,
                    colour.stroke_width(3),
                )))
                .ok()?
                .label(*name)
                .legend(move |(x, y)| Cross::new((x + 9, y), 5, colour.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

/// A bar chart of shares (0-1) by group, one bar per named series in each
/// group, as an SVG document; none when there is nothing to draw.
pub fn share_bars(
    title: &str,
    groups: &[String],
    series: &[(&str, Vec<Option<f64>>)],
) -> Option<String> {
    if groups.is_empty() || series.is_empty() {
        return None;
    }
    let top = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten().copied())
        .fold(0.0f64, f64::max);
    let top = (top * 1.15).clamp(0.05, 1.0);
    let n = groups.len();
    let width = 1.0 / (series.len() as f64 + 1.0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 400)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .margin_right(40)
            .x_label_area_size(56)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..n as f64, 0.0..top)
            .ok()?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.max(1))
            .x_label_formatter(&|x| {
                let i = x.floor() as usize;
                if (x - x.floor() - 0.5).abs() < 0.26 {
                    groups.get(i).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_desc("Share")
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .draw()
            .ok()?;
        for (s, (name, values)) in series.iter().enumerate() {
            let colour = Palette99::pick(s).to_rgba();
            chart
                .draw_series(values.iter().enumerate().filter_map(|(g, v)| {
                    let v = (*v)?;
                    let x0 = g as f64 + width * (s as f64 + 0.5);
                    Some(Rectangle::new(
                        [(x0, 0.0), (x0 + width, v)],
                        colour.filled(),
                    ))
                }))
                .ok()?
                .label(*name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .ok()?;
        root.present().ok()?;
    }
    Some(svg)
}
