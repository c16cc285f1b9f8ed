//! The results table: one row per dimension with the organisation's score and level and the
//! peers' figures. A withheld figure reads "suppressed" with a numbered note, never 0.
//!
//! The row, header and stripe drawing below takes its columns as an argument, so the
//! national summary's table (see [`super::summary`]) is drawn by the same code.

use crate::catalogue::{self, plain};
use crate::domain::language::Language;
use crate::report::model::{DimensionResult, Report};

use super::canvas::{Align, Canvas, Colour, INK, LEFT, MUTED, NAVY, RULE, Style, WIDTH};
use super::fonts::Face;
use super::format::{Footnotes, one_decimal, signed};

const HEADING: Style = Style::new(Face::Bold, 12.5, NAVY);
pub(super) const HEAD: Style = Style::new(Face::Bold, 7.5, MUTED);
pub(super) const CELL: Style = Style::new(Face::Regular, 8.5, INK);
const CELL_STRONG: Style = Style::new(Face::Bold, 8.5, INK);
pub(super) const WITHHELD: Style = Style::new(Face::Regular, 7.5, MUTED);
const NOTE: Style = Style::new(Face::Regular, 7.5, MUTED);
const STRIPE: Colour = Colour(0.955, 0.962, 0.975);
const PAD: f32 = 5.0;

pub(super) struct Column<'a> {
    pub(super) title: &'a str,
    pub(super) width: f32,
    pub(super) align: Align,
}

/// The columns, titled by catalogue key (looked up in the report's language by `columns`).
const COLUMNS: [Column<'static>; 7] = [
    Column {
        title: "report-col-dimension",
        width: 146.0,
        align: Align::Left,
    },
    Column {
        title: "report-col-score",
        width: 42.0,
        align: Align::Right,
    },
    Column {
        title: "report-col-level",
        width: 78.0,
        align: Align::Left,
    },
    Column {
        title: "report-col-median",
        width: 58.0,
        align: Align::Right,
    },
    Column {
        title: "report-col-iqr",
        width: 70.0,
        align: Align::Right,
    },
    Column {
        title: "report-col-quartile",
        width: 60.0,
        align: Align::Right,
    },
    Column {
        title: "report-col-change",
        width: 45.0,
        align: Align::Right,
    },
];

/// The text of one cell: one or more runs stacked one under the other, each wrapped to the
/// column (a median with its quartiles beneath, say).
pub(super) type Cell = Vec<(String, Style)>;

pub(super) fn results(canvas: &mut Canvas<'_>, report: &Report, notes: &mut Footnotes) {
    canvas.ensure(80.0);
    let l = report.language;
    canvas.paragraph(
        LEFT,
        WIDTH,
        &plain(l, "report-results-heading"),
        HEADING,
        2.0,
    );
    let intro = catalogue::text(
        l,
        "report-results-intro",
        &[
            ("group", report.peer_group.label.as_str().into()),
            ("n", report.peer_group.n.into()),
        ],
    );
    let titles: Vec<String> = COLUMNS.iter().map(|c| plain(l, c.title)).collect();
    let columns: Vec<Column<'_>> = COLUMNS
        .iter()
        .zip(&titles)
        .map(|(c, title)| Column { title, ..*c })
        .collect();
    canvas.paragraph(LEFT, WIDTH, &intro, NOTE, 8.0);

    head_row(canvas, &columns);
    let mut missing_change = false;
    for (i, dimension) in report.dimensions.iter().enumerate() {
        missing_change |= dimension.change_since_last.is_none();
        let cells = cells(dimension, notes, l);
        let height = row_height(canvas, &columns, &cells);
        let page = canvas.page();
        canvas.ensure(height);
        if canvas.page() != page {
            head_row(canvas, &columns);
        }
        draw_row(canvas, &columns, &cells, height, i % 2 == 1);
    }
    canvas.y += 6.0;
    notes.flush(canvas);
    if missing_change {
        let note = match &report.round.previous_round {
            Some(previous) => catalogue::text(
                l,
                "report-no-response-compare",
                &[("round", previous.as_str().into())],
            ),
            None => plain(l, "report-no-earlier-round"),
        };
        canvas.paragraph(LEFT, WIDTH, &note, NOTE, 1.0);
    }
    canvas.y += 16.0;
}

fn cells(d: &DimensionResult, notes: &mut Footnotes, l: Language) -> Vec<Cell> {
    let mut withheld = |reason: &Option<String>| -> (String, Style) {
        let mark = notes.mark(reason.as_deref().unwrap_or(&plain(l, "report-withheld")));
        (format!("{}{mark}", plain(l, "report-suppressed")), WITHHELD)
    };
    let (median, iqr) = match &d.peers.value {
        Some(p) => (
            (one_decimal(p.median), CELL),
            (format!("{}–{}", one_decimal(p.q1), one_decimal(p.q3)), CELL),
        ),
        None => (
            withheld(&d.peers.suppressed_reason),
            withheld(&d.peers.suppressed_reason),
        ),
    };
    let quartile = match d.quartile.value {
        Some(q) => (format!("Q{q}"), CELL),
        None => withheld(&d.quartile.suppressed_reason),
    };
    let change = (d.change_since_last.map_or("—".to_owned(), signed), CELL);
    [
        (d.title.clone(), CELL),
        (one_decimal(d.score), CELL_STRONG),
        (d.level_name.clone(), CELL),
        median,
        iqr,
        quartile,
        change,
    ]
    .into_iter()
    .map(|run| vec![run])
    .collect()
}

/// The height of a row of `cells` under `columns`, padding included.
pub(super) fn row_height(canvas: &Canvas<'_>, columns: &[Column<'_>], cells: &[Cell]) -> f32 {
    let tallest = columns
        .iter()
        .zip(cells)
        .map(|(column, runs)| {
            runs.iter()
                .map(|(text, style)| canvas.wrapped_height(column.width - 2.0 * PAD, text, *style))
                .sum::<f32>()
        })
        .fold(0.0, f32::max);
    tallest + 8.0
}

/// Draws a row at the cursor, from [`LEFT`], and moves the cursor below it.
pub(super) fn draw_row(
    canvas: &mut Canvas<'_>,
    columns: &[Column<'_>],
    cells: &[Cell],
    height: f32,
    striped: bool,
) {
    let top = canvas.y;
    if striped {
        canvas.rect(LEFT, top, table_width(columns), height, STRIPE);
    }
    let mut x = LEFT;
    for (column, runs) in columns.iter().zip(cells) {
        let inner = column.width - 2.0 * PAD;
        let mut run_top = top + 4.0;
        for (i, (text, style)) in runs.iter().enumerate() {
            // Smaller text (a "suppressed" note) shares the first baseline of the row.
            let shift = if i == 0 {
                CELL.baseline(0.0) - style.baseline(0.0)
            } else {
                0.0
            };
            run_top =
                canvas.wrapped(x + PAD, run_top + shift, inner, text, *style, column.align) - shift;
        }
        x += column.width;
    }
    canvas.y = top + height;
}

/// The column titles at the cursor, ruled off beneath; on a new page if too few rows would
/// follow them on this one.
pub(super) fn head_row(canvas: &mut Canvas<'_>, columns: &[Column<'_>]) {
    let cells: Vec<Cell> = columns
        .iter()
        .map(|c| vec![(c.title.to_owned(), HEAD)])
        .collect();
    let height = row_height(canvas, columns, &cells);
    canvas.ensure(height + 40.0);
    let top = canvas.y;
    let mut x = LEFT;
    for (column, runs) in columns.iter().zip(&cells) {
        let inner = column.width - 2.0 * PAD;
        for (text, style) in runs {
            canvas.wrapped(x + PAD, top + 4.0, inner, text, *style, column.align);
        }
        x += column.width;
    }
    canvas.y = top + height;
    let right = LEFT + table_width(columns);
    canvas.line((LEFT, canvas.y), (right, canvas.y), 0.8, RULE);
}

fn table_width(columns: &[Column<'_>]) -> f32 {
    columns.iter().map(|c| c.width).sum()
}
