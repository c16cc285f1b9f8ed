//! One function per user operation, called by every front end (API, pages, command line, demo):
//! it checks the rule (through `domain`), calls `store`, and writes the audit event. Only a
//! start: the survey import lives here so far; the other operations still sit in their front
//! ends (see ARCHITECTURE.md, "Where the code is going").

pub mod surveys;

use crate::store::{DbError, audit};

/// Records an audit event by `actor` about `subject` (the subject type is the action's first
/// part: `survey` for `survey.create`).
pub(crate) async fn record(
    db: &impl sea_orm::ConnectionTrait,
    actor: &str,
    action: &str,
    subject: &str,
    details: serde_json::Value,
) -> Result<(), DbError> {
    audit::record(
        db,
        audit::Event {
            actor,
            action,
            subject_type: action.split('.').next().unwrap_or(action),
            subject_id: Some(subject.to_owned()),
            details,
        },
    )
    .await
}
