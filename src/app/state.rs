//! What every request handler can reach: the database pool, the settings, the templates, the
//! server's keys, and caches of things that never change once written.

use crate::app::config::Settings;
use crate::domain::definition::Definition;
use crate::store::{Database, DbError, surveys};
use crate::web::templates::Templates;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub settings: Arc<Settings>,
    pub templates: Arc<Templates>,
    /// Base of the links this server hands out, without a trailing slash.
    pub public_url: Arc<str>,
    pub keys: Arc<ServerKeys>,
    pub definitions: DefinitionCache,
    /// Rounds' submitted data for benchmarks, checked against the database on every use.
    pub rounds: crate::benchmarks::RoundCache,
}

/// Keys shared by every instance (kept in the database).
pub struct ServerKeys {
    /// Signs the CSRF tokens of respondent forms.
    pub csrf: Vec<u8>,
    /// Keys researchers' pseudonyms of organisations.
    pub pseudonym: Vec<u8>,
}

/// Parsed definitions by survey-version id. Rounds only use published versions, which never
/// change, so an entry never goes stale; drafts are never cached.
#[derive(Clone, Default)]
pub struct DefinitionCache(Arc<RwLock<HashMap<i32, Arc<Definition>>>>);

impl DefinitionCache {
    /// The definition of a published version, parsed once per process.
    pub async fn get(&self, db: &Database, version_id: i32) -> Result<Arc<Definition>, DbError> {
        if let Some(found) = self
            .0
            .read()
            .ok()
            .and_then(|map| map.get(&version_id).cloned())
        {
            return Ok(found);
        }
        let version = surveys::existing_version(&db.conn, version_id).await?;
        let definition = Arc::new(surveys::definition_of(&version)?);
        // A draft can still be replaced, so only a published (or retired) version is kept.
        if surveys::status(&version)? != crate::domain::survey_version::VersionStatus::Draft
            && let Ok(mut map) = self.0.write()
        {
            map.insert(version_id, definition.clone());
        }
        Ok(definition)
    }
}
