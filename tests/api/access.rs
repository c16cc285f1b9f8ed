//! Who may call what: every operator route refuses a missing, unknown or revoked key (401) and a
//! researcher's key (403); researchers may read.

use crate::helpers::{Backend, SURVEY, problem, spawn_app};
use reqwest::Method;
use serde_json::json;
use soundings::domain::role::Role;
use soundings::store::api_keys;

/// Every admin-only route, with a body that would be accepted, so that only the key decides.
fn admin_routes() -> Vec<(Method, String, Option<serde_json::Value>)> {
    let now = chrono::Utc::now();
    vec![
        (
            Method::POST,
            "/api/v1/surveys".into(),
            Some(json!({ "slug": "other", "title": "Other" })),
        ),
        (
            Method::POST,
            format!("/api/v1/surveys/{SURVEY}/versions/1/publish"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/organisations".into(),
            Some(
                json!({ "code": "ZZ1", "name": "Z", "kind": "acute", "region": "r", "country": "England", "size_band": "small" }),
            ),
        ),
        (
            Method::PATCH,
            "/api/v1/organisations/AA1".into(),
            Some(json!({ "name": "New name" })),
        ),
        (
            Method::POST,
            "/api/v1/rounds".into(),
            Some(
                json!({ "code": "r9", "name": "R", "survey": SURVEY, "version": 1, "opens_at": now, "closes_at": now + chrono::Duration::days(1) }),
            ),
        ),
        (
            Method::PATCH,
            "/api/v1/rounds/r1".into(),
            Some(json!({ "name": "Renamed" })),
        ),
        (Method::POST, "/api/v1/rounds/r1/close".into(), None),
        (Method::POST, "/api/v1/rounds/r1/open".into(), None),
        (Method::POST, "/api/v1/rounds/r1/reopen".into(), None),
        (
            Method::POST,
            "/api/v1/rounds/r1/invitations".into(),
            Some(json!({})),
        ),
        (Method::GET, "/api/v1/rounds/r1/invitations".into(), None),
        (
            Method::POST,
            "/api/v1/rounds/r1/invitations/AA1/revoke".into(),
            None,
        ),
        (
            Method::POST,
            "/api/v1/rounds/r1/invitations/AA1/reissue".into(),
            None,
        ),
        (Method::GET, "/api/v1/audit-events".into(), None),
    ]
}

fn read_routes() -> Vec<String> {
    vec![
        "/api/v1/me".into(),
        "/api/v1/surveys".into(),
        format!("/api/v1/surveys/{SURVEY}"),
        format!("/api/v1/surveys/{SURVEY}/versions/1"),
        format!("/api/v1/surveys/{SURVEY}/versions/1/definition"),
        "/api/v1/organisations".into(),
        "/api/v1/organisations/AA1".into(),
        "/api/v1/rounds".into(),
        "/api/v1/rounds/r1".into(),
    ]
}

async fn keys_are_checked_on_every_route_and_roles_decide_what_they_may_do(backend: Backend) {
    let app = spawn_app(backend).await;
    app.publish_shipped_survey().await;
    app.create_organisations(&["AA1"]).await;
    app.open_round("r1").await;
    let (revoked, secret) = api_keys::create(&app.db, "leaver", Role::Admin)
        .await
        .unwrap();
    api_keys::revoke(&app.db, &revoked.id.to_string())
        .await
        .unwrap();
    let revoked_key = secret.expose().to_owned();

    for (method, path, body) in admin_routes() {
        for (key, label) in [
            (None, "no key"),
            (Some("snd_0000"), "unknown key"),
            (Some(revoked_key.as_str()), "revoked key"),
        ] {
            let resp = app.send(method.clone(), key, &path, body.clone()).await;
            assert_eq!(resp.status(), 401, "{method} {path} with {label}");
            assert_eq!(problem(resp).await["type"], "/problems/unauthenticated");
        }
        let resp = app
            .send(
                method.clone(),
                Some(&app.researcher_key),
                &path,
                body.clone(),
            )
            .await;
        assert_eq!(resp.status(), 403, "{method} {path} with a researcher key");
        assert_eq!(problem(resp).await["type"], "/problems/forbidden");
    }
    for path in read_routes() {
        assert_eq!(app.get(&path).await.status(), 401, "GET {path} with no key");
        assert_eq!(
            app.get_as(&revoked_key, &path).await.status(),
            401,
            "GET {path} with a revoked key"
        );
        assert_eq!(
            app.get_as(&app.researcher_key, &path).await.status(),
            200,
            "GET {path} as a researcher"
        );
        assert_eq!(
            app.get_as(&app.admin_key, &path).await.status(),
            200,
            "GET {path} as an admin"
        );
    }
}

async fn every_operator_action_is_in_the_audit_trail(backend: Backend) {
    let app = spawn_app(backend).await;
    app.publish_shipped_survey().await;
    app.create_organisations(&["AA1"]).await;
    app.open_round("r1").await;
    app.admin_post("/api/v1/rounds/r1/invitations", json!({}))
        .await;

    let events = app
        .admin_get_json("/api/v1/audit-events?per_page=100")
        .await;
    let actions: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "survey.create",
        "survey_version.create",
        "survey_version.publish",
        "organisation.create",
        "round.create",
        "round.open",
        "invitation.create",
    ] {
        assert!(actions.contains(&expected), "no {expected} in {actions:?}");
    }
    let admin_prefix: String = app.admin_key.chars().take(12).collect();
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == format!("key:{admin_prefix}"))
    );
    // The audit trail never holds a secret.
    let text = events.to_string();
    assert!(!text.contains(&app.admin_key));
    let opens = app
        .admin_get_json("/api/v1/audit-events?action=round.open")
        .await;
    assert_eq!(opens["total"], 1);
    assert_eq!(opens["items"][0]["subject_id"], "r1");
}

crate::on_both_backends!(
    keys_are_checked_on_every_route_and_roles_decide_what_they_may_do,
    every_operator_action_is_in_the_audit_trail,
);
