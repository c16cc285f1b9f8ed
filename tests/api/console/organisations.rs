//! Organisations in the console: a CSV import shown (with its errors by line) before anything is
//! written, editing an organisation, and its contacts.

use super::{console_get, console_post, sign_in};
use crate::helpers::{Backend, TestApp, spawn_app};

const GOOD: &str = "code,name,kind,region,country,size_band,contact_email\n\
                    RX1,Ysbyty Un,acute,Wales,Wales,large,comms@rx1.example.org\n\
                    RX2,Two Trust,mental_health,North West,England,small,\n";

async fn organisation_count(app: &TestApp) -> u64 {
    let page: serde_json::Value = app
        .get_as(&app.admin_key, "/api/v1/organisations")
        .await
        .json()
        .await
        .unwrap();
    page["total"].as_u64().unwrap_or_else(|| panic!("{page}"))
}

async fn a_csv_import_is_checked_and_shown_before_anything_is_written(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let preview = "/admin/organisations/import/preview";
    let bad = GOOD.replace("RX2,Two Trust", "RX2,");
    let resp = console_post(
        &app,
        &admin.cookie,
        preview,
        Some(&admin.csrf),
        &[("csv", &bad)],
    )
    .await;
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("There is a problem") && html.contains("line 3"),
        "{html}"
    );
    assert!(html.contains("RX2,"), "the text is kept to correct");
    assert_eq!(organisation_count(&app).await, 0);

    let resp = console_post(
        &app,
        &admin.cookie,
        preview,
        Some(&admin.csrf),
        &[("csv", GOOD)],
    )
    .await;
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("Import 2 organisations?") && html.contains("Ysbyty Un"),
        "{html}"
    );
    assert!(html.contains("1 contact(s)"), "{html}");
    assert_eq!(
        organisation_count(&app).await,
        0,
        "a preview writes nothing"
    );

    let resp = console_post(
        &app,
        &admin.cookie,
        "/admin/organisations/import",
        Some(&admin.csrf),
        &[("csv", GOOD)],
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("2 organisations were created")
    );
    assert_eq!(organisation_count(&app).await, 2);

    let resp = console_post(
        &app,
        &admin.cookie,
        preview,
        Some(&admin.csrf),
        &[("csv", GOOD)],
    )
    .await;
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(html.contains("line 2: code: RX1 already exists"), "{html}");
    let list = console_get(&app, &admin.cookie, "/admin/organisations?kind=acute").await;
    let list = list.text().await.unwrap();
    assert!(
        list.contains("Ysbyty Un") && !list.contains("Two Trust"),
        "{list}"
    );
}

async fn an_admin_edits_an_organisation_and_its_contacts(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_organisations(&["A1"]).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let fields = |name: &'static str, region: &'static str| {
        vec![
            ("code", "A1"),
            ("name", name),
            ("kind", "acute"),
            ("region", region),
            ("country", "England"),
            ("size_band", "large"),
            ("language", "cy"),
        ]
    };
    let resp = console_post(
        &app,
        &admin.cookie,
        "/admin/organisations/A1",
        Some(&admin.csrf),
        &fields("", "North East"),
    )
    .await;
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(html.contains("href=\"#org-name\""), "{html}");
    assert!(
        html.contains("value=\"North East\""),
        "what was typed is kept"
    );
    let resp = console_post(
        &app,
        &admin.cookie,
        "/admin/organisations/A1",
        Some(&admin.csrf),
        &fields("A1 Trust", "North East"),
    )
    .await;
    assert_eq!(resp.status(), 303);
    let org: serde_json::Value = app
        .get_as(&app.admin_key, "/api/v1/organisations/A1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(org["region"], "North East");
    assert_eq!(org["language"], "cy", "its e-mails are to go in Welsh");

    let contacts = "/admin/organisations/A1/contacts";
    let resp = console_post(
        &app,
        &admin.cookie,
        contacts,
        Some(&admin.csrf),
        &[("email", "not an address")],
    )
    .await;
    assert_eq!(resp.status(), 422);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("href=\"#org-contact-email\"")
    );
    let resp = console_post(
        &app,
        &admin.cookie,
        contacts,
        Some(&admin.csrf),
        &[("email", "comms@a1.example.org"), ("name", "Ana")],
    )
    .await;
    assert_eq!(resp.status(), 303);
    let page = console_get(&app, &admin.cookie, "/admin/organisations/A1")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("comms@a1.example.org"), "{page}");
    let marker = "/admin/organisations/A1/contacts/";
    let start = page.find(marker).unwrap() + marker.len();
    let id: String = page[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let resp = console_post(
        &app,
        &admin.cookie,
        &format!("{marker}{id}/remove"),
        Some(&admin.csrf),
        &[],
    )
    .await;
    assert_eq!(resp.status(), 303);
    let page = console_get(&app, &admin.cookie, "/admin/organisations/A1")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("comms@a1.example.org"), "{page}");
}

async fn a_researcher_reads_organisations_without_contacts_or_changes(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_organisations(&["A1"]).await;
    app.add_contact("A1", "comms@a1.example.org", None).await;
    let researcher = sign_in(&app, &app.researcher_key).await;
    let page = console_get(&app, &researcher.cookie, "/admin/organisations/A1").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("A1 Trust") && page.contains("readonly"),
        "{page}"
    );
    assert!(
        !page.contains("comms@a1.example.org"),
        "contacts are admin-only, as in the API"
    );
    let list = console_get(&app, &researcher.cookie, "/admin/organisations")
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains("/admin/organisations/import"), "{list}");
}

crate::on_both_backends!(
    a_csv_import_is_checked_and_shown_before_anything_is_written,
    an_admin_edits_an_organisation_and_its_contacts,
    a_researcher_reads_organisations_without_contacts_or_changes,
);
