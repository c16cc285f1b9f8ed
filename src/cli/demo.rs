//! `soundings demo`: seeds a database with fictional organisations and two rounds of answers
//! (see [`crate::demo::seed`]), prints what to open, then serves it like `soundings serve`.

use super::ServeArgs;
use crate::app::config::Settings;
use crate::app::startup::{Application, redact_url, shutdown_signal};
use crate::demo::seed::{DemoOptions, DemoSummary, Progress, seed};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

#[derive(Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,

    /// Picks the data: the same seed gives the same organisations, answers, keys and links
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// How many fictional organisations to create (1 to 100000)
    #[arg(long, default_value_t = 220, value_name = "COUNT")]
    pub organisations: usize,

    /// Seed the database and print the keys and links, but do not start the server
    #[arg(long)]
    pub no_serve: bool,
}

pub async fn run(database_url: &str, args: DemoArgs) -> anyhow::Result<()> {
    let db = super::open(database_url).await?;
    let options = DemoOptions {
        seed: args.seed,
        organisations: args.organisations,
    };
    // Drawn on stderr, and not at all when stderr is not a terminal.
    let bar = ProgressBar::new(1).with_style(
        ProgressStyle::with_template("{msg:30} [{bar:32}] {pos}/{len}")?.progress_chars("=> "),
    );
    let started = Instant::now();
    let result = seed(&db, &options, &|p: Progress<'_>| {
        bar.set_length(p.total);
        bar.set_position(p.done);
        bar.set_message(format!("[{}/{}] {}", p.step, p.steps, p.label));
    })
    .await;
    bar.finish_and_clear();
    let summary = result?;
    let elapsed = started.elapsed();
    crate::service::database::close(db).await?;
    print_summary(&summary, elapsed.as_secs_f64(), database_url);

    let serve = args.serve;
    if args.no_serve {
        let base = serve
            .public_url
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{}", serve.bind));
        print_links(&summary, &base);
        println!("Start the server with: soundings demo   (or: soundings serve)");
        return Ok(());
    }
    let mut settings = Settings::for_database(database_url);
    settings.bind = serve.bind;
    settings.body_limit = serve.body_limit;
    settings.public_url = serve.public_url;
    settings.disclosure_threshold = serve.disclosure_threshold;
    settings.client_limits = serve.client_limits.limits();
    settings.demo = Some(summary.links.clone());
    settings.mail = serve.mail.settings();
    let stop = shutdown_signal();
    let app = Application::build(settings).await?;
    print_links(&summary, &app.services().public_url);
    println!(
        "Mail (invitations, reminders) goes to {}.",
        app.mail_destination()
    );
    println!("Serving until Ctrl-C.\n");
    tracing::info!(
        address = %app.services().public_url,
        database = %redact_url(database_url),
        "Soundings demo is serving"
    );
    app.run_until_stopped(stop).await?;
    tracing::info!("stopped");
    Ok(())
}

fn print_summary(summary: &DemoSummary, seconds: f64, database_url: &str) {
    let o = &summary.options;
    if summary.seeded {
        println!(
            "Seeded the demo in {seconds:.1} s (seed {}, {} fictional organisations) into {}.",
            o.seed,
            o.organisations,
            redact_url(database_url)
        );
    } else {
        println!(
            "The demo (seed {}, {} fictional organisations) is already in {}; nothing was added.",
            o.seed,
            o.organisations,
            redact_url(database_url)
        );
    }
    println!(
        "{} organisations, {} answers.",
        summary.organisations, summary.answers
    );
    for r in &summary.rounds {
        let mean = r
            .mean_overall
            .map(|m| format!(", mean overall score {m:.1}"))
            .unwrap_or_default();
        println!(
            "  {:<10} {:<7} {} invited: {} submitted, {} in progress, {} not started{mean}",
            r.code, r.status, r.invited, r.submitted, r.in_progress, r.not_started
        );
    }
    for note in &summary.notes {
        println!("Note: {note}");
    }
}

fn print_links(summary: &DemoSummary, base: &str) {
    let l = &summary.links;
    println!();
    println!("WARNING: the demo's keys and links below are public: anyone can derive them from");
    println!("         the seed. Never put real data in a demo database.");
    println!();
    println!("Open:");
    println!("  Landing page      {base}/");
    println!("  API docs          {base}/docs");
    println!("  Respondent link   {base}{}", l.respondent_path);
    println!(
        "                    ({} ({}), half-way through {})",
        l.organisation_name, l.organisation_code, l.open_round
    );
    println!("  Report            {base}{}", l.share_path);
    println!("  Report (PDF)      {base}{}", l.share_pdf_path);
    println!(
        "                    ({}'s benchmark in {}, through a share link that needs no key)",
        l.organisation_code, l.closed_round
    );
    println!();
    println!("Keys (demo only):");
    println!("  Admin             {}", l.admin_key);
    println!("  Researcher        {}", l.researcher_key);
    println!();
    println!("Try (the second line fetches the same report through the API):");
    println!(
        "  curl -H \"Authorization: Bearer {}\" {base}/api/v1/rounds",
        l.researcher_key
    );
    println!(
        "  curl -H \"Authorization: Bearer {}\" -o report.pdf {base}{}",
        l.admin_key, l.report_pdf_path
    );
    println!();
}
