//! `cargo bench --bench releases`: issue 28's speed targets for releases, on 10,000 demo
//! organisations, on SQLite and on PostgreSQL. Prints how long making a release takes (the
//! demo's closed round released again: every row read, checked against release 1 and written),
//! the first read of a released round by a server that has just started (its rows read from the
//! release, the snapshot made), the first option counts (which read the release's answers), and
//! the p50/p99 of reads served from it once every grouping was read once. A measurement through
//! the service layer (no HTTP), not a test.

use soundings::app::config::Settings;
use soundings::app::startup::services;
use soundings::demo::seed::{CLOSED_ROUND, DemoOptions, seed};
use soundings::domain::peers::{Attribute, Grouping};
use soundings::service::{releases, research};
use soundings::testing::postgres::{Durability, PgCluster};
use std::time::{Duration, Instant};

const ORGANISATIONS: usize = 10_000;
const WARM_READS: usize = 200;

async fn measure(name: &str, url: &str) -> anyhow::Result<()> {
    let settings = Settings::for_database(url);
    let db = soundings::store::Database::connect(&settings.database).await?;
    let options = DemoOptions {
        seed: 1,
        organisations: ORGANISATIONS,
    };
    let started = Instant::now();
    seed(&db, &options, &|_| {}).await?;
    let seeded = started.elapsed();
    db.close().await?;
    let state = services(&settings, String::new()).await?;

    let started = Instant::now();
    let made = releases::make(&state, "bench", CLOSED_ROUND).await?;
    let making = started.elapsed();

    // A server that has just started: nothing cached.
    let fresh = services(&settings, String::new()).await?;
    let by_kind = Grouping::of(&[Attribute::Kind]);
    let started = Instant::now();
    research::statistics(&fresh, CLOSED_ROUND, &by_kind).await?;
    let first = started.elapsed();
    // The first option counts read the release's answers (the marks), once.
    let started = Instant::now();
    research::distributions(&fresh, CLOSED_ROUND, &by_kind).await?;
    let first_counts = started.elapsed();
    let groupings = [
        Grouping::all(),
        by_kind,
        Grouping::of(&[Attribute::Region]),
        Grouping::of(&[Attribute::Kind, Attribute::Country]),
    ];
    // Warm: every grouping's figures worked out once before the timed reads.
    for grouping in &groupings {
        research::statistics(&fresh, CLOSED_ROUND, grouping).await?;
        research::distributions(&fresh, CLOSED_ROUND, grouping).await?;
    }
    let mut times: Vec<Duration> = Vec::with_capacity(WARM_READS);
    for i in 0..WARM_READS {
        let grouping = &groupings[i % groupings.len()];
        let started = Instant::now();
        if i % 2 == 0 {
            research::statistics(&fresh, CLOSED_ROUND, grouping).await?;
        } else {
            research::distributions(&fresh, CLOSED_ROUND, grouping).await?;
        }
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<10}  seed {ORGANISATIONS}: {:>6.0} ms   make release {} ({} responses): {:>6.0} ms   \
         first read after start: {:>6.0} ms   first option counts: {:>6.0} ms   \
         warm reads p50 {:.2} ms, p99 {:.2} ms",
        ms(seeded),
        made.number,
        made.respondents,
        ms(making),
        ms(first),
        ms(first_counts),
        ms(times[times.len() / 2]),
        ms(times[times.len() * 99 / 100]),
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("releases.sqlite").display()
    );
    measure("SQLite", &sqlite).await?;
    let cluster = PgCluster::start_with(Durability::On)
        .map_err(|e| anyhow::anyhow!("cannot start PostgreSQL: {e}"))?;
    let url = cluster
        .create_database("soundings_releases")
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    measure("PostgreSQL", &url).await?;
    Ok(())
}
