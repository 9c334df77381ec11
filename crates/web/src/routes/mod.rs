//! The page routes, one module per feature, each exporting `router()`. A
//! route module never imports another: what several need lives in the
//! service modules (`learners`, `progress`, `forms`), which depend only on
//! the domain and storage.

pub mod audit;
pub mod catalogue;
pub mod completeness;
pub mod enrolments;
pub mod evidence;
pub mod inbox;
pub mod learning;
pub mod learning_offers;
pub mod levy;
pub mod next_options;
pub mod notifications;
pub mod outcomes;
pub mod outreach;
pub mod pathway;
pub mod pathway_templates;
pub mod people;
pub mod progress;
pub mod release;
pub mod rota;
pub mod sign_in;
pub mod sign_in_settings;
pub mod single_sign_on;
pub mod staff;
pub mod team;
pub mod tokens;
pub mod training_places;
pub mod version_moves;

use crate::AppState;
use axum::Router;

/// Every page route; `upload_limit` bounds evidence uploads.
pub fn router(upload_limit: u64) -> Router<AppState> {
    Router::new()
        .merge(sign_in::router())
        .merge(single_sign_on::router())
        .merge(sign_in_settings::router())
        .merge(next_options::router())
        .merge(team::router())
        .merge(catalogue::router())
        .merge(tokens::router())
        .merge(audit::router())
        .merge(pathway::router())
        .merge(evidence::router(upload_limit))
        .merge(inbox::router())
        .merge(progress::router())
        .merge(pathway_templates::router())
        .merge(enrolments::router())
        .merge(completeness::router())
        .merge(rota::router())
        .merge(learning::router())
        .merge(learning_offers::router())
        .merge(release::router())
        .merge(notifications::router())
        .merge(people::router())
        .merge(version_moves::router())
        .merge(staff::router())
        .merge(outcomes::router())
        .merge(levy::router())
        .merge(training_places::router())
        .merge(outreach::router())
}
