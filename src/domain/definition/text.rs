//! Text a respondent or reader sees, in English and optionally Welsh: in the document either a
//! plain string (English only) or a map `{en: ..., cy: ...}`. A definition declares the
//! languages it offers (`languages: [en, cy]`); validation then asks every text for each of them
//! (`translations`), so no page or report falls back to English without saying so.

use std::fmt;
use std::ops::Deref;

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::domain::language::Language;

/// One piece of text in each language it has. English is always there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    pub en: String,
    pub cy: Option<String>,
}

impl Text {
    /// The text in `language`; English when it has no such translation.
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::En => &self.en,
            Language::Cy => self.cy.as_deref().unwrap_or(&self.en),
        }
    }

    /// Whether the text has a translation into `language`.
    pub fn has(&self, language: Language) -> bool {
        match language {
            Language::En => true,
            Language::Cy => self.cy.is_some(),
        }
    }

    /// Only the text in `language`, as a plain (single-language) text.
    pub fn only(&self, language: Language) -> Text {
        Text::from(self.get(language))
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.en
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

impl From<&str> for Text {
    fn from(en: &str) -> Self {
        Text {
            en: en.to_owned(),
            cy: None,
        }
    }
}

impl From<String> for Text {
    fn from(en: String) -> Self {
        Text { en, cy: None }
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.en == other && self.cy.is_none()
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

/// English-only text is written as a plain string, so a definition without translations keeps
/// its canonical JSON (and its published SHA-256).
impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.cy {
            None => serializer.serialize_str(&self.en),
            Some(cy) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("en", &self.en)?;
                map.serialize_entry("cy", cy)?;
                map.end()
            }
        }
    }
}

/// Text as read, before validation: a string, or a map from language codes to strings (any
/// codes, so that validation can name an unknown one by its path).
#[derive(Debug, Clone)]
pub enum RawText {
    Plain(String),
    ByLanguage(Vec<(String, String)>),
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Plain(String),
            ByLanguage(std::collections::BTreeMap<String, String>),
        }
        match Either::deserialize(deserializer) {
            Ok(Either::Plain(text)) => Ok(RawText::Plain(text)),
            Ok(Either::ByLanguage(map)) => Ok(RawText::ByLanguage(map.into_iter().collect())),
            Err(_) => Err(de::Error::custom(
                "expected text: a string, or a map of language codes (en, cy) to strings",
            )),
        }
    }
}
