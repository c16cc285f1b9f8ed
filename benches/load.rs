//! The load benchmark: `cargo bench --bench load`.
//!
//! For each backend (SQLite, then PostgreSQL in a throwaway cluster with fsync on), it seeds a
//! fresh database with the demo at 10,000 fictional organisations, starts the release `soundings
//! serve` binary against it, and measures every hot path of issue 8 with a load generator of its
//! own (tokio tasks and reqwest, bounded request counts, loopback only). It ends with one
//! Markdown table: every figure, its target, pass or miss.
//!
//! `LOAD_ORGS` (default 10000) and `LOAD_BACKENDS` (default `sqlite,postgres`) shrink a run
//! while working on it; the README's figures come from the defaults. `LOAD_PROFILE=1` samples
//! the server with `perf` during the submissions and the section pages and prints the profiles.

// The parts live in `benches/load/`; a crate root's modules are looked for beside it otherwise.
#[path = "load/client.rs"]
mod client;
#[path = "load/measure.rs"]
mod measure;
#[path = "load/profile.rs"]
mod profile;
#[path = "load/scenarios.rs"]
mod scenarios;
#[path = "load/server.rs"]
mod server;
#[path = "load/setup.rs"]
mod setup;
#[path = "load/table.rs"]
mod table;
#[path = "load/writes.rs"]
mod writes;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use setup::Backend;
use table::Table;

/// Pending organisations whose submissions warm the server up, untimed, before item 1.
const WARM_UP_SUBMISSIONS: usize = 100;
/// Item 1's one-request submissions and the baseline run in turns, this many slices each.
const INTERLEAVED_SLICES: usize = 5;
/// Requests of the trivial handler and of section pages (item 2).
const HELLO_REQUESTS: usize = 50_000;
const SECTION_REQUESTS: usize = 10_000;
/// Distinct pages of the "seen again" measure of item 2 (well within the server's page cache).
const REVISITED: usize = 300;
/// Sequential requests per read route when warm, and samples when cold (item 3).
const WARM_REQUESTS: usize = 500;
const COLD_SAMPLES: usize = 100;
/// Server restarts per read route, each timing the first request (item 3).
const RESTARTS: usize = 5;
/// Single reports rendered in-process (item 4).
const PDF_RENDERS: usize = 30;

fn main() -> ExitCode {
    if std::env::args().any(|a| a == server::HELLO_FLAG) {
        return match server::serve_hello() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("hello server: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load benchmark failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let started = Instant::now();
    let organisations: usize = match std::env::var("LOAD_ORGS") {
        Ok(n) => n.parse().context("LOAD_ORGS must be a number")?,
        Err(_) => 10_000,
    };
    let backends: Vec<Backend> = std::env::var("LOAD_BACKENDS")
        .unwrap_or_else(|_| "sqlite,postgres".to_owned())
        .split(',')
        .map(|b| match b.trim() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" => Ok(Backend::Postgres),
            other => Err(anyhow::anyhow!(
                "unknown backend `{other}` in LOAD_BACKENDS"
            )),
        })
        .collect::<anyhow::Result<_>>()?;
    let machine = machine();
    eprintln!("Soundings load benchmark: {organisations} organisations; {machine}");
    let dir = tempfile::tempdir()?;
    // LOAD_KEEP=1 keeps the databases and the servers' logs for a look afterwards.
    let dir = if std::env::var_os("LOAD_KEEP").is_some() {
        let kept = dir.keep();
        eprintln!("Keeping the databases and logs in {}", kept.display());
        Kept::Path(kept)
    } else {
        Kept::Temp(dir)
    };
    let http = client::http();
    let mut table = Table::default();
    for backend in backends {
        let dir = dir.path().join(backend.name());
        std::fs::create_dir_all(&dir)?;
        measure::measure(backend, organisations, &dir, &http, &mut table).await?;
    }
    println!();
    println!("Soundings load benchmark, {organisations} organisations; {machine}");
    println!();
    print!("{}", table.render());
    let misses = table.misses();
    println!();
    if misses.is_empty() {
        println!("Every target met.");
    } else {
        println!("Missed:");
        for miss in misses {
            println!("- {miss}");
        }
    }
    println!("Whole run: {:.0} s.", started.elapsed().as_secs_f64());
    Ok(())
}

/// The run's folder: deleted at the end, or kept (`LOAD_KEEP`).
enum Kept {
    Temp(tempfile::TempDir),
    Path(std::path::PathBuf),
}

impl Kept {
    fn path(&self) -> &Path {
        match self {
            Kept::Temp(dir) => dir.path(),
            Kept::Path(path) => path,
        }
    }
}

/// The CPU, cores and memory of this machine, for the record.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU", str::trim)
        .to_owned();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_gb = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    format!("{cores} cores ({model}), {memory_gb:.0} GB memory")
}
