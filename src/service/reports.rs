//! Board reports and the national summary: the models, looked up by the codes front ends are
//! given, and their PDFs, rendered off the async threads.

use super::benchmarks::{organisation_report, round_summary};
use super::error::{ServiceError, ServiceResult};
use super::records::{Organisation, Round};
use super::{Services, organisations, rounds};
use crate::domain::language::Language;
use crate::report::model::Report;
use crate::report::summary::SummaryReport;

/// The report of the organisation coded `organisation` in the round coded `round`: not found
/// when either does not exist or the organisation has not submitted in the round. In
/// `language` when the survey version offers it, English otherwise.
pub async fn report(
    services: &Services,
    round: &str,
    organisation: &str,
    language: Language,
) -> ServiceResult<Report> {
    let round = rounds::find(services, round).await?;
    let organisation = organisations::find(services, organisation).await?;
    report_of(services, &round, organisation, language).await
}

/// The report of `organisation` in `round`, or not found when it has not submitted there.
pub(super) async fn report_of(
    services: &Services,
    round: &Round,
    organisation: Organisation,
    language: Language,
) -> ServiceResult<Report> {
    let code = organisation.code.clone();
    organisation_report(services, round, organisation, language)
        .await?
        .map_err(|missing| missing.error(&code, round))
}

/// The national summary of the round coded `round`, in `language` when the version offers it.
pub async fn summary(
    services: &Services,
    round: &str,
    language: Language,
) -> ServiceResult<SummaryReport> {
    let round = rounds::find(services, round).await?;
    Ok(round_summary(services, &round, language).await?)
}

/// Renders a report's PDF off the async threads (layout is CPU work).
pub async fn report_pdf(report: Report) -> ServiceResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || crate::report::pdf::render_pdf(&report))
        .await
        .map_err(|e| ServiceError::internal(format!("PDF task failed: {e}")))?
        .map_err(|e| ServiceError::internal(format!("PDF rendering failed: {e}")))
}

/// Renders a national summary's PDF off the async threads.
pub async fn summary_pdf(summary: SummaryReport) -> ServiceResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || crate::report::pdf::render_summary_pdf(&summary))
        .await
        .map_err(|e| ServiceError::internal(format!("PDF task failed: {e}")))?
        .map_err(|e| ServiceError::internal(format!("PDF rendering failed: {e}")))
}
