//! Database access on sea-orm: the only place that runs queries. One module per aggregate; functions
//! take a connection (or a transaction) so callers decide where transactions begin and end.

pub mod api_keys;
pub mod app_secrets;
pub mod audit;
pub mod benchmarks;
mod database;
pub mod invitations;
pub mod organisations;
pub mod responses;
pub mod rounds;
pub mod shares;
pub mod surveys;

pub use database::{Database, DbError};
