//! The exact frontier (method in `docs/METRICS.md`, "Policy frontier").
//!
//! A region's best shortage for a total P is the sum of its P largest
//! place-by-place gains, and inequality depends on region totals only, so for
//! each lowest rate L the sweep raises the highest rate U one region total at
//! a time, keeping the best remaining gains in a heap.

use super::{Instance, Outcome};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// One point of the frontier with an allocation that achieves it.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierPoint {
    /// Shortage filled and inequality, with places by region.
    pub outcome: Outcome,
    /// Places per trust, in file order.
    pub places: Vec<u32>,
}

/// A region's gains, largest first, with the trust each comes from.
struct Gains {
    gain: Vec<i64>,
    trust: Vec<usize>,
    /// `prefix[k]`: the sum of the first k gains.
    prefix: Vec<i64>,
}

impl Gains {
    /// The largest total the region can take (its caps, at most N).
    fn most(&self) -> usize {
        self.gain.len()
    }
}

fn gains(inst: &Instance, g: usize) -> Gains {
    let n = inst.places() as usize;
    let mut positive: Vec<(i64, usize)> = Vec::new();
    let mut room: Vec<(usize, usize)> = Vec::new();
    for &i in &inst.regions()[g].trusts {
        let cap = (inst.cap(i) as usize).min(n);
        let q = inst.completion(i);
        let v = inst.trusts()[i].vacancies.max(0);
        let full = ((v / q) as usize).min(cap);
        positive.extend(std::iter::repeat_n((q, i), full));
        let mut used = full;
        let rest = v - q * full as i64;
        if used < cap && rest > 0 {
            positive.push((rest, i));
            used += 1;
        }
        room.push((i, cap - used));
    }
    positive.sort_by_key(|&(gain, i)| (Reverse(gain), i));
    positive.truncate(n);
    for (i, left) in room {
        let take = left.min(n - positive.len());
        positive.extend(std::iter::repeat_n((0, i), take));
    }
    let mut prefix = Vec::with_capacity(positive.len() + 1);
    prefix.push(0);
    for (gain, _) in &positive {
        prefix.push(prefix.last().copied().unwrap_or(0) + gain);
    }
    Gains {
        gain: positive.iter().map(|p| p.0).collect(),
        trust: positive.iter().map(|p| p.1).collect(),
        prefix,
    }
}

/// The largest `k` of several lists each sorted largest first, as how many
/// are taken from each (ties to the earlier list).
fn take_largest(lists: &[&[i64]], k: usize) -> Vec<usize> {
    let mut taken = vec![0; lists.len()];
    let mut heap: BinaryHeap<(i64, Reverse<usize>)> = lists
        .iter()
        .enumerate()
        .filter_map(|(g, l)| l.first().map(|x| (*x, Reverse(g))))
        .collect();
    for _ in 0..k {
        let Some((_, Reverse(g))) = heap.pop() else {
            break;
        };
        taken[g] += 1;
        if let Some(x) = lists[g].get(taken[g]) {
            heap.push((*x, Reverse(g)));
        }
    }
    taken
}

/// The frontier, most equal first (each point fills more shortage than the
/// one before and is less equal).
pub fn frontier(inst: &Instance) -> Vec<FrontierPoint> {
    let n = inst.places() as usize;
    let regions = inst.regions().len();
    let gains: Vec<Gains> = (0..regions).map(|g| gains(inst, g)).collect();
    let rates: Vec<Vec<f64>> = (0..regions)
        .map(|g| {
            (0..=gains[g].most())
                .map(|p| inst.region_rate(g, p as u64))
                .collect()
        })
        .collect();
    let mut events: Vec<(f64, usize, usize)> = rates
        .iter()
        .enumerate()
        .flat_map(|(g, r)| r.iter().enumerate().map(move |(p, x)| (*x, g, p)))
        .collect();
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let best = {
        let lists: Vec<&[i64]> = gains.iter().map(|g| g.gain.as_slice()).collect();
        let taken = take_largest(&lists, n);
        taken
            .iter()
            .zip(&gains)
            .map(|(k, g)| g.prefix[*k])
            .sum::<i64>()
    };

    // Key: the inequality's bits (non-negative floats order as their bits).
    let mut pareto: BTreeMap<u64, (i64, f64, f64)> = BTreeMap::new();
    let mut lo = vec![0usize; regions];
    let mut start = 0;
    while start < events.len() {
        let low = events[start].0;
        let mut end = start;
        while end < events.len() && events[end].0 == low {
            end += 1;
        }
        if lo.iter().zip(&gains).any(|(l, g)| *l > g.most()) {
            break;
        }
        let forced: usize = lo.iter().sum();
        if forced > n {
            break;
        }
        let k = n - forced;
        let base: i64 = lo.iter().zip(&gains).map(|(l, g)| g.prefix[*l]).sum();
        sweep(
            &events[start..],
            &lo,
            &gains,
            k,
            base,
            best,
            low,
            &mut pareto,
        );
        for e in &events[start..end] {
            lo[e.1] += 1;
        }
        start = end;
    }

    pareto
        .values()
        .map(|&(shortage, low, high)| {
            let point = allocate(inst, &gains, &rates, low, high);
            debug_assert_eq!(point.outcome.shortage, shortage);
            point
        })
        .collect()
}

/// For the lowest rate `low`, raises the highest rate through `events` and
/// keeps every (shortage, inequality) pair not yet beaten.
#[allow(clippy::too_many_arguments)]
fn sweep(
    events: &[(f64, usize, usize)],
    lo: &[usize],
    gains: &[Gains],
    k: usize,
    base: i64,
    best: i64,
    low: f64,
    pareto: &mut BTreeMap<u64, (i64, f64, f64)>,
) {
    let regions = lo.len();
    let mut present = 0;
    let mut heap: BinaryHeap<Reverse<i64>> = BinaryHeap::with_capacity(k + 1);
    let mut sum = 0i64;
    let mut available = 0usize;
    let mut last = i64::MIN;
    for (j, &(rate, g, p)) in events.iter().enumerate() {
        if p == lo[g] {
            present += 1;
        } else if p > lo[g] && p <= lo[g] + k {
            available += 1;
            let x = gains[g].gain[p - 1];
            if heap.len() < k {
                heap.push(Reverse(x));
                sum += x;
            } else if let Some(&Reverse(smallest)) = heap.peek()
                && x > smallest
            {
                heap.pop();
                heap.push(Reverse(x));
                sum += x - smallest;
            }
        }
        let group_ends = events.get(j + 1).is_none_or(|e| e.0 != rate);
        if !group_ends || present < regions || available < k {
            continue;
        }
        let shortage = base + sum;
        if shortage > last {
            last = shortage;
            keep(pareto, shortage, rate - low, low, rate);
        }
        if shortage == best {
            break;
        }
    }
}

/// Adds a pair unless one already kept is as good on both, dropping those it beats.
fn keep(
    pareto: &mut BTreeMap<u64, (i64, f64, f64)>,
    shortage: i64,
    inequality: f64,
    low: f64,
    high: f64,
) {
    let key = (inequality.max(0.0) + 0.0).to_bits();
    if let Some((_, v)) = pareto.range(..=key).next_back()
        && v.0 >= shortage
    {
        return;
    }
    let beaten: Vec<u64> = pareto
        .range(key..)
        .take_while(|(_, v)| v.0 <= shortage)
        .map(|(k, _)| *k)
        .collect();
    for b in beaten {
        pareto.remove(&b);
    }
    pareto.insert(key, (shortage, low, high));
}

/// The best allocation with every regional rate from `low` to `high`.
fn allocate(
    inst: &Instance,
    gains: &[Gains],
    rates: &[Vec<f64>],
    low: f64,
    high: f64,
) -> FrontierPoint {
    let n = inst.places() as usize;
    let lo: Vec<usize> = rates
        .iter()
        .map(|r| r.partition_point(|x| *x < low))
        .collect();
    let hi: Vec<usize> = rates
        .iter()
        .map(|r| r.partition_point(|x| *x <= high).saturating_sub(1))
        .collect();
    let k = n - lo.iter().sum::<usize>();
    let lists: Vec<&[i64]> = gains
        .iter()
        .enumerate()
        .map(|(g, gs)| &gs.gain[lo[g]..hi[g].max(lo[g])])
        .collect();
    let taken = take_largest(&lists, k);
    let mut places = vec![0u32; inst.trusts().len()];
    for (g, gs) in gains.iter().enumerate() {
        for &i in &gs.trust[..lo[g] + taken[g]] {
            places[i] += 1;
        }
    }
    FrontierPoint {
        outcome: inst.evaluate(&places),
        places,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SCALE, Trust};
    use super::*;

    fn trust(code: &str, region: &str, w: u32, vacancies: i64, t: f64, cap: u32) -> Trust {
        Trust {
            max_places: Some(cap),
            ..super::super::tests::trust(code, region, w, vacancies, t)
        }
    }

    #[test]
    fn a_two_region_frontier_by_hand() {
        // North: one trust, 10 workers at 0%, 1 vacancy. South: one trust,
        // 10 workers at 10%, 5 vacancies. Completion 1. Two places.
        // (2, 0): S = 1, rates 0.2 and 0.1, I = 0.1.
        // (1, 1): S = 2, rates 0.1 and 0.2, I = 0.1.
        // (0, 2): S = 2, rates 0 and 0.3, I = 0.3.
        // Only (1, 1) is on the frontier.
        let inst = Instance::new(
            vec![
                trust("N", "North", 10, 1, 0.0, 2),
                trust("S", "South", 10, 5, 0.1, 2),
            ],
            2,
            SCALE,
        )
        .unwrap();
        let f = frontier(&inst);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].places, vec![1, 1]);
        assert_eq!(f[0].outcome.shortage, 2 * SCALE);
    }

    #[test]
    fn a_trade_off_gives_several_points() {
        // North has the vacancies, South the low rate.
        let inst = Instance::new(
            vec![
                trust("N", "North", 10, 4, 0.3, 4),
                trust("S", "South", 10, 0, 0.0, 4),
            ],
            4,
            SCALE,
        )
        .unwrap();
        let f = frontier(&inst);
        let pairs: Vec<(i64, u32)> = f
            .iter()
            .map(|p| (p.outcome.shortage / SCALE, p.places[0]))
            .collect();
        // (0, 4): rates 0.3, 0.4, I = 0.1, S = 0; (1, 3): 0.4, 0.3, I = 0.1, S = 1;
        // (2, 2): I = 0.3, S = 2; (3, 1): I = 0.5; (4, 0): I = 0.7, S = 4.
        assert_eq!(pairs, vec![(1, 1), (2, 2), (3, 3), (4, 4)]);
    }
}
