use super::app_sending_to;
use crate::helpers::Backend;
use crate::helpers::smtp::{Behaviour, SmtpServer};
use serde_json::json;
use std::time::{Duration, Instant};

async fn invite_all(app: &crate::helpers::TestApp, codes: &[&str], round: &str) {
    app.publish_shipped_survey().await;
    app.create_organisations(codes).await;
    app.add_contacts(codes).await;
    app.open_round(round).await;
}

async fn a_temporary_refusal_is_retried_with_growing_waits_until_it_is_accepted(backend: Backend) {
    let smtp = SmtpServer::start(Behaviour::Refuse {
        code: 451,
        count: 2,
    })
    .await;
    let app = app_sending_to(backend, &smtp).await;
    invite_all(&app, &["AA1"], "r1").await;
    app.admin_post("/api/v1/rounds/r1/invitations/send", json!({}))
        .await;

    let mail = smtp.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(mail.len(), 1);
    let refusals = smtp.refusals();
    assert_eq!(refusals.len(), 2, "two refusals, then delivery");
    // The first retry waits the base (300 ms), the second twice that.
    let first_wait = refusals[1] - refusals[0];
    assert!(first_wait >= 0.29, "retried after {first_wait}s");
    let log = app.settled_deliveries("r1", Duration::from_secs(10)).await;
    assert_eq!(log[0]["status"], "sent");
    assert_eq!(log[0]["attempts"], 3);
    assert!(
        log[0]["last_error"].as_str().unwrap().contains("451"),
        "{:#?}",
        log[0]
    );
}

async fn a_permanent_refusal_fails_the_message_with_the_servers_reason(backend: Backend) {
    let smtp = SmtpServer::start(Behaviour::Refuse {
        code: 550,
        count: 1,
    })
    .await;
    let app = app_sending_to(backend, &smtp).await;
    invite_all(&app, &["AA1"], "r1").await;
    app.admin_post("/api/v1/rounds/r1/invitations/send", json!({}))
        .await;

    let log = app.settled_deliveries("r1", Duration::from_secs(30)).await;
    assert_eq!(log[0]["status"], "failed", "{:#?}", log[0]);
    assert_eq!(log[0]["attempts"], 1, "a 5xx is not retried");
    assert!(log[0]["last_error"].as_str().unwrap().contains("550"));
    assert!(log[0]["failed_at"].is_string());
    assert!(smtp.messages().is_empty());
    assert_eq!(smtp.refusals().len(), 1);

    let progress = app.admin_get_json("/api/v1/rounds/r1/invitations").await;
    let row = progress
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["organisation"] == "AA1")
        .unwrap_or_else(|| panic!("{progress:#}"))
        .clone();
    assert_eq!(row["delivery_failed"], true, "{row:#}");
    assert!(row["mailed_at"].is_string(), "{row:#}");
}

async fn stopping_the_smtp_server_mid_mailing_loses_nothing_and_sends_nothing_twice(
    backend: Backend,
) {
    let mut smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = app_sending_to(backend, &smtp).await;
    let codes: Vec<String> = (1..=24).map(|i| format!("A{i:02}")).collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    invite_all(&app, &codes, "r1").await;

    // The first half goes out; then the server goes away and the second half is queued.
    app.admin_post(
        "/api/v1/rounds/r1/invitations/send",
        json!({ "organisations": codes[..12] }),
    )
    .await;
    smtp.wait_for(12, Duration::from_secs(30)).await;
    smtp.stop();
    let queued: serde_json::Value = app
        .admin_post("/api/v1/rounds/r1/invitations/send", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queued["messages"], 12);

    // While it is down, the messages wait and are retried, none given up.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log = app.deliveries("r1").await;
        let retried = log
            .iter()
            .filter(|d| d["status"] == "queued" && d["last_error"].is_string())
            .count();
        assert!(log.iter().all(|d| d["status"] != "failed"), "{log:#?}");
        if retried == 12 {
            break;
        }
        assert!(Instant::now() < deadline, "not retried: {log:#?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    smtp.restart();
    let log = app.settled_deliveries("r1", Duration::from_secs(30)).await;
    assert!(log.iter().all(|d| d["status"] == "sent"), "{log:#?}");
    let mail = smtp.wait_for(24, Duration::from_secs(10)).await;
    let mut recipients: Vec<String> = mail.iter().map(|m| m.to.clone()).collect();
    recipients.sort();
    let before = recipients.len();
    recipients.dedup();
    assert_eq!(before, recipients.len(), "a message was sent twice");
    assert_eq!(recipients.len(), 24, "a message was lost");
}

crate::on_both_backends!(
    a_temporary_refusal_is_retried_with_growing_waits_until_it_is_accepted,
    a_permanent_refusal_fails_the_message_with_the_servers_reason,
    stopping_the_smtp_server_mid_mailing_loses_nothing_and_sends_nothing_twice,
);
