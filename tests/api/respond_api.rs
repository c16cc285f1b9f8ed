//! The respondent's JSON route, and scoring checked against figures worked out by hand.

use crate::helpers::{Backend, TestApp, error_paths, problem, spawn_app};
use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::json;

/// Two dimensions (plan weighs 2, team 1), a conditional question, a capped multi-choice and
/// banded decimal, so every scoring rule shows in the hand-worked figures below.
pub const TINY: &str = r#"
slug: tiny
version: 1
title: Tiny
description: A tiny survey for tests
levels:
  - { name: Low, min_score: 0 }
  - { name: Mid, min_score: 40 }
  - { name: High, min_score: 70 }
dimensions:
  - { key: plan, title: Plan, weight: 2 }
  - { key: team, title: Team, weight: 1 }
sections:
  - key: s1
    title: One
    questions:
      - { key: has_plan, prompt: "Plan?", type: yes_no, required: true, dimension: plan, scores: { "yes": 2, "no": 0 } }
      - key: plan_stage
        prompt: "Stage?"
        type: single_choice
        required: true
        dimension: plan
        show_if: { question: has_plan, any_of: ["yes"] }
        options: [{ value: draft, label: Draft, score: 1 }, { value: approved, label: Approved, score: 3 }]
      - key: channels
        prompt: "Channels?"
        type: multi_choice
        dimension: team
        max_score: 3
        options: [{ value: a, label: A, score: 1 }, { value: b, label: B, score: 1 }, { value: c, label: C, score: 2 }]
      - key: wte
        prompt: "WTE?"
        type: decimal
        dimension: team
        min: 0
        max: 50
        unit: WTE
        bands: [{ min: 0, score: 0 }, { min: 1, score: 1 }, { min: 2, score: 2 }]
      - { key: notes, prompt: "Notes?", type: text }
"#;

pub async fn tiny_round(app: &TestApp) {
    tiny_round_named(app, "t1", 1).await;
}

/// Publishes the tiny survey (once) and opens round `code`, opened `days_ago` days ago.
pub async fn tiny_round_named(app: &TestApp, code: &str, days_ago: i64) {
    if app
        .get_as(&app.admin_key, "/api/v1/surveys/tiny")
        .await
        .status()
        == 404
    {
        app.admin_post(
            "/api/v1/surveys",
            json!({ "slug": "tiny", "title": "Tiny" }),
        )
        .await;
        let put = app
            .admin_text(
                Method::PUT,
                "/api/v1/surveys/tiny/versions/1",
                "application/yaml",
                TINY,
            )
            .await;
        assert_eq!(put.status(), 201, "{}", put.text().await.unwrap());
        app.admin_post("/api/v1/surveys/tiny/versions/1/publish", json!({}))
            .await;
    }
    let now = Utc::now();
    let created = app
        .admin_post(
            "/api/v1/rounds",
            json!({ "code": code, "name": code.to_uppercase(), "survey": "tiny", "version": 1,
                    "opens_at": now - Duration::days(days_ago), "closes_at": now + Duration::days(1) }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let opened = app
        .admin_post(&format!("/api/v1/rounds/{code}/open"), json!({}))
        .await;
    assert_eq!(opened.status(), 200);
}

pub async fn put_answers(
    app: &TestApp,
    link: &str,
    revision: i64,
    answers: serde_json::Value,
) -> reqwest::Response {
    app.send(
        Method::PUT,
        None,
        &format!("/api/v1{link}/answers"),
        Some(json!({ "revision": revision, "answers": answers })),
    )
    .await
}

async fn scores_of(
    app: &TestApp,
    organisation: &str,
) -> std::collections::BTreeMap<String, (f64, i32)> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let org = entity::organisation::Entity::find()
        .filter(entity::organisation::Column::Code.eq(organisation))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let response = entity::response::Entity::find()
        .filter(entity::response::Column::OrganisationId.eq(org.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    soundings::store::responses::scores(&app.db, response.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.dimension, (s.score, s.level)))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

async fn the_json_route_saves_with_revision_checks_and_scores_as_worked_out_by_hand(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    tiny_round(&app).await;
    app.create_organisations(&["AA1", "BB2"]).await;
    let link = app.invite("t1", "AA1").await;

    let fresh: serde_json::Value = app
        .get(&format!("/api/v1{link}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fresh["status"], "not_started");
    assert_eq!(fresh["revision"], 0);
    assert_eq!(
        fresh["visible_questions"],
        json!(["has_plan", "channels", "wte", "notes"])
    );

    let bad = put_answers(
        &app,
        &link,
        0,
        json!({ "wte": "lots", "channels": ["a", "zz"], "nope": 1 }),
    )
    .await;
    assert_eq!(bad.status(), 422);
    let body = problem(bad).await;
    assert_eq!(
        error_paths(&body),
        ["answers.channels", "answers.nope", "answers.wte"]
    );

    // plan_stage is sent but hidden (has_plan is "no"): it is dropped and not scored.
    let saved = put_answers(
        &app,
        &link,
        0,
        json!({ "has_plan": "no", "plan_stage": "approved", "channels": ["a", "c"], "wte": 1.5, "notes": "ŵ ŷ" }),
    )
    .await;
    assert_eq!(saved.status(), 200);
    let saved: serde_json::Value = saved.json().await.unwrap();
    assert_eq!(saved["revision"], 1);
    assert!(
        saved["answers"].get("plan_stage").is_none(),
        "a hidden question kept its answer"
    );
    assert_eq!(saved["answers"]["notes"], "ŵ ŷ");

    let stale = put_answers(&app, &link, 0, json!({ "wte": 3 })).await;
    assert_eq!(stale.status(), 409);
    assert_eq!(problem(stale).await["type"], "/problems/conflict");

    let submit = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{link}/submit"),
            Some(json!({ "revision": 1 })),
        )
        .await;
    assert_eq!(submit.status(), 200);
    let submitted: serde_json::Value = submit.json().await.unwrap();
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["revision"], 2);

    // plan: has_plan "no" earns 0 of 2; plan_stage is hidden, so it counts for nothing: 0.
    // team: channels a + c = 1 + 2 = 3 of max_score 3; wte 1.5 is in band min 1 → 1 of 2;
    //       100 × (3 + 1) / (3 + 2) = 80.
    // overall: (2 × 0 + 1 × 80) / 3 = 26.67 → level 1 (Low).
    let scores = scores_of(&app, "AA1").await;
    assert!(close(scores["plan"].0, 0.0), "{scores:?}");
    assert!(close(scores["team"].0, 80.0), "{scores:?}");
    assert!(close(scores["overall"].0, 80.0 / 3.0), "{scores:?}");
    assert_eq!(scores["overall"].1, 1);
    assert_eq!(scores["team"].1, 3);

    let other = app.invite("t1", "BB2").await;
    let saved = put_answers(
        &app,
        &other,
        0,
        json!({ "has_plan": "yes", "plan_stage": "draft", "channels": ["b"], "wte": 2.5 }),
    )
    .await;
    assert_eq!(saved.status(), 200);
    let submit = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{other}/submit"),
            Some(json!({ "revision": 1 })),
        )
        .await;
    assert_eq!(submit.status(), 200);
    // plan: yes 2 of 2, draft 1 of 3 → 100 × 3 / 5 = 60. team: b 1 of 3, wte 2.5 → 2 of 2 → 100 × 3 / 5 = 60.
    // overall: (2 × 60 + 60) / 3 = 60 → level 2 (Mid).
    let scores = scores_of(&app, "BB2").await;
    assert!(
        close(scores["plan"].0, 60.0)
            && close(scores["team"].0, 60.0)
            && close(scores["overall"].0, 60.0),
        "{scores:?}"
    );
    assert_eq!(scores["overall"].1, 2);
}

async fn an_incomplete_response_cannot_be_submitted_and_links_are_checked(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round(&app).await;
    app.create_organisations(&["AA1"]).await;
    let link = app.invite("t1", "AA1").await;
    put_answers(&app, &link, 0, json!({ "has_plan": "yes" })).await;
    let submit = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{link}/submit"),
            Some(json!({ "revision": 1 })),
        )
        .await;
    assert_eq!(submit.status(), 422);
    assert_eq!(error_paths(&problem(submit).await), ["answers.plan_stage"]);

    let unknown = app
        .get("/api/v1/respond/0123456789abcdef0123456789abcdef01234567")
        .await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(problem(unknown).await["type"], "/problems/not-found");
    app.admin_post("/api/v1/rounds/t1/close", json!({})).await;
    let closed = put_answers(&app, &link, 1, json!({ "wte": 1 })).await;
    assert_eq!(closed.status(), 410);
    assert_eq!(problem(closed).await["type"], "/problems/gone");
}

/// `submit: true` on a save: one request, one transaction, or nothing at all.
async fn a_whole_response_can_be_saved_and_submitted_in_one_request(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round(&app).await;
    app.create_organisations(&["AA1", "BB2"]).await;
    let link = app.invite("t1", "AA1").await;
    let path = format!("/api/v1{link}/answers");
    let save_and_submit = |revision: i64, answers: serde_json::Value| {
        app.send(
            Method::PUT,
            None,
            &path,
            Some(json!({ "revision": revision, "answers": answers, "submit": true })),
        )
    };

    // Incomplete (plan_stage is required once has_plan is "yes"): refused, and nothing saved.
    let incomplete = save_and_submit(0, json!({ "has_plan": "yes", "wte": 2.5 })).await;
    assert_eq!(incomplete.status(), 422);
    assert_eq!(
        error_paths(&problem(incomplete).await),
        ["answers.plan_stage"]
    );
    let state: serde_json::Value = app
        .get(&format!("/api/v1{link}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (state["status"].as_str(), state["revision"].as_i64()),
        (Some("not_started"), Some(0)),
        "a refused save-and-submit left something behind"
    );

    // Complete: saved (revision 1) and submitted (revision 2) at once, and scored as BB2 is in
    // the hand-worked test above: plan 60, team 60, overall 60 (Mid).
    let answers =
        json!({ "has_plan": "yes", "plan_stage": "draft", "channels": ["b"], "wte": 2.5 });
    let done = save_and_submit(0, answers.clone()).await;
    assert_eq!(done.status(), 200);
    let done: serde_json::Value = done.json().await.unwrap();
    assert_eq!(done["status"], "submitted");
    assert_eq!(done["revision"], 2);
    assert!(done["submitted_at"].is_string());
    assert_eq!(done["answers"], answers);
    let scores = scores_of(&app, "AA1").await;
    assert!(
        close(scores["plan"].0, 60.0) && close(scores["overall"].0, 60.0),
        "{scores:?}"
    );
    assert_eq!(scores["overall"].1, 2);
    let events = app
        .admin_get_json("/api/v1/audit-events?action=response.submit")
        .await;
    assert_eq!(events["total"], 1);
    assert_eq!(events["items"][0]["subject_id"], "t1/AA1");

    // The revision check holds as for any save.
    let stale = save_and_submit(1, json!({ "wte": 3 })).await;
    assert_eq!(stale.status(), 409);
    // A submitted response changed this way stays submitted and is re-scored (wte 0.5 → band 0):
    // team 100 × (1 + 0) / 5 = 20; overall (2 × 60 + 20) / 3 = 46.67.
    let amended = save_and_submit(2, json!({ "wte": 0.5 })).await;
    assert_eq!(amended.status(), 200);
    let amended: serde_json::Value = amended.json().await.unwrap();
    assert_eq!(
        (amended["status"].as_str(), amended["revision"].as_i64()),
        (Some("submitted"), Some(3))
    );
    let scores = scores_of(&app, "AA1").await;
    assert!(close(scores["overall"].0, 140.0 / 3.0), "{scores:?}");
}

crate::on_both_backends!(
    the_json_route_saves_with_revision_checks_and_scores_as_worked_out_by_hand,
    an_incomplete_response_cannot_be_submitted_and_links_are_checked,
    a_whole_response_can_be_saved_and_submitted_in_one_request,
);
