//! `cargo bench --bench mail`: issue 18's two figures, on SQLite and on PostgreSQL. How long
//! `POST /rounds/{code}/invitations/send` takes to make links for 10,000 organisations and queue
//! one message to each (the target is under 2 s), and how many messages a second the outbox
//! worker then sends to an SMTP server on this machine (the target is at least 100). Prints the
//! figures; it is a measurement, not a test.
//!
//! The SMTP server here is a minimal one in this file that accepts everything and discards it,
//! so that the figure is the worker's and not a Python server's.

use soundings::app::config::Settings;
use soundings::app::startup::Application;
use soundings::domain::role::Role;
use soundings::store::{Database, DatabaseSettings, api_keys};
use soundings::testing::postgres::{Durability, PgCluster};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const ORGANISATIONS: usize = 10_000;
/// Messages the send rate is measured over (after queueing all of them).
const SENT_FOR_RATE: u64 = 3_000;

/// Accepts every message and throws it away; answers as an SMTP server must.
async fn sink() -> std::io::Result<u16> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply: &[u8] = if in_data {
                        if line == "." {
                            in_data = false;
                            b"250 2.0.0 Ok: queued\r\n"
                        } else {
                            continue;
                        }
                    } else {
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        match verb.as_str() {
                            "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                in_data = true;
                                b"354 End data with <CR><LF>.<CR><LF>\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 Bye\r\n").await;
                                break;
                            }
                            _ => b"250 Ok\r\n",
                        }
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    Ok(port)
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    path: &str,
    content_type: &str,
    body: String,
) -> anyhow::Result<reqwest::Response> {
    let resp = client
        .post(format!("{base}{path}"))
        .bearer_auth(key)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(resp.status().is_success(), "POST {path}: {}", resp.status());
    Ok(resp)
}

async fn measure(name: &str, url: &str) -> anyhow::Result<()> {
    let port = sink().await?;
    let mut settings = Settings::for_database(url);
    settings.bind = "127.0.0.1:0".parse()?;
    settings.body_limit = 16 * 1024 * 1024;
    settings.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    settings.mail.poll_interval = Duration::from_millis(20);
    // Queue first with no worker, then measure the worker alone.
    settings.mail.worker = false;
    let app = Application::build(settings.clone()).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let db = Database::connect(&DatabaseSettings::new(url)).await?;
    let (_, key) = api_keys::create(&db, "bench", Role::Admin).await?;
    let key = key.expose().to_owned();
    let client = reqwest::Client::new();
    let json = "application/json";

    let mut csv = String::from("code,name,kind,region,country,size_band,contact_email\n");
    for i in 0..ORGANISATIONS {
        csv.push_str(&format!(
            "M{i:05},Fictional Trust {i},acute,North West,England,large,comms{i}@trust{i}.example\n"
        ));
    }
    post(
        &client,
        &base,
        &key,
        "/api/v1/organisations/import",
        "text/csv",
        csv,
    )
    .await?;
    post(
        &client,
        &base,
        &key,
        "/api/v1/surveys",
        json,
        r#"{"slug":"nhs-social-media-maturity","title":"NHS social media maturity"}"#.into(),
    )
    .await?;
    let put = client
        .put(format!(
            "{base}/api/v1/surveys/nhs-social-media-maturity/versions/1"
        ))
        .bearer_auth(&key)
        .header("content-type", "application/yaml")
        .body(soundings::service::surveys::SHIPPED_INSTRUMENT)
        .send()
        .await?;
    anyhow::ensure!(put.status().is_success(), "PUT version: {}", put.status());
    post(
        &client,
        &base,
        &key,
        "/api/v1/surveys/nhs-social-media-maturity/versions/1/publish",
        json,
        "{}".into(),
    )
    .await?;
    let now = chrono::Utc::now();
    let round = serde_json::json!({ "code": "bench", "name": "Bench", "survey": "nhs-social-media-maturity",
        "version": 1, "opens_at": now - chrono::Duration::days(1), "closes_at": now + chrono::Duration::days(30) });
    post(
        &client,
        &base,
        &key,
        "/api/v1/rounds",
        json,
        round.to_string(),
    )
    .await?;
    post(
        &client,
        &base,
        &key,
        "/api/v1/rounds/bench/open",
        json,
        "{}".into(),
    )
    .await?;

    let started = Instant::now();
    let queued: serde_json::Value = post(
        &client,
        &base,
        &key,
        "/api/v1/rounds/bench/invitations/send",
        json,
        "{}".into(),
    )
    .await?
    .json()
    .await?;
    let queueing = started.elapsed();
    anyhow::ensure!(
        queued["messages"] == ORGANISATIONS as u64,
        "queued {}",
        queued["messages"]
    );
    let _ = stop.send(());
    server.await??;

    // The worker alone, on the queued messages.
    settings.mail.worker = true;
    let app = Application::build(settings).await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let started = Instant::now();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let sent = loop {
        let sent = entity::outbox_message::Entity::find()
            .filter(entity::outbox_message::Column::Status.eq("sent"))
            .count(&db)
            .await?;
        if sent >= SENT_FOR_RATE || started.elapsed() > Duration::from_secs(120) {
            break sent;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let sending = started.elapsed();
    let _ = stop.send(());
    server.await??;
    println!(
        "{name:<10}  queue {ORGANISATIONS} invitations: {:>6.0} ms   send: {sent} in {:.1} s = {:.0} messages/s",
        queueing.as_secs_f64() * 1000.0,
        sending.as_secs_f64(),
        sent as f64 / sending.as_secs_f64()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("mail.sqlite").display()
    );
    measure("SQLite", &sqlite).await?;
    let cluster = PgCluster::start_with(Durability::On)
        .map_err(|e| anyhow::anyhow!("cannot start PostgreSQL: {e}"))?;
    let url = cluster
        .create_database("soundings_mail")
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    measure("PostgreSQL", &url).await?;
    Ok(())
}
