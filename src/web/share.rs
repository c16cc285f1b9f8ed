//! `/share/{secret}`: a board member's view of one organisation's report, reached through a share
//! link made by an admin. No key is needed until the link expires (410) or is revoked (404, the
//! same page as a link that never existed).

use crate::domain::language::Language;
use crate::report::html::{pdf_file_name, report_html};
use crate::report::model::Report;
use crate::service::reports::report_pdf;
use crate::service::{ServiceError, shares};
use crate::web::Site;
use crate::web::lang::{LangQuery, accept_language};
use poem::http::{HeaderMap, StatusCode, header};
use poem::web::{Data, Html, Path, Query};
use poem::{IntoResponse, Response, handler};
use serde_json::json;

fn problem(state: &Site, status: StatusCode, title: &str, message: &str) -> Response {
    let mut resp = state.templates.page(
        "respond/problem.html",
        json!({ "title": title, "message": message }),
    );
    resp.set_status(status);
    resp
}

fn not_found(state: &Site) -> Response {
    problem(
        state,
        StatusCode::NOT_FOUND,
        "This report link does not work",
        "Check that you copied the whole link. If it still does not work, ask whoever sent it for a new one.",
    )
}

/// `?lang=cy` for the report in Welsh; otherwise the browser's Accept-Language decides.
fn language(query: &LangQuery, headers: &HeaderMap) -> Language {
    Language::choose(query.lang.as_deref(), None, accept_language(headers))
}

/// The report the link opens, or the page that says why it does not.
async fn shared_report(state: &Site, secret: &str, language: Language) -> Result<Report, Response> {
    shares::open(state, secret, language)
        .await
        .map_err(|err| match err {
            ServiceError::NotFound(_) => not_found(state),
            ServiceError::Gone(message) => problem(
                state,
                StatusCode::GONE,
                "This report link has expired",
                &message,
            ),
            err => {
                tracing::error!(error.cause = %err, "shared report failed");
                problem(
                    state,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Sorry, there is a problem with the service",
                    "Try again in a few minutes.",
                )
            }
        })
}

#[handler]
pub async fn page(
    state: Data<&Site>,
    Path(secret): Path<String>,
    Query(query): Query<LangQuery>,
    headers: &HeaderMap,
) -> Response {
    let language = language(&query, headers);
    match shared_report(&state, &secret, language).await {
        Ok(report) => match report_html(
            &state.templates,
            &report,
            &format!("/share/{secret}/report.pdf?lang={}", report.language),
        ) {
            Ok(html) => Html(html).into_response(),
            Err(err) => {
                tracing::error!(error.cause = %err, "report template failed");
                problem(
                    &state,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, the report could not be shown",
                    "Try again later.",
                )
            }
        },
        Err(resp) => resp,
    }
}

#[handler]
pub async fn pdf(
    state: Data<&Site>,
    Path(secret): Path<String>,
    Query(query): Query<LangQuery>,
    headers: &HeaderMap,
) -> Response {
    let report = match shared_report(&state, &secret, language(&query, headers)).await {
        Ok(report) => report,
        Err(resp) => return resp,
    };
    let name = pdf_file_name(&report);
    match report_pdf(report).await {
        Ok(bytes) => bytes
            .with_content_type("application/pdf")
            .with_header(header::CONTENT_DISPOSITION, name)
            .into_response(),
        Err(err) => {
            tracing::error!(error.cause = %err, "shared PDF failed");
            problem(
                &state,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, the report could not be made",
                "Try again later.",
            )
        }
    }
}
