//! A fresh database per test: a file in a temporary folder for SQLite, a copy of a migrated
//! template database on one throwaway PostgreSQL cluster per test binary (or on the server that
//! `TEST_DATABASE_URL` names).

use super::{Backend, PgCluster};
use sea_orm::{ConnectionTrait, Database as SeaDatabase};
use soundings::store::Database;
use std::sync::OnceLock;
use tokio::sync::OnceCell;

/// A fresh, empty database for one test, removed when dropped.
pub struct TestDatabase {
    pub url: String,
    sqlite_dir: Option<tempfile::TempDir>,
    /// For databases on a server given by `TEST_DATABASE_URL`: (admin URL, database name) to drop.
    external: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("soundings.sqlite").display()
                );
                TestDatabase {
                    url,
                    sqlite_dir: Some(dir),
                    external: None,
                }
            }
            Backend::Postgres => {
                let name = format!("test_{}", uuid::Uuid::new_v4().simple());
                if let Ok(admin) = std::env::var("TEST_DATABASE_URL") {
                    execute(&admin, &format!("CREATE DATABASE \"{name}\"")).await;
                    let url = replace_database(&admin, &name);
                    return TestDatabase {
                        url,
                        sqlite_dir: None,
                        external: Some((admin, name)),
                    };
                }
                let cluster = shared_cluster();
                migrated_template(cluster).await;
                execute(
                    &cluster.admin_url(),
                    &format!("CREATE DATABASE \"{name}\" TEMPLATE \"{TEMPLATE}\""),
                )
                .await;
                TestDatabase {
                    url: cluster.url_for(&name),
                    sqlite_dir: None,
                    external: None,
                }
            }
        }
    }

    /// A database the test manages itself (e.g. on a dedicated cluster).
    pub fn with_url(url: String) -> Self {
        TestDatabase {
            url,
            sqlite_dir: None,
            external: None,
        }
    }

    /// A database with no tables at all, not even migrated.
    pub async fn empty(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => TestDatabase::new(backend).await,
            Backend::Postgres => {
                let name = format!("test_{}", uuid::Uuid::new_v4().simple());
                if let Ok(admin) = std::env::var("TEST_DATABASE_URL") {
                    execute(&admin, &format!("CREATE DATABASE \"{name}\"")).await;
                    let url = replace_database(&admin, &name);
                    return TestDatabase {
                        url,
                        sqlite_dir: None,
                        external: Some((admin, name)),
                    };
                }
                let cluster = shared_cluster();
                execute(&cluster.admin_url(), &format!("CREATE DATABASE \"{name}\"")).await;
                TestDatabase {
                    url: cluster.url_for(&name),
                    sqlite_dir: None,
                    external: None,
                }
            }
        }
    }

    /// The SQLite file, for tests that make the database disappear.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        self.sqlite_dir
            .as_ref()
            .map(|d| d.path().join("soundings.sqlite"))
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.external.take() {
            // Drop runs outside any runtime we may block, so use a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(execute(
                        &admin,
                        &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                    ));
                }
            })
            .join();
        }
    }
}

const TEMPLATE: &str = "soundings_template";

fn shared_cluster() -> &'static PgCluster {
    static CLUSTER: OnceLock<Result<PgCluster, String>> = OnceLock::new();
    let cluster = CLUSTER.get_or_init(|| {
        let cluster = PgCluster::start()?;
        cluster.remove_when_process_exits(std::process::id())?;
        Ok(cluster)
    });
    match cluster {
        Ok(cluster) => cluster,
        Err(message) => panic!("cannot start PostgreSQL for the tests: {message}"),
    }
}

/// Creates and migrates the template database once per test binary.
async fn migrated_template(cluster: &PgCluster) {
    static TEMPLATE_READY: OnceCell<()> = OnceCell::const_new();
    TEMPLATE_READY
        .get_or_init(|| async {
            execute(
                &cluster.admin_url(),
                &format!("CREATE DATABASE \"{TEMPLATE}\""),
            )
            .await;
            let settings = soundings::app::config::DatabaseSettings::new(cluster.url_for(TEMPLATE));
            let db = Database::connect(&settings)
                .await
                .expect("connect to template");
            db.migrate().await.expect("migrate template");
            // CREATE DATABASE ... TEMPLATE refuses while anyone is connected to the template.
            db.close().await.expect("close template");
        })
        .await;
}

async fn execute(url: &str, sql: &str) {
    let conn = SeaDatabase::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
    conn.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = conn.close().await;
}

fn replace_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("TEST_DATABASE_URL is not a URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}
