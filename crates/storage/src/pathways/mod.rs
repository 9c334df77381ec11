//! Progression pathways as stored: template versions and their criteria,
//! enrolments and version moves, evidence with its criteria and decisions,
//! criterion sign-offs, reviews and workload-pressure flags. Every change is
//! written in one transaction together with its audit event. Decisions and
//! sign-offs are only ever inserted; the database refuses edits.

use crate::audit::record_with;
use crate::{Conflicting, Result, StorageError, Store, conflict_on_unique};
use pathwise_domain::Date;
use pathwise_domain::enrolment::{Ending, EnrolmentEnd};
use pathwise_domain::evidence::{DecisionRefused, EvidenceKind, EvidenceStatus, FileType};
use pathwise_domain::pathway::{Applies, Criterion, Decision, PathwayTemplate, Stage};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

mod enrolments;
mod evidence;
mod inbox;
mod learners;
mod reviews;
mod versions;

pub use enrolments::*;
pub use evidence::*;
pub use inbox::*;
pub use learners::*;
pub use reviews::*;
pub use versions::*;

use crate::{date, opt_date};
