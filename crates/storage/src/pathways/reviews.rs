//! Review points and workload-pressure flags.

use super::*;

/// A review to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReview {
    /// The enrolment.
    pub enrolment_id: i64,
    /// When it was held.
    pub held_on: Date,
    /// Progress discussed.
    pub progress: String,
    /// Actions agreed.
    pub actions: String,
    /// Whether a workload-pressure flag is open after the review.
    pub workload_pressure: bool,
    /// The manager's 1-5 rating of readiness and confidence.
    pub rating: Option<u8>,
    /// Who recorded it.
    pub by_user: Option<i64>,
}

/// A review as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// When it was held.
    pub held_on: Date,
    /// Progress discussed.
    pub progress: String,
    /// Actions agreed.
    pub actions: String,
    /// Workload pressure flagged.
    pub workload_pressure: bool,
    /// Readiness and confidence, 1-5.
    pub rating: Option<u8>,
    /// Who recorded it.
    pub by_name: Option<String>,
}

/// Records a review; its workload-pressure answer opens or closes the flag.
pub async fn record_review(store: &Store, org_id: i64, r: &NewReview, now: i64) -> Result<()> {
    if r.rating.is_some_and(|x| !(1..=5).contains(&x)) {
        return Err(StorageError::Invalid("choose a rating from 1 to 5".into()));
    }
    let mut tx = store.begin_write().await?;
    let person_id = enrolled_person(&mut tx, org_id, r.enrolment_id).await?;
    sqlx::query(
        "INSERT INTO reviews (enrolment_id, held_on, progress, actions, workload_pressure, rating, by_user, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(r.enrolment_id)
    .bind(r.held_on.to_string())
    .bind(r.progress.trim())
    .bind(r.actions.trim())
    .bind(i64::from(r.workload_pressure))
    .bind(r.rating.map(i64::from))
    .bind(r.by_user)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO workload_flags (enrolment_id, open, note, by_user, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(r.enrolment_id)
        .bind(i64::from(r.workload_pressure))
        .bind(format!("set at the review held on {}", r.held_on))
        .bind(r.by_user)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    record_with(
        &mut *tx,
        Some(org_id),
        r.by_user,
        now,
        "review.recorded",
        &format!("person:{person_id}"),
        &format!(
            "review held on {}; workload pressure {}; rating {}",
            r.held_on,
            if r.workload_pressure { "open" } else { "none" },
            r.rating.map_or("not given".to_string(), |x| x.to_string())
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An enrolment's reviews, newest first.
pub async fn reviews(store: &Store, enrolment_id: i64) -> Result<Vec<Review>> {
    let rows = sqlx::query(
        "SELECT r.held_on, r.progress, r.actions, r.workload_pressure, r.rating, u.display_name AS by_name \
         FROM reviews r LEFT JOIN users u ON u.id = r.by_user WHERE r.enrolment_id = $1 ORDER BY r.held_on DESC, r.id DESC",
    )
    .bind(enrolment_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Review {
                held_on: date(&r.try_get::<String, _>("held_on")?)?,
                progress: r.try_get("progress")?,
                actions: r.try_get("actions")?,
                workload_pressure: r.try_get::<i64, _>("workload_pressure")? != 0,
                rating: r.try_get::<Option<i64>, _>("rating")?.map(|x| x as u8),
                by_name: r.try_get("by_name")?,
            })
        })
        .collect()
}

/// Raises a workload-pressure flag between reviews (learner or manager).
pub async fn raise_flag(
    store: &Store,
    org_id: i64,
    enrolment_id: i64,
    note: &str,
    by_user: Option<i64>,
    now: i64,
) -> Result<()> {
    if note.trim().is_empty() {
        return Err(StorageError::Invalid(
            "say briefly what is causing the pressure".into(),
        ));
    }
    let mut tx = store.begin_write().await?;
    let person_id = enrolled_person(&mut tx, org_id, enrolment_id).await?;
    sqlx::query("INSERT INTO workload_flags (enrolment_id, open, note, by_user, at) VALUES ($1, 1, $2, $3, $4)")
        .bind(enrolment_id)
        .bind(note.trim())
        .bind(by_user)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    record_with(
        &mut *tx,
        Some(org_id),
        by_user,
        now,
        "workload.flag_raised",
        &format!("person:{person_id}"),
        note.trim(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
