//! Revoking or reissuing the organisation's invitation ends its colleagues' links.

use super::{delegate, save, trio_lead};
use crate::helpers::{Backend, spawn_app};
use serde_json::json;

async fn revoking_the_organisations_link_ends_its_colleagues_links(backend: Backend) {
    let app = spawn_app(backend).await;
    let lead = trio_lead(&app).await;
    let (_, ann) = delegate(&app, &lead, "Ann", &["staffing"]).await;
    assert_eq!(app.get(&ann).await.status(), 200);
    assert_eq!(
        save(&app, &ann, 0, json!({ "staff_wte": 4 }))
            .await
            .status(),
        200
    );

    let revoked = app
        .admin_post("/api/v1/rounds/r1/invitations/Q1/revoke", json!({}))
        .await;
    assert_eq!(revoked.status(), 200);
    // Pages (kept or not) and the API alike.
    assert_eq!(app.get(&ann).await.status(), 404);
    assert_eq!(
        app.get(&format!("{ann}/sections/staffing")).await.status(),
        404
    );
    assert_eq!(app.get(&format!("/api/v1{ann}")).await.status(), 404);
    assert_eq!(
        save(&app, &ann, 1, json!({ "staff_wte": 5 }))
            .await
            .status(),
        404
    );
    let events = app
        .admin_get_json("/api/v1/audit-events?action=invitation.revoke")
        .await;
    assert_eq!(events["items"][0]["details"]["colleague_links_ended"], 1);
    // The operator no longer counts them.
    let seen = app.admin_get_json("/api/v1/rounds/r1/delegations").await;
    assert_eq!(seen["organisations_delegating"], 0);
}

async fn reissuing_the_organisations_link_ends_its_colleagues_links(backend: Backend) {
    let app = spawn_app(backend).await;
    let lead = trio_lead(&app).await;
    let (_, ann) = delegate(&app, &lead, "Ann", &["staffing"]).await;
    assert_eq!(
        app.get(&format!("{ann}/sections/staffing")).await.status(),
        200
    );

    let reissued = app
        .admin_post("/api/v1/rounds/r1/invitations/Q1/reissue", json!({}))
        .await;
    assert_eq!(reissued.status(), 201);
    let fresh: serde_json::Value = reissued.json().await.unwrap();
    let new_lead = fresh["link"].as_str().unwrap();
    let new_lead = new_lead.strip_prefix(&app.address).unwrap_or(new_lead);
    assert_eq!(app.get(&ann).await.status(), 404);
    assert_eq!(
        app.get(&format!("{ann}/sections/staffing")).await.status(),
        404
    );
    assert_eq!(app.get(&format!("/api/v1{ann}")).await.status(), 404);
    let events = app
        .admin_get_json("/api/v1/audit-events?action=invitation.reissue")
        .await;
    assert_eq!(events["items"][0]["details"]["colleague_links_ended"], 1);
    // The new link holds every section again and has no colleagues.
    let listed: serde_json::Value = app
        .get(&format!("/api/v1{new_lead}/delegates"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["delegates"], json!([]));
    delegate(&app, new_lead, "Bob", &["staffing"]).await;
}

crate::on_both_backends!(
    revoking_the_organisations_link_ends_its_colleagues_links,
    reissuing_the_organisations_link_ends_its_colleagues_links,
);
