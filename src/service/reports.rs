//! Board reports and the national summary: rendering PDFs off the async threads.

use super::error::{ServiceError, ServiceResult};
use crate::report::model::Report;
use crate::report::summary::SummaryReport;

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
