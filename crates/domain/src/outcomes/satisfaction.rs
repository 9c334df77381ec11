//! Managers' satisfaction with learners' readiness and confidence
//! (docs/METRICS.md, in-app outcome measures): the 1-5 rating given at
//! pathway reviews, as a distribution, a mean with its interval, and the
//! mean by quarter.

use super::progression::{shown, too_few};
use crate::Date;
use crate::metrics::Z95;

/// How many quarters the trend covers, ending with the as-of date's.
pub const TREND_QUARTERS: usize = 8;

/// The mean of some ratings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mean {
    /// The mean rating.
    pub mean: f64,
    /// Lower end of its 95% interval (normal approximation, s / sqrt(n));
    /// none for a single rating.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
}

/// The mean of ratings with its interval, kept within 1-5; none when there
/// are none.
pub fn mean_of(ratings: &[u8]) -> Option<Mean> {
    if ratings.is_empty() {
        return None;
    }
    let n = ratings.len() as f64;
    let mean = ratings.iter().map(|&r| f64::from(r)).sum::<f64>() / n;
    let (low, high) = if ratings.len() > 1 {
        let var = ratings
            .iter()
            .map(|&r| (f64::from(r) - mean).powi(2))
            .sum::<f64>()
            / (n - 1.0);
        let half = Z95 * (var / n).sqrt();
        (Some((mean - half).max(1.0)), Some((mean + half).min(5.0)))
    } else {
        (None, None)
    };
    Some(Mean { mean, low, high })
}

/// One quarter of the trend.
#[derive(Debug, Clone, PartialEq)]
pub struct Quarter {
    /// Its first day.
    pub starts: Date,
    /// "October to December 2026".
    pub label: String,
    /// Ratings given in it (none when suppressed).
    pub ratings: Option<u64>,
    /// Their mean (none when there are none, or suppressed).
    pub mean: Option<Mean>,
}

/// Managers' ratings of the people selected.
#[derive(Debug, Clone, PartialEq)]
pub struct Satisfaction {
    /// Ratings given on or before the as-of date (none when suppressed).
    pub ratings: Option<u64>,
    /// How many of each rating, 1 to 5 (none when suppressed).
    pub distribution: Vec<(u8, Option<u64>)>,
    /// The mean of them all.
    pub mean: Option<Mean>,
    /// The mean by quarter, oldest first.
    pub quarters: Vec<Quarter>,
    /// Whether the figures are under disclosure control.
    pub controlled: bool,
}

fn quarter_start(d: Date) -> Date {
    Date::new(d.year, (d.month - 1) / 3 * 3 + 1, 1).unwrap_or(d)
}

fn quarter_label(start: Date) -> String {
    let first = start.month_in_words();
    let last = Date::new(start.year, start.month + 2, 1).unwrap_or(start);
    format!(
        "{} to {}",
        first.split_whitespace().next().unwrap_or_default(),
        last.month_in_words()
    )
}

/// Ratings `(held on, rating)` summarised as of a date. Under `controlled`
/// (the analyst's view) counts are rounded to 5 and a mean resting on 1-7
/// ratings is suppressed (M7).
pub fn satisfaction(rated: &[(Date, u8)], as_of: Date, controlled: bool) -> Satisfaction {
    let given: Vec<(Date, u8)> = rated
        .iter()
        .copied()
        .filter(|(on, r)| *on <= as_of && (1..=5).contains(r))
        .collect();
    let mean = |rs: &[u8]| {
        if controlled && too_few(rs.len() as u64) {
            None
        } else {
            mean_of(rs)
        }
    };
    let all: Vec<u8> = given.iter().map(|(_, r)| *r).collect();
    let mut starts = vec![quarter_start(as_of)];
    for _ in 1..TREND_QUARTERS {
        let earlier = quarter_start(starts[0].plus_days(-1));
        starts.insert(0, earlier);
    }
    let quarters = starts
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let end = starts.get(i + 1).copied();
            let rs: Vec<u8> = given
                .iter()
                .filter(|(on, _)| *on >= s && end.is_none_or(|e| *on < e))
                .map(|(_, r)| *r)
                .collect();
            Quarter {
                starts: s,
                label: quarter_label(s),
                ratings: shown(rs.len() as u64, controlled),
                mean: mean(&rs),
            }
        })
        .collect();
    Satisfaction {
        ratings: shown(all.len() as u64, controlled),
        distribution: (1..=5u8)
            .map(|x| {
                let n = all.iter().filter(|&&r| r == x).count() as u64;
                (x, shown(n, controlled))
            })
            .collect(),
        mean: mean(&all),
        quarters,
        controlled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn the_mean_and_its_interval_by_hand() {
        // 2, 3, 4, 4, 5: mean 3.6.
        let m = mean_of(&[2, 3, 4, 4, 5]).unwrap();
        assert!((m.mean - 3.6).abs() < 1e-12);
        // s^2 = (2.56 + 0.36 + 0.16 + 0.16 + 1.96) / 4 = 1.3.
        let half = Z95 * (1.3f64 / 5.0).sqrt();
        assert!((m.low.unwrap() - (3.6 - half)).abs() < 1e-12);
        assert!((m.high.unwrap() - (3.6 + half).min(5.0)).abs() < 1e-12);
        let one = mean_of(&[4]).unwrap();
        assert_eq!((one.mean, one.low, one.high), (4.0, None, None));
        assert_eq!(mean_of(&[]), None);
        // The interval never leaves 1-5.
        let m = mean_of(&[5, 5, 5, 4]).unwrap();
        assert!(m.high.unwrap() <= 5.0);
    }

    #[test]
    fn ratings_after_the_as_of_date_do_not_count_and_quarters_run_oldest_first() {
        let rated = [
            (d("2026-11-03"), 4),
            (d("2026-10-01"), 2),
            (d("2026-09-30"), 5),
            (d("2026-12-02"), 1),
            (d("2024-01-01"), 3),
        ];
        let s = satisfaction(&rated, d("2026-12-01"), false);
        assert_eq!(s.ratings, Some(4), "2 December is after the as-of date");
        assert_eq!(
            s.distribution,
            [
                (1, Some(0)),
                (2, Some(1)),
                (3, Some(1)),
                (4, Some(1)),
                (5, Some(1))
            ]
        );
        assert_eq!(s.quarters.len(), TREND_QUARTERS);
        let last = s.quarters.last().unwrap();
        assert_eq!(last.label, "October to December 2026");
        assert_eq!(last.ratings, Some(2));
        assert!((last.mean.unwrap().mean - 3.0).abs() < 1e-12);
        let before = &s.quarters[TREND_QUARTERS - 2];
        assert_eq!(
            (before.label.as_str(), before.ratings),
            ("July to September 2026", Some(1))
        );
        assert_eq!(s.quarters[0].label, "January to March 2025");
        assert_eq!(s.quarters[0].mean, None, "nobody rated then");
    }

    #[test]
    fn under_control_small_counts_and_means_on_them_are_suppressed() {
        let rated: Vec<(Date, u8)> = (0..9)
            .map(|i| (d("2026-11-01"), 3 + (i % 2) as u8))
            .collect();
        let s = satisfaction(&rated, d("2026-12-01"), true);
        assert_eq!(s.ratings, Some(10), "9 rounds to 10");
        assert_eq!(s.distribution[2], (3, None), "5 threes: suppressed");
        assert!(s.mean.is_some(), "9 ratings are enough for a mean");
        let few = satisfaction(&rated[..4], d("2026-12-01"), true);
        assert_eq!((few.ratings, few.mean), (None, None));
    }
}
