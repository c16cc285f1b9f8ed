//! The database of a one-off command (`soundings migrate`, `soundings demo`): connecting, bringing
//! the schema up to date, and letting go. A handle, not a way in: operations on it are service
//! functions, and only `store` runs its queries.

use super::ServiceResult;
use crate::store::DatabaseSettings;

pub use crate::store::Database;

/// Connects to the database at `url` (a SQLite file is made if missing), without migrating.
pub async fn connect(url: &str) -> ServiceResult<Database> {
    Ok(Database::connect(&DatabaseSettings::new(url)).await?)
}

/// Brings the schema up to date; running it again changes nothing.
pub async fn migrate(db: &Database) -> ServiceResult<()> {
    Ok(db.migrate().await?)
}

/// The migrations not applied yet, by name.
pub async fn pending_migrations(db: &Database) -> ServiceResult<Vec<String>> {
    Ok(db.pending_migrations().await?)
}

/// Closes the pool's connections, so that a SQLite file is let go of before something else
/// (the server the demo starts) opens it.
pub async fn close(db: Database) -> ServiceResult<()> {
    Ok(db.close().await?)
}
