//! How an enrolment on a pathway ends, and when it may be reopened.

use crate::Date;

/// Why a learner's enrolment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolmentEnd {
    /// Every required criterion of every stage is signed off.
    Completed,
    /// The learner left the organisation.
    Left,
    /// The learner stopped the pathway but stays in post.
    Withdrawn,
}

impl EnrolmentEnd {
    /// Every reason, in the order forms offer them.
    pub const ALL: [EnrolmentEnd; 3] = [
        EnrolmentEnd::Completed,
        EnrolmentEnd::Left,
        EnrolmentEnd::Withdrawn,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            EnrolmentEnd::Completed => "completed",
            EnrolmentEnd::Left => "left",
            EnrolmentEnd::Withdrawn => "withdrawn",
        }
    }

    /// How people say it.
    pub fn label(self) -> &'static str {
        match self {
            EnrolmentEnd::Completed => "Completed the pathway",
            EnrolmentEnd::Left => "Left the organisation",
            EnrolmentEnd::Withdrawn => "Stopped the pathway (stays in post)",
        }
    }

    /// The reason with this code.
    pub fn parse(code: &str) -> Option<EnrolmentEnd> {
        Self::ALL.into_iter().find(|e| e.code() == code.trim())
    }
}

/// An ending as asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Ending {
    /// Why.
    pub reason: EnrolmentEnd,
    /// The last day on the pathway.
    pub on: Date,
    /// What happened, in a sentence (required unless completed).
    pub note: String,
}

/// Why an ending was refused; each names the form field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndingRefused {
    /// The end date is before the enrolment began.
    #[error("ended_on: the end date cannot be before the enrolment date, {0}")]
    BeforeEnrolment(Date),
    /// The end date is in the future.
    #[error("ended_on: the end date cannot be in the future")]
    InFuture,
    /// Completion asked for while required criteria are open.
    #[error(
        "reason: {0} required criteria are not signed off yet, so the pathway is not complete; choose another reason or sign them off first"
    )]
    NotComplete(usize),
    /// Leaving or withdrawing needs a note.
    #[error("note: say in a sentence why the enrolment ends")]
    NoNote,
}

/// Checks an ending against the enrolment: the date lies between the
/// enrolment and today, completion needs every required criterion signed
/// off (`open_required` is how many are not), and any other ending says why.
pub fn check_ending(
    ending: &Ending,
    enrolled_on: Date,
    today: Date,
    open_required: usize,
) -> Result<(), EndingRefused> {
    if ending.on < enrolled_on {
        return Err(EndingRefused::BeforeEnrolment(enrolled_on));
    }
    if ending.on > today {
        return Err(EndingRefused::InFuture);
    }
    match ending.reason {
        EnrolmentEnd::Completed if open_required > 0 => {
            Err(EndingRefused::NotComplete(open_required))
        }
        EnrolmentEnd::Left | EnrolmentEnd::Withdrawn if ending.note.trim().is_empty() => {
            Err(EndingRefused::NoNote)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn ending(reason: EnrolmentEnd, on: &str, note: &str) -> Ending {
        Ending {
            reason,
            on: d(on),
            note: note.into(),
        }
    }

    #[test]
    fn an_ending_lies_between_enrolment_and_today_and_completion_needs_every_criterion() {
        let (enrolled, today) = (d("2026-01-05"), d("2026-11-24"));
        let done = ending(EnrolmentEnd::Completed, "2026-11-20", "");
        assert_eq!(check_ending(&done, enrolled, today, 0), Ok(()));
        assert_eq!(
            check_ending(&done, enrolled, today, 3),
            Err(EndingRefused::NotComplete(3))
        );
        let early = ending(EnrolmentEnd::Left, "2025-12-31", "Moved away");
        assert_eq!(
            check_ending(&early, enrolled, today, 3),
            Err(EndingRefused::BeforeEnrolment(enrolled))
        );
        let later = ending(EnrolmentEnd::Left, "2026-11-25", "Moved away");
        assert_eq!(
            check_ending(&later, enrolled, today, 3),
            Err(EndingRefused::InFuture)
        );
        let silent = ending(EnrolmentEnd::Withdrawn, "2026-11-24", "  ");
        assert_eq!(
            check_ending(&silent, enrolled, today, 3),
            Err(EndingRefused::NoNote)
        );
        let said = ending(
            EnrolmentEnd::Withdrawn,
            "2026-01-05",
            "Chose to stay in role",
        );
        assert_eq!(check_ending(&said, enrolled, today, 3), Ok(()));
        assert!(
            EndingRefused::NoNote.to_string().starts_with("note:"),
            "messages name the field"
        );
    }

    #[test]
    fn reasons_round_trip_through_their_codes() {
        for r in EnrolmentEnd::ALL {
            assert_eq!(EnrolmentEnd::parse(r.code()), Some(r));
        }
        assert_eq!(EnrolmentEnd::parse("retired"), None);
    }
}
