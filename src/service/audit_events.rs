//! Reading the audit trail (writing to it is [`super::record`], inside each operation).

use super::records::AuditEvent;
use super::{ServiceResult, Services};
use crate::store::audit;

/// Which events to list: optionally one action, subject type or actor, a time window, and
/// which page.
#[derive(Clone, Copy, Debug, Default)]
pub struct AuditFilter<'a> {
    pub action: Option<&'a str>,
    pub subject_type: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    pub offset: u64,
    pub limit: u64,
}

/// The events that match `filter`, newest first, and how many match in all.
pub async fn list(
    services: &Services,
    filter: AuditFilter<'_>,
) -> ServiceResult<(Vec<AuditEvent>, u64)> {
    let events = audit::EventFilter {
        action: filter.action,
        subject_type: filter.subject_type,
        actor: filter.actor,
        since: filter.since,
        until: filter.until,
    };
    Ok(audit::list(&services.db, &events, filter.offset, filter.limit).await?)
}
