//! The `soundings` command line: parses flags and environment into settings, then calls the library.

mod demo;
pub(crate) mod import;
mod report;

use crate::app::config::{
    ClientLimits, DEFAULT_BIND, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT_SECS,
    DEFAULT_DATABASE_URL, DEFAULT_DISCLOSURE_THRESHOLD, DEFAULT_FAILED_ATTEMPTS_WINDOW_SECS,
    DEFAULT_HEADER_TIMEOUT_SECS, DEFAULT_MAX_FAILED_ATTEMPTS, DEFAULT_REQUEST_TIMEOUT_SECS,
    LogFormat, Settings,
};
use crate::app::startup::{Application, redact_url, services, shutdown_signal};
use crate::app::telemetry;
use crate::domain::console_session::{DEFAULT_ABSOLUTE_HOURS, DEFAULT_IDLE_MINUTES, SessionPolicy};
use crate::domain::role::Role;
use crate::service::database::{self, Database};
use crate::service::{ServiceError, Services, keys};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "soundings",
    version,
    about = "Survey many organisations and benchmark each against its peers",
    long_about = "Soundings runs online surveys of many organisations (first: NHS trusts' social media \
                  maturity), and benchmarks each organisation against its peers for researchers and boards.\n\n\
                  Try it with `soundings demo` (fictional data); run it for real with `soundings serve`. The database is a SQLite file in the working directory \
                  unless DATABASE_URL names another (e.g. postgres://user:password@host/soundings)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args)]
pub struct GlobalArgs {
    /// Database to use: postgres://... or sqlite://FILE?mode=rwc
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true, hide_env_values = true)]
    pub database_url: String,

    /// Log format
    #[arg(
        long,
        env = "LOG_FORMAT",
        value_enum,
        default_value = "human",
        global = true
    )]
    pub log_format: LogFormat,
}

#[derive(Subcommand)]
pub enum Command {
    /// Bring the database schema up to date, then serve the web pages and the API
    Serve(ServeArgs),
    /// Fill a database with fictional organisations and two rounds of answers, print keys and
    /// links to try, then serve it (the quickest way to see Soundings at work)
    Demo(demo::DemoArgs),
    /// Bring the database schema up to date and exit
    Migrate {
        /// Only list the migrations that have not been applied yet
        #[arg(long)]
        status: bool,
    },
    /// Create, list and revoke API keys
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Load survey definitions and organisations from files
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Write one organisation's benchmark report for a round (PDF, or HTML with --html)
    Report(report::ReportArgs),
    /// Write every organisation's PDF report for a round into a folder, in parallel
    Reports(report::ReportsArgs),
    /// Write the OpenAPI document to a file (the checked-in copy lives in openapi/openapi.json)
    Openapi {
        /// Where to write it
        #[arg(short, long, default_value = "openapi/openapi.json")]
        output: PathBuf,
    },
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address and port to listen on
    #[arg(long, env = "BIND", default_value = DEFAULT_BIND)]
    pub bind: SocketAddr,

    /// Largest request body accepted, in bytes
    #[arg(long, env = "BODY_LIMIT", default_value_t = DEFAULT_BODY_LIMIT)]
    pub body_limit: usize,

    /// The address people reach this server at, used in the links it hands out
    /// (default: http:// and the bind address)
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Disclosure threshold k: statistics of groups of fewer organisations are suppressed
    #[arg(long, env = "DISCLOSURE_THRESHOLD", default_value_t = DEFAULT_DISCLOSURE_THRESHOLD,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1000))]
    pub disclosure_threshold: usize,

    #[command(flatten)]
    pub client_limits: ClientLimitArgs,

    #[command(flatten)]
    pub mail: MailArgs,

    /// Minutes without a request after which an operator console session ends
    #[arg(long, env = "CONSOLE_IDLE_MINUTES", default_value_t = DEFAULT_IDLE_MINUTES,
          value_parser = clap::value_parser!(i64).range(1..=10_080))]
    pub console_idle_minutes: i64,

    /// Hours after sign-in at which an operator console session ends however busy it is
    #[arg(long, env = "CONSOLE_MAX_HOURS", default_value_t = DEFAULT_ABSOLUTE_HOURS,
          value_parser = clap::value_parser!(i64).range(1..=720))]
    pub console_max_hours: i64,
}

impl ServeArgs {
    /// The server's settings from these flags, over the database at `database_url`.
    pub fn settings(&self, database_url: &str) -> Settings {
        let mut settings = Settings::for_database(database_url);
        settings.bind = self.bind;
        settings.body_limit = self.body_limit;
        settings.public_url = self.public_url.clone();
        settings.disclosure_threshold = self.disclosure_threshold;
        settings.client_limits = self.client_limits.limits();
        settings.mail = self.mail.settings();
        settings.console = SessionPolicy {
            idle: chrono::Duration::minutes(self.console_idle_minutes),
            absolute: chrono::Duration::hours(self.console_max_hours),
        };
        settings
    }
}

/// Where invitations and reminders are sent (README, "Mail").
#[derive(Args)]
pub struct MailArgs {
    /// SMTP server for invitations and reminders: smtp://user:pass@host:587 (STARTTLS) or
    /// smtps://user:pass@host:465 (TLS); without it, messages are written to --mail-outbox
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of every message, and the help contact they name
    #[arg(long, env = "SMTP_FROM", default_value = crate::app::config::DEFAULT_SMTP_FROM)]
    pub smtp_from: String,

    /// Folder for messages (one .eml file each) when no SMTP_URL is set
    #[arg(long, env = "MAIL_OUTBOX", default_value = crate::app::config::DEFAULT_MAIL_OUTBOX_DIR)]
    pub mail_outbox: PathBuf,

    /// Seconds a worker holds a message it is sending; a message still held after that (its
    /// worker died) is sent again by another
    #[arg(long, env = "MAIL_LEASE", default_value_t = crate::mail::DEFAULT_MAIL_LEASE.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub mail_lease: u64,
}

impl MailArgs {
    pub fn settings(&self) -> crate::app::config::MailSettings {
        crate::app::config::MailSettings {
            smtp_url: self.smtp_url.clone(),
            from: self.smtp_from.clone(),
            outbox_dir: self.mail_outbox.clone(),
            lease: std::time::Duration::from_secs(self.mail_lease),
            ..Default::default()
        }
    }
}

/// Limits on what one client may do (kept per instance).
#[derive(Args)]
pub struct ClientLimitArgs {
    /// Failed key or link attempts one client address may make within the window before it gets
    /// 429 (0: no limit)
    #[arg(long, env = "MAX_FAILED_ATTEMPTS", default_value_t = DEFAULT_MAX_FAILED_ATTEMPTS)]
    pub max_failed_attempts: u32,

    /// The window for failed attempts, in seconds
    #[arg(long, env = "FAILED_ATTEMPTS_WINDOW", default_value_t = DEFAULT_FAILED_ATTEMPTS_WINDOW_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub failed_attempts_window: u64,

    /// How many reverse proxies in front of the server append to X-Forwarded-For; 0 trusts only
    /// the connecting address (never set it higher than the proxies you run)
    #[arg(long, env = "TRUSTED_PROXIES", default_value_t = 0)]
    pub trusted_proxies: usize,

    /// Seconds a client may take to send the headers of a connection's first request (408 and
    /// the connection closed after that)
    #[arg(long, env = "HEADER_TIMEOUT", default_value_t = DEFAULT_HEADER_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,

    /// Seconds a client may take to send a request's body (408 after that)
    #[arg(long, env = "BODY_TIMEOUT", default_value_t = DEFAULT_BODY_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout: u64,

    /// Seconds a request may take to answer (503 after that)
    #[arg(long, env = "REQUEST_TIMEOUT", default_value_t = DEFAULT_REQUEST_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout: u64,
}

impl ClientLimitArgs {
    pub fn limits(&self) -> ClientLimits {
        ClientLimits {
            max_failed_attempts: self.max_failed_attempts,
            failed_attempts_window: Duration::from_secs(self.failed_attempts_window),
            trusted_proxies: self.trusted_proxies,
            header_timeout: Duration::from_secs(self.header_timeout),
            body_timeout: Duration::from_secs(self.body_timeout),
            request_timeout: Duration::from_secs(self.request_timeout),
        }
    }
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create a key and print its secret (shown once; only a hash is stored)
    Create {
        /// A name that says whose key it is, e.g. "ops laptop" or "Jane Doe (research)"
        #[arg(long)]
        name: String,
        /// What the key may do
        #[arg(long, value_enum)]
        role: Role,
    },
    /// List keys (never their secrets)
    List,
    /// Revoke a key by its id or prefix; requests with it are refused from then on
    Revoke {
        /// The id or prefix shown by `soundings keys list`
        key: String,
    },
}

/// Parses the command line and runs the command. Errors are printed with the fix they call for.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let filter = match cli.command {
        Command::Serve(_) => "info",
        Command::Demo(_) => telemetry::QUIET_DATABASE,
        _ => "warn",
    };
    telemetry::init(cli.global.log_format, filter);
    match execute(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(cli: Cli) -> anyhow::Result<()> {
    let database_url = cli.global.database_url;
    match cli.command {
        Command::Serve(args) => {
            let stop = shutdown_signal();
            let settings = args.settings(&database_url);
            let app = Application::build(settings).await?;
            tracing::info!(
                address = %format!("http://127.0.0.1:{}", app.port()),
                database = %redact_url(&database_url),
                mail = %app.mail_destination(),
                "Soundings is serving"
            );
            app.run_until_stopped(stop).await?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Demo(args) => demo::run(&database_url, args).await,
        Command::Migrate { status } => {
            // `--status` only looks: it must find the pending migrations still pending.
            let db = if status {
                open_unmigrated(&database_url).await?
            } else {
                open(&database_url).await?
            };
            if status {
                let pending = database::pending_migrations(&db).await?;
                if pending.is_empty() {
                    println!("The schema is up to date.");
                } else {
                    println!("{} migration(s) to apply:", pending.len());
                    for name in pending {
                        println!("  {name}");
                    }
                }
            } else {
                database::migrate(&db).await?;
                println!("The schema is up to date.");
            }
            Ok(())
        }
        Command::Keys(command) => keys(&database_url, command).await,
        Command::Import(command) => import::run(&connect(&database_url).await?, command).await,
        Command::Report(args) => report::one(&database_url, args).await,
        Command::Reports(args) => report::all(&database_url, args).await,
        Command::Openapi { output } => {
            std::fs::write(&output, crate::api::openapi_document() + "\n")?;
            println!("Wrote {}", output.display());
            Ok(())
        }
    }
}

/// Opens and migrates the database for a one-off command.
async fn open(url: &str) -> anyhow::Result<Database> {
    let db = open_unmigrated(url).await?;
    database::migrate(&db).await?;
    Ok(db)
}

/// The database at `url` as it is, its schema untouched.
async fn open_unmigrated(url: &str) -> anyhow::Result<Database> {
    database::connect(url).await.map_err(|e| {
        anyhow::anyhow!(
            "could not open the database at {}: {e}\n  hint: check DATABASE_URL",
            redact_url(url)
        )
    })
}

/// What a one-off command's operations need: the migrated database and the server's keys.
async fn connect(url: &str) -> anyhow::Result<Services> {
    Ok(services(&Settings::for_database(url), String::new()).await?)
}

async fn keys(url: &str, command: KeysCommand) -> anyhow::Result<()> {
    let services = connect(url).await?;
    match command {
        KeysCommand::Create { name, role } => {
            let (key, secret) = match keys::create(&services, &name, role).await {
                Err(ServiceError::Invalid { .. }) => {
                    anyhow::bail!("--name must be 1 to 100 characters")
                }
                created => created?,
            };
            println!("Created {} key {} ({}).", key.role, key.id, key.prefix);
            println!("Secret (shown once; store it now): {}", secret.expose());
            println!("Use it as: Authorization: Bearer {}", secret.expose());
        }
        KeysCommand::List => {
            let keys = keys::list(&services).await?;
            if keys.is_empty() {
                println!(
                    "No keys yet. Create one with: soundings keys create --name NAME --role admin"
                );
            }
            for key in keys {
                let state = match key.revoked_at {
                    Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M")),
                    None => "active".to_owned(),
                };
                let used = key
                    .last_used_at
                    .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "never".to_owned());
                println!(
                    "{:>4}  {:<12}  {:<10}  {:<8}  last used {:<16}  {}",
                    key.id, key.prefix, key.role, state, used, key.name
                );
            }
        }
        KeysCommand::Revoke { key } => match keys::revoke(&services, &key).await {
            Ok(revoked) => println!(
                "Revoked key {} ({}, {}).",
                revoked.id, revoked.prefix, revoked.name
            ),
            Err(ServiceError::NotFound(_)) => {
                anyhow::bail!("no key with id or prefix `{key}`; see `soundings keys list`")
            }
            Err(other) => return Err(other.into()),
        },
    }
    Ok(())
}
