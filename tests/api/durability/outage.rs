//! PostgreSQL is stopped for a few seconds under load: the server answers 503 problem+json
//! promptly (never hanging, never dying), recovers by itself once PostgreSQL is back, and loses
//! nothing it acknowledged.

use super::{Fixture, Seen, Told, save_and_submit, send, verify_acknowledged};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_postgres_stopped_under_load_the_server_answers_503_promptly_recovers_and_loses_nothing()
 {
    const ORGANISATIONS: usize = 1600;
    const WORKERS: usize = 8;
    let env = [("REQUEST_TIMEOUT", "4")];
    let mut fixture = Fixture::new(ORGANISATIONS, &env).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let base = fixture.app.address.clone();
    let links = Arc::new(fixture.links.clone());
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let (client, base, links, stop) =
                (client.clone(), base.clone(), links.clone(), stop.clone());
            tokio::spawn(async move {
                let mut told = Vec::new();
                let mut seen: Vec<(Instant, Seen)> = Vec::new();
                let mine: Vec<usize> = (w..links.len()).step_by(WORKERS).collect();
                let mut next = mine.iter();
                while !stop.load(Ordering::SeqCst) {
                    let mut batch = Vec::new();
                    let sent_at = Instant::now();
                    match next.next() {
                        Some(&i) => {
                            let outcome =
                                save_and_submit(&client, &base, &links[i].1, i, &mut batch).await;
                            told.push((i, outcome));
                        }
                        // Out of organisations: keep the load up with reads.
                        None => {
                            let link = &links[mine[0]].1;
                            send(client.get(format!("{base}/api/v1{link}")), &mut batch).await;
                        }
                    }
                    seen.extend(batch.into_iter().map(|s| (sent_at, s)));
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                (told, seen)
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_secs(1)).await;
    let stopped_at = Instant::now();
    let cluster = &fixture.cluster;
    cluster.stop_server().unwrap();
    // While it is down: not ready (503), but alive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ready = client.get(format!("{base}/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let health = client.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    cluster.start_server().unwrap();
    let restarted_at = Instant::now();
    let recovery = loop {
        let ready = client.get(format!("{base}/ready")).send().await;
        if ready.is_ok_and(|r| r.status() == 200) {
            break restarted_at.elapsed();
        }
        assert!(
            restarted_at.elapsed() < Duration::from_secs(20),
            "the server did not recover by itself"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::SeqCst);

    let mut told = vec![Told::default(); ORGANISATIONS];
    let mut seen = Vec::new();
    for worker in workers {
        let (outcomes, requests) = worker.await.unwrap();
        for (i, outcome) in outcomes {
            told[i] = outcome;
        }
        seen.extend(requests);
    }

    let mut wrong = Vec::new();
    for (_, s) in &seen {
        match (s.status, s.problem_type.as_deref()) {
            (Some(200), _) => {}
            (Some(503), Some("/problems/unavailable")) => {}
            (None, _) => wrong.push(format!("no answer: {}", s.error.as_deref().unwrap_or("?"))),
            _ => wrong.push(format!("{s:?}")),
        }
        if s.seconds > 5.0 {
            wrong.push(format!("took {:.1} s: {s:?}", s.seconds));
        }
    }
    if !wrong.is_empty() {
        let logs = fixture.server.logs();
        let errors: Vec<&str> = logs
            .lines()
            .filter(|l| l.contains("\"ERROR\""))
            .map(|l| &l[..l.len().min(600)])
            .collect();
        panic!(
            "{} bad answers:\n{}\nserver errors:\n{}",
            wrong.len(),
            wrong.join("\n"),
            errors.join("\n")
        );
    }
    let unavailable = seen.iter().filter(|(_, s)| s.status == Some(503)).count();
    let during_outage = seen
        .iter()
        .filter(|(at, _)| *at >= stopped_at && *at < restarted_at)
        .count();
    let ok_after = seen
        .iter()
        .filter(|(at, s)| *at > restarted_at + recovery && s.status == Some(200))
        .count();
    assert!(unavailable > 0, "no request met the outage");
    assert!(ok_after > 0, "no request succeeded after recovery");
    let slowest = seen.iter().map(|(_, s)| s.seconds).fold(0.0, f64::max);

    assert!(fixture.server.is_running(), "the server process died");
    let logs = fixture.server.logs();
    assert!(!logs.contains("panicked"), "the server panicked:\n{logs}");
    fixture.server.kill();
    let (saves, submits) = verify_acknowledged(&fixture, &told).await;
    println!(
        "PostgreSQL stopped (immediate shutdown) and restarted {:.1} s later, under {WORKERS} concurrent clients: {} requests, \
         {} answered 200, {unavailable} answered 503 problem+json, {during_outage} sent during the \
         outage, slowest answer {slowest:.2} s; ready again {:.1} s after PostgreSQL restarted; \
         verified {saves} acknowledged saves and {submits} acknowledged submissions intact",
        (restarted_at - stopped_at).as_secs_f64(),
        seen.len(),
        seen.iter().filter(|(_, s)| s.status == Some(200)).count(),
        recovery.as_secs_f64(),
    );
}
