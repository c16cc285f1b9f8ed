//! The report and the summary as HTML pages, from the same models as the PDFs.

use super::model::Report;
use super::summary::SummaryReport;
use crate::templates::Templates;
use serde_json::json;

/// A report's HTML page; `pdf_href` is where its "Download the PDF" link points.
pub fn report_html(
    templates: &Templates,
    report: &Report,
    pdf_href: &str,
) -> Result<String, minijinja::Error> {
    templates.render(
        "report/report.html",
        json!({ "r": report, "pdf_href": pdf_href, "lang": report.language.code() }),
    )
}

/// A round's national summary as an HTML page.
pub fn summary_html(
    templates: &Templates,
    summary: &SummaryReport,
    pdf_href: &str,
) -> Result<String, minijinja::Error> {
    templates.render(
        "report/summary.html",
        json!({ "s": summary, "pdf_href": pdf_href, "lang": summary.language.code() }),
    )
}

/// The `Content-Disposition` of a report's PDF: `soundings-{round}-{organisation}.pdf`.
pub fn pdf_file_name(report: &Report) -> String {
    format!(
        "attachment; filename=\"soundings-{}-{}.pdf\"",
        report.round.code, report.organisation.code
    )
}
