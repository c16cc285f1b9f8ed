//! The back of the report: strengths and gaps down to single questions, and the method (peer
//! group, disclosure threshold, rules, and exactly which survey definition was used).

use crate::catalogue::{self, plain};
use crate::report::model::{Finding, Report};

use super::canvas::{Align, Canvas, Colour, INK, LEFT, MUTED, NAVY, RULE, Style, WIDTH};
use super::fonts::Face;
use super::format::one_decimal;

const HEADING: Style = Style::new(Face::Bold, 12.5, NAVY);
const SUBHEADING: Style = Style::new(Face::Bold, 10.0, INK);
const INTRO: Style = Style::new(Face::Regular, 8.0, MUTED);
const DIMENSION: Style = Style::new(Face::Bold, 8.5, INK);
const BODY: Style = Style::new(Face::Regular, 8.5, INK);
const KEY: Style = Style::new(Face::Bold, 8.5, MUTED);

const STRENGTH: Colour = Colour(0.16, 0.55, 0.36);
const GAP: Colour = Colour(0.86, 0.45, 0.10);
const BULLET_X: f32 = LEFT + 10.0;
const TEXT_X: f32 = LEFT + 20.0;
const KEY_W: f32 = 118.0;

pub(super) fn findings(canvas: &mut Canvas<'_>, report: &Report) {
    canvas.ensure(120.0);
    let l = report.language;
    canvas.paragraph(
        LEFT,
        WIDTH,
        &plain(l, "report-findings-heading"),
        HEADING,
        2.0,
    );
    let intro = catalogue::text(
        l,
        "report-findings-intro",
        &[
            ("group", report.peer_group.label.as_str().into()),
            ("n", report.peer_group.n.into()),
        ],
    );
    canvas.paragraph(LEFT, WIDTH, &intro, INTRO, 8.0);
    let none = plain(l, "report-none-this-round");
    list(
        canvas,
        &plain(l, "report-strengths"),
        STRENGTH,
        &report.strengths,
        &none,
    );
    list(canvas, &plain(l, "report-gaps"), GAP, &report.gaps, &none);
    canvas.y += 8.0;
}

/// Findings grouped under their dimension, in the order the dimensions first appear.
fn list(canvas: &mut Canvas<'_>, title: &str, colour: Colour, findings: &[Finding], none: &str) {
    canvas.ensure(50.0);
    let top = canvas.y;
    canvas.rect(LEFT, top + 3.0, 8.0, 8.0, colour);
    canvas.wrapped(
        LEFT + 14.0,
        top,
        WIDTH - 14.0,
        title,
        SUBHEADING,
        Align::Left,
    );
    canvas.y = top + SUBHEADING.leading() + 3.0;
    if findings.is_empty() {
        canvas.paragraph(TEXT_X, WIDTH - 20.0, none, INTRO, 8.0);
        return;
    }
    let mut dimensions: Vec<&str> = Vec::new();
    for finding in findings {
        if !dimensions.contains(&finding.dimension_title.as_str()) {
            dimensions.push(&finding.dimension_title);
        }
    }
    for dimension in dimensions {
        let items: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.dimension_title == dimension)
            .collect();
        // Keep the dimension's title with its first finding.
        let first = items
            .first()
            .map_or(0.0, |f| canvas.wrapped_height(WIDTH - 20.0, &f.text, BODY));
        canvas.ensure(DIMENSION.leading() + first + 2.0);
        canvas.paragraph(LEFT, WIDTH, dimension, DIMENSION, 1.0);
        for item in items {
            let height = canvas.wrapped_height(WIDTH - 20.0, &item.text, BODY);
            canvas.ensure(height);
            let top = canvas.y;
            let mid = BODY.baseline(top) - 3.0;
            canvas.rect(BULLET_X, mid - 1.75, 3.5, 3.5, colour);
            canvas.y =
                canvas.wrapped(TEXT_X, top, WIDTH - 20.0, &item.text, BODY, Align::Left) + 2.0;
        }
        canvas.y += 5.0;
    }
    canvas.y += 6.0;
}

/// "Reading the figures" and "Method", kept together on one page when they fit on one: the
/// reference part of the report, better whole than split over two pages.
pub(super) fn appendix(canvas: &mut Canvas<'_>, report: &Report) {
    let guide: Vec<(&str, String)> = report
        .reading_guide
        .iter()
        .map(|t| (t.term.as_str(), t.meaning.clone()))
        .collect();
    let method = method(report);
    let method: Vec<(&str, String)> = method
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    let height =
        key_values_height(canvas, &guide, WIDTH) + 14.0 + key_values_height(canvas, &method, WIDTH);
    canvas.ensure(height);
    let l = report.language;
    key_values(canvas, &plain(l, "report-reading-heading"), &guide, WIDTH);
    canvas.y += 14.0;
    key_values(canvas, &plain(l, "report-method-heading"), &method, WIDTH);
}

fn method(report: &Report) -> Vec<(String, String)> {
    let l = report.language;
    let t = |key: &str, args: &[(&str, catalogue::Arg)]| catalogue::text(l, key, args);
    let group = &report.peer_group;
    let method = &report.method;
    let survey = &report.survey;
    let round = &report.round;
    let fallback = match group.fell_back_from.as_slice() {
        [] => plain(l, "report-method-narrower-none"),
        skipped => t(
            "report-method-narrower-skipped",
            &[
                ("k", group.k.into()),
                ("skipped", skipped.join("; ").into()),
            ],
        ),
    };
    let levels = report
        .levels
        .iter()
        .map(|level| {
            t(
                "report-method-level",
                &[
                    ("number", i64::from(level.number).into()),
                    ("name", level.name.as_str().into()),
                    ("min", one_decimal(level.min_score).into()),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let compared = match &round.previous_round {
        Some(previous) => t(
            "report-method-compared",
            &[("previous", previous.as_str().into())],
        ),
        None => String::new(),
    };
    let round_value = t(
        "report-method-round-value",
        &[
            ("round", round.name.as_str().into()),
            ("code", round.code.as_str().into()),
            ("opens", round.opens_on.as_str().into()),
            ("closes", round.closes_on.as_str().into()),
        ],
    );
    vec![
        (
            plain(l, "report-method-peer-group"),
            t(
                "report-method-peer-group-value",
                &[
                    ("group", group.label.as_str().into()),
                    ("n", group.n.into()),
                ],
            ),
        ),
        (plain(l, "report-method-narrower"), fallback),
        (
            plain(l, "report-method-threshold"),
            t(
                "report-method-threshold-value",
                &[
                    ("k", method.k.into()),
                    ("rule", method.disclosure_rule.as_str().into()),
                ],
            ),
        ),
        (
            plain(l, "report-method-quantile"),
            method.quantile_rule.clone(),
        ),
        (
            plain(l, "report-method-percentile"),
            method.percentile_rule.clone(),
        ),
        (
            plain(l, "report-method-scoring"),
            method.scoring_rule.clone(),
        ),
        (plain(l, "report-method-levels"), levels),
        (
            plain(l, "report-method-survey"),
            t(
                "report-method-survey-value",
                &[
                    ("title", survey.title.as_str().into()),
                    ("slug", survey.slug.as_str().into()),
                    ("version", i64::from(survey.version).into()),
                ],
            ),
        ),
        (plain(l, "report-method-sha"), survey.sha256.clone()),
        (
            plain(l, "report-method-round"),
            format!("{round_value}{compared}"),
        ),
        (plain(l, "report-method-as-at"), report.as_at.clone()),
    ]
}

/// Plain-language meanings of the figures, for readers who are not statisticians.
fn row_heights(canvas: &Canvas<'_>, rows: &[(&str, String)], width: f32) -> Vec<f32> {
    rows.iter()
        .map(|(key, value)| {
            canvas
                .wrapped_height(width - KEY_W, value, BODY)
                .max(canvas.wrapped_height(KEY_W - 8.0, key, KEY))
        })
        .collect()
}

fn key_values_height(canvas: &Canvas<'_>, rows: &[(&str, String)], width: f32) -> f32 {
    let rows: f32 = row_heights(canvas, rows, width)
        .iter()
        .map(|h| h + 6.0)
        .sum();
    HEADING.leading() + 6.0 + rows
}

/// A titled list of labelled rows, `width` wide, kept on one page when it fits on one.
pub(super) fn key_values(
    canvas: &mut Canvas<'_>,
    title: &str,
    rows: &[(&str, String)],
    width: f32,
) {
    let value_w = width - KEY_W;
    let heights = row_heights(canvas, rows, width);
    canvas.ensure(key_values_height(canvas, rows, width));
    canvas.paragraph(LEFT, width, title, HEADING, 6.0);
    for ((key, value), height) in rows.iter().zip(heights) {
        canvas.ensure(height + 6.0);
        let top = canvas.y;
        canvas.wrapped(LEFT, top, KEY_W - 8.0, key, KEY, Align::Left);
        canvas.wrapped(LEFT + KEY_W, top, value_w, value, BODY, Align::Left);
        canvas.y = top + height + 3.0;
        canvas.line((LEFT, canvas.y), (LEFT + width, canvas.y), 0.4, RULE);
        canvas.y += 3.0;
    }
}
