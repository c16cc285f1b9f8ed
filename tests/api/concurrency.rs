//! Operators moving one round at the same moment. A transition is one conditional update, so the
//! database decides: every success is a real step of one serial history, with one audit event
//! each, and every other request is a 409 problem, never a lost update, a 200 or a 500.

use crate::helpers::{Backend, SURVEY, TestApp, problem, spawn_app};
use chrono::{Duration, Utc};
use futures_util::future::join_all;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};

/// How many requests race for one round.
const RACERS: usize = 12;

async fn create_draft_round(app: &TestApp, code: &str) {
    app.publish_shipped_survey().await;
    let now = Utc::now();
    let resp = app
        .admin_post(
            "/api/v1/rounds",
            json!({ "code": code, "name": code, "survey": SURVEY, "version": 1,
                    "opens_at": now - Duration::days(1), "closes_at": now + Duration::days(30) }),
        )
        .await;
    assert_eq!(resp.status(), 201);
}

/// Sends every `(verb, path)` at once and answers `(verb, status, body)` for each.
async fn race(
    app: &TestApp,
    requests: Vec<(&'static str, String)>,
) -> Vec<(&'static str, u16, Value)> {
    join_all(requests.into_iter().map(|(verb, path)| async move {
        let resp = app.admin_post(&path, json!({})).await;
        let status = resp.status().as_u16();
        let body = if status == 200 {
            resp.json().await.unwrap()
        } else {
            problem(resp).await
        };
        (verb, status, body)
    }))
    .await
}

/// Every answer that is not a success must be the state conflict, as problem+json.
fn assert_losers_are_conflicts(outcomes: &[(&str, u16, Value)]) {
    for (verb, status, body) in outcomes {
        if *status != 200 {
            assert_eq!(*status, 409, "{verb}: {body}");
            assert_eq!(body["type"], "/problems/conflict", "{verb}: {body}");
            assert!(
                body["detail"].as_str().unwrap().contains("Round r1"),
                "the detail names the round: {body}"
            );
        }
    }
}

/// The round's transitions in the audit trail, oldest first, as (action, from, to).
async fn transitions(app: &TestApp) -> Vec<(String, String, String)> {
    let page = app
        .admin_get_json("/api/v1/audit-events?subject_type=round&per_page=500")
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .filter(|e| e["action"] != "round.create")
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["details"]["from"].as_str().unwrap().to_owned(),
                e["details"]["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn concurrent_opens_of_a_draft_round_let_exactly_one_succeed(backend: Backend) {
    let app = spawn_app(backend).await;
    create_draft_round(&app, "r1").await;

    let outcomes = race(
        &app,
        (0..RACERS)
            .map(|_| ("open", "/api/v1/rounds/r1/open".to_owned()))
            .collect(),
    )
    .await;

    let wins: Vec<_> = outcomes.iter().filter(|(_, s, _)| *s == 200).collect();
    assert_eq!(wins.len(), 1, "exactly one open wins: {outcomes:?}");
    assert_eq!(wins[0].2["status"], "open");
    assert_losers_are_conflicts(&outcomes);
    assert_eq!(
        transitions(&app).await,
        vec![(
            "round.open".to_owned(),
            "draft".to_owned(),
            "open".to_owned()
        )],
        "one success, one audit event"
    );
    assert_eq!(
        app.admin_get_json("/api/v1/rounds/r1").await["status"],
        "open"
    );
}

async fn concurrent_closes_and_reopens_follow_one_serial_history(backend: Backend) {
    let app = spawn_app(backend).await;
    create_draft_round(&app, "r1").await;
    assert_eq!(
        app.admin_post("/api/v1/rounds/r1/open", json!({}))
            .await
            .status(),
        200
    );

    let requests = (0..RACERS)
        .map(|i| {
            let verb = if i % 2 == 0 { "close" } else { "reopen" };
            (verb, format!("/api/v1/rounds/r1/{verb}"))
        })
        .collect();
    let outcomes = race(&app, requests).await;
    assert_losers_are_conflicts(&outcomes);

    // The audit trail is the serial history: it starts from open and alternates, each event
    // moving the round from where the previous one left it.
    let history = transitions(&app).await;
    let mut at = "open".to_owned();
    for (action, from, to) in &history[1..] {
        assert_eq!(
            from, &at,
            "{action} started where the last step ended: {history:?}"
        );
        let expected = match action.as_str() {
            "round.close" => ("open", "closed"),
            "round.reopen" => ("closed", "open"),
            other => panic!("unexpected {other}"),
        };
        assert_eq!((from.as_str(), to.as_str()), expected, "{history:?}");
        at.clone_from(to);
    }
    // One event per success, of the same action, and nothing else.
    for verb in ["close", "reopen"] {
        let successes = outcomes
            .iter()
            .filter(|(v, s, _)| *v == verb && *s == 200)
            .count();
        let events = history
            .iter()
            .filter(|(a, _, _)| *a == format!("round.{verb}"))
            .count();
        assert_eq!(successes, events, "{verb}: {outcomes:?} {history:?}");
    }
    for (verb, status, body) in &outcomes {
        if *status == 200 {
            let target = if *verb == "close" { "closed" } else { "open" };
            assert_eq!(body["status"], target, "{verb} answered its own result");
        }
    }
    assert!(
        history.len() > 1,
        "at least the first close wins: {outcomes:?}"
    );
    assert_eq!(
        app.admin_get_json("/api/v1/rounds/r1").await["status"],
        at.as_str(),
        "the round ends where the last success left it"
    );
}

/// The request reads the round as a draft, then another writer opens it before the request's
/// write: the request must not overwrite that (a read-then-write would answer 200 and record a
/// second opening), and answers 409 saying what happened.
async fn a_request_that_loses_the_race_answers_409_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    create_draft_round(&app, "r1").await;

    // The other writer: it has changed the round but not committed, so the request still reads
    // `draft` and then waits for the row (PostgreSQL) or the write lock (SQLite).
    let rival = app.db.conn.begin().await.unwrap();
    rival
        .execute_unprepared("UPDATE rounds SET status = 'open' WHERE code = 'r1'")
        .await
        .unwrap();
    let request = tokio::spawn({
        let (client, url, key) = (
            app.client.clone(),
            app.url("/api/v1/rounds/r1/open"),
            app.admin_key.clone(),
        );
        async move {
            client
                .post(url)
                .bearer_auth(key)
                .json(&json!({}))
                .send()
                .await
                .unwrap()
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    rival.commit().await.unwrap();

    let resp = request.await.unwrap();
    assert_eq!(resp.status(), 409);
    let body = problem(resp).await;
    assert_eq!(body["type"], "/problems/conflict");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("Round r1")
            && detail.contains("another request moved it first (it is now open)"),
        "{detail}"
    );
    assert!(transitions(&app).await.is_empty(), "nothing was recorded");
}

crate::on_both_backends!(
    concurrent_opens_of_a_draft_round_let_exactly_one_succeed,
    concurrent_closes_and_reopens_follow_one_serial_history,
    a_request_that_loses_the_race_answers_409_and_changes_nothing,
);
