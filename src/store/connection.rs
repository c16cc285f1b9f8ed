//! The pool as a connection: store functions take `&impl ConnectionTrait`, and callers pass
//! `&Database` (or a transaction), so only the store ever holds the pool's connection.

use super::Database;
use sea_orm::{DbBackend, DbErr};

/// The pool is a connection like any other to the store's functions, so callers pass `&Database`
/// (or a transaction) and never hold the pool's connection themselves.
#[async_trait::async_trait]
impl sea_orm::ConnectionTrait for Database {
    fn get_database_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: sea_orm::Statement) -> Result<sea_orm::ExecResult, DbErr> {
        self.conn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<sea_orm::ExecResult, DbErr> {
        self.conn.execute_unprepared(sql).await
    }

    async fn query_one_raw(
        &self,
        stmt: sea_orm::Statement,
    ) -> Result<Option<sea_orm::QueryResult>, DbErr> {
        self.conn.query_one_raw(stmt).await
    }

    async fn query_all_raw(
        &self,
        stmt: sea_orm::Statement,
    ) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
        self.conn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.conn.support_returning()
    }
}

/// Long reads stream from the pool as from any connection.
impl sea_orm::StreamTrait for Database {
    type Stream<'a> = sea_orm::QueryStream;

    fn get_database_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    fn stream_raw<'a>(
        &'a self,
        stmt: sea_orm::Statement,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<Self::Stream<'a>, DbErr>> + 'a + Send>> {
        self.conn.stream_raw(stmt)
    }
}
