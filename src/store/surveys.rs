//! Surveys and their versions. A draft version may be replaced; a published one never changes.

use super::DbError;
use crate::domain::definition::{Definition, Format};
use crate::domain::survey_version::VersionStatus;
use chrono::Utc;
use entity::{survey, survey_version};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

pub async fn create(
    db: &impl ConnectionTrait,
    slug: &str,
    title: &str,
) -> Result<survey::Model, DbError> {
    survey::ActiveModel {
        slug: Set(slug.to_owned()),
        title: Set(title.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)
}

pub async fn find(db: &impl ConnectionTrait, slug: &str) -> Result<Option<survey::Model>, DbError> {
    super::unique(
        survey::Entity::find().filter(survey::Column::Slug.eq(slug)),
        db,
    )
    .await
}

pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<survey::Model>, DbError> {
    super::unique(survey::Entity::find_by_id(id), db).await
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<survey::Model>, DbError> {
    survey::Entity::find()
        .order_by_asc(survey::Column::Slug)
        .all(db)
        .await
        .map_err(DbError::classify)
}

/// Every version of a survey, oldest first.
pub async fn versions(
    db: &impl ConnectionTrait,
    survey_id: i32,
) -> Result<Vec<survey_version::Model>, DbError> {
    survey_version::Entity::find()
        .filter(survey_version::Column::SurveyId.eq(survey_id))
        .order_by_asc(survey_version::Column::Version)
        .all(db)
        .await
        .map_err(DbError::classify)
}

pub async fn find_version(
    db: &impl ConnectionTrait,
    survey_id: i32,
    version: i32,
) -> Result<Option<survey_version::Model>, DbError> {
    super::unique(
        survey_version::Entity::find()
            .filter(survey_version::Column::SurveyId.eq(survey_id))
            .filter(survey_version::Column::Version.eq(version)),
        db,
    )
    .await
}

pub async fn find_version_by_id(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<survey_version::Model>, DbError> {
    super::unique(survey_version::Entity::find_by_id(id), db).await
}

/// The version with `id`, which a foreign key says exists (a round's, for instance): its
/// absence is an error, not an answer.
pub async fn existing_version(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<survey_version::Model, DbError> {
    find_version_by_id(db, id).await?.ok_or_else(|| {
        DbError::Other(sea_orm::DbErr::RecordNotFound(format!(
            "survey version {id}"
        )))
    })
}

/// What saving a draft did.
pub enum DraftOutcome {
    Created(survey_version::Model),
    Replaced(survey_version::Model),
    /// The version exists and is no longer a draft; nothing was changed.
    Immutable(survey_version::Model),
}

/// The version's status as stored.
pub fn status(version: &survey_version::Model) -> Result<VersionStatus, DbError> {
    Ok(VersionStatus::parse(&version.status)?)
}

/// Creates the draft version the definition names, or replaces it if it is still a draft. The
/// replacement is conditional on the status (`... WHERE status = 'draft'`), so a publish that
/// lands between the read and the write leaves the published definition as it was.
pub async fn save_draft(
    db: &impl ConnectionTrait,
    survey_id: i32,
    definition: &Definition,
) -> Result<DraftOutcome, DbError> {
    let version = i32::try_from(definition.version).unwrap_or(i32::MAX);
    let now = Utc::now();
    match find_version(db, survey_id, version).await? {
        Some(existing) if status(&existing)?.replaceable().is_err() => {
            Ok(DraftOutcome::Immutable(existing))
        }
        Some(existing) => {
            let replaced = survey_version::Entity::update_many()
                .col_expr(
                    survey_version::Column::Definition,
                    Expr::value(definition.to_canonical_json()),
                )
                .col_expr(
                    survey_version::Column::Sha256,
                    Expr::value(definition.sha256()),
                )
                .col_expr(survey_version::Column::UpdatedAt, Expr::value(now))
                .filter(survey_version::Column::Id.eq(existing.id))
                .filter(survey_version::Column::Status.eq(VersionStatus::Draft.as_str()))
                .exec_with_returning(db)
                .await
                .map_err(DbError::classify)?;
            match replaced.into_iter().next() {
                Some(model) => Ok(DraftOutcome::Replaced(model)),
                None => immutable(db, survey_id, version).await,
            }
        }
        None => {
            let created = survey_version::ActiveModel {
                survey_id: Set(survey_id),
                version: Set(version),
                status: Set(VersionStatus::Draft.as_str().to_owned()),
                definition: Set(definition.to_canonical_json()),
                sha256: Set(definition.sha256()),
                created_at: Set(now),
                updated_at: Set(now),
                published_at: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await
            .map_err(DbError::classify)?;
            Ok(DraftOutcome::Created(created))
        }
    }
}

/// The version as another writer left it, after a conditional write found it no longer a draft.
async fn immutable(
    db: &impl ConnectionTrait,
    survey_id: i32,
    version: i32,
) -> Result<DraftOutcome, DbError> {
    find_version(db, survey_id, version)
        .await?
        .map(DraftOutcome::Immutable)
        .ok_or_else(|| {
            DbError::Other(sea_orm::DbErr::Custom(format!(
                "survey version {version} disappeared while it was being saved"
            )))
        })
}

/// Marks version `id` published if it is still a draft, in one statement; `None` if another
/// request published it first. From then on its definition and hash never change.
pub async fn publish(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<survey_version::Model>, DbError> {
    let now = Utc::now();
    let published = survey_version::Entity::update_many()
        .col_expr(
            survey_version::Column::Status,
            Expr::value(VersionStatus::Published.as_str()),
        )
        .col_expr(survey_version::Column::PublishedAt, Expr::value(now))
        .col_expr(survey_version::Column::UpdatedAt, Expr::value(now))
        .filter(survey_version::Column::Id.eq(id))
        .filter(survey_version::Column::Status.eq(VersionStatus::Draft.as_str()))
        .exec_with_returning(db)
        .await
        .map_err(DbError::classify)?;
    Ok(published.into_iter().next())
}

/// The stored definition of a version. It was validated when saved, so failing to parse it
/// means the database was changed behind the application's back.
pub fn definition_of(version: &survey_version::Model) -> Result<Definition, DbError> {
    Definition::parse(&version.definition, Format::Json).map_err(|errors| {
        let first = errors
            .first()
            .map(|e| format!("{}: {}", e.path, e.message))
            .unwrap_or_default();
        DbError::Other(sea_orm::DbErr::Custom(format!(
            "stored definition of survey version {} does not parse: {first}",
            version.id
        )))
    })
}
