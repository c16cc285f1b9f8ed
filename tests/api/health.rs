use crate::helpers::{Backend, PgCluster, TestDatabase, problem, spawn_app, spawn_app_on};
use std::time::Duration;

async fn health_ready_landing_and_docs_answer(backend: Backend) {
    let app = spawn_app(backend).await;

    let health = app.get("/health").await;
    assert_eq!(health.status(), 200);
    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), 200);

    let landing = app.get("/").await;
    assert_eq!(landing.status(), 200);
    assert!(
        landing.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = landing.text().await.unwrap();
    assert!(html.contains("<h1>Soundings</h1>"), "landing page: {html}");

    let docs = app.get("/docs").await;
    assert_eq!(docs.status(), 200);
    let docs = docs.text().await.unwrap();
    // The explorer is bundled: it must not pull scripts or styles from another host.
    assert!(
        !docs.contains("src=\"http") && !docs.contains("href=\"http"),
        "the API docs page loads something from another host"
    );
    assert!(
        docs.contains("swagger"),
        "the API docs page is not the explorer"
    );
}

async fn every_response_carries_a_request_id_and_security_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/", "/health", "/no-such-page"] {
        let resp = app.get(path).await;
        let h = resp.headers();
        assert!(h.contains_key("x-request-id"), "{path}: no request id");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
    }
    let echoed = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "abc-123");
}

/// Polls `/ready` until it answers `status` or the time is up.
async fn wait_for_ready_status(app: &crate::helpers::TestApp, status: u16) -> reqwest::Response {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let resp = app.get("/ready").await;
        if resp.status() == status || std::time::Instant::now() > deadline {
            return resp;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_turns_503_when_postgres_stops_and_200_when_it_is_back_without_a_restart() {
    // A cluster of its own: stopping the shared one would break the other tests.
    let cluster = PgCluster::start().unwrap_or_else(|e| panic!("{e}"));
    let database = TestDatabase::with_url(cluster.admin_url());
    let app = spawn_app_on(database, |_| {}).await;
    assert_eq!(app.get("/ready").await.status(), 200);

    cluster.stop_server().unwrap();
    let started = std::time::Instant::now();
    let resp = wait_for_ready_status(&app, 503).await;
    assert_eq!(resp.status(), 503);
    let body = problem(resp).await;
    assert_eq!(body["type"], "/problems/unavailable");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "/ready took {:?} to notice",
        started.elapsed()
    );
    // The liveness check does not depend on the database.
    assert_eq!(app.get("/health").await.status(), 200);

    cluster.start_server().unwrap();
    assert_eq!(wait_for_ready_status(&app, 200).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_turns_503_when_the_sqlite_file_disappears_and_200_when_it_is_back() {
    let app = spawn_app(Backend::Sqlite).await;
    let file = app.database.sqlite_file().unwrap();
    let moved = file.with_extension("moved");
    assert_eq!(app.get("/ready").await.status(), 200);

    std::fs::rename(&file, &moved).unwrap();
    let resp = wait_for_ready_status(&app, 503).await;
    assert_eq!(resp.status(), 503);
    assert_eq!(problem(resp).await["type"], "/problems/unavailable");

    std::fs::rename(&moved, &file).unwrap();
    assert_eq!(wait_for_ready_status(&app, 200).await.status(), 200);
}

crate::on_both_backends!(
    health_ready_landing_and_docs_answer,
    every_response_carries_a_request_id_and_security_headers,
);
