use crate::helpers::{Backend, SURVEY, error_paths, problem, spawn_app};
use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::json;

async fn a_round_moves_from_draft_to_open_to_closed_and_back(backend: Backend) {
    let app = spawn_app(backend).await;
    app.publish_shipped_survey().await;
    let now = Utc::now();
    let resp = app
        .admin_post(
            "/api/v1/rounds",
            json!({ "code": "smm-2026", "name": "2026", "survey": SURVEY, "version": 1,
                    "opens_at": now - Duration::days(1), "closes_at": now + Duration::days(60) }),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let round: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(round["status"], "draft");
    assert_eq!(round["accepting_responses"], false);

    let close_draft = app
        .admin_post("/api/v1/rounds/smm-2026/close", json!({}))
        .await;
    assert_eq!(close_draft.status(), 409);
    assert_eq!(problem(close_draft).await["type"], "/problems/conflict");

    let opened: serde_json::Value = app
        .admin_post("/api/v1/rounds/smm-2026/open", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(opened["status"], "open");
    assert_eq!(opened["accepting_responses"], true);
    assert_eq!(
        app.admin_post("/api/v1/rounds/smm-2026/open", json!({}))
            .await
            .status(),
        409
    );
    let closed: serde_json::Value = app
        .admin_post("/api/v1/rounds/smm-2026/close", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["status"], "closed");
    let reopened: serde_json::Value = app
        .admin_post("/api/v1/rounds/smm-2026/reopen", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reopened["status"], "open");

    let listed = app
        .get_as(
            &app.researcher_key,
            &format!("/api/v1/rounds?survey={SURVEY}"),
        )
        .await;
    assert_eq!(listed.status(), 200);
    let listed: serde_json::Value = listed.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);

    let renamed = app
        .send(
            Method::PATCH,
            Some(&app.admin_key),
            "/api/v1/rounds/smm-2026",
            Some(json!({ "name": "Round of 2026" })),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(
        app.admin_get_json("/api/v1/rounds/smm-2026").await["name"],
        "Round of 2026"
    );
}

async fn a_round_needs_a_published_version_and_a_sensible_window(backend: Backend) {
    let app = spawn_app(backend).await;
    app.admin_post("/api/v1/surveys", json!({ "slug": SURVEY, "title": "T" }))
        .await;
    app.admin_text(
        Method::PUT,
        &format!("/api/v1/surveys/{SURVEY}/versions/1"),
        "application/yaml",
        crate::helpers::SHIPPED,
    )
    .await;
    let now = Utc::now();
    let resp = app
        .admin_post(
            "/api/v1/rounds",
            json!({ "code": "Bad Code", "name": "", "survey": SURVEY, "version": 1,
                    "opens_at": now, "closes_at": now - Duration::days(1) }),
        )
        .await;
    assert_eq!(resp.status(), 422);
    let body = problem(resp).await;
    let paths = error_paths(&body);
    assert_eq!(paths, ["code", "name", "closes_at", "version"], "{body}");

    let unknown = app
        .admin_post(
            "/api/v1/rounds",
            json!({ "code": "r1", "name": "R", "survey": "nope", "version": 1, "opens_at": now, "closes_at": now + Duration::days(1) }),
        )
        .await;
    assert_eq!(unknown.status(), 422);
    assert_eq!(problem(unknown).await["errors"][0]["path"], "survey");
    assert_eq!(
        app.get_as(&app.admin_key, "/api/v1/rounds/nope")
            .await
            .status(),
        404
    );
}

crate::on_both_backends!(
    a_round_moves_from_draft_to_open_to_closed_and_back,
    a_round_needs_a_published_version_and_a_sensible_window,
);
