use crate::helpers::{Backend, SHIPPED, SURVEY, error_paths, problem, spawn_app};
use reqwest::Method;
use serde_json::json;

async fn an_operator_creates_uploads_publishes_and_exports_a_survey(backend: Backend) {
    let app = spawn_app(backend).await;
    app.publish_shipped_survey().await;

    let survey = app
        .admin_get_json(&format!("/api/v1/surveys/{SURVEY}"))
        .await;
    assert_eq!(survey["versions"][0]["status"], "published");
    assert_eq!(survey["versions"][0]["dimensions"], 7);
    let questions = survey["versions"][0]["questions"].as_u64().unwrap();
    assert!((40..=60).contains(&questions), "{questions} questions");
    let sha = survey["versions"][0]["sha256"].as_str().unwrap().to_owned();
    assert_eq!(sha.len(), 64);

    let list = app.get_as(&app.researcher_key, "/api/v1/surveys").await;
    assert_eq!(list.status(), 200);
    let list: serde_json::Value = list.json().await.unwrap();
    assert_eq!(list[0]["slug"], SURVEY);

    let json_export = app
        .get_as(
            &app.researcher_key,
            &format!("/api/v1/surveys/{SURVEY}/versions/1/definition"),
        )
        .await;
    assert!(
        json_export.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let exported: serde_json::Value = json_export.json().await.unwrap();
    assert_eq!(exported["slug"], SURVEY);
    assert_eq!(exported["dimensions"].as_array().unwrap().len(), 7);

    let yaml_export = app
        .get_as(
            &app.admin_key,
            &format!("/api/v1/surveys/{SURVEY}/versions/1/definition?format=yaml"),
        )
        .await;
    assert!(
        yaml_export.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/yaml")
    );
    let yaml = yaml_export.text().await.unwrap();
    // The YAML export is itself a valid upload that describes the same definition.
    let check = app
        .admin_text(
            Method::PUT,
            &format!("/api/v1/surveys/{SURVEY}/versions/1?dry_run=true"),
            "application/yaml",
            &yaml,
        )
        .await;
    assert_eq!(check.status(), 200);
    let report: serde_json::Value = check.json().await.unwrap();
    assert_eq!(report["sha256"], sha.as_str());
}

async fn a_draft_can_be_replaced_but_a_published_version_cannot_change(backend: Backend) {
    let app = spawn_app(backend).await;
    app.admin_post("/api/v1/surveys", json!({ "slug": SURVEY, "title": "T" }))
        .await;
    let path = format!("/api/v1/surveys/{SURVEY}/versions/1");
    assert_eq!(
        app.admin_text(Method::PUT, &path, "application/yaml", SHIPPED)
            .await
            .status(),
        201
    );
    let edited = SHIPPED.replacen("\n  en: \"NHS", "\n  en: \"Edited NHS", 1);
    assert_ne!(edited, SHIPPED);
    let replaced = app
        .admin_text(Method::PUT, &path, "application/x-yaml", &edited)
        .await;
    assert_eq!(replaced.status(), 202);
    let survey = app
        .admin_get_json(&format!("/api/v1/surveys/{SURVEY}"))
        .await;
    assert_eq!(
        survey["versions"][0]["title"],
        "Edited NHS social media maturity"
    );

    assert_eq!(
        app.admin_post(&format!("{path}/publish"), json!({}))
            .await
            .status(),
        200
    );
    let again = app
        .admin_text(Method::PUT, &path, "application/yaml", SHIPPED)
        .await;
    assert_eq!(again.status(), 409);
    let body = problem(again).await;
    assert_eq!(body["type"], "/problems/conflict");
    assert!(body["detail"].as_str().unwrap().contains("new version"));
    assert_eq!(
        app.admin_post(&format!("{path}/publish"), json!({}))
            .await
            .status(),
        409
    );
}

async fn a_definition_with_mistakes_is_refused_with_every_problem_and_its_path(backend: Backend) {
    let app = spawn_app(backend).await;
    app.admin_post(
        "/api/v1/surveys",
        json!({ "slug": "tiny", "title": "Tiny" }),
    )
    .await;
    let doc = json!({
        "slug": "tiny", "version": 1, "title": "Tiny", "description": "A tiny survey",
        "levels": [{ "name": "Low", "min_score": 0 }, { "name": "High", "min_score": 50 }],
        "dimensions": [{ "key": "core", "title": "Core", "weight": 1 }],
        "sections": [{ "key": "s1", "title": "One", "questions": [
            { "key": "q1", "prompt": "First?", "type": "yes_no", "dimension": "core", "scores": { "yes": 1, "no": 0 } },
            { "key": "q2", "prompt": "Second?", "type": "single_choice", "dimension": "nowhere",
              "options": [{ "value": "a", "label": "A", "score": 1 }] },
            { "key": "q3", "prompt": "Third?", "type": "text", "options": [{ "value": "x", "label": "X" }] },
            { "key": "q4", "prompt": "Fourth?", "type": "yes_no", "show_if": { "question": "q1", "any_of": ["maybe"] } }
        ]}]
    });
    let resp = app
        .admin_text(
            Method::PUT,
            "/api/v1/surveys/tiny/versions/1",
            "application/json",
            &doc.to_string(),
        )
        .await;
    assert_eq!(resp.status(), 422);
    let body = problem(resp).await;
    assert_eq!(body["type"], "/problems/validation-failed");
    let paths = error_paths(&body);
    for expected in [
        "sections[0].questions[1].dimension",
        "sections[0].questions[2].options",
        "sections[0].questions[3].show_if",
    ] {
        assert!(
            paths.iter().any(|p| p.starts_with(expected)),
            "no error at {expected}: {paths:?}"
        );
    }
    // Nothing was saved.
    let survey = app.admin_get_json("/api/v1/surveys/tiny").await;
    assert_eq!(survey["versions"].as_array().unwrap().len(), 0);
}

async fn a_dry_run_validates_without_saving_and_the_path_must_match_the_document(backend: Backend) {
    let app = spawn_app(backend).await;
    app.admin_post("/api/v1/surveys", json!({ "slug": SURVEY, "title": "T" }))
        .await;
    let dry = app
        .admin_text(
            Method::PUT,
            &format!("/api/v1/surveys/{SURVEY}/versions/1?dry_run=true"),
            "application/yaml",
            SHIPPED,
        )
        .await;
    assert_eq!(dry.status(), 200);
    let report: serde_json::Value = dry.json().await.unwrap();
    assert_eq!(report["valid"], true);
    assert_eq!(report["dimensions"], 7);
    let survey = app
        .admin_get_json(&format!("/api/v1/surveys/{SURVEY}"))
        .await;
    assert_eq!(
        survey["versions"].as_array().unwrap().len(),
        0,
        "a dry run saved a version"
    );

    let mismatch = app
        .admin_text(
            Method::PUT,
            &format!("/api/v1/surveys/{SURVEY}/versions/2"),
            "application/yaml",
            SHIPPED,
        )
        .await;
    assert_eq!(mismatch.status(), 422);
    assert_eq!(problem(mismatch).await["errors"][0]["path"], "version");

    let wrong_type = app
        .admin_text(
            Method::PUT,
            &format!("/api/v1/surveys/{SURVEY}/versions/1"),
            "text/plain",
            SHIPPED,
        )
        .await;
    assert_eq!(wrong_type.status(), 415);
    assert_eq!(
        problem(wrong_type).await["type"],
        "/problems/unsupported-media-type"
    );

    let unknown = app
        .admin_text(
            Method::PUT,
            "/api/v1/surveys/no-such-survey/versions/1",
            "application/yaml",
            SHIPPED,
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

async fn survey_slugs_are_validated_and_unique(backend: Backend) {
    let app = spawn_app(backend).await;
    let bad = app
        .admin_post(
            "/api/v1/surveys",
            json!({ "slug": "Bad Slug!", "title": "" }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let body = problem(bad).await;
    let paths = error_paths(&body);
    assert_eq!(paths, ["slug", "title"]);
    assert_eq!(
        app.admin_post("/api/v1/surveys", json!({ "slug": "ok", "title": "OK" }))
            .await
            .status(),
        201
    );
    assert_eq!(
        app.admin_post("/api/v1/surveys", json!({ "slug": "ok", "title": "OK" }))
            .await
            .status(),
        409
    );
}

crate::on_both_backends!(
    an_operator_creates_uploads_publishes_and_exports_a_survey,
    a_draft_can_be_replaced_but_a_published_version_cannot_change,
    a_definition_with_mistakes_is_refused_with_every_problem_and_its_path,
    a_dry_run_validates_without_saving_and_the_path_must_match_the_document,
    survey_slugs_are_validated_and_unique,
);
