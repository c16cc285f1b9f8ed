//! The outbox worker: claims due messages, writes and sends each, and records what happened.
//!
//! What is guaranteed (README, "Mail"): a message queued is committed before the request that
//! queued it answers, and stays until it is sent or fails for good; nothing is lost while the SMTP
//! server is down. Sending and recording are two steps, so a worker that dies after the server
//! accepted a message and before it recorded that leaves the message claimed; when the claim's
//! lease runs out another worker sends it again. A database that is unavailable at that moment
//! (a restart) is waited for: the worker records the delivery once it is back. Delivery is
//! therefore at least once: a duplicate needs the worker's process to end inside that window,
//! and every message carries a `Message-ID` derived from its row, so a receiving system can
//! recognise the second copy.

mod scheduler;

use crate::domain::mail::{MessageKind, backoff};
use crate::mail::MailSettings;
use crate::mail::render::{self, Facts};
use crate::mail::seal;
use crate::mail::transport::{SendError, Transport};
use crate::store::{Database, DbError, outbox};
use chrono::Utc;
use entity::outbox_message;
use futures_util::StreamExt;
use lettre::message::Mailbox;
use std::sync::Arc;
use tokio::sync::watch;

/// What the worker needs, built once at start-up.
pub struct Outbox {
    pub db: Database,
    /// For the reminder scheduler, which runs service operations.
    pub services: crate::service::Services,
    pub transport: Transport,
    pub settings: MailSettings,
    pub from: Mailbox,
    /// Base of the respondent links.
    pub public_url: String,
    /// The key that opens the links sealed in the outbox.
    pub seal_key: Vec<u8>,
}

impl Outbox {
    /// The host part of the `Message-ID`s.
    fn id_domain(&self) -> &str {
        self.from.email.domain()
    }
}

/// Runs the worker until `stop` turns true; a message being sent when it does is finished first.
pub async fn run(outbox: Arc<Outbox>, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        let worked = match work_once(&outbox).await {
            Ok(n) => n,
            Err(err) => {
                tracing::warn!(error.cause = %err, "the outbox could not be read; trying again");
                0
            }
        };
        if worked == 0 {
            tokio::select! {
                _ = stop.changed() => {}
                () = tokio::time::sleep(outbox.settings.poll_interval) => {}
            }
        }
    }
}

/// Claims one batch and sends it; returns how many messages it handled.
pub async fn work_once(outbox: &Outbox) -> Result<usize, DbError> {
    let claimed = {
        let tx = outbox.db.begin_write().await?;
        let claimed = outbox::claim(&*tx, outbox.settings.batch, outbox.settings.lease).await?;
        tx.commit().await?;
        claimed
    };
    if claimed.is_empty() {
        return Ok(0);
    }
    let context = outbox::context(&outbox.db, &claimed).await?;
    let count = claimed.len();
    futures_util::stream::iter(claimed)
        .for_each_concurrent(outbox.settings.concurrency.max(1), |message| {
            let context = &context;
            async move {
                let outcome = deliver(outbox, context, &message).await;
                record_until_done(outbox, &message, &outcome).await;
            }
        })
        .await;
    Ok(count)
}

enum Outcome {
    Sent(String),
    Failed(SendError),
}

async fn deliver(
    outbox: &Outbox,
    context: &outbox::Context,
    message: &outbox_message::Model,
) -> Outcome {
    let permanent = |reason: String| {
        Outcome::Failed(SendError {
            temporary: false,
            reason,
            reply: None,
        })
    };
    let Ok(kind) = MessageKind::parse(&message.kind) else {
        return permanent(format!("unknown kind {}", message.kind));
    };
    let (Some(round), Some(organisation)) = (
        context.rounds.get(&message.round_id),
        context.organisations.get(&message.organisation_id),
    ) else {
        return permanent("its round or organisation is gone".to_owned());
    };
    let language =
        crate::domain::language::Language::choose(None, organisation.language.as_deref(), None);
    let mut sections = Vec::new();
    let link = if kind == MessageKind::Colleague {
        match colleague_link(outbox, context, message, round, language).await {
            Ok((link, titles)) => {
                sections = titles;
                Some(link)
            }
            Err(err) => return Outcome::Failed(err),
        }
    } else if kind.carries_link() {
        let invitation = message
            .invitation_id
            .and_then(|id| context.invitations.get(&id));
        let Some(invitation) = invitation.filter(|i| i.revoked_at.is_none()) else {
            return permanent(outbox::REVOKED_FIRST.to_owned());
        };
        let secret = message.link_seal.as_deref().and_then(|sealed| {
            seal::open(
                &outbox.seal_key,
                invitation.id,
                sealed,
                &invitation.secret_hash,
            )
        });
        let Some(secret) = secret else {
            return permanent("the link could not be rebuilt".to_owned());
        };
        Some(format!("{}/respond/{secret}", outbox.public_url))
    } else {
        None
    };
    let help = outbox.from.to_string();
    let facts = Facts {
        kind,
        organisation_name: &organisation.name,
        round_name: &round.name,
        closes_at: round.closes_at,
        recipient_name: message.recipient_name.as_deref(),
        link: link.as_deref(),
        help: &help,
        draft: context.drafts.contains(&(round.id, organisation.id)),
        language,
        sections: &sections,
    };
    let rendered = match render::render(&facts) {
        Ok(r) => r,
        Err(err) => return permanent(format!("the template failed: {err}")),
    };
    let message_id = format!("<outbox-{}@{}>", message.id, outbox.id_domain());
    let email = match render::build(
        &outbox.from,
        &message.recipient,
        message.recipient_name.as_deref(),
        rendered,
        &message_id,
    ) {
        Ok(e) => e,
        Err(reason) => return permanent(reason),
    };
    match outbox.transport.send(email).await {
        Ok(reply) => Outcome::Sent(reply),
        Err(err) => Outcome::Failed(err),
    }
}

/// A colleague's link and the titles of the sections they hold now, in `language`; or why the
/// message must not go: the colleague's link (or the organisation's) ended, or every section was
/// taken back, before the worker came to it.
async fn colleague_link(
    outbox: &Outbox,
    context: &outbox::Context,
    message: &outbox_message::Model,
    round: &entity::round::Model,
    language: crate::domain::language::Language,
) -> Result<(String, Vec<String>), SendError> {
    let fail = |temporary: bool, reason: String| SendError {
        temporary,
        reason,
        reply: None,
    };
    let invitation_live = message
        .invitation_id
        .and_then(|id| context.invitations.get(&id))
        .is_some_and(|i| i.revoked_at.is_none());
    let delegate = message
        .delegate_id
        .and_then(|id| context.delegates.get(&id))
        .filter(|(d, keys)| d.revoked_at.is_none() && !keys.is_empty());
    let (Some((delegate, keys)), true) = (delegate, invitation_live) else {
        return Err(fail(false, outbox::REVOKED_FIRST.to_owned()));
    };
    let secret = message.link_seal.as_deref().and_then(|sealed| {
        seal::open_for_delegate(&outbox.seal_key, delegate.id, sealed, &delegate.secret_hash)
    });
    let Some(secret) = secret else {
        return Err(fail(false, "the link could not be rebuilt".to_owned()));
    };
    // A database that cannot be read now may be readable at the next attempt.
    let definition = outbox
        .services
        .definitions
        .get(&outbox.db, round.survey_version_id)
        .await
        .map_err(|e| fail(true, format!("the survey could not be read: {e}")))?;
    let titles = keys
        .iter()
        .map(|key| {
            definition
                .section(key)
                .map_or_else(|| key.clone(), |s| s.title.get(language).to_owned())
        })
        .collect();
    Ok((format!("{}/respond/{secret}", outbox.public_url), titles))
}

/// Records what happened to a message, trying again for as long as the database is unavailable
/// (a restart, a fail-over, a SQLite file another writer holds): the SMTP server has answered,
/// and a claim left to run out would send the message again. A restart of PostgreSQL therefore
/// duplicates nothing. The worker holds its batch meanwhile; it could claim nothing anyway. It
/// gives up only on an error that is not about availability (the claim then runs out and the
/// message is sent again), or when the server stops and the worker is ended mid-wait (the same
/// as a crash; README, "Mail").
async fn record_until_done(outbox: &Outbox, message: &outbox_message::Model, outcome: &Outcome) {
    let mut wait = RECORD_RETRY_FIRST;
    loop {
        match record(outbox, message, outcome).await {
            Ok(()) => return,
            Err(DbError::Unavailable(cause)) => {
                tracing::warn!(message.id = message.id, error.cause = %cause, retry_in_ms = wait.as_millis() as u64, "could not record a delivery yet; trying again");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(RECORD_RETRY_MAX);
            }
            Err(err) => {
                // The claim stays; after its lease another attempt sends the message.
                tracing::error!(message.id = message.id, error.cause = %err, "could not record a delivery");
                return;
            }
        }
    }
}

/// The first wait before recording a delivery again, doubled each time up to the second.
const RECORD_RETRY_FIRST: std::time::Duration = std::time::Duration::from_millis(100);
const RECORD_RETRY_MAX: std::time::Duration = std::time::Duration::from_secs(5);

async fn record(
    outbox: &Outbox,
    message: &outbox_message::Model,
    outcome: &Outcome,
) -> Result<(), DbError> {
    let tx = outbox.db.begin_write().await?;
    match outcome {
        Outcome::Sent(reply) => {
            outbox::mark_sent(&*tx, message, reply).await?;
            tracing::info!(message.id = message.id, message.kind = %message.kind, "mail sent");
        }
        Outcome::Failed(err) => {
            let attempts = u32::try_from(message.attempts).unwrap_or(u32::MAX);
            if err.temporary && attempts < outbox.settings.max_attempts {
                let wait = backoff(
                    attempts,
                    outbox.settings.retry_base,
                    outbox.settings.retry_max,
                );
                let retry_at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                outbox::mark_retry(&*tx, message, &err.reason, retry_at).await?;
                tracing::info!(message.id = message.id, attempt = attempts, retry_in_ms = wait.as_millis() as u64, error.cause = %err.reason, "mail deferred");
            } else {
                let reason = if err.temporary {
                    format!("gave up after {attempts} attempts: {}", err.reason)
                } else {
                    err.reason.clone()
                };
                outbox::mark_failed(&*tx, message, &reason, err.reply.as_deref()).await?;
                tracing::warn!(message.id = message.id, error.cause = %reason, "mail failed");
            }
        }
    }
    tx.commit().await
}

impl Outbox {
    /// The outbox of a server: its transport, sender and key.
    pub async fn build(
        services: &crate::service::Services,
        settings: &MailSettings,
    ) -> Result<Self, crate::service::ServiceError> {
        use crate::service::ServiceError;
        let settings = settings.clone();
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| ServiceError::Malformed(format!("SMTP_FROM {:?}: {e}", settings.from)))?;
        let transport = Transport::from_settings(&settings).map_err(ServiceError::Malformed)?;
        render::check_templates().map_err(ServiceError::internal)?;
        let seal_key =
            crate::store::app_secrets::get_or_create(&services.db, seal::KEY_NAME).await?;
        Ok(Outbox {
            db: services.db.clone(),
            services: services.clone(),
            transport,
            settings,
            from,
            public_url: services.public_url.to_string(),
            seal_key,
        })
    }
}

/// The running worker and scheduler, to be stopped with the server.
pub struct Running {
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Starts the outbox worker and the reminder scheduler.
pub fn start(outbox: Arc<Outbox>) -> Running {
    let (stop, stopped) = watch::channel(false);
    let tasks = vec![
        tokio::spawn(run(outbox.clone(), stopped.clone())),
        tokio::spawn(scheduler::run(outbox, stopped)),
    ];
    Running { stop, tasks }
}

impl Running {
    /// Asks the tasks to stop after the message in hand, waiting up to `grace`; past that they
    /// are dropped mid-send, which the claim's lease covers.
    pub async fn stop(self, grace: std::time::Duration) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let abort = task.abort_handle();
            if tokio::time::timeout(grace, task).await.is_err() {
                abort.abort();
            }
        }
    }
}
