//! The people directory: finding staff by name or assignment number, role,
//! site and pathway status, within what the viewer may see; and finding
//! staff records from the assignment numbers people already know.

use crate::{Result, Store};
use pathwise_domain::Date;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// Whose records a viewer may find: the whole organisation (L&D), a
/// manager's reports and/or everyone at an assessor's site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeopleScope {
    /// The organisation.
    pub org_id: i64,
    /// Everyone in it.
    pub whole_organisation: bool,
    /// A manager's direct reports.
    pub reports_of: Option<i64>,
    /// An assessor's site.
    pub site: Option<i64>,
}

/// Where someone is with pathways, as the directory filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathwayStatus {
    /// Everyone.
    #[default]
    Any,
    /// On a pathway now.
    Enrolled,
    /// In post and not on a pathway.
    NotEnrolled,
    /// Has left (on or before today).
    Left,
}

impl PathwayStatus {
    /// Every status, in the filter's order.
    pub const ALL: [PathwayStatus; 4] = [
        PathwayStatus::Any,
        PathwayStatus::Enrolled,
        PathwayStatus::NotEnrolled,
        PathwayStatus::Left,
    ];

    /// Its code in a query string.
    pub fn code(self) -> &'static str {
        match self {
            PathwayStatus::Any => "",
            PathwayStatus::Enrolled => "enrolled",
            PathwayStatus::NotEnrolled => "not-enrolled",
            PathwayStatus::Left => "left",
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            PathwayStatus::Any => "Anyone",
            PathwayStatus::Enrolled => "On a pathway",
            PathwayStatus::NotEnrolled => "Not on a pathway",
            PathwayStatus::Left => "Has left",
        }
    }

    /// From its code; unknown codes are `None`.
    pub fn from_code(code: &str) -> Option<PathwayStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// What to look for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DirectorySearch {
    /// Part of a name or an assignment number, any case.
    pub text: String,
    /// Only this role (its code).
    pub role: Option<String>,
    /// Only this site.
    pub site: Option<i64>,
    /// Only this pathway status.
    pub status: PathwayStatus,
    /// The order they are listed in.
    pub sort: DirectorySort,
}

/// The order the directory lists people in (each then by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DirectorySort {
    /// By name.
    #[default]
    Name,
    /// By site, then name.
    Site,
    /// By line manager, then name (no manager last).
    Manager,
    /// By the pathway they are on, then name (none last).
    Pathway,
    /// By assignment number (none last).
    AssignmentNumber,
}

impl DirectorySort {
    /// Every order, as the page offers them.
    pub const ALL: [DirectorySort; 5] = [
        DirectorySort::Name,
        DirectorySort::Site,
        DirectorySort::Manager,
        DirectorySort::Pathway,
        DirectorySort::AssignmentNumber,
    ];

    /// The code a query gives.
    pub fn code(self) -> &'static str {
        match self {
            DirectorySort::Name => "name",
            DirectorySort::Site => "site",
            DirectorySort::Manager => "manager",
            DirectorySort::Pathway => "pathway",
            DirectorySort::AssignmentNumber => "assignment",
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            DirectorySort::Name => "Name",
            DirectorySort::Site => "Site",
            DirectorySort::Manager => "Line manager",
            DirectorySort::Pathway => "Pathway",
            DirectorySort::AssignmentNumber => "Assignment number",
        }
    }

    /// The order for a code; name when blank.
    pub fn from_code(code: &str) -> Option<DirectorySort> {
        if code.is_empty() {
            return Some(DirectorySort::Name);
        }
        DirectorySort::ALL.into_iter().find(|s| s.code() == code)
    }

    fn order_by(self) -> &'static str {
        match self {
            DirectorySort::Name => "p.name, p.id",
            DirectorySort::Site => "s.name, p.name, p.id",
            DirectorySort::Manager => "m.name IS NULL, m.name, p.name, p.id",
            DirectorySort::Pathway => "v.name IS NULL, v.name, p.name, p.id",
            DirectorySort::AssignmentNumber => {
                "p.assignment_number IS NULL, p.assignment_number, p.name, p.id"
            }
        }
    }
}

/// One person found.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryEntry {
    /// Their staff record.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Assignment number, when known.
    pub assignment_number: Option<String>,
    /// Current role's code.
    pub role_code: String,
    /// Their site's name.
    pub site_name: String,
    /// Their line manager's name.
    pub manager_name: Option<String>,
    /// Their line manager's staff record.
    pub manager_id: Option<i64>,
    /// The pathway they are on now, and its version.
    pub pathway: Option<(String, i64)>,
    /// When they left or leave.
    pub left_on: Option<Date>,
}

const FROM: &str = "FROM people p JOIN sites s ON s.id = p.site_id \
     LEFT JOIN people m ON m.id = p.manager_id \
     LEFT JOIN enrolments e ON e.person_id = p.id AND e.ended_on IS NULL \
     LEFT JOIN pathway_versions v ON v.id = e.version_id \
     WHERE p.org_id = $1 AND ($2 = 1 OR p.manager_id = $3 OR p.site_id = $4) \
     AND ($5 = '' OR LOWER(p.name) LIKE $5 OR LOWER(COALESCE(p.assignment_number, '')) LIKE $5) \
     AND ($6 = '' OR p.role_code = $6) AND ($7 < 0 OR p.site_id = $7) \
     AND ($8 = '' \
          OR ($8 = 'enrolled' AND e.id IS NOT NULL) \
          OR ($8 = 'not-enrolled' AND e.id IS NULL AND (p.left_on IS NULL OR p.left_on > $9)) \
          OR ($8 = 'left' AND p.left_on IS NOT NULL AND p.left_on <= $9))";

fn bind<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    scope: PeopleScope,
    search: &DirectorySearch,
    today: Date,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    // The search text is a part to find anywhere: LIKE's own wildcards in
    // it are dropped rather than obeyed.
    let text: String = search
        .text
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '%' | '_' | '\\'))
        .collect();
    q.bind(scope.org_id)
        .bind(i64::from(scope.whole_organisation))
        .bind(scope.reports_of.unwrap_or(-1))
        .bind(scope.site.unwrap_or(-1))
        .bind(if text.is_empty() {
            String::new()
        } else {
            format!("%{text}%")
        })
        .bind(search.role.clone().unwrap_or_default())
        .bind(search.site.unwrap_or(-1))
        .bind(search.status.code())
        .bind(today.to_string())
}

/// The people a viewer may see who match, in the order asked, `limit` from `offset`,
/// and how many match in all.
pub async fn search(
    store: &Store,
    scope: PeopleScope,
    search: &DirectorySearch,
    today: Date,
    limit: i64,
    offset: i64,
) -> Result<(Vec<DirectoryEntry>, i64)> {
    let total: i64 = bind(
        sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) AS n {FROM}"))),
        scope,
        search,
        today,
    )
    .fetch_one(store.pool())
    .await?
    .try_get("n")?;
    let rows = bind(
        sqlx::query(AssertSqlSafe(format!(
            "SELECT p.id, p.name, p.assignment_number, p.role_code, s.name AS site_name, \
             p.manager_id, m.name AS manager_name, p.left_on, v.name AS pathway_name, v.version \
             {FROM} ORDER BY {} LIMIT $10 OFFSET $11",
            search.sort.order_by()
        ))),
        scope,
        search,
        today,
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(store.pool())
    .await?;
    let people = rows
        .iter()
        .map(|r| {
            let pathway: Option<String> = r.try_get("pathway_name")?;
            let version: Option<i64> = r.try_get("version")?;
            Ok(DirectoryEntry {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                assignment_number: r.try_get("assignment_number")?,
                role_code: r.try_get("role_code")?,
                site_name: r.try_get("site_name")?,
                manager_id: r.try_get("manager_id")?,
                manager_name: r.try_get("manager_name")?,
                pathway: pathway.zip(version),
                left_on: crate::opt_date(r.try_get("left_on")?)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((people, total))
}

/// Staff records by assignment number, for those of `numbers` that an
/// organisation has (the bulk enrolment file names people this way).
pub async fn by_assignment_numbers(
    store: &Store,
    org_id: i64,
    numbers: &[String],
) -> Result<HashMap<String, i64>> {
    let mut found = HashMap::new();
    for chunk in numbers.chunks(500) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT id, assignment_number FROM people WHERE org_id = $1 AND assignment_number IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(org_id);
        for n in chunk {
            q = q.bind(n.trim());
        }
        for r in q.fetch_all(store.pool()).await? {
            found.insert(r.try_get("assignment_number")?, r.try_get("id")?);
        }
    }
    Ok(found)
}
