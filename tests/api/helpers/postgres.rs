//! The throwaway PostgreSQL clusters live in the library (`soundings::testing::postgres`), so that
//! the load benchmark starts them the same way.

pub use soundings::testing::postgres::PgCluster;
