//! Operators moving one round at the same moment. A transition is one conditional update, so the
//! database decides: every success is a real step of one serial history, with one audit event
//! each, and every other request is a 409 problem, never a lost update, a 200 or a 500.

use crate::helpers::{Backend, SHIPPED, SURVEY, TestApp, problem, spawn_app};
use crate::respond_api::tiny_round;
use chrono::{Duration, Utc};
use futures_util::future::join_all;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use soundings::store::{organisations, rounds, shares};

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
        let body = if resp.status().is_success() {
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

/// Sends `request` (as the admin) while another connection holds `rival_write` uncommitted, and
/// commits it once the request has had time to read: the request reads the state from before the
/// rival's change, then has to wait for the row (PostgreSQL) or the write lock (SQLite) to write.
async fn overtaken(
    app: &TestApp,
    rival_write: &str,
    request: reqwest::RequestBuilder,
) -> reqwest::Response {
    let rival = app.db.begin().await.unwrap();
    rival.execute_unprepared(rival_write).await.unwrap();
    let sent = tokio::spawn(request.bearer_auth(&app.admin_key).send());
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    rival.commit().await.unwrap();
    sent.await.unwrap().unwrap()
}

/// The request reads the round as a draft, then another writer opens it before the request's
/// write: the request must not overwrite that (a read-then-write would answer 200 and record a
/// second opening), and answers 409 saying what happened.
async fn a_request_that_loses_the_race_answers_409_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    create_draft_round(&app, "r1").await;

    let post = app
        .client
        .post(app.url("/api/v1/rounds/r1/open"))
        .json(&json!({}));
    let resp = overtaken(
        &app,
        "UPDATE rounds SET status = 'open' WHERE code = 'r1'",
        post,
    )
    .await;
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

/// How many audit events of `action` there are.
async fn events(app: &TestApp, action: &str) -> u64 {
    app.admin_get_json(&format!("/api/v1/audit-events?action={action}"))
        .await["total"]
        .as_u64()
        .unwrap()
}

/// Uploads the shipped instrument as draft version 1 and answers the version's path.
async fn upload_draft(app: &TestApp) -> String {
    let made = app
        .admin_post("/api/v1/surveys", json!({ "slug": SURVEY, "title": "SMM" }))
        .await;
    assert_eq!(made.status(), 201);
    let path = format!("/api/v1/surveys/{SURVEY}/versions/1");
    let draft = app
        .admin_text(reqwest::Method::PUT, &path, "application/yaml", SHIPPED)
        .await;
    assert_eq!(draft.status(), 201);
    path
}

async fn concurrent_publishes_of_a_draft_version_let_exactly_one_succeed(backend: Backend) {
    let app = spawn_app(backend).await;
    let path = upload_draft(&app).await;

    let publish = format!("{path}/publish");
    let outcomes = race(
        &app,
        (0..RACERS).map(|_| ("publish", publish.clone())).collect(),
    )
    .await;
    let wins = outcomes.iter().filter(|(_, s, _)| *s == 200).count();
    assert_eq!(wins, 1, "exactly one publish wins: {outcomes:?}");
    for (_, status, body) in &outcomes {
        if *status != 200 {
            assert_eq!(
                (*status, &body["type"]),
                (409, &json!("/problems/conflict"))
            );
        }
    }
    assert_eq!(events(&app, "survey_version.publish").await, 1);
}

/// A draft replaced while another request publishes it: the published definition must stay as
/// it was published, so the replacement answers 409.
async fn a_draft_published_meanwhile_is_not_replaced(backend: Backend) {
    let app = spawn_app(backend).await;
    let path = upload_draft(&app).await;
    let sha256 = app.admin_get_json(&path).await["sha256"].clone();

    let changed = SHIPPED.replacen("  en: \"", "  en: \"Changed ", 1);
    let put = app
        .client
        .put(app.url(&path))
        .header("content-type", "application/yaml")
        .body(changed);
    let resp = overtaken(
        &app,
        "UPDATE survey_versions SET status = 'published' WHERE version = 1",
        put,
    )
    .await;
    assert_eq!(resp.status(), 409);
    assert_eq!(problem(resp).await["type"], "/problems/conflict");
    let now = app.admin_get_json(&path).await;
    assert_eq!(
        (&now["status"], &now["sha256"]),
        (&json!("published"), &sha256)
    );
}

async fn concurrent_revokes_of_a_share_record_one_revocation(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_organisations(&["AA1"]).await;
    create_draft_round(&app, "r1").await;
    let round = rounds::find(&app.db, "r1").await.unwrap().unwrap();
    let org = organisations::find_by_code(&app.db, "AA1")
        .await
        .unwrap()
        .unwrap();
    let expires = Utc::now() + Duration::days(7);
    let (share, _) = shares::create(&app.db, round.id, org.id, "test", expires)
        .await
        .unwrap();

    let revoke = format!("/api/v1/shares/{}/revoke", share.id);
    let outcomes = race(
        &app,
        (0..RACERS).map(|_| ("revoke", revoke.clone())).collect(),
    )
    .await;
    // Revoking is idempotent: every request hears that the share is revoked, at one moment.
    let first = &outcomes[0].2;
    for (_, status, body) in &outcomes {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body["status"], "revoked");
        assert_eq!(body["revoked_at"], first["revoked_at"], "revoked once");
    }
    assert_eq!(events(&app, "report_share.revoke").await, 1);
}

async fn concurrent_reissues_leave_one_working_link(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_organisations(&["AA1"]).await;
    create_draft_round(&app, "r1").await;
    let invited = app
        .admin_post(
            "/api/v1/rounds/r1/invitations",
            json!({ "organisations": ["AA1"] }),
        )
        .await;
    assert_eq!(invited.status(), 200);

    let reissue = "/api/v1/rounds/r1/invitations/AA1/reissue".to_owned();
    let outcomes = race(
        &app,
        (0..RACERS).map(|_| ("reissue", reissue.clone())).collect(),
    )
    .await;
    for (_, status, body) in &outcomes {
        assert_eq!(*status, 201, "{body}");
    }
    // Each reissue revoked the link before it, so only the last one made still works.
    let active = app.count("invitations WHERE revoked_at IS NULL").await;
    assert_eq!(active, 1);
}

/// A respondent saves while an operator closes the round: the close commits after the link was
/// read, and the save must not land in the closed round.
async fn a_save_overtaken_by_a_close_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_organisations(&["AA1"]).await;
    tiny_round(&app).await;
    let link = app.invite("t1", "AA1").await;
    let put = app
        .client
        .put(app.url(&format!("/api/v1{link}/answers")))
        .json(&json!({ "revision": 0, "answers": { "wte": 3 } }));
    let resp = overtaken(
        &app,
        "UPDATE rounds SET status = 'closed' WHERE code = 't1'",
        put,
    )
    .await;
    assert_eq!(resp.status(), 410);
    let saved = app.count("responses").await;
    assert_eq!(saved, 0, "nothing was saved");
}

crate::on_both_backends!(
    a_save_overtaken_by_a_close_is_refused,
    concurrent_revokes_of_a_share_record_one_revocation,
    concurrent_reissues_leave_one_working_link,
    a_draft_published_meanwhile_is_not_replaced,
    concurrent_opens_of_a_draft_round_let_exactly_one_succeed,
    concurrent_closes_and_reopens_follow_one_serial_history,
    a_request_that_loses_the_race_answers_409_and_changes_nothing,
    concurrent_publishes_of_a_draft_version_let_exactly_one_succeed,
);
