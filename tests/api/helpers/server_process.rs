//! The real `soundings serve` binary as a child process, for tests that kill it, stop its
//! database under it, or read its logs. Its stderr (JSON logs) goes to a file the test reads.

use super::{TestApp, TestDatabase};
use soundings::app::config::DatabaseSettings;
use soundings::domain::role::Role;
use soundings::store::{Database, api_keys};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_soundings");

pub struct ServerProcess {
    child: Child,
    pub address: String,
    pub log: PathBuf,
}

impl ServerProcess {
    /// Starts `soundings serve` on a free loopback port with JSON logs written to `log`, and
    /// waits until it says it is serving. Only the variables given here reach it.
    pub fn start(database_url: &str, env: &[(&str, &str)], log: &Path) -> Self {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let already = std::fs::read_to_string(log).unwrap_or_default().len();
        let mut command = Command::new(EXE);
        command
            .arg("serve")
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("BIND", "127.0.0.1:0")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(file));
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            let address = text[already.min(text.len())..].lines().find_map(|line| {
                let entry: serde_json::Value = serde_json::from_str(line).ok()?;
                (entry["message"] == "Soundings is serving")
                    .then(|| entry["address"].as_str().map(str::to_owned))
                    .flatten()
            });
            if let Some(address) = address {
                return Self {
                    child,
                    address,
                    log: log.to_owned(),
                };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the server exited ({status}) before serving:\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "the server did not start in time:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL: no shutdown, no flushing, as when a machine loses power.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether the process is still alive.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// A [`TestApp`] that talks to this process, so the usual helpers work against it; the
    /// keys are made directly in the database.
    pub async fn test_app(&self, database: TestDatabase) -> TestApp {
        let db = Database::connect(&DatabaseSettings::new(database.url.clone()))
            .await
            .unwrap();
        let (_, admin) = api_keys::create(&db, "test admin", Role::Admin)
            .await
            .unwrap();
        let (_, researcher) = api_keys::create(&db, "test researcher", Role::Researcher)
            .await
            .unwrap();
        TestApp {
            address: self.address.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            db,
            admin_key: admin.expose().to_owned(),
            researcher_key: researcher.expose().to_owned(),
            database,
            shutdown: None,
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
