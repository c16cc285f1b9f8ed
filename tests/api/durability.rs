//! Nothing acknowledged is ever lost. Each test runs the real `soundings serve` binary against a
//! PostgreSQL cluster of its own with fsync on (as in production), injects a fault under a burst
//! of concurrent respondent submissions, and then checks every submission the server answered
//! 2xx: still there, submitted, answers intact, scores stored. The counts are printed
//! (`cargo test durability -- --nocapture`).

use crate::helpers::server_process::ServerProcess;
use crate::helpers::{TestApp, TestDatabase};
use crate::respond_api::tiny_round;
use reqwest::Method;
use serde_json::json;
use soundings::store::{Database, organisations, responses, rounds};
use soundings::testing::postgres::{Durability, PgCluster};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A running server on a durable cluster, with `organisations` invited to open round t1.
struct Fixture {
    cluster: PgCluster,
    dir: tempfile::TempDir,
    server: ServerProcess,
    app: TestApp,
    /// (organisation code, link path) in order.
    links: Vec<(String, String)>,
}

impl Fixture {
    async fn new(organisations: usize, env: &[(&str, &str)]) -> Self {
        let cluster = PgCluster::start_with(Durability::On).unwrap_or_else(|e| panic!("{e}"));
        let dir = tempfile::tempdir().unwrap();
        let server =
            ServerProcess::start(&cluster.admin_url(), env, &dir.path().join("server.log"));
        let app = server
            .test_app(TestDatabase::with_url(cluster.admin_url()))
            .await;
        tiny_round(&app).await;
        let mut csv = String::from("code,name,kind,region,country,size_band\n");
        for i in 0..organisations {
            csv.push_str(&format!(
                "D{i:04},Durable Trust {i},acute,North West,England,large\n"
            ));
        }
        let imported = app
            .admin_text(
                Method::POST,
                "/api/v1/organisations/import",
                "text/csv",
                &csv,
            )
            .await;
        assert_eq!(imported.status(), 200);
        let batch = app
            .admin_post("/api/v1/rounds/t1/invitations", json!({}))
            .await;
        assert_eq!(batch.status(), 200);
        let batch: serde_json::Value = batch.json().await.unwrap();
        let mut links: Vec<(String, String)> = batch["created"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let link = c["link"].as_str().unwrap();
                let path = link.strip_prefix(&app.address).unwrap_or(link).to_owned();
                (c["organisation"].as_str().unwrap().to_owned(), path)
            })
            .collect();
        links.sort();
        assert_eq!(links.len(), organisations);
        Fixture {
            cluster,
            dir,
            server,
            app,
            links,
        }
    }

    fn restart_server(&mut self, env: &[(&str, &str)]) {
        self.server.kill();
        self.server = ServerProcess::start(
            &self.cluster.admin_url(),
            env,
            &self.dir.path().join("server.log"),
        );
        self.app.address = self.server.address.clone();
    }
}

/// A complete set of answers for organisation `i`, free text included.
fn answers_for(i: usize) -> serde_json::Value {
    let channels: &[&str] = [&["a"][..], &["b", "c"], &["a", "b", "c"]][i % 3];
    let mut answers = json!({
        "has_plan": if i % 2 == 0 { "yes" } else { "no" },
        "channels": channels,
        "wte": (i % 5) as f64 * 0.5,
        "notes": format!("Durable Trust {i} says: ŵ ŷ, \"quoted\" & <b>bold</b>"),
    });
    if i % 2 == 0 {
        answers["plan_stage"] = json!(if i % 4 == 0 { "approved" } else { "draft" });
    }
    answers
}

/// What the respondent of one organisation was told.
#[derive(Clone, Copy, Debug, Default)]
struct Told {
    saved: bool,
    submitted: bool,
}

/// Saves the answers of organisation `i` at revision 0 and submits at revision 1, as a client
/// would; returns what was acknowledged and each request's (status, seconds, problem type).
async fn save_and_submit(
    client: &reqwest::Client,
    base: &str,
    link: &str,
    i: usize,
    seen: &mut Vec<Seen>,
) -> Told {
    let mut told = Told::default();
    let save = client
        .put(format!("{base}/api/v1{link}/answers"))
        .json(&json!({ "revision": 0, "answers": answers_for(i) }));
    told.saved = send(save, seen).await == Some(200);
    if told.saved {
        let submit = client
            .post(format!("{base}/api/v1{link}/submit"))
            .json(&json!({ "revision": 1 }));
        told.submitted = send(submit, seen).await == Some(200);
    }
    told
}

/// One answer the server gave (or did not give).
#[derive(Clone, Debug)]
struct Seen {
    status: Option<u16>,
    seconds: f64,
    problem_type: Option<String>,
    error: Option<String>,
}

async fn send(req: reqwest::RequestBuilder, seen: &mut Vec<Seen>) -> Option<u16> {
    let started = Instant::now();
    let result = req.send().await;
    let (status, problem_type, error) = match result {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let is_problem = resp
                .headers()
                .get("content-type")
                .is_some_and(|v| v.to_str().unwrap_or_default() == "application/problem+json");
            let body: serde_json::Value = resp.json().await.unwrap_or_default();
            let kind = is_problem.then(|| body["type"].as_str().unwrap_or_default().to_owned());
            (Some(status), kind, None)
        }
        Err(err) => (None, None, Some(err.to_string())),
    };
    seen.push(Seen {
        status,
        seconds: started.elapsed().as_secs_f64(),
        problem_type,
        error,
    });
    status
}

/// Checks one organisation's stored response against what it was told; `Err` says what is wrong.
async fn check_stored(db: &Database, code: &str, i: usize, told: Told) -> Result<(), String> {
    let conn = &db.conn;
    let org = organisations::find_by_code(conn, code)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("organisation missing")?;
    let round = rounds::find(conn, "t1")
        .await
        .map_err(|e| e.to_string())?
        .ok_or("round missing")?;
    let response = responses::find(conn, round.id, org.id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("acknowledged response missing")?;
    let stored = responses::answers(conn, response.id)
        .await
        .map_err(|e| e.to_string())?;
    let stored = serde_json::to_value(&stored).map_err(|e| e.to_string())?;
    if !same_answers(&stored, &answers_for(i)) {
        return Err(format!(
            "answers differ: stored {stored}, sent {}",
            answers_for(i)
        ));
    }
    if told.submitted {
        if response.status != "submitted" || response.submitted_at.is_none() {
            return Err(format!(
                "status {} after an acknowledged submit",
                response.status
            ));
        }
        let scores = responses::scores(conn, response.id)
            .await
            .map_err(|e| e.to_string())?;
        let mut dimensions: Vec<&str> = scores.iter().map(|s| s.dimension.as_str()).collect();
        dimensions.sort_unstable();
        if dimensions != ["overall", "plan", "team"] {
            return Err(format!("scores {dimensions:?}"));
        }
    }
    Ok(())
}

/// Answers compare equal, numbers by value (2 and 2.0 are the same answer).
fn same_answers(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a, b) {
        (serde_json::Value::Number(x), serde_json::Value::Number(y)) => x.as_f64() == y.as_f64(),
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_answers(v, w)))
        }
        _ => a == b,
    }
}

/// Every submitted response in the database is whole: no submission without its scores.
async fn assert_no_half_submissions(db: &Database) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let submitted = entity::response::Entity::find()
        .filter(entity::response::Column::Status.eq("submitted"))
        .all(&db.conn)
        .await
        .unwrap();
    for response in &submitted {
        let scores = responses::scores(&db.conn, response.id).await.unwrap();
        assert_eq!(
            scores.len(),
            3,
            "response {} is submitted without its scores",
            response.id
        );
    }
}

/// Checks every acknowledged outcome; returns how many were verified.
async fn verify_acknowledged(fixture: &Fixture, told: &[Told]) -> (usize, usize) {
    let db = Database::connect(&soundings::config::DatabaseSettings::new(
        fixture.cluster.admin_url(),
    ))
    .await
    .unwrap();
    let mut problems = Vec::new();
    let (mut saves, mut submits) = (0, 0);
    for (i, ((code, _), told)) in fixture.links.iter().zip(told).enumerate() {
        if !told.saved {
            continue;
        }
        saves += 1;
        submits += usize::from(told.submitted);
        if let Err(problem) = check_stored(&db, code, i, *told).await {
            problems.push(format!("{code}: {problem}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} acknowledged writes are not intact:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_no_half_submissions(&db).await;
    (saves, submits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_submission_survives_a_sigkill_of_the_server_mid_burst() {
    const ORGANISATIONS: usize = 300;
    const IN_FLIGHT: usize = 24;
    let mut fixture = Fixture::new(ORGANISATIONS, &[]).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let permits = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let base = fixture.app.address.clone();
    let tasks: Vec<_> = fixture
        .links
        .iter()
        .enumerate()
        .map(|(i, (_, link))| {
            let (client, base, link) = (client.clone(), base.clone(), link.clone());
            let (acknowledged, permits) = (acknowledged.clone(), permits.clone());
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                let mut seen = Vec::new();
                let told = save_and_submit(&client, &base, &link, i, &mut seen).await;
                if told.submitted {
                    acknowledged.fetch_add(1, Ordering::SeqCst);
                }
                (told, seen)
            })
        })
        .collect();

    // Kill the server once a third of the submissions are acknowledged, mid-burst.
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.load(Ordering::SeqCst) < ORGANISATIONS / 3 {
        assert!(Instant::now() < deadline, "the burst did not get going");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    fixture.server.kill();
    let at_kill = acknowledged.load(Ordering::SeqCst);

    let mut told = Vec::new();
    let mut requests = 0;
    let mut cut_off = 0;
    for task in tasks {
        let (outcome, seen) = task.await.unwrap();
        requests += seen.len();
        cut_off += seen.iter().filter(|s| s.status.is_none()).count();
        told.push(outcome);
    }
    let submitted = told.iter().filter(|t| t.submitted).count();
    assert!(
        submitted < ORGANISATIONS && cut_off > 0,
        "the kill did not land mid-burst ({submitted} of {ORGANISATIONS} submitted)"
    );

    fixture.restart_server(&[]);
    let (saves, submits) = verify_acknowledged(&fixture, &told).await;
    // The restarted server serves the same data.
    for (i, (_, link)) in fixture
        .links
        .iter()
        .enumerate()
        .filter(|(i, _)| told[*i].submitted)
        .take(20)
    {
        let state: serde_json::Value = fixture
            .app
            .get(&format!("/api/v1{link}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(state["status"], "submitted", "organisation {i}");
        assert!(
            same_answers(&state["answers"], &answers_for(i)),
            "organisation {i}"
        );
    }
    println!(
        "SIGKILL mid-burst: {ORGANISATIONS} organisations, {requests} requests sent ({IN_FLIGHT} at a \
         time), SIGKILL after {at_kill} acknowledged submissions, {cut_off} requests cut off; \
         verified after restart: {saves} acknowledged saves and {submits} acknowledged submissions \
         intact, none lost"
    );
}

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
