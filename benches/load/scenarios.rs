//! The measurements, one function per item of the issue, each against a seeded database and a
//! running server. Every count is bounded; every request goes over loopback.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};
use soundings::app::config::Settings;
use soundings::demo::seed::{CLOSED_ROUND, OPEN_ROUND};
use soundings::service::benchmarks::organisation_report;

use crate::client::{self, Run, expect_ok};
use crate::server::{Hello, SOUNDINGS, Soundings};
use crate::setup::Fixture;

/// Concurrent clients for the throughput items, as the issue asks.
pub const CLIENTS: usize = 32;

/// Item 2: `requests` GETs of `url(i)` at [`CLIENTS`] concurrency.
pub async fn gets(
    http: &reqwest::Client,
    requests: usize,
    url: impl Fn(usize) -> String + Send + Sync + 'static,
) -> Run {
    let http = http.clone();
    let url = Arc::new(url);
    client::run(requests, CLIENTS, move |i| {
        let (http, url) = (http.clone(), url.clone());
        async move { expect_ok(http.get(url(i))).await.map(|_| ()) }
    })
    .await
}

/// Item 2's comparison: the trivial handler, in a process of its own.
pub async fn hello(http: &reqwest::Client, requests: usize) -> anyhow::Result<Run> {
    let server = Hello::start()?;
    let url = server.url();
    // Connections are opened before timing, as they are for the section pages.
    gets(http, CLIENTS * 4, {
        let url = url.clone();
        move |_| url.clone()
    })
    .await;
    let run = gets(http, requests, move |_| url.clone()).await;
    drop(server);
    Ok(run)
}

/// Section pages of organisations of the open round, every section in turn.
pub fn section_urls(
    base: &str,
    fixture: &Fixture,
) -> impl Fn(usize) -> String + Send + Sync + 'static {
    let base = base.to_owned();
    let secrets: Vec<String> = fixture.submitted.iter().map(|(_, s)| s.clone()).collect();
    let sections: Vec<String> = fixture
        .definition
        .sections
        .iter()
        .map(|s| s.key.clone())
        .collect();
    move |i| {
        format!(
            "{base}/respond/{}/sections/{}",
            secrets[i % secrets.len()],
            sections[i % sections.len()]
        )
    }
}

/// The two read routes of item 3.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ReadRoute {
    Benchmark,
    Statistics,
    Distributions,
}

/// Untimed requests that fill the cache before warm latencies are taken.
pub const WARM_UP: usize = 50;

pub struct Reader {
    pub http: reqwest::Client,
    pub admin_key: String,
    pub researcher_key: String,
}

impl Reader {
    /// One timed request of `route` (for organisation `code`, if a benchmark).
    pub async fn read(&self, base: &str, route: ReadRoute, code: &str) -> anyhow::Result<Duration> {
        let request = match route {
            ReadRoute::Benchmark => self
                .http
                .get(format!(
                    "{base}/api/v1/rounds/{OPEN_ROUND}/organisations/{code}/benchmark"
                ))
                .bearer_auth(&self.admin_key),
            ReadRoute::Statistics => self
                .http
                .get(format!(
                    "{base}/api/v1/rounds/{OPEN_ROUND}/statistics?group_by=kind"
                ))
                .bearer_auth(&self.researcher_key),
            ReadRoute::Distributions => self
                .http
                .get(format!(
                    "{base}/api/v1/rounds/{OPEN_ROUND}/distributions?group_by=kind"
                ))
                .bearer_auth(&self.researcher_key),
        };
        let at = Instant::now();
        expect_ok(request).await.map_err(anyhow::Error::msg)?;
        Ok(at.elapsed())
    }

    /// Warm latencies: `count` requests one after another (each for another organisation),
    /// after [`WARM_UP`] untimed ones have filled the round's cache.
    pub async fn warm(
        &self,
        base: &str,
        route: ReadRoute,
        codes: &[String],
        count: usize,
    ) -> anyhow::Result<Vec<Duration>> {
        for code in codes.iter().cycle().take(WARM_UP) {
            self.read(base, route, code).await?;
        }
        let mut out = Vec::with_capacity(count);
        for i in 0..count {
            let code = &codes[(WARM_UP + i) % codes.len()];
            out.push(self.read(base, route, code).await?);
        }
        out.sort();
        Ok(out)
    }

    /// Cold latencies: each sample amends a submitted response through the respondent API (which
    /// invalidates the round's cached data), then times the first request that follows.
    pub async fn cold(
        &self,
        base: &str,
        route: ReadRoute,
        amend: &[(String, String)],
        question: &(String, u32),
        count: usize,
    ) -> anyhow::Result<Vec<Duration>> {
        let mut out = Vec::with_capacity(count);
        for i in 0..count {
            let (code, secret) = &amend[i % amend.len()];
            self.amend(base, secret, question).await?;
            out.push(self.read(base, route, code).await?);
        }
        out.sort();
        Ok(out)
    }

    /// Moves a scale answer (`question`, with its number of points) of a submitted response on
    /// by one, as a respondent amending it would.
    async fn amend(
        &self,
        base: &str,
        secret: &str,
        question: &(String, u32),
    ) -> anyhow::Result<()> {
        let (key, points) = question;
        let url = format!("{base}/api/v1/respond/{secret}");
        let read = expect_ok(self.http.get(&url))
            .await
            .map_err(anyhow::Error::msg)?;
        let current: Value = serde_json::from_slice(read.as_ref())?;
        let value = current["answers"][key.as_str()].as_i64().unwrap_or(1);
        let body = json!({
            "revision": current["revision"],
            "answers": { key.as_str(): value % i64::from(*points) + 1 },
        });
        expect_ok(self.http.put(format!("{url}/answers")).json(&body))
            .await
            .map_err(anyhow::Error::msg)?;
        Ok(())
    }
}

/// Item 4, one report: renders `count` different organisations' reports of the closed round in
/// this process, after one untimed render (which parses the fonts, once per process), and
/// returns the render times, sorted.
pub async fn pdf_renders(url: &str, count: usize) -> anyhow::Result<Vec<Duration>> {
    let state =
        soundings::app::startup::services(&Settings::for_database(url), String::new()).await?;
    let round = soundings::service::rounds::find(&state, CLOSED_ROUND).await?;
    let data = soundings::service::benchmarks::round_data(&state, &round).await?;
    let mut reports = Vec::with_capacity(count + 1);
    for submitted in data.submitted.iter().take(count + 1) {
        let org =
            soundings::service::organisations::by_id(&state, submitted.organisation_id).await?;
        if let Ok(report) = organisation_report(
            &state,
            &round,
            org,
            soundings::domain::language::Language::En,
        )
        .await?
        {
            reports.push(report);
        }
    }
    let (first, rest) = reports.split_first().context("no reports to render")?;
    soundings::report::pdf::render_pdf(first)?;
    let mut out = Vec::with_capacity(rest.len());
    for report in rest {
        let at = Instant::now();
        let bytes = soundings::report::pdf::render_pdf(report)?;
        out.push(at.elapsed());
        anyhow::ensure!(bytes.starts_with(b"%PDF"), "a render is not a PDF");
    }
    out.sort();
    Ok(out)
}

/// What the bulk command did.
pub struct Bulk {
    pub reports: usize,
    pub elapsed: Duration,
}

/// Item 4, every report: the release `soundings reports` command over the closed round.
pub fn bulk_reports(url: &str, out: &std::path::Path) -> anyhow::Result<Bulk> {
    let at = Instant::now();
    let output = std::process::Command::new(SOUNDINGS)
        .args(["reports", "--round", CLOSED_ROUND, "--out"])
        .arg(out)
        .env("DATABASE_URL", url)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()?;
    let elapsed = at.elapsed();
    anyhow::ensure!(
        output.status.success(),
        "soundings reports failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let reports = std::fs::read_dir(out)?
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .count();
    Ok(Bulk { reports, elapsed })
}

/// Restarts the server and times the first request of `route`: the cost of a process that has
/// nothing cached yet. Returns the new server, the time, and the old server's peak memory.
pub async fn first_after_start(
    server: Soundings,
    url: &str,
    log: &std::path::Path,
    reader: &Reader,
    route: ReadRoute,
    code: &str,
) -> anyhow::Result<(Soundings, Duration, Option<u64>)> {
    let peak = server.stop();
    let server = Soundings::start(url, log)?;
    // The route's API key (whose first use after a while records it, a write) and the
    // connection pool are warmed by a request that loads no round.
    let key = match route {
        ReadRoute::Benchmark => &reader.admin_key,
        ReadRoute::Statistics | ReadRoute::Distributions => &reader.researcher_key,
    };
    expect_ok(
        reader
            .http
            .get(format!("{}/api/v1/rounds", server.base()))
            .bearer_auth(key),
    )
    .await
    .map_err(anyhow::Error::msg)?;
    let took = reader.read(&server.base(), route, code).await?;
    Ok((server, took, peak))
}
