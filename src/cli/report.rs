//! `soundings report` and `soundings reports`: board reports as PDF files, one or a whole round.

use crate::domain::language::Language;
use crate::report::html::report_html;
use crate::service::benchmarks::{Missing, bulk_round_context, organisation_report, report_in};
use crate::service::{ServiceError, Services, organisations, records, rounds};
use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Args)]
pub struct ReportArgs {
    /// The round's code, e.g. smm-2026 (see GET /api/v1/rounds)
    #[arg(long)]
    pub round: String,
    /// The organisation's code, e.g. RW6
    #[arg(long = "org")]
    pub organisation: String,
    /// Where to write the report (default: soundings-ROUND-ORG.pdf, or .html with --html)
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Write the HTML page instead of the PDF
    #[arg(long)]
    pub html: bool,
    /// The report's language: en or cy (Welsh, when the survey version has it)
    #[arg(long, default_value = "en", value_parser = parse_language)]
    pub lang: Language,
}

#[derive(Args)]
pub struct ReportsArgs {
    /// The round's code, e.g. smm-2026
    #[arg(long)]
    pub round: String,
    /// The folder to write one PDF per organisation into (created if missing)
    #[arg(long)]
    pub out: PathBuf,
    /// How many reports to render at once (default: one per CPU core)
    #[arg(long)]
    pub jobs: Option<usize>,
    /// The reports' language: en or cy (Welsh, when the survey version has it)
    #[arg(long, default_value = "en", value_parser = parse_language)]
    pub lang: Language,
}

fn parse_language(code: &str) -> Result<Language, String> {
    Language::parse(code)
        .ok_or_else(|| format!("`{code}` is not a language Soundings speaks: use en or cy"))
}

async fn find_round(state: &Services, code: &str) -> anyhow::Result<records::Round> {
    match rounds::find(state, code).await {
        Ok(round) => Ok(round),
        Err(ServiceError::NotFound(_)) => bail!(
            "there is no round `{code}`; list them with: curl -H \"Authorization: Bearer $KEY\" .../api/v1/rounds"
        ),
        Err(other) => Err(other.into()),
    }
}

pub async fn one(database_url: &str, args: ReportArgs) -> anyhow::Result<()> {
    let state = super::connect(database_url).await?;
    let round = find_round(&state, &args.round).await?;
    let code = args.organisation.trim().to_ascii_uppercase();
    let org = match organisations::find(&state, &code).await {
        Ok(org) => org,
        Err(ServiceError::NotFound(_)) => bail!("there is no organisation `{code}`"),
        Err(other) => return Err(other.into()),
    };
    let report = match organisation_report(&state, &round, org, args.lang).await? {
        Ok(report) => report,
        Err(Missing::NotSubmitted) => bail!(
            "{code} has not submitted a response in round {}",
            round.code
        ),
    };
    let extension = if args.html { "html" } else { "pdf" };
    let output = args
        .output
        .unwrap_or_else(|| PathBuf::from(format!("soundings-{}-{code}.{extension}", round.code)));
    let bytes = if args.html {
        report_html(
            &crate::templates::Templates::load()?,
            &report,
            &format!("soundings-{}-{code}.pdf", round.code),
        )?
        .into_bytes()
    } else {
        crate::report::pdf::render_pdf(&report)?
    };
    std::fs::write(&output, bytes).with_context(|| format!("cannot write {}", output.display()))?;
    println!("Wrote {}", output.display());
    Ok(())
}

pub async fn all(database_url: &str, args: ReportsArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let state = super::connect(database_url).await?;
    let round = find_round(&state, &args.round).await?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    // Every report comes from one snapshot of the round, read once.
    let context = bulk_round_context(&state, &round).await?;
    let data = context.data.clone();
    let total = data.submitted.len();
    if total == 0 {
        bail!("round {} has no submitted responses yet", round.code);
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let bar = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("Rendering reports");
    let limit = Arc::new(tokio::sync::Semaphore::new(jobs));
    let mut tasks = tokio::task::JoinSet::new();
    let codes: Vec<String> = data.submitted.iter().map(|s| s.code.clone()).collect();
    let mut orgs: HashMap<i32, records::Organisation> = organisations::with_codes(&state, &codes)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    for submitted in &data.submitted {
        let Some(org) = orgs.remove(&submitted.organisation_id) else {
            continue;
        };
        let report = match report_in(&state, &context, org, args.lang).await? {
            Ok(report) => report,
            Err(Missing::NotSubmitted) => continue,
        };
        let path = args
            .out
            .join(format!("soundings-{}-{}.pdf", round.code, submitted.code));
        let permit = limit.clone().acquire_owned().await?;
        tasks.spawn_blocking(move || {
            let _permit = permit;
            let bytes = crate::report::pdf::render_pdf(&report)?;
            std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
        });
        while let Some(done) = tasks.try_join_next() {
            done??;
            bar.inc(1);
        }
    }
    while let Some(done) = tasks.join_next().await {
        done??;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Wrote {total} reports for round {} to {} in {seconds:.1} s ({:.0} reports/s, {jobs} at a time).",
        round.code,
        args.out.display(),
        total as f64 / seconds.max(f64::EPSILON)
    );
    Ok(())
}
