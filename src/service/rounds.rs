//! Rounds: finding them, and the transitions of their state.

use super::records::Round;
use super::{ServiceError, ServiceResult, Services};
use crate::store::rounds;

/// The round with this code.
pub async fn find(services: &Services, code: &str) -> ServiceResult<Round> {
    rounds::find(&services.db.conn, code)
        .await?
        .ok_or_else(|| ServiceError::not_found(format!("There is no round {code}.")))
}
