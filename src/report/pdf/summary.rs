//! The national summary of a round as a landscape A4 PDF: the counts, a table of every
//! group (all organisations, then each kind) by dimension, a chart of the groups' overall
//! scores, and the method. Landscape, because eight score columns and the group's name do not
//! fit a portrait page at a readable size. Like the board report, it lays out what
//! [`SummaryReport`] holds and computes no figure; a suppressed group reads "suppressed" with
//! its reason, never 0.

mod chart;
mod table;

use crate::catalogue::{self, Arg, plain};
use crate::report::summary::SummaryReport;

use super::PdfError;
use super::back::key_values;
use super::canvas::{Canvas, LEFT, MUTED, NAVY, Orientation, Style};
use super::fonts::{Face, Faces};
use super::format::one_decimal;
use super::tiles::{Layout, Tile, panel};

const ORIENTATION: Orientation = Orientation::Landscape;

const TITLE: Style = Style::new(Face::Bold, 20.0, NAVY);
const DETAIL: Style = Style::new(Face::Regular, 9.0, MUTED);

/// Renders the national summary as a landscape A4 PDF. Same summary, same bytes.
pub fn render_summary_pdf(summary: &SummaryReport) -> Result<Vec<u8>, PdfError> {
    let faces = super::fonts::faces()?;
    let mut canvas =
        Canvas::with_orientation(faces, header(faces, summary), footer(summary), ORIENTATION);
    canvas.language = summary.language;
    let l = summary.language;

    title(&mut canvas, summary);
    counts(&mut canvas, summary);
    table::section(&mut canvas, summary);
    chart::section(&mut canvas, summary);
    canvas.y += 12.0;
    let width = canvas.width();
    let method = method(summary);
    let method: Vec<(&str, String)> = method
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    key_values(
        &mut canvas,
        &plain(l, "report-method-heading"),
        &method,
        width,
    );
    let title = catalogue::text(
        l,
        "summary-doc-title",
        &[
            ("survey", summary.survey_title.as_str().into()),
            ("round", summary.round_name.as_str().into()),
        ],
    );
    super::document(canvas, ORIENTATION, &title, &plain(l, "summary-subject"))
}

fn header(faces: &Faces, summary: &SummaryReport) -> Vec<(String, Style)> {
    let first = Style::new(Face::Bold, 8.5, NAVY);
    let context = Style::new(Face::Regular, 7.5, MUTED);
    let l = summary.language;
    let name = catalogue::text(
        l,
        "summary-header-name",
        &[("survey", summary.survey_title.as_str().into())],
    );
    let line = catalogue::text(
        l,
        "summary-header-line",
        &[
            ("round", summary.round_name.as_str().into()),
            ("code", summary.round_code.as_str().into()),
            ("date", summary.as_at.as_str().into()),
        ],
    );
    let width = ORIENTATION.text_width();
    let mut lines = Vec::new();
    for (text, style) in [(&name, first), (&line, context)] {
        for wrapped in faces.wrap(style.face, style.size, text, width) {
            lines.push((wrapped, style));
        }
    }
    lines
}

fn footer(summary: &SummaryReport) -> String {
    catalogue::text(
        summary.language,
        "summary-footer",
        &[
            ("survey", summary.survey_slug.as_str().into()),
            ("version", i64::from(summary.survey_version).into()),
            ("date", summary.as_at.as_str().into()),
        ],
    )
}

/// The title and what it covers; the survey's name is also in the header just above.
fn title(canvas: &mut Canvas<'_>, summary: &SummaryReport) {
    let width = canvas.width();
    let l = summary.language;
    let title = catalogue::text(
        l,
        "summary-title",
        &[("round", summary.round_name.as_str().into())],
    );
    canvas.paragraph(LEFT, width, &title, TITLE, 4.0);
    let details = catalogue::text(
        l,
        "summary-details",
        &[
            ("survey", summary.survey_title.as_str().into()),
            ("code", summary.round_code.as_str().into()),
            ("date", summary.as_at.as_str().into()),
        ],
    );
    canvas.paragraph(LEFT, width, &details, DETAIL, 12.0);
}

/// The headline panel: how many responded, the national median, how many groups are shown.
fn counts(canvas: &mut Canvas<'_>, summary: &SummaryReport) {
    let k = summary.k;
    let l = summary.language;
    let t = |key: &str, args: &[(&str, Arg)]| catalogue::text(l, key, args);
    let rate = match summary.invited {
        0 => plain(l, "summary-none-invited"),
        invited => t(
            "summary-rate",
            &[(
                "percent",
                (100.0 * summary.submitted as f64 / invited as f64)
                    .round()
                    .into(),
            )],
        ),
    };
    let all = summary.rows.first();
    let national = match all.and_then(|row| row.cells.first().cloned().flatten()) {
        Some(cell) => Tile {
            label: plain(l, "summary-tile-median"),
            value: Ok(one_decimal(cell.median)),
            note: t(
                "summary-tile-median-note",
                &[("quartiles", table::quartiles(&cell).into())],
            ),
        },
        None => Tile {
            label: plain(l, "summary-tile-median"),
            value: Err(plain(l, "report-suppressed")),
            note: all
                .and_then(|row| row.suppressed_reason.clone())
                .unwrap_or_else(|| plain(l, "summary-no-overall")),
        },
    };
    let kinds = summary.rows.get(1..).unwrap_or_default();
    let shown = kinds.iter().filter(|row| row.n.is_some()).count();
    let tiles = [
        Tile {
            label: plain(l, "summary-tile-responses"),
            value: Ok(t(
                "summary-of",
                &[
                    ("part", summary.submitted.into()),
                    ("whole", summary.invited.into()),
                ],
            )),
            note: t("summary-tile-responses-note", &[("rate", rate.into())]),
        },
        national,
        Tile {
            label: plain(l, "summary-tile-kinds"),
            value: Ok(t(
                "summary-of",
                &[("part", shown.into()), ("whole", kinds.len().into())],
            )),
            note: match kinds.len() - shown {
                0 => plain(l, "summary-kinds-all"),
                1 => plain(l, "summary-kinds-one"),
                hidden => t("summary-kinds-some", &[("hidden", hidden.into())]),
            },
        },
        Tile {
            label: plain(l, "summary-tile-threshold"),
            value: Ok(format!("k = {k}")),
            note: t("summary-threshold-note", &[("k", k.into())]),
        },
    ];

    let layout = Layout {
        width: canvas.width(),
        height: 76.0,
        padding: 12.0,
        value_y: 42.0,
        withheld_y: 39.0,
        note_y: 50.0,
        after: 14.0,
    };
    panel(canvas, &tiles, &layout);
}

fn method(summary: &SummaryReport) -> Vec<(String, String)> {
    let k = summary.k;
    let l = summary.language;
    let t = |key: &str, args: &[(&str, Arg)]| catalogue::text(l, key, args);
    vec![
        (
            plain(l, "summary-method-responses"),
            t(
                "summary-method-responses-value",
                &[
                    ("submitted", summary.submitted.into()),
                    ("invited", summary.invited.into()),
                    ("round", summary.round_name.as_str().into()),
                ],
            ),
        ),
        (
            plain(l, "summary-method-groups"),
            plain(l, "summary-method-groups-value"),
        ),
        (
            plain(l, "summary-method-disclosure"),
            t(
                "summary-method-disclosure-value",
                &[
                    ("k", k.into()),
                    ("rule", crate::report::build::disclosure_rule(k, l).into()),
                ],
            ),
        ),
        (
            plain(l, "report-method-quantile"),
            format!("{}.", plain(l, "report-quantile-rule")),
        ),
        (
            plain(l, "summary-method-scores"),
            plain(l, "summary-method-scores-value"),
        ),
        (
            plain(l, "report-method-survey"),
            t(
                "report-method-survey-value",
                &[
                    ("title", summary.survey_title.as_str().into()),
                    ("slug", summary.survey_slug.as_str().into()),
                    ("version", i64::from(summary.survey_version).into()),
                ],
            ),
        ),
        (plain(l, "report-method-sha"), summary.sha256.clone()),
        (
            plain(l, "report-method-round"),
            format!("{} ({})", summary.round_name, summary.round_code),
        ),
        (plain(l, "report-method-as-at"), summary.as_at.clone()),
    ]
}
