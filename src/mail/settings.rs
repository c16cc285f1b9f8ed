//! How the outbox sends: where messages go and how hard the worker tries (part of the server's
//! settings, `app::config`).

use std::time::Duration;

/// Where the outbox writes messages when no `SMTP_URL` is set.
pub const DEFAULT_MAIL_OUTBOX_DIR: &str = "mail-outbox";
pub const DEFAULT_SMTP_FROM: &str = "Soundings <soundings@localhost>";
/// How long a worker holds a message it is sending (`MAIL_LEASE`).
pub const DEFAULT_MAIL_LEASE: Duration = Duration::from_secs(300);

/// How the outbox sends (README, "Mail"). Messages are rows in the database; these settings say
/// where they go and how hard the worker tries.
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// `smtp://user:pass@host:587` (STARTTLS), `smtps://host:465` (TLS), with lettre's
    /// `?tls=required|opportunistic`. `None` writes each message as an `.eml` file to `outbox_dir`.
    pub smtp_url: Option<String>,
    /// The `From` of every message, `Name <address>` or an address; also the help contact the
    /// messages name.
    pub from: String,
    pub outbox_dir: std::path::PathBuf,
    /// Whether this instance runs the outbox worker and the reminder scheduler.
    pub worker: bool,
    /// Wait after the first temporary failure; doubled for each further one, up to `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// Attempts before a message that keeps failing temporarily is given up as failed.
    pub max_attempts: u32,
    /// How long a claimed message is its worker's: after that, another may send it again.
    pub lease: Duration,
    /// How often the worker looks for due messages when it found none.
    pub poll_interval: Duration,
    /// Messages claimed at once, and sent at once.
    pub batch: u64,
    pub concurrency: usize,
    /// How often the scheduler looks at the rounds' reminder policies.
    pub scheduler_interval: Duration,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: DEFAULT_SMTP_FROM.to_owned(),
            outbox_dir: DEFAULT_MAIL_OUTBOX_DIR.into(),
            worker: true,
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            max_attempts: 30,
            lease: DEFAULT_MAIL_LEASE,
            poll_interval: Duration::from_secs(2),
            batch: 50,
            concurrency: 8,
            scheduler_interval: Duration::from_secs(300),
        }
    }
}
