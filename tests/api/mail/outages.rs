//! Issue 29: what a database outage, or the worker's death, between the SMTP server's acceptance
//! of a message and the delivery being recorded does. A holding SMTP server
//! (`Behaviour::Hold`) stores each message and keeps its "250 OK" back until the test lets it go,
//! so the fault lands exactly in that window.
//!
//! - The database unavailable there (PostgreSQL stopped and started again; a SQLite file another
//!   writer holds past the busy timeout): the worker records the delivery once it is back, and
//!   nothing is sent twice. Before, it logged "could not record a delivery" and left the claim to
//!   run out, and the message went again.
//! - The worker's process killed there: the claim runs out and the message goes again, with the
//!   same `Message-ID`. That is the one duplicate the README's "Mail" section promises.

use crate::helpers::server_process::ServerProcess;
use crate::helpers::smtp::{Behaviour, SmtpServer};
use crate::helpers::{Backend, PgCluster, TestApp, TestDatabase, spawn_app_on, spawn_app_with};
use serde_json::json;
use soundings::app::config::Settings;
use soundings::testing::postgres::Durability;
use std::time::Duration;

/// A lease short enough that a claim left behind would run out well within the test.
const LEASE: Duration = Duration::from_secs(2);

/// One organisation with one contact, invited to open round `r1`, its invitation queued.
async fn one_invitation_queued(app: &TestApp) {
    app.publish_shipped_survey().await;
    app.create_organisations(&["AA1"]).await;
    app.add_contact("AA1", "comms@aa1.example", None).await;
    app.open_round("r1").await;
    let sent = app
        .admin_post("/api/v1/rounds/r1/invitations/send", json!({}))
        .await;
    assert_eq!(sent.status(), 202, "{}", sent.text().await.unwrap());
}

async fn a_database_outage_while_a_delivery_is_recorded_sends_nothing_twice(backend: Backend) {
    let smtp = SmtpServer::start(Behaviour::Hold).await;
    // PostgreSQL on a cluster of its own, which the test stops and starts; SQLite on its file.
    let cluster = match backend {
        // Durable, as in production: the cluster is stopped with `-m immediate`.
        Backend::Postgres => {
            Some(PgCluster::start_with(Durability::On).unwrap_or_else(|e| panic!("{e}")))
        }
        Backend::Sqlite => None,
    };
    let url = smtp.url();
    let configure = move |s: &mut Settings| {
        s.mail.smtp_url = Some(url);
        s.mail.poll_interval = Duration::from_millis(50);
        s.mail.lease = LEASE;
    };
    let app = match &cluster {
        Some(cluster) => spawn_app_on(TestDatabase::with_url(cluster.admin_url()), configure).await,
        None => spawn_app_with(backend, configure).await,
    };
    one_invitation_queued(&app).await;
    smtp.wait_until_held(1, Duration::from_secs(30)).await;

    // The server has the message; the database goes away before the worker hears "250".
    let held_lock = match &cluster {
        Some(cluster) => {
            cluster.stop_server().unwrap();
            None
        }
        // Another writer takes the file's write lock and keeps it past the busy timeout (5 s).
        None => Some(app.db.begin_write().await.unwrap()),
    };
    smtp.release();
    // Longer than the lease: a worker that gave up recording would send the message again as
    // soon as the database is back.
    tokio::time::sleep(LEASE + Duration::from_secs(4)).await;
    match &cluster {
        Some(cluster) => cluster.start_server().unwrap(),
        None => {
            if let Some(lock) = held_lock {
                lock.rollback().await.unwrap();
            }
        }
    }

    let log = app.settled_deliveries("r1", Duration::from_secs(30)).await;
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0]["status"], "sent", "{log:#?}");
    assert_eq!(log[0]["attempts"], 1, "sent once: {log:#?}");
    // Give a wrongly left claim time to run out and be sent again.
    tokio::time::sleep(LEASE + Duration::from_secs(1)).await;
    assert_eq!(smtp.messages().len(), 1, "the message went once");
}

async fn a_worker_killed_after_the_smtp_server_accepted_sends_the_message_again_with_the_same_id(
    backend: Backend,
) {
    let smtp = SmtpServer::start(Behaviour::Hold).await;
    let database = TestDatabase::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let lease = LEASE.as_secs().to_string();
    let env = [("SMTP_URL", smtp.url()), ("MAIL_LEASE", lease.clone())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut server = ServerProcess::start(&database.url, &env, &log);
    let mut app = server
        .test_app(TestDatabase::with_url(database.url.clone()))
        .await;
    one_invitation_queued(&app).await;
    smtp.wait_until_held(1, Duration::from_secs(30)).await;

    // The process dies between the server's acceptance and the record.
    server.kill();
    smtp.release();
    let server = ServerProcess::start(&database.url, &env, &log);
    app.address = server.address.clone();

    let log = app.settled_deliveries("r1", Duration::from_secs(60)).await;
    assert_eq!(log[0]["status"], "sent", "{log:#?}");
    assert_eq!(
        log[0]["attempts"], 2,
        "claimed again after the lease: {log:#?}"
    );
    let mail = smtp.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(mail.len(), 2, "the documented duplicate");
    assert_eq!(
        mail[0].message_id, mail[1].message_id,
        "a receiving system can recognise the second copy"
    );
}

crate::on_both_backends!(
    a_database_outage_while_a_delivery_is_recorded_sends_nothing_twice,
    a_worker_killed_after_the_smtp_server_accepted_sends_the_message_again_with_the_same_id,
);
