//! `/surveys`: instruments and their versions. Admins create surveys, upload and validate draft
//! versions, and publish them; researchers may read them.

use super::ApiTags;
use super::audit::record;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::payloads::DocumentBody;
use super::problem::{ApiError, ApiResult, FieldError};
use crate::domain::definition::{Definition, DefinitionError, Format};
use crate::domain::role::Role;
use crate::service::Services;
use crate::store::surveys::DraftOutcome;
use crate::store::{DbError, surveys};
use entity::{survey, survey_version};
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use sea_orm::TransactionTrait;
use serde_json::json;

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
        let slug = body.0.slug.trim().to_owned();
        let title = body.0.title.trim().to_owned();
        let mut errors = Vec::new();
        if !valid_slug(&slug) {
            errors.push(FieldError::new("slug", "must be lower-case letters, digits and hyphens, starting with a letter (at most 100)"));
        }
        if title.is_empty() || title.chars().count() > 300 {
            errors.push(FieldError::new("title", "must be 1 to 300 characters"));
        }
        if !errors.is_empty() {
            return Err(ApiError::validation("The survey is not valid.", errors).into());
        }
        let tx = state.db.conn.begin().await.map_err(DbError::classify)?;
        let created = surveys::create(&tx, &slug, &title)
            .await
            .map_err(|e| match e {
                DbError::Conflict(_) => {
                    ApiError::conflict(format!("A survey with slug {slug} already exists."))
                }
                other => other.into(),
            })?;
        record(
            &tx,
            &auth.0,
            "survey.create",
            Some(slug.clone()),
            json!({ "title": title }),
        )
        .await?;
        tx.commit().await.map_err(DbError::classify)?;
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
        let mut out = Vec::new();
        for s in surveys::list(&state.db.conn).await? {
            out.push(survey_with_versions(&state, s).await?);
        }
        Ok(Json(out))
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
        let found = find_survey(&state, &slug.0).await?;
        Ok(Json(survey_with_versions(&state, found).await?))
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
        let survey = find_survey(&state, &slug.0).await?;
        let format = Format::from_content_type(&body.media_type).unwrap_or(Format::Json);
        let definition = parse_definition(&body.text, format)?;
        let mut errors = Vec::new();
        if definition.slug != survey.slug {
            errors.push(FieldError::new(
                "slug",
                format!("is {}, but this is survey {}", definition.slug, survey.slug),
            ));
        }
        if i64::from(definition.version) != i64::from(version.0) {
            errors.push(FieldError::new(
                "version",
                format!("is {}, but the path says {}", definition.version, version.0),
            ));
        }
        if !errors.is_empty() {
            return Err(
                ApiError::validation("The document does not match the path.", errors).into(),
            );
        }
        if dry_run.0.unwrap_or(false) {
            return Ok(DraftSaved::Valid(Json(ValidationReport {
                valid: true,
                slug: definition.slug.clone(),
                version: definition.version,
                dimensions: definition.dimensions.len() as u32,
                questions: definition.questions().count() as u32,
                sha256: definition.sha256(),
            })));
        }
        // A write transaction from the start: on SQLite, one that read the version first could
        // not take the write lock after a concurrent publish and would fail.
        let tx = state.db.begin_write().await?;
        let outcome = surveys::save_draft(&*tx, survey.id, &definition).await?;
        let (model, replaced) = match outcome {
            DraftOutcome::Created(m) => (m, false),
            DraftOutcome::Replaced(m) => (m, true),
            DraftOutcome::Immutable(m) => {
                return Err(ApiError::conflict(format!(
                    "Version {} of {} is {} and cannot change; upload it as a new version.",
                    m.version, survey.slug, m.status
                ))
                .into());
            }
        };
        let action = if replaced {
            "survey_version.replace"
        } else {
            "survey_version.create"
        };
        record(
            &*tx,
            &auth.0,
            action,
            Some(format!("{}/{}", survey.slug, model.version)),
            json!({ "sha256": model.sha256 }),
        )
        .await?;
        tx.commit().await?;
        let out = Json(version_summary(&model, &definition));
        Ok(if replaced {
            DraftSaved::Replaced(out)
        } else {
            DraftSaved::Created(out)
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
        let (_, model) = find_version(&state, &slug.0, version.0).await?;
        let definition = surveys::definition_of(&model)?;
        Ok(Json(version_summary(&model, &definition)))
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
        let (_, model) = find_version(&state, &slug.0, version.0).await?;
        let definition = surveys::definition_of(&model)?;
        Ok(match format.0.unwrap_or(ExportFormat::Json) {
            ExportFormat::Json => DefinitionDocument::Json(model.definition),
            ExportFormat::Yaml => DefinitionDocument::Yaml(definition.to_yaml()),
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
        let (survey, model) = find_version(&state, &slug.0, version.0).await?;
        let subject = format!("Version {} of {}", model.version, survey.slug);
        surveys::status(&model)?
            .publish()
            .map_err(|refused| ApiError::conflict(refused.about(&subject)))?;
        let definition = surveys::definition_of(&model)?;
        let tx = state.db.begin_write().await?;
        let Some(published) = surveys::publish(&*tx, model.id).await? else {
            return Err(ApiError::conflict(format!(
                "{subject} was published by another request while this one ran."
            ))
            .into());
        };
        record(
            &*tx,
            &auth.0,
            "survey_version.publish",
            Some(format!("{}/{}", survey.slug, published.version)),
            json!({ "sha256": published.sha256 }),
        )
        .await?;
        tx.commit().await?;
        Ok(Json(version_summary(&published, &definition)))
    }
}

/// Survey slugs: lower-case letters, digits and hyphens, starting with a letter.
fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && slug.starts_with(|c: char| c.is_ascii_lowercase())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Parses a definition, turning every problem into a field error of one 422.
pub fn parse_definition(text: &str, format: Format) -> ApiResult<Definition> {
    Definition::parse(text, format).map_err(|errors: Vec<DefinitionError>| {
        let count = errors.len();
        ApiError::validation(
            format!(
                "The definition has {count} problem{}; see `errors`.",
                if count == 1 { "" } else { "s" }
            ),
            errors
                .into_iter()
                .map(|e| FieldError::new(e.path, e.message))
                .collect(),
        )
    })
}

async fn find_survey(state: &Services, slug: &str) -> ApiResult<survey::Model> {
    surveys::find(&state.db.conn, slug)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no survey {slug}.")))
}

async fn find_version(
    state: &Services,
    slug: &str,
    version: i32,
) -> ApiResult<(survey::Model, survey_version::Model)> {
    let survey = find_survey(state, slug).await?;
    let model = surveys::find_version(&state.db.conn, survey.id, version)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Survey {slug} has no version {version}.")))?;
    Ok((survey, model))
}

async fn survey_with_versions(state: &Services, survey: survey::Model) -> ApiResult<Survey> {
    let mut versions = Vec::new();
    for model in surveys::versions(&state.db.conn, survey.id).await? {
        let definition = surveys::definition_of(&model)?;
        versions.push(version_summary(&model, &definition));
    }
    Ok(Survey {
        slug: survey.slug,
        title: survey.title,
        created_at: survey.created_at,
        versions,
    })
}

fn version_summary(model: &survey_version::Model, definition: &Definition) -> SurveyVersion {
    SurveyVersion {
        version: model.version,
        status: model.status.clone(),
        sha256: model.sha256.clone(),
        title: definition.title.clone(),
        dimensions: definition.dimensions.len() as u32,
        questions: definition.questions().count() as u32,
        created_at: model.created_at,
        updated_at: model.updated_at,
        published_at: model.published_at,
    }
}
