//! The operator's view of delegation (admins only) and the audit trail.

use super::{delegate, save, trio_lead};
use crate::helpers::{Backend, spawn_app};
use reqwest::Method;
use serde_json::json;

async fn the_operator_sees_how_many_people_answer_and_which_sections_wait_on_whom(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let lead = trio_lead(&app).await;
    let (ann_id, ann) = delegate(&app, &lead, "Ann", &["staffing"]).await;
    let (bob_id, _) = delegate(&app, &lead, "Bob", &["goals"]).await;
    app.send(
        Method::PUT,
        None,
        &format!("/api/v1{ann}/sections/staffing/ready"),
        Some(json!({ "ready": true })),
    )
    .await;

    let seen = app.admin_get_json("/api/v1/rounds/r1/delegations").await;
    assert_eq!(seen["organisations_delegating"], 1);
    assert_eq!(seen["people"], 3);
    let q1 = &seen["organisations"][0];
    assert_eq!(q1["organisation"], "Q1");
    assert_eq!(q1["people"], 3);
    let mut sections = q1["sections"].as_array().unwrap().clone();
    sections.sort_by_key(|s| s["section"].as_str().unwrap().to_owned());
    assert_eq!(
        sections,
        vec![
            json!({ "section": "goals", "delegate": bob_id, "delegate_name": "Bob", "ready": false }),
            json!({ "section": "staffing", "delegate": ann_id, "delegate_name": "Ann", "ready": true }),
        ]
    );
    // Rows per organisation are for admins only; no address is shown.
    assert!(!seen.to_string().contains("@trust.example"));
    let researcher = app
        .get_as(&app.researcher_key, "/api/v1/rounds/r1/delegations")
        .await;
    assert_eq!(researcher.status(), 403);
    assert_eq!(app.get("/api/v1/rounds/r1/delegations").await.status(), 401);
}

async fn delegation_revocation_and_colleagues_saves_are_audited_without_secrets(backend: Backend) {
    let app = spawn_app(backend).await;
    let lead = trio_lead(&app).await;
    let (ann_id, ann) = delegate(&app, &lead, "Ann", &["staffing"]).await;
    assert_eq!(
        save(&app, &ann, 0, json!({ "staff_wte": 9 }))
            .await
            .status(),
        200
    );
    assert_eq!(
        save(&app, &lead, 1, json!({ "has_strategy": "no" }))
            .await
            .status(),
        200
    );
    let taken = app
        .send(
            Method::DELETE,
            None,
            &format!("/api/v1{lead}/delegates/{ann_id}/sections/staffing"),
            None,
        )
        .await;
    assert_eq!(taken.status(), 204);
    let revoked = app
        .send(
            Method::DELETE,
            None,
            &format!("/api/v1{lead}/delegates/{ann_id}"),
            None,
        )
        .await;
    assert_eq!(revoked.status(), 204);

    let events = app
        .admin_get_json("/api/v1/audit-events?per_page=100")
        .await;
    let items = events["items"].as_array().unwrap();
    let find = |action: &str| {
        items
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in {events}"))
    };
    let made = find("delegate.create");
    assert_eq!(made["actor"], "respondent:Q1");
    assert_eq!(made["subject_id"], "r1/Q1");
    assert_eq!(made["details"]["delegate"], ann_id);
    let saved = find("response.save");
    assert_eq!(saved["actor"], format!("respondent:Q1/delegate:{ann_id}"));
    assert_eq!(saved["details"]["sections"], json!(["staffing"]));
    assert_eq!(find("delegate.take_back")["details"]["section"], "staffing");
    assert_eq!(find("delegate.revoke")["details"]["delegate"], ann_id);
    // The lead's own saves are not audited (as before); only colleagues' are.
    assert_eq!(
        items
            .iter()
            .filter(|e| e["action"] == "response.save")
            .count(),
        1
    );
    // No secret and no address in the trail.
    let text = events.to_string();
    for secret in [&lead, &ann] {
        assert!(!text.contains(secret.trim_start_matches("/respond/")));
    }
    assert!(!text.contains("ann@trust.example"));
}

crate::on_both_backends!(
    the_operator_sees_how_many_people_answer_and_which_sections_wait_on_whom,
    delegation_revocation_and_colleagues_saves_are_audited_without_secrets,
);
