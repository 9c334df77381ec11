//! The policy frontier against every allocation of small instances, and the
//! named policies worked by hand.

use pathwise_domain::frontier::policies::{Policy, place, place_all};
use pathwise_domain::frontier::{Instance, SCALE, Trust, frontier};

fn trust(code: &str, region: &str, w: u32, vacancies: i64, t: f64) -> Trust {
    Trust {
        org_code: code.into(),
        region: region.into(),
        trust_type: "acute".into(),
        support_workers: w,
        vacancies,
        transition_rate: t,
        max_places: None,
        completion: None,
    }
}

/// A small deterministic generator (64-bit LCG), so a failure repeats.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Every allocation of the instance's places within the caps.
fn every_allocation(inst: &Instance) -> Vec<Vec<u32>> {
    fn go(inst: &Instance, i: usize, left: u32, now: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
        if i == inst.trusts().len() {
            if left == 0 {
                out.push(now.clone());
            }
            return;
        }
        for p in 0..=inst.cap(i).min(left) {
            now.push(p);
            go(inst, i + 1, left - p, now, out);
            now.pop();
        }
    }
    let mut out = Vec::new();
    go(inst, 0, inst.places(), &mut Vec::new(), &mut out);
    out
}

/// The non-dominated (shortage, inequality) pairs among every allocation.
fn brute_force(inst: &Instance) -> Vec<(i64, f64)> {
    let pairs: Vec<(i64, f64)> = every_allocation(inst)
        .iter()
        .map(|a| {
            let o = inst.evaluate(a);
            (o.shortage, o.inequality)
        })
        .collect();
    let mut kept: Vec<(i64, f64)> = pairs
        .iter()
        .filter(|(s, i)| {
            !pairs
                .iter()
                .any(|(s2, i2)| s2 >= s && i2 <= i && (s2 > s || i2 < i))
        })
        .copied()
        .collect();
    kept.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    kept.dedup();
    kept
}

fn random_instance(rng: &mut Lcg) -> Instance {
    let regions = ["North", "South", "East"];
    let n_regions = 1 + rng.below(3) as usize;
    let n_trusts = n_regions + rng.below(4) as usize;
    let completions = [SCALE, 8_500, 5_000, 3_333];
    let trusts: Vec<Trust> = (0..n_trusts)
        .map(|i| {
            let mut t = trust(
                &format!("T{i}"),
                regions[i % n_regions],
                1 + rng.below(20) as u32,
                rng.below(9) as i64 * SCALE / 2,
                rng.below(6) as f64 * 0.05,
            );
            t.max_places = Some(rng.below(5) as u32);
            if rng.below(3) == 0 {
                t.completion = Some(completions[rng.below(4) as usize]);
            }
            t
        })
        .collect();
    let room: u32 = trusts.iter().map(|t| t.max_places.unwrap_or(0)).sum();
    let places = 1 + rng.below(u64::from(room.clamp(1, 7))) as u32;
    let completion = completions[rng.below(4) as usize];
    Instance::new(trusts, places.min(room.max(1)), completion).unwrap_or_else(|_| {
        Instance::new(
            vec![
                trust("X", "North", 5, SCALE, 0.1),
                trust("Y", "South", 5, 0, 0.0),
            ],
            2,
            SCALE,
        )
        .unwrap()
    })
}

#[test]
fn the_frontier_is_every_non_dominated_pair_of_every_allocation() {
    let mut rng = Lcg(2026);
    let mut trade_offs = 0;
    for case in 0..400 {
        let inst = random_instance(&mut rng);
        let expected = brute_force(&inst);
        let found = frontier(&inst);
        for p in &found {
            assert_eq!(p.places.iter().sum::<u32>(), inst.places(), "case {case}");
            for (i, n) in p.places.iter().enumerate() {
                assert!(*n <= inst.cap(i), "case {case}: trust {i} over its cap");
            }
            assert_eq!(inst.evaluate(&p.places), p.outcome, "case {case}");
        }
        let got: Vec<(i64, f64)> = found
            .iter()
            .map(|p| (p.outcome.shortage, p.outcome.inequality))
            .collect();
        assert_eq!(got, expected, "case {case}: {:?}", inst.trusts());
        if got.len() > 1 {
            trade_offs += 1;
        }
    }
    // The cases are not all trivial: many have a trade-off.
    assert!(
        trade_offs > 60,
        "only {trade_offs} of 400 cases have a trade-off"
    );
}

/// North: A (100 workers, 10 vacancies, 5%) and B (300, none, 1%);
/// South: C (200, 30, 10%). Twenty places, every place completing.
fn worked() -> Instance {
    Instance::new(
        vec![
            trust("A", "North", 100, 10 * SCALE, 0.05),
            trust("B", "North", 300, 0, 0.01),
            trust("C", "South", 200, 30 * SCALE, 0.10),
        ],
        20,
        SCALE,
    )
    .unwrap()
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn the_named_policies_by_hand() {
    let inst = worked();
    // Vacancies 10:0:30 -> 5, 0, 15: S = 5 + 15; North (8 + 5) / 400,
    // South (20 + 15) / 200, I = 0.175 - 0.0325.
    assert_eq!(place(&inst, Policy::Vacancies), vec![5, 0, 15]);
    // Head count 1:3:2 -> quotas 3.33, 10, 6.67 -> 3, 10, 7 (the one left to 0.67).
    assert_eq!(place(&inst, Policy::HeadCount), vec![3, 10, 7]);
    // Transitions now 5:3:20 -> quotas 3.57, 2.14, 14.29 -> 4, 2, 14.
    assert_eq!(place(&inst, Policy::CurrentPattern), vec![4, 2, 14]);
    // North (0.02) stays below South (0.10) for all 20 places: 28 / 400 = 0.07;
    // within North by head count 1:3.
    assert_eq!(place(&inst, Policy::EqualRates), vec![5, 15, 0]);

    let f = frontier(&inst);
    // Most equal: all 20 in North, A's 10 vacancies filled, I = 0.1 - 0.07.
    assert_eq!(f[0].outcome.shortage, 10 * SCALE);
    assert!(near(f[0].outcome.inequality, 0.03));
    // Most shortage: 20 filled needs every place in A (at most 10) or C;
    // I = (72 - 3 pA) / 400 is least at pA = 10: 0.105.
    let last = f.last().unwrap();
    assert_eq!(last.outcome.shortage, 20 * SCALE);
    assert!(near(last.outcome.inequality, 0.105));
    assert_eq!(last.places, vec![10, 0, 10]);

    let policies = place_all(&inst, &f);
    let by = |p: Policy| policies.iter().find(|x| x.policy == p).unwrap();
    let v = by(Policy::Vacancies);
    assert_eq!(v.outcome.shortage, 20 * SCALE);
    assert!(near(v.outcome.inequality, 0.1425));
    assert_eq!(v.shortage_gap, 0);
    assert!(near(v.inequality_gap, 0.1425 - 0.105));
    let e = by(Policy::EqualRates);
    assert_eq!(e.outcome.shortage, 5 * SCALE);
    assert_eq!(e.shortage_gap, 5 * SCALE);
    assert!(near(e.inequality_gap, 0.0));
    let h = by(Policy::HeadCount);
    // S = 3 + 7 = 10 at I = 0.135 - 0.0525 = 0.0825: the frontier fills 10 at 0.03.
    assert_eq!(h.outcome.shortage, 10 * SCALE);
    assert!(near(h.inequality_gap, 0.0825 - 0.03));
    assert!(h.shortage_gap > 0);
}

#[test]
fn a_large_instance_stays_within_its_totals() {
    // 42 trusts in 7 regions, 900 places: the frontier rises in S as I rises.
    let mut rng = Lcg(7);
    let regions = ["NE", "NW", "Mid", "East", "Lon", "SE", "SW"];
    let trusts: Vec<Trust> = (0..42)
        .map(|i| {
            trust(
                &format!("R{i:02}"),
                regions[i % 7],
                200 + rng.below(2_000) as u32,
                rng.below(30) as i64 * SCALE,
                0.01 + rng.below(60) as f64 / 1_000.0,
            )
        })
        .collect();
    let inst = Instance::new(trusts, 900, 8_500).unwrap();
    let f = frontier(&inst);
    assert!(f.len() > 10, "{} points", f.len());
    for w in f.windows(2) {
        assert!(w[1].outcome.shortage > w[0].outcome.shortage);
        assert!(w[1].outcome.inequality > w[0].outcome.inequality);
    }
    for p in &f {
        assert_eq!(p.places.iter().sum::<u32>(), 900);
    }
}
