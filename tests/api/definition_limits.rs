//! Hostile definitions (issue 29): an alias bomb and deep nesting are refused at once, with a
//! problem naming the limit, through the API's dry run and through the console's file upload.
//! What they would cost the server otherwise is measured by `cargo bench --bench definitions`.

use crate::console::sign_in;
use crate::console::surveys::file_upload;
use crate::helpers::{Backend, TestApp, problem, spawn_app};
use serde_json::json;
use soundings::domain::definition::{MAX_DEPTH, MAX_NODES};
use std::time::Duration;

/// Long enough for any refusal; the unbounded parse took minutes (and gigabytes).
const PATIENCE: Duration = Duration::from_secs(20);

/// The alias bomb of the issue: a 6,000-item list, then 6,000 aliases to it (42 kB).
fn alias_bomb() -> String {
    let items = vec!["x"; 6_000].join(", ");
    let aliases = vec!["*a"; 6_000].join(", ");
    format!("slug: bomb\nversion: 1\nlist: &a [{items}]\nmore: [{aliases}]\n")
}

/// Lists nested 200,000 deep (400 kB).
fn deep(open: &str, close: &str) -> String {
    let depth = 200_000;
    format!("{}{}", open.repeat(depth), close.repeat(depth))
}

async fn dry_run(app: &TestApp, content_type: &str, body: String) -> (u16, serde_json::Value) {
    let resp = app
        .client
        .put(app.url("/api/v1/surveys/bomb/versions/1?dry_run=true"))
        .bearer_auth(&app.admin_key)
        .header("content-type", content_type)
        .body(body)
        .timeout(PATIENCE)
        .send()
        .await
        .expect("an answer in good time");
    (resp.status().as_u16(), problem(resp).await)
}

async fn an_alias_bomb_and_deep_nesting_are_refused_naming_the_limit_through_the_api(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.admin_post(
        "/api/v1/surveys",
        json!({ "slug": "bomb", "title": "Bomb" }),
    )
    .await;

    let (status, body) = dry_run(&app, "application/yaml", alias_bomb()).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["type"], "/problems/payload-too-large");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("more than {MAX_NODES} nodes"))
            && detail.contains("counting each alias as the nodes it repeats"),
        "{detail}"
    );

    let nesting = format!("slug: bomb\nversion: 1\ndeep: {}\n", deep("[", "]"));
    let (status, body) = dry_run(&app, "application/yaml", nesting).await;
    assert_eq!(status, 422, "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("more than {MAX_DEPTH} deep at line 3 column"))
            && message.contains(&format!("may nest at most {MAX_DEPTH}")),
        "{message}"
    );

    let json_nesting = format!(
        "{{\"slug\": \"bomb\", \"deep\": {}}}",
        deep("{\"a\": ", "}")
    );
    let (status, body) = dry_run(&app, "application/json", json_nesting).await;
    assert_eq!(status, 422, "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("more than {MAX_DEPTH} deep")),
        "{message}"
    );
}

async fn an_alias_bomb_and_deep_nesting_are_refused_naming_the_limit_through_the_console(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let upload = |document: String| {
        let app = &app;
        let cookie = admin.cookie.clone();
        let csrf = admin.csrf.clone();
        async move {
            let resp = file_upload(app, &cookie, &[("csrf", &csrf)], ("bomb.yaml", &document))
                .timeout(PATIENCE)
                .send()
                .await
                .expect("an answer in good time");
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };

    let (status, page) = upload(alias_bomb()).await;
    assert_eq!(status, 413);
    assert!(
        page.contains(&format!("more than {MAX_NODES} nodes")),
        "the page does not say why: {page}"
    );
    let (status, page) = upload(format!("slug: bomb\ndeep: {}\n", deep("[", "]"))).await;
    assert_eq!(status, 422);
    assert!(
        page.contains(&format!("more than {MAX_DEPTH} deep")),
        "the page does not say why: {page}"
    );
    assert_eq!(
        app.get_as(&app.admin_key, "/api/v1/surveys/bomb")
            .await
            .status(),
        404,
        "nothing saved"
    );
}

crate::on_both_backends!(
    an_alias_bomb_and_deep_nesting_are_refused_naming_the_limit_through_the_api,
    an_alias_bomb_and_deep_nesting_are_refused_naming_the_limit_through_the_console,
);
