//! The validated shape of a survey definition. Values of these types come out of
//! [`Definition::parse`](super::Definition::parse) (or its `Deserialize`, which runs the same
//! validation), so code past that boundary may rely on the rules in `validate`.
//!
//! `Serialize` writes the document back in the format of the spec: a question's `type` and its
//! type-specific fields sit beside `key` and `prompt`, and absent optional fields are left out.

use serde::Serialize;

use super::text::Text;

/// A maturity level: reached by every score at or above `min_score`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    pub name: Text,
    pub min_score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

/// An area that is scored 0–100; the overall score is the weighted mean of the dimensions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    pub key: String,
    pub title: Text,
    pub weight: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub key: String,
    pub title: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intro: Option<Text>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub key: String,
    pub prompt: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    #[serde(skip_serializing_if = "is_false")]
    pub required: bool,
    /// The dimension this question scores; `None` = unscored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_if: Option<ShowIf>,
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// Shows a question only when an earlier single_choice, yes_no or multi_choice question was
/// answered with (or, for multi_choice, included) one of `any_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShowIf {
    pub question: String,
    pub any_of: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    SingleChoice {
        options: Vec<ChoiceOption>,
    },
    MultiChoice {
        options: Vec<ChoiceOption>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max_score: Option<f64>,
    },
    /// Answered with a whole number 1..=points.
    Scale {
        points: u32,
        labels: Vec<Text>,
    },
    /// Answered with "yes" or "no".
    YesNo {
        #[serde(skip_serializing_if = "Option::is_none")]
        scores: Option<YesNoScores>,
    },
    Integer {
        #[serde(skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        bands: Vec<Band>,
    },
    Decimal {
        #[serde(skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        step: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        bands: Vec<Band>,
    },
    Text {
        #[serde(skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceOption {
    pub value: String,
    pub label: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// multi_choice only: this option (e.g. "None of these") cannot be combined with others.
    #[serde(skip_serializing_if = "is_false")]
    pub exclusive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YesNoScores {
    pub yes: f64,
    pub no: f64,
}

/// A numeric answer at or above `min` (and below the next band's `min`) earns `score`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    pub min: f64,
    pub score: f64,
}

/// The maximum length of a text answer when the definition does not set `max_length`.
pub const DEFAULT_TEXT_MAX_LENGTH: u32 = 2000;

/// The question types, as written in the `type` field.
pub const QUESTION_TYPES: [&str; 7] = [
    "single_choice",
    "multi_choice",
    "scale",
    "yes_no",
    "integer",
    "decimal",
    "text",
];

fn is_false(value: &bool) -> bool {
    !*value
}

impl QuestionKind {
    /// The `type` as written in the document, e.g. `"single_choice"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            QuestionKind::SingleChoice { .. } => "single_choice",
            QuestionKind::MultiChoice { .. } => "multi_choice",
            QuestionKind::Scale { .. } => "scale",
            QuestionKind::YesNo { .. } => "yes_no",
            QuestionKind::Integer { .. } => "integer",
            QuestionKind::Decimal { .. } => "decimal",
            QuestionKind::Text { .. } => "text",
        }
    }

    /// The options of a choice question; empty for other types.
    pub fn options(&self) -> &[ChoiceOption] {
        match self {
            QuestionKind::SingleChoice { options } | QuestionKind::MultiChoice { options, .. } => {
                options
            }
            _ => &[],
        }
    }

    /// The values an answer can take that a `show_if` may test: option values for choice
    /// questions, "yes" and "no" for yes_no, and nothing for the other types.
    pub fn conditional_values(&self) -> Vec<&str> {
        match self {
            QuestionKind::YesNo { .. } => vec!["yes", "no"],
            other => other.options().iter().map(|o| o.value.as_str()).collect(),
        }
    }
}

impl Question {
    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }

    /// Whether the question contributes to a dimension score.
    pub fn is_scored(&self) -> bool {
        self.dimension.is_some()
    }

    /// The option with this value, for choice questions.
    pub fn option(&self, value: &str) -> Option<&ChoiceOption> {
        self.kind.options().iter().find(|o| o.value == value)
    }

    /// The points a respondent can earn on this question when it is shown, or `None` when the
    /// question is unscored. See the scoring rule in [`crate::domain::scoring`].
    pub fn max_points(&self) -> Option<f64> {
        self.dimension.as_ref()?;
        let points = match &self.kind {
            QuestionKind::SingleChoice { options } => max_of(options.iter().map(option_score)),
            QuestionKind::MultiChoice { options, max_score } => max_score
                .unwrap_or_else(|| options.iter().map(option_score).filter(|s| *s > 0.0).sum()),
            QuestionKind::Scale { points, .. } => f64::from(points.saturating_sub(1)),
            QuestionKind::YesNo { scores } => scores.map_or(0.0, |s| s.yes.max(s.no)),
            QuestionKind::Integer { bands, .. } | QuestionKind::Decimal { bands, .. } => {
                max_of(bands.iter().map(|b| b.score))
            }
            QuestionKind::Text { .. } => 0.0,
        };
        Some(points)
    }

    /// The longest text answer accepted (text questions only).
    pub fn max_length(&self) -> Option<u32> {
        match self.kind {
            QuestionKind::Text { max_length } => {
                Some(max_length.unwrap_or(DEFAULT_TEXT_MAX_LENGTH))
            }
            _ => None,
        }
    }
}

fn option_score(option: &ChoiceOption) -> f64 {
    option.score.unwrap_or(0.0)
}

/// The largest value, or 0 when there is none (a score below 0 never counts as available).
fn max_of(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, f64::max)
}

/// The score a numeric answer earns: that of the band with the highest `min` not above the
/// answer, or 0 below every band. Bands are ascending by `min` once validated.
pub fn band_score(bands: &[Band], answer: f64) -> f64 {
    bands
        .iter()
        .filter(|b| b.min <= answer)
        .max_by(|a, b| a.min.total_cmp(&b.min))
        .map_or(0.0, |b| b.score)
}
