//! Survey definitions: the document an operator loads (JSON, or YAML for people), parsed and
//! validated into [`Definition`] at the boundary. Past [`Definition::parse`] a definition obeys
//! every rule of the format (see `validate` and `question`), so answers and scoring can rely on
//! it: keys are unique, `show_if` points at an earlier choice question with possible values,
//! every scored question can earn points, and levels ascend from 0.
//!
//! This module owns the format and its rules; it does no I/O and knows nothing of the store.
//! The scoring rule is documented in [`crate::domain::scoring`].

mod check;
mod limits;
mod question;
mod raw;
mod text;
mod texts;
mod types;
mod validate;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use limits::{Limit, MAX_DEPTH, MAX_NODES, MAX_TEXT_BYTES};
pub use text::Text;
pub use types::{
    Band, ChoiceOption, DEFAULT_TEXT_MAX_LENGTH, Dimension, Level, QUESTION_TYPES, Question,
    QuestionKind, Section, ShowIf, YesNoScores, band_score,
};
pub use validate::{RESERVED_DIMENSION, TRANSLATION_STATUSES};

/// The two notations a definition may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// The format named by an HTTP `Content-Type` (parameters such as `charset` are ignored).
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        match essence.to_ascii_lowercase().as_str() {
            "application/json" => Some(Format::Json),
            "application/yaml" | "application/x-yaml" | "text/yaml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

/// One problem with a definition document: where (`sections[2].questions[4].options`, or ""
/// for the whole document) and what is wrong; and, when the document went past one of the
/// limits on what reading it may cost, which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefinitionError {
    pub path: String,
    pub message: String,
    #[serde(skip)]
    pub limit: Option<Limit>,
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DefinitionError {}

/// A validated survey definition. `Serialize` writes the document in the format of the spec;
/// `Deserialize` reads that format and runs the same validation as [`Definition::parse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "raw::RawDefinition")]
pub struct Definition {
    pub slug: String,
    pub version: u32,
    pub title: Text,
    pub description: Text,
    /// The languages every text is given in (English always). Left out of the document when
    /// English is the only one, so that such a definition's SHA-256 is what it always was.
    #[serde(skip_serializing_if = "texts::english_only")]
    pub languages: Vec<crate::domain::language::Language>,
    /// Per language, how far its translation may be trusted (`needs_review`, `reviewed`).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub translation_status: std::collections::BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_minutes: Option<u32>,
    pub levels: Vec<Level>,
    pub dimensions: Vec<Dimension>,
    pub sections: Vec<Section>,
}

impl TryFrom<raw::RawDefinition> for Definition {
    type Error = String;

    fn try_from(raw: raw::RawDefinition) -> Result<Self, Self::Error> {
        validate::validate(raw).map_err(|errors| {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

/// Stands in for the level of a definition without levels, which validation never lets through.
static NO_LEVEL: Level = Level {
    name: Text {
        en: String::new(),
        cy: None,
    },
    min_score: 0.0,
    description: None,
};

impl Definition {
    /// Parses and validates a document, reporting every problem at once. A document that cannot
    /// be read at all (bad syntax, or a value of the wrong kind such as a list where a number
    /// belongs) gives a single error with the parser's message, including line and column; so
    /// does one past a limit on what reading it may cost ([`MAX_DEPTH`], [`MAX_NODES`],
    /// [`MAX_TEXT_BYTES`]), checked before it is deserialized.
    pub fn parse(text: &str, format: Format) -> Result<Definition, Vec<DefinitionError>> {
        let raw = read(text, format).map_err(|e| vec![e])?;
        validate::validate(raw)
    }

    /// Compact JSON in a fixed order (struct field order, no maps), whose SHA-256 identifies a
    /// published version.
    pub fn to_canonical_json(&self) -> String {
        serde_json::to_string(self).expect("a definition is plain data and always serializes")
    }

    /// The document as YAML, for people to read and edit.
    pub fn to_yaml(&self) -> String {
        serde_norway::to_string(self).expect("a definition is plain data and always serializes")
    }

    /// Lowercase hex SHA-256 of [`Definition::to_canonical_json`].
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.to_canonical_json().as_bytes()))
    }

    /// Every question, in document order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions().find(|q| q.key == key)
    }

    /// The first scale question that is always shown and that no `show_if` looks at, as (key,
    /// points): its answer can change without changing what else is shown or required. Load
    /// benchmarks and cache tests amend submitted responses through it.
    pub fn free_scale_question(&self) -> Option<(&str, u32)> {
        self.questions().find_map(|q| match q.kind {
            QuestionKind::Scale { points, .. }
                if q.show_if.is_none()
                    && self
                        .questions()
                        .all(|o| o.show_if.as_ref().is_none_or(|s| s.question != q.key)) =>
            {
                Some((q.key.as_str(), points))
            }
            _ => None,
        })
    }

    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }

    pub fn dimension(&self, key: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.key == key)
    }

    /// The highest level whose `min_score` is not above `score` (the first level for a score
    /// below all of them, or NaN).
    pub fn level_for(&self, score: f64) -> &Level {
        self.levels
            .get(self.level_index(score))
            .unwrap_or(&NO_LEVEL)
    }

    /// The 1-based number of [`Definition::level_for`]`(score)`.
    pub fn level_number_for(&self, score: f64) -> u32 {
        u32::try_from(self.level_index(score) + 1).unwrap_or(u32::MAX)
    }

    fn level_index(&self, score: f64) -> usize {
        self.levels
            .iter()
            .rposition(|level| level.min_score <= score)
            .unwrap_or(0)
    }
}

fn read(text: &str, format: Format) -> Result<raw::RawDefinition, DefinitionError> {
    match format {
        Format::Json => limits::check_json(text)?,
        Format::Yaml => limits::check_yaml(text)?,
    }
    match format {
        Format::Json => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let raw = serde_path_to_error::deserialize(&mut deserializer).map_err(located)?;
            deserializer.end().map_err(|e| DefinitionError {
                path: String::new(),
                message: e.to_string(),
                limit: None,
            })?;
            Ok(raw)
        }
        Format::Yaml => {
            let deserializer = serde_norway::Deserializer::from_str(text);
            serde_path_to_error::deserialize(deserializer).map_err(located)
        }
    }
}

fn located<E: fmt::Display>(error: serde_path_to_error::Error<E>) -> DefinitionError {
    // Segments the tracker could not name ("?", e.g. a key cut off by the end of input) and the
    // root (".") say nothing to a reader.
    let path = error.path().to_string().replace(".?", "");
    let path = if path == "." || path == "?" {
        String::new()
    } else {
        path
    };
    let message = error.into_inner().to_string();
    // The YAML parser tracks the path too and puts it in front of its message.
    let message = message
        .strip_prefix(&format!("{path}: "))
        .map_or(message.clone(), str::to_owned);
    DefinitionError {
        path,
        message,
        limit: None,
    }
}
