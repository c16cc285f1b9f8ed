//! `soundings import`: load survey definitions and organisations from files.

use crate::domain::definition::{Definition, Format};
use crate::domain::organisation::{OrganisationsCsv, parse_csv};
use crate::store::surveys::DraftOutcome;
use crate::store::{Database, audit, organisations, surveys};
use anyhow::{Context, bail};
use clap::Subcommand;
use sea_orm::TransactionTrait;
use serde_json::json;
use std::path::PathBuf;

/// The instrument Soundings ships with, embedded so that `import survey` and the demo need no files.
pub const SHIPPED_INSTRUMENT: &str =
    include_str!("../instruments/nhs-social-media-maturity.v1.yaml");

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Load a survey definition (YAML or JSON) as a draft version, creating the survey if needed
    Survey {
        /// The definition file; without it, the shipped NHS social media maturity survey
        file: Option<PathBuf>,
        /// Publish the version once loaded, so rounds can use it
        #[arg(long)]
        publish: bool,
    },
    /// Load organisations from a CSV file with the columns code,name,kind,region,country,size_band
    /// (separated by commas, semicolons or tabs)
    Organisations {
        /// The CSV file (header row first)
        file: PathBuf,
    },
}

pub async fn run(db: &Database, command: ImportCommand) -> anyhow::Result<()> {
    match command {
        ImportCommand::Survey { file, publish } => {
            let (text, format, source) = match &file {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    let is_json = path
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
                    (
                        text,
                        if is_json { Format::Json } else { Format::Yaml },
                        path.display().to_string(),
                    )
                }
                None => (
                    SHIPPED_INSTRUMENT.to_owned(),
                    Format::Yaml,
                    "the shipped instrument".to_owned(),
                ),
            };
            let definition = Definition::parse(&text, format).map_err(|errors| {
                let lines: Vec<String> = errors
                    .iter()
                    .map(|e| format!("  {}: {}", e.path, e.message))
                    .collect();
                anyhow::anyhow!(
                    "{source} is not a valid definition ({} problems):\n{}",
                    errors.len(),
                    lines.join("\n")
                )
            })?;
            let outcome = import_definition(db, &definition, publish).await?;
            println!("{outcome}");
            Ok(())
        }
        ImportCommand::Organisations { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let OrganisationsCsv { delimiter, rows } = parse_csv(&text).map_err(|issues| {
                let lines: Vec<String> = issues
                    .iter()
                    .map(|i| format!("  {}: {}", i.path, i.message))
                    .collect();
                anyhow::anyhow!(
                    "{} has {} problems; nothing was imported:\n{}",
                    file.display(),
                    issues.len(),
                    lines.join("\n")
                )
            })?;
            let tx = db.conn.begin().await?;
            let codes: Vec<String> = rows.iter().map(|(_, o)| o.code.clone()).collect();
            let existing = organisations::find_by_codes(&tx, &codes).await?;
            if !existing.is_empty() {
                let taken: Vec<&str> = existing.iter().map(|o| o.code.as_str()).collect();
                bail!(
                    "{} code(s) already exist ({}); nothing was imported",
                    taken.len(),
                    taken.join(", ")
                );
            }
            let inputs: Vec<_> = rows.into_iter().map(|(_, o)| o).collect();
            organisations::insert_many(&tx, &inputs).await?;
            audit::record(
                &tx,
                audit::Event {
                    actor: "cli",
                    action: "organisation.import",
                    subject_type: "organisation",
                    subject_id: None,
                    details: json!({ "created": inputs.len() }),
                },
            )
            .await?;
            tx.commit().await?;
            println!(
                "Imported {} organisations ({}-separated).",
                inputs.len(),
                delimiter.name()
            );
            Ok(())
        }
    }
}

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

async fn record(
    db: &impl sea_orm::ConnectionTrait,
    action: &str,
    subject: &str,
    details: serde_json::Value,
) -> Result<(), crate::store::DbError> {
    audit::record(
        db,
        audit::Event {
            actor: "cli",
            action,
            subject_type: action.split('.').next().unwrap_or(action),
            subject_id: Some(subject.to_owned()),
            details,
        },
    )
    .await
}
