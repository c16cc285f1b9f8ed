//! Tracing set-up, done once per process. `RUST_LOG` chooses what is logged (default `info`).

use crate::app::config::LogFormat;
use tracing_subscriber::{EnvFilter, fmt};

/// The log filter while the demo seeds: requests are logged once serving, but not the
/// migrations (nor the database driver) before the progress bar.
pub const QUIET_DATABASE: &str = "info,sea_orm_migration=warn,sqlx=warn";

/// Installs the global subscriber. Calling it twice is harmless (the second call does nothing),
/// which lets every test call it.
pub fn init(format: LogFormat, default_filter: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
    };
}
