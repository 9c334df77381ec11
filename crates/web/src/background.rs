//! The background worker each `serve` process runs: a reminder scan every
//! few minutes (each reminder is given once however many servers scan), the
//! daily digests from 07:00, and, when a mail server is configured, sending
//! what the outbox holds. Several processes may run it side by side: each
//! claims outbox messages for itself, so none is sent twice.

use crate::AppState;
use crate::mail::{self, Mailer};
use pathwise_storage::notifications;
use std::sync::Arc;
use std::time::Duration;

/// The hour (local) from which the day's digests go.
pub const DIGEST_HOUR: u32 = 7;

/// What the worker does and how often.
#[derive(Debug, Clone)]
pub struct Worker {
    /// Its name in the outbox's claims: unique per process.
    pub name: String,
    /// The mail server, if configured; without one, emails wait in the outbox.
    pub mailer: Option<Arc<Mailer>>,
    /// Between sending passes.
    pub send_every: Duration,
    /// Between reminder scans.
    pub scan_every: Duration,
}

impl Worker {
    /// A worker named after this host and process, sending every 5 seconds
    /// and scanning every 5 minutes.
    pub fn new(mailer: Option<Mailer>) -> Worker {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        Worker {
            name: format!(
                "{}-{}-{:04x}",
                host.trim(),
                std::process::id(),
                rand::random::<u16>()
            ),
            mailer: mailer.map(Arc::new),
            send_every: Duration::from_secs(5),
            scan_every: Duration::from_secs(300),
        }
    }
}

/// One reminder scan, and the digests once the day's digest hour has come.
pub async fn scan(state: &AppState) -> anyhow::Result<()> {
    let (today, now) = (state.clock.today(), state.clock.now());
    let given = notifications::scan_reminders(&state.store, today, now).await?;
    if given.total() > 0 {
        tracing::info!(?given, "reminders given");
    }
    let expiring = crate::levy::remind_expiring(&state.store, &state.catalogue, today, now).await?;
    if expiring > 0 {
        tracing::info!(expiring, "levy expiry reminders given");
    }
    if state.clock.local_now().minute_of_day() >= DIGEST_HOUR * 60 {
        let digests = notifications::queue_digests(&state.store, today, now).await?;
        if digests > 0 {
            tracing::info!(digests, "daily digests queued");
        }
    }
    Ok(())
}

/// Runs the worker until the process ends; errors are logged, never fatal.
pub async fn run(state: AppState, worker: Worker) {
    let mut last_scan: Option<tokio::time::Instant> = None;
    loop {
        if last_scan.is_none_or(|t| t.elapsed() >= worker.scan_every) {
            if let Err(e) = scan(&state).await {
                tracing::error!(error = %e, "reminder scan failed");
            }
            last_scan = Some(tokio::time::Instant::now());
        }
        if let Some(mailer) = &worker.mailer {
            match mail::send_due(&state.store, mailer, &worker.name, state.clock.now()).await {
                Ok(r) if r.sent + r.failed > 0 => tracing::info!(?r, "outbox pass"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "outbox pass failed"),
            }
        }
        tokio::time::sleep(worker.send_every).await;
    }
}
