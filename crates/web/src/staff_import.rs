//! A staff extract on its way in, the same from the admin pages and the
//! command line: read every row, compare with the staff stored, and return
//! the plan to confirm, or every problem by row and column.

use crate::csv_files;
use pathwise_domain::Date;
use pathwise_domain::staff::{self, StaffPlan};
use pathwise_storage::{Result, Store, catalogue, people};

/// Reads `text` and decides what importing it into the organisation does
/// on `today`; `Ok(Err(problems))` when the file has problems.
pub async fn prepare(
    store: &Store,
    org_id: i64,
    text: &str,
    today: Date,
) -> Result<std::result::Result<StaffPlan, Vec<String>>> {
    let rows = match csv_files::staff(text) {
        Ok(rows) => rows,
        Err(problems) => return Ok(Err(problems)),
    };
    let roles = catalogue::role_map(store, org_id).await?;
    let sites: Vec<String> = people::sites(store, org_id)
        .await?
        .into_iter()
        .map(|s| s.code)
        .collect();
    let stored = pathwise_storage::staff::stored(store, org_id).await?;
    Ok(staff::plan(
        rows,
        &stored,
        |code| roles.contains_key(code),
        &sites,
        today,
    )
    .map_err(|problems| problems.iter().map(ToString::to_string).collect()))
}
