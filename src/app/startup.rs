//! Builds the application from [`Settings`]. `soundings serve` and the integration tests both start
//! the server through [`Application`], so tests exercise exactly what runs in production.

use crate::api::{API_PREFIX, api_service, health};
use crate::app::config::Settings;
use crate::app::listener::HeaderDeadlineAcceptor;
use crate::app::middleware::{BodyLimit, RequestTimeout, RequestTrace, SecurityHeaders};
use crate::app::nul::RefuseNul;
use crate::app::rate_limit::FailedAttemptLimit;
use crate::service::{Disclosure, Services};
use crate::store::{Database, DbError};
use crate::templates::Templates;
use crate::web::{self, Site};
use poem::listener::TcpAcceptor;
use poem::{Endpoint, EndpointExt, Server};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// A kept-alive connection that sends nothing for this long is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// Why the application could not start, in words that name the fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(
        "could not open the database at {url}: {source}\n  hint: check DATABASE_URL (e.g. postgres://user:password@host/db or sqlite://soundings.sqlite?mode=rwc)"
    )]
    Database { url: String, source: DbError },
    #[error("could not bring the database schema up to date: {0}")]
    Migration(DbError),
    #[error("could not read or create the server keys: {0}")]
    Keys(DbError),
    #[error(
        "could not listen on {addr}: {source}\n  hint: the port may be in use; choose another with --bind or BIND (e.g. 127.0.0.1:8081)"
    )]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("a built-in template is broken: {0}")]
    Template(#[from] minijinja::Error),
    #[error(
        "cannot send mail: {0}\n  hint: check SMTP_URL (e.g. smtp://user:password@host:587) and SMTP_FROM"
    )]
    Mail(String),
}

/// A bound, migrated, ready-to-run server.
pub struct Application {
    listener: std::net::TcpListener,
    settings: Settings,
    site: Site,
    outbox: Arc<crate::service::outbox::Outbox>,
}

impl Application {
    /// Connects to and migrates the database, loads the templates, and binds the listening socket
    /// (port 0 picks a free port; see [`Application::port`]).
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let bind = settings.bind;
        let listener = std::net::TcpListener::bind(bind)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|source| StartupError::Bind { addr: bind, source })?;
        let public_url = match &settings.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!(
                "http://{}",
                listener
                    .local_addr()
                    .map_err(|source| StartupError::Bind { addr: bind, source })?
            ),
        };
        let services = services(&settings, public_url).await?;
        let outbox = Arc::new(
            crate::service::outbox::Outbox::build(&services, &settings.mail)
                .await
                .map_err(|e| StartupError::Mail(e.to_string()))?,
        );
        let site = Site {
            services,
            templates: Arc::new(Templates::load()?),
            demo: settings.demo.clone().map(Arc::new),
            pages: Default::default(),
            console: settings.console,
        };
        Ok(Self {
            listener,
            settings,
            site,
            outbox,
        })
    }

    /// Where this server's mail goes, safe to print.
    pub fn mail_destination(&self) -> String {
        self.outbox.transport.describe()
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    /// The operations this server's front ends call (the command line prints from them).
    pub fn services(&self) -> &Services {
        &self.site.services
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish (up to the grace period).
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let grace = self.settings.shutdown_grace;
        let acceptor = HeaderDeadlineAcceptor::new(
            TcpAcceptor::from_std(self.listener)?,
            self.settings.client_limits.header_timeout,
        );
        let mail = self
            .settings
            .mail
            .worker
            .then(|| crate::service::outbox::start(self.outbox.clone()));
        let served = Server::new_with_acceptor(acceptor)
            .idle_timeout(IDLE_TIMEOUT)
            .run_with_graceful_shutdown(
                routes(&self.settings, self.site).data(self.outbox.clone()),
                shutdown,
                Some(grace),
            )
            .await;
        if let Some(mail) = mail {
            mail.stop(grace).await;
        }
        served
    }
}

/// Connects to and migrates the database and reads the server keys: all that operations need.
/// Commands that work without serving (reports) use it directly.
pub async fn services(settings: &Settings, public_url: String) -> Result<Services, StartupError> {
    let db = Database::connect(&settings.database)
        .await
        .map_err(|source| StartupError::Database {
            url: redact_url(&settings.database.url),
            source,
        })?;
    db.migrate().await.map_err(StartupError::Migration)?;
    let disclosure = Disclosure {
        threshold: settings.disclosure_threshold,
        rules: settings.disclosure_rules,
    };
    Services::start(db, public_url, disclosure)
        .await
        .map_err(StartupError::Keys)
}

/// Every route of the application, with its middleware.
pub fn routes(settings: &Settings, site: Site) -> impl Endpoint + use<> {
    let api = api_service();
    let spec = api.spec_endpoint();
    let docs = api.swagger_ui();
    let limits = settings.client_limits.clone();
    web::routes()
        .at("/health", poem::get(health::health))
        .at("/ready", poem::get(health::ready))
        .nest(API_PREFIX, api)
        .at("/openapi.json", spec)
        .nest("/docs", docs)
        .with(RefuseNul)
        .with(RequestTimeout(limits.request_timeout))
        .with(BodyLimit {
            max: settings.body_limit,
            timeout: limits.body_timeout,
        })
        .with(FailedAttemptLimit::new(&limits))
        .with(SecurityHeaders)
        .data(site.services.clone())
        .data(site.templates.clone())
        .data(site)
        .with(RequestTrace)
}

pub use crate::domain::secret::redact_url;

/// Listens for Ctrl-C and SIGTERM from now on, and returns what resolves when either comes.
/// The handlers are installed at the call, not when the future is first polled: a signal that
/// arrives while the server is starting (it may already answer `/ready`) then stops it cleanly,
/// instead of killing the process with the signal's default action. Call it before the server
/// starts, inside the runtime.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            tokio::select! {
                () = received(interrupt, "Ctrl-C") => {},
                () = received(terminate, "SIGTERM") => {},
            }
            tracing::info!("shutdown signal received; finishing in-flight requests");
        }
    }
    #[cfg(not(unix))]
    {
        async {
            if let Err(err) = tokio::signal::ctrl_c().await {
                tracing::error!(error.cause = %err, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
            tracing::info!("shutdown signal received; finishing in-flight requests");
        }
    }
}

/// Resolves when the signal a listener was installed for arrives; never, if it could not be.
#[cfg(unix)]
async fn received(listener: std::io::Result<tokio::signal::unix::Signal>, name: &str) {
    match listener {
        Ok(mut listener) => {
            listener.recv().await;
        }
        Err(err) => {
            tracing::error!(error.cause = %err, signal = name, "cannot listen for a signal");
            std::future::pending::<()>().await;
        }
    }
}
