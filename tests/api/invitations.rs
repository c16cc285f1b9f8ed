use crate::helpers::{Backend, problem, spawn_app};
use sea_orm::EntityTrait;
use serde_json::json;
use soundings::domain::secret::hash_secret;

async fn invitations_give_each_organisation_a_secret_link_shown_once_and_stored_hashed(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.publish_shipped_survey().await;
    app.create_organisations(&["AA1", "AA2", "AA3"]).await;
    app.open_round("smm-2026").await;

    let resp = app
        .admin_post(
            "/api/v1/rounds/smm-2026/invitations",
            json!({ "organisations": ["aa1", "AA2"] }),
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["cache-control"],
        "no-store",
        "secret links must not be cached"
    );
    let batch: serde_json::Value = resp.json().await.unwrap();
    let created = batch["created"].as_array().unwrap();
    assert_eq!(created.len(), 2);
    let link = created[0]["link"].as_str().unwrap();
    assert!(
        link.starts_with(&format!("{}/respond/", app.address)),
        "{link}"
    );
    let secret = link.rsplit('/').next().unwrap();
    assert!(secret.len() >= 32, "a secret of 128+ bits");

    // Only the hash is stored.
    let stored = entity::invitation::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|i| i.secret_hash != secret));
    assert!(stored.iter().any(|i| i.secret_hash == hash_secret(secret)));

    // The rest, as CSV for a mail merge; those already invited are skipped.
    let csv = app
        .client
        .post(app.url("/api/v1/rounds/smm-2026/invitations"))
        .bearer_auth(&app.admin_key)
        .header("accept", "text/csv")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "organisation,organisation_name,link");
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].starts_with("AA3,AA3 Trust,http"));

    let statuses = app
        .admin_get_json("/api/v1/rounds/smm-2026/invitations")
        .await;
    let statuses = statuses.as_array().unwrap();
    assert_eq!(statuses.len(), 3);
    assert!(
        statuses
            .iter()
            .all(|s| s["response_status"] == "not_started" && s["active"] == true)
    );

    let revoked = app
        .admin_post("/api/v1/rounds/smm-2026/invitations/AA1/revoke", json!({}))
        .await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(
        app.admin_post("/api/v1/rounds/smm-2026/invitations/AA1/revoke", json!({}))
            .await
            .status(),
        404
    );
    let statuses = app
        .admin_get_json("/api/v1/rounds/smm-2026/invitations")
        .await;
    assert_eq!(statuses[0]["organisation"], "AA1");
    assert_eq!(statuses[0]["active"], false);

    let reissued = app
        .admin_post("/api/v1/rounds/smm-2026/invitations/AA1/reissue", json!({}))
        .await;
    assert_eq!(reissued.status(), 201);
    let new_link: serde_json::Value = reissued.json().await.unwrap();
    assert_ne!(new_link["link"].as_str().unwrap(), link);
    let statuses = app
        .admin_get_json("/api/v1/rounds/smm-2026/invitations")
        .await;
    assert_eq!(statuses[0]["active"], true);
}

async fn inviting_an_unknown_organisation_invites_nobody(backend: Backend) {
    let app = spawn_app(backend).await;
    app.publish_shipped_survey().await;
    app.create_organisations(&["AA1"]).await;
    app.open_round("r1").await;
    let resp = app
        .admin_post(
            "/api/v1/rounds/r1/invitations",
            json!({ "organisations": ["AA1", "ZZ9"] }),
        )
        .await;
    assert_eq!(resp.status(), 422);
    assert_eq!(problem(resp).await["errors"][0]["path"], "organisations[1]");
    let statuses = app.admin_get_json("/api/v1/rounds/r1/invitations").await;
    assert_eq!(statuses.as_array().unwrap().len(), 0);
}

crate::on_both_backends!(
    invitations_give_each_organisation_a_secret_link_shown_once_and_stored_hashed,
    inviting_an_unknown_organisation_invites_nobody,
);
