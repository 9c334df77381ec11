//! What an analysis is asked for: the breakdowns of M1, the tables wanted
//! (each reads only the columns it needs) and the panel's months.

use crate::panel::Attr;

/// A breakdown of M1: no attributes for the national total, one, or a pair.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Breakdown(pub Vec<Attr>);

impl Breakdown {
    /// Its name in outputs: `all`, `region` or `region+ethnicity`.
    pub fn name(&self) -> String {
        if self.0.is_empty() {
            "all".into()
        } else {
            self.0
                .iter()
                .map(|a| a.column())
                .collect::<Vec<_>>()
                .join("+")
        }
    }

    /// Reads `region`, `region+ethnicity`, `all`; at most two attributes.
    pub fn parse(s: &str) -> Result<Breakdown, String> {
        if s.trim() == "all" {
            return Ok(Breakdown(vec![]));
        }
        let attrs: Result<Vec<Attr>, String> = s
            .split('+')
            .map(|p| Attr::from_column(p).ok_or_else(|| format!("'{p}' is not a panel column")))
            .collect();
        let attrs = attrs?;
        if attrs.len() > 2 {
            return Err(format!("'{s}': combine at most two columns"));
        }
        Ok(Breakdown(attrs))
    }

    /// Whether it splits people by a protected characteristic.
    pub fn protected(&self) -> bool {
        self.0.iter().any(|a| {
            matches!(
                a,
                Attr::Sex | Attr::Ethnicity | Attr::AgeBand | Attr::Disability
            )
        })
    }

    /// Whether its groups are below national level (so under disclosure control).
    pub fn sub_national(&self) -> bool {
        self.0
            .iter()
            .any(|a| matches!(a, Attr::Region | Attr::OrgCode))
    }
}

/// Which tables to compute. Each reads only the columns it needs, so asking
/// for fewer tables reads less of the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measures {
    /// M1 (`transitions.csv`) and M4 on it (`relative_likelihood.csv`).
    pub transitions: bool,
    /// M2 (`new_nurse_share.csv`).
    pub new_nurses: bool,
    /// M3 (`band_representation.csv`).
    pub bands: bool,
    /// M6 (`retention.csv`).
    pub retention: bool,
}

impl Measures {
    /// Every table.
    pub const ALL: Measures = Measures {
        transitions: true,
        new_nurses: true,
        bands: true,
        retention: true,
    };

    /// The table names accepted by [`Measures::parse`], with their metric.
    pub const NAMES: [(&'static str, &'static str); 4] = [
        ("transitions", "m1"),
        ("new_nurse_share", "m2"),
        ("band_representation", "m3"),
        ("retention", "m6"),
    ];

    /// Reads table names or metric numbers (`transitions`, `m1`, ...); an
    /// empty list means every table.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Measures, String> {
        let names: Vec<&str> = names
            .iter()
            .map(|n| n.as_ref().trim())
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Ok(Measures::ALL);
        }
        let mut m = Measures {
            transitions: false,
            new_nurses: false,
            bands: false,
            retention: false,
        };
        for n in names {
            let n = n.to_ascii_lowercase();
            match Self::NAMES.iter().position(|(t, k)| *t == n || *k == n) {
                Some(0) => m.transitions = true,
                Some(1) => m.new_nurses = true,
                Some(2) => m.bands = true,
                Some(3) => m.retention = true,
                _ => {
                    return Err(format!(
                        "'{n}' is not a table; expected {}",
                        Self::NAMES
                            .iter()
                            .map(|(t, k)| format!("{t} ({k})"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
        Ok(m)
    }
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct AnalysisSpec {
    /// The tables asked for.
    pub measures: Measures,
    /// Snapshot month of each year, 1-12 (September by default).
    pub snapshot_month: u32,
    /// M2 look-back in years.
    pub lookback: u32,
    /// M1 breakdowns, `all` first. M6 is also broken down by `region` and
    /// `org_code` when they are here.
    pub breakdowns: Vec<Breakdown>,
    /// First month in the panel (month index).
    pub first_month: i32,
    /// Last month in the panel (month index).
    pub last_month: i32,
}

impl AnalysisSpec {
    /// The default breakdowns: national and each protected characteristic and place.
    pub fn default_breakdowns() -> Vec<Breakdown> {
        let mut v = vec![Breakdown(vec![])];
        for a in [
            Attr::Region,
            Attr::TrustType,
            Attr::OrgCode,
            Attr::Sex,
            Attr::Ethnicity,
            Attr::AgeBand,
            Attr::Disability,
            Attr::StaffGroup,
        ] {
            v.push(Breakdown(vec![a]));
        }
        v
    }

    /// Reads `--by`: breakdowns by name, `default` for the default set;
    /// the national total (`all`) always comes first.
    pub fn breakdowns_named<S: AsRef<str>>(names: &[S]) -> Result<Vec<Breakdown>, String> {
        let mut out = vec![Breakdown(vec![])];
        for name in names
            .iter()
            .map(|n| n.as_ref().trim())
            .filter(|n| !n.is_empty())
        {
            let more = if name == "default" {
                Self::default_breakdowns()
            } else {
                vec![Breakdown::parse(name)?]
            };
            for b in more {
                if !out.contains(&b) {
                    out.push(b);
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn breaks_down_by(&self, attr: Attr) -> bool {
        self.breakdowns.iter().any(|b| b.0 == [attr])
    }

    /// The attribute columns the asked-for tables read (besides person and month).
    pub fn attrs_read(&self) -> Vec<Attr> {
        let m = &self.measures;
        let mut attrs = Vec::new();
        if m.transitions || m.new_nurses || m.retention {
            attrs.push(Attr::StaffGroup);
        }
        if m.transitions {
            attrs.extend(self.breakdowns.iter().flat_map(|b| b.0.iter().copied()));
        }
        if m.bands {
            attrs.extend([Attr::Ethnicity, Attr::AfcBand, Attr::Region, Attr::OrgCode]);
        }
        if m.retention {
            attrs.push(Attr::OrgCode);
            if self.breaks_down_by(Attr::Region) {
                attrs.push(Attr::Region);
            }
        }
        attrs.sort();
        attrs.dedup();
        attrs
    }

    /// The calendar year of the panel's first month.
    pub(crate) fn first_year(&self) -> i32 {
        self.first_month.div_euclid(12)
    }

    pub(crate) fn snapshot(&self, year: i32) -> i32 {
        year * 12 + self.snapshot_month as i32 - 1
    }

    /// Years whose snapshot month is inside the panel.
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        let s = self.snapshot_month as i32 - 1;
        let first = (self.first_month - s + 11).div_euclid(12);
        let last = (self.last_month - s).div_euclid(12);
        first..=last
    }
}
