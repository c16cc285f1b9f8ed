//! The summary's chart: one 0–100 track per group with the middle half of its organisations'
//! overall scores (Q1–Q3) as a bar and the median as a tick, figures at the right. A
//! suppressed group's track holds its reason instead. Vectors only, so labels stay text.

use crate::catalogue::{self, plain};
use crate::domain::language::Language;
use crate::report::summary::{SummaryCell, SummaryReport, SummaryRow};

use super::super::canvas::{Align, Canvas, Colour, INK, LEFT, MUTED, NAVY, Style, WHITE};
use super::super::fonts::Face;
use super::super::format::one_decimal;

const LABEL_W: f32 = 150.0;
/// Room at the right for the median and the quartiles as figures.
const FIGURES_W: f32 = 118.0;
const ROW_H: f32 = 22.0;
/// The legend, with the heads of the figures' columns on the same line.
const LEGEND_H: f32 = 16.0;
const AXIS_H: f32 = 24.0;

const TRACK: Colour = Colour(0.93, 0.94, 0.955);
const IQR: Colour = Colour(0.42, 0.58, 0.82);
const MEDIAN: Colour = NAVY;

const HEADING: Style = Style::new(Face::Bold, 12.5, NAVY);
const INTRO: Style = Style::new(Face::Regular, 8.0, MUTED);
const LABEL: Style = Style::new(Face::Regular, 8.5, INK);
const LABEL_ALL: Style = Style::new(Face::Bold, 8.5, INK);
const SMALL: Style = Style::new(Face::Regular, 7.0, MUTED);
const FIGURE: Style = Style::new(Face::Bold, 9.0, INK);

struct Track {
    x0: f32,
    x1: f32,
}

impl Track {
    fn x(&self, score: f64) -> f32 {
        self.x0 + (score.clamp(0.0, 100.0) as f32 / 100.0) * (self.x1 - self.x0)
    }
}

/// The chart with its heading: kept whole on one page when it fits on one, otherwise
/// continued on the next page with its legend and axis repeated.
pub(super) fn section(canvas: &mut Canvas<'_>, summary: &SummaryReport) {
    let width = canvas.width();
    let l = summary.language;
    let intro = &plain(l, "summary-chart-intro");
    let opening = HEADING.leading() + 2.0 + canvas.wrapped_height(width, intro, INTRO) + 8.0;
    let frame = LEGEND_H + AXIS_H;
    let whole = opening + frame + ROW_H * summary.rows.len() as f32;
    // At least the heading and a few rows together.
    let first = opening + frame + ROW_H * summary.rows.len().min(3) as f32;
    canvas.ensure(if whole <= canvas.full_room() {
        whole
    } else {
        first
    });
    canvas.paragraph(
        LEFT,
        width,
        &plain(l, "summary-chart-heading"),
        HEADING,
        2.0,
    );
    canvas.paragraph(LEFT, width, intro, INTRO, 8.0);

    let track = Track {
        x0: LEFT + LABEL_W + 10.0,
        x1: canvas.right() - FIGURES_W,
    };
    let mut rows: Vec<(usize, &SummaryRow)> = summary.rows.iter().enumerate().collect();
    while !rows.is_empty() {
        let fits = ((canvas.room() - frame) / ROW_H).floor().max(1.0) as usize;
        let rest = rows.split_off(fits.min(rows.len()));
        part(canvas, &track, &rows);
        rows = rest;
        if !rows.is_empty() {
            canvas.new_page();
        }
    }
}

/// The legend and the figures' column heads, some rows and the axis beneath them.
fn part(canvas: &mut Canvas<'_>, track: &Track, rows: &[(usize, &SummaryRow)]) {
    let right = canvas.right();
    legend(canvas, track, canvas.language);
    let heads = canvas.y + 8.0;
    let median = plain(canvas.language, "summary-chart-median");
    canvas.text(right - 64.0, heads, &median, SMALL, Align::Right);
    canvas.text(right, heads, "Q1–Q3", SMALL, Align::Right);
    canvas.y += LEGEND_H;

    let top = canvas.y;
    let bottom = top + ROW_H * rows.len() as f32;
    canvas.rect(track.x0, top, track.x1 - track.x0, bottom - top, TRACK);
    for tick in [20.0, 40.0, 60.0, 80.0] {
        let x = track.x(tick);
        canvas.line((x, top), (x, bottom), 1.0, WHITE);
    }
    for (i, (index, row)) in rows.iter().enumerate() {
        let row_top = top + i as f32 * ROW_H;
        if i > 0 {
            canvas.line((track.x0, row_top), (track.x1, row_top), 1.0, WHITE);
        }
        let l = canvas.language;
        draw_row(canvas, track, row, *index == 0, row_top + ROW_H / 2.0, l);
    }
    axis(canvas, track, bottom);
    canvas.y = bottom + AXIS_H;
}

fn legend(canvas: &mut Canvas<'_>, track: &Track, l: Language) {
    let baseline = canvas.y + 8.0;
    let mid = baseline - 2.5;
    let mut x = track.x0;
    canvas.rect(x, mid - 3.0, 12.0, 6.0, IQR);
    x += 16.0;
    let text = &plain(l, "summary-chart-iqr");
    canvas.text(x, baseline, text, SMALL, Align::Left);
    x += canvas.faces().width(SMALL.face, SMALL.size, text) + 14.0;
    canvas.line((x + 1.0, mid - 4.5), (x + 1.0, mid + 4.5), 1.8, MEDIAN);
    canvas.text(
        x + 6.0,
        baseline,
        &plain(l, "summary-chart-median"),
        SMALL,
        Align::Left,
    );
}

fn draw_row(
    canvas: &mut Canvas<'_>,
    track: &Track,
    row: &SummaryRow,
    all: bool,
    mid: f32,
    l: Language,
) {
    let baseline = mid + 3.0;
    let label = if all { LABEL_ALL } else { LABEL };
    let n = row.n.map(|n| format!("n = {n}"));
    let n_width = n.as_deref().map_or(0.0, |n| {
        canvas.faces().width(SMALL.face, SMALL.size, n) + 6.0
    });
    // A name too long for the room left by n is cut short rather than let into the track.
    let name = fitted(canvas, &row.label, label, LABEL_W - n_width);
    canvas.text(LEFT, baseline, &name, label, Align::Left);
    if let Some(n) = &n {
        canvas.text(LEFT + LABEL_W, baseline, n, SMALL, Align::Right);
    }
    let right = canvas.right();
    match (row.n, row.cells.first().and_then(Option::as_ref)) {
        (Some(_), Some(cell)) => bar(canvas, track, cell, mid, right),
        (Some(_), None) => {
            canvas.text(
                track.x0 + 6.0,
                mid + 2.5,
                &plain(l, "summary-no-overall-scores"),
                SMALL,
                Align::Left,
            );
        }
        (None, _) => {
            let text = match &row.suppressed_reason {
                Some(reason) => catalogue::text(
                    l,
                    "summary-suppressed-because",
                    &[("reason", reason.as_str().into())],
                ),
                None => plain(l, "report-suppressed"),
            };
            let text = fitted(canvas, &text, SMALL, track.x1 - track.x0 - 12.0);
            canvas.text(track.x0 + 6.0, mid + 2.5, &text, SMALL, Align::Left);
        }
    }
}

fn bar(canvas: &mut Canvas<'_>, track: &Track, cell: &SummaryCell, mid: f32, right: f32) {
    let (q1, q3) = (track.x(cell.q1), track.x(cell.q3));
    canvas.rect(q1, mid - 4.5, (q3 - q1).max(1.0), 9.0, IQR);
    let m = track.x(cell.median);
    canvas.line((m, mid - 7.5), (m, mid + 7.5), 1.8, MEDIAN);
    let median = one_decimal(cell.median);
    canvas.text(right - 64.0, mid + 3.2, &median, FIGURE, Align::Right);
    let quartiles = format!("{}–{}", one_decimal(cell.q1), one_decimal(cell.q3));
    canvas.text(right, mid + 3.0, &quartiles, SMALL, Align::Right);
}

fn axis(canvas: &mut Canvas<'_>, track: &Track, bottom: f32) {
    for tick in [0.0, 20.0, 40.0, 60.0, 80.0, 100.0] {
        let x = track.x(tick);
        canvas.line((x, bottom), (x, bottom + 3.0), 0.6, MUTED);
        canvas.text(
            x,
            bottom + 11.0,
            &format!("{tick:.0}"),
            SMALL,
            Align::Centre,
        );
    }
    let centre = (track.x0 + track.x1) / 2.0;
    let label = plain(canvas.language, "summary-overall-score");
    canvas.text(centre, bottom + 21.0, &label, SMALL, Align::Centre);
}

/// `text` as it fits in `width`, ended with "…" when cut.
fn fitted(canvas: &Canvas<'_>, text: &str, style: Style, width: f32) -> String {
    let faces = canvas.faces();
    if faces.width(style.face, style.size, text) <= width {
        return text.to_owned();
    }
    let mut cut = String::new();
    for c in text.chars() {
        cut.push(c);
        if faces.width(style.face, style.size, &format!("{cut}…")) > width {
            cut.pop();
            break;
        }
    }
    format!("{}…", cut.trim_end())
}
