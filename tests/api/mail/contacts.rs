use crate::helpers::{Backend, error_paths, problem, spawn_app};
use reqwest::Method;
use serde_json::json;

async fn contacts_are_added_changed_and_removed_by_admins_only_with_checked_addresses(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.create_organisations(&["AA1"]).await;
    let path = "/api/v1/organisations/AA1/contacts";
    let body =
        json!({ "email": "comms@aa1.example", "name": "Siân Llŷr", "role": "Head of Comms" });

    // Who may not.
    let researcher = app
        .send(
            Method::POST,
            Some(&app.researcher_key),
            path,
            Some(body.clone()),
        )
        .await;
    assert_eq!(researcher.status(), 403);
    let nobody = app.send(Method::POST, None, path, Some(body.clone())).await;
    assert_eq!(nobody.status(), 401);
    assert_eq!(app.get_as(&app.researcher_key, path).await.status(), 403);

    // Addresses are checked, every bad field named.
    let bad = app
        .admin_post(
            path,
            json!({ "email": "Name <x@y.example>", "name": "a\nb" }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(error_paths(&problem(bad).await), ["email", "name"]);

    let created = app.admin_post(path, body.clone()).await;
    assert_eq!(created.status(), 201);
    let created: serde_json::Value = created.json().await.unwrap();
    assert_eq!(created["name"], "Siân Llŷr");
    let id = created["id"].as_i64().unwrap();

    // One address once per organisation, whatever its case.
    let again = app
        .admin_post(path, json!({ "email": "COMMS@aa1.example" }))
        .await;
    assert_eq!(again.status(), 409);

    let changed = app
        .send(
            Method::PUT,
            Some(&app.admin_key),
            &format!("{path}/{id}"),
            Some(json!({ "email": "lead@aa1.example", "name": "Siân" })),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let listed = app.admin_get_json(path).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["email"], "lead@aa1.example");
    assert_eq!(listed[0]["role"], serde_json::Value::Null);

    let missing = app
        .send(
            Method::DELETE,
            Some(&app.admin_key),
            &format!("{path}/{}", id + 100),
            None,
        )
        .await;
    assert_eq!(missing.status(), 404);
    let removed = app
        .send(
            Method::DELETE,
            Some(&app.admin_key),
            &format!("{path}/{id}"),
            None,
        )
        .await;
    assert_eq!(removed.status(), 204);
    assert!(
        app.admin_get_json(path)
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.get_as(&app.admin_key, "/api/v1/organisations/ZZ9/contacts")
            .await
            .status(),
        404
    );

    // Each change is audited, naming the contact by id and never by address.
    let audit = app
        .admin_get_json("/api/v1/audit-events?subject_type=contact")
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["contact.delete", "contact.update", "contact.create"]
    );
    let text = audit.to_string();
    assert!(
        !text.contains("aa1.example"),
        "an address in the audit trail: {text}"
    );
}

crate::on_both_backends!(
    contacts_are_added_changed_and_removed_by_admins_only_with_checked_addresses
);
