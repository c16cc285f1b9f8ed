//! `soundings import`: load survey definitions and organisations from files.

use crate::domain::definition::{Definition, Format};
use crate::domain::organisation::{OrganisationsCsv, parse_csv};
use crate::store::{Database, audit, organisations};
use anyhow::{Context, bail};
use clap::Subcommand;
use sea_orm::TransactionTrait;
use serde_json::json;
use std::path::PathBuf;

pub use crate::service::surveys::{SHIPPED_INSTRUMENT, import_definition};

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
