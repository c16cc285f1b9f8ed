//! Runs the rounds' reminder policies: every `scheduler_interval` it asks `service::mail` to
//! remind whoever is due. Several servers may run it at once; each round's turn is claimed in
//! the database, so only one of them reminds.

use super::Outbox;
use std::sync::Arc;
use tokio::sync::watch;

pub async fn run(outbox: Arc<Outbox>, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        match crate::service::mail::run_reminder_policies(&outbox.services).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(messages = n, "reminders queued by policy"),
            Err(err) => tracing::warn!(error.cause = %err, "reminder policies could not run"),
        }
        tokio::select! {
            _ = stop.changed() => {}
            () = tokio::time::sleep(outbox.settings.scheduler_interval) => {}
        }
    }
}
