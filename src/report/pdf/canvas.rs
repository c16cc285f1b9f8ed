//! A drawing surface for A4 pages, portrait or landscape, in points measured from the
//! TOP-left corner (PDF's own origin is bottom-left): text runs, rectangles, lines and
//! polygons as printpdf ops, page breaks, and the header and footer every page carries. It
//! records which characters each face shows, so the fonts can be cut down to them. It knows
//! nothing about reports.

use crate::domain::language::Language;
use std::collections::BTreeSet;

use printpdf::{
    Color, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt, Rect,
    Rgb, TextItem, WindingOrder,
};

use super::fonts::{Face, Faces};

/// A4 in points (210 x 297 mm), portrait.
pub(super) const PAGE_W: f32 = 595.2756;
pub(super) const PAGE_H: f32 = 841.8898;
const MARGIN: f32 = 48.0;
pub(super) const LEFT: f32 = MARGIN;
/// The right edge and width of the text block on a portrait page; a landscape page's are
/// [`Canvas::right`] and [`Canvas::width`].
pub(super) const RIGHT: f32 = PAGE_W - MARGIN;
pub(super) const WIDTH: f32 = RIGHT - LEFT;
/// Content stops this far above the foot of the page; the footer lives below.
const BOTTOM_SPACE: f32 = 58.0;
const HEADER_TOP: f32 = 26.0;
const FOOTER_RULE_SPACE: f32 = 44.0;
const FOOTER_BASELINE_SPACE: f32 = 30.0;

/// Which way up an A4 page is; every page of a document is the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Orientation {
    Portrait,
    Landscape,
}

impl Orientation {
    /// Width and height in points.
    fn size(self) -> (f32, f32) {
        match self {
            Orientation::Portrait => (PAGE_W, PAGE_H),
            Orientation::Landscape => (PAGE_H, PAGE_W),
        }
    }

    /// The width of the text block between the margins.
    pub(super) fn text_width(self) -> f32 {
        self.size().0 - 2.0 * MARGIN
    }

    /// Width and height in millimetres, for printpdf's pages.
    pub(super) fn size_mm(self) -> (f32, f32) {
        match self {
            Orientation::Portrait => (210.0, 297.0),
            Orientation::Landscape => (297.0, 210.0),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Colour(pub f32, pub f32, pub f32);

pub(super) const INK: Colour = Colour(0.12, 0.14, 0.18);
pub(super) const MUTED: Colour = Colour(0.38, 0.41, 0.46);
pub(super) const NAVY: Colour = Colour(0.08, 0.19, 0.37);
pub(super) const RULE: Colour = Colour(0.78, 0.80, 0.84);
pub(super) const WHITE: Colour = Colour(1.0, 1.0, 1.0);

impl Colour {
    fn to_pdf(self) -> Color {
        Color::Rgb(Rgb::new(self.0, self.1, self.2, None))
    }
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Style {
    pub face: Face,
    pub size: f32,
    pub colour: Colour,
}

impl Style {
    pub(super) const fn new(face: Face, size: f32, colour: Colour) -> Self {
        Self { face, size, colour }
    }

    /// Line spacing for running text in this style.
    pub(super) fn leading(self) -> f32 {
        self.size * 1.3
    }

    /// The baseline of a line whose box (one `leading` high) starts at `top`: the capitals
    /// sit in the middle of the box.
    pub(super) fn baseline(self, top: f32) -> f32 {
        top + (self.leading() + 0.72 * self.size) / 2.0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Right,
    Centre,
}

pub(super) struct Canvas<'a> {
    faces: &'a Faces,
    page_w: f32,
    page_h: f32,
    header: Vec<(String, Style)>,
    footer: String,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// The top of the free space on the current page.
    pub(super) y: f32,
    /// Where content starts on every page, below the header.
    content_top: f32,
    used: [BTreeSet<char>; 2],
    /// The language of the page numbers ("Page 2 of 3", "Tudalen 2 o 3").
    pub(super) language: Language,
}

impl<'a> Canvas<'a> {
    /// A portrait canvas: `header` lines (already wrapped) open every page; `footer` sits at
    /// the foot of every page beside its number.
    pub(super) fn new(faces: &'a Faces, header: Vec<(String, Style)>, footer: String) -> Self {
        Self::with_orientation(faces, header, footer, Orientation::Portrait)
    }

    pub(super) fn with_orientation(
        faces: &'a Faces,
        header: Vec<(String, Style)>,
        footer: String,
        orientation: Orientation,
    ) -> Self {
        let (page_w, page_h) = orientation.size();
        let mut canvas = Self {
            faces,
            page_w,
            page_h,
            header,
            footer,
            pages: Vec::new(),
            ops: Vec::with_capacity(1024),
            y: 0.0,
            content_top: 0.0,
            used: [BTreeSet::new(), BTreeSet::new()],
            language: Language::En,
        };
        canvas.start_page();
        canvas
    }

    pub(super) fn faces(&self) -> &'a Faces {
        self.faces
    }

    /// The right edge of the text block.
    pub(super) fn right(&self) -> f32 {
        self.page_w - MARGIN
    }

    /// The width of the text block, from [`LEFT`] to [`Canvas::right`].
    pub(super) fn width(&self) -> f32 {
        self.right() - LEFT
    }

    /// Content stops here; the footer lives below.
    fn bottom(&self) -> f32 {
        self.page_h - BOTTOM_SPACE
    }

    /// A point given from the top of the page, as PDF measures it (from the bottom).
    fn point(&self, x: f32, y_from_top: f32) -> Point {
        Point {
            x: Pt(x),
            y: Pt(self.page_h - y_from_top),
        }
    }

    fn line_point(&self, (x, y): (f32, f32)) -> LinePoint {
        LinePoint {
            p: self.point(x, y),
            bezier: false,
        }
    }

    fn start_page(&mut self) {
        let mut top = HEADER_TOP;
        for (text, style) in std::mem::take(&mut self.header) {
            self.text(LEFT, style.baseline(top), &text, style, Align::Left);
            top += style.leading();
            self.header.push((text, style));
        }
        top += 4.0;
        self.line((LEFT, top), (self.right(), top), 0.6, RULE);
        self.y = top + 18.0;
        self.content_top = self.y;
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.start_page();
    }

    /// The index of the current page, from 0.
    pub(super) fn page(&self) -> usize {
        self.pages.len()
    }

    /// The height left for content on the current page.
    pub(super) fn room(&self) -> f32 {
        self.bottom() - self.y
    }

    /// The height for content on an empty page, for parts that are kept whole when they fit
    /// on one page and split when they do not.
    pub(super) fn full_room(&self) -> f32 {
        self.bottom() - self.content_top
    }

    /// Starts a new page unless `height` points are free on this one.
    pub(super) fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom() {
            self.new_page();
        }
    }

    pub(super) fn text(&mut self, x: f32, baseline: f32, text: &str, style: Style, align: Align) {
        if text.is_empty() {
            return;
        }
        let x = match align {
            Align::Left => x,
            Align::Right => x - self.faces.width(style.face, style.size, text),
            Align::Centre => x - self.faces.width(style.face, style.size, text) / 2.0,
        };
        self.used[style.face.index()].extend(text.chars());
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(style.face.id()),
                size: Pt(style.size),
            },
            Op::SetFillColor {
                col: style.colour.to_pdf(),
            },
            Op::SetTextCursor {
                pos: self.point(x, baseline),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Draws `text` wrapped to `width` with its first line box at `top`; returns the
    /// bottom of the last line.
    pub(super) fn wrapped(
        &mut self,
        x: f32,
        top: f32,
        width: f32,
        text: &str,
        style: Style,
        align: Align,
    ) -> f32 {
        let lines = self.faces.wrap(style.face, style.size, text, width);
        let mut top = top;
        for line in &lines {
            let x = match align {
                Align::Left => x,
                Align::Right => x + width,
                Align::Centre => x + width / 2.0,
            };
            self.text(x, style.baseline(top), line, style, align);
            top += style.leading();
        }
        top
    }

    /// Height `text` takes when wrapped to `width`.
    pub(super) fn wrapped_height(&self, width: f32, text: &str, style: Style) -> f32 {
        self.faces.wrap(style.face, style.size, text, width).len() as f32 * style.leading()
    }

    /// A paragraph in the flow at the cursor, moving the cursor below it.
    pub(super) fn paragraph(&mut self, x: f32, width: f32, text: &str, style: Style, after: f32) {
        let height = self.wrapped_height(width, text, style);
        self.ensure(height);
        self.y = self.wrapped(x, self.y, width, text, style, Align::Left) + after;
    }

    pub(super) fn rect(&mut self, x: f32, top: f32, width: f32, height: f32, fill: Colour) {
        self.ops.extend([
            Op::SetFillColor { col: fill.to_pdf() },
            Op::DrawRectangle {
                rectangle: Rect {
                    mode: Some(PaintMode::Fill),
                    ..Rect::from_xywh(Pt(x), Pt(self.page_h - top - height), Pt(width), Pt(height))
                },
            },
        ]);
    }

    pub(super) fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, colour: Colour) {
        self.ops.extend([
            Op::SetOutlineColor {
                col: colour.to_pdf(),
            },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::DrawLine {
                line: Line {
                    points: vec![self.line_point(from), self.line_point(to)],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A closed shape, filled, and outlined when `outline` is given.
    pub(super) fn polygon(
        &mut self,
        points: &[(f32, f32)],
        fill: Colour,
        outline: Option<(Colour, f32)>,
    ) {
        self.ops.push(Op::SetFillColor { col: fill.to_pdf() });
        if let Some((colour, width)) = outline {
            self.ops.extend([
                Op::SetOutlineColor {
                    col: colour.to_pdf(),
                },
                Op::SetOutlineThickness { pt: Pt(width) },
            ]);
        }
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing {
                    points: points.iter().map(|p| self.line_point(*p)).collect(),
                }],
                mode: match outline {
                    Some(_) => PaintMode::FillStroke,
                    None => PaintMode::Fill,
                },
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    /// Closes the last page, numbers every page ("Page 2 of 3"), and hands back the pages'
    /// ops with the characters each face showed.
    pub(super) fn finish(mut self) -> (Vec<Vec<Op>>, [BTreeSet<char>; 2]) {
        self.pages.push(std::mem::take(&mut self.ops));
        let pages = std::mem::take(&mut self.pages);
        let count = pages.len();
        let style = Style::new(Face::Regular, 7.5, MUTED);
        let footer = std::mem::take(&mut self.footer);
        let (rule, baseline) = (
            self.page_h - FOOTER_RULE_SPACE,
            self.page_h - FOOTER_BASELINE_SPACE,
        );
        let right = self.right();
        let mut numbered = Vec::with_capacity(count);
        for (index, ops) in pages.into_iter().enumerate() {
            self.ops = ops;
            self.line((LEFT, rule), (right, rule), 0.6, RULE);
            self.text(LEFT, baseline, &footer, style, Align::Left);
            let number = crate::catalogue::text(
                self.language,
                "report-page",
                &[("number", (index + 1).into()), ("count", count.into())],
            );
            self.text(right, baseline, &number, style, Align::Right);
            numbered.push(std::mem::take(&mut self.ops));
        }
        (numbered, self.used)
    }
}
