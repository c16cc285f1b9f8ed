use crate::helpers::{Backend, problem, spawn_app, spawn_app_with};

async fn unknown_routes_answer_problem_json(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/no-such-page", "/api/v1/no-such-resource"] {
        let resp = app.get_as(&app.admin_key, path).await;
        assert_eq!(resp.status(), 404, "{path}");
        let body = problem(resp).await;
        assert_eq!(body["type"], "/problems/not-found");
        assert_eq!(body["status"], 404);
        assert!(body["title"].is_string());
    }
}

async fn a_wrong_method_answers_405_problem_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let resp = app.client.delete(app.url("/health")).send().await.unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(
        resp.headers()["allow"],
        "GET, HEAD",
        "a 405 must say what is allowed"
    );
    assert_eq!(problem(resp).await["type"], "/problems/method-not-allowed");
}

async fn a_malformed_json_body_answers_400_problem_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let resp = app
        .client
        .post(app.url("/api/v1/organisations"))
        .bearer_auth(&app.admin_key)
        .header("content-type", "application/json")
        .body("{\"code\": \"RW6\", ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body = problem(resp).await;
    assert_eq!(body["type"], "/problems/malformed-request");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("could not be parsed") && detail.contains("line 1 column 16"),
        "{body}"
    );
}

async fn a_body_over_the_limit_answers_413_problem_json_with_or_without_a_length(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.body_limit = 1024).await;
    let big = format!("{{\"code\": \"{}\"}}", "x".repeat(4096));
    let declared = app
        .client
        .post(app.url("/api/v1/organisations"))
        .bearer_auth(&app.admin_key)
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), 413);
    assert_eq!(
        problem(declared).await["type"],
        "/problems/payload-too-large"
    );

    // A chunked body declares no length; the limit must hold all the same.
    let stream = futures_util::stream::iter(
        big.into_bytes()
            .chunks(512)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let chunked = app
        .client
        .post(app.url("/api/v1/organisations"))
        .bearer_auth(&app.admin_key)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(chunked.status(), 413);
    assert_eq!(
        problem(chunked).await["type"],
        "/problems/payload-too-large"
    );
}

async fn api_routes_refuse_a_missing_or_unknown_key_with_401(backend: Backend) {
    let app = spawn_app(backend).await;
    let missing = app.get("/api/v1/me").await;
    assert_eq!(missing.status(), 401);
    assert_eq!(problem(missing).await["type"], "/problems/unauthenticated");
    let wrong = app.get_as("snd_not-a-real-key", "/api/v1/me").await;
    assert_eq!(wrong.status(), 401);
    let me = app.get_as(&app.researcher_key, "/api/v1/me").await;
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["role"], "researcher");
}

crate::on_both_backends!(
    unknown_routes_answer_problem_json,
    a_wrong_method_answers_405_problem_json,
    a_malformed_json_body_answers_400_problem_json,
    a_body_over_the_limit_answers_413_problem_json_with_or_without_a_length,
    api_routes_refuse_a_missing_or_unknown_key_with_401,
);
