//! Issue 20: e-mails in the organisation's language. An organisation whose `language` is `cy`
//! (set through the API or the CSV import) gets its invitation in Welsh; one that chose nothing
//! gets English.

use super::app_sending_to;
use crate::helpers::smtp::{Behaviour, SmtpServer};
use crate::helpers::{Backend, error_paths, problem};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

async fn an_organisation_whose_language_is_welsh_is_invited_in_welsh(backend: Backend) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = app_sending_to(backend, &smtp).await;
    app.publish_shipped_survey().await;
    app.create_organisations(&["EN1"]).await;
    // The CSV import takes an optional language column.
    let csv = "code,name,kind,region,country,size_band,language\nCY1,Bwrdd Iechyd Prifysgol Hywel Dda,health_board,West Wales,Wales,large,cy\n";
    let imported = app
        .admin_text(
            Method::POST,
            "/api/v1/organisations/import",
            "text/csv",
            csv,
        )
        .await;
    assert_eq!(
        imported.status(),
        200,
        "{}",
        imported.text().await.unwrap_or_default()
    );
    let org = app.admin_get_json("/api/v1/organisations/CY1").await;
    assert_eq!(org["language"], "cy");
    // A language the organisation cannot have is refused by name.
    let bad = app
        .send(
            Method::PATCH,
            Some(&app.admin_key),
            "/api/v1/organisations/EN1",
            Some(json!({ "language": "fr" })),
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(error_paths(&problem(bad).await), ["language"]);

    app.add_contact("CY1", "sian@hd.example", Some("Siân Llŷr"))
        .await;
    app.add_contact("EN1", "comms@en1.example", None).await;
    app.open_round("smm-2026").await;
    let sent = app
        .admin_post("/api/v1/rounds/smm-2026/invitations/send", json!({}))
        .await;
    assert_eq!(sent.status(), 202);
    let mail = smtp.wait_for(2, Duration::from_secs(30)).await;
    assert_eq!(mail.len(), 2);
    let welsh = mail
        .iter()
        .find(|m| m.to.contains("sian@hd.example"))
        .unwrap();
    assert!(
        welsh.subject.contains("eich gwahoddiad"),
        "{}",
        welsh.subject
    );
    assert!(
        welsh.text.contains("Annwyl Siân Llŷr") && welsh.text.contains("Mae'r cylch yn cau ar"),
        "{}",
        welsh.text
    );
    assert!(welsh.html.contains("<html lang=\"cy\">"));
    assert!(welsh.raw_headers.is_ascii());
    let english = mail
        .iter()
        .find(|m| m.to.contains("comms@en1.example"))
        .unwrap();
    assert!(english.subject.contains("your invitation") && english.text.contains("Hello,"));
}

crate::on_both_backends!(an_organisation_whose_language_is_welsh_is_invited_in_welsh);
