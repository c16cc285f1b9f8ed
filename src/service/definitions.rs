//! Parsed survey definitions, kept per process.

use crate::domain::definition::Definition;
use crate::store::{Database, DbError, surveys};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

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
        let version = surveys::existing_version(db, version_id).await?;
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
