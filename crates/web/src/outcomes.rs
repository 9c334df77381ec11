//! The organisation's workforce outcomes, the same for the pages and the
//! API: who is selected (site, role, staff group, pathway, role class) and
//! their retention, under the viewer's disclosure rules.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{Error, Result};
use pathwise_domain::access::Disclosure;
use pathwise_domain::input::FieldErrors;
use pathwise_domain::metrics::RoleClass;
use pathwise_domain::outcomes::{
    RetentionGroup, StaffSpell, retention, staff_group_at_start, survival_curve,
};
use pathwise_domain::{Date, StaffGroup};
use pathwise_storage::people;
use serde::Deserialize;

/// What to select, as a query string gives it (all optional).
#[derive(Debug, Clone, Default, Deserialize)]
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
    /// The as-of date (default today).
    #[serde(default)]
    pub as_of: String,
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
    })
}

/// Retention of the people selected (METRICS.md, staff retention).
pub async fn retention_for(
    state: &AppState,
    org_id: i64,
    selection: Selection,
    disclosure: Disclosure,
) -> Result<RetentionAnswer> {
    let framework = state.frameworks.get(&state.store, org_id).await?;
    let rows = pathwise_storage::staff::spells(&state.store, org_id).await?;
    let spells: Vec<StaffSpell> = rows
        .iter()
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
