use super::path_of;
use crate::helpers::server_process::ServerProcess;
use crate::helpers::smtp::{Behaviour, SmtpServer};
use crate::helpers::{Backend, TestDatabase};
use crate::respond_api::tiny_round;
use serde_json::json;
use std::time::Duration;

/// The real binary with `RUST_LOG=trace` sends an invitation, a reminder and a reissued link
/// through SMTP; none of the secrets it mailed appears in its log.
async fn mailed_links_never_appear_in_the_servers_logs(backend: Backend) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::new(backend).await;
    let url = database.url.clone();
    let smtp_url = smtp.url();
    let mut server = ServerProcess::start(
        &url,
        &[("RUST_LOG", "trace"), ("SMTP_URL", &smtp_url)],
        &dir.path().join("server.log"),
    );
    let app = server.test_app(database).await;
    tiny_round(&app).await;
    app.create_organisations(&["AA1"]).await;
    app.add_contact("AA1", "comms@aa1.example", None).await;
    let sent = app
        .admin_post("/api/v1/rounds/t1/invitations/send", json!({}))
        .await;
    assert_eq!(sent.status(), 202);
    let first = smtp.wait_for(1, Duration::from_secs(30)).await;
    let reminded = app
        .admin_post("/api/v1/rounds/t1/reminders", json!({}))
        .await;
    assert_eq!(reminded.status(), 202);
    // Sent before the reissue, which would otherwise cancel it (its link is about to die).
    smtp.wait_for(2, Duration::from_secs(30)).await;
    let reissued = app
        .admin_post("/api/v1/rounds/t1/invitations/AA1/reissue", json!({}))
        .await;
    assert_eq!(reissued.status(), 201);
    let mail = smtp.wait_for(3, Duration::from_secs(30)).await;
    assert_eq!(app.get(&path_of(&first[0].link())).await.status(), 404);
    let secrets: Vec<String> = mail
        .iter()
        .map(|m| m.link().rsplit('/').next().unwrap().to_owned())
        .collect();
    app.settled_deliveries("t1", Duration::from_secs(30)).await;
    server.kill();
    let logs = server.logs();
    assert!(
        logs.contains("mail sent"),
        "the worker logs its sends:\n{logs}"
    );
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a mailed secret is in the log"
        );
    }
}

crate::on_both_backends!(mailed_links_never_appear_in_the_servers_logs);
