//! Pathwise on the web: server-rendered pages in the NHS.UK design system
//! (they work without JavaScript) and a JSON API under `/api/v1` described by
//! `/api/openapi.json`. Every route checks who is asking and which
//! organisation they belong to.
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod background;
pub mod booking;
pub mod calendar;
pub mod charts;
pub mod clock;
pub mod csv_files;
pub mod error;
pub mod exports;
pub mod forms;
pub mod framework_cache;
pub mod learners;
pub mod levy;
pub mod mail;
pub mod outcomes;
pub mod progress;
pub mod routes;
pub mod single_sign_on;
pub mod staff_import;
pub mod views;
pub mod wire;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use framework_cache::FrameworkCache;
use pathwise_domain::Date;
use pathwise_domain::shipped::ShippedCatalogue;
use pathwise_storage::Store;
use pathwise_storage::files::FileStore;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The NHS.UK frontend's built files (`node_modules/nhsuk-frontend/dist/nhsuk`).
    pub assets_dir: PathBuf,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Each organisation's career framework, kept in memory.
    pub frameworks: Arc<FrameworkCache>,
    /// Uploaded evidence files (outside every served folder).
    pub files: FileStore,
    /// The largest evidence file accepted, in bytes.
    pub upload_limit: u64,
    /// Where the time comes from (tests fix it).
    pub clock: clock::Clock,
    /// The shipped catalogue folder, read and checked at start-up.
    pub catalogue: Arc<ShippedCatalogue>,
    /// Behind a reverse proxy: the header it puts the client's address in
    /// (its last entry is the one the proxy saw). Unset, the peer address of
    /// the connection is the client's.
    pub client_address_header: Option<axum::http::HeaderName>,
    /// Whether a mail server is configured (emails wait in the outbox until one is).
    pub email_configured: bool,
    /// The address people open Pathwise at (`https://pathwise.trust.nhs.uk`):
    /// for the address a provider sends people back to.
    pub public_url: String,
    /// Organisations' OpenID providers' discovery documents and keys.
    pub providers: Arc<single_sign_on::Providers>,
}

/// The default largest evidence file: 10 MB.
pub const DEFAULT_UPLOAD_LIMIT: u64 = 10 * 1024 * 1024;

impl AppState {
    /// The state for a store and the shipped catalogue, with an empty
    /// framework cache.
    pub fn new(
        store: Store,
        catalogue: Arc<ShippedCatalogue>,
        assets_dir: PathBuf,
        secure_cookies: bool,
    ) -> AppState {
        AppState {
            store,
            catalogue,
            assets_dir,
            secure_cookies,
            frameworks: Arc::default(),
            files: FileStore::new(std::env::temp_dir().join("pathwise-uploads")),
            upload_limit: DEFAULT_UPLOAD_LIMIT,
            clock: clock::Clock::System,
            client_address_header: None,
            email_configured: false,
            public_url: "http://localhost:8080".into(),
            providers: Arc::default(),
        }
    }

    /// Reads the client's address from the header `name`, set by a reverse
    /// proxy in front.
    pub fn with_client_address_header(mut self, name: &str) -> anyhow::Result<AppState> {
        let header = name.parse().map_err(|_| {
            anyhow::anyhow!("--client-address-header: '{name}' is not an HTTP header name")
        })?;
        self.client_address_header = Some(header);
        Ok(self)
    }

    /// Sets the address people open Pathwise at.
    pub fn with_public_url(mut self, url: &str) -> AppState {
        self.public_url = url.trim_end_matches('/').to_string();
        self
    }

    /// Keeps uploaded files in `files`, refusing files over `limit` bytes.
    pub fn with_uploads(mut self, files: FileStore, limit: u64) -> AppState {
        self.files = files;
        self.upload_limit = limit;
        self
    }
}

/// Where `npm ci` puts the NHS.UK frontend, found from this crate's source
/// folder so that it does not depend on the working directory.
pub fn default_assets_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/nhsuk-frontend/dist/nhsuk")
}

/// Today's date from the system clock (UTC), for callers outside a request.
pub fn today() -> Date {
    clock::Clock::System.today()
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let assets = ServeDir::new(&state.assets_dir);
    Router::new()
        .merge(routes::router(state.upload_limit))
        .fallback(|| async { error::Error::NotFound })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            views::html_errors,
        ))
        .merge(api::router())
        .nest_service("/assets/nhsuk", assets)
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the app on a bound listener until ctrl-c.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> anyhow::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
