//! Organisations, their sites, staff, what staff hold (qualifications and
//! signed-off evidence) and local vacancies.

use crate::{Result, StorageError, Store, id_list, split_list};
use pathwise_domain::Date;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// A site of an organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Its id.
    pub id: i64,
    /// Its short code, `NGH`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// What it is, e.g. "Acute hospital".
    pub kind: String,
}

/// A member of staff to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPerson {
    /// Their site.
    pub site_id: i64,
    /// Full name.
    pub name: String,
    /// Code of their current role.
    pub role_code: String,
    /// When they started in that role.
    pub role_started: Date,
    /// Their line manager's staff record.
    pub manager_id: Option<i64>,
    /// Stated interests: role codes or pathway family codes.
    pub interests: Vec<String>,
    /// Their assignment number in the staff record system, when known.
    pub assignment_number: Option<String>,
}

/// A member of staff as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Their id.
    pub id: i64,
    /// Their organisation.
    pub org_id: i64,
    /// Their site.
    pub site_id: i64,
    /// The site's name.
    pub site_name: String,
    /// Full name.
    pub name: String,
    /// Code of their current role.
    pub role_code: String,
    /// When they started in that role.
    pub role_started: Date,
    /// Their line manager's staff record.
    pub manager_id: Option<i64>,
    /// Their line manager's name.
    pub manager_name: Option<String>,
    /// Stated interests.
    pub interests: Vec<String>,
    /// Their assignment number, when known.
    pub assignment_number: Option<String>,
}

/// A named person who can help, with their role.
#[derive(Debug, Clone, PartialEq)]
pub struct Helper {
    /// Their name.
    pub name: String,
    /// Code of the role they hold.
    pub role_code: String,
}

const PERSON_SELECT: &str = "SELECT p.id, p.org_id, p.site_id, s.name AS site_name, p.name, p.role_code, \
     p.role_started, p.manager_id, m.name AS manager_name, p.interests, p.assignment_number \
     FROM people p JOIN sites s ON s.id = p.site_id LEFT JOIN people m ON m.id = p.manager_id";

fn person_from_row(row: &AnyRow) -> Result<Person> {
    let started: String = row.try_get("role_started")?;
    Ok(Person {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        site_id: row.try_get("site_id")?,
        site_name: row.try_get("site_name")?,
        name: row.try_get("name")?,
        role_code: row.try_get("role_code")?,
        role_started: started
            .parse()
            .map_err(|_| StorageError::Invalid(format!("stored date '{started}'")))?,
        manager_id: row.try_get("manager_id")?,
        manager_name: row.try_get("manager_name")?,
        interests: split_list(&row.try_get::<String, _>("interests")?),
        assignment_number: row.try_get("assignment_number")?,
    })
}

/// Creates an organisation and returns its id.
pub async fn create_organisation(store: &Store, code: &str, name: &str) -> Result<i64> {
    let row = sqlx::query("INSERT INTO organisations (code, name) VALUES ($1, $2) RETURNING id")
        .bind(code)
        .bind(name)
        .fetch_one(store.pool())
        .await
        .map_err(|e| {
            crate::conflict_on_unique(
                e,
                crate::Conflicting::Organisation,
                format!("organisation '{code}' already exists"),
            )
        })?;
    Ok(row.try_get("id")?)
}

/// An organisation's id and name, by code.
pub async fn organisation_by_code(store: &Store, code: &str) -> Result<Option<(i64, String)>> {
    let row = sqlx::query("SELECT id, name FROM organisations WHERE code = $1")
        .bind(code)
        .fetch_optional(store.pool())
        .await?;
    Ok(match row {
        Some(r) => Some((r.try_get("id")?, r.try_get("name")?)),
        None => None,
    })
}

/// Every organisation's id, oldest first.
pub async fn organisation_ids(store: &Store) -> Result<Vec<i64>> {
    let rows = sqlx::query("SELECT id FROM organisations ORDER BY id")
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| r.try_get("id").map_err(Into::into))
        .collect()
}

/// An organisation's name.
pub async fn organisation_name(store: &Store, org_id: i64) -> Result<String> {
    let row = sqlx::query("SELECT name FROM organisations WHERE id = $1")
        .bind(org_id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(StorageError::NotFound("organisation"))?;
    Ok(row.try_get("name")?)
}

/// Adds a site to an organisation under a short code (as rotas and staff
/// extracts name it) and returns its id.
pub async fn create_site(
    store: &Store,
    org_id: i64,
    code: &str,
    name: &str,
    kind: &str,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO sites (org_id, code, name, kind) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(org_id)
    .bind(code)
    .bind(name)
    .bind(kind)
    .fetch_one(store.pool())
    .await
    .map_err(|e| {
        crate::conflict_on_unique(
            e,
            crate::Conflicting::SiteCode,
            format!("the organisation already has a site with code {code}"),
        )
    })?;
    Ok(row.try_get("id")?)
}

/// An organisation's sites, by name.
pub async fn sites(store: &Store, org_id: i64) -> Result<Vec<Site>> {
    let rows =
        sqlx::query("SELECT id, code, name, kind FROM sites WHERE org_id = $1 ORDER BY name")
            .bind(org_id)
            .fetch_all(store.pool())
            .await?;
    rows.iter()
        .map(|r| {
            Ok(Site {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                kind: r.try_get("kind")?,
            })
        })
        .collect()
}

/// Adds staff in one transaction and returns their ids in order. Every site
/// must belong to the organisation.
pub async fn insert_people(store: &Store, org_id: i64, people: &[NewPerson]) -> Result<Vec<i64>> {
    let own_sites: Vec<i64> = sites(store, org_id).await?.iter().map(|s| s.id).collect();
    if let Some((i, p)) = people
        .iter()
        .enumerate()
        .find(|(_, p)| !own_sites.contains(&p.site_id))
    {
        return Err(StorageError::Invalid(format!(
            "person {} ({}): site {} is not one of this organisation's sites",
            i + 1,
            p.name,
            p.site_id
        )));
    }
    let mut tx = store.begin_write().await?;
    let mut ids = Vec::with_capacity(people.len());
    for chunk in people.chunks(200) {
        let mut sql = String::from(
            "INSERT INTO people (org_id, site_id, name, role_code, role_started, manager_id, interests, assignment_number) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 8;
            if i > 0 {
                sql.push(',');
            }
            let marks: Vec<String> = (1..=8).map(|k| format!("${}", b + k)).collect();
            sql.push_str(&format!("({})", marks.join(", ")));
        }
        sql.push_str(" RETURNING id");
        let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
        for p in chunk {
            q = q
                .bind(org_id)
                .bind(p.site_id)
                .bind(&p.name)
                .bind(&p.role_code)
                .bind(p.role_started.to_string())
                .bind(p.manager_id)
                .bind(p.interests.join(","))
                .bind(p.assignment_number.as_deref().map(str::trim));
        }
        let rows = q.fetch_all(&mut *tx).await.map_err(|e| {
            crate::conflict_on_unique(
                e,
                crate::Conflicting::AssignmentNumber,
                "two people would have the same assignment number",
            )
        })?;
        for row in rows {
            ids.push(row.try_get("id")?);
        }
    }
    // Added without a staff record's start date: they started in their role.
    sqlx::query(
        "UPDATE people SET start_date = role_started WHERE org_id = $1 AND start_date IS NULL",
    )
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    for chunk in ids.chunks(500) {
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO role_history (person_id, from_date, role_code, recorded_at) \
             SELECT id, role_started, role_code, 0 FROM people WHERE id IN ({})",
            id_list(chunk)
        )))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(ids)
}

/// Records qualifications or evidence people hold: (person, name, how evidenced).
pub async fn insert_held_items(store: &Store, items: &[(i64, String, String)]) -> Result<()> {
    let mut tx = store.begin_write().await?;
    for chunk in items.chunks(300) {
        let mut sql = String::from("INSERT INTO held_items (person_id, name, detail) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3));
        }
        let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
        for (p, n, d) in chunk {
            q = q.bind(*p).bind(n).bind(d);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets the open posts for a role at a site.
pub async fn set_vacancies(
    store: &Store,
    site_id: i64,
    role_code: &str,
    open_posts: u32,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM vacancies WHERE site_id = $1 AND role_code = $2")
        .bind(site_id)
        .bind(role_code)
        .execute(&mut *tx)
        .await?;
    if open_posts > 0 {
        sqlx::query("INSERT INTO vacancies (site_id, role_code, open_posts) VALUES ($1, $2, $3)")
            .bind(site_id)
            .bind(role_code)
            .bind(i64::from(open_posts))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Open posts at a site, by role code.
pub async fn site_vacancies(store: &Store, site_id: i64) -> Result<HashMap<String, u32>> {
    Ok(vacancies_at(store, &[site_id])
        .await?
        .remove(&site_id)
        .unwrap_or_default())
}

/// Open posts by role code at each of several sites, in one query (a site
/// with none is absent).
pub async fn vacancies_at(
    store: &Store,
    site_ids: &[i64],
) -> Result<HashMap<i64, HashMap<String, u32>>> {
    let mut out: HashMap<i64, HashMap<String, u32>> = HashMap::new();
    if site_ids.is_empty() {
        return Ok(out);
    }
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT site_id, role_code, open_posts FROM vacancies WHERE site_id IN ({})",
        id_list(site_ids)
    )))
    .fetch_all(store.pool())
    .await?;
    for r in &rows {
        out.entry(r.try_get("site_id")?).or_default().insert(
            r.try_get("role_code")?,
            r.try_get::<i64, _>("open_posts")? as u32,
        );
    }
    Ok(out)
}

/// One member of staff, whatever their organisation (callers check access).
pub async fn person(store: &Store, id: i64) -> Result<Option<Person>> {
    let row = sqlx::query(AssertSqlSafe(format!("{PERSON_SELECT} WHERE p.id = $1")))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(person_from_row).transpose()
}

/// Records that a person left (or leaves) on `on`, audited: from that day
/// none of their accounts can sign in. Not found for another organisation's.
pub async fn record_leaving(
    store: &Store,
    org_id: i64,
    person_id: i64,
    on: Date,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query("UPDATE people SET left_on = $3 WHERE id = $1 AND org_id = $2")
        .bind(person_id)
        .bind(org_id)
        .bind(on.to_string())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::NotFound("person"));
    }
    crate::audit::commit_with(
        tx,
        Some(org_id),
        by_user,
        now,
        "person.left",
        &format!("person:{person_id}"),
        &format!("left on {on}"),
    )
    .await
}

/// The people a manager line-manages, by name.
pub async fn reports_of(store: &Store, manager_id: i64) -> Result<Vec<Person>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "{PERSON_SELECT} WHERE p.manager_id = $1 ORDER BY p.name"
    )))
    .bind(manager_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(person_from_row).collect()
}

/// What a person holds: name -> how it was evidenced.
pub async fn held_items(store: &Store, person_id: i64) -> Result<HashMap<String, String>> {
    Ok(held_items_of(store, &[person_id])
        .await?
        .remove(&person_id)
        .unwrap_or_default())
}

/// What each of several people holds, in one query (a person holding
/// nothing is absent).
pub async fn held_items_of(
    store: &Store,
    person_ids: &[i64],
) -> Result<HashMap<i64, HashMap<String, String>>> {
    let mut out: HashMap<i64, HashMap<String, String>> = HashMap::new();
    if person_ids.is_empty() {
        return Ok(out);
    }
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT person_id, name, detail FROM held_items WHERE person_id IN ({})",
        id_list(person_ids)
    )))
    .fetch_all(store.pool())
    .await?;
    for r in &rows {
        out.entry(r.try_get("person_id")?)
            .or_default()
            .insert(r.try_get("name")?, r.try_get("detail")?);
    }
    Ok(out)
}

/// Named people in an organisation holding any of `role_codes`, at one site
/// or at any: the first `per_role` by name for each role, with their ids.
/// Someone with a leave date is never named.
pub async fn people_in_roles(
    store: &Store,
    org_id: i64,
    site_id: Option<i64>,
    role_codes: &[String],
    per_role: i64,
) -> Result<Vec<(i64, Helper)>> {
    if role_codes.is_empty() {
        return Ok(Vec::new());
    }
    // One ordered, limited read per role, all in one statement, so that each
    // is a short range of the (scope, role_code, name, id) index however many
    // people hold the role.
    let scope = if site_id.is_some() {
        "site_id"
    } else {
        "org_id"
    };
    let n = role_codes.len();
    let parts: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "SELECT * FROM (SELECT id, name, role_code FROM people \
                 WHERE {scope} = $1 AND role_code = ${} AND org_id = ${} AND left_on IS NULL \
                 ORDER BY name, id LIMIT ${}) r{i}",
                i + 2,
                n + 2,
                n + 3
            )
        })
        .collect();
    let sql = format!("{} ORDER BY name, id", parts.join(" UNION ALL "));
    let mut q = sqlx::query_as::<_, (i64, String, String)>(AssertSqlSafe(sql))
        .bind(site_id.unwrap_or(org_id));
    for c in role_codes {
        q = q.bind(c);
    }
    q = q.bind(org_id).bind(per_role);
    Ok(q.fetch_all(store.pool())
        .await?
        .into_iter()
        .map(|(id, name, role_code)| (id, Helper { name, role_code }))
        .collect())
}

/// How many staff an organisation has.
pub async fn count_people(store: &Store, org_id: i64) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM people WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get("n")?)
}
