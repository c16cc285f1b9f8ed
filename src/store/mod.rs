//! Database access on sea-orm: the only place that runs queries. One module per aggregate; functions
//! take a connection (or a transaction) so callers decide where transactions begin and end.

pub mod answers;
pub mod api_keys;
pub mod app_secrets;
pub mod audit;
pub mod benchmarks;
mod connection;
pub mod console_sessions;
pub mod contacts;
mod database;
pub mod delegates;
pub mod demo;
pub mod invitations;
pub mod link_state;
pub mod organisations;
pub mod outbox;
pub mod progress;
pub mod releases;
pub mod reminder_policies;
pub mod respondents;
pub mod response_sections;
pub mod responses;
pub mod rounds;
pub mod shares;
pub mod submissions;
pub mod surveys;

pub use database::{Database, DatabaseSettings, DbError, WriteTransaction};

/// A status column holding a value the schema's CHECK constraint should have refused: the
/// database was changed behind the application, which is an internal error.
impl From<crate::domain::state::UnknownStatus> for DbError {
    fn from(err: crate::domain::state::UnknownStatus) -> Self {
        DbError::Other(sea_orm::DbErr::Custom(err.to_string()))
    }
}

/// The row a query on a unique key finds. sea-orm's `one` adds `LIMIT ?`, and SQLite compiles a
/// statement whose LIMIT is a bound parameter afresh every time it runs (the value could change
/// the plan), which costs more than such a lookup itself; a unique key needs no limit.
pub(crate) async fn unique<E: sea_orm::EntityTrait>(
    select: sea_orm::Select<E>,
    db: &impl sea_orm::ConnectionTrait,
) -> Result<Option<E::Model>, DbError> {
    Ok(select
        .all(db)
        .await
        .map_err(DbError::classify)?
        .into_iter()
        .next())
}
