//! `cargo bench --bench definitions`: what hostile survey definitions cost the server (issue
//! 29, item 3). It starts the release `soundings serve` binary on a fresh SQLite database, sends
//! it hostile YAML definitions through `PUT /surveys/{slug}/versions/1?dry_run=true`, several of
//! each at once, and meanwhile samples the server's resident memory (`VmRSS` and `VmHWM` in
//! `/proc/<pid>/status`) and the latency of `GET /health`. Prints each document's answer and
//! time, the largest memory and the slowest `/health`; it is a measurement, not a test (the
//! targets: memory under 300 MB, `/health` within 100 ms throughout).
//!
//! `DEFINITIONS_AT_ONCE` (default 3) is how many of each document are sent together,
//! `DEFINITIONS_ROUNDS` (default 20) how many times in turn, and `DEFINITIONS_TIMEOUT_S`
//! (default 60) how long any one request is waited for: a server that
//! has not answered by then is reported as such and stopped with the benchmark.

// The load benchmark's server process; this benchmark uses only starting it.
#[path = "load/server.rs"]
#[expect(
    dead_code,
    reason = "the trivial server and the log readers are the load bench's"
)]
mod server;

use server::{Soundings, memory_kb};
use soundings::domain::role::Role;
use soundings::store::{Database, DatabaseSettings, api_keys};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The hostile documents, by name, with their media type: the alias bomb of the issue (a
/// 6,000-item list, then 6,000 aliases to it, 42 kB), a nested "billion laughs", flow nesting
/// 200,000 deep (400 kB), and a JSON list of two million numbers (4 MB, within the body limit);
/// first, for comparison, the shipped instrument, which is valid, and aliases that expand to
/// just under the limit on nodes, which are read in full.
fn documents() -> Vec<(&'static str, &'static str, String)> {
    let head = "slug: bomb\nversion: 1\n";
    let items = vec!["x"; 6_000].join(", ");
    let aliases = vec!["*a"; 6_000].join(", ");
    let alias_bomb = format!("{head}list: &a [{items}]\nmore: [{aliases}]\n");
    // 300 items repeated 160 times: 48,000 nodes, just within the limit, so read in full.
    let (items, aliases) = (vec!["x"; 300].join(", "), vec!["*a"; 160].join(", "));
    let within = format!("{head}list: &a [{items}]\nmore: [{aliases}]\n");
    let mut laughs = format!("{head}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let below = vec![format!("*l{}", level - 1); 10].join(", ");
        laughs.push_str(&format!("l{level}: &l{level} [{below}]\n"));
    }
    let depth = 200_000;
    let nesting = format!("{head}deep: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let wide = format!(
        "{{\"slug\": \"bomb\", \"version\": 1, \"wide\": [{}0]}}",
        "0,".repeat(2_000_000)
    );
    let yaml = "application/yaml";
    let shipped = soundings::service::surveys::SHIPPED_INSTRUMENT.replacen(
        "slug: nhs-social-media-maturity",
        "slug: bomb",
        1,
    );
    vec![
        ("the shipped instrument (valid)", yaml, shipped),
        ("aliases expanding to 48,000 nodes", yaml, within),
        ("alias bomb, 42 kB", yaml, alias_bomb),
        ("billion laughs", yaml, laughs),
        ("flow nesting 200k deep", yaml, nesting),
        ("JSON list of 2M numbers", "application/json", wide),
    ]
}

/// A number from the environment, or its default.
fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The largest memory and the slowest `/health` seen while the probes ran.
#[derive(Default)]
struct Watch {
    max_rss_kb: AtomicU64,
    max_hwm_kb: AtomicU64,
    max_health_us: AtomicU64,
    probes: AtomicU64,
    slow_probes: AtomicU64,
    stop: AtomicBool,
}

/// Samples the server's memory every 10 ms until told to stop.
async fn sample_memory(watch: Arc<Watch>, pid: u32) {
    while !watch.stop.load(Ordering::Relaxed) {
        if let Some((rss, hwm)) = memory_kb(pid) {
            watch.max_rss_kb.fetch_max(rss, Ordering::Relaxed);
            watch.max_hwm_kb.fetch_max(hwm, Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Asks for `/health` one request after another, 10 ms apart, until told to stop; a probe
/// that gets no answer within `timeout` counts as taking `timeout`.
async fn probe_health(watch: Arc<Watch>, url: String, timeout: Duration) {
    let client = reqwest::Client::new();
    while !watch.stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let answered = client.get(&url).timeout(timeout).send().await;
        let took = if answered.is_ok() {
            started.elapsed()
        } else {
            timeout
        };
        watch.probes.fetch_add(1, Ordering::Relaxed);
        if took > Duration::from_millis(100) {
            watch.slow_probes.fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        watch.max_health_us.fetch_max(micros, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let at_once = setting("DEFINITIONS_AT_ONCE", 3) as usize;
    let rounds = setting("DEFINITIONS_ROUNDS", 20);
    let timeout = Duration::from_secs(setting("DEFINITIONS_TIMEOUT_S", 60));
    let dir = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("definitions.sqlite").display()
    );
    let server = Soundings::start(&url, &dir.path().join("server.log"))?;
    let base = server.base();
    let db = Database::connect(&DatabaseSettings::new(&url)).await?;
    let (_, key) = api_keys::create(&db, "bench", Role::Admin).await?;
    let key = key.expose().to_owned();
    let client = reqwest::Client::new();
    let made = client
        .post(format!("{base}/api/v1/surveys"))
        .bearer_auth(&key)
        .json(&serde_json::json!({ "slug": "bomb", "title": "Bomb" }))
        .send()
        .await?;
    anyhow::ensure!(
        made.status().is_success(),
        "POST /surveys: {}",
        made.status()
    );

    let pid = server.pid();
    let idle = memory_kb(pid).map_or(0, |(rss, _)| rss);
    let watch = Arc::new(Watch::default());
    let sampler = tokio::spawn(sample_memory(watch.clone(), pid));
    let prober = tokio::spawn(probe_health(
        watch.clone(),
        format!("{base}/health"),
        timeout,
    ));
    let put_url = format!("{base}/api/v1/surveys/bomb/versions/1?dry_run=true");
    println!(
        "{at_once} of each document at once, {rounds} times; server memory {} MB before",
        idle / 1024
    );
    for (name, content_type, document) in documents() {
        let started = Instant::now();
        let mut answers = Vec::new();
        for _ in 0..rounds {
            let sends = (0..at_once).map(|_| {
                let request = client
                    .put(&put_url)
                    .bearer_auth(&key)
                    .header("content-type", content_type)
                    .body(document.clone())
                    .timeout(timeout);
                async move {
                    let started = Instant::now();
                    let answer = match request.send().await {
                        Ok(resp) => {
                            let status = resp.status().as_u16();
                            let body: serde_json::Value = resp.json().await.unwrap_or_default();
                            let said = body["errors"][0]["message"]
                                .as_str()
                                .or(body["detail"].as_str())
                                .unwrap_or_default()
                                .chars()
                                .take(110)
                                .collect::<String>();
                            format!("{status} {said}")
                        }
                        Err(_) => format!("no answer within {} s", timeout.as_secs()),
                    };
                    (answer, started.elapsed())
                }
            });
            answers.extend(futures_util::future::join_all(sends).await);
        }
        let slowest = answers.iter().map(|(_, took)| *took).max();
        println!(
            "{name} ({} kB): {} answered in {:.2} s, the slowest in {:.2} s; {}",
            document.len() / 1024,
            answers.len(),
            started.elapsed().as_secs_f64(),
            slowest.unwrap_or_default().as_secs_f64(),
            answers.first().map_or("", |(a, _)| a.as_str()),
        );
        println!(
            "    server memory now {} MB, peak so far {} MB",
            memory_kb(pid).map_or(0, |(rss, _)| rss / 1024),
            watch.max_hwm_kb.load(Ordering::Relaxed) / 1024
        );
    }
    // A last look at /health once the parses have answered.
    tokio::time::sleep(Duration::from_millis(200)).await;
    watch.stop.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    let _ = prober.await;
    println!(
        "max RSS {} MB (VmHWM {} MB; target under 300 MB); max /health latency {:.1} ms over {} probes, {} over 100 ms (target: none)",
        watch.max_rss_kb.load(Ordering::Relaxed) / 1024,
        watch.max_hwm_kb.load(Ordering::Relaxed) / 1024,
        watch.max_health_us.load(Ordering::Relaxed) as f64 / 1000.0,
        watch.probes.load(Ordering::Relaxed),
        watch.slow_probes.load(Ordering::Relaxed),
    );
    server.stop();
    Ok(())
}
