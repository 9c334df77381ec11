//! Rostered shifts: imported all or nothing (a file replaces the dates it
//! covers for the people in it) and read back by person and by team.

use crate::{Result, Store, id_list};
use pathwise_domain::Date;
use pathwise_domain::input::RowProblem;
use pathwise_domain::rota::{
    LocalTime, Shift, ShiftType, collisions_with_stored, overlapping_shifts,
};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::{BTreeSet, HashMap};

/// What an accepted roster import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterImport {
    /// Shifts written.
    pub shifts: usize,
    /// People they belong to.
    pub people: usize,
    /// Shifts already stored in the range that the file replaced.
    pub replaced: u64,
    /// The first and last dates the file covers.
    pub from: Date,
    /// The last date it covers.
    pub to: Date,
}

/// Imports shifts read from a roster file as `(row, shift)`, shift sites as
/// site codes. Either every row is accepted, or nothing is written and every
/// problem is returned by row: overlapping shifts, a staff record or site
/// code the organisation does not have. For the people in the file, the
/// shifts stored on the dates it covers (first to last) are replaced.
pub async fn import(
    store: &Store,
    org_id: i64,
    rows: &[(usize, Shift)],
    by_user: Option<i64>,
    now: i64,
) -> Result<std::result::Result<RosterImport, Vec<RowProblem>>> {
    let (Some(from), Some(to)) = (
        rows.iter().map(|(_, s)| s.start.date()).min(),
        rows.iter().map(|(_, s)| s.start.date()).max(),
    ) else {
        return Ok(Err(vec![RowProblem {
            row: 1,
            column: "person_id".into(),
            message: "the file has no shifts".into(),
        }]));
    };
    let mut problems = overlapping_shifts(rows);
    let people: BTreeSet<i64> = rows.iter().map(|(_, s)| s.person_id).collect();
    let ids: Vec<i64> = people.iter().copied().collect();
    let mut tx = store.begin_write().await?;
    let known: BTreeSet<i64> = sqlx::query(AssertSqlSafe(format!(
        "SELECT id FROM people WHERE org_id = $1 AND id IN ({})",
        id_list(&ids)
    )))
    .bind(org_id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect::<std::result::Result<_, _>>()?;
    let sites: HashMap<String, i64> = sqlx::query("SELECT id, code FROM sites WHERE org_id = $1")
        .bind(org_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("code")?, r.try_get("id")?)))
        .collect::<Result<_>>()?;
    for (row, s) in rows {
        if !known.contains(&s.person_id) {
            problems.push(RowProblem {
                row: *row,
                column: "person_id".into(),
                message: format!("staff record {} is not in this organisation", s.person_id),
            });
        }
        if !sites.contains_key(&s.site) {
            problems.push(RowProblem {
                row: *row,
                column: "site".into(),
                message: format!("'{}' is not one of the organisation's site codes", s.site),
            });
        }
    }
    let first = LocalTime::at(from, 0).minutes();
    let after = LocalTime::at(to.plus_days(1), 0).minutes();
    // Shifts kept either side of the replaced dates can still collide with
    // the file's first or last shifts (a stored night the evening before).
    let day = 24 * 60;
    let kept: Vec<Shift> = sqlx::query(AssertSqlSafe(format!(
        "SELECT {SHIFT_COLUMNS} FROM shifts s JOIN sites t ON t.id = s.site_id WHERE s.org_id = $1 \
         AND ((s.starts_at >= $2 AND s.starts_at < $3) OR (s.starts_at >= $4 AND s.starts_at < $5)) \
         AND s.person_id IN ({})",
        id_list(&ids)
    )))
    .bind(org_id)
    .bind(first - day)
    .bind(first)
    .bind(after)
    .bind(after + day)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(shift_from)
    .collect::<Result<_>>()?;
    problems.extend(collisions_with_stored(rows, &kept));
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Ok(Err(problems));
    }
    let replaced = sqlx::query(AssertSqlSafe(format!(
        "DELETE FROM shifts WHERE org_id = $1 AND starts_at >= $2 AND starts_at < $3 AND person_id IN ({})",
        id_list(&ids)
    )))
    .bind(org_id)
    .bind(first)
    .bind(after)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    for (_, s) in rows {
        sqlx::query(
            "INSERT INTO shifts (org_id, person_id, starts_at, ends_at, shift_type, site_id) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(org_id)
        .bind(s.person_id)
        .bind(s.start.minutes())
        .bind(s.end.minutes())
        .bind(s.kind.code())
        .bind(sites[&s.site])
        .execute(&mut *tx)
        .await?;
    }
    let done = RosterImport {
        shifts: rows.len(),
        people: people.len(),
        replaced,
        from,
        to,
    };
    crate::audit::record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "roster.imported",
        &format!("organisation:{org_id}"),
        &format!(
            "{} shifts for {} people from {from} to {to}, replacing {replaced}",
            done.shifts, done.people
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(done))
}

/// A person's shifts that overlap `from` to `to` (any part), by start.
pub async fn shifts_of(
    store: &Store,
    person_id: i64,
    from: LocalTime,
    to: LocalTime,
) -> Result<Vec<Shift>> {
    read(
        store,
        "s.person_id = $1 AND s.starts_at < $3 AND s.ends_at > $2",
        person_id,
        from,
        to,
    )
    .await
}

/// The shifts of a manager's direct reports overlapping `from` to `to`,
/// by person and start.
pub async fn team_shifts(
    store: &Store,
    manager_id: i64,
    from: LocalTime,
    to: LocalTime,
) -> Result<Vec<Shift>> {
    read(
        store,
        "p.manager_id = $1 AND s.starts_at < $3 AND s.ends_at > $2",
        manager_id,
        from,
        to,
    )
    .await
}

async fn read(
    store: &Store,
    cond: &str,
    key: i64,
    from: LocalTime,
    to: LocalTime,
) -> Result<Vec<Shift>> {
    // A shift lasts at most a day, so only those starting from a day before
    // `from` can reach into the range: the index on (person, start) bounds it.
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {SHIFT_COLUMNS} \
         FROM shifts s JOIN people p ON p.id = s.person_id JOIN sites t ON t.id = s.site_id \
         WHERE {cond} AND s.starts_at >= $4 ORDER BY s.person_id, s.starts_at"
    )))
    .bind(key)
    .bind(from.minutes())
    .bind(to.minutes())
    .bind(from.plus_minutes(-24 * 60).minutes())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(shift_from).collect()
}

/// The columns [`shift_from`] reads, with shifts as `s` and sites as `t`.
const SHIFT_COLUMNS: &str = "s.person_id, s.starts_at, s.ends_at, s.shift_type, t.code";

fn shift_from(r: &AnyRow) -> Result<Shift> {
    let code: String = r.try_get("shift_type")?;
    Ok(Shift {
        person_id: r.try_get("person_id")?,
        start: LocalTime::from_minutes(r.try_get("starts_at")?),
        end: LocalTime::from_minutes(r.try_get("ends_at")?),
        kind: ShiftType::from_code(&code)
            .ok_or_else(|| crate::StorageError::Invalid(format!("stored shift type '{code}'")))?,
        site: r.try_get("code")?,
    })
}
