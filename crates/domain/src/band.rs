//! Agenda for Change pay bands: 1 to 9 (8 split 8a-8d) and VSM.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An Agenda for Change band. Ordered from band 1 to VSM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Band {
    /// Bands 1-7 and 9.
    Numbered(u8),
    /// Band 8 split: 'a' to 'd'.
    Eight(char),
    /// Very senior manager, outside AfC pay points.
    Vsm,
}

/// A band that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an Agenda for Change band: expected 1-7, 8a-8d, 9 or VSM")]
pub struct BandError(pub String);

impl Band {
    /// A number for ordering and arithmetic: 1..7, 8a=8.0 .. 8d=8.75, 9, VSM=10.
    pub fn rank(self) -> f64 {
        match self {
            Band::Numbered(n) => f64::from(n),
            Band::Eight(c) => 8.0 + f64::from(c as u8 - b'a') * 0.25,
            Band::Vsm => 10.0,
        }
    }

    /// Whole bands moved from `self` to `to` (8a-8d count as 8), positive when going up.
    pub fn steps_to(self, to: Band) -> i32 {
        fn whole(b: Band) -> i32 {
            match b {
                Band::Numbered(n) => i32::from(n),
                Band::Eight(_) => 8,
                Band::Vsm => 10,
            }
        }
        whole(to) - whole(self)
    }
}

impl Ord for Band {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().total_cmp(&other.rank())
    }
}

impl PartialOrd for Band {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Band {
    type Err = BandError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let t = t.strip_prefix("band ").unwrap_or(&t);
        match t {
            "vsm" => Ok(Band::Vsm),
            "8a" | "8b" | "8c" | "8d" => Ok(Band::Eight(t.as_bytes()[1] as char)),
            _ => match t.parse::<u8>() {
                Ok(n) if (1..=9).contains(&n) && n != 8 => Ok(Band::Numbered(n)),
                _ => Err(BandError(s.to_string())),
            },
        }
    }
}

impl TryFrom<String> for Band {
    type Error = BandError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Band> for String {
    fn from(b: Band) -> String {
        b.to_string()
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Band::Numbered(n) => write!(f, "{n}"),
            Band::Eight(c) => write!(f, "8{c}"),
            Band::Vsm => write!(f, "VSM"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_parse_from_the_forms_people_write() {
        assert_eq!("3".parse::<Band>(), Ok(Band::Numbered(3)));
        assert_eq!("Band 5".parse::<Band>(), Ok(Band::Numbered(5)));
        assert_eq!("8B".parse::<Band>(), Ok(Band::Eight('b')));
        assert_eq!("vsm".parse::<Band>(), Ok(Band::Vsm));
    }

    #[test]
    fn band_8_without_a_letter_and_band_10_are_rejected() {
        assert!("8".parse::<Band>().is_err());
        assert!("10".parse::<Band>().is_err());
        assert!("".parse::<Band>().is_err());
    }

    #[test]
    fn bands_order_and_count_steps() {
        assert!(Band::Numbered(7) < Band::Eight('a'));
        assert!(Band::Eight('d') < Band::Numbered(9));
        assert_eq!(Band::Numbered(3).steps_to(Band::Numbered(5)), 2);
        assert_eq!(Band::Numbered(4).steps_to(Band::Numbered(3)), -1);
    }
}
