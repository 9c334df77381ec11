//! Protected characteristics (sex, ethnicity, age band, disability) as a
//! staff extract records them: special category data, stored apart from the
//! person record and read only by aggregate views.

use crate::metrics::EthnicityGroup;

/// Sex as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Not recorded.
    Unknown,
}

impl Sex {
    /// Every value, in the order tables show them.
    pub const ALL: [Sex; 3] = [Sex::Female, Sex::Male, Sex::Unknown];

    /// The word stored and shown.
    pub fn label(self) -> &'static str {
        match self {
            Sex::Female => "Female",
            Sex::Male => "Male",
            Sex::Unknown => "Unknown",
        }
    }

    pub(super) fn read(text: &str) -> Option<Sex> {
        match text.to_ascii_lowercase().as_str() {
            "female" | "f" => Some(Sex::Female),
            "male" | "m" => Some(Sex::Male),
            "" | "unknown" | "not stated" | "not known" | "u" => Some(Sex::Unknown),
            _ => None,
        }
    }
}

/// Ethnicity in the groups the workforce statistics use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ethnicity {
    /// White (NHS ethnic category codes A-C).
    White,
    /// Mixed (D-G).
    Mixed,
    /// Asian or Asian British (H-L).
    Asian,
    /// Black or Black British (M-P).
    Black,
    /// Other ethnic groups (R, S).
    Other,
    /// Not stated (Z) or not recorded.
    Unknown,
}

impl Ethnicity {
    /// Every value, in the order tables show them.
    pub const ALL: [Ethnicity; 6] = [
        Ethnicity::White,
        Ethnicity::Mixed,
        Ethnicity::Asian,
        Ethnicity::Black,
        Ethnicity::Other,
        Ethnicity::Unknown,
    ];

    /// The word stored and shown (the panel's values).
    pub fn label(self) -> &'static str {
        match self {
            Ethnicity::White => "White",
            Ethnicity::Mixed => "Mixed",
            Ethnicity::Asian => "Asian",
            Ethnicity::Black => "Black",
            Ethnicity::Other => "Other",
            Ethnicity::Unknown => "Unknown",
        }
    }

    /// White, BME or not known, for WRES-style measures.
    pub fn group(self) -> EthnicityGroup {
        EthnicityGroup::of(self.label())
    }

    /// A group's name ("Asian"), or an NHS ethnic category as ESR writes it:
    /// its code letter alone or followed by its name ("H Indian",
    /// "A White - British").
    pub(super) fn read(text: &str) -> Option<Ethnicity> {
        if let Some(e) = Ethnicity::ALL
            .into_iter()
            .find(|e| e.label().eq_ignore_ascii_case(text))
        {
            return Some(e);
        }
        if text.is_empty() || text.eq_ignore_ascii_case("not stated") {
            return Some(Ethnicity::Unknown);
        }
        let mut chars = text.chars();
        let code = chars.next()?.to_ascii_uppercase();
        if !matches!(chars.next(), None | Some(' ')) {
            return None;
        }
        Some(match code {
            'A' | 'B' | 'C' => Ethnicity::White,
            'D' | 'E' | 'F' | 'G' => Ethnicity::Mixed,
            'H' | 'J' | 'K' | 'L' => Ethnicity::Asian,
            'M' | 'N' | 'P' => Ethnicity::Black,
            'R' | 'S' => Ethnicity::Other,
            'Z' => Ethnicity::Unknown,
            _ => return None,
        })
    }
}

/// Age band, as the workforce panel groups ages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeBand {
    /// 16 to 24.
    To24,
    /// 25 to 34.
    To34,
    /// 35 to 44.
    To44,
    /// 45 to 54.
    To54,
    /// 55 to 64.
    To64,
    /// 65 and over.
    From65,
    /// Not recorded.
    Unknown,
}

impl AgeBand {
    /// Every value, youngest first.
    pub const ALL: [AgeBand; 7] = [
        AgeBand::To24,
        AgeBand::To34,
        AgeBand::To44,
        AgeBand::To54,
        AgeBand::To64,
        AgeBand::From65,
        AgeBand::Unknown,
    ];

    /// The band as written ("25-34").
    pub fn label(self) -> &'static str {
        match self {
            AgeBand::To24 => "16-24",
            AgeBand::To34 => "25-34",
            AgeBand::To44 => "35-44",
            AgeBand::To54 => "45-54",
            AgeBand::To64 => "55-64",
            AgeBand::From65 => "65+",
            AgeBand::Unknown => "Unknown",
        }
    }

    pub(super) fn read(text: &str) -> Option<AgeBand> {
        if text.is_empty() {
            return Some(AgeBand::Unknown);
        }
        AgeBand::ALL
            .into_iter()
            .find(|b| b.label().eq_ignore_ascii_case(text))
    }
}

/// Whether a disability is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Disability {
    /// Declared a disability.
    Yes,
    /// Declared none.
    No,
    /// Not declared.
    Unknown,
}

impl Disability {
    /// Every value, in the order tables show them.
    pub const ALL: [Disability; 3] = [Disability::Yes, Disability::No, Disability::Unknown];

    /// The word stored and shown.
    pub fn label(self) -> &'static str {
        match self {
            Disability::Yes => "Yes",
            Disability::No => "No",
            Disability::Unknown => "Unknown",
        }
    }

    pub(super) fn read(text: &str) -> Option<Disability> {
        match text.to_ascii_lowercase().as_str() {
            "yes" | "y" => Some(Disability::Yes),
            "no" | "n" => Some(Disability::No),
            "" | "unknown" | "not declared" | "prefer not to say" | "not stated" => {
                Some(Disability::Unknown)
            }
            _ => None,
        }
    }
}

/// A person's protected characteristics: special category data, stored
/// apart from their record and read only by aggregate views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Characteristics {
    /// Sex.
    pub sex: Sex,
    /// Ethnicity.
    pub ethnicity: Ethnicity,
    /// Age band.
    pub age_band: AgeBand,
    /// Disability.
    pub disability: Disability,
}

impl Characteristics {
    /// Reads stored labels (as [`Sex::label`] and the others write them);
    /// anything unreadable is `Unknown`.
    pub fn from_labels(sex: &str, ethnicity: &str, age_band: &str, disability: &str) -> Self {
        Characteristics {
            sex: Sex::read(sex).unwrap_or(Sex::Unknown),
            ethnicity: Ethnicity::read(ethnicity).unwrap_or(Ethnicity::Unknown),
            age_band: AgeBand::read(age_band).unwrap_or(AgeBand::Unknown),
            disability: Disability::read(disability).unwrap_or(Disability::Unknown),
        }
    }
}
