//! `soundings import`: load survey definitions and organisations from files.

use crate::domain::definition::{Definition, Format};
use crate::service::organisations::{CodesTaken, import_csv};
use crate::service::surveys::{SHIPPED_INSTRUMENT, import};
use crate::service::{ServiceError, Services};
use anyhow::{Context, bail};
use clap::Subcommand;
use std::path::PathBuf;

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

pub async fn run(services: &Services, command: ImportCommand) -> anyhow::Result<()> {
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
            let outcome = import(services, &definition, publish).await?;
            println!("{outcome}");
            Ok(())
        }
        ImportCommand::Organisations { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let imported = match import_csv(services, "cli", &text).await {
                Ok(Ok(imported)) => imported,
                Ok(Err(CodesTaken(lines))) => {
                    let taken: Vec<&str> = lines.iter().map(|(_, code)| code.as_str()).collect();
                    bail!(
                        "{} code(s) already exist ({}); nothing was imported",
                        taken.len(),
                        taken.join(", ")
                    );
                }
                Err(ServiceError::Invalid { issues, .. }) => {
                    let lines: Vec<String> = issues
                        .iter()
                        .map(|i| format!("  {}: {}", i.path, i.message))
                        .collect();
                    bail!(
                        "{} has {} problems; nothing was imported:\n{}",
                        file.display(),
                        issues.len(),
                        lines.join("\n")
                    );
                }
                Err(other) => return Err(other.into()),
            };
            println!(
                "Imported {} organisations ({}-separated).",
                imported.created,
                imported.delimiter.name()
            );
            Ok(())
        }
    }
}
