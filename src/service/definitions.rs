//! Parsed survey definitions: an uploaded one parsed off the runtime, in bounded time and
//! numbers at once; published ones kept per process.

use super::{ServiceError, ServiceResult};
use crate::domain::definition::{Definition, DefinitionError, Format, Limit};
use crate::domain::validation::FieldIssue;
use crate::store::{Database, DbError, surveys};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How many uploaded definitions are parsed at once. Parsing is pure CPU work on the blocking
/// pool; more at once would only take the cores from the requests the runtime is serving.
const PARSES_AT_ONCE: usize = 2;
/// Process-wide, as the cores it shares out are.
static PARSING: Semaphore = Semaphore::const_new(PARSES_AT_ONCE);
/// How long a request waits for its definition to be parsed, its turn included: well within
/// the request's own time limit. The limits of `domain::definition` bound the parse itself to
/// a fraction of a second; this is for a server that has too many to do.
pub const PARSE_TIME_BUDGET: Duration = Duration::from_secs(10);

/// Parses an uploaded definition on the blocking pool, at most [`PARSES_AT_ONCE`] at a time,
/// so that neither a costly document nor several at once hold up the runtime's workers. A
/// document past a limit on its size is refused as too large (413); every other problem is one
/// validation error (422); no turn within [`PARSE_TIME_BUDGET`] is busy (503).
pub async fn parse_definition(text: &str, format: Format) -> ServiceResult<Definition> {
    let text = text.to_owned();
    let parse = async {
        let turn = PARSING.acquire().await.map_err(ServiceError::internal)?;
        tokio::task::spawn_blocking(move || {
            // The turn ends with the parse, not with the wait for it: a parse that outlives
            // the budget still keeps another from starting.
            let _turn = turn;
            Definition::parse(&text, format)
        })
        .await
        .map_err(ServiceError::internal)
    };
    match tokio::time::timeout(PARSE_TIME_BUDGET, parse).await {
        Ok(parsed) => parsed?.map_err(definition_errors),
        Err(_) => {
            tracing::warn!(
                budget_s = PARSE_TIME_BUDGET.as_secs(),
                "a definition was not parsed within its time budget"
            );
            Err(ServiceError::Busy(format!(
                "The server could not check the definition within {} seconds, as it is checking \
                 others; try again shortly.",
                PARSE_TIME_BUDGET.as_secs()
            )))
        }
    }
}

/// A document past a limit on its size is too large; anything else, invalid.
fn definition_errors(errors: Vec<DefinitionError>) -> ServiceError {
    if let Some(too_large) = errors.iter().find(|e| e.limit == Some(Limit::Size)) {
        return ServiceError::TooLarge(format!("The definition is too large: {}.", too_large));
    }
    ServiceError::invalid(
        "definition",
        errors
            .into_iter()
            .map(|e| FieldIssue::new(e.path, e.message))
            .collect(),
    )
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
