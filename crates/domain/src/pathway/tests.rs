//! Pathway templates, sign-off, stages and standing.

use super::*;

#[test]
fn the_shipped_pathway_has_one_criterion_completing_the_care_certificate() {
    let f = PathwayFile::parse(include_str!("../../../../catalogue/pathways.toml")).unwrap();
    let cc: Vec<&str> = f.pathways[0]
        .criteria
        .iter()
        .filter(|c| c.is_care_certificate())
        .map(|c| c.key.as_str())
        .collect();
    assert_eq!(cc, ["care-certificate"]);
}

#[test]
fn a_criterion_signed_off_wins_then_waiting_then_returned() {
    use EvidenceStatus::*;
    assert_eq!(
        CriterionStatus::of(true, [Returned, Waiting]),
        CriterionStatus::SignedOff
    );
    assert_eq!(
        CriterionStatus::of(false, [Returned, Waiting]),
        CriterionStatus::EvidenceWaiting
    );
    assert_eq!(
        CriterionStatus::of(false, [Returned, Accepted]),
        CriterionStatus::Returned
    );
    assert_eq!(CriterionStatus::of(false, []), CriterionStatus::NotStarted);
    assert_eq!(CriterionStatus::Returned.tag(), "orange");
}

#[test]
fn reviews_due_soon_are_overdue_or_within_two_weeks() {
    let today: Date = "2026-03-02".parse().unwrap();
    let day = |d: &str| d.parse::<Date>().unwrap();
    assert!(review_due_soon(day("2026-02-01"), today), "overdue");
    assert!(review_due_soon(today, today));
    assert!(review_due_soon(day("2026-03-16"), today), "14 days ahead");
    assert!(!review_due_soon(day("2026-03-17"), today), "15 days ahead");
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn criterion(key: &str, stage: Stage, due: Option<u32>) -> Criterion {
    Criterion {
        key: key.into(),
        title: key.replace('-', " "),
        stage,
        required: true,
        due_weeks: due,
        applies: Applies::Core,
        examples: String::new(),
        counts_as: None,
    }
}

fn template() -> PathwayTemplate {
    PathwayTemplate {
        code: "core".into(),
        name: "Core pathway".into(),
        version: 1,
        criteria: vec![
            criterion("local-induction", Stage::Induction, Some(2)),
            criterion("care-certificate", Stage::Induction, Some(12)),
            criterion("observed-practice", Stage::Consolidation, Some(26)),
            Criterion {
                required: false,
                ..criterion("optional-reading", Stage::Consolidation, None)
            },
            criterion("supervision", Stage::HigherResponsibility, None),
            criterion("apprenticeship-start", Stage::FormalProgression, None),
        ],
        review_every_weeks: 12,
    }
}

fn signed(key: &str, by: i64, on: &str) -> Decision {
    Decision {
        criterion: key.into(),
        signed_off: true,
        by,
        on: date(on),
        reason: None,
    }
}

#[test]
fn a_stage_completes_when_every_required_criterion_is_signed_off_and_opens_the_next() {
    let t = template();
    let d = vec![signed("local-induction", 2, "2026-01-10")];
    let p = progress(&t, &d);
    assert_eq!(
        (p[0].signed_off, p[0].required, p[0].complete),
        (1, 2, false)
    );
    assert!(p[0].open && !p[1].open);
    let d = vec![
        signed("local-induction", 2, "2026-01-10"),
        signed("care-certificate", 2, "2026-03-01"),
    ];
    let p = progress(&t, &d);
    assert!(p[0].complete && p[1].open && !p[2].open);
    assert_eq!(p[1].required, 1, "optional criteria do not count");
}

#[test]
fn a_withdrawn_sign_off_no_longer_counts_but_the_record_stays() {
    let t = template();
    let mut d = vec![signed("local-induction", 2, "2026-01-10")];
    d.push(Decision {
        signed_off: false,
        reason: Some("signed against the wrong learner".into()),
        ..signed("local-induction", 3, "2026-01-11")
    });
    assert!(!is_signed_off("local-induction", &d));
    assert_eq!(d.len(), 2, "superseded, not edited");
    assert_eq!(progress(&t, &d)[0].signed_off, 0);
}

#[test]
fn nobody_signs_off_their_own_evidence_and_withdrawals_need_a_reason() {
    let d = signed("local-induction", 7, "2026-01-10");
    assert_eq!(check_decision(&d, 7), Err(SignOffRefused::OwnEvidence));
    assert_eq!(check_decision(&d, 8), Ok(()));
    let withdraw = Decision {
        signed_off: false,
        ..d
    };
    assert_eq!(check_decision(&withdraw, 8), Err(SignOffRefused::NoReason));
}

#[test]
fn rag_is_red_when_due_criteria_are_missing_or_a_review_is_overdue() {
    let t = template();
    let enrolled = date("2026-01-05");
    // Week 3: local induction (due week 2) missing.
    match rag(&t, enrolled, date("2026-01-26"), &[], None, false) {
        Rag::Red(reasons) => assert!(reasons[0].contains("local induction"), "{reasons:?}"),
        other => panic!("{other:?}"),
    }
    let d = vec![signed("local-induction", 2, "2026-01-12")];
    assert_eq!(
        rag(&t, enrolled, date("2026-01-26"), &d, None, false),
        Rag::Green
    );
    assert!(matches!(
        rag(&t, enrolled, date("2026-01-26"), &d, None, true),
        Rag::Amber(_)
    ));
    // Week 13 with no review: the review is overdue (and the Care Certificate too).
    match rag(&t, enrolled, date("2026-04-06"), &d, None, false) {
        Rag::Red(reasons) => assert!(
            reasons
                .iter()
                .any(|r| r.contains("review is 7 days overdue")),
            "{reasons:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn publishing_makes_a_new_version_and_leaves_the_old_one_alone() {
    let v1 = template();
    let mut criteria = v1.criteria.clone();
    criteria.push(criterion(
        "escalation-routes",
        Stage::Consolidation,
        Some(20),
    ));
    let v2 = v1.publish(criteria);
    assert_eq!((v1.version, v2.version), (1, 2));
    assert_eq!(v2.criteria.len(), v1.criteria.len() + 1);
    assert_eq!(v2.code, v1.code);
}

#[test]
fn the_care_certificate_version_follows_the_start_date() {
    let cc = CareCertificate::parse(include_str!("../../../../catalogue/care-certificate.toml"))
        .unwrap();
    let v = |d: &str| {
        cc.for_start(date(d))
            .map(|v| (v.name.clone(), v.standards.len()))
    };
    assert_eq!(v("2024-06-01"), Some(("2015".into(), 15)));
    assert_eq!(
        v("2025-06-01"),
        Some(("2025".into(), 16)),
        "the newest in force"
    );
    assert_eq!(v("2025-09-01"), Some(("2025".into(), 16)));
    assert_eq!(v("2014-01-01"), None);
}

#[test]
fn variant_aim_and_site_criteria_add_to_or_replace_the_core() {
    let mut t = template();
    t.criteria.push(Criterion {
        title: "Theatre observed practice".into(),
        applies: Applies::Variant("theatre".into()),
        ..criterion("observed-practice", Stage::Consolidation, Some(20))
    });
    t.criteria.push(Criterion {
        applies: Applies::Variant("theatre".into()),
        ..criterion("scrub-basics", Stage::Consolidation, None)
    });
    t.criteria.push(Criterion {
        applies: Applies::Site(12),
        ..criterion("site-fire-drill", Stage::Induction, Some(1))
    });
    t.criteria.push(Criterion {
        applies: Applies::Aim("senior-hcsw".into()),
        ..criterion("mentor-new-starters", Stage::HigherResponsibility, None)
    });
    t.check().unwrap();
    let core = t.for_learner(&LearnerPlace {
        variant: None,
        site_id: 11,
        aim: None,
    });
    assert_eq!(core.criteria.len(), 6, "only the core");
    let theatre = t.for_learner(&LearnerPlace {
        variant: Some("theatre".into()),
        site_id: 12,
        aim: Some("senior-hcsw".into()),
    });
    let keys: Vec<&str> = theatre.criteria.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys.len(), 9, "{keys:?}");
    let observed = theatre
        .criteria
        .iter()
        .find(|c| c.key == "observed-practice")
        .unwrap();
    assert_eq!(
        observed.title, "Theatre observed practice",
        "replaced, not added"
    );
    assert_eq!(t.variants(), vec!["theatre".to_string()]);
    assert_eq!(Applies::parse("site:12"), Some(Applies::Site(12)));
    assert_eq!(Applies::parse("site:x"), None);
    assert_eq!(
        Applies::parse(&Applies::Aim("nurse-adult".into()).code()),
        Some(Applies::Aim("nurse-adult".into()))
    );
}

#[test]
fn a_template_with_a_repeated_key_or_bad_interval_is_refused() {
    let mut t = template();
    t.criteria
        .push(criterion("local-induction", Stage::Consolidation, None));
    let e = t.check().unwrap_err().to_string();
    assert!(e.contains("criterion 7") && e.contains("used twice"), "{e}");
    let mut t = template();
    t.review_every_weeks = 0;
    assert!(t.check().unwrap_err().to_string().contains("1 to 52"));
    let mut t = template();
    t.criteria[2].key = "Observed Practice".into();
    assert!(t.check().unwrap_err().to_string().contains("criterion 3"));
}

#[test]
fn reviews_fall_due_every_interval_after_the_last_one_held() {
    let enrolled = date("2026-01-05");
    assert_eq!(next_review_due(enrolled, None, 12), date("2026-03-30"));
    assert_eq!(
        next_review_due(enrolled, Some(date("2026-03-20")), 12),
        date("2026-06-12")
    );
}

#[test]
fn the_latest_workload_flag_event_decides() {
    assert!(!workload_flag_open(&[]));
    assert!(workload_flag_open(&[(10, false), (20, true)]));
    assert!(!workload_flag_open(&[(20, true), (30, false)]));
    assert!(
        workload_flag_open(&[(30, false), (30, true)]),
        "a tie goes to the later entry"
    );
}

#[test]
fn the_shipped_pathways_are_valid() {
    let f = PathwayFile::parse(include_str!("../../../../catalogue/pathways.toml")).unwrap();
    let core = &f.pathways[0];
    for stage in Stage::ALL {
        assert!(
            core.criteria
                .iter()
                .any(|c| c.stage == stage && c.applies == Applies::Core),
            "{stage:?} has core criteria"
        );
    }
    for v in ["theatre", "outpatient", "care", "administration"] {
        assert!(core.variants().contains(&v.to_string()), "variant {v}");
    }
}

#[test]
fn standing_gathers_stage_status_review_and_requirements_met() {
    let mut t = template();
    t.criteria[1].counts_as = Some("Care Certificate".into());
    let place = LearnerPlace::default();
    let d = vec![
        signed("local-induction", 2, "2026-01-10"),
        signed("care-certificate", 2, "2026-03-01"),
    ];
    let s = standing(
        &t,
        LearnerRecord {
            place: &place,
            enrolled: date("2026-01-05"),
            decisions: &d,
            last_review: Some(date("2026-03-20")),
            flag_events: &[(5, true)],
        },
        date("2026-04-01"),
    );
    assert_eq!(s.current, Some(Stage::Consolidation));
    assert_eq!((s.signed_off, s.required), (2, 5));
    assert_eq!(s.rag.code(), "amber");
    assert_eq!(s.next_review, date("2026-06-12"));
    assert_eq!(s.requirements_met, vec!["Care Certificate".to_string()]);
}
