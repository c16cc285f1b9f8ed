//! A permissive mirror of the document, read before validation.
//!
//! Every field is optional and unknown fields are kept (in `extra`), so that a missing title, an
//! unknown field or `options` on a scale question become collected validation errors with a
//! path, instead of the first serde error ending the parse. Only values of the wrong JSON type
//! (a string where a list belongs) still fail here, through `serde_path_to_error`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Number, Value};

use super::text::RawText;

/// Fields the reader did not expect, by name.
pub type Extra = BTreeMap<String, Value>;

#[derive(Debug, Default, Deserialize)]
#[serde(
    expecting = "a survey definition: a map with slug, version, title, levels, dimensions and sections"
)]
pub struct RawDefinition {
    pub slug: Option<String>,
    pub version: Option<i64>,
    pub title: Option<RawText>,
    pub description: Option<RawText>,
    pub languages: Option<Vec<String>>,
    pub translation_status: Option<BTreeMap<String, String>>,
    pub estimated_minutes: Option<i64>,
    pub levels: Option<Vec<RawLevel>>,
    pub dimensions: Option<Vec<RawDimension>>,
    pub sections: Option<Vec<RawSection>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "a level: a map with name and min_score")]
pub struct RawLevel {
    pub name: Option<RawText>,
    pub min_score: Option<f64>,
    pub description: Option<RawText>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "a dimension: a map with key, title and weight")]
pub struct RawDimension {
    pub key: Option<String>,
    pub title: Option<RawText>,
    pub weight: Option<f64>,
    pub description: Option<RawText>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "a section: a map with key, title and questions")]
pub struct RawSection {
    pub key: Option<String>,
    pub title: Option<RawText>,
    pub intro: Option<RawText>,
    pub questions: Option<Vec<RawQuestion>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The union of the fields of every question type; which ones are allowed depends on `type`.
#[derive(Debug, Deserialize)]
#[serde(expecting = "a question: a map with key, prompt and type")]
pub struct RawQuestion {
    pub key: Option<String>,
    pub prompt: Option<RawText>,
    pub help: Option<RawText>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub required: Option<bool>,
    pub dimension: Option<String>,
    pub show_if: Option<RawShowIf>,
    pub options: Option<Vec<RawOption>>,
    pub max_score: Option<f64>,
    pub points: Option<i64>,
    pub labels: Option<Vec<RawText>>,
    pub scores: Option<RawYesNoScores>,
    pub min: Option<Number>,
    pub max: Option<Number>,
    pub step: Option<f64>,
    pub unit: Option<RawText>,
    pub bands: Option<Vec<RawBand>>,
    pub max_length: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl RawQuestion {
    /// The type-specific fields that are present, by name, so that a field that does not belong
    /// to the question's type can be reported.
    pub fn present_type_fields(&self) -> Vec<&'static str> {
        let present = [
            ("options", self.options.is_some()),
            ("max_score", self.max_score.is_some()),
            ("points", self.points.is_some()),
            ("labels", self.labels.is_some()),
            ("scores", self.scores.is_some()),
            ("min", self.min.is_some()),
            ("max", self.max.is_some()),
            ("step", self.step.is_some()),
            ("unit", self.unit.is_some()),
            ("bands", self.bands.is_some()),
            ("max_length", self.max_length.is_some()),
        ];
        present
            .into_iter()
            .filter_map(|(name, is_present)| is_present.then_some(name))
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "a condition: a map with question and any_of")]
pub struct RawShowIf {
    pub question: Option<String>,
    pub any_of: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "an option: a map with value and label")]
pub struct RawOption {
    pub value: Option<String>,
    pub label: Option<RawText>,
    pub score: Option<f64>,
    pub exclusive: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "scores: a map with yes and no")]
pub struct RawYesNoScores {
    pub yes: Option<f64>,
    pub no: Option<f64>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "a band: a map with min and score")]
pub struct RawBand {
    pub min: Option<f64>,
    pub score: Option<f64>,
    #[serde(flatten)]
    pub extra: Extra,
}
