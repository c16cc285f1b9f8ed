//! One function per user operation, called by every front end (API, pages, command line, demo):
//! it checks the rule (through `domain`), calls `store`, and writes the audit event. Front ends
//! hold a [`Services`] and call these functions; none of them reaches the database itself.

pub mod audit_events;
pub mod benchmarks;
pub mod console;
pub mod contacts;
pub mod database;
mod definitions;
pub mod delegations;
pub mod demo;
mod error;
pub mod invitations;
pub mod keys;
pub mod mail;
pub mod organisations;
pub mod outbox;
pub mod records;
pub mod releases;
pub mod reports;
pub mod research;
pub mod respond;
pub mod rounds;
pub mod shares;
pub mod surveys;

use crate::domain::disclosure::Rules;
use crate::domain::peers::Threshold;
use crate::store::{Database, DbError, app_secrets, audit};
use std::sync::Arc;

pub use definitions::DefinitionCache;
pub use error::{MAX_LISTED_ISSUES, ServiceError, ServiceResult};

/// What every operation can reach: the database, the server's keys, and the caches of things
/// that are checked against the database on every use. Cheap to clone (every field is shared).
#[derive(Clone)]
pub struct Services {
    pub(in crate::service) db: Database,
    pub(in crate::service) keys: Arc<ServerKeys>,
    /// Base of the links this server hands out, without a trailing slash.
    pub public_url: Arc<str>,
    pub(crate) disclosure: Disclosure,
    pub(in crate::service) definitions: DefinitionCache,
    /// Rounds' submitted data for benchmarks, checked against the database on every use.
    pub(in crate::service) rounds: benchmarks::RoundCache,
}

/// The disclosure rules the server applies: the smallest group it publishes, and which rules.
#[derive(Clone, Copy, Debug)]
pub struct Disclosure {
    pub threshold: usize,
    pub rules: Rules,
}

/// Keys shared by every instance (kept in the database).
pub struct ServerKeys {
    /// Signs the CSRF tokens of respondent forms.
    pub csrf: Vec<u8>,
    /// Keys researchers' pseudonyms of organisations.
    pub pseudonym: Vec<u8>,
}

impl Services {
    /// Services over a connected, migrated database: reads (or makes, once) the server keys that
    /// every instance shares.
    pub async fn start(
        db: Database,
        public_url: String,
        disclosure: Disclosure,
    ) -> Result<Self, DbError> {
        let keys = ServerKeys {
            csrf: app_secrets::get_or_create(&db, "csrf").await?,
            pseudonym: app_secrets::get_or_create(&db, "pseudonym").await?,
        };
        Ok(Self {
            db,
            keys: Arc::new(keys),
            public_url: public_url.into(),
            disclosure,
            definitions: DefinitionCache::default(),
            rounds: Default::default(),
        })
    }

    /// The smallest group of organisations the server publishes a figure about.
    pub fn threshold(&self) -> Threshold {
        Threshold(self.disclosure.threshold)
    }

    /// Whether the database answers within `timeout` (for `/ready`).
    pub async fn ready(&self, timeout: std::time::Duration) -> ServiceResult<()> {
        Ok(self.db.ping(timeout).await?)
    }

    /// The key that signs respondent forms' CSRF tokens.
    pub fn csrf_key(&self) -> &[u8] {
        &self.keys.csrf
    }
}

/// Records an audit event by `actor` about `subject` (the subject type is the action's first
/// part: `survey` for `survey.create`).
pub(crate) async fn record(
    db: &impl sea_orm::ConnectionTrait,
    actor: &str,
    action: &str,
    subject: &str,
    details: serde_json::Value,
) -> Result<(), DbError> {
    audit::record(
        db,
        audit::Event {
            actor,
            action,
            subject_type: action.split('.').next().unwrap_or(action),
            subject_id: Some(subject.to_owned()),
            details,
        },
    )
    .await
}
