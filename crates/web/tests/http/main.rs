//! HTTP tests: the real app on port 0 over a fresh SQLite file holding a small
//! demo trust, driven by a real HTTP client with a cookie jar. One test binary,
//! one module per feature.

mod api;
mod audit;
mod catalogue;
mod evidence;
mod learning;
mod levy;
mod mail;
mod next_options;
mod notifications;
mod outcomes;
mod outreach;
mod pathway;
mod people;
mod probe;
mod rota;
mod sign_in;
mod staff;
mod support;
mod training_places;
mod version_moves;
