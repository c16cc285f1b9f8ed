//! Issue 18's "done when", as a newcomer meets it: the demo's organisations have contacts, so
//! after `soundings demo` one can remind the open round's non-submitters, open a new round and
//! invite everyone, and read every message in the local outbox folder (no SMTP server).

use super::path_of;
use crate::demo::connect;
use crate::helpers::smtp::Received;
use crate::helpers::{Backend, TestApp, TestDatabase, spawn_app_on};
use serde_json::json;
use soundings::demo::seed::{DemoOptions, OPEN_ROUND, seed};
use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

const ORGANISATIONS: usize = 40;

/// Waits until the outbox folder holds `count` messages, and reads them.
async fn outbox_messages(dir: &Path, count: usize) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        if files.len() >= count {
            assert_eq!(files.len(), count, "more messages than expected");
            return files
                .iter()
                .map(|p| Received::parse(&std::fs::read(p).unwrap()))
                .collect();
        }
        assert!(
            Instant::now() < deadline,
            "{} of {count} messages in the outbox",
            files.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Follows a message's link as its reader would: the respondent's start page of `round_name`.
async fn link_opens(app: &TestApp, message: &Received, round_name: &str) {
    let page = app.get(&path_of(&message.link())).await;
    assert_eq!(page.status(), 200, "the link in {} opens", message.subject);
    let body = page.text().await.unwrap();
    assert!(body.contains(round_name), "the page is of {round_name}");
}

async fn a_newcomer_reminds_and_invites_the_demos_organisations_and_reads_the_local_outbox(
    backend: Backend,
) {
    let database = TestDatabase::new(backend).await;
    let db = connect(&database).await;
    let options = DemoOptions {
        seed: 1,
        organisations: ORGANISATIONS,
    };
    let summary = seed(&db, &options, &|_| {}).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_owned();
    let app = spawn_app_on(database, move |s| {
        s.mail.outbox_dir = dir;
        s.mail.poll_interval = Duration::from_millis(50);
    })
    .await;

    // In the demo's story the open round's invitations went out when it opened: the delivery
    // log says so, and says the seeding wrote no message.
    let log = app.deliveries(OPEN_ROUND).await;
    assert_eq!(log.len(), ORGANISATIONS, "one invitation per contact");
    for d in &log {
        assert_eq!(d["kind"], "invitation");
        assert_eq!(d["status"], "sent");
        assert!(d["recipient"].as_str().unwrap().ends_with(".example.org"));
        assert!(d["smtp_reply"].as_str().unwrap().contains("soundings demo"));
    }

    // Reminders to everyone who has not submitted, with the link they were given.
    let resp = app
        .admin_post(&format!("/api/v1/rounds/{OPEN_ROUND}/reminders"), json!({}))
        .await;
    assert_eq!(resp.status(), 202);
    let queued: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        queued["invited_by_hand"],
        json!([]),
        "no demo link lacks its seal"
    );
    let reminded: HashSet<String> = queued["reminded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["organisation"].as_str().unwrap().to_owned())
        .collect();
    let invitations = app
        .admin_get_json(&format!("/api/v1/rounds/{OPEN_ROUND}/invitations"))
        .await;
    let invitations = invitations.as_array().unwrap();
    assert!(
        invitations.iter().all(|i| i["mailed_at"].is_string()),
        "every organisation's link shows as mailed"
    );
    let waiting: HashSet<String> = invitations
        .iter()
        .filter(|i| i["response_status"] != "submitted")
        .map(|i| i["organisation"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !waiting.is_empty(),
        "the demo's open round has non-submitters"
    );
    assert_eq!(reminded, waiting, "reminders go to non-submitters only");
    let reminders = outbox_messages(folder.path(), waiting.len()).await;
    let featured = reminders
        .iter()
        .find(|m| m.link().ends_with(&summary.links.respondent_path))
        .expect("the featured organisation is reminded with the link the demo printed");
    assert!(featured.to.contains(".example.org"), "to {}", featured.to);
    assert!(!featured.html.is_empty(), "an HTML alternative too");
    for m in &reminders {
        link_opens(&app, m, "2026").await;
    }

    // A new round, opened and invited through the outbox.
    let now = chrono::Utc::now();
    let resp = app
        .admin_post(
            "/api/v1/rounds",
            json!({ "code": "demo-2027", "name": "Demo 2027", "survey": crate::helpers::SURVEY,
                    "version": 1, "opens_at": now - chrono::Duration::hours(1),
                    "closes_at": now + chrono::Duration::days(30) }),
        )
        .await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let resp = app
        .admin_post("/api/v1/rounds/demo-2027/open", json!({}))
        .await;
    assert_eq!(resp.status(), 200);
    let resp = app
        .admin_post("/api/v1/rounds/demo-2027/invitations/send", json!({}))
        .await;
    assert_eq!(resp.status(), 202);
    let sent: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(sent["invited"].as_array().unwrap().len(), ORGANISATIONS);
    assert_eq!(sent["without_contacts"], json!([]));
    let all = outbox_messages(folder.path(), waiting.len() + ORGANISATIONS).await;
    let invitations: Vec<&Received> = all
        .iter()
        .filter(|m| {
            m.link().contains("/respond/")
                && !reminders.iter().any(|r| r.message_id == m.message_id)
        })
        .collect();
    assert_eq!(invitations.len(), ORGANISATIONS);
    let recipients: HashSet<&str> = invitations.iter().map(|m| m.to.as_str()).collect();
    assert_eq!(recipients.len(), ORGANISATIONS, "one message per contact");
    link_opens(&app, invitations[0], "Demo 2027").await;
    let log = app
        .settled_deliveries("demo-2027", Duration::from_secs(30))
        .await;
    assert!(log.iter().all(|d| d["status"] == "sent"));
}

crate::on_both_backends!(
    a_newcomer_reminds_and_invites_the_demos_organisations_and_reads_the_local_outbox
);
