//! Typed settings, read from flags and the environment by `cli`, with defaults that let
//! `soundings serve` run on a bare machine.

use std::net::SocketAddr;
use std::time::Duration;

/// Where the embedded default database lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://soundings.sqlite?mode=rwc";
/// Groups smaller than this are never shown (DESIGN.md, "Disclosure control").
pub const DEFAULT_DISCLOSURE_THRESHOLD: usize = 5;
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Large enough for a CSV of 10,000 organisations or a long definition document, small enough that
/// a hostile client cannot make the server buffer much.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct Settings {
    pub database: DatabaseSettings,
    pub bind: SocketAddr,
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub body_limit: usize,
    /// How long in-flight requests may take to finish after a shutdown signal.
    pub shutdown_grace: Duration,
    /// The address people reach this server at (e.g. `https://soundings.example.org`), used in the
    /// invitation and share links it hands out. Defaults to `http://` and the bound address.
    pub public_url: Option<String>,
    /// The disclosure threshold k: nothing is published about a group of fewer organisations.
    pub disclosure_threshold: usize,
    /// Set by `soundings demo`: the landing page then shows the demo's links and keys.
    pub demo: Option<crate::demo::seed::DemoLinks>,
}

#[derive(Clone, Debug)]
pub struct DatabaseSettings {
    pub url: String,
    pub max_connections: u32,
    /// How long a request waits for a connection before the server answers 503.
    pub acquire_timeout: Duration,
}

impl DatabaseSettings {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 16,
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

impl Settings {
    /// Settings for `url` with every other value at its default.
    pub fn for_database(url: impl Into<String>) -> Self {
        Self {
            database: DatabaseSettings::new(url),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit: DEFAULT_BODY_LIMIT,
            shutdown_grace: Duration::from_secs(10),
            public_url: None,
            disclosure_threshold: DEFAULT_DISCLOSURE_THRESHOLD,
            demo: None,
        }
    }
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}
