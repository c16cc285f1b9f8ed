//! The panel of headline tiles that opens both the board report and the national summary: a
//! shaded band with one tile per figure (a label, the figure or the word for a withheld one, a
//! note) and white rules between them.

use super::canvas::{Align, Canvas, Colour, LEFT, MUTED, NAVY, Style, WHITE};
use super::fonts::Face;

const LABEL: Style = Style::new(Face::Bold, 7.5, MUTED);
const VALUE: Style = Style::new(Face::Bold, 20.0, NAVY);
const WITHHELD: Style = Style::new(Face::Bold, 10.5, MUTED);
const NOTE: Style = Style::new(Face::Regular, 7.5, MUTED);
const PANEL: Colour = Colour(0.945, 0.955, 0.975);

pub(super) struct Tile {
    pub label: String,
    /// The figure, or the words that stand for a withheld one.
    pub value: Result<String, String>,
    pub note: String,
}

/// Where a panel's parts sit (points from the panel's top); the two documents differ a little.
pub(super) struct Layout {
    pub width: f32,
    pub height: f32,
    /// Inside each tile, left and right.
    pub padding: f32,
    pub value_y: f32,
    pub withheld_y: f32,
    pub note_y: f32,
    /// Space left below the panel.
    pub after: f32,
}

/// Draws `tiles` side by side across the panel, starting a new page first if it would not fit.
pub(super) fn panel(canvas: &mut Canvas<'_>, tiles: &[Tile], layout: &Layout) {
    canvas.ensure(layout.height + layout.after);
    let top = canvas.y;
    canvas.rect(LEFT, top, layout.width, layout.height, PANEL);
    let tile_w = layout.width / tiles.len().max(1) as f32;
    for (i, tile) in tiles.iter().enumerate() {
        let x = LEFT + i as f32 * tile_w;
        if i > 0 {
            canvas.line((x, top + 10.0), (x, top + layout.height - 10.0), 1.5, WHITE);
        }
        let (left, inner) = (x + layout.padding, tile_w - 2.0 * layout.padding);
        canvas.wrapped(left, top + 8.0, inner, &tile.label, LABEL, Align::Left);
        match &tile.value {
            Ok(value) => canvas.text(left, top + layout.value_y, value, VALUE, Align::Left),
            Err(word) => canvas.text(left, top + layout.withheld_y, word, WITHHELD, Align::Left),
        }
        canvas.wrapped(
            left,
            top + layout.note_y,
            inner,
            &tile.note,
            NOTE,
            Align::Left,
        );
    }
    canvas.y = top + layout.height + layout.after;
}
