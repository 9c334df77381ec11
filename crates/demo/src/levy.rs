//! The demo trust's levy account: a pay bill in proportion to its staff from
//! the April of last tax year to three years ahead, funds already in the
//! account, apprenticeships on the standards its pathways lead to (some
//! completed, one withdrawn, one on a break) and a transfer to a care home.
//! Dated from `today`, so the forecast always has a past and a future.

use pathwise_domain::Date;
use pathwise_domain::levy::{
    Apprenticeship, BreakInLearning, Month, OpeningFunds, PayrollMonth, Transfer,
};
use pathwise_storage::Store;
use pathwise_storage::levy::{LevyFile, import};

/// Standards, prices (pence), months and ages, in turn.
const COHORT: [(&str, i64, i32, u8); 6] = [
    ("ST0216", 500_000, 12, 19),
    ("ST0217", 900_000, 24, 31),
    ("ST0827", 1_500_000, 24, 27),
    ("ST0215", 1_400_000, 24, 38),
    ("ST0781", 2_600_000, 48, 29),
    ("ST0217", 900_000, 24, 22),
];

/// Builds the levy account of `org_id` with `staff` people.
pub async fn build_levy(
    store: &Store,
    org_id: i64,
    today: Date,
    staff: usize,
    now: i64,
) -> anyhow::Result<()> {
    let this_month = Month::of(today);
    let first = this_month.year_start().plus(-12);
    // About £3,400 a month per person, 3% more each April.
    let mut bill = staff as i64 * 340_000;
    let mut payroll = Vec::new();
    for i in 0..first.months_until(this_month.plus(36)) {
        let month = first.plus(i);
        if month.month() == 4 && i > 0 {
            bill = bill * 103 / 100;
        }
        payroll.push(PayrollMonth {
            month,
            pay_bill_pence: bill,
            english_basis_points: 10_000,
        });
    }
    let levy_a_month = (bill * 5 / 1000 - 125_000).max(0);
    let opening = (2..=11)
        .step_by(3)
        .map(|back| OpeningFunds {
            entered: this_month.plus(-back),
            amount_pence: levy_a_month * (12 - back as i64) / 12,
        })
        .collect();
    let count = (staff / 60).clamp(6, 40);
    let apprenticeships = (0..count)
        .map(|i| {
            let (standard, price, months, age) = COHORT[i % COHORT.len()];
            let start = this_month.plus(i as i32 % 30 - 24);
            let mut a = Apprenticeship {
                id: format!("APP-{:03}", i + 1),
                standard: standard.into(),
                start,
                planned_end: start.plus(months),
                price_pence: price,
                age_at_start: age + (i / COHORT.len()) as u8,
                completed: None,
                withdrawn: None,
                break_in_learning: None,
                price_change: None,
            };
            if a.planned_end < this_month {
                a.completed = Some(a.planned_end);
            }
            match i {
                3 => a.withdrawn = Some(start.plus(5)),
                7 => {
                    a.break_in_learning = Some(BreakInLearning {
                        from: start.plus(4),
                        to: start.plus(7),
                    })
                }
                _ => {}
            }
            if a.withdrawn.is_some() {
                a.completed = None;
            }
            a
        })
        .collect();
    let transfers = vec![Transfer {
        id: "TR-001".into(),
        partner: "Riverside Care Home".into(),
        standard: "ST0216".into(),
        start: this_month.plus(2),
        planned_end: this_month.plus(14),
        price_pence: 500_000,
        age_at_start: 34,
    }];
    for file in [
        LevyFile::PayBill(payroll),
        LevyFile::OpeningFunds(opening),
        LevyFile::Apprenticeships(apprenticeships),
        LevyFile::Transfers(transfers),
    ] {
        import(store, org_id, &file, None, now).await?;
    }
    Ok(())
}
