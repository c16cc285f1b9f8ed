//! The two faces of DejaVu Sans the report is set in: parsed once per process, measured for
//! layout, and cut down for each document to the glyphs it shows (typst's `subsetter`).
//! Nothing here draws.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use printpdf::{FontId, ParsedFont, PdfFont};

use super::PdfError;

static REGULAR_TTF: &[u8] = include_bytes!("../../../templates/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../../templates/fonts/DejaVuSans-Bold.ttf");

/// Parsing a face takes milliseconds (character map and widths of ~6,000 glyphs), so it is
/// done once per process, not once per report.
static FACES: LazyLock<Option<Faces>> = LazyLock::new(|| {
    let mut warnings = Vec::new();
    Some(Faces {
        regular: ParsedFont::from_bytes(REGULAR_TTF, 0, &mut warnings)?,
        bold: ParsedFont::from_bytes(BOLD_TTF, 0, &mut warnings)?,
    })
});

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Face {
    Regular,
    Bold,
}

impl Face {
    pub(super) const ALL: [Face; 2] = [Face::Regular, Face::Bold];

    pub(super) fn index(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
        }
    }

    /// Fixed resource names: `PdfDocument::add_font` would draw them from a process-wide
    /// counter, and then two renders of one report would differ.
    pub(super) fn id(self) -> FontId {
        FontId(
            match self {
                Face::Regular => "F1",
                Face::Bold => "F2",
            }
            .to_owned(),
        )
    }

    fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "DejaVuSans",
            Face::Bold => "DejaVuSans-Bold",
        }
    }

    /// The `XXXXXX+` prefix ISO 32000-1 (9.6.4) asks of a subset's `/BaseFont`. Fixed, since
    /// a document holds one subset of each face.
    fn subset_tag(self) -> &'static str {
        match self {
            Face::Regular => "SNDGRA",
            Face::Bold => "SNDGRB",
        }
    }
}

pub(super) struct Faces {
    regular: ParsedFont,
    bold: ParsedFont,
}

pub(super) fn faces() -> Result<&'static Faces, PdfError> {
    FACES.as_ref().ok_or(PdfError::Font)
}

impl Faces {
    fn get(&self, face: Face) -> &ParsedFont {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// The advance width of `text` set in `face` at `size` points. printpdf shows text
    /// without kerning, so this is exactly the width it will take on the page.
    pub(super) fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let font = self.get(face);
        let units: u32 = text
            .chars()
            .map(|c| {
                let gid = font.lookup_glyph_index(u32::from(c)).unwrap_or(0);
                u32::from(font.get_glyph_width(gid).unwrap_or(0))
            })
            .sum();
        units as f32 * size / f32::from(font.units_per_em.max(1))
    }

    /// Greedy word wrap into lines no wider than `max_width`. A word longer than a whole line
    /// (a hash, a URL) is broken between characters rather than allowed to overflow.
    pub(super) fn wrap(&self, face: Face, size: f32, text: &str, max_width: f32) -> Vec<String> {
        let space = self.width(face, size, " ");
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_width = 0.0;
        for word in text.split_whitespace() {
            let width = self.width(face, size, word);
            if !line.is_empty() && line_width + space + width <= max_width {
                line.push(' ');
                line.push_str(word);
                line_width += space + width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if width <= max_width {
                line.push_str(word);
                line_width = width;
                continue;
            }
            line_width = 0.0;
            for c in word.chars() {
                let w = self.width(face, size, c.encode_utf8(&mut [0; 4]));
                if !line.is_empty() && line_width + w > max_width {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += w;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// The font resource for one document: the face reduced to the characters in `used`.
    /// `subsetter` renumbers the glyphs it keeps (in their original order, `.notdef` first),
    /// so the character map and widths handed to printpdf, and with them the codes in the
    /// content streams, the `/W` array and `ToUnicode`, are given in its numbering. printpdf 0.12
    /// subsets only with its `text_layout` feature (a layout engine); without a subset every PDF
    /// would carry both 700 kB faces.
    pub(super) fn embed(&self, face: Face, used: &BTreeSet<char>) -> PdfFont {
        let font = self.get(face);
        let mut old_glyphs = BTreeSet::from([0]);
        for c in used {
            if let Some(gid) = font.lookup_glyph_index(u32::from(*c)) {
                old_glyphs.insert(gid);
            }
        }
        let old_glyphs: Vec<u16> = old_glyphs.into_iter().collect();
        let remapper = subsetter::GlyphRemapper::new_from_glyphs_sorted(&old_glyphs);
        let subset = subsetter::subset(&font.original_bytes, 0, &remapper).ok();
        // The subset renumbers glyphs: the character map and widths follow its numbering.
        let renumbered = subset.is_some();
        let new_gid = |gid: u16| {
            if renumbered {
                remapper.get(gid)
            } else {
                Some(gid)
            }
        };
        let mut codepoint_to_glyph = BTreeMap::new();
        let mut glyph_widths = BTreeMap::new();
        for c in used {
            if let Some(gid) = font.lookup_glyph_index(u32::from(*c))
                && let Some(new) = new_gid(gid)
            {
                codepoint_to_glyph.insert(u32::from(*c), new);
            }
        }
        for gid in &old_glyphs {
            if let (Some(width), Some(new)) = (font.get_glyph_width(*gid), new_gid(*gid)) {
                glyph_widths.insert(new, width);
            }
        }
        let (program, name) = match subset {
            Some(program) => (
                program,
                format!("{}+{}", face.subset_tag(), face.postscript_name()),
            ),
            // Not expected with the shipped faces; the whole face is correct, only larger.
            None => (
                font.original_bytes.clone(),
                face.postscript_name().to_owned(),
            ),
        };
        PdfFont::new(ParsedFont {
            original_bytes: program,
            font_index: 0,
            font_name: Some(name),
            codepoint_to_glyph,
            glyph_widths,
            units_per_em: font.units_per_em,
            font_metrics: font.font_metrics.clone(),
            font_type: font.font_type,
            pdf_font_metrics: font.pdf_font_metrics.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_embedded_face_holds_only_the_used_glyphs_in_the_subsets_numbering() {
        let faces = faces().unwrap();
        let original = faces.get(Face::Regular);
        let (w_circumflex, z) = ('ŵ', 'z');
        let embedded = faces.embed(Face::Regular, &BTreeSet::from([w_circumflex, z]));
        let font = &embedded.parsed_font;
        assert!(
            font.original_bytes.len() < REGULAR_TTF.len() / 5,
            "{} bytes",
            font.original_bytes.len()
        );
        // .notdef is 0; the two glyphs follow in their original order, then ŵ's components.
        let old = |c: char| original.lookup_glyph_index(u32::from(c)).unwrap();
        assert!(old(z) < old(w_circumflex));
        assert_eq!(font.lookup_glyph_index(u32::from(z)), Some(1));
        assert_eq!(font.lookup_glyph_index(u32::from(w_circumflex)), Some(2));
        for (c, new) in [(z, 1), (w_circumflex, 2)] {
            assert_eq!(
                font.get_glyph_width(new),
                original.get_glyph_width(old(c)),
                "{c}"
            );
        }
        assert_eq!(font.lookup_glyph_index(u32::from('a')), None);
        assert!(
            font.font_name.as_deref().unwrap().starts_with("SNDGRA+"),
            "{:?}",
            font.font_name
        );
    }
}
