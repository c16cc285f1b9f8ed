//! The dimension chart: one 0–100 track per dimension over the maturity level bands, with the
//! peers' middle half and median, and the organisation's own score as a diamond.
//! Vectors only, so it prints sharply and its labels stay text.

use crate::catalogue::{self, plain};
use crate::domain::language::Language;
use crate::report::model::{DimensionResult, LevelBand, Report};

use super::canvas::{Align, Canvas, Colour, INK, LEFT, MUTED, NAVY, RIGHT, Style, WHITE, WIDTH};
use super::fonts::Face;
use super::format::{Footnotes, one_decimal};

const LABEL_W: f32 = 150.0;
const TRACK_X0: f32 = LEFT + LABEL_W + 8.0;
const TRACK_X1: f32 = RIGHT - 42.0;
const MIN_ROW_H: f32 = 26.0;
const MAX_ROW_H: f32 = 36.0;
const LEGEND_H: f32 = 14.0;
const BAND_LABELS_H: f32 = 16.0;
const AXIS_H: f32 = 20.0;

/// Background tints of the level bands, lowest level first: grey shading into blue.
const BAND_TINTS: [Colour; 5] = [
    Colour(0.945, 0.945, 0.95),
    Colour(0.915, 0.93, 0.955),
    Colour(0.88, 0.91, 0.955),
    Colour(0.845, 0.89, 0.955),
    Colour(0.81, 0.87, 0.955),
];
const IQR: Colour = Colour(0.42, 0.58, 0.82);
const MEDIAN: Colour = NAVY;
const YOU: Colour = Colour(0.88, 0.42, 0.08);

const HEADING: Style = Style::new(Face::Bold, 12.5, NAVY);
const INTRO: Style = Style::new(Face::Regular, 8.0, MUTED);
const LABEL: Style = Style::new(Face::Regular, 8.5, INK);
const SMALL: Style = Style::new(Face::Regular, 7.0, MUTED);
const SCORE: Style = Style::new(Face::Bold, 9.5, INK);

fn x_of(score: f64) -> f32 {
    TRACK_X0 + (score.clamp(0.0, 100.0) as f32 / 100.0) * (TRACK_X1 - TRACK_X0)
}

/// The chart section: heading, legend, chart, a guide to reading it and its notes. Rows are
/// as tall as the page allows (between `MIN_ROW_H` and `MAX_ROW_H`), so that a page taken
/// up by a long name still holds the whole chart rather than orphaning its last lines.
pub(super) fn section(canvas: &mut Canvas<'_>, report: &Report, notes: &mut Footnotes) {
    let l = report.language;
    let intro = catalogue::text(
        l,
        "report-chart-intro",
        &[
            ("group", report.peer_group.label.as_str().into()),
            ("n", report.peer_group.n.into()),
        ],
    );
    let labels: Vec<Vec<String>> = report
        .dimensions
        .iter()
        .map(|d| {
            canvas
                .faces()
                .wrap(LABEL.face, LABEL.size, &d.title, LABEL_W)
        })
        .collect();
    let suppressed = report.dimensions.iter().any(|d| d.peers.value.is_none());
    let fixed = HEADING.leading()
        + 2.0
        + canvas.wrapped_height(WIDTH, &intro, INTRO)
        + 8.0
        + LEGEND_H
        + BAND_LABELS_H
        + AXIS_H
        + canvas.wrapped_height(WIDTH, &plain(l, "report-chart-guide"), INTRO)
        + if suppressed { 24.0 } else { 0.0 };
    let row_floor = |row_h: f32| -> Vec<f32> {
        labels
            .iter()
            .map(|lines| row_h.max(lines.len() as f32 * 10.0 + 10.0))
            .collect()
    };
    canvas.ensure(fixed + row_floor(MIN_ROW_H).iter().sum::<f32>());
    let spare = canvas.room() - fixed;
    let row_h = (spare / labels.len().max(1) as f32).clamp(MIN_ROW_H, MAX_ROW_H);
    let heights = row_floor(row_h);

    canvas.paragraph(LEFT, WIDTH, &plain(l, "report-chart-heading"), HEADING, 2.0);
    canvas.paragraph(LEFT, WIDTH, &intro, INTRO, 8.0);
    legend(canvas, l);
    canvas.y += LEGEND_H;
    band_labels(canvas, &report.levels, l);
    canvas.y += BAND_LABELS_H;

    let top = canvas.y;
    bands(canvas, &report.levels, top, heights.iter().sum());
    let mut row_top = top;
    for ((dimension, lines), height) in report.dimensions.iter().zip(&labels).zip(heights) {
        row(canvas, dimension, lines, row_top, height, notes, l);
        row_top += height;
    }
    axis(canvas, &report.levels, row_top);
    canvas.y = row_top + AXIS_H;
    canvas.paragraph(LEFT, WIDTH, &plain(l, "report-chart-guide"), INTRO, 4.0);
    notes.flush(canvas);
}

fn legend(canvas: &mut Canvas<'_>, l: Language) {
    let baseline = canvas.y + 8.0;
    let mid = baseline - 2.5;
    let mut x = TRACK_X0;
    let label = |canvas: &mut Canvas<'_>, x: &mut f32, text: &str| {
        canvas.text(*x, baseline, text, SMALL, Align::Left);
        *x += canvas.faces().width(SMALL.face, SMALL.size, text) + 12.0;
    };
    diamond(canvas, x + 4.0, mid, 4.0);
    x += 11.0;
    label(canvas, &mut x, &plain(l, "report-chart-you"));
    canvas.rect(x + 3.0, mid - 3.0, 8.0, 6.0, IQR);
    x += 18.0;
    label(canvas, &mut x, &plain(l, "report-chart-iqr"));
    canvas.line((x + 1.0, mid - 4.5), (x + 1.0, mid + 4.5), 1.6, MEDIAN);
    x += 6.0;
    label(canvas, &mut x, &plain(l, "report-chart-median"));
}

fn band_labels(canvas: &mut Canvas<'_>, levels: &[LevelBand], l: Language) {
    let baseline = canvas.y + 10.0;
    for (i, level) in levels.iter().enumerate() {
        let (from, to) = band_span(levels, i);
        let room = x_of(to) - x_of(from) - 4.0;
        let mut style = SMALL;
        while style.size > 5.0 && canvas.faces().width(style.face, style.size, &level.name) > room {
            style.size -= 0.5;
        }
        let centre = (x_of(from) + x_of(to)) / 2.0;
        canvas.text(centre, baseline, &level.name, style, Align::Centre);
    }
    canvas.text(
        RIGHT,
        baseline,
        &plain(l, "report-chart-score"),
        SMALL,
        Align::Right,
    );
}

fn band_span(levels: &[LevelBand], i: usize) -> (f64, f64) {
    let from = levels.get(i).map_or(0.0, |l| l.min_score);
    let to = levels.get(i + 1).map_or(100.0, |l| l.min_score);
    (from, to)
}

fn bands(canvas: &mut Canvas<'_>, levels: &[LevelBand], top: f32, height: f32) {
    for (i, _) in levels.iter().enumerate() {
        let (from, to) = band_span(levels, i);
        let tint = BAND_TINTS[i.min(BAND_TINTS.len() - 1)];
        canvas.rect(x_of(from), top, x_of(to) - x_of(from), height, tint);
    }
}

fn row(
    canvas: &mut Canvas<'_>,
    dimension: &DimensionResult,
    lines: &[String],
    top: f32,
    height: f32,
    notes: &mut Footnotes,
    l: Language,
) {
    let mid = top + height / 2.0;
    if top > canvas.y {
        canvas.line((TRACK_X0, top), (TRACK_X1, top), 1.0, WHITE);
    }
    let first_baseline = mid - (lines.len() as f32 - 1.0) * 5.0 + 3.0;
    for (i, line) in lines.iter().enumerate() {
        canvas.text(
            LEFT,
            first_baseline + i as f32 * 10.0,
            line,
            LABEL,
            Align::Left,
        );
    }

    match (&dimension.peers.value, &dimension.peers.suppressed_reason) {
        (Some(peers), _) => {
            let (q1, q3) = (x_of(peers.q1), x_of(peers.q3));
            canvas.rect(q1, mid - 4.5, (q3 - q1).max(1.0), 9.0, IQR);
            let m = x_of(peers.median);
            canvas.line((m, mid - 8.0), (m, mid + 8.0), 1.8, MEDIAN);
        }
        (None, reason) => {
            let withheld = plain(l, "report-withheld");
            let mark = notes.mark(reason.as_deref().unwrap_or(&withheld));
            let text = format!("{}{mark}", plain(l, "report-peer-figures-suppressed"));
            // Written on the side of the track away from the diamond, so they never meet.
            if dimension.score >= 50.0 {
                canvas.text(x_of(3.0), mid + 2.5, &text, SMALL, Align::Left);
            } else {
                canvas.text(x_of(97.0), mid + 2.5, &text, SMALL, Align::Right);
            }
        }
    }
    diamond(canvas, x_of(dimension.score), mid, 6.0);
    let score = one_decimal(dimension.score);
    canvas.text(RIGHT, mid + 3.3, &score, SCORE, Align::Right);
}

fn diamond(canvas: &mut Canvas<'_>, x: f32, y: f32, r: f32) {
    let points = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)];
    canvas.polygon(&points, YOU, Some((WHITE, 0.8)));
}

fn axis(canvas: &mut Canvas<'_>, levels: &[LevelBand], bottom: f32) {
    let mut ticks: Vec<f64> = levels.iter().map(|l| l.min_score).collect();
    ticks.push(100.0);
    for tick in ticks {
        let x = x_of(tick);
        canvas.line((x, bottom), (x, bottom + 3.0), 0.6, MUTED);
        canvas.text(
            x,
            bottom + 11.0,
            &format!("{tick:.0}"),
            SMALL,
            Align::Centre,
        );
    }
}
