//! Sign-in throttling. Failures are counted three ways over a sliding window:
//! for one email from one client address, from one client address over any
//! emails, and for one email from anywhere. The first two lock out only the
//! client that has been failing, so a correct password from a client that
//! has not been failing still works; the third, much higher, bounds guessing
//! spread over many addresses, and is the most anyone else can do to an
//! account: lock it for [`WINDOW_SECONDS`] after [`PER_EMAIL`] failures.

/// The window failures are counted over.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// Failures allowed for one email from one client.
pub const PER_CLIENT_AND_EMAIL: i64 = 5;
/// Failures allowed from one client over any emails.
pub const PER_CLIENT: i64 = 20;
/// Failures allowed for one email from all clients together.
pub const PER_EMAIL: i64 = 100;

/// Failed sign-ins in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailureCounts {
    /// For this email from this client.
    pub this_email_from_this_client: i64,
    /// From this client, any email.
    pub from_this_client: i64,
    /// For this email, any client.
    pub for_this_email: i64,
}

impl FailureCounts {
    /// Whether the next attempt is refused without checking the password.
    pub fn throttled(&self) -> bool {
        self.this_email_from_this_client >= PER_CLIENT_AND_EMAIL
            || self.from_this_client >= PER_CLIENT
            || self.for_this_email >= PER_EMAIL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_is_throttled_for_one_email_for_many_emails_and_an_email_from_many_clients() {
        let none = FailureCounts::default();
        assert!(!none.throttled());
        let pair = FailureCounts {
            this_email_from_this_client: PER_CLIENT_AND_EMAIL,
            from_this_client: PER_CLIENT_AND_EMAIL,
            for_this_email: PER_CLIENT_AND_EMAIL,
        };
        assert!(pair.throttled());
        let other_client = FailureCounts {
            this_email_from_this_client: 0,
            from_this_client: 0,
            for_this_email: PER_CLIENT_AND_EMAIL,
        };
        assert!(
            !other_client.throttled(),
            "another client's failures do not lock this one out"
        );
        let spraying = FailureCounts {
            this_email_from_this_client: 1,
            from_this_client: PER_CLIENT,
            for_this_email: 1,
        };
        assert!(spraying.throttled());
        let distributed = FailureCounts {
            for_this_email: PER_EMAIL,
            ..FailureCounts::default()
        };
        assert!(distributed.throttled());
        let just_under = FailureCounts {
            this_email_from_this_client: PER_CLIENT_AND_EMAIL - 1,
            from_this_client: PER_CLIENT - 1,
            for_this_email: PER_EMAIL - 1,
        };
        assert!(!just_under.throttled());
    }
}
