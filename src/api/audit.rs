//! `/audit-events`: the trail of operator actions (operations add to it with `service::record`).

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::pagination::{PageInfo, Paging};
use crate::domain::role::Role;
use crate::service::Services;
use crate::service::audit_events::{self, AuditFilter};
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

#[derive(Default)]
pub struct AuditApi;

/// One recorded action.
#[derive(Object)]
pub struct AuditEvent {
    pub id: i32,
    pub occurred_at: DateTime<Utc>,
    /// Who acted: `key:<prefix>` for an API key, `cli` for the command line, `respondent:<code>`.
    pub actor: String,
    /// What they did, as `resource.verb` (e.g. `round.open`).
    pub action: String,
    pub subject_type: String,
    #[oai(nullable)]
    pub subject_id: Option<String>,
    /// Details of the action (never a secret).
    pub details: serde_json::Value,
}

#[derive(Object)]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    #[oai(flatten)]
    pub page: PageInfo,
}

#[OpenApi(tag = "ApiTags::Audit")]
impl AuditApi {
    /// List audit events
    ///
    /// Who may call: admin. Newest first, `per_page` a page (default 50, at most 500).
    #[oai(
        path = "/audit-events",
        method = "get",
        operation_id = "list_audit_events"
    )]
    async fn list(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        /// Only this action, e.g. `round.open`.
        action: Query<Option<String>>,
        /// Only actions on this kind of subject, e.g. `round`.
        subject_type: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<
            Option<u64>,
        >,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<
            Option<u64>,
        >,
    ) -> Answer<Json<AuditPage>, { ROLE | BAD_REQUEST }> {
        auth.0.require(Role::Admin)?;
        let paging = Paging::new(page.0, per_page.0);
        let filter = AuditFilter {
            action: action.0.as_deref(),
            subject_type: subject_type.0.as_deref(),
            offset: paging.offset(),
            limit: paging.per_page,
            ..Default::default()
        };
        let (items, total) = audit_events::list(&state, filter).await?;
        let items = items
            .into_iter()
            .map(|e| AuditEvent {
                id: e.id,
                occurred_at: e.occurred_at,
                actor: e.actor,
                action: e.action,
                subject_type: e.subject_type,
                subject_id: e.subject_id,
                details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
            })
            .collect();
        Ok(Json(AuditPage {
            items,
            page: paging.info(total),
        }))
    }
}
