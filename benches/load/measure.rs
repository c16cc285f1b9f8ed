//! One backend's run of every item: seed, start the server, measure each hot path, and add the
//! figures to the table.

use std::path::Path;

use anyhow::Context;

use crate::client::{self, quantile_ms};
use crate::profile;
use crate::scenarios::{self, CLIENTS, ReadRoute, Reader};
use crate::server::Soundings;
use crate::setup::{self, Backend, BenchDb};
use crate::table::{Table, Target, Unit};
use crate::writes;
use crate::{
    COLD_SAMPLES, HELLO_REQUESTS, INTERLEAVED_SLICES, PDF_RENDERS, RESTARTS, REVISITED,
    SECTION_REQUESTS, WARM_REQUESTS, WARM_UP_SUBMISSIONS,
};

fn step(backend: Backend, what: &str) {
    eprintln!("[{}] {what}", backend.name());
}

pub async fn measure(
    backend: Backend,
    organisations: usize,
    dir: &Path,
    http: &reqwest::Client,
    table: &mut Table,
) -> anyhow::Result<()> {
    let b = backend;
    step(b, "creating the database");
    let db = BenchDb::create(backend, dir).await?;
    let conn = db.connect().await?;
    step(b, &format!("seeding {organisations} organisations"));
    let fixture = setup::seed_demo(&conn, organisations).await?;
    table.add(
        &format!("Seeding the demo ({organisations} organisations, 2 rounds)"),
        Unit::Seconds,
        Target::None,
        b,
        fixture.seed_time.as_secs_f64(),
    );
    let baseline_ids = setup::baseline_round(&conn, &fixture.pending).await?;
    setup::settle(&conn).await?;
    let log = dir.join("serve.log");
    let mut server = Soundings::start(&db.url, &log)?;
    let base = server.base();
    let mut peak = 0u64;

    // 1. Saving and submitting complete responses, and the raw-database baseline. Half the
    // pending organisations send their response in one request, half save and then submit.
    // A first slice of them warms the server up untimed (its pool's connections, their
    // prepared statements), as the other items' warm-ups do: otherwise the first timed batch,
    // under a second long, pays for opening the pool and the next one does not.
    let (warm, timed) = fixture
        .pending
        .split_at(WARM_UP_SUBMISSIONS.min(fixture.pending.len() / 4));
    let (warm_ids, timed_ids) = baseline_ids.split_at(warm.len());
    step(
        b,
        &format!("1. {} untimed submissions to warm up", warm.len()),
    );
    let warmed = writes::submissions_in_one_request(http, &base, warm).await?;
    if let Some(e) = &warmed.first_error {
        eprintln!(
            "  {} warm-up submissions failed; the first: {e}",
            warmed.errors
        );
    }
    let n = timed.len();
    let (two_requests, one_request) = timed.split_at(n / 2);
    let (n1, n2) = (one_request.len(), two_requests.len());
    step(
        b,
        &format!("1. {n1} responses saved and submitted in one request each"),
    );
    // The API's batches and the baseline's take turns, a slice each, so that a slow moment of
    // this shared machine (runs move by a fifth) falls on both rather than on one of them.
    let mut api_slices = Vec::new();
    let mut raw_slices = Vec::new();
    let chunk = |len: usize| len.div_ceil(INTERLEAVED_SLICES).max(1);
    let raw_jobs: Vec<_> = timed
        .chunks(chunk(n))
        .zip(timed_ids.chunks(chunk(n)))
        .collect();
    // The baseline's pool is warmed up the same way, on the same slice.
    writes::raw_writes(&conn, warm, warm_ids).await?;
    let profile = profile::start(server.pid(), dir, "submissions in one request");
    for (slice, raw_job) in one_request.chunks(chunk(n1)).zip(&raw_jobs) {
        api_slices.push(writes::submissions_in_one_request(http, &base, slice).await?);
        raw_slices.push(writes::raw_writes(&conn, raw_job.0, raw_job.1).await?);
    }
    profile::finish(profile);
    let api = client::Run::merge(api_slices);
    let raw = client::Run::merge(raw_slices);
    step(b, &format!("1. {n2} responses saved, then submitted"));
    let (paired, saves, submits) = writes::submissions(http, &base, two_requests).await?;
    for (run, count) in [(&api, n1), (&paired, n2), (&raw, n)] {
        if let Some(e) = &run.first_error {
            eprintln!("  {} of {count} failed; the first: {e}", run.errors);
            eprintln!("  the server's log ends:\n{}", server.log_errors());
        }
    }
    step(b, &format!("1. done; {}", server.memory()));
    let label = |s: &str| format!("1. {s}");
    table.add(
        &label(&format!(
            "submission over the API, one request each ({n1} responses, {CLIENTS} clients)"
        )),
        Unit::PerSecond,
        Target::None,
        b,
        api.per_second(),
    );
    table.add(
        &label("submission p50 (one request)"),
        Unit::Ms,
        Target::None,
        b,
        api.ms(0.5),
    );
    table.add(
        &label("submission p99 (one request)"),
        Unit::Ms,
        Target::AtMost(50.0),
        b,
        api.ms(0.99),
    );
    table.add(
        &label(&format!(
            "save, then submit: two requests each ({n2} responses, {CLIENTS} clients)"
        )),
        Unit::PerSecond,
        Target::None,
        b,
        paired.per_second(),
    );
    table.add(
        &label("save, then submit: p99 of both"),
        Unit::Ms,
        Target::None,
        b,
        paired.ms(0.99),
    );
    table.add(
        &label("save request p99"),
        Unit::Ms,
        Target::None,
        b,
        quantile_ms(&saves, 0.99),
    );
    table.add(
        &label("submit request p99"),
        Unit::Ms,
        Target::None,
        b,
        quantile_ms(&submits, 0.99),
    );
    table.add(
        &label("raw database baseline (one transaction per response)"),
        Unit::PerSecond,
        Target::None,
        b,
        raw.per_second(),
    );
    table.add(
        &label("baseline p99"),
        Unit::Ms,
        Target::None,
        b,
        raw.ms(0.99),
    );
    table.add(
        &label("API throughput (one request) / baseline"),
        Unit::Percent,
        Target::AtLeast(50.0),
        b,
        100.0 * api.per_second() / raw.per_second(),
    );
    table.add(
        &label("save, then submit / baseline"),
        Unit::Percent,
        Target::None,
        b,
        100.0 * paired.per_second() / raw.per_second(),
    );
    table.add(
        &label("failed responses (API + baseline)"),
        Unit::Count,
        Target::Zero,
        b,
        (api.errors + paired.errors + raw.errors) as f64,
    );

    // 2. A section page beside a trivial handler.
    step(b, "2. section pages and the trivial handler");
    let hello = scenarios::hello(http, HELLO_REQUESTS).await?;
    // First views: every measured request is a page not asked for before (the warm-up takes
    // pages of its own), so none comes from the server's page cache.
    let warm_up = CLIENTS * 4;
    let urls = scenarios::section_urls(&base, &fixture);
    scenarios::gets(http, warm_up, scenarios::section_urls(&base, &fixture)).await;
    let profile = profile::start(server.pid(), dir, "section pages, first view");
    let section = scenarios::gets(http, SECTION_REQUESTS, move |i| urls(i + warm_up)).await;
    profile::finish(profile);
    // Pages seen again unchanged (a respondent going back, a reload): REVISITED pages, each
    // asked for once first and then over and over.
    let again = scenarios::section_urls(&base, &fixture);
    let again = move |i: usize| again(warm_up + SECTION_REQUESTS + i % REVISITED);
    let again = std::sync::Arc::new(again);
    let first = again.clone();
    scenarios::gets(http, REVISITED, move |i| first(i)).await;
    let profile = profile::start(server.pid(), dir, "section pages seen again");
    let revisited = scenarios::gets(http, SECTION_REQUESTS, move |i| again(i)).await;
    profile::finish(profile);
    if let Some(e) = &section.first_error {
        eprintln!("  {} section pages failed; the first: {e}", section.errors);
    }
    table.add(
        &format!("2. section page ({SECTION_REQUESTS} requests, {CLIENTS} clients)"),
        Unit::PerSecond,
        Target::None,
        b,
        section.per_second(),
    );
    table.add(
        "2. section page p99",
        Unit::Ms,
        Target::None,
        b,
        section.ms(0.99),
    );
    table.add(
        &format!("2. section page seen again unchanged ({SECTION_REQUESTS} requests over {REVISITED} pages)"),
        Unit::PerSecond,
        Target::None,
        b,
        revisited.per_second(),
    );
    table.add(
        "2. section page seen again, p99",
        Unit::Ms,
        Target::None,
        b,
        revisited.ms(0.99),
    );
    table.add(
        &format!("2. trivial poem handler ({HELLO_REQUESTS} requests, same clients)"),
        Unit::PerSecond,
        Target::None,
        b,
        hello.per_second(),
    );
    table.add(
        "2. section page, first view / trivial handler",
        Unit::Percent,
        Target::AtLeast(30.0),
        b,
        100.0 * section.per_second() / hello.per_second(),
    );
    table.add(
        "2. section page seen again / trivial handler",
        Unit::Percent,
        Target::AtLeast(30.0),
        b,
        100.0 * revisited.per_second() / hello.per_second(),
    );

    // 3. Benchmark and statistics at 10,000 responses, warm and cold.
    step(b, &format!("2. done; {}", server.memory()));
    step(b, "3. benchmark and statistics, warm and cold");
    let reader = Reader {
        http: http.clone(),
        admin_key: fixture.admin_key.clone(),
        researcher_key: fixture.researcher_key.clone(),
    };
    let codes: Vec<String> = fixture.submitted.iter().map(|(c, _)| c.clone()).collect();
    let question = fixture
        .definition
        .free_scale_question()
        .map(|(key, points)| (key.to_owned(), points))
        .context("the survey has no scale question to amend")?;
    for (route, name) in [
        (ReadRoute::Benchmark, "organisation benchmark"),
        (ReadRoute::Statistics, "round statistics by kind"),
        (ReadRoute::Distributions, "round distributions by kind"),
    ] {
        let warm = reader.warm(&base, route, &codes, WARM_REQUESTS).await?;
        let cold = reader
            .cold(&base, route, &fixture.submitted, &question, COLD_SAMPLES)
            .await?;
        for (q, qn) in [(0.5, "p50"), (0.99, "p99")] {
            table.add(
                &format!("3. {name}, warm {qn}"),
                Unit::Ms,
                if q > 0.5 {
                    Target::AtMost(25.0)
                } else {
                    Target::None
                },
                b,
                quantile_ms(&warm, q),
            );
        }
        for (q, qn) in [(0.5, "p50"), (0.99, "p99")] {
            table.add(
                &format!("3. {name}, cold {qn} (first request after a submission)"),
                Unit::Ms,
                if q > 0.5 {
                    Target::AtMost(250.0)
                } else {
                    Target::None
                },
                b,
                quantile_ms(&cold, q),
            );
        }
    }
    step(b, &format!("3. done; {}", server.memory()));
    for (route, name) in [
        (ReadRoute::Benchmark, "organisation benchmark"),
        (ReadRoute::Statistics, "round statistics by kind"),
    ] {
        // One sample a restart, so a few of them: one alone says more about the machine's
        // moment than about the server.
        let mut firsts = Vec::with_capacity(RESTARTS);
        for i in 0..RESTARTS {
            let code = &codes[i * 7 % codes.len()];
            let (restarted, took, old_peak) =
                scenarios::first_after_start(server, &db.url, &log, &reader, route, code).await?;
            server = restarted;
            peak = peak.max(old_peak.unwrap_or(0));
            firsts.push(took);
        }
        firsts.sort();
        table.add(
            &format!("3. {name}, first request after a start, median of {RESTARTS} starts"),
            Unit::Ms,
            Target::AtMost(250.0),
            b,
            quantile_ms(&firsts, 0.5),
        );
        table.add(
            &format!("3. {name}, first request after a start, slowest of {RESTARTS}"),
            Unit::Ms,
            Target::None,
            b,
            quantile_ms(&firsts, 1.0),
        );
    }
    peak = peak.max(server.stop().unwrap_or(0));

    // 4. Reports.
    step(b, "4. one PDF report, rendered in this process");
    let renders = scenarios::pdf_renders(&db.url, PDF_RENDERS).await?;
    table.add(
        &format!("4. one PDF report, median of {} renders", renders.len()),
        Unit::Ms,
        Target::AtMost(20.0),
        b,
        quantile_ms(&renders, 0.5),
    );
    step(b, "4. soundings reports over the closed round");
    let out = dir.join("reports");
    let bulk = scenarios::bulk_reports(&db.url, &out)?;
    table.add(
        &format!("4. bulk `soundings reports`, {} reports", bulk.reports),
        Unit::Seconds,
        Target::AtMost(60.0),
        b,
        bulk.elapsed.as_secs_f64(),
    );
    table.add(
        "4. bulk reports per second",
        Unit::PerSecond,
        Target::None,
        b,
        bulk.reports as f64 / bulk.elapsed.as_secs_f64(),
    );
    let _ = std::fs::remove_dir_all(&out);

    // 5. Memory.
    table.add(
        "5. server peak resident memory (VmHWM of `soundings serve`)",
        Unit::Megabytes,
        Target::AtMost(200.0),
        b,
        peak as f64 / 1024.0 / 1024.0,
    );
    conn.close().await?;
    Ok(())
}
