//! Nothing acknowledged is ever lost. Each test runs the real `soundings serve` binary against a
//! PostgreSQL cluster of its own with fsync on (as in production), injects a fault under a burst
//! of concurrent respondent submissions, and then checks every submission the server answered
//! 2xx: still there, submitted, answers intact, scores stored. The counts are printed
//! (`cargo test durability -- --nocapture`).
//!
//! `mod.rs` holds the fixture, the client's side of a burst and the checks of what was stored;
//! `sigkill.rs` and `outage.rs` inject one fault each.

mod outage;
mod sigkill;

use crate::helpers::server_process::ServerProcess;
use crate::helpers::{TestApp, TestDatabase};
use crate::respond_api::tiny_round;
use reqwest::Method;
use serde_json::json;
use soundings::store::{Database, answers, organisations, responses, rounds};
use soundings::testing::postgres::{Durability, PgCluster};
use std::time::Instant;

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
        "has_plan": if i.is_multiple_of(2) { "yes" } else { "no" },
        "channels": channels,
        "wte": (i % 5) as f64 * 0.5,
        "notes": format!("Durable Trust {i} says: ŵ ŷ, \"quoted\" & <b>bold</b>"),
    });
    if i.is_multiple_of(2) {
        answers["plan_stage"] = json!(if i.is_multiple_of(4) {
            "approved"
        } else {
            "draft"
        });
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
        // A refused connection (the server was down) is told apart from one cut mid-request.
        Err(err) if err.is_connect() => (None, None, Some(format!("refused: {err}"))),
        Err(err) => (None, None, Some(format!("cut: {err}"))),
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
    let conn = db;
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
    let stored = answers::answers(conn, response.id)
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
        .all(db)
        .await
        .unwrap();
    for response in &submitted {
        let scores = responses::scores(db, response.id).await.unwrap();
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
    let db = Database::connect(&soundings::app::config::DatabaseSettings::new(
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
