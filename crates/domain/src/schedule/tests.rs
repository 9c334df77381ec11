//! The timetable optimiser.

use super::*;
use crate::rota::ShiftType;

fn day(n: i64) -> Date {
    "2026-05-04".parse::<Date>().unwrap().plus_days(n)
}

fn shift(person_id: i64, d: i64, kind: ShiftType, from: u32, hours: i64) -> Shift {
    let start = LocalTime::at(day(d), from * 60);
    Shift {
        person_id,
        start,
        end: start.plus_minutes(hours * 60),
        kind,
        site: "NGH".into(),
    }
}

fn slot(id: &str, d: i64, hour: u32, capacity: u32, venue: Venue) -> Slot {
    Slot {
        id: id.into(),
        sitting: Sitting {
            start: LocalTime::at(day(d), hour * 60),
            minutes: 60,
            venue,
        },
        capacity,
    }
}

/// A small random case: learners with a few shifts, slots at a few times.
fn random_case(seed: u64, learners: usize, slots: usize) -> (Vec<Learner>, Vec<Slot>) {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let kinds = [
        (ShiftType::Early, 7, 8),
        (ShiftType::Late, 13, 8),
        (ShiftType::LongDay, 7, 12),
        (ShiftType::Night, 19, 12),
        (ShiftType::Leave, 0, 24),
    ];
    let people: Vec<Learner> = (0..learners)
        .map(|i| {
            let shifts = (0..3)
                .filter_map(|d| {
                    let pick = next(7) as usize;
                    kinds
                        .get(pick)
                        .map(|(k, h, len)| shift(i as i64, d, *k, *h, *len))
                })
                .collect();
            Learner {
                person_id: i as i64,
                shifts,
                release_minutes_per_week: (next(4) == 0).then_some(30),
            }
        })
        .collect();
    let times = [8, 10, 14, 17, 20, 22];
    let slots: Vec<Slot> = (0..slots)
        .map(|j| {
            let venue = if next(3) == 0 {
                Venue::Online
            } else {
                Venue::Site(["NGH", "RCS"][next(2) as usize].into())
            };
            slot(
                &format!("s{j}"),
                next(3) as i64,
                times[next(times.len() as u64) as usize],
                1 + next(3) as u32,
                venue,
            )
        })
        .collect();
    (people, slots)
}

/// The exact optimum by brute force: every set of `k` slots, and for
/// each every way of giving each learner one of them or none.
fn brute_force(learners: &[Learner], slots: &[Slot], k: usize) -> usize {
    let settings = FitSettings::default();
    let fit: Vec<Vec<bool>> = learners
        .iter()
        .map(|l| {
            slots
                .iter()
                .map(|s| {
                    misfits(&s.sitting, &l.shifts, l.release_minutes_per_week, settings).is_empty()
                })
                .collect()
        })
        .collect();
    let mut best = 0;
    for mask in 0u32..1 << slots.len() {
        if mask.count_ones() as usize != k.min(slots.len()) {
            continue;
        }
        let chosen: Vec<usize> = (0..slots.len()).filter(|s| mask >> s & 1 == 1).collect();
        // Each learner: none, or one chosen slot (base chosen.len() + 1).
        let ways = (chosen.len() + 1).pow(learners.len() as u32);
        for mut w in 0..ways {
            let mut load = vec![0u32; chosen.len()];
            let mut placed = 0;
            let mut ok = true;
            for f in &fit {
                let pick = w % (chosen.len() + 1);
                w /= chosen.len() + 1;
                if pick == 0 {
                    continue;
                }
                let c = pick - 1;
                if !f[chosen[c]] {
                    ok = false;
                    break;
                }
                load[c] += 1;
                placed += 1;
            }
            if ok
                && load
                    .iter()
                    .zip(&chosen)
                    .all(|(n, s)| *n <= slots[*s].capacity)
            {
                best = best.max(placed);
            }
        }
    }
    best
}

fn check_assignments(plan: &Plan, learners: &[Learner], slots: &[Slot]) {
    let settings = FitSettings::default();
    let mut load = vec![0u32; slots.len()];
    for (l, a) in plan.assigned.iter().enumerate() {
        if let Some(s) = a {
            assert!(plan.chosen.contains(s), "assigned to a chosen slot");
            assert!(
                misfits(
                    &slots[*s].sitting,
                    &learners[l].shifts,
                    learners[l].release_minutes_per_week,
                    settings
                )
                .is_empty(),
                "every assignment fits the rules"
            );
            load[*s] += 1;
        }
    }
    for (s, n) in load.iter().enumerate() {
        assert!(*n <= slots[s].capacity, "slot {s} over capacity");
    }
    assert_eq!(plan.assigned.iter().flatten().count(), plan.covered);
    assert!(plan.covered <= plan.upper_bound);
}

#[test]
fn the_optimum_matches_brute_force_on_small_random_cases() {
    let mut greedy_at_optimum = 0;
    let cases = 60;
    for seed in 0..cases {
        let (learners, slots) = random_case(seed, 6, 5);
        let k = 1 + (seed % 3) as usize;
        let table = FitTable::new(&learners, &slots, FitSettings::default());
        let exact = brute_force(&learners, &slots, k);
        let plan = optimise(&table, k);
        assert_eq!(plan.method, Method::Exhaustive);
        assert_eq!(plan.covered, exact, "seed {seed}, k {k}");
        check_assignments(&plan, &learners, &slots);
        let greedy = optimise_greedy(&table, k);
        check_assignments(&greedy, &learners, &slots);
        assert!(greedy.covered <= exact);
        assert!(
            greedy.covered * 4 >= exact * 3,
            "seed {seed}: greedy {} of {exact}",
            greedy.covered
        );
        greedy_at_optimum += usize::from(greedy.covered == exact);
    }
    assert!(
        greedy_at_optimum * 10 >= cases as usize * 9,
        "{greedy_at_optimum} of {cases}"
    );
}

#[test]
fn reshuffling_places_a_learner_a_straight_pass_would_miss() {
    // Ada fits both slots, Ben only the first; one place each. Placed in
    // order, Ada takes the first; the augmenting path moves her.
    let learners = vec![
        Learner {
            person_id: 1,
            shifts: vec![],
            release_minutes_per_week: None,
        },
        Learner {
            person_id: 2,
            shifts: vec![shift(2, 0, ShiftType::Early, 7, 8)],
            release_minutes_per_week: None,
        },
    ];
    let slots = vec![
        slot("evening", 0, 18, 1, Venue::Online),
        slot("morning", 0, 9, 1, Venue::Online),
    ];
    let table = FitTable::new(&learners, &slots, FitSettings::default());
    let (covered, at) = table.assign(&[0, 1]);
    assert_eq!(covered, 2);
    assert_eq!(at, vec![Some(1), Some(0)]);
    let plan = optimise(&table, 1);
    assert_eq!((plan.covered, plan.upper_bound), (1, 1));
}

#[test]
fn an_uncovered_learner_is_told_why() {
    let night = Learner {
        person_id: 9,
        shifts: vec![
            shift(9, 0, ShiftType::Night, 19, 12),
            shift(9, 1, ShiftType::Night, 19, 12),
        ],
        release_minutes_per_week: None,
    };
    let slots = vec![
        slot("a", 0, 20, 5, Venue::Online),
        slot("b", 1, 10, 5, Venue::Online),
        slot("c", 2, 20, 0, Venue::Online),
    ];
    let s = FitSettings::default();
    assert_eq!(
        why_uncovered(&night, &slots, &[0, 1], s),
        "fits none of the chosen sessions: on a night shift at 1 of the 2; \
         resting after a night shift at 1 of the 2"
    );
    assert_eq!(
        why_uncovered(&night, &slots, &[2], s),
        "the chosen session they fit is full"
    );
}

#[test]
fn slot_and_learner_rows_are_read_or_every_field_wrong_is_named() {
    let row: &[(&str, &str)] = &[
        ("slot_id", "T1"),
        ("date", "2026-05-05"),
        ("start", "20:30"),
        ("minutes", "45"),
        ("site", "online"),
        ("capacity", "30"),
    ];
    let s = SlotRow::parse(row).unwrap();
    assert_eq!(
        (s.id.as_str(), s.sitting.end().clock(), s.capacity),
        ("T1", "21:15".to_string(), 30)
    );
    assert_eq!(s.sitting.venue, Venue::Online);
    let bad: &[(&str, &str)] = &[
        ("date", "5/5"),
        ("start", "noon"),
        ("minutes", "5"),
        ("capacity", "0"),
    ];
    let e = SlotRow::parse(bad).unwrap_err();
    let names: Vec<&str> = e.list().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        names,
        ["slot_id", "date", "start", "minutes", "capacity", "site"]
    );
    assert_eq!(
        CohortRow::parse([("person_id", "7")].as_slice()).unwrap(),
        (7, None)
    );
    assert_eq!(
        CohortRow::parse([("person_id", "7"), ("release_minutes_per_week", "180")].as_slice())
            .unwrap(),
        (7, Some(180))
    );
    let e = CohortRow::parse([("person_id", "x"), ("release_minutes_per_week", "-3")].as_slice())
        .unwrap_err();
    assert_eq!(e.list().len(), 2);
}

#[test]
fn the_bound_counts_who_fits_anything_and_the_largest_capacities() {
    let (learners, slots) = random_case(3, 20, 8);
    let table = FitTable::new(&learners, &slots, FitSettings::default());
    let plan = optimise(&table, 8);
    assert!(plan.covered <= plan.upper_bound);
    // With every slot chosen, the plan places everyone the matching can.
    let (all, _) = table.assign(&(0..8).collect::<Vec<_>>());
    assert_eq!(plan.covered, all);
}
