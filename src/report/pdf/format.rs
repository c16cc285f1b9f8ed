//! How figures read on the page ("58.6", "+4.0", "67th", "Q3") and the numbered notes that
//! explain suppressed figures.

use super::canvas::{Canvas, LEFT, MUTED, Style, WIDTH};
use super::fonts::Face;
use crate::domain::language::Language;

pub(super) fn one_decimal(value: f64) -> String {
    let text = format!("{value:.1}");
    // "-0.0" reads as a fall; it is no change.
    if text == "-0.0" {
        "0.0".to_owned()
    } else {
        text
    }
}

/// A change in points with its sign, using a true minus sign: "+4.0", "−2.5", "0.0".
pub(super) fn signed(value: f64) -> String {
    let text = one_decimal(value);
    match text.strip_prefix('-') {
        Some(magnitude) => format!("\u{2212}{magnitude}"),
        None if text == "0.0" => text,
        None => format!("+{text}"),
    }
}

/// "1st", "2nd", "67th", "100th" for a percentile rank.
pub(super) fn ordinal(value: f64, language: Language) -> String {
    let n = value.round().clamp(0.0, 100.0) as u32;
    // Welsh ordinals change with the number and the noun; the tile's label says "canradd".
    if language == Language::Cy {
        return n.to_string();
    }
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The catalogue key of a quartile's phrase ("lowest quarter of peers").
pub(super) fn quartile_phrase(quartile: u8) -> &'static str {
    match quartile {
        1 => "report-quartile-1",
        2 => "report-quartile-2",
        3 => "report-quartile-3",
        _ => "report-quartile-4",
    }
}

/// Numbered notes for suppressed figures. Numbers are shared across the document (the same
/// reason keeps its number) and each section prints the notes it referred to.
#[derive(Default)]
pub(super) struct Footnotes {
    reasons: Vec<String>,
    pending: Vec<usize>,
}

impl Footnotes {
    /// The superscript mark for `reason`, e.g. "¹".
    pub(super) fn mark(&mut self, reason: &str) -> String {
        let index = match self.reasons.iter().position(|r| r == reason) {
            Some(index) => index,
            None => {
                self.reasons.push(reason.to_owned());
                self.reasons.len() - 1
            }
        };
        if !self.pending.contains(&index) {
            self.pending.push(index);
        }
        superscript(index + 1)
    }

    /// Prints the notes referred to since the last flush, at the cursor.
    pub(super) fn flush(&mut self, canvas: &mut Canvas<'_>) {
        const NOTE: Style = Style::new(Face::Regular, 7.5, MUTED);
        self.pending.sort_unstable();
        for index in std::mem::take(&mut self.pending) {
            let Some(reason) = self.reasons.get(index) else {
                continue;
            };
            let text = format!("{} Suppressed: {reason}", superscript(index + 1));
            canvas.paragraph(LEFT, WIDTH, &text, NOTE, 1.0);
        }
    }
}

fn superscript(n: usize) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .chars()
        .filter_map(|d| d.to_digit(10).and_then(|d| DIGITS.get(d as usize)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_with_a_sign_and_a_true_minus() {
        assert_eq!(signed(4.04), "+4.0");
        assert_eq!(signed(-2.46), "\u{2212}2.5");
        assert_eq!(signed(-0.01), "0.0");
    }

    #[test]
    fn percentiles_read_as_ordinals() {
        let got: Vec<String> = [1.0, 2.0, 3.0, 11.4, 12.0, 22.0, 66.7, 100.0]
            .into_iter()
            .map(|v| ordinal(v, Language::En))
            .collect();
        assert_eq!(
            got,
            ["1st", "2nd", "3rd", "11th", "12th", "22nd", "67th", "100th"]
        );
    }

    #[test]
    fn a_reason_keeps_its_number() {
        let mut notes = Footnotes::default();
        assert_eq!(notes.mark("a"), "¹");
        assert_eq!(notes.mark("b"), "²");
        assert_eq!(notes.mark("a"), "¹");
        assert_eq!(superscript(12), "¹²");
    }
}
