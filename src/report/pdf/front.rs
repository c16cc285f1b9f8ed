//! The front of the report: the title block, the headline panel and the note on which peer
//! group was used.

use crate::catalogue::{self, plain};
use crate::domain::language::Language;
use crate::report::model::{Disclosed, Report};

use super::canvas::{Align, Canvas, Colour, INK, LEFT, MUTED, NAVY, Style, WIDTH};
use super::fonts::Face;
use super::format::{Footnotes, one_decimal, ordinal, quartile_phrase, signed};
use super::tiles::{Layout, Tile, panel};

const KICKER: Style = Style::new(Face::Bold, 9.0, MUTED);
const NAME: Style = Style::new(Face::Bold, 20.0, NAVY);
const DETAIL: Style = Style::new(Face::Regular, 9.0, MUTED);
const NOTICE: Style = Style::new(Face::Regular, 8.5, INK);

const NOTICE_BAR: Colour = Colour(0.93, 0.62, 0.16);

pub(super) fn title(canvas: &mut Canvas<'_>, report: &Report) {
    let kicker = catalogue::text(
        report.language,
        "report-kicker",
        &[("round", report.round.name.as_str().into())],
    );
    canvas.paragraph(LEFT, WIDTH, &kicker, KICKER, 4.0);
    // A long name is set smaller rather than taking half the page.
    let mut name = NAME;
    while name.size > 12.0
        && canvas.wrapped_height(WIDTH, &report.organisation.name, name) > 3.0 * name.leading()
    {
        name.size -= 1.5;
    }
    canvas.paragraph(LEFT, WIDTH, &report.organisation.name, name, 6.0);
    let org = &report.organisation;
    let kind = org.kind.replace('_', " ");
    let mut place = vec![org.region.as_str(), org.country.as_str()];
    place.retain(|p| !p.is_empty());
    let details = format!(
        "{} · {} · {}",
        org.code,
        capitalise(&kind),
        place.join(", ")
    );
    canvas.paragraph(LEFT, WIDTH, &details, DETAIL, 0.0);
    let round = &report.round;
    let survey = format!(
        "{}, {} ({} to {}), as at {}",
        report.survey.title, round.name, round.opens_on, round.closes_on, report.as_at
    );
    canvas.paragraph(LEFT, WIDTH, &survey, DETAIL, 14.0);
}

pub(super) fn headline(canvas: &mut Canvas<'_>, report: &Report, notes: &mut Footnotes) {
    let h = &report.headline;
    let n = report.peer_group.n;
    let l = report.language;
    let points =
        |key: &str, by: f64| catalogue::text(l, key, &[("points", one_decimal(by).into())]);
    let median_note = match &h.peer_median.value {
        Some(m) if (h.overall_score - m).abs() < 0.05 => plain(l, "report-level-with"),
        Some(m) if h.overall_score > *m => points("report-points-above", h.overall_score - m),
        Some(m) => points("report-points-below", m - h.overall_score),
        None => String::new(),
    };
    let round = |key: &str, name: &str| catalogue::text(l, key, &[("round", name.into())]);
    let tiles = [
        Tile {
            label: plain(l, "report-tile-overall"),
            value: Ok(one_decimal(h.overall_score)),
            note: catalogue::text(
                l,
                "report-level",
                &[
                    ("number", i64::from(h.level_number).into()),
                    ("name", h.level_name.as_str().into()),
                ],
            ),
        },
        Tile {
            label: plain(l, "report-tile-percentile"),
            value: disclosed(&h.percentile, |p| ordinal(*p, l), notes, l),
            note: catalogue::text(l, "report-among-peers", &[("n", n.into())]),
        },
        Tile {
            label: plain(l, "report-tile-quartile"),
            value: disclosed(&h.quartile, |q| format!("Q{q}"), notes, l),
            note: h
                .quartile
                .value
                .map_or(String::new(), |q| plain(l, quartile_phrase(q))),
        },
        Tile {
            label: plain(l, "report-tile-median"),
            value: disclosed(&h.peer_median, |m| one_decimal(*m), notes, l),
            note: median_note,
        },
        Tile {
            label: plain(l, "report-tile-change"),
            value: Ok(h.change_since_last.map_or("—".to_owned(), signed)),
            note: match (&report.round.previous_round, h.change_since_last) {
                (Some(previous), Some(_)) => round("report-points-since", previous),
                (Some(previous), None) => round("report-no-response-in", previous),
                (None, _) => plain(l, "report-first-round"),
            },
        },
    ];

    let layout = Layout {
        width: WIDTH,
        height: 92.0,
        padding: 10.0,
        value_y: 46.0,
        withheld_y: 42.0,
        note_y: 54.0,
        after: 12.0,
    };
    panel(canvas, &tiles, &layout);
}

/// The figure as text, or `Err("suppressed¹")` with its reason filed as a note.
fn disclosed<T>(
    figure: &Disclosed<T>,
    show: impl Fn(&T) -> String,
    notes: &mut Footnotes,
    l: Language,
) -> Result<String, String> {
    match &figure.value {
        Some(value) => Ok(show(value)),
        None => {
            let withheld = plain(l, "report-withheld");
            let reason = figure.suppressed_reason.as_deref().unwrap_or(&withheld);
            Err(format!(
                "{}{}",
                plain(l, "report-suppressed"),
                notes.mark(reason)
            ))
        }
    }
}

/// Says which peer group was used when the first choice was too small.
pub(super) fn fallback_notice(canvas: &mut Canvas<'_>, report: &Report) {
    let group = &report.peer_group;
    if group.fell_back_from.is_empty() {
        return;
    }
    let text = catalogue::text(
        report.language,
        "report-fallback",
        &[
            ("group", group.label.as_str().into()),
            ("n", group.n.into()),
            ("skipped", group.fell_back_from.join("; ").into()),
            ("k", group.k.into()),
        ],
    );
    let height = canvas.wrapped_height(WIDTH - 14.0, &text, NOTICE);
    canvas.ensure(height + 14.0);
    let top = canvas.y;
    canvas.rect(LEFT, top, 3.0, height + 4.0, NOTICE_BAR);
    canvas.wrapped(
        LEFT + 12.0,
        top + 2.0,
        WIDTH - 14.0,
        &text,
        NOTICE,
        Align::Left,
    );
    canvas.y = top + height + 18.0;
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
