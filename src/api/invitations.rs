//! `/rounds/{code}/invitations`: each organisation's secret link to a round. Admin only: the
//! links are shown once, when made, and only their hashes are kept.

use super::ApiTags;
use super::audit::record;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::payloads::{Table, to_csv, wants_csv};
use super::problem::{ApiError, ApiResult, FieldError};
use super::rounds::find_round;
use crate::domain::role::Role;
use crate::service::Services;
use crate::store::{DbError, WriteTransaction, invitations, organisations, rounds};
use chrono::{DateTime, Utc};
use poem::Request;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use sea_orm::TransactionTrait;
use serde_json::json;

#[derive(Default)]
pub struct InvitationsApi;

#[derive(Object)]
pub struct InvitationRequest {
    /// Codes of the organisations to invite; absent means every organisation. Organisations that
    /// already hold an active invitation to the round are skipped (reissue to replace a link).
    #[oai(validator(max_items = 20000))]
    #[oai(nullable)]
    pub organisations: Option<Vec<String>>,
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
        let round = find_round(&state, &code.0).await?;
        takes_invitations(&round)?;
        let targets = match body.0.organisations {
            None => organisations::all(&state.db.conn).await?,
            Some(codes) => {
                let codes: Vec<String> = codes
                    .iter()
                    .map(|c| c.trim().to_ascii_uppercase())
                    .collect();
                let found = organisations::find_by_codes(&state.db.conn, &codes).await?;
                let known: std::collections::HashSet<&str> =
                    found.iter().map(|o| o.code.as_str()).collect();
                let errors: Vec<FieldError> = codes
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !known.contains(c.as_str()))
                    .map(|(i, c)| {
                        FieldError::new(
                            format!("organisations[{i}]"),
                            format!("there is no organisation {c}"),
                        )
                    })
                    .collect();
                if !errors.is_empty() {
                    return Err(ApiError::validation(
                        "Some organisations do not exist; nobody was invited.",
                        errors,
                    )
                    .into());
                }
                let mut found = found;
                found.sort_by(|a, b| a.code.cmp(&b.code));
                found
            }
        };
        let tx = state.db.begin_write().await?;
        // Checked again with the round held: a close that committed after the first read must
        // not be followed by new links.
        let round = lock_round(&tx, &round).await?;
        takes_invitations(&round)?;
        let already = invitations::active_organisation_ids(&*tx, round.id).await?;
        let mut batch = InvitationBatch {
            created: Vec::new(),
            skipped: Vec::new(),
        };
        for org in targets {
            if already.contains(&org.id) {
                batch.skipped.push(org.code);
                continue;
            }
            let (_, secret) = invitations::create(&*tx, round.id, org.id).await?;
            batch.created.push(InvitationLink {
                link: respond_link(&state, secret.expose()),
                organisation: org.code,
                organisation_name: org.name,
            });
        }
        record(
            &*tx,
            &auth.0,
            "invitation.create",
            Some(round.code.clone()),
            json!({ "created": batch.created.len(), "skipped": batch.skipped.len() }),
        )
        .await?;
        tx.commit().await?;
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
    /// CSV with `Accept: text/csv` (columns `organisation,organisation_name,active,issued_at,response_status`).
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
        let round = find_round(&state, &code.0).await?;
        let rows: Vec<InvitationStatus> = invitations::statuses(&state.db.conn, round.id)
            .await?
            .into_iter()
            .map(|s| InvitationStatus {
                organisation: s.organisation.code,
                organisation_name: s.organisation.name,
                active: s.active,
                issued_at: s.issued_at,
                response_status: s.response_status.as_str().to_owned(),
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
                ],
                rows.into_iter().map(|r| {
                    vec![
                        r.organisation,
                        r.organisation_name,
                        r.active.to_string(),
                        r.issued_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                        r.response_status,
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
        let round = find_round(&state, &code.0).await?;
        let org = find_organisation(&state, &organisation.0).await?;
        let tx = state.db.conn.begin().await.map_err(DbError::classify)?;
        let revoked = invitations::revoke(&tx, round.id, org.id).await?;
        if revoked == 0 {
            return Err(ApiError::not_found(format!(
                "{} holds no active link to round {}.",
                org.code, round.code
            ))
            .into());
        }
        record(
            &tx,
            &auth.0,
            "invitation.revoke",
            Some(format!("{}/{}", round.code, org.code)),
            json!({ "revoked": revoked }),
        )
        .await?;
        tx.commit().await.map_err(DbError::classify)?;
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
        let round = find_round(&state, &code.0).await?;
        let org = find_organisation(&state, &organisation.0).await?;
        // With the round held, two reissues for one organisation run one after the other: the
        // second revokes the link the first made, rather than both leaving a working link.
        let tx = state.db.begin_write().await?;
        let round = lock_round(&tx, &round).await?;
        let revoked = invitations::revoke(&*tx, round.id, org.id).await?;
        let (_, secret) = invitations::create(&*tx, round.id, org.id).await?;
        record(
            &*tx,
            &auth.0,
            "invitation.reissue",
            Some(format!("{}/{}", round.code, org.code)),
            json!({ "revoked": revoked }),
        )
        .await?;
        tx.commit().await?;
        Ok(Reissued::Created(Json(InvitationLink {
            link: respond_link(&state, secret.expose()),
            organisation: org.code,
            organisation_name: org.name,
        })))
    }
}

/// 409 unless the round (as read) may take invitations; not once it has closed.
fn takes_invitations(round: &entity::round::Model) -> ApiResult<()> {
    rounds::status(round)?
        .takes_invitations()
        .map_err(|refused| ApiError::conflict(refused.about(&format!("Round {}", round.code))))
}

/// The round as it is now, held for the rest of `tx` (see [`rounds::lock`]).
async fn lock_round(
    tx: &WriteTransaction,
    round: &entity::round::Model,
) -> ApiResult<entity::round::Model> {
    rounds::lock(&**tx, round.id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no round {}.", round.code)))
}

/// The respondent's link for a secret.
pub fn respond_link(state: &Services, secret: &str) -> String {
    format!("{}/respond/{secret}", state.public_url)
}

async fn find_organisation(state: &Services, code: &str) -> ApiResult<entity::organisation::Model> {
    let code = code.trim().to_ascii_uppercase();
    organisations::find_by_code(&state.db.conn, &code)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no organisation with code {code}.")))
}
