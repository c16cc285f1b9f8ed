//! `/share/{secret}`: a board member's view of one organisation's report, reached through a share
//! link made by an admin. No key is needed until the link expires (410) or is revoked (404, the
//! same page as a link that never existed).

use crate::domain::links::ShareStatus;
use crate::domain::secret::hash_secret;
use crate::report::html::{pdf_file_name, report_html};
use crate::report::model::Report;
use crate::service::benchmarks::{Missing, organisation_report};
use crate::service::reports::report_pdf;
use crate::store::{DbError, organisations, rounds, shares};
use crate::web::Site;
use chrono::Utc;
use poem::http::{StatusCode, header};
use poem::web::{Data, Html, Path};
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

async fn shared_report(state: &Site, secret: &str) -> Result<Report, Response> {
    let failed = |err: DbError| {
        tracing::error!(error.cause = %err, "shared report failed");
        problem(
            state,
            StatusCode::SERVICE_UNAVAILABLE,
            "Sorry, there is a problem with the service",
            "Try again in a few minutes.",
        )
    };
    if secret.len() != 40 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_found(state));
    }
    let Some(share) = shares::find_by_hash(&state.db.conn, &hash_secret(secret))
        .await
        .map_err(failed)?
    else {
        return Err(not_found(state));
    };
    match ShareStatus::of(share.revoked_at, share.expires_at, Utc::now()) {
        ShareStatus::Active => {}
        // A revoked link looks like one that never existed.
        ShareStatus::Revoked => return Err(not_found(state)),
        ShareStatus::Expired => {
            return Err(problem(
                state,
                StatusCode::GONE,
                "This report link has expired",
                &format!(
                    "The link stopped working on {}. Ask whoever sent it for a new one.",
                    share.expires_at.format("%-d %B %Y")
                ),
            ));
        }
    }
    let round = rounds::find_by_id(&state.db.conn, share.round_id)
        .await
        .map_err(failed)?;
    let org = organisations::find_by_id(&state.db.conn, share.organisation_id)
        .await
        .map_err(failed)?;
    let (Some(round), Some(org)) = (round, org) else {
        return Err(not_found(state));
    };
    match organisation_report(state, &round, org)
        .await
        .map_err(failed)?
    {
        Ok(report) => Ok(report),
        Err(Missing::NotSubmitted) => Err(not_found(state)),
    }
}

#[handler]
pub async fn page(state: Data<&Site>, Path(secret): Path<String>) -> Response {
    match shared_report(&state, &secret).await {
        Ok(report) => match report_html(
            &state.templates,
            &report,
            &format!("/share/{secret}/report.pdf"),
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
pub async fn pdf(state: Data<&Site>, Path(secret): Path<String>) -> Response {
    let report = match shared_report(&state, &secret).await {
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
