//! Surveys and their versions: creating a survey, saving a definition as a draft, publishing
//! it. The API, the command line and the demo all save and publish through the same two steps
//! ([`save_draft_in`], [`publish_in`]), so the rules and the audit trail are the same whoever
//! uploads.

pub use super::definitions::parse_definition;
use super::records::{Survey, SurveyVersion};
use super::{ServiceError, ServiceResult, Services, record};
use crate::domain::definition::{Definition, Format};
use crate::domain::validation::{FieldIssue, NO_CONTROL, has_control};
use crate::store::surveys::DraftOutcome;
use crate::store::{Database, DbError, surveys};
use serde_json::json;

/// The instrument Soundings ships with, embedded so that `import survey` and the demo need no files.
pub const SHIPPED_INSTRUMENT: &str =
    include_str!("../instruments/nhs-social-media-maturity.v1.yaml");

/// A stored version with its parsed definition.
pub struct VersionView {
    pub version: SurveyVersion,
    pub definition: Definition,
}

/// A survey with every version, oldest first.
pub struct SurveyView {
    pub survey: Survey,
    pub versions: Vec<VersionView>,
}

/// Creates a survey with no versions yet.
pub async fn create(
    services: &Services,
    actor: &str,
    slug: &str,
    title: &str,
) -> ServiceResult<Survey> {
    let slug = slug.trim();
    let title = title.trim();
    let mut errors = Vec::new();
    if !valid_slug(slug) {
        errors.push(FieldIssue::new(
            "slug",
            "must be lower-case letters, digits and hyphens, starting with a letter (at most 100)",
        ));
    }
    if title.is_empty() || title.chars().count() > 300 {
        errors.push(FieldIssue::new("title", "must be 1 to 300 characters"));
    } else if has_control(title) {
        errors.push(FieldIssue::new("title", NO_CONTROL));
    }
    if !errors.is_empty() {
        return Err(ServiceError::rejected("The survey is not valid.", errors));
    }
    let tx = services.db.begin_write().await?;
    let created = surveys::create(&*tx, slug, title)
        .await
        .map_err(|e| match e {
            DbError::Conflict(_) => {
                ServiceError::conflict(format!("A survey with slug {slug} already exists."))
            }
            other => other.into(),
        })?;
    record(
        &*tx,
        actor,
        "survey.create",
        slug,
        json!({ "title": title }),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

/// Every survey with its versions.
pub async fn list(services: &Services) -> ServiceResult<Vec<SurveyView>> {
    let mut out = Vec::new();
    for s in surveys::list(&services.db).await? {
        out.push(with_versions(services, s).await?);
    }
    Ok(out)
}

/// One survey with its versions.
pub async fn get(services: &Services, slug: &str) -> ServiceResult<SurveyView> {
    let found = find(services, slug).await?;
    with_versions(services, found).await
}

/// One version of a survey.
pub async fn version(services: &Services, slug: &str, version: i32) -> ServiceResult<VersionView> {
    let (_, model) = find_version(services, slug, version).await?;
    let definition = surveys::definition_of(&model)?;
    Ok(VersionView {
        version: model,
        definition,
    })
}

/// Whether a draft was made or an existing draft replaced (or, on a dry run, only checked).
pub enum Saved {
    Valid(Definition),
    Created(VersionView),
    Replaced(VersionView),
}

/// Saves a definition document as draft `version` of survey `slug` (its slug and version must
/// match); with `dry_run`, only checks it. A draft may be replaced any number of times; a
/// published version never changes.
pub async fn save_draft(
    services: &Services,
    actor: &str,
    slug: &str,
    version: i32,
    document: (&str, Format),
    dry_run: bool,
) -> ServiceResult<Saved> {
    let survey = find(services, slug).await?;
    let definition = parse_definition(document.0, document.1).await?;
    check_matches(&survey, version, &definition)?;
    if dry_run {
        return Ok(Saved::Valid(definition));
    }
    // A write transaction from the start: on SQLite, one that read the version first could
    // not take the write lock after a concurrent publish and would fail.
    let tx = services.db.begin_write().await?;
    let outcome = save_draft_in(&*tx, actor, &survey, &definition).await?;
    tx.commit().await?;
    Ok(match outcome {
        DraftOutcome::Created(version) => Saved::Created(VersionView {
            version,
            definition,
        }),
        DraftOutcome::Replaced(version) => Saved::Replaced(VersionView {
            version,
            definition,
        }),
        DraftOutcome::Immutable(m) => {
            return Err(ServiceError::conflict(format!(
                "Version {} of {} is {} and cannot change; upload it as a new version.",
                m.version, survey.slug, m.status
            )));
        }
    })
}

/// Refused unless the document's slug and version are the ones it is uploaded as.
fn check_matches(survey: &Survey, version: i32, definition: &Definition) -> ServiceResult<()> {
    let mut errors = Vec::new();
    if definition.slug != survey.slug {
        errors.push(FieldIssue::new(
            "slug",
            format!("is {}, but this is survey {}", definition.slug, survey.slug),
        ));
    }
    if i64::from(definition.version) != i64::from(version) {
        errors.push(FieldIssue::new(
            "version",
            format!("is {}, but the path says {}", definition.version, version),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::rejected(
            "The document does not match the path.",
            errors,
        ))
    }
}

/// Publishes a draft version: from then on it is immutable and rounds can use it.
pub async fn publish(
    services: &Services,
    actor: &str,
    slug: &str,
    version: i32,
) -> ServiceResult<VersionView> {
    let (survey, model) = find_version(services, slug, version).await?;
    let subject = format!("Version {} of {}", model.version, survey.slug);
    surveys::status(&model)?
        .publish()
        .map_err(|refused| ServiceError::conflict(refused.about(&subject)))?;
    let definition = surveys::definition_of(&model)?;
    let tx = services.db.begin_write().await?;
    let Some(published) = publish_in(&*tx, actor, &survey, model.id).await? else {
        return Err(ServiceError::conflict(format!(
            "{subject} was published by another request while this one ran."
        )));
    };
    tx.commit().await?;
    Ok(VersionView {
        version: published,
        definition,
    })
}

/// Saves a definition as a draft in `tx` and records it (created or replaced); an immutable
/// version is left alone and returned as it is.
async fn save_draft_in(
    tx: &impl sea_orm::ConnectionTrait,
    actor: &str,
    survey: &Survey,
    definition: &Definition,
) -> Result<DraftOutcome, DbError> {
    let outcome = surveys::save_draft(tx, survey.id, definition).await?;
    let action = match &outcome {
        DraftOutcome::Created(_) => "survey_version.create",
        DraftOutcome::Replaced(_) => "survey_version.replace",
        DraftOutcome::Immutable(_) => return Ok(outcome),
    };
    let (DraftOutcome::Created(v) | DraftOutcome::Replaced(v)) = &outcome else {
        return Ok(outcome);
    };
    let subject = format!("{}/{}", survey.slug, v.version);
    record(tx, actor, action, &subject, json!({ "sha256": v.sha256 })).await?;
    Ok(outcome)
}

/// Publishes a draft in `tx` and records it; `None` if it was no longer a draft.
async fn publish_in(
    tx: &impl sea_orm::ConnectionTrait,
    actor: &str,
    survey: &Survey,
    version_id: i32,
) -> Result<Option<SurveyVersion>, DbError> {
    let Some(published) = surveys::publish(tx, version_id).await? else {
        return Ok(None);
    };
    let subject = format!("{}/{}", survey.slug, published.version);
    record(
        tx,
        actor,
        "survey_version.publish",
        &subject,
        json!({ "sha256": published.sha256 }),
    )
    .await?;
    Ok(Some(published))
}

/// [`import_definition`] for a front end that holds the services (the command line).
pub async fn import(
    services: &Services,
    definition: &Definition,
    publish: bool,
) -> ServiceResult<String> {
    import_definition(&services.db, definition, publish).await
}

/// Saves a definition as a draft (creating its survey if needed) and optionally publishes it,
/// as the command line does; says what was done. Importing the same published definition again
/// changes nothing, so the demo can re-run.
pub async fn import_definition(
    db: &Database,
    definition: &Definition,
    publish: bool,
) -> ServiceResult<String> {
    let actor = "cli";
    let tx = db.begin_write().await?;
    let survey = match surveys::find(&*tx, &definition.slug).await? {
        Some(s) => s,
        None => {
            let created = surveys::create(&*tx, &definition.slug, &definition.title).await?;
            record(
                &*tx,
                actor,
                "survey.create",
                &definition.slug,
                json!({ "title": definition.title }),
            )
            .await?;
            created
        }
    };
    let subject = format!("{}/{}", survey.slug, definition.version);
    let version = match save_draft_in(&*tx, actor, &survey, definition).await? {
        DraftOutcome::Immutable(existing) if existing.sha256 == definition.sha256() => {
            tx.commit().await?;
            return Ok(format!(
                "{subject} is already {} with the same content; nothing to do.",
                existing.status
            ));
        }
        DraftOutcome::Immutable(existing) => {
            return Err(ServiceError::conflict(format!(
                "{subject} is {} and differs from this file; give the file a new version number",
                existing.status
            )));
        }
        DraftOutcome::Created(v) | DraftOutcome::Replaced(v) => v,
    };
    let status = if publish {
        // In this transaction the version was just written as a draft; only a concurrent
        // publish could have moved it since.
        if publish_in(&*tx, actor, &survey, version.id)
            .await?
            .is_none()
        {
            return Err(ServiceError::conflict(format!(
                "{subject} was published by someone else meanwhile; nothing was changed"
            )));
        }
        "published"
    } else {
        "saved as a draft"
    };
    tx.commit().await?;
    Ok(format!(
        "{subject} {status}: {} dimensions, {} questions, sha256 {}.",
        definition.dimensions.len(),
        definition.questions().count(),
        definition.sha256()
    ))
}

async fn find(services: &Services, slug: &str) -> ServiceResult<Survey> {
    surveys::find(&services.db, slug)
        .await?
        .ok_or_else(|| ServiceError::not_found(format!("There is no survey {slug}.")))
}

async fn find_version(
    services: &Services,
    slug: &str,
    version: i32,
) -> ServiceResult<(Survey, SurveyVersion)> {
    let survey = find(services, slug).await?;
    let model = surveys::find_version(&services.db, survey.id, version)
        .await?
        .ok_or_else(|| {
            ServiceError::not_found(format!("Survey {slug} has no version {version}."))
        })?;
    Ok((survey, model))
}

async fn with_versions(services: &Services, survey: Survey) -> ServiceResult<SurveyView> {
    let mut versions = Vec::new();
    for model in surveys::versions(&services.db, survey.id).await? {
        let definition = surveys::definition_of(&model)?;
        versions.push(VersionView {
            version: model,
            definition,
        });
    }
    Ok(SurveyView { survey, versions })
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
