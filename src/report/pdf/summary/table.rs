//! The summary's table: one row per group (all organisations, then each kind), one column
//! per dimension with the overall score first. A cell is the group's median with its
//! quartiles beneath; a suppressed group's row is its name and the reason across the figures.
//! Drawn with the board report's table helpers.

use crate::catalogue::{self, plain};
use crate::domain::language::Language;
use crate::report::summary::{SummaryCell, SummaryReport, SummaryRow};

use super::super::canvas::{Align, Canvas, INK, LEFT, MUTED, NAVY, RULE, Style};
use super::super::fonts::Face;
use super::super::format::one_decimal;
use super::super::table::{CELL, Cell, Column, HEAD, WITHHELD, draw_row, head_row, row_height};

const HEADING: Style = Style::new(Face::Bold, 12.5, NAVY);
const INTRO: Style = Style::new(Face::Regular, 8.0, MUTED);
const MEDIAN: Style = Style::new(Face::Bold, 8.5, INK);
const QUARTILES: Style = Style::new(Face::Regular, 7.0, MUTED);
const GROUP: Style = CELL;
const GROUP_ALL: Style = Style::new(Face::Bold, 8.5, INK);

const GROUP_W: f32 = 128.0;
const N_W: f32 = 38.0;
/// Padding either side of a cell's text (as in the table module).
const PAD: f32 = 5.0;

/// The table of groups by dimension: each cell the median, the quartiles beneath.
pub(super) fn section(canvas: &mut Canvas<'_>, summary: &SummaryReport) {
    let width = canvas.width();
    canvas.ensure(120.0);
    let l = summary.language;
    canvas.paragraph(
        LEFT,
        width,
        &plain(l, "summary-table-heading"),
        HEADING,
        2.0,
    );
    let intro = catalogue::text(l, "summary-table-intro", &[("k", summary.k.into())]);
    let group_title = plain(l, "summary-col-group");
    canvas.paragraph(LEFT, width, &intro, INTRO, 8.0);

    let column_w = (width - GROUP_W - N_W) / summary.columns.len().max(1) as f32;
    let mut columns = vec![
        Column {
            title: &group_title,
            width: GROUP_W,
            align: Align::Left,
        },
        Column {
            title: "n",
            width: N_W,
            align: Align::Right,
        },
    ];
    let fit = titles_fit(canvas, &summary.columns, column_w);
    // The first column, the overall score, keeps its title; the dimensions become D1, D2...
    let short: Vec<String> = summary
        .columns
        .iter()
        .enumerate()
        .map(|(i, title)| match i {
            0 => title.clone(),
            _ => format!("D{i}"),
        })
        .collect();
    let titles = if fit { &summary.columns } else { &short };
    columns.extend(titles.iter().map(|title| Column {
        title,
        width: column_w,
        align: Align::Centre,
    }));
    // A suppressed group's row: its name, then its reason across the figures' columns.
    let spanned = [
        Column {
            title: "",
            width: GROUP_W,
            align: Align::Left,
        },
        Column {
            title: "",
            width: width - GROUP_W,
            align: Align::Left,
        },
    ];

    let rule_x = LEFT + GROUP_W + N_W + column_w;
    head(canvas, &columns, rule_x);
    let quartiles = quartile_style(canvas, summary, column_w);
    let mut empty = false;
    for (i, row) in summary.rows.iter().enumerate() {
        let label_style = if i == 0 { GROUP_ALL } else { GROUP };
        let label = vec![(row.label.clone(), label_style)];
        let (cells, layout): (Vec<Cell>, &[Column<'_>]) = match row.n {
            Some(n) => {
                let mut cells = vec![label, vec![(n.to_string(), CELL)]];
                empty |= row.cells.iter().any(Option::is_none);
                cells.extend(row.cells.iter().map(|cell| figures(cell, quartiles)));
                (cells, &columns)
            }
            None => (vec![label, withheld(row, l)], &spanned),
        };
        let height = row_height(canvas, layout, &cells);
        let page = canvas.page();
        canvas.ensure(height);
        if canvas.page() != page {
            head(canvas, &columns, rule_x);
        }
        let top = canvas.y;
        draw_row(canvas, layout, &cells, height, i % 2 == 1);
        if row.n.is_some() {
            canvas.line((rule_x, top), (rule_x, canvas.y), 0.5, RULE);
        }
    }
    canvas.line((LEFT, canvas.y), (LEFT + width, canvas.y), 0.8, RULE);
    canvas.y += 6.0;
    if !fit {
        let key = summary
            .columns
            .iter()
            .skip(1)
            .enumerate()
            .map(|(i, title)| format!("D{} {title}", i + 1))
            .collect::<Vec<_>>()
            .join(" · ");
        let key = catalogue::text(l, "summary-key", &[("key", key.into())]);
        canvas.paragraph(LEFT, width, &key, INTRO, 2.0);
    }
    if empty {
        let note = &plain(l, "summary-empty-note");
        canvas.paragraph(LEFT, width, note, INTRO, 2.0);
    }
    canvas.y += 16.0;
}

/// Whether every word of every title fits its column at the header's size and each title
/// takes at most three lines; if not, the table uses short titles and a key.
fn titles_fit(canvas: &Canvas<'_>, titles: &[String], column_w: f32) -> bool {
    let inner = column_w - 2.0 * PAD;
    let faces = canvas.faces();
    titles.iter().all(|title| {
        title
            .split_whitespace()
            .all(|word| faces.width(HEAD.face, HEAD.size, word) <= inner)
            && faces.wrap(HEAD.face, HEAD.size, title, inner).len() <= 3
    })
}

/// The column titles, with the overall column ruled off from the dimensions.
fn head(canvas: &mut Canvas<'_>, columns: &[Column<'_>], rule_x: f32) {
    let titles: Vec<Cell> = columns
        .iter()
        .map(|c| vec![(c.title.to_owned(), HEAD)])
        .collect();
    // What `head_row` asks for, taken first so that the rule starts where its titles do.
    canvas.ensure(row_height(canvas, columns, &titles) + 40.0);
    let top = canvas.y;
    head_row(canvas, columns);
    canvas.line((rule_x, top), (rule_x, canvas.y), 0.5, RULE);
}

/// The style of the quartiles under each median: smaller than usual when the columns are
/// too narrow for the widest of them, so that no range is broken across lines.
fn quartile_style(canvas: &Canvas<'_>, summary: &SummaryReport, column_w: f32) -> Style {
    let inner = column_w - 2.0 * PAD;
    let faces = canvas.faces();
    let widest = summary
        .rows
        .iter()
        .flat_map(|row| row.cells.iter().flatten())
        .map(|cell| faces.width(QUARTILES.face, QUARTILES.size, &quartiles(cell)))
        .fold(0.0, f32::max);
    let mut style = QUARTILES;
    if widest > inner {
        // Width grows with size; a hair under the exact fit keeps rounding from wrapping it.
        style.size = (QUARTILES.size * inner / widest * 0.98).max(5.0);
    }
    style
}

fn figures(cell: &Option<SummaryCell>, quartile_style: Style) -> Cell {
    match cell {
        Some(cell) => vec![
            (one_decimal(cell.median), MEDIAN),
            (quartiles(cell), quartile_style),
        ],
        None => vec![("—".to_owned(), CELL)],
    }
}

fn withheld(row: &SummaryRow, l: Language) -> Cell {
    let text = match &row.suppressed_reason {
        Some(reason) => catalogue::text(
            l,
            "summary-suppressed-because",
            &[("reason", reason.as_str().into())],
        ),
        None => plain(l, "report-suppressed"),
    };
    vec![(text, WITHHELD)]
}

pub(super) fn quartiles(cell: &SummaryCell) -> String {
    format!("{}–{}", one_decimal(cell.q1), one_decimal(cell.q3))
}
