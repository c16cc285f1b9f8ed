//! Board reports: an organisation's benchmark report as an HTML page or an A4 PDF (admins),
//! share links that let a board member open it without a key until the link expires, and a
//! round's national summary as a page or a PDF (researchers and admins).

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::media_types::PdfResponse;
use super::problem::ApiError;
use crate::domain::language::Language;
use crate::domain::role::Role;
use crate::report::html::{pdf_file_name, report_html, summary_html};
use crate::service::Services;
use crate::service::reports::{self, report_pdf, summary_pdf};
use crate::service::shares::{self, ShareLink};
use crate::templates::Templates;
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Html, Json};
use poem_openapi::{ApiResponse, Object, OpenApi};
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

impl From<ShareLink> for Share {
    fn from(link: ShareLink) -> Self {
        Share {
            id: link.share.id,
            organisation: link.organisation,
            round: link.round,
            link: link.link,
            created_at: link.share.created_at,
            expires_at: link.share.expires_at,
            revoked_at: link.share.revoked_at,
            status: link.status.as_str().to_owned(),
        }
    }
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
        /// `cy` for the report in Welsh (when the survey version has Welsh); English otherwise.
        lang: Query<Option<String>>,
    ) -> Answer<Html<String>, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let language = Language::choose(lang.0.as_deref(), None, None);
        let report = reports::report(&state, &code.0, &organisation.0, language).await?;
        let pdf_href = match language {
            Language::En => "report.pdf".to_owned(),
            other => format!("report.pdf?lang={other}"),
        };
        report_html(&templates, &report, &pdf_href)
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
        /// `cy` for the report in Welsh (when the survey version has Welsh); English otherwise.
        lang: Query<Option<String>>,
    ) -> Answer<PdfResponse, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let language = Language::choose(lang.0.as_deref(), None, None);
        let report = reports::report(&state, &code.0, &organisation.0, language).await?;
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
        let days = body.0.days.unwrap_or(30);
        let created =
            shares::create(&state, &auth.0.actor(), &code.0, &organisation.0, days).await?;
        Ok(ShareCreated::Created(Json(created.into())))
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
        /// `cy` for the summary in Welsh (when the survey version has Welsh); English otherwise.
        lang: Query<Option<String>>,
    ) -> Answer<Html<String>, { KEY | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        let language = Language::choose(lang.0.as_deref(), None, None);
        let summary = reports::summary(&state, &code.0, language).await?;
        let pdf_href = match language {
            Language::En => "summary-report.pdf".to_owned(),
            other => format!("summary-report.pdf?lang={other}"),
        };
        summary_html(&templates, &summary, &pdf_href)
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
        /// `cy` for the summary in Welsh (when the survey version has Welsh); English otherwise.
        lang: Query<Option<String>>,
    ) -> Answer<PdfResponse, { KEY | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        let language = Language::choose(lang.0.as_deref(), None, None);
        let summary = reports::summary(&state, &code.0, language).await?;
        let name = format!(
            "attachment; filename=\"soundings-{}-summary.pdf\"",
            summary.round_code
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
        let links = shares::list(&state, &code.0).await?;
        Ok(Json(links.into_iter().map(Share::from).collect()))
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
        let revoked = shares::revoke(&state, &auth.0.actor(), id.0).await?;
        Ok(Json(revoked.into()))
    }
}
