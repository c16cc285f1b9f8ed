//! Small checks shared by the validators: an error collector that knows paths, and the rules
//! for keys, text and numbers.

use super::DefinitionError;
use super::raw::Extra;
use super::text::{RawText, Text};
use crate::domain::language::Language;

/// Collects every problem found, each with the path of the offending value.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<DefinitionError>);

impl Errors {
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(DefinitionError {
            path: path.into(),
            message: message.into(),
            limit: None,
        });
    }

    /// Reports every field the reader did not expect at `path`.
    pub fn unknown_fields(&mut self, path: &str, extra: &Extra) {
        for name in extra.keys() {
            self.push(field(path, name), format!("unknown field `{name}`"));
        }
    }

    /// Returns the value, or reports that it is missing.
    pub fn required<T>(&mut self, path: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.push(path, "is required");
        }
        value
    }

    /// A required piece of text that must not be blank (in any language it is given in).
    pub fn text(&mut self, path: &str, value: Option<RawText>) -> Text {
        let Some(raw) = self.required(path, value) else {
            return Text::default();
        };
        let text = self.languages(path, raw);
        if text.en.trim().is_empty() {
            self.push(path, "must not be empty");
        }
        if text.cy.as_ref().is_some_and(|cy| cy.trim().is_empty()) {
            self.push(field(path, "cy"), "must not be empty");
        }
        text
    }

    /// An optional piece of text (which may be blank).
    pub fn optional_text(&mut self, path: &str, value: Option<RawText>) -> Option<Text> {
        value.map(|raw| self.languages(path, raw))
    }

    /// Text as read, checked for its languages: English is required, Welsh optional, and no
    /// other language code is known. No text may hold NUL (a YAML `"\0"` reads as one), which
    /// PostgreSQL cannot store.
    fn languages(&mut self, path: &str, raw: RawText) -> Text {
        let text = self.by_language(path, raw);
        if text.en.contains('\0') {
            self.push(path, crate::domain::validation::NO_NUL);
        }
        if text.cy.as_ref().is_some_and(|cy| cy.contains('\0')) {
            self.push(field(path, "cy"), crate::domain::validation::NO_NUL);
        }
        text
    }

    fn by_language(&mut self, path: &str, raw: RawText) -> Text {
        match raw {
            RawText::Plain(en) => Text::from(en),
            RawText::ByLanguage(entries) => {
                let mut text = Text::default();
                let mut has_en = false;
                for (code, value) in entries {
                    match Language::parse(&code).filter(|l| l.code() == code) {
                        Some(Language::En) => {
                            text.en = value;
                            has_en = true;
                        }
                        Some(Language::Cy) => text.cy = Some(value),
                        None => self.push(
                            field(path, &code),
                            format!("unknown language `{code}`: use en or cy"),
                        ),
                    }
                }
                if !has_en {
                    self.push(field(path, "en"), "is required");
                }
                text
            }
        }
    }

    /// A required key (`^[a-z][a-z0-9_]{0,63}$`).
    pub fn key(&mut self, path: &str, value: Option<String>) -> String {
        let Some(key) = self.required(path, value) else {
            return String::new();
        };
        if !is_key(&key) {
            self.push(
                path,
                format!(
                    "`{key}` is not a valid key: use 1 to 64 lowercase letters, digits and \
                     underscores, starting with a letter"
                ),
            );
        }
        key
    }

    /// An optional number that must be finite and not negative.
    pub fn score(&mut self, path: &str, value: Option<f64>) -> Option<f64> {
        let value = value?;
        if !value.is_finite() {
            self.push(path, "must be a finite number");
            return None;
        }
        if value < 0.0 {
            self.push(path, "must not be negative");
        }
        Some(value)
    }

    /// An optional number that must be finite.
    pub fn finite(&mut self, path: &str, value: Option<f64>) -> Option<f64> {
        let value = value?;
        if value.is_finite() {
            Some(value)
        } else {
            self.push(path, "must be a finite number");
            None
        }
    }

    /// An optional whole number that must be at least `min` and fit in a `u32`.
    pub fn count(&mut self, path: &str, value: Option<i64>, min: u32) -> Option<u32> {
        let value = value?;
        match u32::try_from(value) {
            Ok(n) if n >= min => Some(n),
            _ => {
                self.push(
                    path,
                    format!("must be a whole number from {min} to {}", u32::MAX),
                );
                None
            }
        }
    }
}

/// `parent.name`, or `name` at the top of the document.
pub fn field(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

/// `parent[index]`.
pub fn index(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// Keys of dimensions, sections and questions, and option values: `^[a-z][a-z0-9_]{0,63}$`.
pub fn is_key(text: &str) -> bool {
    is_identifier(text, 64, b'_')
}

/// Survey slugs: `^[a-z][a-z0-9-]{0,99}$`.
pub fn is_slug(text: &str) -> bool {
    is_identifier(text, 100, b'-')
}

fn is_identifier(text: &str, max_len: usize, joiner: u8) -> bool {
    let bytes = text.as_bytes();
    match bytes.split_first() {
        Some((first, rest)) => {
            bytes.len() <= max_len
                && first.is_ascii_lowercase()
                && rest
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == joiner)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{is_key, is_slug};

    #[test]
    fn keys_are_lowercase_identifiers_of_at_most_64_characters() {
        assert!(is_key("a"));
        assert!(is_key("strategy_status2"));
        assert!(is_key(&"a".repeat(64)));
        assert!(!is_key(&"a".repeat(65)));
        for bad in ["", "1a", "_a", "A", "a-b", "a b", "é"] {
            assert!(!is_key(bad), "{bad:?} should not be a key");
        }
    }

    #[test]
    fn slugs_allow_hyphens_but_not_underscores() {
        assert!(is_slug("nhs-social-media-maturity"));
        assert!(is_slug(&"a".repeat(100)));
        assert!(!is_slug(&"a".repeat(101)));
        assert!(!is_slug("nhs_social"));
        assert!(!is_slug("-nhs"));
    }
}
