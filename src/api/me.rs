//! `GET /me`: the key a request was made with. Lets clients check a key before using it.

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use poem_openapi::{Object, OpenApi, payload::Json};

#[derive(Default)]
pub struct MeApi;

/// The key that made the request.
#[derive(Object)]
pub struct Me {
    /// The key's id.
    pub key_id: i32,
    /// The key's first characters, as shown by `soundings keys list`.
    pub key_prefix: String,
    /// `admin` or `researcher`.
    pub role: String,
}

#[OpenApi(tag = "ApiTags::Session")]
impl MeApi {
    /// Describe the calling key
    ///
    /// Who may call: any valid key (admin or researcher).
    #[oai(path = "/me", method = "get", operation_id = "get_me")]
    async fn get_me(&self, auth: ApiKeyAuth) -> Answer<Json<Me>, { KEY }> {
        let principal = auth.0;
        Ok(Json(Me {
            key_id: principal.key_id,
            key_prefix: principal.key_prefix,
            role: principal.role.to_string(),
        }))
    }
}
