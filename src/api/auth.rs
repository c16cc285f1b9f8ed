//! Who is calling the API: bearer API keys, checked against their stored hashes.

use super::problem::ApiError;
use crate::domain::role::Role;
use crate::service::{Services, keys};
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

async fn check_api_key(req: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let Some(state) = req.data::<Services>() else {
        return Err(poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR));
    };
    match keys::authenticate(state, &bearer.token).await {
        Ok(Some(key)) => Ok(Principal {
            key_id: key.id,
            key_prefix: key.prefix,
            role: key.role,
        }),
        Ok(None) => Err(poem::Error::from_string(
            "This API key is unknown or has been revoked.",
            StatusCode::UNAUTHORIZED,
        )),
        Err(cause) if cause.is_unavailable() => {
            tracing::warn!(error.cause = %cause, "database unavailable while checking a key");
            Err(poem::Error::from_status(StatusCode::SERVICE_UNAVAILABLE))
        }
        Err(cause) => {
            tracing::error!(error.cause = %cause, "could not check a key");
            Err(poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))
        }
    }
}
