//! Connecting, migrating and checking the database, for PostgreSQL and the embedded SQLite default.

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    AccessMode, ConnectOptions, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    IsolationLevel, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Where the database is and how many connections to keep (part of the server's settings).
#[derive(Clone, Debug)]
pub struct DatabaseSettings {
    pub url: String,
    pub max_connections: u32,
    /// How long a request waits for a connection before the server answers 503.
    pub acquire_timeout: Duration,
}

impl DatabaseSettings {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 16,
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

/// A failure to reach or use the database, told apart so callers can answer 503 rather than 500.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// A unique constraint refused the write (e.g. a duplicate code).
    #[error("a unique constraint was violated: {0}")]
    Conflict(String),
    #[error(transparent)]
    Other(#[from] DbErr),
}

impl DbError {
    /// Sorts a sea-orm error: lost connections and pool time-outs mean "unavailable".
    pub fn classify(err: DbErr) -> Self {
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(detail)) = err.sql_err() {
            return DbError::Conflict(detail);
        }
        match &err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => DbError::Unavailable(err.to_string()),
            _ if connection_failed(&err) => DbError::Unavailable(err.to_string()),
            _ => {
                let text = err.to_string();
                // sqlx reports a dropped server connection as an I/O error inside a query error.
                if text.contains("Connection refused")
                    || text.contains("connection closed")
                    || text.contains("terminating connection")
                    || text.contains("io error")
                {
                    DbError::Unavailable(text)
                } else {
                    DbError::Other(err)
                }
            }
        }
    }
}

/// Whether a statement failed because the connection did (the server went away, reset the
/// connection, or is shutting down), rather than because of the statement: the client may retry.
fn connection_failed(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx};
    let (DbErr::Exec(RuntimeErr::SqlxError(cause)) | DbErr::Query(RuntimeErr::SqlxError(cause))) =
        err
    else {
        return false;
    };
    match cause.as_ref() {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        // SQLSTATE classes 08 (connection exception) and 57 (operator intervention: shutdown,
        // cancelled by the administrator); SQLite's SQLITE_BUSY and SQLITE_LOCKED (5 and 6, and
        // their extended codes), which it answers when another connection kept the file past the
        // busy timeout. SQLite's codes are decimal numbers, PostgreSQL's five characters.
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08")
                || code.starts_with("57")
                || (code.len() < 5 && code.parse::<u32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6)))
        }),
        _ => false,
    }
}

/// The connection pool and what is needed to tell whether the database is still there.
#[derive(Clone, Debug)]
pub struct Database {
    pub(super) conn: DatabaseConnection,
    /// For SQLite, the file behind the pool: an open connection keeps working on a deleted file, so
    /// readiness also checks that the file is still where it should be. Shared, not owned: the
    /// services are cloned into every request's data, and a path would be copied each time.
    sqlite_file: Option<Arc<Path>>,
    /// SQLite takes one writer at a time. Writers of this process queue here, in order, rather
    /// than in SQLite's busy handler, which polls with sleeps of up to 100 ms and so gives a
    /// burst of writers latencies of hundreds of milliseconds. `None` for PostgreSQL.
    write_lock: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl Database {
    /// Opens a pool. SQLite files are created if missing, with WAL, a busy timeout and foreign keys on.
    pub async fn connect(settings: &DatabaseSettings) -> Result<Self, DbError> {
        let url = &settings.url;
        let mut options = ConnectOptions::new(url.clone());
        options
            .max_connections(pool_size(settings))
            .min_connections(0)
            .connect_timeout(settings.acquire_timeout)
            .acquire_timeout(settings.acquire_timeout)
            .sqlx_logging(false);
        let sqlite_file = sqlite_path(url).map(Arc::from);
        if sqlite_file.is_some() {
            options.map_sqlx_sqlite_opts(|opts| {
                opts.create_if_missing(true)
                    .foreign_keys(true)
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
            });
        }
        let conn = sea_orm::Database::connect(options)
            .await
            .map_err(DbError::classify)?;
        let write_lock = is_sqlite(url).then(Arc::default);
        Ok(Self {
            conn,
            sqlite_file,
            write_lock,
        })
    }

    /// Brings the schema up to date. Running it again changes nothing.
    ///
    /// Then closes the pool's connections: a SQLite connection that read the schema before a
    /// migration added a column answered `RETURNING` with NULL for that column (the row itself
    /// was written right), so the first writes after an upgrade failed. The pool opens fresh
    /// connections as they are needed. Call this before serving, while nothing else uses the pool.
    pub async fn migrate(&self) -> Result<(), DbError> {
        Migrator::up(&self.conn, None)
            .await
            .map_err(DbError::classify)?;
        self.close_pooled_connections().await;
        Ok(())
    }

    async fn close_pooled_connections(&self) {
        match self.backend() {
            DbBackend::Sqlite => close_all(self.conn.get_sqlite_connection_pool()).await,
            DbBackend::Postgres => close_all(self.conn.get_postgres_connection_pool()).await,
            _ => {}
        }
    }

    /// Migrations not yet applied, by name.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, DbError> {
        let pending = Migrator::get_pending_migrations(&self.conn)
            .await
            .map_err(DbError::classify)?;
        Ok(pending.iter().map(|m| m.name().to_owned()).collect())
    }

    /// Whether the database answers a trivial query within `timeout`.
    pub async fn ping(&self, timeout: Duration) -> Result<(), DbError> {
        if let Some(file) = &self.sqlite_file
            && !file.exists()
        {
            return Err(DbError::Unavailable(format!(
                "{} is missing",
                file.display()
            )));
        }
        match tokio::time::timeout(timeout, self.conn.ping()).await {
            Ok(result) => result.map_err(|e| DbError::Unavailable(e.to_string())),
            Err(_) => Err(DbError::Unavailable("no answer in time".to_owned())),
        }
    }

    /// Starts a transaction that is going to write. On SQLite it waits its turn among this
    /// process's writers and then takes the database's write lock at once (`BEGIN IMMEDIATE`):
    /// a transaction that reads first and writes later would otherwise fail with "database is
    /// locked" whenever another connection wrote in between, since SQLite cannot wait for a
    /// lock to be upgraded. On PostgreSQL it is a plain `BEGIN`.
    pub async fn begin_write(&self) -> Result<WriteTransaction, DbError> {
        let turn = match &self.write_lock {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        let tx = self
            .conn
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await
            .map_err(DbError::classify)?;
        Ok(WriteTransaction { tx, _turn: turn })
    }

    /// Starts a read-only transaction whose reads all see one snapshot of the database
    /// (`REPEATABLE READ` on PostgreSQL; on SQLite in WAL mode every read transaction does), so
    /// that what a cache loads in several queries belongs together.
    pub async fn begin_snapshot(&self) -> Result<DatabaseTransaction, DbError> {
        let options = if self.backend() == DbBackend::Postgres {
            TransactionOptions {
                isolation_level: Some(IsolationLevel::RepeatableRead),
                access_mode: Some(AccessMode::ReadOnly),
                ..TransactionOptions::default()
            }
        } else {
            TransactionOptions::default()
        };
        self.conn
            .begin_with_options(options)
            .await
            .map_err(DbError::classify)
    }

    /// Closes every connection of the pool, for good.
    /// A plain transaction (deferred on SQLite), for tests that must hold one open by hand.
    /// Operations that write use [`Database::begin_write`].
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbError> {
        self.conn.begin().await.map_err(DbError::classify)
    }

    pub async fn close(self) -> Result<(), DbError> {
        self.conn.close().await.map_err(DbError::classify)
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }
}

/// Closes every connection of `pool` and leaves it open for new ones. A connection dropped a
/// moment ago is still on its way back to the pool (sqlx returns it from a spawned task), so
/// this waits for those, up to a bound: a pool that something else keeps busy is left as it is.
async fn close_all<DB: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<DB>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        // `try_acquire` hands out idle connections only and never opens one.
        while let Some(connection) = pool.try_acquire() {
            let _ = connection.close().await;
        }
        if pool.size() == 0 || tokio::time::Instant::now() >= deadline {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// How many connections to open. SQLite writes one at a time and reads on the CPU, so more
/// connections than twice the cores only add memory (each has a thread, a page cache and a
/// statement cache of its own); PostgreSQL gets what the settings ask.
fn pool_size(settings: &DatabaseSettings) -> u32 {
    if is_sqlite(&settings.url) {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let cap = u32::try_from(cores * 2).unwrap_or(u32::MAX).max(4);
        settings.max_connections.min(cap)
    } else {
        settings.max_connections
    }
}

/// A transaction from [`Database::begin_write`]; use it as `&*tx` where a connection is asked
/// for. Dropping it without [`WriteTransaction::commit`] rolls it back.
pub struct WriteTransaction {
    tx: DatabaseTransaction,
    /// Held until the transaction ends (SQLite only).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTransaction {
    pub async fn commit(self) -> Result<(), DbError> {
        self.tx.commit().await.map_err(DbError::classify)
    }

    /// Ends the transaction at once, writing nothing (dropping it rolls back too, but only when
    /// its connection is next used).
    pub async fn rollback(self) -> Result<(), DbError> {
        self.tx.rollback().await.map_err(DbError::classify)
    }
}

impl std::ops::Deref for WriteTransaction {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.tx
    }
}

/// Whether `url` is SQLite, in a file or in memory.
fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// The file behind a `sqlite:` URL, or `None` for other databases and in-memory SQLite.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(PathBuf::from(path))
    }
}

#[cfg(test)]
mod tests {
    use super::{DbError, sqlite_path};
    use sea_orm::{DbErr, RuntimeErr, sqlx};
    use std::path::PathBuf;
    use std::sync::Arc;

    #[test]
    fn a_connection_lost_mid_statement_is_unavailable_not_an_internal_error() {
        let lost = |e: sqlx::Error| DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)));
        for err in [
            lost(sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "Connection reset by peer",
            ))),
            lost(sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "expected to read 5 bytes, got 0 bytes at EOF",
            ))),
            lost(sqlx::Error::PoolTimedOut),
        ] {
            assert!(
                matches!(DbError::classify(err), DbError::Unavailable(_)),
                "not classified as unavailable"
            );
        }
        let bad_sql = DbErr::Query(RuntimeErr::Internal("syntax error".to_owned()));
        assert!(matches!(DbError::classify(bad_sql), DbError::Other(_)));
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://soundings.sqlite?mode=rwc"),
            Some(PathBuf::from("soundings.sqlite"))
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/a.db"),
            Some(PathBuf::from("/tmp/a.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://u@h/db"), None);
    }
}
