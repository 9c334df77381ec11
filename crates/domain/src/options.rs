//! A person's next options: which transitions from their current role they
//! could take, how ready they are for each, and the order to show them in.
//!
//! Readiness is the share of a transition's requirements the person meets.
//! The order comes from a weighted score of four things a person can check
//! for themselves: readiness, local demand (vacancies for the target role at
//! their site), whether the target matches an interest they stated, and how
//! soon they could be ready. Every option carries the reason in plain words.

use crate::framework::{Requirement, RequirementKind, Role, Transition};
use std::collections::HashMap;

/// What the ranking needs to know about a person.
#[derive(Debug, Clone, Default)]
pub struct PersonProfile {
    /// Code of their current role.
    pub role_code: String,
    /// Whole months in their current role.
    pub months_in_role: u32,
    /// Qualifications and evidence they hold: name -> how it was evidenced.
    pub held: HashMap<String, String>,
    /// Stated interests: pathway family codes or role codes.
    pub interests: Vec<String>,
    /// Open vacancies at their site, by role code.
    pub local_vacancies: HashMap<String, u32>,
}

impl PersonProfile {
    /// The record of a held item matching `name`, ignoring case.
    fn holds(&self, name: &str) -> Option<&str> {
        self.held
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How much each part counts in the order. The defaults sum to 1.
#[derive(Debug, Clone, Copy)]
pub struct RankingWeights {
    /// Share of requirements met.
    pub readiness: f64,
    /// Local vacancies for the target role (saturates at five).
    pub demand: f64,
    /// Target matches a stated interest.
    pub interest: f64,
    /// Sooner is better (saturates at 24 months).
    pub time_to_ready: f64,
}

impl Default for RankingWeights {
    fn default() -> Self {
        RankingWeights {
            readiness: 0.5,
            demand: 0.2,
            interest: 0.2,
            time_to_ready: 0.1,
        }
    }
}

/// Months assumed to gather each missing qualification or piece of evidence.
pub const MONTHS_PER_MISSING_ITEM: u32 = 2;

/// One requirement of an option, held or still needed.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionRequirement {
    /// The requirement itself.
    pub requirement: Requirement,
    /// Whether the person meets it.
    pub met: bool,
    /// When met: what meets it. When not: what evidence would.
    pub evidence: String,
}

/// A ranked next option for a person.
#[derive(Debug, Clone, PartialEq)]
pub struct NextOption {
    /// The transition taken.
    pub transition: Transition,
    /// The role it leads to.
    pub role: Role,
    /// Bands moved, positive when going up.
    pub band_change: i32,
    /// Share of requirements met, 0-1 (1 when there are none).
    pub readiness: f64,
    /// Every requirement with its status.
    pub requirements: Vec<OptionRequirement>,
    /// Estimated months until every requirement is met.
    pub months_to_ready: u32,
    /// Open vacancies for the role at the person's site.
    pub local_vacancies: u32,
    /// Whether the role matches a stated interest.
    pub matches_interest: bool,
    /// The weighted score the order comes from.
    pub score: f64,
    /// Why it sits where it does, in plain words.
    pub reason: String,
}

impl NextOption {
    /// Readiness as a whole percentage (0-100).
    pub fn readiness_percent(&self) -> u32 {
        readiness_percent(self.readiness)
    }
}

/// A share of requirements met (0-1) as a whole percentage.
pub fn readiness_percent(readiness: f64) -> u32 {
    (readiness.clamp(0.0, 1.0) * 100.0).round() as u32
}

/// Ranks the transitions out of the person's current role and returns the
/// best `limit`. `roles` must hold every role the transitions lead to.
pub fn rank_next_options(
    person: &PersonProfile,
    current: &Role,
    transitions: &[Transition],
    roles: &HashMap<String, Role>,
    weights: RankingWeights,
    limit: usize,
) -> Vec<NextOption> {
    let mut options: Vec<NextOption> = transitions
        .iter()
        .filter(|t| t.from == person.role_code)
        .filter_map(|t| {
            let role = roles.get(&t.to)?;
            Some(assess(person, current, t, role, weights))
        })
        .collect();
    // Highest score first; ties go to the sooner option, then by title so the
    // order is the same for everyone who asks.
    options.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.months_to_ready.cmp(&b.months_to_ready))
            .then(a.role.title.cmp(&b.role.title))
    });
    options.truncate(limit);
    for (i, o) in options.iter_mut().enumerate() {
        o.reason = format!("{} {}", ordinal(i + 1), o.reason);
    }
    options
}

/// Picks the named helpers for one option: for each helping role in the
/// transition's order, the first `per_role` candidates holding it, never the
/// person themself. `id_and_role` reads a candidate's staff id and role code.
/// An empty answer means nobody at the site holds a helping role.
pub fn choose_helpers<'a, T>(
    helping_roles: &[String],
    candidates: &'a [T],
    person_id: i64,
    per_role: usize,
    id_and_role: impl Fn(&T) -> (i64, &str),
) -> Vec<&'a T> {
    helping_roles
        .iter()
        .flat_map(|code| {
            candidates
                .iter()
                .filter(|c| {
                    let (id, role) = id_and_role(c);
                    role == code && id != person_id
                })
                .take(per_role)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn assess(
    person: &PersonProfile,
    current: &Role,
    t: &Transition,
    role: &Role,
    w: RankingWeights,
) -> NextOption {
    let mut experience_gap = 0u32;
    let mut missing_items = 0u32;
    let requirements: Vec<OptionRequirement> = t
        .requirements
        .iter()
        .map(|r| {
            let (met, evidence) = match r.kind {
                RequirementKind::Experience => {
                    let need = r.months.unwrap_or(0);
                    experience_gap = experience_gap.max(need.saturating_sub(person.months_in_role));
                    if person.months_in_role >= need {
                        (true, format!("{} months in role", person.months_in_role))
                    } else {
                        (
                            false,
                            format!(
                                "{need} months in role needed; {} so far",
                                person.months_in_role
                            ),
                        )
                    }
                }
                RequirementKind::Qualification | RequirementKind::Evidence => {
                    match person.holds(&r.name) {
                        Some(how) => (true, how.to_string()),
                        None => {
                            missing_items += 1;
                            (
                                false,
                                r.evidence_hint
                                    .clone()
                                    .unwrap_or_else(|| format!("Evidence of {}", r.name)),
                            )
                        }
                    }
                }
            };
            OptionRequirement {
                requirement: r.clone(),
                met,
                evidence,
            }
        })
        .collect();
    let met = requirements.iter().filter(|r| r.met).count();
    let readiness = if requirements.is_empty() {
        1.0
    } else {
        met as f64 / requirements.len() as f64
    };
    let months_to_ready = experience_gap.max(missing_items * MONTHS_PER_MISSING_ITEM);
    let local_vacancies = person.local_vacancies.get(&role.code).copied().unwrap_or(0);
    let interest_in_role = person.interests.iter().any(|i| i == &role.code);
    let interest_in_family = person.interests.iter().any(|i| i == role.family.code());
    let matches_interest = interest_in_role || interest_in_family;
    let score = w.readiness * readiness
        + w.demand * (f64::from(local_vacancies.min(5)) / 5.0)
        + w.interest * if matches_interest { 1.0 } else { 0.0 }
        + w.time_to_ready * (1.0 - f64::from(months_to_ready.min(24)) / 24.0);
    let interest = match (interest_in_role, interest_in_family) {
        (true, _) => Some("it is a role you said you are interested in".to_string()),
        (false, true) => Some(format!(
            "it matches your interest in {}",
            role.family.label().to_lowercase()
        )),
        _ => None,
    };
    let reason = explain(
        met,
        requirements.len(),
        local_vacancies,
        interest,
        months_to_ready,
    );
    NextOption {
        transition: t.clone(),
        role: role.clone(),
        band_change: current.band.steps_to(role.band),
        readiness,
        requirements,
        months_to_ready,
        local_vacancies,
        matches_interest,
        score,
        reason,
    }
}

fn explain(
    met: usize,
    total: usize,
    vacancies: u32,
    interest: Option<String>,
    months: u32,
) -> String {
    let mut parts = Vec::new();
    parts.push(match (met * 100 + total / 2).checked_div(total) {
        None => "no entry requirements".to_string(),
        Some(percent) => format!("you meet {met} of {total} requirements ({percent}%)"),
    });
    parts.push(match vacancies {
        0 => "no open vacancies at your site just now".to_string(),
        1 => "1 open vacancy at your site".to_string(),
        n => format!("{n} open vacancies at your site"),
    });
    parts.extend(interest);
    parts.push(match months {
        0 => "you could apply now".to_string(),
        1 => "ready in about 1 month".to_string(),
        n => format!("ready in about {n} months"),
    });
    format!("because {}.", join_plain(&parts))
}

fn join_plain(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
    }
}

fn ordinal(n: usize) -> &'static str {
    match n {
        1 => "First",
        2 => "Second",
        3 => "Third",
        4 => "Fourth",
        _ => "Next",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::band::Band;

    #[test]
    fn readiness_is_a_whole_percentage_within_bounds() {
        assert_eq!(readiness_percent(0.0), 0);
        assert_eq!(readiness_percent(2.0 / 3.0), 67);
        assert_eq!(readiness_percent(0.125), 13);
        assert_eq!(readiness_percent(1.0), 100);
        assert_eq!(readiness_percent(1.5), 100);
        assert_eq!(readiness_percent(-0.2), 0);
    }
    use crate::framework::{PathwayFamily, Route, RouteKind, StaffGroup};

    fn role(code: &str, band: u8, family: PathwayFamily) -> Role {
        Role {
            code: code.into(),
            title: code.replace('-', " "),
            band: Band::Numbered(band),
            staff_group: StaffGroup::SupportToDoctorsNursesMidwives,
            career_level: 3,
            family,
            clinical: true,
        }
    }

    fn req(kind: RequirementKind, name: &str, months: Option<u32>) -> Requirement {
        Requirement {
            kind,
            name: name.into(),
            months,
            evidence_hint: None,
        }
    }

    fn transition(to: &str, requirements: Vec<Requirement>) -> Transition {
        Transition {
            from: "hcsw".into(),
            to: to.into(),
            requirements,
            route: Route {
                kind: RouteKind::Training,
                name: "route".into(),
                standard_code: None,
                level: None,
                duration_months: 12,
                funding_band_gbp: None,
                confirmed: true,
            },
            helpers: vec![],
        }
    }

    struct World {
        current: Role,
        roles: HashMap<String, Role>,
    }

    fn world() -> World {
        let mut roles = HashMap::new();
        for r in [
            role("senior-hcsw", 4, PathwayFamily::Health),
            role("phlebotomist", 3, PathwayFamily::Health),
            role("ward-clerk", 2, PathwayFamily::Administration),
            role("nursing-associate", 4, PathwayFamily::Health),
        ] {
            roles.insert(r.code.clone(), r);
        }
        World {
            current: role("hcsw", 3, PathwayFamily::Health),
            roles,
        }
    }

    fn person() -> PersonProfile {
        PersonProfile {
            role_code: "hcsw".into(),
            months_in_role: 14,
            ..Default::default()
        }
    }

    fn care_cert() -> Requirement {
        req(RequirementKind::Qualification, "Care Certificate", None)
    }

    #[test]
    fn next_options_rank_ready_roles_first() {
        let w = world();
        let mut p = person();
        p.held
            .insert("care certificate".into(), "Signed off 2025-03-01".into());
        let ts = vec![
            transition(
                "phlebotomist",
                vec![req(
                    RequirementKind::Evidence,
                    "Venepuncture competence",
                    None,
                )],
            ),
            transition("senior-hcsw", vec![care_cert()]),
        ];
        let out = rank_next_options(&p, &w.current, &ts, &w.roles, RankingWeights::default(), 3);
        assert_eq!(out[0].role.code, "senior-hcsw");
        assert_eq!(out[0].readiness, 1.0);
        assert_eq!(out[1].readiness, 0.0);
        assert!(out[0].requirements[0].met);
        assert_eq!(out[0].requirements[0].evidence, "Signed off 2025-03-01");
    }

    #[test]
    fn only_the_top_three_are_returned_and_only_from_the_current_role() {
        let w = world();
        let mut ts: Vec<Transition> = [
            "senior-hcsw",
            "phlebotomist",
            "ward-clerk",
            "nursing-associate",
        ]
        .iter()
        .map(|c| transition(c, vec![]))
        .collect();
        ts.push(Transition {
            from: "ward-clerk".into(),
            ..transition("phlebotomist", vec![])
        });
        let out = rank_next_options(
            &person(),
            &w.current,
            &ts,
            &w.roles,
            RankingWeights::default(),
            3,
        );
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|o| o.transition.from == "hcsw"));
    }

    #[test]
    fn local_vacancies_and_interest_lift_an_option() {
        let w = world();
        let mut p = person();
        let ts = vec![
            transition("phlebotomist", vec![]),
            transition("ward-clerk", vec![]),
        ];
        let plain = rank_next_options(&p, &w.current, &ts, &w.roles, RankingWeights::default(), 3);
        assert_eq!(plain[0].role.code, "phlebotomist", "ties break by title");
        p.local_vacancies.insert("ward-clerk".into(), 2);
        p.interests.push("administration".into());
        p.interests.push("phlebotomist".into());
        let lifted = rank_next_options(&p, &w.current, &ts, &w.roles, RankingWeights::default(), 3);
        assert_eq!(lifted[0].role.code, "ward-clerk");
        assert!(lifted[0].matches_interest);
        assert_eq!(lifted[0].local_vacancies, 2);
        assert!(
            lifted[0].reason.contains("2 open vacancies at your site"),
            "{}",
            lifted[0].reason
        );
        assert!(
            lifted[0].reason.contains("interest in administration"),
            "{}",
            lifted[0].reason
        );
    }

    #[test]
    fn experience_gap_sets_time_to_ready() {
        let w = world();
        let mut p = person();
        p.months_in_role = 4;
        let ts = vec![transition(
            "nursing-associate",
            vec![
                req(RequirementKind::Experience, "Time in role", Some(12)),
                care_cert(),
            ],
        )];
        let out = rank_next_options(&p, &w.current, &ts, &w.roles, RankingWeights::default(), 3);
        assert_eq!(out[0].months_to_ready, 8);
        assert_eq!(out[0].readiness, 0.0);
        assert!(
            out[0].requirements[0]
                .evidence
                .contains("12 months in role needed; 4 so far")
        );
        assert!(out[0].reason.contains("ready in about 8 months"));
        assert_eq!(out[0].band_change, 1);
    }

    #[test]
    fn readiness_is_the_share_of_requirements_met() {
        let w = world();
        let mut p = person();
        p.held.insert("Care Certificate".into(), "held".into());
        let ts = vec![transition(
            "senior-hcsw",
            vec![
                care_cert(),
                req(RequirementKind::Experience, "Time in role", Some(12)),
                req(RequirementKind::Evidence, "Observed practice", None),
                req(
                    RequirementKind::Qualification,
                    "Functional skills English level 2",
                    None,
                ),
            ],
        )];
        let out = rank_next_options(&p, &w.current, &ts, &w.roles, RankingWeights::default(), 3);
        assert_eq!(out[0].readiness, 0.5);
        assert_eq!(out[0].months_to_ready, 2 * MONTHS_PER_MISSING_ITEM);
        assert!(
            out[0]
                .reason
                .starts_with("First because you meet 2 of 4 requirements (50%)")
        );
    }

    #[test]
    fn a_person_with_no_transitions_gets_no_options() {
        let w = world();
        let mut p = person();
        p.role_code = "ward-clerk".into();
        let out = rank_next_options(
            &p,
            &w.current,
            &[transition("senior-hcsw", vec![])],
            &w.roles,
            RankingWeights::default(),
            3,
        );
        assert!(out.is_empty());
    }

    #[test]
    fn helpers_come_per_role_in_order_and_never_the_person_themself() {
        let people = [
            (1, "educator"),
            (2, "educator"),
            (3, "educator"),
            (4, "lead"),
            (9, "lead"),
        ];
        let roles = vec!["lead".to_string(), "educator".to_string()];
        let chosen = choose_helpers(&roles, &people, 9, 2, |p| (p.0, p.1));
        let ids: Vec<i64> = chosen.iter().map(|p| p.0).collect();
        assert_eq!(ids, vec![4, 1, 2]);
        assert!(choose_helpers(&["nobody".to_string()], &people, 9, 2, |p| (p.0, p.1)).is_empty());
    }

    #[test]
    fn the_same_inputs_give_the_same_order() {
        let w = world();
        let ts: Vec<Transition> = [
            "senior-hcsw",
            "phlebotomist",
            "ward-clerk",
            "nursing-associate",
        ]
        .iter()
        .map(|c| transition(c, vec![]))
        .collect();
        let a = rank_next_options(
            &person(),
            &w.current,
            &ts,
            &w.roles,
            RankingWeights::default(),
            3,
        );
        let mut rev = ts.clone();
        rev.reverse();
        let b = rank_next_options(
            &person(),
            &w.current,
            &rev,
            &w.roles,
            RankingWeights::default(),
            3,
        );
        let codes = |v: &[NextOption]| v.iter().map(|o| o.role.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&a), codes(&b));
    }
}
