//! Survey definitions: loading one as a draft and publishing it, as the command line and the
//! demo do.

use super::record;
use crate::domain::definition::Definition;
use crate::store::surveys::DraftOutcome;
use crate::store::{Database, surveys};
use anyhow::bail;
use sea_orm::TransactionTrait;
use serde_json::json;

/// The instrument Soundings ships with, embedded so that `import survey` and the demo need no files.
pub const SHIPPED_INSTRUMENT: &str =
    include_str!("../instruments/nhs-social-media-maturity.v1.yaml");

/// Saves a definition as a draft (creating its survey if needed) and optionally publishes it.
/// Importing the same published definition again changes nothing, so the demo can re-run.
pub async fn import_definition(
    db: &Database,
    definition: &Definition,
    publish: bool,
) -> anyhow::Result<String> {
    let tx = db.conn.begin().await?;
    let survey = match surveys::find(&tx, &definition.slug).await? {
        Some(s) => s,
        None => {
            let created = surveys::create(&tx, &definition.slug, &definition.title).await?;
            record(
                &tx,
                "cli",
                "survey.create",
                &definition.slug,
                json!({ "title": definition.title }),
            )
            .await?;
            created
        }
    };
    let subject = format!("{}/{}", survey.slug, definition.version);
    let version = match surveys::save_draft(&tx, survey.id, definition).await? {
        DraftOutcome::Immutable(existing) if existing.sha256 == definition.sha256() => {
            tx.commit().await?;
            return Ok(format!(
                "{subject} is already {} with the same content; nothing to do.",
                existing.status
            ));
        }
        DraftOutcome::Immutable(existing) => {
            bail!(
                "{subject} is {} and differs from this file; give the file a new version number",
                existing.status
            )
        }
        DraftOutcome::Created(v) => {
            record(
                &tx,
                "cli",
                "survey_version.create",
                &subject,
                json!({ "sha256": v.sha256 }),
            )
            .await?;
            v
        }
        DraftOutcome::Replaced(v) => {
            record(
                &tx,
                "cli",
                "survey_version.replace",
                &subject,
                json!({ "sha256": v.sha256 }),
            )
            .await?;
            v
        }
    };
    let status = if publish {
        // In this transaction the version was just written as a draft; only a concurrent
        // publish could have moved it since.
        let Some(published) = surveys::publish(&tx, version.id).await? else {
            bail!("{subject} was published by someone else meanwhile; nothing was changed");
        };
        record(
            &tx,
            "cli",
            "survey_version.publish",
            &subject,
            json!({ "sha256": published.sha256 }),
        )
        .await?;
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
