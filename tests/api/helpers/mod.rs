//! `spawn_app()`: the real application on a random port against a fresh database, as a client sees it.

pub mod axe;
pub mod browser;
mod database;
mod postgres;
pub mod respondent;
pub mod server_process;
pub mod smtp;
pub mod venv;

pub use database::TestDatabase;
pub use postgres::PgCluster;

use soundings::app::config::Settings;
use soundings::app::startup::Application;
use soundings::domain::role::Role;
use soundings::store::{Database, api_keys};
use std::time::Duration;
use tokio::sync::oneshot;

/// Runs each named test (an `async fn(Backend)`) once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await;
                }
            )+
        }
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The running application and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// A pool of its own on the app's database, for checking what was stored.
    pub db: Database,
    pub admin_key: String,
    pub researcher_key: String,
    pub database: TestDatabase,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Settings every test app starts from: a random port and short timeouts, so failures show quickly.
pub fn test_settings(url: &str) -> Settings {
    let mut settings = Settings::for_database(url);
    settings.bind = "127.0.0.1:0".parse().expect("address");
    settings.database.max_connections = 5;
    settings.database.acquire_timeout = Duration::from_secs(2);
    settings.shutdown_grace = Duration::from_secs(1);
    // Tests make many deliberate failures from one address; `rate_limits.rs` tests the limit
    // itself, at its defaults.
    settings.client_limits.max_failed_attempts = 10_000;
    settings
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Like [`spawn_app`], with a chance to change the settings first.
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::new(backend).await;
    spawn_app_on(database, configure).await
}

/// Starts the app on a database the test prepared.
pub async fn spawn_app_on(
    database: TestDatabase,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    init_test_logging();
    let mut settings = test_settings(&database.url);
    configure(&mut settings);
    let app = Application::build(settings.clone())
        .await
        .expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = rx.await;
    }));
    let db = Database::connect(&settings.database)
        .await
        .expect("test pool");
    let (_, admin) = api_keys::create(&db, "test admin", Role::Admin)
        .await
        .expect("admin key");
    let (_, researcher) = api_keys::create(&db, "test researcher", Role::Researcher)
        .await
        .expect("researcher key");
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db,
        admin_key: admin.expose().to_owned(),
        researcher_key: researcher.expose().to_owned(),
        database,
        shutdown: Some(tx),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// A GET with `Authorization: Bearer <key>`.
    pub async fn get_as(&self, key: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(key)
            .send()
            .await
            .expect("request")
    }
}

impl TestApp {
    /// A second `soundings serve` instance over this app's database, as another server behind a
    /// load balancer would be: its own process state (caches, pools), the same data. It has keys
    /// of its own; either instance's keys work on both.
    pub async fn another_instance(&self, configure: impl FnOnce(&mut Settings)) -> TestApp {
        spawn_app_on(TestDatabase::with_url(self.database.url.clone()), configure).await
    }

    /// How many rows `from` (a table and an optional `WHERE`) holds, read straight from the
    /// database.
    pub async fn count(&self, from: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        let sql = format!("SELECT COUNT(*) AS n FROM {from}");
        let row = self
            .db
            .query_one_raw(Statement::from_string(self.db.backend(), sql))
            .await
            .expect("count query")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("a count")
    }

    /// Sends `method path` with an optional key and JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        key: Option<&str>,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.expect("request")
    }

    /// POSTs JSON as the admin and returns the response.
    pub async fn admin_post(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.send(
            reqwest::Method::POST,
            Some(&self.admin_key),
            path,
            Some(body),
        )
        .await
    }

    /// Sends a text body with a content type as the admin.
    pub async fn admin_text(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: &str,
    ) -> reqwest::Response {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&self.admin_key)
            .header("content-type", content_type)
            .body(body.to_owned())
            .send()
            .await
            .expect("request")
    }

    /// GETs JSON as the admin, asserting 200.
    pub async fn admin_get_json(&self, path: &str) -> serde_json::Value {
        self.json_as(&self.admin_key, path).await
    }

    /// GETs `path` with `key`, which must answer 200, and reads the JSON body.
    pub async fn json_as(&self, key: &str, path: &str) -> serde_json::Value {
        let resp = self.get_as(key, path).await;
        assert_eq!(resp.status(), 200, "GET {path}");
        resp.json().await.expect("JSON body")
    }

    /// Loads the shipped instrument and publishes it, as an operator would.
    pub async fn publish_shipped_survey(&self) {
        let resp = self
            .admin_post(
                "/api/v1/surveys",
                serde_json::json!({ "slug": SURVEY, "title": "NHS social media maturity" }),
            )
            .await;
        assert_eq!(resp.status(), 201);
        let resp = self
            .admin_text(
                reqwest::Method::PUT,
                &format!("/api/v1/surveys/{SURVEY}/versions/1"),
                "application/yaml",
                SHIPPED,
            )
            .await;
        assert_eq!(
            resp.status(),
            201,
            "{}",
            resp.text().await.unwrap_or_default()
        );
        let resp = self
            .admin_post(
                &format!("/api/v1/surveys/{SURVEY}/versions/1/publish"),
                serde_json::json!({}),
            )
            .await;
        assert_eq!(resp.status(), 200);
    }

    /// Creates organisations `codes` (kind acute unless given as CODE:kind).
    pub async fn create_organisations(&self, codes: &[&str]) {
        for spec in codes {
            let (code, kind) = spec.split_once(':').unwrap_or((spec, "acute"));
            let resp = self
                .admin_post(
                    "/api/v1/organisations",
                    serde_json::json!({ "code": code, "name": format!("{code} Trust"), "kind": kind,
                        "region": "North West", "country": "England", "size_band": "large" }),
                )
                .await;
            assert_eq!(resp.status(), 201, "creating {code}");
        }
    }

    /// Creates and opens a round of the shipped survey (published first).
    pub async fn open_round(&self, code: &str) {
        let now = chrono::Utc::now();
        let resp = self
            .admin_post(
                "/api/v1/rounds",
                serde_json::json!({ "code": code, "name": code, "survey": SURVEY, "version": 1,
                    "opens_at": now - chrono::Duration::days(1), "closes_at": now + chrono::Duration::days(30) }),
            )
            .await;
        assert_eq!(
            resp.status(),
            201,
            "{}",
            resp.text().await.unwrap_or_default()
        );
        let resp = self
            .admin_post(
                &format!("/api/v1/rounds/{code}/open"),
                serde_json::json!({}),
            )
            .await;
        assert_eq!(resp.status(), 200);
    }
}

pub const SURVEY: &str = "nhs-social-media-maturity";
pub const SHIPPED: &str =
    include_str!("../../../src/instruments/nhs-social-media-maturity.v1.yaml");

/// Logs from the app under test are off unless `TEST_LOG` is set.
fn init_test_logging() {
    if std::env::var_os("TEST_LOG").is_some() {
        soundings::app::telemetry::init(soundings::app::config::LogFormat::Human, "info");
    }
}

/// Reads a problem+json body, checking the content type on the way.
pub async fn problem(resp: reqwest::Response) -> serde_json::Value {
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/problem+json"),
        "expected problem+json, got `{content_type}`"
    );
    resp.json().await.expect("problem body is JSON")
}

/// The `path` of every field error in a problem document, in order.
pub fn error_paths(problem: &serde_json::Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["path"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}
