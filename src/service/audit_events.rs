//! Reading the audit trail (writing to it is [`super::record`], inside each operation).

use super::records::AuditEvent;
use super::{ServiceResult, Services};
use crate::store::audit;

/// Which events to list: optionally one action or one subject type, and which page.
#[derive(Clone, Copy, Debug, Default)]
pub struct AuditFilter<'a> {
    pub action: Option<&'a str>,
    pub subject_type: Option<&'a str>,
    pub offset: u64,
    pub limit: u64,
}

/// The events that match `filter`, newest first, and how many match in all.
pub async fn list(
    services: &Services,
    filter: AuditFilter<'_>,
) -> ServiceResult<(Vec<AuditEvent>, u64)> {
    Ok(audit::list(
        &services.db,
        filter.action,
        filter.subject_type,
        filter.offset,
        filter.limit,
    )
    .await?)
}
