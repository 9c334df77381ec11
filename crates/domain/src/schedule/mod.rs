//! The timetable optimiser: from candidate slots, choose at most `k` and
//! give each learner at most one chosen slot that fits their rota (the fit
//! rules of [`crate::rota`]) and has room, reaching as many learners as
//! possible.
//!
//! Which learners a chosen set can reach is a maximum b-matching (learners
//! to slots, each slot up to its capacity), found by augmenting paths. The
//! set itself is found exactly, by trying every set of `k` slots, when there
//! are few enough sets ([`EXACT_LIMIT`]); otherwise greedily (the slot that
//! reaches the most learners not yet placed) and then improved by swapping a
//! chosen slot for another while that reaches more, stopping early once the
//! plan meets the upper bound (no plan can place more learners than fit some
//! slot, nor more than the `k` largest capacities hold).

use crate::Date;
use crate::input::{FieldErrors, Fields, staff_record_number};
use crate::learning::{MAX_CAPACITY, MAX_SESSION_MINUTES};
use crate::rota::{
    FitSettings, LocalTime, Misfit, Shift, Sitting, Venue, fits, misfits, parse_clock,
};
use std::collections::BTreeMap;

/// The most sets of `k` slots tried one by one for an exact answer.
pub const EXACT_LIMIT: u64 = 5_000;

/// The most chosen sets a swap search evaluates.
const SWAP_BUDGET: usize = 150;

/// A learner in the cohort: their rota and their weekly release, if limited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learner {
    /// Their staff record.
    pub person_id: i64,
    /// Their shifts, in any order.
    pub shifts: Vec<Shift>,
    /// Minutes of release a week, when agreed.
    pub release_minutes_per_week: Option<u32>,
}

/// A candidate slot for a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Its id in the slots file.
    pub id: String,
    /// When and where.
    pub sitting: Sitting,
    /// Places.
    pub capacity: u32,
}

/// How the chosen set was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Every set of `k` slots was tried: the plan is optimal.
    Exhaustive,
    /// Greedy choice improved by swaps.
    Greedy,
}

/// The optimiser's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The chosen slots, by index into the slots given.
    pub chosen: Vec<usize>,
    /// Each learner's chosen slot (index into the slots), if any.
    pub assigned: Vec<Option<usize>>,
    /// Learners placed.
    pub covered: usize,
    /// No plan can place more.
    pub upper_bound: usize,
    /// How it was found.
    pub method: Method,
}

impl Plan {
    /// Whether it is known to be optimal (tried exhaustively, or at the bound).
    pub fn proven_optimal(&self) -> bool {
        self.method == Method::Exhaustive || self.covered == self.upper_bound
    }
}

/// Which learners fit which slot, as bit sets, computed once.
#[derive(Debug, Clone)]
pub struct FitTable {
    learners: usize,
    words: usize,
    bits: Vec<u64>,
    capacity: Vec<u32>,
}

impl FitTable {
    /// Checks every learner against every slot by the fit rules (a learner's
    /// weekly release is the limit: the plan books nothing else that week).
    pub fn new(learners: &[Learner], slots: &[Slot], settings: FitSettings) -> FitTable {
        let words = learners.len().div_ceil(64);
        let mut bits = vec![0u64; words * slots.len()];
        // Only shifts starting from a day (and a rest and travel) before a
        // slot can bear on it: shifts last at most a day.
        let reach = 24 * 60
            + i64::from(settings.rest_after_night_hours) * 60
            + i64::from(settings.travel_minutes);
        for (l, learner) in learners.iter().enumerate() {
            let mut shifts = learner.shifts.clone();
            shifts.sort_by_key(|s| s.start);
            for (s, slot) in slots.iter().enumerate() {
                let from = slot.sitting.start.plus_minutes(-reach);
                let to = slot
                    .sitting
                    .end()
                    .plus_minutes(i64::from(settings.travel_minutes));
                let first = shifts.partition_point(|x| x.start < from);
                let last = shifts.partition_point(|x| x.start < to);
                if fits(
                    &slot.sitting,
                    &shifts[first..last],
                    learner.release_minutes_per_week,
                    settings,
                ) {
                    bits[s * words + l / 64] |= 1 << (l % 64);
                }
            }
        }
        FitTable {
            learners: learners.len(),
            words,
            bits,
            capacity: slots.iter().map(|s| s.capacity).collect(),
        }
    }

    fn row(&self, slot: usize) -> &[u64] {
        &self.bits[slot * self.words..(slot + 1) * self.words]
    }

    /// Whether learner `l` fits slot `s`.
    pub fn fit(&self, s: usize, l: usize) -> bool {
        self.row(s)[l / 64] >> (l % 64) & 1 == 1
    }

    /// Every (learner, slot) pair that fits, by slot.
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        (0..self.slots())
            .flat_map(|s| {
                (0..self.learners)
                    .filter(move |l| self.fit(s, *l))
                    .map(move |l| (l, s))
            })
            .collect()
    }

    /// How many learners fit slot `s`.
    pub fn fitting(&self, s: usize) -> usize {
        self.row(s).iter().map(|w| w.count_ones() as usize).sum()
    }

    fn slots(&self) -> usize {
        self.capacity.len()
    }

    /// No plan of `k` slots places more learners than this.
    pub fn upper_bound(&self, k: usize) -> usize {
        let mut any = vec![0u64; self.words];
        for s in 0..self.slots() {
            for (a, b) in any.iter_mut().zip(self.row(s)) {
                *a |= b;
            }
        }
        let reachable: usize = any.iter().map(|w| w.count_ones() as usize).sum();
        let mut caps: Vec<u32> = (0..self.slots())
            .map(|s| self.capacity[s].min(self.fitting(s) as u32))
            .collect();
        caps.sort_unstable_by(|a, b| b.cmp(a));
        let held: usize = caps.iter().take(k).map(|c| *c as usize).sum();
        reachable.min(held)
    }

    /// The most learners `chosen` can place, and who goes where (index
    /// into `chosen`): a maximum b-matching by augmenting paths.
    #[allow(
        clippy::needless_range_loop,
        reason = "learners are indices into two tables"
    )]
    pub fn assign(&self, chosen: &[usize]) -> (usize, Vec<Option<usize>>) {
        let n = self.learners;
        let mut at: Vec<Option<usize>> = vec![None; n];
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); chosen.len()];
        // Straight placements first.
        for (c, &s) in chosen.iter().enumerate() {
            let cap = self.capacity[s] as usize;
            for l in 0..n {
                if members[c].len() >= cap {
                    break;
                }
                if at[l].is_none() && self.fit(s, l) {
                    at[l] = Some(c);
                    members[c].push(l);
                }
            }
        }
        // Then one pass of augmenting paths: a learner with no path now
        // never gets one later (the classic matching lemma), so each is
        // tried once.
        let mut reach = self.can_reach_room(chosen, &members);
        for l in 0..n {
            if !reach.iter().any(|r| *r) {
                break;
            }
            if at[l].is_some() {
                continue;
            }
            let starts: Vec<usize> = (0..chosen.len())
                .filter(|c| reach[*c] && self.fit(chosen[*c], l))
                .collect();
            if starts.is_empty() {
                continue;
            }
            if self.augment(chosen, &mut at, &mut members, l, &starts) {
                reach = self.can_reach_room(chosen, &members);
            }
        }
        (members.iter().map(Vec::len).sum(), at)
    }

    /// For each chosen slot, whether moving learners along from it can end
    /// at a slot with room.
    fn can_reach_room(&self, chosen: &[usize], members: &[Vec<usize>]) -> Vec<bool> {
        let k = chosen.len();
        let mut reach: Vec<bool> = (0..k)
            .map(|c| members[c].len() < self.capacity[chosen[c]] as usize)
            .collect();
        // a reaches b's reach when someone placed at a fits b.
        let mut changed = true;
        while changed {
            changed = false;
            for a in 0..k {
                if reach[a] {
                    continue;
                }
                let hop = (0..k).any(|b| {
                    reach[b] && b != a && members[a].iter().any(|&v| self.fit(chosen[b], v))
                });
                if hop {
                    reach[a] = true;
                    changed = true;
                }
            }
        }
        reach
    }

    /// Places `l` by a breadth-first augmenting path from `starts`.
    fn augment(
        &self,
        chosen: &[usize],
        at: &mut [Option<usize>],
        members: &mut [Vec<usize>],
        l: usize,
        starts: &[usize],
    ) -> bool {
        let k = chosen.len();
        // came[b] = (previous slot, the learner moved from it to b).
        let mut came: Vec<Option<(usize, usize)>> = vec![None; k];
        let mut seen = vec![false; k];
        let mut queue = std::collections::VecDeque::new();
        for &c in starts {
            seen[c] = true;
            queue.push_back(c);
        }
        let mut end = None;
        while let Some(a) = queue.pop_front() {
            if members[a].len() < self.capacity[chosen[a]] as usize {
                end = Some(a);
                break;
            }
            for &v in &members[a] {
                for b in 0..k {
                    if !seen[b] && self.fit(chosen[b], v) {
                        seen[b] = true;
                        came[b] = Some((a, v));
                        queue.push_back(b);
                    }
                }
            }
        }
        let Some(mut b) = end else {
            return false;
        };
        while let Some((a, v)) = came[b] {
            members[a].retain(|x| *x != v);
            members[b].push(v);
            at[v] = Some(b);
            b = a;
        }
        members[b].push(l);
        at[l] = Some(b);
        true
    }
}

/// One row of a slots file: `slot_id,date,start,minutes,site,capacity`
/// (`site` a site code or `online`).
#[derive(Debug, Clone, Copy)]
pub struct SlotRow;

impl SlotRow {
    /// Reads a row; field names are the file's columns.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<Slot, FieldErrors> {
        let mut errors = FieldErrors::default();
        let id = f.field("slot_id");
        if id.is_empty() {
            errors.add("slot_id", "give the slot an id");
        }
        let text = f.field("date");
        let date = text.parse::<Date>().ok();
        if date.is_none() {
            errors.add("date", format!("'{text}' is not a date like 2026-05-04"));
        }
        let text = f.field("start");
        let start = parse_clock(text);
        if start.is_none() {
            errors.add("start", format!("'{text}' is not a time like 09:30"));
        }
        let mut number = |name: &str, low: u32, high: u32| {
            let text = f.field(name);
            let n = text
                .parse::<u32>()
                .ok()
                .filter(|n| (low..=high).contains(n));
            if n.is_none() {
                errors.add(
                    name,
                    format!("'{text}' is not a whole number from {low} to {high}"),
                );
            }
            n
        };
        let minutes = number("minutes", 15, MAX_SESSION_MINUTES);
        let capacity = number("capacity", 1, MAX_CAPACITY);
        let venue = match f.field("site") {
            "" => {
                errors.add("site", "give a site code, or online");
                None
            }
            v if v.eq_ignore_ascii_case("online") => Some(Venue::Online),
            v => Some(Venue::Site(v.to_string())),
        };
        errors.or_ok(|| {
            Some(Slot {
                id: id.to_string(),
                sitting: Sitting {
                    start: LocalTime::at(date?, start?),
                    minutes: minutes?,
                    venue: venue?,
                },
                capacity: capacity?,
            })
        })
    }
}

/// One row of a learners file: `person_id` and an optional
/// `release_minutes_per_week`.
#[derive(Debug, Clone, Copy)]
pub struct CohortRow;

impl CohortRow {
    /// Reads a row: the staff record and the weekly release, if given.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<(i64, Option<u32>), FieldErrors> {
        let mut errors = FieldErrors::default();
        let person = staff_record_number(f, "person_id", &mut errors);
        let text = f.field("release_minutes_per_week");
        let release = if text.is_empty() {
            Some(None)
        } else {
            let n = text.parse::<u32>().ok().filter(|n| *n <= 7 * 24 * 60);
            if n.is_none() {
                errors.add(
                    "release_minutes_per_week",
                    format!("'{text}' is not a number of minutes from 0 to 10080"),
                );
            }
            n.map(Some)
        };
        errors.or_ok(|| Some((person?, release?)))
    }
}

fn choose(n: u64, k: u64) -> u64 {
    let k = k.min(n - k.min(n));
    (0..k).fold(1u64, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

/// The best plan of at most `k` slots for `table`.
pub fn optimise(table: &FitTable, k: usize) -> Plan {
    let slots = table.slots();
    let k = k.min(slots);
    let bound = table.upper_bound(k);
    if k == 0 {
        return finish(table, Vec::new(), bound, Method::Exhaustive);
    }
    if choose(slots as u64, k as u64) <= EXACT_LIMIT {
        return exhaustive(table, k, bound);
    }
    let mut chosen = greedy(table, k);
    let (mut best, _) = table.assign(&chosen);
    if best < bound {
        swap_search(table, &mut chosen, &mut best, bound);
    }
    finish(table, chosen, bound, Method::Greedy)
}

/// The greedy plan improved by swaps, whatever the number of sets (for
/// tests and the benchmark, which compare it with the exact answer).
pub fn optimise_greedy(table: &FitTable, k: usize) -> Plan {
    let k = k.min(table.slots());
    let bound = table.upper_bound(k);
    let mut chosen = greedy(table, k);
    let (mut best, _) = table.assign(&chosen);
    if best < bound {
        swap_search(table, &mut chosen, &mut best, bound);
    }
    finish(table, chosen, bound, Method::Greedy)
}

fn finish(table: &FitTable, chosen: Vec<usize>, bound: usize, method: Method) -> Plan {
    let (covered, at) = table.assign(&chosen);
    Plan {
        assigned: at.iter().map(|c| c.map(|c| chosen[c])).collect(),
        chosen,
        covered,
        upper_bound: bound,
        method,
    }
}

/// How many sets of `k` of `n` slots there are (saturating).
pub fn sets_of(n: usize, k: usize) -> u64 {
    choose(n as u64, k.min(n) as u64)
}

/// The optimal plan found by trying every set of `k` slots, whatever their
/// number (the caller bounds it: see [`sets_of`]).
pub fn optimise_exhaustive(table: &FitTable, k: usize) -> Plan {
    let k = k.min(table.slots());
    let bound = table.upper_bound(k);
    if k == 0 {
        return finish(table, Vec::new(), bound, Method::Exhaustive);
    }
    exhaustive(table, k, bound)
}

fn exhaustive(table: &FitTable, k: usize, bound: usize) -> Plan {
    let n = table.slots();
    let mut set: Vec<usize> = (0..k).collect();
    let mut best = (0, set.clone());
    loop {
        let (covered, _) = table.assign(&set);
        if covered > best.0 {
            best = (covered, set.clone());
            if covered == bound {
                break;
            }
        }
        // The next set of k in lexicographic order.
        let Some(i) = (0..k).rev().find(|&i| set[i] < n - k + i) else {
            break;
        };
        set[i] += 1;
        for j in i + 1..k {
            set[j] = set[j - 1] + 1;
        }
    }
    finish(table, best.1, bound, Method::Exhaustive)
}

/// Each step adds the slot that places the most learners not yet placed
/// (at most its capacity), then re-places everyone.
fn greedy(table: &FitTable, k: usize) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::with_capacity(k);
    let mut placed = vec![0u64; table.words];
    for _ in 0..k {
        let mut best: Option<(usize, usize, usize)> = None;
        for s in 0..table.slots() {
            if chosen.contains(&s) {
                continue;
            }
            let free: usize = table
                .row(s)
                .iter()
                .zip(&placed)
                .map(|(f, p)| (f & !p).count_ones() as usize)
                .sum();
            let gain = free.min(table.capacity[s] as usize);
            let key = (gain, table.fitting(s), usize::MAX - s);
            if best.is_none_or(|b| key > b) {
                best = Some(key);
            }
        }
        let Some((_, _, s)) = best else { break };
        chosen.push(usize::MAX - s);
        let (_, at) = table.assign(&chosen);
        placed.iter_mut().for_each(|w| *w = 0);
        for (l, c) in at.iter().enumerate() {
            if c.is_some() {
                placed[l / 64] |= 1 << (l % 64);
            }
        }
    }
    chosen
}

/// Swaps one chosen slot for one not chosen while that places more, trying
/// the most promising first, within a budget of evaluations.
fn swap_search(table: &FitTable, chosen: &mut [usize], best: &mut usize, bound: usize) {
    let mut outside: Vec<usize> = (0..table.slots()).filter(|s| !chosen.contains(s)).collect();
    outside.sort_by_key(|&s| std::cmp::Reverse((table.capacity[s] as usize).min(table.fitting(s))));
    outside.truncate(20);
    let mut evaluations = 0;
    'improve: loop {
        for &s in &outside {
            if chosen.contains(&s) {
                continue;
            }
            for i in 0..chosen.len() {
                if evaluations >= SWAP_BUDGET {
                    return;
                }
                evaluations += 1;
                let old = chosen[i];
                chosen[i] = s;
                let (covered, _) = table.assign(chosen);
                if covered > *best {
                    *best = covered;
                    if covered >= bound {
                        return;
                    }
                    continue 'improve;
                }
                chosen[i] = old;
            }
        }
        return;
    }
}

/// Why a learner is placed in none of the chosen slots, in words: the
/// slots that fit them are full, or what in their rota rules out each one
/// ("nights or rest after nights at 7 of the 12 times; another site at 3").
pub fn why_uncovered(
    learner: &Learner,
    slots: &[Slot],
    chosen: &[usize],
    settings: FitSettings,
) -> String {
    if chosen.is_empty() {
        return "no session was chosen".into();
    }
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut fitting = 0;
    for &c in chosen {
        let found = misfits(
            &slots[c].sitting,
            &learner.shifts,
            learner.release_minutes_per_week,
            settings,
        );
        if found.is_empty() {
            fitting += 1;
            continue;
        }
        let mut kinds: Vec<&'static str> = found
            .iter()
            .map(|m| match m {
                Misfit::Overlaps { shift, .. } if shift.starts_with("night") => "on a night shift",
                Misfit::Overlaps {
                    travel: Some(_), ..
                } => "working at another site, with travel",
                Misfit::Overlaps { .. } => "working a shift",
                Misfit::TooSoonAfterNight { .. } => "resting after a night shift",
                Misfit::OverRelease { .. } => "longer than their weekly release",
                Misfit::OnLeave => "on leave",
            })
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        for kind in kinds {
            *counts.entry(kind).or_default() += 1;
        }
    }
    if fitting > 0 {
        return format!(
            "the {} they fit {} full",
            if fitting == 1 {
                "chosen session".to_string()
            } else {
                format!("{fitting} chosen sessions")
            },
            if fitting == 1 { "is" } else { "are" }
        );
    }
    let mut parts: Vec<(usize, &str)> = counts.into_iter().map(|(k, n)| (n, k)).collect();
    parts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let said: Vec<String> = parts
        .iter()
        .map(|(n, k)| format!("{k} at {n} of the {}", chosen.len()))
        .collect();
    format!("fits none of the chosen sessions: {}", said.join("; "))
}

#[cfg(test)]
mod tests;
