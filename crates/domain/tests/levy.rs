//! The levy ledger against examples worked by hand, one for each rule, and
//! properties that hold for any account.

use pathwise_domain::levy::{
    Apprenticeship, BreakInLearning, Employer, ForecastRequest, FundingRules, LedgerError, Month,
    MovementKind, OpeningFunds, Payment, PaymentKind, PayrollMonth, PriceChange, Transfer,
    forecast,
};
use pathwise_domain::standards::Standards;

fn rules() -> FundingRules {
    FundingRules::parse(include_str!("../../../catalogue/funding-rules.toml")).unwrap()
}

fn standards() -> Standards {
    Standards::parse(include_str!("../../../catalogue/standards.toml")).unwrap()
}

fn m(s: &str) -> Month {
    s.parse().unwrap()
}

fn pay(month: &str, pounds: i64) -> PayrollMonth {
    PayrollMonth {
        month: m(month),
        pay_bill_pence: pounds * 100,
        english_basis_points: 10_000,
    }
}

/// Pay bills for `n` months from `from`, each of `pounds`.
fn pay_run(from: &str, n: i32, pounds: i64) -> Vec<PayrollMonth> {
    (0..n)
        .map(|i| PayrollMonth {
            month: m(from).plus(i),
            pay_bill_pence: pounds * 100,
            english_basis_points: 10_000,
        })
        .collect()
}

fn apprenticeship(
    id: &str,
    standard: &str,
    start: &str,
    end: &str,
    pence: i64,
    age: u8,
) -> Apprenticeship {
    Apprenticeship {
        id: id.into(),
        standard: standard.into(),
        start: m(start),
        planned_end: m(end),
        price_pence: pence,
        age_at_start: age,
        completed: None,
        withdrawn: None,
        break_in_learning: None,
        price_change: None,
    }
}

fn transfer(id: &str, start: &str, end: &str, pence: i64) -> Transfer {
    Transfer {
        id: id.into(),
        partner: "Riverside Care Home".into(),
        standard: "ST0216".into(),
        start: m(start),
        planned_end: m(end),
        price_pence: pence,
        age_at_start: 30,
    }
}

fn request(from: &str, months: u32) -> ForecastRequest {
    ForecastRequest {
        from: m(from),
        months,
        employer: Employer::Levy,
        payroll: Vec::new(),
        apprenticeships: Vec::new(),
        transfers: Vec::new(),
        opening: Vec::new(),
    }
}

fn opening(entered: &str, pence: i64) -> OpeningFunds {
    OpeningFunds {
        entered: m(entered),
        amount_pence: pence,
    }
}

/// (month, pence) of each payment of a kind.
fn of_kind(payments: &[Payment], kind: PaymentKind) -> Vec<(String, i64)> {
    payments
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| (p.month.to_string(), p.pence))
        .collect()
}

#[test]
fn levy_is_worked_out_year_to_date_less_the_allowance_so_far_and_what_was_declared() {
    // April £100,000: 0.5% is £500, under the £1,250 allowance: nothing.
    // May £500,000: £3,000 so far less £2,500 allowance so far: £500.
    // June £500,000: £5,500 less £3,750 less the £500 declared: £1,250.
    // July £0: £5,500 less £5,000 is £500, under the £1,750 declared: nothing, not less.
    // August £1,000,000: £10,500 less £6,250 less £1,750: £2,500.
    let mut req = request("2026-05", 5);
    req.payroll = vec![
        pay("2026-04", 100_000),
        pay("2026-05", 500_000),
        pay("2026-06", 500_000),
        pay("2026-07", 0),
        pay("2026-08", 1_000_000),
    ];
    let f = forecast(&rules(), &standards(), &req).unwrap();
    let levy: Vec<i64> = f.months.iter().map(|r| r.levy_in).collect();
    // Declared for payroll month m enters in m+1.
    assert_eq!(levy, [0, 50_000, 125_000, 0, 250_000]);
}

#[test]
fn unused_allowance_does_not_carry_into_the_next_tax_year() {
    // £200,000 a month in 2026-27: £1,000 a month, always under the allowance.
    // April 2027 starts afresh: £5,000 on £1,000,000 less one month's £1,250.
    let mut req = request("2027-04", 2);
    req.payroll = pay_run("2026-04", 12, 200_000);
    req.payroll.push(pay("2027-04", 1_000_000));
    let f = forecast(&rules(), &standards(), &req).unwrap();
    assert_eq!(
        f.months[0].levy_in, 0,
        "March 2027's payroll enters in April"
    );
    assert_eq!(f.months[1].levy_in, 375_000);
}

#[test]
fn the_english_percentage_scales_the_levy_and_its_top_up() {
    // £1,250 declared at 90% English: £1,125 enters, with a 10% top-up of £112.50.
    let mut req = request("2026-05", 1);
    req.payroll = vec![PayrollMonth {
        english_basis_points: 9_000,
        ..pay("2026-04", 500_000)
    }];
    let f = forecast(&rules(), &standards(), &req).unwrap();
    assert_eq!((f.months[0].levy_in, f.months[0].top_up), (112_500, 11_250));
}

#[test]
fn a_tax_year_of_pay_bills_must_run_from_april() {
    let mut req = request("2026-07", 1);
    req.payroll = vec![pay("2026-04", 500_000), pay("2026-06", 500_000)];
    assert_eq!(
        forecast(&rules(), &standards(), &req).unwrap_err(),
        LedgerError::PayrollGap {
            month: m("2026-06"),
            missing: m("2026-05"),
            year: "2026-27".into()
        }
    );
    req.payroll = vec![pay("2026-04", 1), pay("2026-04", 2)];
    assert_eq!(
        forecast(&rules(), &standards(), &req).unwrap_err(),
        LedgerError::PayrollTwice(m("2026-04"))
    );
}

#[test]
fn the_top_up_ends_for_funds_entering_from_august_2026() {
    // June 2026's levy enters in July with 10%; July's enters in August with none.
    let mut req = request("2026-07", 2);
    req.payroll = pay_run("2026-04", 4, 500_000);
    let f = forecast(&rules(), &standards(), &req).unwrap();
    assert_eq!((f.months[0].levy_in, f.months[0].top_up), (125_000, 12_500));
    assert_eq!((f.months[1].levy_in, f.months[1].top_up), (125_000, 0));
}

#[test]
fn funds_expire_after_24_months_before_august_2026_and_12_from_then() {
    // April and May 2026 nothing; June £1,000,000 declares £1,250 (enters
    // July 2026 with top-up: £1,375); July £500,000 declares £1,250 (enters
    // August 2026: £1,250). July's funds last to June 2028, August's only to
    // July 2027: the younger funds go first.
    let mut req = request("2026-07", 26);
    req.payroll = vec![
        pay("2026-04", 0),
        pay("2026-05", 0),
        pay("2026-06", 1_000_000),
        pay("2026-07", 500_000),
    ];
    let f = forecast(&rules(), &standards(), &req).unwrap();
    let expired: Vec<(String, i64)> = f
        .months
        .iter()
        .filter(|r| r.expired > 0)
        .map(|r| (r.month.to_string(), r.expired))
        .collect();
    assert_eq!(
        expired,
        [("2027-07".into(), 125_000), ("2028-06".into(), 137_500)]
    );
    let row = |s: &str| *f.months.iter().find(|r| r.month == m(s)).unwrap();
    assert_eq!(row("2027-03").expiring_next_3_months, 0);
    assert_eq!(row("2027-04").expiring_next_3_months, 125_000);
    assert_eq!(row("2027-07").balance, 137_500);
    assert_eq!(row("2028-06").balance, 0);
}

#[test]
fn instalments_are_80_percent_in_equal_months_and_the_rest_on_completion() {
    // £5,000 from June 2026 to June 2027: 12 instalments of £333.33 (the
    // last £333.37) from June 2026 to May 2027, and £1,000 in June 2027.
    let a = apprenticeship("A1", "ST0216", "2026-06", "2027-06", 500_000, 19);
    let p = a.payments(8_000, 500_000);
    let inst = of_kind(&p, PaymentKind::Instalment);
    assert_eq!(inst.len(), 12);
    assert_eq!(inst[0], ("2026-06".into(), 33_333));
    assert_eq!(inst[10], ("2027-04".into(), 33_333));
    assert_eq!(inst[11], ("2027-05".into(), 33_337));
    assert_eq!(
        of_kind(&p, PaymentKind::Completion),
        [("2027-06".into(), 100_000)]
    );
    // 80% of £1,000.01 rounds down to £800.00: 266.66, 266.66, 266.68; the
    // completion takes the rest, £200.01.
    let odd =
        apprenticeship("A2", "ST0216", "2026-06", "2026-09", 100_001, 19).payments(8_000, 500_000);
    let pence: Vec<i64> = odd.iter().map(|p| p.pence).collect();
    assert_eq!(pence, [26_666, 26_666, 26_668, 20_001]);
}

#[test]
fn a_price_over_the_band_is_paid_at_the_band_and_noted() {
    let mut req = request("2026-06", 13);
    req.opening = vec![opening("2026-05", 10_000_000)];
    req.apprenticeships = vec![apprenticeship(
        "A1", "ST0216", "2026-06", "2027-06", 600_000, 19,
    )];
    let f = forecast(&rules(), &standards(), &req).unwrap();
    let paid: i64 = f.months.iter().map(|r| r.instalments + r.completions).sum();
    assert_eq!(paid, 500_000);
    assert_eq!(f.notes.len(), 1);
    assert!(
        f.notes[0].contains("ST0216 funding band of £5,000.00"),
        "{}",
        f.notes[0]
    );
}

#[test]
fn a_break_pauses_instalments_and_moves_the_planned_end() {
    // £6,000 over June to December 2026: six instalments of £800. Out of
    // learning in August and September, back in October: the last four
    // instalments move on two months, and completion to February 2027.
    let mut a = apprenticeship("A1", "ST0217", "2026-06", "2026-12", 600_000, 30);
    a.break_in_learning = Some(BreakInLearning {
        from: m("2026-08"),
        to: m("2026-10"),
    });
    let p = a.payments(8_000, 900_000);
    let months: Vec<String> = of_kind(&p, PaymentKind::Instalment)
        .into_iter()
        .map(|(m, _)| m)
        .collect();
    assert_eq!(
        months,
        [
            "2026-06", "2026-07", "2026-10", "2026-11", "2026-12", "2027-01"
        ]
    );
    assert_eq!(
        of_kind(&p, PaymentKind::Completion),
        [("2027-02".into(), 120_000)]
    );
}

#[test]
fn a_withdrawal_stops_instalments_and_no_completion_is_paid() {
    let mut a = apprenticeship("A1", "ST0217", "2026-06", "2026-12", 600_000, 30);
    a.withdrawn = Some(m("2026-09"));
    let p = a.payments(8_000, 900_000);
    assert_eq!(
        of_kind(&p, PaymentKind::Instalment),
        [
            ("2026-06".into(), 80_000),
            ("2026-07".into(), 80_000),
            ("2026-08".into(), 80_000)
        ]
    );
    assert!(of_kind(&p, PaymentKind::Completion).is_empty());
}

#[test]
fn a_change_of_price_spreads_what_is_left_over_the_months_left() {
    // £6,000 over six months, £800 a month; from September £9,000: 80% is
    // £7,200, £2,400 paid, so £4,800 over September to November (£1,600
    // each) and £1,800 on completion.
    let mut a = apprenticeship("A1", "ST0217", "2026-06", "2026-12", 600_000, 30);
    a.price_change = Some(PriceChange {
        from: m("2026-09"),
        price_pence: 900_000,
    });
    let pence: Vec<i64> = a.payments(8_000, 900_000).iter().map(|p| p.pence).collect();
    assert_eq!(
        pence,
        [80_000, 80_000, 80_000, 160_000, 160_000, 160_000, 180_000]
    );
}

#[test]
fn early_completion_pays_the_completion_amount_when_it_happens() {
    let mut a = apprenticeship("A1", "ST0217", "2026-06", "2026-12", 600_000, 30);
    a.completed = Some(m("2026-09"));
    let p = a.payments(8_000, 900_000);
    assert_eq!(of_kind(&p, PaymentKind::Instalment).len(), 4);
    assert_eq!(
        of_kind(&p, PaymentKind::Completion),
        [("2026-09".into(), 120_000)]
    );
}

/// The government's and the employer's shares when a £1,600 instalment is
/// due and the account holds £1,000, for a learner of `age` starting in `start`.
fn co_invested(employer: Employer, start: &str, age: u8) -> (i64, i64) {
    let mut req = request(start, 1);
    req.employer = employer;
    req.opening = vec![OpeningFunds {
        entered: m(start).plus(-1),
        amount_pence: 100_000,
    }];
    // £2,000 over one month: a £1,600 instalment in the start month.
    let a = apprenticeship(
        "A1",
        "ST0217",
        start,
        &m(start).plus(1).to_string(),
        200_000,
        age,
    );
    req.apprenticeships = vec![a];
    let row = forecast(&rules(), &standards(), &req).unwrap().months[0];
    assert_eq!(row.instalments, 160_000);
    assert_eq!(row.balance, 0);
    (row.co_invest_government, row.co_invest_employer)
}

#[test]
fn what_the_account_cannot_pay_is_co_invested_by_the_rule_at_the_start() {
    // £600 short. Before August 2026, 95% for anyone at a levy payer.
    assert_eq!(co_invested(Employer::Levy, "2026-07", 30), (57_000, 3_000));
    assert_eq!(co_invested(Employer::Levy, "2026-07", 19), (57_000, 3_000));
    // From August 2026, 75% at 25 or over, 100% under 25.
    assert_eq!(co_invested(Employer::Levy, "2026-08", 25), (45_000, 15_000));
    assert_eq!(co_invested(Employer::Levy, "2026-08", 24), (60_000, 0));
    // Non-levy employers: 95% at 25 or over, 100% under 25.
    assert_eq!(
        co_invested(Employer::NonLevy, "2026-09", 30),
        (57_000, 3_000)
    );
    assert_eq!(co_invested(Employer::NonLevy, "2026-09", 18), (60_000, 0));
}

#[test]
fn the_governments_share_rounds_down_to_the_penny() {
    // £3.33 short at 95%: £3.16 (316.35 pence, rounded down) and £0.17.
    let mut req = request("2026-06", 1);
    req.opening = vec![opening("2026-05", 100_000 - 333)];
    req.apprenticeships = vec![apprenticeship(
        "A1", "ST0217", "2026-06", "2026-07", 125_000, 30,
    )];
    let row = forecast(&rules(), &standards(), &req).unwrap().months[0];
    assert_eq!(row.instalments, 100_000);
    assert_eq!(
        (row.co_invest_government, row.co_invest_employer),
        (316, 17)
    );
}

#[test]
fn spending_takes_the_oldest_funds_first() {
    // £100 entered January 2025 and £100 January 2026; £150 paid in
    // February 2026 empties the older and leaves £50 of the newer; the
    // £37.50 completion in March comes from it too, and the £12.50 left
    // expires at the end of December 2027 (nothing in December 2026).
    let mut req = request("2026-02", 23);
    req.opening = vec![opening("2026-01", 10_000), opening("2025-01", 10_000)];
    req.apprenticeships = vec![apprenticeship(
        "A1", "ST0217", "2026-02", "2026-03", 18_750, 30,
    )];
    let f = forecast(&rules(), &standards(), &req).unwrap();
    assert_eq!(f.months[0].instalments, 15_000);
    assert_eq!(f.months[0].balance, 5_000);
    let expired: Vec<(String, Option<Month>, i64)> = f
        .movements
        .iter()
        .filter(|mv| mv.kind == MovementKind::Expired)
        .map(|mv| (mv.month.to_string(), mv.entered, mv.pence))
        .collect();
    assert_eq!(expired, [("2027-12".into(), Some(m("2026-01")), 1_250)]);
}

#[test]
fn within_a_month_funds_enter_before_payments_and_older_starts_are_paid_first() {
    // The account is empty; May's levy (£1,250 and £125 top-up) enters in
    // June. Two £800 instalments are due in June: Z-early, which started in
    // January, is paid in full; A-late gets the £575 left and £225 is
    // co-invested, £213.75 by the government and £11.25 by the employer.
    let mut req = request("2026-06", 1);
    req.payroll = pay_run("2026-04", 2, 500_000);
    req.apprenticeships = vec![
        apprenticeship("A-late", "ST0217", "2026-06", "2026-12", 600_000, 30),
        apprenticeship("Z-early", "ST0217", "2026-01", "2026-07", 600_000, 30),
    ];
    let f = forecast(&rules(), &standards(), &req).unwrap();
    let co: Vec<(Option<String>, i64)> = f
        .movements
        .iter()
        .filter(|mv| {
            matches!(
                mv.kind,
                MovementKind::CoInvestEmployer | MovementKind::CoInvestGovernment
            )
        })
        .map(|mv| (mv.id.clone(), mv.pence))
        .collect();
    assert_eq!(
        co,
        [
            (Some("A-late".into()), 1_125),
            (Some("A-late".into()), 21_375)
        ]
    );
    assert_eq!(f.months[0].instalments, 160_000);
    assert_eq!(f.months[0].balance, 0);
}

/// Levy of £1,375 a month entering May 2025 to March 2026 (April 2025 to
/// February 2026 payroll at £500,000): £15,125 in 2025-26, so transfers
/// starting in 2026-27 may commit 50% of it, £7,562.50.
fn transfer_request() -> ForecastRequest {
    let mut req = request("2026-04", 24);
    req.payroll = pay_run("2025-04", 23, 500_000);
    req
}

#[test]
fn transfers_are_paid_from_the_senders_funds_within_the_allowance() {
    let mut req = transfer_request();
    req.transfers = vec![
        transfer("T1", "2026-06", "2027-06", 500_000),
        transfer("T2", "2026-09", "2027-03", 250_000),
    ];
    let f = forecast(&rules(), &standards(), &req).unwrap();
    let out: i64 = f.months.iter().map(|r| r.transfers_out).sum();
    assert_eq!(out, 750_000);
    assert!(
        f.months
            .iter()
            .all(|r| r.instalments == 0 && r.completions == 0)
    );
}

#[test]
fn a_transfer_over_the_allowance_is_refused_saying_by_how_much() {
    let mut req = transfer_request();
    req.transfers = vec![
        transfer("T1", "2026-06", "2027-06", 500_000),
        transfer("T2", "2026-09", "2027-03", 300_000),
    ];
    let e = forecast(&rules(), &standards(), &req).unwrap_err();
    assert_eq!(
        e.to_string(),
        "transfer T2 is refused: with it, transfers starting in 2026-27 would commit £8,000.00, \
         £437.50 over the limit of £7,562.50 (50% of the £15,125.00 that entered in 2025-26)"
    );
    // A transfer starting in the next year counts against that year's allowance.
    req.transfers[1] = transfer("T2", "2027-04", "2027-10", 300_000);
    assert!(forecast(&rules(), &standards(), &req).is_ok());
}

#[test]
fn unknown_standards_and_ids_used_twice_are_refused() {
    let mut req = request("2026-06", 1);
    req.apprenticeships = vec![apprenticeship("A1", "ST0777", "2026-06", "2027-06", 1, 30)];
    assert_eq!(
        forecast(&rules(), &standards(), &req)
            .unwrap_err()
            .to_string(),
        "A1: ST0777 is not a standard in the register"
    );
    req.apprenticeships = vec![
        apprenticeship("A1", "ST0216", "2026-06", "2027-06", 1, 30),
        apprenticeship("A1", "ST0216", "2026-07", "2027-06", 1, 30),
    ];
    assert_eq!(
        forecast(&rules(), &standards(), &req).unwrap_err(),
        LedgerError::IdTwice("A1".into())
    );
}

/// A small deterministic generator for the properties below.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

fn random_account(seed: u64) -> ForecastRequest {
    let mut d = Draw(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let from = m("2025-01").plus(d.between(0, 30) as i32);
    let employer = if d.below(4) == 0 {
        Employer::NonLevy
    } else {
        Employer::Levy
    };
    let first_april = from.year_start().plus(-12);
    let payroll = (0..d.between(0, 48))
        .map(|i| PayrollMonth {
            month: first_april.plus(i as i32),
            pay_bill_pence: d.between(0, 200_000_000),
            english_basis_points: if d.below(3) == 0 { 9_250 } else { 10_000 },
        })
        .collect();
    let opening = (0..d.between(0, 4))
        .map(|_| OpeningFunds {
            entered: from.plus(-(d.between(1, 11) as i32)),
            amount_pence: d.between(1, 5_000_000),
        })
        .collect();
    let codes = ["ST0216", "ST0217", "ST0827", "ST0781", "ST0215"];
    let apprenticeships = (0..d.between(0, 12))
        .map(|i| {
            let start = from.plus(d.between(-18, 24) as i32);
            let len = d.between(1, 40) as i32;
            let mut a = Apprenticeship {
                id: format!("A{i}"),
                standard: codes[d.below(codes.len() as u64) as usize].into(),
                start,
                planned_end: start.plus(len),
                price_pence: d.between(1, 3_000_000),
                age_at_start: d.between(16, 60) as u8,
                completed: None,
                withdrawn: None,
                break_in_learning: None,
                price_change: None,
            };
            match d.below(6) {
                0 => a.withdrawn = Some(start.plus(d.between(0, len as i64) as i32)),
                1 => a.completed = Some(start.plus(d.between(0, len as i64 + 3) as i32)),
                2 if len > 1 => {
                    let b = start.plus(d.between(1, len as i64 - 1) as i32);
                    a.break_in_learning = Some(BreakInLearning {
                        from: b,
                        to: b.plus(d.between(1, 6) as i32),
                    });
                }
                3 if len > 1 => {
                    a.price_change = Some(PriceChange {
                        from: start.plus(d.between(1, len as i64 - 1) as i32),
                        price_pence: d.between(1, 3_000_000),
                    })
                }
                _ => {}
            }
            a
        })
        .collect();
    let transfers = (0..d.between(0, 3))
        .map(|i| {
            let start = from.plus(d.between(0, 24) as i32);
            Transfer {
                id: format!("T{i}"),
                partner: "Partner".into(),
                standard: "ST0216".into(),
                start,
                planned_end: start.plus(d.between(1, 18) as i32),
                price_pence: d.between(1, 500_000),
                age_at_start: d.between(16, 60) as u8,
            }
        })
        .collect();
    ForecastRequest {
        from,
        months: d.between(1, 48) as u32,
        employer,
        payroll,
        apprenticeships,
        transfers,
        opening,
    }
}

#[test]
fn money_is_conserved_no_balance_goes_below_zero_and_nothing_expires_early() {
    let (rules, standards) = (rules(), standards());
    let mut checked = 0;
    for seed in 0..400 {
        let mut req = random_account(seed);
        let f = match forecast(&rules, &standards, &req) {
            Ok(f) => f,
            Err(LedgerError::TransferOverLimit { .. }) => {
                req.transfers.clear();
                forecast(&rules, &standards, &req).unwrap()
            }
            Err(e) => panic!("seed {seed}: {e}"),
        };
        let mut balance = f.opening_pence;
        let (mut total_in, mut total_out) = (f.opening_pence, 0);
        for row in &f.months {
            let paid = row.paid_from_funds();
            assert!(paid >= 0 && row.co_invest_employer >= 0 && row.co_invest_government >= 0);
            assert_eq!(
                balance + row.levy_in + row.top_up - paid - row.expired,
                row.balance,
                "seed {seed}, {}",
                row.month
            );
            assert!(row.balance >= 0, "seed {seed}");
            if row.co_invest_employer + row.co_invest_government > 0 {
                assert_eq!(row.balance, 0, "co-invested with funds left: seed {seed}");
            }
            assert!(row.expiring_next_3_months <= row.balance);
            total_in += row.levy_in + row.top_up;
            total_out += paid + row.expired;
            balance = row.balance;
        }
        // In = spent + expired + transferred + balance, over the whole run,
        // with spending and transfers counted from the movements.
        let from_movements: i64 = f
            .movements
            .iter()
            .map(|mv| match mv.kind {
                MovementKind::Paid(_) | MovementKind::Transferred(_) | MovementKind::Expired => {
                    mv.pence
                }
                MovementKind::CoInvestEmployer | MovementKind::CoInvestGovernment => -mv.pence,
                MovementKind::LevyIn | MovementKind::TopUp => 0,
            })
            .sum();
        assert_eq!(total_in, total_out + balance, "seed {seed}");
        assert_eq!(from_movements, total_out, "seed {seed}");
        for mv in f
            .movements
            .iter()
            .filter(|mv| mv.kind == MovementKind::Expired)
        {
            let entered = mv.entered.unwrap();
            assert_eq!(Some(mv.month), rules.last_month(entered), "seed {seed}");
        }
        checked += f.months.len();
    }
    assert!(checked > 5_000, "{checked} months checked");
}
