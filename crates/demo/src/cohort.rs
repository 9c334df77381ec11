//! A synthetic cohort for the timetable optimiser's tests and benchmark:
//! learners with the demo's rota patterns (full-time days and nights,
//! part-time, fixed nights, a week of leave for some) at three sites, and
//! candidate slots at the times L&D offer sessions (before and after
//! earlies, lates and nights, mid-morning and full days), on site or online,
//! with 20 to 60 places. The same seed gives the same cohort.

use crate::rotas::{Rostered, rota};
use pathwise_domain::Date;
use pathwise_domain::rota::{LocalTime, Shift, Sitting, Venue};
use pathwise_domain::schedule::Slot;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The sites learners work at; the last is the mental health unit.
pub const COHORT_SITES: [&str; 3] = ["NGH", "RCS", "BHM"];

/// Start times slots are offered at (minutes after midnight).
const STARTS: [u32; 9] = [
    7 * 60 + 30,
    9 * 60,
    10 * 60,
    13 * 60 + 30,
    14 * 60,
    16 * 60,
    18 * 60,
    20 * 60 + 30,
    21 * 60 + 30,
];

/// Lengths, short blocks to a full teaching day.
const LENGTHS: [u32; 6] = [30, 45, 60, 90, 180, 450];

/// A synthetic cohort.
#[derive(Debug, Clone)]
pub struct Cohort {
    /// Every learner's shifts (staff records 1 to N).
    pub shifts: Vec<Shift>,
    /// Each learner's staff record and weekly release (a third have none).
    pub learners: Vec<(i64, Option<u32>)>,
    /// Candidate slots, ids `T1`, `T2`, ...
    pub slots: Vec<Slot>,
}

/// `learners` people rostered for `weeks` from the Monday `first`, and
/// `slots` candidate slots in those weeks.
pub fn synthetic_cohort(
    learners: usize,
    slots: usize,
    weeks: i64,
    seed: u64,
    first: Date,
) -> Cohort {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut shifts = Vec::new();
    let mut people = Vec::with_capacity(learners);
    for i in 0..learners {
        let person_id = i as i64 + 1;
        let site = COHORT_SITES[rng.random_range(0..COHORT_SITES.len())];
        shifts.extend(rota(
            &mut rng,
            &Rostered { person_id, site },
            first,
            weeks,
            false,
        ));
        let release = match rng.random_range(0..3) {
            0 => None,
            1 => Some(180),
            _ => Some(450),
        };
        people.push((person_id, release));
    }
    let slots = (0..slots)
        .map(|j| {
            let date = first.plus_days(rng.random_range(0..weeks * 7));
            let start = STARTS[rng.random_range(0..STARTS.len())];
            let minutes = LENGTHS[rng.random_range(0..LENGTHS.len())];
            let venue = if rng.random_bool(0.4) {
                Venue::Online
            } else {
                Venue::Site(COHORT_SITES[rng.random_range(0..COHORT_SITES.len())].into())
            };
            Slot {
                id: format!("T{}", j + 1),
                sitting: Sitting {
                    start: LocalTime::at(date, start),
                    minutes,
                    venue,
                },
                capacity: rng.random_range(20..=60),
            }
        })
        .collect();
    Cohort {
        shifts,
        learners: people,
        slots,
    }
}
