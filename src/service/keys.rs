//! API keys: made, listed and revoked from the command line, and checked on every `/api/v1`
//! request.

use super::{ServiceError, ServiceResult, Services};
use crate::domain::role::Role;
use crate::domain::secret::{Secret, hash_secret};
use crate::domain::validation::{FieldIssue, NO_CONTROL, has_control};
use crate::store::api_keys;
use chrono::{Duration, Utc};

pub use crate::store::api_keys::ApiKey;

/// The longest name a key may have, in bytes.
const MAX_NAME: usize = 100;

/// Keys are touched at most this often, so that reads do not turn into a write per request.
const LAST_USED_RESOLUTION: Duration = Duration::minutes(1);

/// Makes a key with this name (trimmed; 1 to 100 characters) and role, and returns it with its
/// secret, which is shown once: only its hash is stored.
pub async fn create(
    services: &Services,
    name: &str,
    role: Role,
) -> ServiceResult<(ApiKey, Secret)> {
    let name = name.trim();
    let problem = if name.is_empty() || name.len() > MAX_NAME {
        Some(format!("must be 1 to {MAX_NAME} characters"))
    } else {
        has_control(name).then(|| NO_CONTROL.to_owned())
    };
    if let Some(message) = problem {
        return Err(ServiceError::invalid(
            "key",
            vec![FieldIssue::new("name", message)],
        ));
    }
    Ok(api_keys::create(&services.db, name, role).await?)
}

/// Every key, revoked ones too, in the order they were made (never with their secrets).
pub async fn list(services: &Services) -> ServiceResult<Vec<ApiKey>> {
    Ok(api_keys::list(&services.db).await?)
}

/// Revokes the key with this id or prefix; requests with it are refused from then on. Revoking a
/// revoked key changes nothing and answers the key.
pub async fn revoke(services: &Services, id_or_prefix: &str) -> ServiceResult<ApiKey> {
    api_keys::revoke(&services.db, id_or_prefix)
        .await?
        .ok_or_else(|| ServiceError::not_found(format!("There is no key {id_or_prefix}.")))
}

/// The unrevoked key whose secret this is, if any, noting that it was used (at most once a
/// minute, and best effort: a failure to note it is logged, and the caller is let in).
pub async fn authenticate(services: &Services, secret: &str) -> ServiceResult<Option<ApiKey>> {
    let Some(key) = api_keys::find_active_by_hash(&services.db, &hash_secret(secret)).await? else {
        return Ok(None);
    };
    let stale = key
        .last_used_at
        .is_none_or(|at| Utc::now() - at > LAST_USED_RESOLUTION);
    if stale && let Err(err) = api_keys::touch(&services.db, key.id).await {
        tracing::warn!(error.cause = %err, "could not record key use");
    }
    Ok(Some(key))
}
