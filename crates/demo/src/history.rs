//! Four years of staff history for the demo trust, so the outcome views have
//! shape: when each person started (some before their current role, a
//! promotion recorded in their role history), former support workers who
//! joined and left, and everyone's protected characteristics. Drawn from
//! its own random stream, so the rest of the demo is the same with it.

use crate::trust::{name, new_person};
use anyhow::Result;
use pathwise_domain::Date;
use pathwise_domain::staff::{AgeBand, Characteristics, Disability, Ethnicity, Sex};
use pathwise_storage::Store;
use pathwise_storage::people::{self, NewPerson};
use pathwise_storage::staff::{self, RoleSpell, StaffHistory};
use rand::Rng;
use rand::rngs::StdRng;

/// Roles a promotion comes from: the role before, for roles reached from it.
const PROMOTED_FROM: [(&str, &str); 4] = [
    ("senior-hcsw", "hcsw"),
    ("assistant-practitioner", "senior-hcsw"),
    ("trainee-nursing-associate", "hcsw"),
    ("nursing-associate", "trainee-nursing-associate"),
];

fn pick<T: Copy>(rng: &mut StdRng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0.0..total);
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

fn characteristics(rng: &mut StdRng) -> Characteristics {
    Characteristics {
        sex: pick(
            rng,
            &[(Sex::Female, 0.78), (Sex::Male, 0.21), (Sex::Unknown, 0.01)],
        ),
        ethnicity: pick(
            rng,
            &[
                (Ethnicity::White, 0.70),
                (Ethnicity::Asian, 0.12),
                (Ethnicity::Black, 0.10),
                (Ethnicity::Mixed, 0.03),
                (Ethnicity::Other, 0.02),
                (Ethnicity::Unknown, 0.03),
            ],
        ),
        age_band: pick(
            rng,
            &[
                (AgeBand::To24, 0.14),
                (AgeBand::To34, 0.26),
                (AgeBand::To44, 0.23),
                (AgeBand::To54, 0.21),
                (AgeBand::To64, 0.14),
                (AgeBand::From65, 0.02),
            ],
        ),
        disability: pick(
            rng,
            &[
                (Disability::No, 0.88),
                (Disability::Yes, 0.06),
                (Disability::Unknown, 0.06),
            ],
        ),
    }
}

/// Writes the history of the people stored (`(id, as added)`) and adds
/// former support workers at `site_ids`, numbered from `next_number`.
pub(crate) async fn build_history(
    store: &Store,
    org_id: i64,
    rng: &mut StdRng,
    today: Date,
    current: &[(i64, &NewPerson)],
    site_ids: &[i64],
    next_number: &mut u32,
) -> Result<()> {
    let now = today.to_unix_days() * 86_400;
    let mut histories = Vec::new();
    for (id, p) in current {
        let before = PROMOTED_FROM
            .iter()
            .find(|(to, _)| *to == p.role_code)
            .map(|(_, from)| *from)
            .filter(|_| rng.random_bool(0.6));
        let mut spells = Vec::new();
        let start = match before {
            Some(from) => {
                let start = p.role_started.months_before(rng.random_range(6..=30));
                spells.push(RoleSpell {
                    from: start,
                    role_code: from.to_string(),
                    band: None,
                });
                start
            }
            None => p.role_started,
        };
        spells.push(RoleSpell {
            from: p.role_started,
            role_code: p.role_code.clone(),
            band: None,
        });
        histories.push(StaffHistory {
            person_id: *id,
            start,
            left: None,
            spells,
            staff_group: None,
            characteristics: characteristics(rng),
        });
    }
    // Former support workers: joined in the last four years and left, a
    // third of them within six months.
    let four_years = 4 * 365;
    let mut leavers: Vec<NewPerson> = Vec::new();
    let mut dates = Vec::new();
    for _ in 0..current.len() / 4 {
        let start = today.plus_days(-rng.random_range(30..four_years));
        let in_post = (today.to_unix_days() - start.to_unix_days()) as u32;
        let days = if rng.random_bool(0.33) {
            rng.random_range(0..182)
        } else {
            rng.random_range(182..900)
        }
        .min(in_post - 1);
        let role = if rng.random_bool(0.7) {
            "hcsw"
        } else {
            "hcsw-personal-care"
        };
        let site = site_ids[rng.random_range(0..site_ids.len())];
        let mut p = new_person(site, name(rng), role, start);
        p.assignment_number = Some(format!("{:08}", *next_number));
        *next_number += 1;
        leavers.push(p);
        dates.push((start, start.plus_days(i64::from(days))));
    }
    let ids = people::insert_people(store, org_id, &leavers).await?;
    for ((id, p), (start, left)) in ids.iter().zip(&leavers).zip(dates) {
        histories.push(StaffHistory {
            person_id: *id,
            start,
            left: Some(left),
            spells: vec![RoleSpell {
                from: start,
                role_code: p.role_code.clone(),
                band: None,
            }],
            staff_group: None,
            characteristics: characteristics(rng),
        });
    }
    staff::write_histories(store, &histories, now).await?;
    Ok(())
}
