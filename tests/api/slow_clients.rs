//! Slow and stalled clients are cut off with a clear status: a body trickled slower than the body
//! timeout gets 408, headers trickled past the header timeout get 408 and a closed connection, and
//! a request stuck behind a database lock is stopped with 503 at the request timeout, leaving
//! nothing half-saved. A client that is slow but within the limits is served.

use crate::helpers::{Backend, TestApp, problem, spawn_app_with};
use crate::respond_api::{put_answers, tiny_round};
use sea_orm::ConnectionTrait;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn app_with_short_timeouts(backend: Backend) -> (TestApp, String) {
    let app = spawn_app_with(backend, |s| {
        s.client_limits.header_timeout = Duration::from_secs(1);
        s.client_limits.body_timeout = Duration::from_secs(1);
        s.client_limits.request_timeout = Duration::from_secs(1);
    })
    .await;
    tiny_round(&app).await;
    app.create_organisations(&["A1"]).await;
    let link = app.invite("t1", "A1").await;
    (app, link)
}

/// Sends `head` at once, then `body` one byte every `gap`, while reading the answer. Returns what
/// the server sent (until it closed the connection or stopped sending) and how long it took.
async fn trickle(app: &TestApp, head: &str, body: &[u8], gap: Duration) -> (String, Duration) {
    let addr = app.address.trim_start_matches("http://").to_owned();
    let stream = TcpStream::connect(&addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let started = Instant::now();
    writer.write_all(head.as_bytes()).await.unwrap();
    let body = body.to_vec();
    let sender = tokio::spawn(async move {
        for byte in body {
            tokio::time::sleep(gap).await;
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
        }
        // Keep the connection open, as a stalled client would.
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(Duration::from_secs(8), reader.read(&mut buf)).await;
        match read {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buf[..n]);
                if complete(&answer) {
                    break;
                }
            }
        }
    }
    let elapsed = started.elapsed();
    sender.abort();
    (String::from_utf8_lossy(&answer).into_owned(), elapsed)
}

/// Whether a buffered HTTP/1.1 answer with a content-length is complete.
fn complete(answer: &[u8]) -> bool {
    let text = String::from_utf8_lossy(answer);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    head.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .and_then(|n| n.trim().parse::<usize>().ok())
        })
        .is_some_and(|len| body.len() >= len)
}

fn request_head(app: &TestApp, method: &str, path: &str, content_type: &str, len: usize) -> String {
    let host = app.address.trim_start_matches("http://");
    format!(
        "{method} {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: {content_type}\r\ncontent-length: {len}\r\n\r\n"
    )
}

async fn a_body_trickled_past_the_body_timeout_gets_408_on_the_api_and_on_pages(backend: Backend) {
    let (app, link) = app_with_short_timeouts(backend).await;
    let body = br#"{"revision": 0, "answers": {"has_plan": "yes", "notes": "slow"}}"#;

    // The JSON route: one byte every 100 ms would take 6 s; the limit is 1 s.
    let head = request_head(
        &app,
        "PUT",
        &format!("/api/v1{link}/answers"),
        "application/json",
        body.len(),
    );
    let (answer, took) = trickle(&app, &head, body, Duration::from_millis(100)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("/problems/request-timeout"), "{answer}");
    assert!(took < Duration::from_secs(3), "cut after {took:?}");

    // A respondent form gets a page saying so.
    let form = b"csrf=x&revision=0&a.notes=slow";
    let head = request_head(
        &app,
        "POST",
        &format!("{link}/sections/s1"),
        "application/x-www-form-urlencoded",
        form.len(),
    );
    let (answer, took) = trickle(&app, &head, form, Duration::from_millis(100)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("text/html"), "{answer}");
    assert!(
        answer.contains("did not arrive within 1 seconds"),
        "{answer}"
    );
    assert!(took < Duration::from_secs(3), "cut after {took:?}");

    // Nothing was saved by either.
    let state = app.get(&format!("/api/v1{link}")).await;
    let state: serde_json::Value = state.json().await.unwrap();
    assert_eq!(state["status"], "not_started");
}

async fn a_body_slow_but_within_the_timeout_is_served(backend: Backend) {
    let (app, link) = app_with_short_timeouts(backend).await;
    let body = br#"{"revision":0,"answers":{"notes":"ok"}}"#;
    let head = request_head(
        &app,
        "PUT",
        &format!("/api/v1{link}/answers"),
        "application/json",
        body.len(),
    );
    // 40 bytes over about 0.4 s, within the 1 s limit.
    let (answer, _) = trickle(&app, &head, body, Duration::from_millis(10)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

async fn headers_trickled_past_the_header_timeout_get_408_and_the_connection_closes(
    backend: Backend,
) {
    let (app, _) = app_with_short_timeouts(backend).await;
    let head = "GET /api/v1/me HTTP/1.1\r\n";
    let rest = b"x-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let (answer, took) = trickle(&app, head, rest, Duration::from_millis(100)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("/problems/request-timeout"), "{answer}");
    assert!(took < Duration::from_secs(3), "cut after {took:?}");

    // A silent connection is cut the same way.
    let (answer, took) = trickle(&app, "", b"", Duration::ZERO).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(took < Duration::from_secs(3), "cut after {took:?}");
}

async fn a_request_stuck_behind_a_database_lock_is_stopped_with_503_and_saves_nothing(
    backend: Backend,
) {
    let (app, link) = app_with_short_timeouts(backend).await;
    let first = put_answers(&app, &link, 0, serde_json::json!({ "notes": "first" })).await;
    assert_eq!(first.status(), 200);

    // Another writer holds the response row (SQLite: the whole database) and does not let go.
    let tx = app.db.begin().await.unwrap();
    tx.execute_unprepared("UPDATE responses SET revision = revision")
        .await
        .unwrap();
    let started = Instant::now();
    let stuck = put_answers(&app, &link, 1, serde_json::json!({ "notes": "second" })).await;
    let took = started.elapsed();
    assert_eq!(stuck.status(), 503);
    assert!(took < Duration::from_secs(3), "answered after {took:?}");
    let body = problem(stuck).await;
    assert_eq!(body["type"], "/problems/unavailable");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("took longer than 1 seconds")
    );
    tx.rollback().await.unwrap();

    // The stopped save left nothing behind: the response is still at revision 1.
    let mut retried = None;
    for _ in 0..20 {
        let resp = put_answers(&app, &link, 1, serde_json::json!({ "notes": "second" })).await;
        if resp.status() != 503 {
            retried = Some(resp);
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let retried = retried.expect("the save works once the lock is gone");
    assert_eq!(retried.status(), 200);
    let state: serde_json::Value = retried.json().await.unwrap();
    assert_eq!(state["revision"], 2);
    assert_eq!(state["answers"]["notes"], "second");
}

crate::on_both_backends!(
    a_body_trickled_past_the_body_timeout_gets_408_on_the_api_and_on_pages,
    a_body_slow_but_within_the_timeout_is_served,
    headers_trickled_past_the_header_timeout_get_408_and_the_connection_closes,
    a_request_stuck_behind_a_database_lock_is_stopped_with_503_and_saves_nothing,
);
