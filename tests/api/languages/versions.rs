//! A version that declares Welsh must carry every Welsh text, and says which languages it has.

use crate::helpers::{Backend, SHIPPED, SURVEY, error_paths, problem, spawn_app};
use reqwest::Method;

async fn a_version_declaring_welsh_but_missing_one_welsh_text_is_refused_with_its_path(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let resp = app
        .admin_post(
            "/api/v1/surveys",
            serde_json::json!({ "slug": SURVEY, "title": "NHS social media maturity" }),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let welsh = "cy: \"A oes gan eich sefydliad strategaeth ysgrifenedig ar gyfer y cyfryngau cymdeithasol?\"";
    assert!(SHIPPED.contains(welsh));
    let missing = SHIPPED.replacen(welsh, "", 1);
    let resp = app
        .admin_text(
            Method::PUT,
            &format!("/api/v1/surveys/{SURVEY}/versions/1"),
            "application/yaml",
            &missing,
        )
        .await;
    assert_eq!(resp.status(), 422);
    let body = problem(resp).await;
    assert_eq!(error_paths(&body), ["sections[0].questions[0].prompt.cy"]);
    let detail = body["detail"].as_str().unwrap_or_default();
    let errors = body["errors"].to_string();
    assert!(
        detail.contains("prompt.cy") || errors.contains("Welsh"),
        "the problem does not say what is missing: {body}"
    );
}

async fn the_api_lists_the_languages_of_a_version(backend: Backend) {
    let app = spawn_app(backend).await;
    app.publish_shipped_survey().await;
    let survey = app
        .admin_get_json(&format!("/api/v1/surveys/{SURVEY}"))
        .await;
    let version = &survey["versions"][0];
    assert_eq!(version["languages"], serde_json::json!(["en", "cy"]));
    assert_eq!(version["translation_status"]["cy"], "needs_review");
}

crate::on_both_backends!(
    a_version_declaring_welsh_but_missing_one_welsh_text_is_refused_with_its_path,
    the_api_lists_the_languages_of_a_version,
);
