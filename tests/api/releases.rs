//! Issue 28: a round's results are released, frozen and numbered. Once a round has a release,
//! every output about it reads the release: an edit of the register (an organisation's region or
//! kind) or an amendment after a reopen no longer moves what was published, so a reader who
//! keeps every answer learns nothing from the difference. A further release is checked against
//! the earlier ones and refused when it would single out 1 to k − 1 organisations.

use crate::helpers::{Backend, TestApp, problem, spawn_app};
use crate::respond_api::tiny_round_named;
use serde_json::{Value, json};

/// Fourteen trusts: seven acute (A1–A7) and seven mental health (M1–M7), each answering by its
/// number, all submitted in round t1, which is then closed.
async fn closed_round(app: &TestApp) {
    let specs: Vec<String> = (1..=7)
        .map(|i| format!("A{i}:acute"))
        .chain((1..=7).map(|i| format!("M{i}:mental_health")))
        .collect();
    app.create_organisations(&specs.iter().map(String::as_str).collect::<Vec<_>>())
        .await;
    tiny_round_named(app, "t1", 1).await;
    for (i, spec) in specs.iter().enumerate() {
        let code = spec.split(':').next().unwrap();
        app.submits("t1", code, answers(i)).await;
    }
    close(app, "t1").await;
}

fn answers(i: usize) -> Value {
    match i % 3 {
        0 => json!({ "has_plan": "no", "wte": 0 }),
        1 => json!({ "has_plan": "yes", "plan_stage": "draft", "channels": ["a"], "wte": 1 }),
        _ => {
            json!({ "has_plan": "yes", "plan_stage": "approved", "channels": ["a", "c"], "wte": 2 })
        }
    }
}

async fn close(app: &TestApp, round: &str) {
    let resp = app
        .admin_post(&format!("/api/v1/rounds/{round}/close"), json!({}))
        .await;
    assert_eq!(resp.status(), 200);
}

async fn release(app: &TestApp, round: &str) -> reqwest::Response {
    app.admin_post(&format!("/api/v1/rounds/{round}/releases"), json!({}))
        .await
}

/// Everything a researcher reads about round t1, and an organisation's benchmark.
async fn outputs(app: &TestApp) -> Value {
    let mut seen = serde_json::Map::new();
    for path in [
        "statistics?group_by=kind",
        "statistics?group_by=region",
        "distributions?group_by=kind",
        "disclosure",
        "scores",
        "responses",
    ] {
        seen.insert(
            path.to_owned(),
            app.json_as(&app.researcher_key, &format!("/api/v1/rounds/t1/{path}"))
                .await,
        );
    }
    seen.insert(
        "benchmark".to_owned(),
        app.admin_get_json("/api/v1/rounds/t1/organisations/A1/benchmark")
            .await,
    );
    Value::Object(seen)
}

async fn a_release_is_numbered_and_refused_while_the_round_is_open(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_organisations(&["A1"]).await;
    tiny_round_named(&app, "t1", 1).await;
    let open = release(&app, "t1").await;
    assert_eq!(open.status(), 409);
    let detail = problem(open).await["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("close it before releasing"), "{detail}");
    assert_eq!(release(&app, "nope").await.status(), 404);

    close(&app, "t1").await;
    let first = release(&app, "t1").await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["number"], 1);
    assert_eq!(first["respondents"], 0);
    // Nothing changed: the same rows again, as release 2, with the same digest.
    let second: Value = release(&app, "t1").await.json().await.unwrap();
    assert_eq!(second["number"], 2);
    assert_eq!(second["digest"], first["digest"]);
    let listed = app
        .json_as(&app.researcher_key, "/api/v1/rounds/t1/releases")
        .await;
    let numbers: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2]);
    // Researchers read releases; only admins make them.
    let by_researcher = app
        .send(
            reqwest::Method::POST,
            Some(&app.researcher_key),
            "/api/v1/rounds/t1/releases",
            Some(json!({})),
        )
        .await;
    assert_eq!(by_researcher.status(), 403);
    let audit = app
        .admin_get_json("/api/v1/audit-events?action=release.make")
        .await;
    assert_eq!(audit["total"], 2);
}

/// Breach 3 of issue 28: moving one organisation between published groups after the round
/// closed gave its exact scores from the difference. A released round's figures stay as
/// released; the organisations list shows the edit, the figures do not.
async fn an_edit_of_the_register_after_a_release_moves_no_published_figure(backend: Backend) {
    let app = spawn_app(backend).await;
    closed_round(&app).await;
    assert_eq!(release(&app, "t1").await.status(), 201);
    let before = outputs(&app).await;
    let moved = app
        .send(
            reqwest::Method::PATCH,
            Some(&app.admin_key),
            "/api/v1/organisations/A1",
            Some(json!({ "kind": "mental_health", "region": "London" })),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let after = outputs(&app).await;
    for (what, value) in before.as_object().unwrap() {
        assert_eq!(&after[what], value, "{what} moved with the register edit");
    }
    // Another instance, started afresh, reads the same release.
    let other = app.another_instance(|_| {}).await;
    let elsewhere = outputs(&other).await;
    assert_eq!(elsewhere, before);
}

/// Breach 2 of issue 28, after a release: an amendment by one trust after a reopen is not
/// published, and a further release that would publish it alone is refused, naming the group;
/// the earlier release stays published.
async fn a_correction_of_fewer_than_k_organisations_is_refused_and_the_release_stays(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    closed_round(&app).await;
    assert_eq!(release(&app, "t1").await.status(), 201);
    let released = outputs(&app).await;

    let reopened = app.admin_post("/api/v1/rounds/t1/reopen", json!({})).await;
    assert_eq!(reopened.status(), 200);
    // A1 amends its answers (saved and submitted again through its link).
    let link = app
        .admin_post("/api/v1/rounds/t1/invitations/A1/reissue", json!({}))
        .await;
    assert_eq!(link.status(), 201, "{}", link.text().await.unwrap());
    let link: Value = link.json().await.unwrap();
    let path = link["link"].as_str().unwrap().replace(&app.address, "");
    let state = app
        .get(&format!("/api/v1{path}"))
        .await
        .json::<Value>()
        .await
        .unwrap();
    let revision = state["revision"].as_i64().unwrap();
    let saved = crate::respond_api::put_answers(
        &app,
        &path,
        revision,
        json!({ "has_plan": "yes", "plan_stage": "approved", "channels": ["a", "b", "c"], "wte": 3 }),
    )
    .await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    // Still open: nothing published moves.
    assert_eq!(outputs(&app).await, released);
    close(&app, "t1").await;
    assert_eq!(outputs(&app).await, released);

    let refused = release(&app, "t1").await;
    assert_eq!(refused.status(), 409);
    let detail = problem(refused).await["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        detail.contains("release 1") && detail.contains("1 organisation "),
        "{detail}"
    );
    assert_eq!(
        outputs(&app).await,
        released,
        "the first release stays published"
    );
    let listed = app
        .json_as(&app.researcher_key, "/api/v1/rounds/t1/releases")
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

/// A later round is compared with what an earlier round publishes, its release, not with its
/// answers as they stand: t0 released six acute trusts, then A7 submitted in t0 after a reopen
/// (not released). Compared with t0's live answers, t1's seven acute trusts looked unchanged and
/// were published, and t1's acute figures minus t0's released ones gave A7's alone.
async fn a_later_round_is_compared_with_the_earlier_rounds_release(backend: Backend) {
    let app = spawn_app(backend).await;
    let specs: Vec<String> = (1..=7)
        .map(|i| format!("A{i}:acute"))
        .chain((1..=6).map(|i| format!("M{i}:mental_health")))
        .collect();
    app.create_organisations(&specs.iter().map(String::as_str).collect::<Vec<_>>())
        .await;
    let codes: Vec<&str> = specs.iter().map(|s| s.split(':').next().unwrap()).collect();
    tiny_round_named(&app, "t0", 10).await;
    for (i, code) in codes.iter().enumerate().filter(|(_, c)| **c != "A7") {
        app.submits("t0", code, answers(i)).await;
    }
    close(&app, "t0").await;
    assert_eq!(release(&app, "t0").await.status(), 201);
    app.admin_post("/api/v1/rounds/t0/reopen", json!({})).await;
    app.submits("t0", "A7", answers(6)).await;
    close(&app, "t0").await;

    tiny_round_named(&app, "t1", 1).await;
    for (i, code) in codes.iter().enumerate() {
        app.submits("t1", code, answers(i)).await;
    }
    let stats = app
        .json_as(
            &app.researcher_key,
            "/api/v1/rounds/t1/statistics?group_by=kind",
        )
        .await;
    let acute: Vec<&Value> = stats
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "acute")
        .collect();
    assert!(!acute.is_empty());
    assert!(
        acute.iter().all(|r| r["suppressed"] == true),
        "t1's acute group differs from t0's release by one trust: {acute:#?}"
    );
}

crate::on_both_backends!(
    a_later_round_is_compared_with_the_earlier_rounds_release,
    a_release_is_numbered_and_refused_while_the_round_is_open,
    an_edit_of_the_register_after_a_release_moves_no_published_figure,
    a_correction_of_fewer_than_k_organisations_is_refused_and_the_release_stays,
);
