//! `/rounds/{code}/invitations`: each organisation's secret link to a round. Admin only: the
//! links are shown once, when made, and only their hashes are kept.

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::media_types::{Table, to_csv, wants_csv};
use crate::api::text::Text;
use crate::domain::role::Role;
use crate::service::Services;
use crate::service::invitations::{self, NewLink};
use chrono::{DateTime, Utc};
use poem::Request;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

#[derive(Default)]
pub struct InvitationsApi;

#[derive(Object)]
pub struct InvitationRequest {
    /// Codes of the organisations to invite; absent means every organisation. Organisations that
    /// already hold an active invitation to the round are skipped (reissue to replace a link).
    #[oai(validator(max_items = 20000))]
    #[oai(nullable)]
    pub organisations: Option<Vec<Text>>,
}

/// A new secret link, shown this once.
#[derive(Object)]
pub struct InvitationLink {
    pub organisation: String,
    pub organisation_name: String,
    /// The respondent's link. Treat it like a password: anyone with it can answer for the organisation.
    pub link: String,
}

#[derive(Object)]
pub struct InvitationBatch {
    pub created: Vec<InvitationLink>,
    /// Codes skipped because they already hold an active invitation.
    pub skipped: Vec<String>,
}

/// One invited organisation and how far its response has got.
#[derive(Object)]
pub struct InvitationStatus {
    pub organisation: String,
    pub organisation_name: String,
    /// Whether the organisation holds an unrevoked link.
    pub active: bool,
    #[oai(nullable)]
    pub issued_at: Option<DateTime<Utc>>,
    /// `not_started`, `in_progress` or `submitted`.
    pub response_status: String,
    /// When its link was first queued for e-mailing to its contacts (null if never mailed).
    #[oai(nullable)]
    pub mailed_at: Option<DateTime<Utc>>,
    /// Reminders e-mailed to it so far, and when the last was queued.
    pub reminders: i32,
    #[oai(nullable)]
    pub last_reminded_at: Option<DateTime<Utc>>,
    /// Whether a message to one of its contacts failed for good (see the delivery log).
    pub delivery_failed: bool,
}

#[derive(ApiResponse)]
pub enum Reissued {
    /// The old link was revoked and this new one replaces it.
    #[oai(status = 201)]
    Created(Json<InvitationLink>),
}

#[derive(Object)]
pub struct Revoked {
    /// How many active links were revoked.
    pub revoked: u64,
}

#[OpenApi(tag = "ApiTags::Invitations")]
impl InvitationsApi {
    /// Invite organisations to a round
    ///
    /// Who may call: admin. Answers each new link once, as JSON or, with `Accept: text/csv`, as
    /// CSV for a mail merge (columns `organisation,organisation_name,link`). Unknown codes: 422.
    #[oai(
        path = "/rounds/:code/invitations",
        method = "post",
        operation_id = "create_invitations"
    )]
    async fn create(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        req: &Request,
        code: Path<String>,
        body: Json<InvitationRequest>,
    ) -> Answer<Table<InvitationBatch>, { ROLE | BODY | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let done = invitations::invite(
            &state,
            &auth.0.actor(),
            &code.0,
            strings(body.0.organisations),
        )
        .await?;
        let batch = InvitationBatch {
            created: done.created.into_iter().map(InvitationLink::from).collect(),
            skipped: done.skipped,
        };
        Ok(if wants_csv(req) {
            Table::Csv(to_csv(
                &["organisation", "organisation_name", "link"],
                batch
                    .created
                    .into_iter()
                    .map(|l| vec![l.organisation, l.organisation_name, l.link]),
            ))
        } else {
            Table::Json(batch)
        })
    }

    /// List a round's invitations
    ///
    /// Who may call: admin. One row per invited organisation with its response status; JSON, or
    /// CSV with `Accept: text/csv` (columns `organisation,organisation_name,active,issued_at,response_status,mailed_at,reminders,last_reminded_at,delivery_failed`); with each organisation's mail: when its link was mailed, reminders, whether a delivery failed.
    #[oai(
        path = "/rounds/:code/invitations",
        method = "get",
        operation_id = "list_invitations"
    )]
    async fn list(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        req: &Request,
        code: Path<String>,
    ) -> Answer<Table<Vec<InvitationStatus>>, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let mail = crate::service::mail::summaries(&state, &code.0).await?;
        let rows: Vec<InvitationStatus> = invitations::list(&state, &code.0)
            .await?
            .into_iter()
            .map(|s| {
                let m = mail.get(&s.organisation.id).cloned().unwrap_or_default();
                InvitationStatus {
                    organisation: s.organisation.code,
                    organisation_name: s.organisation.name,
                    active: s.active,
                    issued_at: s.issued_at,
                    response_status: s.response_status.as_str().to_owned(),
                    mailed_at: m.invited_at,
                    reminders: m.reminders,
                    last_reminded_at: m.last_reminded_at,
                    delivery_failed: m.delivery_failed,
                }
            })
            .collect();
        Ok(if wants_csv(req) {
            Table::Csv(to_csv(
                &[
                    "organisation",
                    "organisation_name",
                    "active",
                    "issued_at",
                    "response_status",
                    "mailed_at",
                    "reminders",
                    "last_reminded_at",
                    "delivery_failed",
                ],
                rows.into_iter().map(|r| {
                    vec![
                        r.organisation,
                        r.organisation_name,
                        r.active.to_string(),
                        r.issued_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                        r.response_status,
                        r.mailed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                        r.reminders.to_string(),
                        r.last_reminded_at
                            .map(|t| t.to_rfc3339())
                            .unwrap_or_default(),
                        r.delivery_failed.to_string(),
                    ]
                }),
            ))
        } else {
            Table::Json(rows)
        })
    }

    /// Revoke an organisation's link
    ///
    /// Who may call: admin. The link stops working at once; answers saved so far are kept.
    /// 404 if the organisation holds no active link to the round.
    #[oai(
        path = "/rounds/:code/invitations/:organisation/revoke",
        method = "post",
        operation_id = "revoke_invitation"
    )]
    async fn revoke(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
        organisation: Path<String>,
    ) -> Answer<Json<Revoked>, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let revoked =
            invitations::revoke(&state, &auth.0.actor(), &code.0, &organisation.0).await?;
        Ok(Json(Revoked { revoked }))
    }

    /// Reissue an organisation's link
    ///
    /// Who may call: admin. Revokes any active link and answers a new one, shown once. Answers
    /// saved so far are kept and reachable through the new link.
    #[oai(
        path = "/rounds/:code/invitations/:organisation/reissue",
        method = "post",
        operation_id = "reissue_invitation"
    )]
    async fn reissue(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
        organisation: Path<String>,
    ) -> Answer<Reissued, { ROLE | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let link = invitations::reissue(&state, &auth.0.actor(), &code.0, &organisation.0).await?;
        Ok(Reissued::Created(Json(link.into())))
    }
}

impl From<NewLink> for InvitationLink {
    fn from(l: NewLink) -> Self {
        InvitationLink {
            organisation: l.organisation,
            organisation_name: l.organisation_name,
            link: l.link,
        }
    }
}

/// Codes as the service takes them.
pub(crate) fn strings(codes: Option<Vec<Text>>) -> Option<Vec<String>> {
    codes.map(|codes| codes.into_iter().map(String::from).collect())
}
