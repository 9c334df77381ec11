//! The audit trail in words: what each recorded action is called, and the
//! sentence an event reads as ("Marek Northcote accepted evidence from Lena
//! Brightwater: Handover I led"). The codes stay in the trail and in the
//! exports' extra columns for machines; people read these.

/// One kind of recorded action: its code in the trail, its name in a list
/// of actions, and what the person who did it did (a phrase after their
/// name, with `{about}` where the record it concerns goes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionWords {
    /// The code stored in the trail, `evidence.accepted`.
    pub code: &'static str,
    /// Its name in the action filter, "Evidence accepted".
    pub label: &'static str,
    /// What was done, "accepted evidence {about}".
    pub phrase: &'static str,
}

const fn a(code: &'static str, label: &'static str, phrase: &'static str) -> ActionWords {
    ActionWords {
        code,
        label,
        phrase,
    }
}

/// Every action the trail records, in the order the filter lists them.
pub const ACTIONS: &[ActionWords] = &[
    a("evidence.added", "Evidence added", "added evidence {about}"),
    a(
        "evidence.accepted",
        "Evidence accepted",
        "accepted evidence {about}",
    ),
    a(
        "evidence.returned",
        "Evidence returned",
        "returned evidence {about}",
    ),
    a(
        "criterion.signed_off",
        "Criteria signed off",
        "signed off criteria for {about}",
    ),
    a(
        "criterion.sign_off_withdrawn",
        "Sign-off withdrawn",
        "withdrew a sign-off for {about}",
    ),
    a(
        "review.recorded",
        "Review recorded",
        "recorded a review of {about}",
    ),
    a(
        "workload.flag_raised",
        "Workload concern raised",
        "raised a workload concern for {about}",
    ),
    a("enrolment.created", "Enrolled", "enrolled {about}"),
    a(
        "enrolment.moved",
        "Moved to another version",
        "moved {about} to another pathway version",
    ),
    a(
        "enrolment.ended",
        "Enrolment ended",
        "ended the enrolment of {about}",
    ),
    a(
        "enrolment.reopened",
        "Enrolment reopened",
        "reopened the enrolment of {about}",
    ),
    a(
        "person.left",
        "Leaver recorded",
        "recorded {about} as a leaver",
    ),
    a(
        "staff.imported",
        "Staff records imported",
        "imported staff records for {about}",
    ),
    a(
        "levy.imported",
        "Levy account file imported",
        "imported a levy account file for {about}",
    ),
    a(
        "apprenticeship.reviewed",
        "Progress review recorded",
        "recorded a progress review for {about}",
    ),
    a(
        "outreach.recorded",
        "Outreach activities recorded",
        "recorded outreach activities for {about}",
    ),
    a(
        "outreach.followed_up",
        "Outreach follow-ups recorded",
        "recorded outreach follow-ups for {about}",
    ),
    a(
        "simulation.saved",
        "Training places simulation saved",
        "saved a training places simulation for {about}",
    ),
    a(
        "simulation.deleted",
        "Training places simulation deleted",
        "deleted a training places simulation for {about}",
    ),
    a(
        "characteristics.imported",
        "Protected characteristics imported",
        "imported protected characteristics for {about}",
    ),
    a(
        "pathway.published",
        "Pathway version published",
        "published a new version of {about}",
    ),
    a(
        "catalogue.role_added",
        "Local role added",
        "added the local role {about}",
    ),
    a(
        "catalogue.role_changed",
        "Role changed",
        "changed the role {about}",
    ),
    a(
        "catalogue.transition_added",
        "Local route added",
        "added the local route {about}",
    ),
    a(
        "catalogue.transition_removed",
        "Local route removed",
        "removed the local route {about}",
    ),
    a("booking.made", "Place booked", "booked a place for {about}"),
    a(
        "booking.waitlisted",
        "Put on a waiting list",
        "put {about} on a waiting list",
    ),
    a(
        "booking.overridden",
        "Booked despite the rota",
        "booked {about} despite the rota",
    ),
    a(
        "booking.cancelled",
        "Booking cancelled",
        "cancelled a booking on {about}",
    ),
    a(
        "attendance.recorded",
        "Attendance recorded",
        "recorded attendance at {about}",
    ),
    a(
        "release.agreed",
        "Release agreed",
        "agreed time away from the rota for {about}",
    ),
    a(
        "learning.offer_added",
        "Learning offer added",
        "added the learning offer {about}",
    ),
    a(
        "learning.sessions_added",
        "Sessions added",
        "added sessions of {about}",
    ),
    a(
        "learning.session_cancelled",
        "Session cancelled",
        "cancelled the session {about}",
    ),
    a(
        "learning.session_moved",
        "Session moved",
        "moved the session {about}",
    ),
    a(
        "learning.fit_settings",
        "Rota fit settings changed",
        "changed how learning fits the rota for {about}",
    ),
    a(
        "roster.imported",
        "Rota imported",
        "imported a rota for {about}",
    ),
    a("token.created", "API token created", "created an API token"),
    a("token.revoked", "API token revoked", "revoked an API token"),
    a(
        "identity_provider.set",
        "Single sign-on set up",
        "set up single sign-on for {about}",
    ),
    a("sign_in.succeeded", "Signed in", "signed in"),
    a("sign_in.failed", "Sign-in failed", "failed to sign in"),
    a(
        "sign_in.throttled",
        "Sign-in slowed after failures",
        "was made to wait after repeated failed sign-ins",
    ),
    a("sign_in.refused", "Sign-in refused", "was refused sign-in"),
    a(
        "access.denied",
        "Access refused",
        "was refused access to {about}",
    ),
];

/// The words for an action code, if it is one the trail records.
pub fn action_words(code: &str) -> Option<&'static ActionWords> {
    ACTIONS.iter().find(|w| w.code == code)
}

/// What a trail subject (`person:42`, `evidence:7`, `enrol:person:42`)
/// points at, so that its name can be looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A member of staff.
    Person(i64),
    /// A piece of evidence.
    Evidence(i64),
    /// A learning session.
    Session(i64),
    /// A learning offer.
    Offer(i64),
    /// A pathway, by code.
    Pathway(String),
    /// A role, by code.
    Role(String),
    /// A local route between two roles, by their codes.
    Route(String, String),
    /// The organisation itself.
    Organisation,
    /// Anything else (a page, a token): shown as it is.
    Other(String),
}

impl Subject {
    /// Reads a stored subject. A refused access names what was asked for
    /// before the record (`decide:evidence:7`); the record is what counts.
    pub fn parse(s: &str) -> Subject {
        let parts: Vec<&str> = s.split(':').collect();
        let (kind, rest) = match parts.as_slice() {
            [.., kind, rest] => (*kind, *rest),
            _ => return Subject::Other(s.to_string()),
        };
        match (kind, rest.parse::<i64>().ok()) {
            ("person", Some(id)) => Subject::Person(id),
            ("evidence", Some(id)) => Subject::Evidence(id),
            ("session", Some(id)) => Subject::Session(id),
            ("offer", Some(id)) => Subject::Offer(id),
            ("organisation", _) => Subject::Organisation,
            ("pathway", _) if !rest.is_empty() => Subject::Pathway(rest.to_string()),
            ("role", _) if !rest.is_empty() => Subject::Role(rest.to_string()),
            ("transition", _) => match rest.split_once("->") {
                Some((from, to)) => Subject::Route(from.to_string(), to.to_string()),
                None => Subject::Other(s.to_string()),
            },
            _ => Subject::Other(s.to_string()),
        }
    }
}

/// An event as a sentence: who, what, about whom or what. `actor` is the
/// name of who acted (or who they said they were); `about` the name of the
/// record the event concerns.
pub fn sentence(actor: &str, action: &str, about: &str) -> String {
    let phrase = match action_words(action) {
        Some(w) => w.phrase.to_string(),
        None => format!("did '{action}' to {{about}}"),
    };
    format!("{actor} {}", phrase.replace("{about}", about))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_one_entry_and_a_phrase() {
        for (i, w) in ACTIONS.iter().enumerate() {
            assert!(
                ACTIONS[i + 1..].iter().all(|o| o.code != w.code),
                "{} twice",
                w.code
            );
            assert!(!w.label.is_empty() && !w.phrase.is_empty());
        }
    }

    #[test]
    fn an_event_reads_as_who_did_what_to_whom() {
        assert_eq!(
            sentence(
                "Marek Northcote",
                "evidence.accepted",
                "from Lena Brightwater: Handover I led"
            ),
            "Marek Northcote accepted evidence from Lena Brightwater: Handover I led"
        );
        assert_eq!(
            sentence("Ada Lovelace", "enrolment.created", "Lena Brightwater"),
            "Ada Lovelace enrolled Lena Brightwater"
        );
        assert_eq!(
            sentence("Lena Brightwater", "sign_in.succeeded", ""),
            "Lena Brightwater signed in"
        );
        assert_eq!(
            sentence("Sam", "something.new", "Lena"),
            "Sam did 'something.new' to Lena"
        );
    }

    #[test]
    fn subjects_name_the_record_even_behind_what_was_asked() {
        assert_eq!(Subject::parse("person:42"), Subject::Person(42));
        assert_eq!(Subject::parse("decide:evidence:7"), Subject::Evidence(7));
        assert_eq!(Subject::parse("enrol:person:3"), Subject::Person(3));
        assert_eq!(Subject::parse("session:9"), Subject::Session(9));
        assert_eq!(
            Subject::parse("transition:hcsw->senior-hcsw"),
            Subject::Route("hcsw".into(), "senior-hcsw".into())
        );
        assert_eq!(
            Subject::parse("pathway:support-worker"),
            Subject::Pathway("support-worker".into())
        );
        assert_eq!(Subject::parse("organisation:1"), Subject::Organisation);
        assert_eq!(
            Subject::parse("admin/audit"),
            Subject::Other("admin/audit".into())
        );
        assert_eq!(
            Subject::parse("person:abc"),
            Subject::Other("person:abc".into())
        );
    }
}
