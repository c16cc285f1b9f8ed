//! Board reports: an organisation's benchmark report as an HTML page or an A4 PDF (admins),
//! share links that let a board member open it without a key until the link expires, and a
//! round's national summary as a page or a PDF (researchers and admins).

use super::ApiTags;
use super::audit::record;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::payloads::PdfResponse;
use super::problem::{ApiError, ApiResult};
use super::rounds::find_round;
use crate::domain::links::ShareStatus;
use crate::domain::role::Role;
use crate::report::html::{pdf_file_name, report_html, summary_html};
use crate::report::model::Report;
use crate::service::Services;
use crate::service::benchmarks::{Missing, organisation_report};
use crate::service::reports::{report_pdf, summary_pdf};
use crate::store::{DbError, organisations, shares};
use crate::templates::Templates;
use chrono::{DateTime, Duration, Utc};
use entity::{organisation, round};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::{Binary, Html, Json};
use poem_openapi::{ApiResponse, Object, OpenApi};
use sea_orm::TransactionTrait;
use serde_json::json;
use std::sync::Arc;

#[derive(Default)]
pub struct ReportsApi;

#[derive(Object)]
pub struct NewShare {
    /// Days until the link stops working (1 to 365; default 30).
    #[oai(validator(minimum(value = "1"), maximum(value = "365")))]
    #[oai(nullable)]
    pub days: Option<u32>,
}

/// A share link. `link` is shown only when the share is made.
#[derive(Object)]
pub struct Share {
    pub id: i32,
    pub organisation: String,
    pub round: String,
    #[oai(nullable)]
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[oai(nullable)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// `active`, `expired` or `revoked`.
    pub status: String,
}

#[derive(ApiResponse)]
pub enum ShareCreated {
    /// The share link, shown this once.
    #[oai(status = 201)]
    Created(Json<Share>),
}

/// A report for an organisation in a round, or the problem that prevents it.
pub async fn report_for(
    state: &Services,
    round: &round::Model,
    org: organisation::Model,
) -> ApiResult<Report> {
    let code = org.code.clone();
    match organisation_report(state, round, org).await? {
        Ok(report) => Ok(report),
        Err(Missing::NotSubmitted) => Err(ApiError::not_found(format!(
            "{code} has not submitted a response in round {}.",
            round.code
        ))),
    }
}

fn share_status(share: &entity::report_share::Model, now: DateTime<Utc>) -> String {
    ShareStatus::of(share.revoked_at, share.expires_at, now)
        .as_str()
        .to_owned()
}

#[OpenApi(tag = "ApiTags::Reports")]
impl ReportsApi {
    /// An organisation's report as a page
    ///
    /// Who may call: admin. The same figures as the PDF, with charts as inline SVG.
    #[oai(
        path = "/rounds/:code/organisations/:organisation/report",
        method = "get",
        operation_id = "get_report_html"
    )]
    async fn html(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        templates: Data<&Arc<Templates>>,
        code: Path<String>,
        organisation: Path<String>,
    ) -> Answer<Html<String>, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let (round, org) = find(&state, &code.0, &organisation.0).await?;
        let report = report_for(&state, &round, org).await?;
        report_html(&templates, &report, "report.pdf")
            .map(Html)
            .map_err(|e| ApiError::internal(e).into())
    }

    /// An organisation's report as a PDF
    ///
    /// Who may call: admin. A4, 2–4 pages; the same data always gives the same bytes.
    #[oai(
        path = "/rounds/:code/organisations/:organisation/report.pdf",
        method = "get",
        operation_id = "get_report_pdf"
    )]
    async fn pdf(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
        organisation: Path<String>,
    ) -> Answer<PdfResponse, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let (round, org) = find(&state, &code.0, &organisation.0).await?;
        let report = report_for(&state, &round, org).await?;
        let name = pdf_file_name(&report);
        let bytes = report_pdf(report).await?;
        Ok(PdfResponse::Pdf(Binary(bytes), name))
    }

    /// Share an organisation's report
    ///
    /// Who may call: admin. Makes a link that opens the report (page and PDF) without a key,
    /// for `days` days (default 30), until revoked. The link is shown once.
    #[oai(
        path = "/rounds/:code/organisations/:organisation/shares",
        method = "post",
        operation_id = "create_report_share"
    )]
    async fn share(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
        organisation: Path<String>,
        body: Json<NewShare>,
    ) -> Answer<ShareCreated, { ROLE | BODY | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let (round, org) = find(&state, &code.0, &organisation.0).await?;
        // Refuse a link to a report that cannot be made.
        report_for(&state, &round, org.clone()).await?;
        let expires_at = Utc::now() + Duration::days(i64::from(body.0.days.unwrap_or(30)));
        let tx = state.db.conn.begin().await.map_err(DbError::classify)?;
        let (share, secret) =
            shares::create(&tx, round.id, org.id, &auth.0.actor(), expires_at).await?;
        record(
            &tx,
            &auth.0,
            "report_share.create",
            Some(format!("{}/{}", round.code, org.code)),
            json!({ "id": share.id, "expires_at": expires_at }),
        )
        .await?;
        tx.commit().await.map_err(DbError::classify)?;
        Ok(ShareCreated::Created(Json(Share {
            id: share.id,
            organisation: org.code,
            round: round.code,
            link: Some(format!("{}/share/{}", state.public_url, secret.expose())),
            created_at: share.created_at,
            expires_at: share.expires_at,
            revoked_at: None,
            status: ShareStatus::Active.as_str().to_owned(),
        })))
    }

    /// A round's national summary as a page
    ///
    /// Who may call: researcher or admin. Every organisation in aggregate and by kind: n, median
    /// and inter-quartile range per dimension and overall; groups below k are suppressed.
    #[oai(
        path = "/rounds/:code/summary-report",
        method = "get",
        operation_id = "get_summary_report_html"
    )]
    async fn summary_html(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        templates: Data<&Arc<Templates>>,
        code: Path<String>,
    ) -> Answer<Html<String>, { KEY | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        let round = find_round(&state, &code.0).await?;
        let summary = crate::service::benchmarks::round_summary(&state, &round).await?;
        summary_html(&templates, &summary, "summary-report.pdf")
            .map(Html)
            .map_err(|e| ApiError::internal(e).into())
    }

    /// A round's national summary as a PDF
    ///
    /// Who may call: researcher or admin. The same figures as the page, on landscape A4 with a
    /// chart of each group's overall score; the same data always gives the same bytes.
    #[oai(
        path = "/rounds/:code/summary-report.pdf",
        method = "get",
        operation_id = "get_summary_report_pdf"
    )]
    async fn summary_pdf(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
    ) -> Answer<PdfResponse, { KEY | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        let round = find_round(&state, &code.0).await?;
        let summary = crate::service::benchmarks::round_summary(&state, &round).await?;
        let name = format!(
            "attachment; filename=\"soundings-{}-summary.pdf\"",
            round.code
        );
        let bytes = summary_pdf(summary).await?;
        Ok(PdfResponse::Pdf(Binary(bytes), name))
    }

    /// List a round's share links
    ///
    /// Who may call: admin. Links themselves are never shown again.
    #[oai(
        path = "/rounds/:code/shares",
        method = "get",
        operation_id = "list_report_shares"
    )]
    async fn list(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
    ) -> Answer<Json<Vec<Share>>, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let round = find_round(&state, &code.0).await?;
        let now = Utc::now();
        let mut out = Vec::new();
        for share in shares::list(&state.db.conn, round.id).await? {
            let org = organisations::find_by_id(&state.db.conn, share.organisation_id)
                .await?
                .map(|o| o.code)
                .unwrap_or_default();
            out.push(Share {
                id: share.id,
                organisation: org,
                round: round.code.clone(),
                link: None,
                created_at: share.created_at,
                expires_at: share.expires_at,
                revoked_at: share.revoked_at,
                status: share_status(&share, now),
            });
        }
        Ok(Json(out))
    }

    /// Revoke a share link
    ///
    /// Who may call: admin. The link stops working at once.
    #[oai(
        path = "/shares/:id/revoke",
        method = "post",
        operation_id = "revoke_report_share"
    )]
    async fn revoke(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        id: Path<i32>,
    ) -> Answer<Json<Share>, { ROLE | BAD_REQUEST | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let share = shares::find(&state.db.conn, id.0)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("There is no share {}.", id.0)))?;
        // Revoking is idempotent: a share already revoked (before, or by a request racing this
        // one) is answered as it stands, and only the revocation that happened is recorded.
        let status = ShareStatus::of(share.revoked_at, share.expires_at, Utc::now());
        let tx = state.db.begin_write().await?;
        let changed = match status.revoke() {
            Ok(_) => shares::revoke(&*tx, share.id).await?,
            Err(_already) => None,
        };
        let revoked = match changed {
            Some(revoked) => {
                record(
                    &*tx,
                    &auth.0,
                    "report_share.revoke",
                    Some(revoked.id.to_string()),
                    json!({}),
                )
                .await?;
                tx.commit().await?;
                revoked
            }
            None => {
                drop(tx);
                shares::find(&state.db.conn, share.id)
                    .await?
                    .ok_or_else(|| ApiError::not_found(format!("There is no share {}.", id.0)))?
            }
        };
        let round = crate::store::rounds::find_by_id(&state.db.conn, revoked.round_id)
            .await?
            .map(|r| r.code)
            .unwrap_or_default();
        let org = organisations::find_by_id(&state.db.conn, revoked.organisation_id)
            .await?
            .map(|o| o.code)
            .unwrap_or_default();
        Ok(Json(Share {
            id: revoked.id,
            organisation: org,
            round,
            link: None,
            created_at: revoked.created_at,
            expires_at: revoked.expires_at,
            revoked_at: revoked.revoked_at,
            status: share_status(&revoked, Utc::now()),
        }))
    }
}

async fn find(
    state: &Services,
    round: &str,
    organisation: &str,
) -> ApiResult<(round::Model, organisation::Model)> {
    let round = find_round(state, round).await?;
    let code = organisation.trim().to_ascii_uppercase();
    let org = organisations::find_by_code(&state.db.conn, &code)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!("There is no organisation with code {code}."))
        })?;
    Ok((round, org))
}
