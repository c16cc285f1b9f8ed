//! Organisations: the register every round invites from.

use super::records::Organisation;
use super::{ServiceError, ServiceResult, Services};
use crate::store::organisations;

/// The organisation with this code (codes are compared in upper case, as stored).
pub async fn find(services: &Services, code: &str) -> ServiceResult<Organisation> {
    let code = code.trim().to_ascii_uppercase();
    organisations::find_by_code(&services.db.conn, &code)
        .await?
        .ok_or_else(|| {
            ServiceError::not_found(format!("There is no organisation with code {code}."))
        })
}

/// The organisation with this id.
pub async fn by_id(services: &Services, id: i32) -> ServiceResult<Organisation> {
    organisations::find_by_id(&services.db.conn, id)
        .await?
        .ok_or_else(|| ServiceError::internal(format!("organisation {id} is missing")))
}
