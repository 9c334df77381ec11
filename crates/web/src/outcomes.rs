//! The organisation's workforce outcomes, the same for the pages and the
//! API: who is selected (site, role, staff group, pathway, role class) and
//! their retention, progression, time to competence and who progresses by
//! group, under the viewer's disclosure rules.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::learners;
use pathwise_domain::access::Disclosure;
use pathwise_domain::input::FieldErrors;
use pathwise_domain::metrics::RoleClass;
use pathwise_domain::metrics::{EthnicityGroup, completeness_percent};
use pathwise_domain::outcomes::competence::{
    Competence, CompetenceSpell, competent_on, time_to_competence,
};
use pathwise_domain::outcomes::equity::{
    BandRow, Breakdown, EquityRow, Step, band_representation, progression_by,
};
use pathwise_domain::outcomes::progression::{
    Career, PROGRESSION_WINDOWS, ProgressionGroup, Rung, progression,
};
use pathwise_domain::outcomes::recruitment::{IndicatorTwo, indicator_two};
use pathwise_domain::outcomes::satisfaction::{Satisfaction, satisfaction};
use pathwise_domain::outcomes::{
    RetentionGroup, StaffSpell, retention, staff_group_at_start, survival_curve,
};
use pathwise_domain::staff::Characteristics;
use pathwise_domain::{Date, StaffGroup};
use pathwise_storage::pathways::LearnerFilter;
use pathwise_storage::people;
use pathwise_storage::recruitment::RecruitmentPeriod;
use pathwise_storage::staff::StaffSpellRow;
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;

/// What to select, as a query string gives it (all optional).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutcomeQuery {
    /// A site code.
    #[serde(default)]
    pub site: String,
    /// A role code: people whose role at their start was this.
    #[serde(default)]
    pub role: String,
    /// A staff group's name.
    #[serde(default)]
    pub staff_group: String,
    /// A pathway code: people ever enrolled on it.
    #[serde(default)]
    pub pathway: String,
    /// `csw` (support workers, the default), `registered`, `other` or `any`.
    #[serde(default)]
    pub role_class: String,
    /// The as-of date, YYYY-MM-DD (default today).
    #[serde(default)]
    pub as_of: String,
    /// For the equity tables: `higher_role` (the default) or `registered`.
    #[serde(default)]
    pub step: String,
    /// For the equity tables: 12 or 24 months (the default).
    #[serde(default)]
    pub months: String,
    /// The recruitment period just imported, to confirm it (pages only).
    #[serde(default)]
    #[param(ignore)]
    pub recruitment: String,
}

/// The selection, read.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Site id and name.
    pub site: Option<(i64, String)>,
    /// Role code.
    pub role: Option<String>,
    /// Staff group.
    pub staff_group: Option<StaffGroup>,
    /// Pathway code.
    pub pathway: Option<String>,
    /// Role class; none for any.
    pub role_class: Option<RoleClass>,
    /// As of.
    pub as_of: Date,
    /// The step the equity tables count.
    pub step: Step,
    /// The equity tables' window: (months, days).
    pub window: (u32, u32),
}

/// Retention of the selection.
#[derive(Debug, Clone)]
pub struct RetentionAnswer {
    /// What was selected.
    pub selection: Selection,
    /// all, on a pathway, not on a pathway.
    pub groups: Vec<RetentionGroup>,
    /// The curve for everyone selected: (day, share still in post), every
    /// 30 days to 18 months; empty under control when too few people.
    pub curve: Vec<(u32, f64)>,
    /// Whether disclosure control applies.
    pub controlled: bool,
}

/// The viewer's disclosure rule; not found for anyone who may not see
/// outcome figures (audited).
pub async fn disclosure(state: &AppState, user: &CurrentUser, what: &str) -> Result<Disclosure> {
    match user.viewer.outcome_figures() {
        Some(d) => Ok(d),
        None => Err(auth::refuse(state, user, what).await),
    }
}

/// Reads the query, naming each bad field.
pub async fn selection(state: &AppState, org_id: i64, q: &OutcomeQuery) -> Result<Selection> {
    let mut errors = FieldErrors::default();
    let today = state.clock.today();
    let as_of = if q.as_of.trim().is_empty() {
        today
    } else {
        match q.as_of.trim().parse::<Date>() {
            Ok(d) => d,
            Err(_) => {
                errors.add("as_of", format!("Enter a real date, for example {today}"));
                today
            }
        }
    };
    let site = if q.site.trim().is_empty() {
        None
    } else {
        let sites = people::sites(&state.store, org_id).await?;
        let found = sites
            .into_iter()
            .find(|s| s.code.eq_ignore_ascii_case(q.site.trim()));
        if found.is_none() {
            errors.add(
                "site",
                format!("'{}' is not one of your site codes", q.site.trim()),
            );
        }
        found.map(|s| (s.id, s.name))
    };
    let framework = state.frameworks.get(&state.store, org_id).await?;
    let role = Some(q.role.trim().to_string()).filter(|r| !r.is_empty());
    if let Some(r) = &role
        && !framework.roles.contains_key(r)
    {
        errors.add(
            "role",
            format!("'{r}' is not a role in the career framework"),
        );
    }
    let staff_group = StaffGroup::from_name(&q.staff_group);
    if !q.staff_group.trim().is_empty() && staff_group.is_none() {
        errors.add(
            "staff_group",
            format!("'{}' is not a staff group", q.staff_group.trim()),
        );
    }
    let role_class = match q.role_class.trim() {
        "" | "csw" => Some(RoleClass::Csw),
        "registered" => Some(RoleClass::Registered),
        "other" => Some(RoleClass::Other),
        "any" | "all" => None,
        other => {
            errors.add(
                "role_class",
                format!("'{other}' is not csw, registered, other or any"),
            );
            None
        }
    };
    let step = match q.step.trim() {
        "" | "higher_role" => Step::AnyHigherRole,
        "registered" => Step::IntoRegistered,
        other => {
            errors.add(
                "step",
                format!("'{other}' is not higher_role or registered"),
            );
            Step::AnyHigherRole
        }
    };
    let window = match q.months.trim() {
        "" | "24" => PROGRESSION_WINDOWS[1],
        "12" => PROGRESSION_WINDOWS[0],
        other => {
            errors.add("months", format!("'{other}' is not 12 or 24"));
            PROGRESSION_WINDOWS[1]
        }
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    Ok(Selection {
        site,
        role,
        staff_group,
        pathway: Some(q.pathway.trim().to_string()).filter(|p| !p.is_empty()),
        role_class,
        as_of,
        step,
        window,
    })
}

/// The staff records the selection picks out.
async fn selected(
    state: &AppState,
    org_id: i64,
    selection: &Selection,
) -> Result<Vec<StaffSpellRow>> {
    let framework = state.frameworks.get(&state.store, org_id).await?;
    let rows = pathwise_storage::staff::spells(&state.store, org_id).await?;
    Ok(rows
        .into_iter()
        .filter(|r| {
            selection
                .site
                .as_ref()
                .is_none_or(|(id, _)| *id == r.site_id)
        })
        .filter(|r| selection.role.as_ref().is_none_or(|c| *c == r.start_role))
        .filter(|r| {
            selection
                .pathway
                .as_ref()
                .is_none_or(|p| r.pathways.contains(p))
        })
        .filter(|r| {
            let group =
                staff_group_at_start(r.staff_group.as_deref(), framework.roles.get(&r.start_role));
            selection.staff_group.is_none_or(|g| group == Some(g))
                && selection
                    .role_class
                    .is_none_or(|c| group.map(RoleClass::of) == Some(c))
        })
        .collect())
}

/// Retention of the people selected (METRICS.md, staff retention).
pub async fn retention_for(
    state: &AppState,
    org_id: i64,
    selection: Selection,
    disclosure: Disclosure,
) -> Result<RetentionAnswer> {
    let spells: Vec<StaffSpell> = selected(state, org_id, &selection)
        .await?
        .iter()
        .map(|r| StaffSpell {
            start: r.start,
            left: r.left,
            on_pathway: !r.pathways.is_empty(),
        })
        .collect();
    let controlled = disclosure == Disclosure::Controlled;
    let groups = retention(&spells, selection.as_of, controlled);
    let everyone: Vec<&StaffSpell> = spells.iter().collect();
    let days: Vec<u32> = (0..=548).step_by(30).chain([548]).collect();
    let curve = if groups[0].points.iter().all(|p| p.survival.is_some()) {
        survival_curve(&everyone, selection.as_of, &days)
    } else {
        Vec::new()
    };
    Ok(RetentionAnswer {
        selection,
        groups,
        curve,
        controlled,
    })
}

/// Each selected person's career, as progression reads it: their role
/// history at the framework's rungs.
async fn careers(
    state: &AppState,
    org_id: i64,
    selection: &Selection,
) -> Result<Vec<(StaffSpellRow, Career)>> {
    let framework = state.frameworks.get(&state.store, org_id).await?;
    Ok(selected(state, org_id, selection)
        .await?
        .into_iter()
        .map(|r| {
            let career = Career {
                start: r.start,
                left: r.left,
                on_pathway: !r.pathways.is_empty(),
                roles: r
                    .roles
                    .iter()
                    .map(|s| (s.from, framework.roles.get(&s.role_code).map(Rung::of)))
                    .collect(),
            };
            (r, career)
        })
        .collect())
}

/// Internal progression of the selection at 12 and 24 months
/// (METRICS.md, internal progression).
pub async fn progression_for(
    state: &AppState,
    org_id: i64,
    selection: &Selection,
    disclosure: Disclosure,
) -> Result<Vec<ProgressionGroup>> {
    let careers: Vec<Career> = careers(state, org_id, selection)
        .await?
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    Ok(progression(
        &careers,
        selection.as_of,
        disclosure == Disclosure::Controlled,
    ))
}

/// Time to full role competence for the selection's people who have ever
/// been on a pathway, timed from their start date or, when they enrolled
/// later, their first enrolment (METRICS.md, time to competence).
pub async fn competence_for(
    state: &AppState,
    org_id: i64,
    selection: &Selection,
    disclosure: Disclosure,
) -> Result<Competence> {
    let filter = LearnerFilter {
        include_ended: true,
        ..Default::default()
    };
    let (learners, templates) =
        pathwise_storage::pathways::learner_states(&state.store, org_id, filter).await?;
    // Per person: their first enrolment and the day they became competent.
    let mut competent: HashMap<i64, (Date, Option<Date>)> = HashMap::new();
    for l in &learners {
        let Some(t) = templates.get(&l.enrolment.version_id) else {
            continue;
        };
        if selection.pathway.as_ref().is_some_and(|p| *p != t.code) {
            continue;
        }
        let on = competent_on(&t.for_learner(&learners::place(l)), &l.decisions);
        let enrolled = l.enrolment.enrolled_on;
        let best = competent
            .entry(l.enrolment.person_id)
            .or_insert((enrolled, None));
        best.0 = best.0.min(enrolled);
        best.1 = match (best.1, on) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let spells: Vec<CompetenceSpell> = selected(state, org_id, selection)
        .await?
        .iter()
        .filter_map(|r| {
            competent
                .get(&r.person_id)
                .map(|(enrolled, on)| CompetenceSpell {
                    start: r.start.max(*enrolled),
                    left: r.left,
                    competent: *on,
                })
        })
        .collect();
    Ok(time_to_competence(
        &spells,
        selection.as_of,
        disclosure == Disclosure::Controlled,
    ))
}

/// One equity table: progression by one breakdown.
#[derive(Debug, Clone)]
pub struct EquityTable {
    /// What the groups are split by.
    pub breakdown: Breakdown,
    /// The groups.
    pub rows: Vec<EquityRow>,
}

/// Progression of the selection by ethnicity, sex, disability, age band
/// and site, over the selection's window and step (METRICS.md, equity
/// views). Characteristics are read only to count groups here.
pub async fn equity_for(
    state: &AppState,
    org_id: i64,
    selection: &Selection,
    disclosure: Disclosure,
) -> Result<Vec<EquityTable>> {
    let careers = careers(state, org_id, selection).await?;
    let characteristics =
        pathwise_storage::staff::characteristics_for_aggregates(&state.store, org_id).await?;
    let unknown = Characteristics::from_labels("", "", "", "");
    let sites = people::sites(&state.store, org_id).await?;
    let site_name = |id: i64| {
        sites
            .iter()
            .find(|s| s.id == id)
            .map_or("Unknown site", |s| s.name.as_str())
    };
    let controlled = disclosure == Disclosure::Controlled;
    Ok(Breakdown::ALL
        .into_iter()
        .map(|b| {
            let people: Vec<(&str, &Career)> = careers
                .iter()
                .map(|(r, c)| {
                    let group = match b {
                        Breakdown::Site => site_name(r.site_id),
                        _ => b
                            .group_of(characteristics.get(&r.person_id).unwrap_or(&unknown))
                            .unwrap_or("Unknown"),
                    };
                    (group, c)
                })
                .collect();
            let groups: Vec<&str> = match b {
                Breakdown::Site => {
                    let mut names: Vec<&str> = people.iter().map(|(g, _)| *g).collect();
                    names.sort_unstable();
                    names.dedup();
                    names
                }
                _ => b.groups(),
            };
            EquityTable {
                breakdown: b,
                rows: progression_by(
                    &people,
                    &groups,
                    b.protected(),
                    selection.window.1,
                    selection.as_of,
                    selection.step,
                    controlled,
                ),
            }
        })
        .collect())
}

/// Managers' ratings of readiness and confidence at the reviews of the
/// people selected (METRICS.md, manager satisfaction).
pub async fn satisfaction_for(
    state: &AppState,
    org_id: i64,
    selection: &Selection,
    disclosure: Disclosure,
) -> Result<Satisfaction> {
    let people: std::collections::HashSet<i64> = selected(state, org_id, selection)
        .await?
        .iter()
        .map(|r| r.person_id)
        .collect();
    let rated: Vec<(Date, u8)> = pathwise_storage::staff::review_ratings(&state.store, org_id)
        .await?
        .into_iter()
        .filter(|(p, _, _)| people.contains(p))
        .map(|(_, on, r)| (on, r))
        .collect();
    Ok(satisfaction(
        &rated,
        selection.as_of,
        disclosure == Disclosure::Controlled,
    ))
}

/// WRES indicator 1 for the organisation (or the selected site): head
/// count by band and ethnicity group of everyone in post on the as-of date,
/// whatever their role (METRICS.md, in-app equity views).
pub async fn bands_for(
    state: &AppState,
    org_id: i64,
    selection: &Selection,
    disclosure: Disclosure,
) -> Result<Vec<BandRow>> {
    let rows = pathwise_storage::staff::spells(&state.store, org_id).await?;
    let characteristics =
        pathwise_storage::staff::characteristics_for_aggregates(&state.store, org_id).await?;
    let as_of = selection.as_of;
    let staff: Vec<(Option<pathwise_domain::Band>, EthnicityGroup)> = rows
        .iter()
        .filter(|r| {
            selection
                .site
                .as_ref()
                .is_none_or(|(id, _)| *id == r.site_id)
        })
        .filter(|r| r.start <= as_of && r.left.is_none_or(|l| l > as_of))
        .map(|r| {
            let group = characteristics
                .get(&r.person_id)
                .map_or(EthnicityGroup::Unknown, |c| c.ethnicity.group());
            // The band of their role history's entry on the as-of date,
            // else the staff record's band now.
            let band = r
                .roles
                .iter()
                .rev()
                .find(|s| s.from <= as_of)
                .and_then(|s| s.band)
                .or(r.band);
            (band, group)
        })
        .collect();
    Ok(band_representation(
        &staff,
        disclosure == Disclosure::Controlled,
    ))
}

/// Evidence completeness of one site and role: the learners enrolled now,
/// required criteria signed off on accepted evidence, and required criteria
/// (METRICS.md, evidence completeness).
#[derive(Debug, Clone, PartialEq)]
pub struct CompletenessGroup {
    /// The site's name ("All sites" in the total).
    pub site: String,
    /// The role's title ("All roles" in the total).
    pub role: String,
    /// Learners (none when suppressed).
    pub learners: Option<u64>,
    /// Criteria accepted (none when suppressed).
    pub accepted: Option<u64>,
    /// Criteria required (none when suppressed).
    pub required: Option<u64>,
    /// accepted / required as a percentage, from the counts shown.
    pub percent: Option<f64>,
}

/// Evidence completeness by site and role, then the total, for the learners
/// enrolled now at `site` (or everywhere). Under disclosure control counts
/// are rounded to 5 and a group of 1-7 learners is suppressed.
pub async fn completeness_for(
    state: &AppState,
    org_id: i64,
    site: Option<i64>,
    disclosure: Disclosure,
) -> Result<(Vec<CompletenessGroup>, CompletenessGroup)> {
    let framework = state.frameworks.get(&state.store, org_id).await?;
    let mut groups: std::collections::BTreeMap<(String, String), [u64; 3]> =
        std::collections::BTreeMap::new();
    for (l, _, s) in learners::standings(state, org_id, LearnerFilter::default()).await? {
        if site.is_some_and(|id| id != l.site_id) {
            continue;
        }
        let role = framework
            .roles
            .get(&l.role_code)
            .map_or(l.role_code.clone(), |r| r.title.clone());
        let g = groups.entry((l.site_name.clone(), role)).or_default();
        g[0] += 1;
        g[1] += s.signed_off as u64;
        g[2] += s.required as u64;
    }
    let controlled = disclosure == Disclosure::Controlled;
    let group = |site: String, role: String, [n, a, r]: [u64; 3]| {
        let hide = controlled && pathwise_domain::outcomes::progression::too_few(n);
        let shown = |x: u64| {
            if hide {
                None
            } else if controlled {
                pathwise_domain::metrics::control(x).value()
            } else {
                Some(x)
            }
        };
        let (accepted, required) = (shown(a), shown(r));
        CompletenessGroup {
            site,
            role,
            learners: shown(n),
            accepted,
            required,
            percent: accepted
                .zip(required)
                .and_then(|(a, r)| completeness_percent(a as usize, r as usize)),
        }
    };
    let total = groups
        .values()
        .fold([0; 3], |t, g| [t[0] + g[0], t[1] + g[1], t[2] + g[2]]);
    Ok((
        groups
            .into_iter()
            .map(|((site, role), g)| group(site, role, g))
            .collect(),
        group("All sites".into(), "All roles".into(), total),
    ))
}

/// WRES indicator 2 for each recruitment period imported, the latest first.
pub async fn recruitment_for(
    state: &AppState,
    org_id: i64,
    disclosure: Disclosure,
) -> Result<Vec<(RecruitmentPeriod, IndicatorTwo)>> {
    Ok(pathwise_storage::recruitment::periods(&state.store, org_id)
        .await?
        .into_iter()
        .map(|p| {
            let i = indicator_two(&p.counts, disclosure == Disclosure::Controlled);
            (p, i)
        })
        .collect())
}
