//! A person's next three options as a page: the signed-in person's own, or
//! someone they may see.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::learners::{self};
use crate::views::*;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;

/// The next-options pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(my_options))
        .route("/people/{id}", get(person_options))
}

async fn my_options(State(state): State<AppState>, user: CurrentUser) -> Result<NextOptionsPage> {
    let id = user.account.person_id.ok_or(Error::NotFound)?;
    let doc = learners::options_for(&state, &user, id).await?;
    Ok(NextOptionsPage {
        layout: Layout::for_user("Your next steps", &user, "/me"),
        doc,
        own: true,
        links: Vec::new(),
    })
}

async fn person_options(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<NextOptionsPage> {
    let doc = learners::options_for(&state, &user, id).await?;
    let own = user.account.person_id == Some(id);
    let mut links = vec![
        (
            format!("/people/{id}/pathway"),
            "Pathway, evidence and reviews".to_string(),
        ),
        (format!("/people/{id}/rota"), "Rota".to_string()),
    ];
    if user.viewer.may_edit_framework() {
        links.push((
            format!("/admin/audit?person={id}"),
            "Everything about them in the audit trail".to_string(),
        ));
    }
    if own {
        links.clear();
    }
    Ok(NextOptionsPage {
        links,
        layout: Layout::for_user(
            format!("Next steps for {}", doc.person.name),
            &user,
            if own { "/me" } else { "/team" },
        ),
        doc,
        own,
    })
}
