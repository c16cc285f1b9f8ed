//! The load generator: a bounded number of jobs shared out among a fixed number of concurrent
//! clients (tokio tasks), each job timed from start to finish, over loopback.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The outcome of one batch of jobs.
pub struct Run {
    /// Latencies of the jobs that succeeded, sorted.
    pub latencies: Vec<Duration>,
    pub errors: usize,
    pub first_error: Option<String>,
    /// Wall time of the whole batch.
    pub elapsed: Duration,
}

impl Run {
    /// Successful jobs per second of wall time.
    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    /// Several runs as one: their jobs together, their wall times added up.
    pub fn merge(runs: Vec<Run>) -> Run {
        let mut merged = Run {
            latencies: Vec::new(),
            errors: 0,
            first_error: None,
            elapsed: Duration::ZERO,
        };
        for run in runs {
            merged.latencies.extend(run.latencies);
            merged.errors += run.errors;
            merged.first_error = merged.first_error.or(run.first_error);
            merged.elapsed += run.elapsed;
        }
        merged.latencies.sort();
        merged
    }

    /// The `q` quantile of the latencies (nearest rank), in milliseconds.
    pub fn ms(&self, q: f64) -> f64 {
        quantile_ms(&self.latencies, q)
    }
}

/// Nearest-rank quantile of sorted durations, in milliseconds (NaN when empty).
pub fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

/// Runs jobs `0..jobs` on `concurrency` tasks; `job(i)` does job `i`.
pub async fn run<F, Fut>(jobs: usize, concurrency: usize, job: F) -> Run
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency.min(jobs).max(1) {
        let job = job.clone();
        let next = next.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= jobs {
                    break;
                }
                let at = Instant::now();
                match job(i).await {
                    Ok(()) => latencies.push(at.elapsed()),
                    Err(e) => errors.push(e),
                }
            }
            (latencies, errors)
        });
    }
    let mut latencies = Vec::with_capacity(jobs);
    let mut errors = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((l, e)) => {
                latencies.extend(l);
                errors.extend(e);
            }
            Err(e) => errors.push(format!("a client task failed: {e}")),
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Run {
        latencies,
        errors: errors.len(),
        first_error: errors.into_iter().next(),
        elapsed,
    }
}

/// One HTTP client for the whole run: keeps connections alive, as browsers and integrations do.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client builds")
}

/// Sends `request` and fails unless the status is 2xx; the body is read in full.
pub async fn expect_ok(
    request: reqwest::RequestBuilder,
) -> Result<impl AsRef<[u8]> + use<>, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!(
            "{status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        ))
    }
}
