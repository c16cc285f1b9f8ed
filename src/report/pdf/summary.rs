//! The national summary of a round as a landscape A4 PDF: the counts, a table of every
//! group (all organisations, then each kind) by dimension, a chart of the groups' overall
//! scores, and the method. Landscape, because eight score columns and the group's name do not
//! fit a portrait page at a readable size. Like the board report, it lays out what
//! [`SummaryReport`] holds and computes no figure; a suppressed group reads "suppressed" with
//! its reason, never 0.

mod chart;
mod table;

use crate::report::summary::SummaryReport;

use super::PdfError;
use super::back::key_values;
use super::canvas::{Canvas, LEFT, MUTED, NAVY, Orientation, Style};
use super::fonts::{Face, Faces};
use super::format::one_decimal;
use super::tiles::{Layout, Tile, panel};

const ORIENTATION: Orientation = Orientation::Landscape;
/// The same words as the summary's HTML page and the board report's method.
const QUANTILE_RULE: &str = "Quartiles and medians by linear interpolation between order \
                             statistics (Hyndman & Fan type 7, as R, numpy and pandas).";

const TITLE: Style = Style::new(Face::Bold, 20.0, NAVY);
const DETAIL: Style = Style::new(Face::Regular, 9.0, MUTED);

/// Renders the national summary as a landscape A4 PDF. Same summary, same bytes.
pub fn render_summary_pdf(summary: &SummaryReport) -> Result<Vec<u8>, PdfError> {
    let faces = super::fonts::faces()?;
    let mut canvas =
        Canvas::with_orientation(faces, header(faces, summary), footer(summary), ORIENTATION);

    title(&mut canvas, summary);
    counts(&mut canvas, summary);
    table::section(&mut canvas, summary);
    chart::section(&mut canvas, summary);
    canvas.y += 12.0;
    let width = canvas.width();
    key_values(&mut canvas, "Method", &method(summary), width);

    let title = format!(
        "{}: national summary, {}",
        summary.survey_title, summary.round_name
    );
    super::document(canvas, ORIENTATION, &title, "National summary of a round")
}

fn header(faces: &Faces, summary: &SummaryReport) -> Vec<(String, Style)> {
    let first = Style::new(Face::Bold, 8.5, NAVY);
    let context = Style::new(Face::Regular, 7.5, MUTED);
    let name = format!("{} · national summary", summary.survey_title);
    let line = format!(
        "{} ({}) · all organisations and each kind · as at {}",
        summary.round_name, summary.round_code, summary.as_at
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
    format!(
        "Soundings national summary · {} v{} · as at {}",
        summary.survey_slug, summary.survey_version, summary.as_at
    )
}

/// The title and what it covers; the survey's name is also in the header just above.
fn title(canvas: &mut Canvas<'_>, summary: &SummaryReport) {
    let width = canvas.width();
    let title = format!("National summary: {}", summary.round_name);
    canvas.paragraph(LEFT, width, &title, TITLE, 4.0);
    let details = format!(
        "{}, round {}, as at {} · every organisation that submitted a response, in aggregate \
         and by kind of organisation",
        summary.survey_title, summary.round_code, summary.as_at
    );
    canvas.paragraph(LEFT, width, &details, DETAIL, 12.0);
}

/// The headline panel: how many responded, the national median, how many groups are shown.
fn counts(canvas: &mut Canvas<'_>, summary: &SummaryReport) {
    let k = summary.k;
    let rate = match summary.invited {
        0 => "none invited".to_owned(),
        invited => format!(
            "{}% of the organisations invited",
            (100.0 * summary.submitted as f64 / invited as f64).round()
        ),
    };
    let all = summary.rows.first();
    let national = match all.and_then(|row| row.cells.first().cloned().flatten()) {
        Some(cell) => Tile {
            label: "NATIONAL MEDIAN".to_owned(),
            value: Ok(one_decimal(cell.median)),
            note: format!(
                "overall score of all organisations; middle half {}",
                table::quartiles(&cell)
            ),
        },
        None => Tile {
            label: "NATIONAL MEDIAN".to_owned(),
            value: Err("suppressed".to_owned()),
            note: all
                .and_then(|row| row.suppressed_reason.clone())
                .unwrap_or_else(|| "no organisation has an overall score".to_owned()),
        },
    };
    let kinds = summary.rows.get(1..).unwrap_or_default();
    let shown = kinds.iter().filter(|row| row.n.is_some()).count();
    let tiles = [
        Tile {
            label: "RESPONSES".to_owned(),
            value: Ok(format!("{} of {}", summary.submitted, summary.invited)),
            note: format!("submitted of invited: {rate}"),
        },
        national,
        Tile {
            label: "KINDS SHOWN".to_owned(),
            value: Ok(format!("{shown} of {}", kinds.len())),
            note: match kinds.len() - shown {
                0 => "every kind of organisation has enough responses".to_owned(),
                1 => "one kind is suppressed to protect its organisations".to_owned(),
                hidden => format!("{hidden} kinds are suppressed to protect their organisations"),
            },
        },
        Tile {
            label: "DISCLOSURE THRESHOLD".to_owned(),
            value: Ok(format!("k = {k}")),
            note: format!("no figure about fewer than {k} organisations is shown"),
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

fn method(summary: &SummaryReport) -> Vec<(&'static str, String)> {
    let k = summary.k;
    vec![
        (
            "Responses",
            format!(
                "{} of {} invited organisations submitted a response in {}.",
                summary.submitted, summary.invited, summary.round_name
            ),
        ),
        (
            "Groups",
            "All organisations, then each kind of organisation; n is the number of submitted \
             responses in the group."
                .to_owned(),
        ),
        (
            "Disclosure control",
            format!(
                "k = {k}. {} Such groups read “suppressed”, never 0.",
                crate::report::build::disclosure_rule(k, crate::domain::language::Language::En)
            ),
        ),
        ("Quantile rule", QUANTILE_RULE.to_owned()),
        (
            "Scores",
            "From 0 to 100, as computed when each response was submitted.".to_owned(),
        ),
        (
            "Survey",
            format!(
                "{} ({}), version {}",
                summary.survey_title, summary.survey_slug, summary.survey_version
            ),
        ),
        ("Definition SHA-256", summary.sha256.clone()),
        (
            "Round",
            format!("{} ({})", summary.round_name, summary.round_code),
        ),
        ("As at", summary.as_at.clone()),
    ]
}
