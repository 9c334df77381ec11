//! Who may see what. Every rule about access is decided here and nowhere else;
//! the web layer asks and answers 404 when the answer is no.

use serde::{Deserialize, Serialize};

/// What a signed-in person may do in Pathwise (a person can hold several).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppRole {
    /// Sees their own record.
    Learner,
    /// Sees the people they line-manage.
    Manager,
    /// Signs off evidence for learners at their site.
    Assessor,
    /// Learning and development lead: the organisation's framework and people.
    LdAdmin,
    /// Aggregates only, under disclosure control.
    Analyst,
    /// Runs the installation for the organisation.
    SystemAdmin,
    /// Finance: the levy account and apprenticeship money.
    Finance,
    /// Outreach or careers lead: the organisation's outreach activities.
    Outreach,
}

impl AppRole {
    /// Every role, in display order.
    pub const ALL: [AppRole; 8] = [
        AppRole::Learner,
        AppRole::Manager,
        AppRole::Assessor,
        AppRole::LdAdmin,
        AppRole::Analyst,
        AppRole::SystemAdmin,
        AppRole::Finance,
        AppRole::Outreach,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            AppRole::Learner => "learner",
            AppRole::Manager => "manager",
            AppRole::Assessor => "assessor",
            AppRole::LdAdmin => "ld_admin",
            AppRole::Analyst => "analyst",
            AppRole::SystemAdmin => "system_admin",
            AppRole::Finance => "finance",
            AppRole::Outreach => "outreach",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            AppRole::Learner => "Learner",
            AppRole::Manager => "Line manager",
            AppRole::Assessor => "Assessor",
            AppRole::LdAdmin => "L&D lead",
            AppRole::Analyst => "Analyst",
            AppRole::SystemAdmin => "System admin",
            AppRole::Finance => "Finance",
            AppRole::Outreach => "Outreach lead",
        }
    }

    /// Reads a stored code.
    pub fn from_code(s: &str) -> Option<AppRole> {
        Self::ALL.into_iter().find(|r| r.code() == s.trim())
    }
}

/// The signed-in person asking.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewer {
    /// Their organisation.
    pub org_id: i64,
    /// Their staff record, when they have one.
    pub person_id: Option<i64>,
    /// Their site, when they have one.
    pub site_id: Option<i64>,
    /// What they may do.
    pub roles: Vec<AppRole>,
}

/// What the access rules need to know about the record asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordOwner {
    /// The organisation the person belongs to.
    pub org_id: i64,
    /// The person.
    pub person_id: i64,
    /// Their line manager's staff record.
    pub manager_id: Option<i64>,
    /// Their site.
    pub site_id: i64,
}

impl Viewer {
    /// Whether the viewer holds a role.
    pub fn has(&self, role: AppRole) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the viewer may see one person's individual record. Never across
    /// organisations; a learner sees only themselves; an analyst sees no one.
    pub fn may_view_person(&self, target: &RecordOwner) -> bool {
        if target.org_id != self.org_id {
            return false;
        }
        if self.person_id == Some(target.person_id) {
            return true;
        }
        if self.has(AppRole::LdAdmin) || self.has(AppRole::SystemAdmin) {
            return true;
        }
        if self.has(AppRole::Manager)
            && self.person_id.is_some()
            && target.manager_id == self.person_id
        {
            return true;
        }
        self.has(AppRole::Assessor) && self.site_id == Some(target.site_id)
    }

    /// Whether the viewer may decide on a learner's evidence and record
    /// observed practice: the learner's line manager, an assessor at their
    /// site, or the L&D lead; never the learner themself.
    pub fn may_assess(&self, target: &RecordOwner) -> bool {
        if target.org_id != self.org_id || self.person_id == Some(target.person_id) {
            return false;
        }
        self.has(AppRole::LdAdmin)
            || (self.has(AppRole::Manager)
                && self.person_id.is_some()
                && target.manager_id == self.person_id)
            || (self.has(AppRole::Assessor) && self.site_id == Some(target.site_id))
    }

    /// Whether the viewer may enrol a person and hold their reviews: their
    /// line manager or the L&D lead.
    pub fn may_manage(&self, target: &RecordOwner) -> bool {
        target.org_id == self.org_id
            && self.person_id != Some(target.person_id)
            && (self.has(AppRole::LdAdmin)
                || (self.has(AppRole::Manager)
                    && self.person_id.is_some()
                    && target.manager_id == self.person_id))
    }

    /// Which learners' evidence reaches this viewer's inbox, if any.
    pub fn assessing(&self) -> Option<AssessingScope> {
        if self.has(AppRole::LdAdmin) {
            return Some(AssessingScope::WholeOrganisation);
        }
        let reports_of = self.person_id.filter(|_| self.has(AppRole::Manager));
        let site = self.site_id.filter(|_| self.has(AppRole::Assessor));
        (reports_of.is_some() || site.is_some())
            .then_some(AssessingScope::Some { reports_of, site })
    }

    /// Whose records the viewer may find in the people directory: the same
    /// people `may_view_person` allows, besides themselves.
    pub fn finding_people(&self) -> Option<AssessingScope> {
        if self.has(AppRole::LdAdmin) || self.has(AppRole::SystemAdmin) {
            return Some(AssessingScope::WholeOrganisation);
        }
        let reports_of = self.person_id.filter(|_| self.has(AppRole::Manager));
        let site = self.site_id.filter(|_| self.has(AppRole::Assessor));
        (reports_of.is_some() || site.is_some())
            .then_some(AssessingScope::Some { reports_of, site })
    }

    /// How the viewer sees the organisation's outcome figures: L&D in full
    /// (never a cell that identifies a protected characteristic), an
    /// analyst only under disclosure control; no one else.
    pub fn outcome_figures(&self) -> Option<Disclosure> {
        if self.has(AppRole::LdAdmin) || self.has(AppRole::SystemAdmin) {
            Some(Disclosure::Full)
        } else if self.has(AppRole::Analyst) {
            Some(Disclosure::Controlled)
        } else {
            None
        }
    }

    /// Whether the viewer sees money: the levy account, apprenticeship
    /// prices and the forecast (L&D and finance; no one else).
    pub fn sees_money(&self) -> bool {
        self.has(AppRole::LdAdmin) || self.has(AppRole::Finance)
    }

    /// How the viewer sees outreach: the organisation's own activities in
    /// full (its outreach lead and L&D), or every organisation's funnel
    /// under disclosure control (an analyst); no one else.
    pub fn outreach(&self) -> Option<OutreachView> {
        if self.has(AppRole::Outreach) || self.has(AppRole::LdAdmin) {
            Some(OutreachView::Own)
        } else if self.has(AppRole::Analyst) {
            Some(OutreachView::AcrossOrganisations)
        } else {
            None
        }
    }

    /// Whether the viewer may simulate where to fund training places (the
    /// analyst and L&D: the inputs are trust-level figures, not people).
    pub fn may_simulate_places(&self) -> bool {
        self.has(AppRole::LdAdmin) || self.has(AppRole::Analyst)
    }

    /// Whether the viewer may change the organisation's local roles and transitions.
    pub fn may_edit_framework(&self) -> bool {
        self.has(AppRole::LdAdmin) || self.has(AppRole::SystemAdmin)
    }
}

/// What a viewer sees of outreach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutreachView {
    /// The organisation's activities and funnel in full; may record.
    Own,
    /// Every organisation's funnel, counts under disclosure control; no records.
    AcrossOrganisations,
}

/// Whose evidence an assessor sees in their inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessingScope {
    /// Everyone in the organisation (the L&D lead).
    WholeOrganisation,
    /// A manager's direct reports and/or everyone at an assessor's site.
    Some {
        /// The manager's staff record.
        reports_of: Option<i64>,
        /// The assessor's site.
        site: Option<i64>,
    },
}

/// How figures about people are shown to a viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// The organisation's own figures, unrounded.
    Full,
    /// Under statistical disclosure control (METRICS.md M7): counts of 1-7
    /// suppressed, others rounded to 5.
    Controlled,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(person: i64, roles: &[AppRole]) -> Viewer {
        Viewer {
            org_id: 1,
            person_id: Some(person),
            site_id: Some(10),
            roles: roles.to_vec(),
        }
    }

    fn record(person: i64, manager: Option<i64>, site: i64) -> RecordOwner {
        RecordOwner {
            org_id: 1,
            person_id: person,
            manager_id: manager,
            site_id: site,
        }
    }

    #[test]
    fn a_learner_sees_only_their_own_record() {
        let me = viewer(5, &[AppRole::Learner]);
        assert!(me.may_view_person(&record(5, Some(2), 10)));
        assert!(!me.may_view_person(&record(6, Some(2), 10)));
    }

    #[test]
    fn a_manager_sees_their_direct_reports_only() {
        let boss = viewer(2, &[AppRole::Manager]);
        assert!(boss.may_view_person(&record(5, Some(2), 10)));
        assert!(!boss.may_view_person(&record(6, Some(3), 10)));
    }

    #[test]
    fn nobody_crosses_organisations_not_even_an_admin() {
        let admin = viewer(1, &[AppRole::LdAdmin, AppRole::SystemAdmin]);
        let mut other = record(5, None, 10);
        other.org_id = 2;
        assert!(!admin.may_view_person(&other));
        assert!(admin.may_view_person(&record(5, None, 10)));
    }

    #[test]
    fn an_analyst_sees_no_individual() {
        let analyst = viewer(9, &[AppRole::Analyst]);
        assert!(!analyst.may_view_person(&record(5, Some(2), 10)));
    }

    #[test]
    fn an_assessor_sees_learners_at_their_own_site() {
        let a = viewer(7, &[AppRole::Assessor]);
        assert!(a.may_view_person(&record(5, Some(2), 10)));
        assert!(!a.may_view_person(&record(5, Some(2), 11)));
    }

    #[test]
    fn assessors_decide_for_others_never_for_themselves() {
        let boss = viewer(2, &[AppRole::Manager]);
        assert!(
            boss.may_assess(&record(5, Some(2), 11)),
            "own report at another site"
        );
        assert!(!boss.may_assess(&record(6, Some(3), 10)));
        let assessor = viewer(7, &[AppRole::Assessor]);
        assert!(assessor.may_assess(&record(5, Some(2), 10)));
        assert!(!assessor.may_assess(&record(5, Some(2), 11)));
        let both = viewer(5, &[AppRole::Manager, AppRole::Assessor, AppRole::LdAdmin]);
        assert!(!both.may_assess(&record(5, Some(2), 10)), "not themself");
        let learner = viewer(5, &[AppRole::Learner]);
        assert!(!learner.may_assess(&record(6, Some(2), 10)));
        assert!(
            !assessor.may_manage(&record(5, Some(2), 10)),
            "assessors do not hold reviews"
        );
        assert!(boss.may_manage(&record(5, Some(2), 10)));
        assert_eq!(learner.assessing(), None);
        assert_eq!(
            viewer(2, &[AppRole::Manager, AppRole::Assessor]).assessing(),
            Some(AssessingScope::Some {
                reports_of: Some(2),
                site: Some(10)
            })
        );
    }
}
