//! Typed settings, read from flags and the environment by `cli`, with defaults that let
//! `soundings serve` run on a bare machine.

use std::net::SocketAddr;
use std::time::Duration;

/// Where the embedded default database lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://soundings.sqlite?mode=rwc";
/// Groups smaller than this are never shown (DESIGN.md, "Disclosure control").
pub const DEFAULT_DISCLOSURE_THRESHOLD: usize = crate::domain::peers::Threshold::DEFAULT.0;
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Large enough for a CSV of 10,000 organisations or a long definition document, small enough that
/// a hostile client cannot make the server buffer much.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Failed secret-link or API-key attempts one client address may make within the window below.
pub const DEFAULT_MAX_FAILED_ATTEMPTS: u32 = 20;
pub const DEFAULT_FAILED_ATTEMPTS_WINDOW_SECS: u64 = 300;
/// How long a client may take to send a request's headers, its body, and how long a request may
/// take to answer. Generous for people on slow links; short enough that a client trickling bytes
/// cannot hold a connection (or a database transaction) for long.
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 60;
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;

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
    /// The disclosure rules in force: always [`Rules::Full`] in a running server (no flag or
    /// variable sets anything else); tests switch secondary suppression off to show the attacks
    /// it stops.
    ///
    /// [`Rules::Full`]: crate::domain::disclosure::Rules::Full
    pub disclosure_rules: crate::domain::disclosure::Rules,
    /// Set by `soundings demo`: the landing page then shows the demo's links and keys.
    pub demo: Option<crate::demo::DemoLinks>,
    /// Limits on what one client may do: failed attempts, slow requests.
    pub client_limits: ClientLimits,
    /// How invitations and reminders are sent.
    pub mail: MailSettings,
    /// How long the operator console's sessions last (idle and absolute).
    pub console: crate::domain::console_session::SessionPolicy,
}

pub use crate::mail::{DEFAULT_MAIL_OUTBOX_DIR, DEFAULT_SMTP_FROM, MailSettings};

/// Limits that protect the service from hostile or broken clients. They are kept in memory, per
/// instance: behind a load balancer of n instances, a client may make up to n times as many
/// failed attempts before every instance refuses it (README, "Security").
#[derive(Clone, Debug)]
pub struct ClientLimits {
    /// Failed attempts (a 401, or a 404 for a secret link) one client address may make within
    /// `failed_attempts_window`; further requests that carry a key or a secret link get 429 until
    /// the oldest failure leaves the window. 0 turns the limit off.
    pub max_failed_attempts: u32,
    pub failed_attempts_window: Duration,
    /// How many reverse proxies in front of the server append the client's address to
    /// `X-Forwarded-For`. 0 (the default) trusts only the TCP peer's address, since anyone can
    /// send that header.
    pub trusted_proxies: usize,
    /// The headers of a connection's first request must arrive within this, or the connection
    /// is closed (with a 408).
    pub header_timeout: Duration,
    /// A request body must arrive within this, or the request gets 408.
    pub body_timeout: Duration,
    /// A request that takes longer than this to answer is stopped with 503.
    pub request_timeout: Duration,
}

impl Default for ClientLimits {
    fn default() -> Self {
        Self {
            max_failed_attempts: DEFAULT_MAX_FAILED_ATTEMPTS,
            failed_attempts_window: Duration::from_secs(DEFAULT_FAILED_ATTEMPTS_WINDOW_SECS),
            trusted_proxies: 0,
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            body_timeout: Duration::from_secs(DEFAULT_BODY_TIMEOUT_SECS),
            request_timeout: Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECS),
        }
    }
}

pub use crate::store::DatabaseSettings;

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
            disclosure_rules: crate::domain::disclosure::Rules::Full,
            demo: None,
            client_limits: ClientLimits::default(),
            mail: MailSettings::default(),
            console: Default::default(),
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
