//! The server's logs never hold a secret link, a key or a free-text answer, at any level, and no
//! response sets a cookie. The real binary runs with `LOG_FORMAT=json RUST_LOG=trace` (everything
//! `debug` logs and more) while keys, links and free text are used the ways people use them (and
//! misuse them); then its log is searched for each of them.

use crate::helpers::respondent::fields;
use crate::helpers::server_process::ServerProcess;
use crate::helpers::{Backend, TestDatabase};
use crate::respond_api::{put_answers, tiny_round};
use reqwest::Method;
use serde_json::json;

async fn logs_hold_no_secret_links_keys_or_free_text(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::new(backend).await;
    let url = database.url.clone();
    let mut server = ServerProcess::start(
        &url,
        &[("RUST_LOG", "trace")],
        &dir.path().join("server.log"),
    );
    let app = server.test_app(database).await;
    let marker = uuid::Uuid::new_v4().simple().to_string();
    let free_text = |place: &str| format!("{place} free text {marker}");
    let mut secrets: Vec<(String, String)> = vec![
        ("admin key".into(), app.admin_key.clone()),
        ("researcher key".into(), app.researcher_key.clone()),
    ];
    let mut responses = Vec::new();

    tiny_round(&app).await;
    app.create_organisations(&["A1", "B1"]).await;
    let a1 = app.invite("t1", "A1").await;
    let b1 = app.invite("t1", "B1").await;
    secrets.push((
        "A1's link".into(),
        a1.trim_start_matches("/respond/").into(),
    ));
    secrets.push((
        "B1's first link".into(),
        b1.trim_start_matches("/respond/").into(),
    ));

    // A1 answers through the pages, B1 through the JSON route; both submit.
    responses.push(app.get(&a1).await);
    let section = format!("{a1}/sections/s1");
    let form = app.form(&section).await;
    let answers = [
        ("has_plan", vec!["no".to_owned()]),
        ("wte", vec!["1".to_owned()]),
        ("notes", vec![free_text("form")]),
    ];
    let saved = app
        .post_form(&section, &fields(&form, "continue", &answers))
        .await;
    assert_eq!(saved.status(), 303);
    responses.push(saved);
    let review = app.form(&format!("{a1}/review")).await;
    let submitted = app
        .post_form(
            &format!("{a1}/submit"),
            &[
                ("csrf".into(), review.csrf.clone()),
                ("revision".into(), review.revision.clone()),
            ],
        )
        .await;
    assert_eq!(submitted.status(), 303);
    responses.push(submitted);

    let saved = put_answers(
        &app,
        &b1,
        0,
        json!({ "has_plan": "yes", "plan_stage": "draft", "wte": 2, "notes": free_text("json") }),
    )
    .await;
    assert_eq!(saved.status(), 200);
    responses.push(saved);
    let submitted = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{b1}/submit"),
            Some(json!({ "revision": 1 })),
        )
        .await;
    assert_eq!(submitted.status(), 200);
    responses.push(submitted);

    // Refused input that carries free text: too long, and malformed JSON.
    let too_long = free_text("too long") + &"x".repeat(2001);
    responses.push(put_answers(&app, &b1, 2, json!({ "notes": too_long })).await);
    let malformed = app
        .client
        .put(app.url(&format!("/api/v1{b1}/answers")))
        .header("content-type", "application/json")
        .body(format!(
            "{{\"revision\": 2, \"answers\": {{\"notes\": \"{}",
            free_text("malformed")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    responses.push(malformed);

    // A reissued link, a share link, and the exports that carry free text.
    let reissued = app
        .admin_post("/api/v1/rounds/t1/invitations/B1/reissue", json!({}))
        .await;
    assert_eq!(reissued.status(), 201);
    let reissued: serde_json::Value = reissued.json().await.unwrap();
    let new_link = reissued["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    secrets.push(("B1's reissued link".into(), new_link.to_owned()));
    responses.push(app.get(&format!("/respond/{new_link}")).await);
    let share = app
        .admin_post("/api/v1/rounds/t1/organisations/A1/shares", json!({}))
        .await;
    assert_eq!(share.status(), 201);
    let share: serde_json::Value = share.json().await.unwrap();
    let share_secret = share["link"].as_str().unwrap().rsplit('/').next().unwrap();
    secrets.push(("share link".into(), share_secret.to_owned()));
    responses.push(app.get(&format!("/share/{share_secret}")).await);
    responses.push(app.get(&format!("/share/{share_secret}/report.pdf")).await);
    let export = app
        .get_as(
            &app.admin_key,
            "/api/v1/rounds/t1/responses?include_text=true",
        )
        .await;
    assert_eq!(export.status(), 200);
    responses.push(export);
    responses.push(
        app.get_as(&app.researcher_key, "/api/v1/rounds/t1/scores")
            .await,
    );

    // Wrong keys and links, as someone guessing or mistyping would send them.
    let wrong_key = format!("snd_{}", uuid::Uuid::new_v4().simple());
    secrets.push(("a wrong key".into(), wrong_key.clone()));
    responses.push(app.get_as(&wrong_key, "/api/v1/me").await);
    let old_b1 = b1.trim_start_matches("/respond/");
    responses.push(app.get(&format!("/respond/{old_b1}")).await);
    let guessed = format!("{}abcdef01", uuid::Uuid::new_v4().simple());
    secrets.push(("a guessed link".into(), guessed.clone()));
    responses.push(app.get(&format!("/api/v1/respond/{guessed}")).await);
    responses.push(app.get(&format!("/share/{guessed}/report.pdf")).await);

    for resp in &responses {
        assert!(
            !resp.headers().contains_key("set-cookie"),
            "{} set a cookie",
            resp.url().path()
        );
    }
    let requests = responses.len();
    drop(responses);
    server.kill();
    let logs = server.logs();

    // The logs are there, and name the paths with the secrets taken out.
    let finished = logs.matches("\"request finished\"").count();
    assert!(
        finished >= requests,
        "{finished} requests logged of {requests}+"
    );
    assert!(logs.contains("/respond/{secret}/sections/s1"));
    assert!(logs.contains("/share/{secret}/report.pdf"));
    let mut leaks = Vec::new();
    for (what, secret) in &secrets {
        // The key's random part alone would be as bad as the whole key.
        let random = secret.trim_start_matches("snd_");
        if logs.contains(random) {
            leaks.push(what.clone());
        }
    }
    if logs.contains(&marker) {
        leaks.push("free text".into());
    }
    assert!(
        leaks.is_empty(),
        "the logs ({} lines) contain: {}",
        logs.lines().count(),
        leaks.join(", ")
    );
    println!(
        "log hygiene ({backend:?}): {finished} requests logged in {} lines at trace level, searched for {} secrets and 4 free texts: none found",
        logs.lines().count(),
        secrets.len()
    );
}

crate::on_both_backends!(logs_hold_no_secret_links_keys_or_free_text);
