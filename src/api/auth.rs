//! Who is calling the API: bearer API keys, checked against their stored hashes.

use super::problem::ApiError;
use crate::domain::{role::Role, secret::hash_secret};
use crate::service::Services;
use crate::store::{DbError, api_keys};
use chrono::{Duration, Utc};
use poem::{Request, http::StatusCode};
use poem_openapi::{SecurityScheme, auth::Bearer};

/// The caller behind a valid API key.
#[derive(Clone, Debug)]
pub struct Principal {
    pub key_id: i32,
    pub key_prefix: String,
    pub role: Role,
}

impl Principal {
    /// How this caller is named in the audit trail (never with the secret).
    pub fn actor(&self) -> String {
        format!("key:{}", self.key_prefix)
    }

    /// 403 unless this caller's role allows `required`.
    pub fn require(&self, required: Role) -> Result<(), ApiError> {
        if self.role.allows(required) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "This operation needs the {required} role; this key has the {} role.",
                self.role
            )))
        }
    }
}

/// An API key sent as `Authorization: Bearer <key>`. Keys are created with `soundings keys create`;
/// each has the role `admin` or `researcher`, and each operation names the role it needs.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", rename = "ApiKey", checker = "check_api_key")]
pub struct ApiKeyAuth(pub Principal);

/// Keys are touched at most this often, so that reads do not turn into a write per request.
const LAST_USED_RESOLUTION: Duration = Duration::minutes(1);

async fn check_api_key(req: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let Some(state) = req.data::<Services>() else {
        return Err(poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR));
    };
    let hash = hash_secret(&bearer.token);
    match api_keys::find_active_by_hash(&state.db.conn, &hash).await {
        Ok(Some(key)) => {
            let stale = key
                .last_used_at
                .is_none_or(|at| Utc::now() - at > LAST_USED_RESOLUTION);
            if stale && let Err(err) = api_keys::touch(&state.db.conn, key.id).await {
                tracing::warn!(error.cause = %err, "could not record key use");
            }
            Ok(Principal {
                key_id: key.id,
                key_prefix: key.prefix,
                role: key.role,
            })
        }
        Ok(None) => Err(poem::Error::from_string(
            "This API key is unknown or has been revoked.",
            StatusCode::UNAUTHORIZED,
        )),
        Err(DbError::Unavailable(cause)) => {
            tracing::warn!(error.cause = %cause, "database unavailable while checking a key");
            Err(poem::Error::from_status(StatusCode::SERVICE_UNAVAILABLE))
        }
        Err(cause @ (DbError::Other(_) | DbError::Conflict(_))) => {
            tracing::error!(error.cause = %cause, "could not check a key");
            Err(poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))
        }
    }
}
