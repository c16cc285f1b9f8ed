//! Issue 21's last item: a colleague is invited by e-mail, through the outbox and a real SMTP
//! server (aiosmtpd), in the organisation's language, with a link that opens only their
//! sections; the lead still sees the link once. One message per colleague link, none for a link
//! ended before the worker came to it, and no secret link in the delivery log or audit trail.

use super::{save, state, trio_lead};
use crate::helpers::smtp::{Behaviour, SmtpServer};
use crate::helpers::{Backend, TestApp};
use crate::mail::{app_sending_to, path_of};
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

/// The address a test gives a colleague called `name` (ASCII: the SMTP server speaks no
/// SMTPUTF8).
fn address(name: &str) -> String {
    let local: String = name
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("{local}@trust.example")
}

/// The lead hands `sections` to `name` through the API: the answer, with its link.
async fn hand_over(app: &TestApp, lead: &str, name: &str, sections: &[&str]) -> serde_json::Value {
    let resp = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{lead}/delegates"),
            Some(json!({ "name": name, "sections": sections,
                         "email": address(name) })),
        )
        .await;
    assert_eq!(resp.status(), 201);
    resp.json().await.unwrap()
}

/// Waits until the colleague message to `name` in the delivery log has `status`.
async fn colleague_message(app: &TestApp, name: &str, status: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log = app.deliveries("r1").await;
        let found = log
            .iter()
            .find(|d| d["kind"] == "colleague" && d["recipient"] == address(name));
        if let Some(found) = found.filter(|d| d["status"] == status) {
            return found.clone();
        }
        assert!(Instant::now() < deadline, "no {status} message: {log:#?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn a_colleague_is_mailed_one_link_that_opens_only_their_sections(backend: Backend) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = app_sending_to(backend, &smtp).await;
    let lead = trio_lead(&app).await;
    let made = hand_over(&app, &lead, "Ffion", &["staffing"]).await;
    // The lead still sees the link once, and is told it was mailed too.
    assert_eq!(made["emailed"], true, "{made:#}");
    let link = made["link"].as_str().unwrap().to_owned();

    let mail = smtp.wait_for(1, Duration::from_secs(30)).await;
    let message = &mail[0];
    assert!(message.to.contains("ffion@trust.example"), "{}", message.to);
    assert!(message.to.contains("Ffion"), "{}", message.to);
    assert_eq!(
        message.subject,
        "R1: you are asked to answer sections for Q1 Trust"
    );
    for part in [&message.text, &message.html] {
        assert!(part.contains("Dear Ffion"), "{part}");
        assert!(
            part.contains("Staffing") && !part.contains("Goals"),
            "{part}"
        );
    }
    // The HTML escapes the link's slashes (`&#x2f;`); the secret itself is there as it is.
    let secret = link.rsplit('/').next().unwrap();
    assert!(
        message.html.contains(&format!("{secret}\">")),
        "{}",
        message.html
    );
    assert!(
        message.html.contains("<li>Staffing</li>"),
        "{}",
        message.html
    );
    assert_eq!(message.link(), link);

    // The mailed link opens only the colleague's section.
    let theirs = path_of(&message.link());
    assert_eq!(state(&app, &theirs).await["sections"], json!(["staffing"]));
    let outside = save(&app, &theirs, 0, json!({ "has_goals": "yes" })).await;
    assert_eq!(outside.status(), 403);
    let page = app.get(&format!("{theirs}/sections/goals")).await;
    assert_eq!(page.status(), 403);

    // Asking again for the same section is refused and mails nothing; the worker's later
    // rounds send nothing twice.
    let again = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{lead}/delegates"),
            Some(json!({ "name": "Ffion", "email": "ffion@trust.example",
                         "sections": ["staffing"] })),
        )
        .await;
    assert_eq!(again.status(), 409);
    let log = app.settled_deliveries("r1", Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0]["kind"], "colleague");
    assert_eq!(log[0]["status"], "sent");

    // The secret is in neither the delivery log nor the audit trail, which counts the mail.
    let audit = app
        .admin_get_json("/api/v1/audit-events?action=delegate.create")
        .await;
    assert_eq!(audit["items"][0]["details"]["emailed"], 1, "{audit:#}");
    for text in [audit.to_string(), json!(log).to_string()] {
        assert!(!text.contains(secret), "{text}");
    }
    // The organisation's own mail is untouched: it was invited by hand and never reminded.
    let progress = app.admin_get_json("/api/v1/rounds/r1/invitations").await;
    let row = &progress.as_array().unwrap()[0];
    assert!(row["mailed_at"].is_null(), "{row:#}");
    assert_eq!(row["delivery_failed"], false, "{row:#}");
}

async fn a_colleague_link_ended_before_the_worker_sends_it_is_never_mailed(backend: Backend) {
    let mut smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = app_sending_to(backend, &smtp).await;
    let lead = trio_lead(&app).await;
    // The server is down: the messages wait in the outbox, retried.
    smtp.stop();
    let ended = hand_over(&app, &lead, "Ann", &["staffing"]).await;
    let emptied = hand_over(&app, &lead, "Bob", &["goals"]).await;
    for name in ["Ann", "Bob"] {
        let deadline = Instant::now() + Duration::from_secs(30);
        while colleague_message(&app, name, "queued").await["last_error"].is_null() {
            assert!(Instant::now() < deadline, "{name}'s message was not tried");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
    // One link ends; the other loses its only section.
    let id = ended["delegate"]["id"].as_i64().unwrap();
    let revoke = app
        .send(
            Method::DELETE,
            None,
            &format!("/api/v1{lead}/delegates/{id}"),
            None,
        )
        .await;
    assert_eq!(revoke.status(), 204);
    let id = emptied["delegate"]["id"].as_i64().unwrap();
    let take_back = app
        .send(
            Method::DELETE,
            None,
            &format!("/api/v1{lead}/delegates/{id}/sections/goals"),
            None,
        )
        .await;
    assert_eq!(take_back.status(), 204);

    smtp.restart();
    for name in ["Ann", "Bob"] {
        let failed = colleague_message(&app, name, "failed").await;
        assert_eq!(failed["last_error"], "not sent: the link was revoked first");
    }
    // A colleague asked after the server came back is mailed, and only they are.
    hand_over(&app, &lead, "Cai", &["goals"]).await;
    colleague_message(&app, "Cai", "sent").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mail = smtp.messages();
    assert_eq!(mail.len(), 1, "{mail:#?}");
    assert!(mail[0].to.contains("cai@trust.example"));
}

async fn revoking_the_organisations_link_before_the_worker_sends_mails_no_colleague(
    backend: Backend,
) {
    let mut smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = app_sending_to(backend, &smtp).await;
    let lead = trio_lead(&app).await;
    smtp.stop();
    hand_over(&app, &lead, "Ann", &["staffing"]).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while colleague_message(&app, "Ann", "queued").await["last_error"].is_null() {
        assert!(Instant::now() < deadline, "Ann's message was not tried");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let revoked = app
        .admin_post("/api/v1/rounds/r1/invitations/Q1/revoke", json!({}))
        .await;
    assert_eq!(revoked.status(), 200);
    smtp.restart();
    let failed = colleague_message(&app, "Ann", "failed").await;
    assert_eq!(failed["last_error"], "not sent: the link was revoked first");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(smtp.messages().is_empty());
}

async fn a_welsh_organisations_colleague_is_mailed_in_welsh(backend: Backend) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = app_sending_to(backend, &smtp).await;
    let lead = trio_lead(&app).await;
    let patched = app
        .send(
            Method::PATCH,
            Some(&app.admin_key),
            "/api/v1/organisations/Q1",
            Some(json!({ "language": "cy" })),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let made = hand_over(&app, &lead, "Siân", &["staffing", "goals"]).await;
    let mail = smtp.wait_for(1, Duration::from_secs(30)).await;
    let message = &mail[0];
    assert_eq!(
        message.subject,
        "R1: gofynnwyd i chi ateb adrannau ar ran Q1 Trust"
    );
    assert!(message.text.contains("Annwyl Siân"), "{}", message.text);
    assert!(!message.text.contains("Dear"), "{}", message.text);
    assert!(
        message.html.contains("<html lang=\"cy\">"),
        "{}",
        message.html
    );
    assert!(
        message.text.contains("- Staffing") && message.text.contains("- Goals"),
        "{}",
        message.text
    );
    assert_eq!(message.link(), made["link"].as_str().unwrap());
}

crate::on_both_backends!(
    a_colleague_is_mailed_one_link_that_opens_only_their_sections,
    a_colleague_link_ended_before_the_worker_sends_it_is_never_mailed,
    revoking_the_organisations_link_before_the_worker_sends_mails_no_colleague,
    a_welsh_organisations_colleague_is_mailed_in_welsh,
);
