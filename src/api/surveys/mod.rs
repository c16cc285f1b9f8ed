//! `/surveys`: instruments and their versions. Admins create surveys, upload and validate draft
//! versions, and publish them; researchers may read them.

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::media_types::DocumentBody;
use crate::domain::definition::Format;
use crate::domain::role::Role;
use crate::service::Services;
use crate::service::surveys::{self, Saved, SurveyView, VersionView};
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

#[derive(Default)]
pub struct SurveysApi;

mod documents;

pub use documents::{
    DefinitionDocument, DraftSaved, ExportFormat, NewSurvey, Survey, SurveyCreated, SurveyVersion,
    ValidationReport,
};

#[OpenApi(tag = "ApiTags::Surveys")]
impl SurveysApi {
    /// Create a survey
    ///
    /// Who may call: admin. A survey is an empty container until a version is uploaded.
    /// 409 if the slug is taken.
    #[oai(path = "/surveys", method = "post", operation_id = "create_survey")]
    async fn create(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        body: Json<NewSurvey>,
    ) -> Answer<SurveyCreated, { ROLE | BODY | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let created = surveys::create(&state, &auth.0.actor(), &body.0.slug, &body.0.title).await?;
        Ok(SurveyCreated::Created(Json(Survey {
            slug: created.slug,
            title: created.title,
            created_at: created.created_at,
            versions: vec![],
        })))
    }

    /// List surveys
    ///
    /// Who may call: admin or researcher.
    #[oai(path = "/surveys", method = "get", operation_id = "list_surveys")]
    async fn list(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
    ) -> Answer<Json<Vec<Survey>>, { KEY }> {
        auth.0.require(Role::Researcher)?;
        let found = surveys::list(&state).await?;
        Ok(Json(found.into_iter().map(Survey::from).collect()))
    }

    /// Get a survey with its versions
    ///
    /// Who may call: admin or researcher.
    #[oai(path = "/surveys/:slug", method = "get", operation_id = "get_survey")]
    async fn get(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        slug: Path<String>,
    ) -> Answer<Json<Survey>, { KEY | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        Ok(Json(surveys::get(&state, &slug.0).await?.into()))
    }

    /// Upload or validate a draft version
    ///
    /// Who may call: admin. The body is the definition document as JSON (`application/json`) or
    /// YAML (`application/yaml`, `application/x-yaml` or `text/yaml`: accepted, though the
    /// schema below lists only the JSON that generated clients send); its `slug` and `version`
    /// must match the path. Every problem is
    /// reported at once in the 422, each with its path in the document (e.g.
    /// `sections[2].questions[4].options`). With `dry_run=true` nothing is saved. A draft may be
    /// replaced any number of times; a published version never changes (409): publish a new
    /// version instead.
    #[oai(
        path = "/surveys/:slug/versions/:version",
        method = "put",
        operation_id = "put_survey_version"
    )]
    async fn put_version(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        slug: Path<String>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100000")))] version: Path<i32>,
        /// Validate only; save nothing.
        dry_run: Query<Option<bool>>,
        body: DocumentBody,
    ) -> Answer<DraftSaved, { ROLE | BODY | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let format = Format::from_content_type(&body.media_type).unwrap_or(Format::Json);
        let saved = surveys::save_draft(
            &state,
            &auth.0.actor(),
            &slug.0,
            version.0,
            (&body.text, format),
            dry_run.0.unwrap_or(false),
        )
        .await?;
        Ok(match saved {
            Saved::Valid(definition) => DraftSaved::Valid(Json(ValidationReport {
                valid: true,
                slug: definition.slug.clone(),
                version: definition.version,
                dimensions: definition.dimensions.len() as u32,
                questions: definition.questions().count() as u32,
                sha256: definition.sha256(),
                languages: definition
                    .languages
                    .iter()
                    .map(|l| l.code().to_owned())
                    .collect(),
            })),
            Saved::Created(view) => DraftSaved::Created(Json(view.into())),
            Saved::Replaced(view) => DraftSaved::Replaced(Json(view.into())),
        })
    }

    /// Get a version's metadata
    ///
    /// Who may call: admin or researcher.
    #[oai(
        path = "/surveys/:slug/versions/:version",
        method = "get",
        operation_id = "get_survey_version"
    )]
    async fn get_version(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        slug: Path<String>,
        version: Path<i32>,
    ) -> Answer<Json<SurveyVersion>, { KEY | BAD_REQUEST | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        Ok(Json(
            surveys::version(&state, &slug.0, version.0).await?.into(),
        ))
    }

    /// Export a version's definition
    ///
    /// Who may call: admin or researcher. `format=json` (default) or `format=yaml`.
    #[oai(
        path = "/surveys/:slug/versions/:version/definition",
        method = "get",
        operation_id = "export_survey_version"
    )]
    async fn export_version(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        slug: Path<String>,
        version: Path<i32>,
        /// `json` or `yaml`.
        format: Query<Option<ExportFormat>>,
    ) -> Answer<DefinitionDocument, { KEY | BAD_REQUEST | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        let found = surveys::version(&state, &slug.0, version.0).await?;
        Ok(match format.0.unwrap_or(ExportFormat::Json) {
            ExportFormat::Json => DefinitionDocument::Json(found.version.definition),
            ExportFormat::Yaml => DefinitionDocument::Yaml(found.definition.to_yaml()),
        })
    }

    /// Publish a draft version
    ///
    /// Who may call: admin. From then on the version is immutable and rounds can use it.
    /// 409 if it is already published or retired.
    #[oai(
        path = "/surveys/:slug/versions/:version/publish",
        method = "post",
        operation_id = "publish_survey_version"
    )]
    async fn publish(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        slug: Path<String>,
        version: Path<i32>,
    ) -> Answer<Json<SurveyVersion>, { ROLE | BAD_REQUEST | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let published = surveys::publish(&state, &auth.0.actor(), &slug.0, version.0).await?;
        Ok(Json(published.into()))
    }
}

impl From<SurveyView> for Survey {
    fn from(view: SurveyView) -> Self {
        Survey {
            slug: view.survey.slug,
            title: view.survey.title,
            created_at: view.survey.created_at,
            versions: view.versions.into_iter().map(SurveyVersion::from).collect(),
        }
    }
}

impl From<VersionView> for SurveyVersion {
    fn from(view: VersionView) -> Self {
        let (model, definition) = (view.version, view.definition);
        SurveyVersion {
            version: model.version,
            status: model.status,
            sha256: model.sha256,
            title: definition.title.to_string(),
            languages: definition
                .languages
                .iter()
                .map(|l| l.code().to_owned())
                .collect(),
            translation_status: definition.translation_status.clone(),
            dimensions: definition.dimensions.len() as u32,
            questions: definition.questions().count() as u32,
            created_at: model.created_at,
            updated_at: model.updated_at,
            published_at: model.published_at,
        }
    }
}
