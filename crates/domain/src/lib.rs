//! Pathwise's pure rules. Nothing here touches a database, a socket or a file:
//! the career framework (roles, transitions, requirements, routes), the ranking
//! of a person's next options, and who may see whose record.
#![forbid(unsafe_code)]

pub mod access;
pub mod audit;
pub mod band;
pub mod catalogue;
pub mod dates;
pub mod drafts;
pub mod enrolment;
pub mod evidence;
pub mod framework;
pub mod frontier;
pub mod input;
pub mod learning;
pub mod levy;
pub mod metrics;
pub mod moves;
pub mod notify;
pub mod options;
pub mod outcomes;
pub mod outreach;
pub mod paging;
pub mod pathway;
pub mod rota;
pub mod schedule;
pub mod shipped;
pub mod sign_on;
pub mod staff;
pub mod standards;
pub mod throttle;

pub use access::{AppRole, AssessingScope, RecordOwner, Viewer};
pub use band::Band;
pub use catalogue::{Catalogue, CatalogueError};
pub use dates::Date;
pub use framework::{
    PathwayFamily, Requirement, RequirementKind, Role, Route, RouteKind, StaffGroup, Transition,
};
pub use options::{
    NextOption, OptionRequirement, PersonProfile, RankingWeights, choose_helpers, rank_next_options,
};
pub use paging::{Offset, PageNumber};

/// A whole number with commas between thousands: "12,345".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its noun: "1 person", "3 people".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
