//! The one clock the web layer reads. Handlers and services ask the app
//! state's clock for the time, never the system directly, so that a test can
//! fix the date (`Clock::Fixed`) and see the same "today" in every rule.

use pathwise_domain::Date;

/// Where the time comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system's clock (UTC).
    #[default]
    System,
    /// Always this moment: seconds since the Unix epoch.
    Fixed(i64),
}

impl Clock {
    /// Seconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        match self {
            #[allow(
                clippy::disallowed_methods,
                reason = "the one reading of the system clock"
            )]
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0),
            Clock::Fixed(at) => *at,
        }
    }

    /// The wall-clock time now, as rotas and sessions are written (UTC:
    /// the hour's difference in British Summer Time is not applied).
    pub fn local_now(&self) -> pathwise_domain::rota::LocalTime {
        pathwise_domain::rota::LocalTime::from_minutes(self.now().div_euclid(60))
    }

    /// Today's date (UTC).
    pub fn today(&self) -> Date {
        Date::from_unix_days(self.now().div_euclid(86_400))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_gives_its_own_day() {
        let at = Date::from_unix_days(20_500).to_unix_days() * 86_400 + 3_600;
        let clock = Clock::Fixed(at);
        assert_eq!(clock.now(), at);
        assert_eq!(clock.today(), Date::from_unix_days(20_500));
    }
}
