//! What the surveys API takes and answers: surveys, versions, validation reports, and a
//! definition document served as JSON or YAML.

use crate::api::text::Text;
use chrono::{DateTime, Utc};
use poem::{IntoResponse, Response};
use poem_openapi::payload::Json;
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::types::Type;
use poem_openapi::{ApiResponse, Enum, Object};

/// A survey instrument and its versions.
#[derive(Object)]
pub struct Survey {
    pub slug: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    /// Oldest first.
    pub versions: Vec<SurveyVersion>,
}

/// One version of a survey's definition.
#[derive(Object)]
pub struct SurveyVersion {
    pub version: i32,
    /// `draft` (may be replaced), `published` (immutable; rounds can use it) or `retired`.
    pub status: String,
    /// Hex SHA-256 of the definition's canonical JSON; quoted in reports.
    pub sha256: String,
    pub title: String,
    /// The languages every text of the version is given in: `en`, and `cy` for a version in
    /// Welsh too. Pages, reports and e-mails can be had in each of them.
    pub languages: Vec<String>,
    /// Per language, how far its translation may be trusted: `needs_review` (not yet checked by
    /// a speaker of the language) or `reviewed`.
    pub translation_status: std::collections::BTreeMap<String, String>,
    pub dimensions: u32,
    pub questions: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[oai(nullable)]
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Object)]
pub struct NewSurvey {
    /// Lower-case letters, digits and hyphens, e.g. `nhs-social-media-maturity`.
    #[oai(validator(max_length = 200))]
    pub slug: Text,
    #[oai(validator(max_length = 1000))]
    pub title: Text,
}

/// The result of validating a definition without saving it.
#[derive(Object)]
pub struct ValidationReport {
    pub valid: bool,
    pub slug: String,
    pub version: u32,
    pub dimensions: u32,
    pub questions: u32,
    pub sha256: String,
    /// The languages every text is given in (`en`, and `cy` for a version in Welsh too).
    pub languages: Vec<String>,
}

#[derive(ApiResponse)]
pub enum SurveyCreated {
    /// The survey was created.
    #[oai(status = 201)]
    Created(Json<Survey>),
}

#[derive(ApiResponse)]
pub enum DraftSaved {
    /// The dry run found the definition valid; nothing was saved.
    #[oai(status = 200)]
    Valid(Json<ValidationReport>),
    /// A new draft version was created.
    #[oai(status = 201)]
    Created(Json<SurveyVersion>),
    /// The existing draft was replaced.
    #[oai(status = 202)]
    Replaced(Json<SurveyVersion>),
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Yaml,
}

/// A definition document as JSON or YAML.
pub enum DefinitionDocument {
    Json(String),
    Yaml(String),
}

impl IntoResponse for DefinitionDocument {
    fn into_response(self) -> Response {
        match self {
            DefinitionDocument::Json(text) => text
                .with_content_type("application/json; charset=utf-8")
                .into_response(),
            DefinitionDocument::Yaml(text) => text
                .with_content_type("application/yaml; charset=utf-8")
                .into_response(),
        }
    }
}

impl ApiResponse for DefinitionDocument {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The definition document, as JSON or YAML (see `format`).",
                status: Some(200),
                status_range: None,
                content: vec![
                    MetaMediaType {
                        content_type: "application/json; charset=utf-8",
                        schema: serde_json::Value::schema_ref(),
                    },
                    MetaMediaType {
                        content_type: "application/yaml; charset=utf-8",
                        schema: serde_json::Value::schema_ref(),
                    },
                ],
                headers: vec![],
            }],
        }
    }

    fn register(_registry: &mut Registry) {}
}
