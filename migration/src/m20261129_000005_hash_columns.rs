//! Hex hashes as `varchar(64)` on PostgreSQL, not `char(64)`.
//!
//! The drivers bind a Rust `String` as `text`, and PostgreSQL compares `char(n)` with `text` by
//! casting the column, which cannot use the column's index: every lookup of an invitation link,
//! API key or share link by its hash read the whole table (a sequential scan per respondent
//! request, 20,000 rows in the demo at 10,000 organisations). `varchar` compares with `text`
//! through its index. The hashes are always 64 characters, so no value changes. SQLite has no
//! `char(n)` semantics (the declared type only gives the column text affinity): nothing to do.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column) of every fixed-width hash.
const HASH_COLUMNS: &[(&str, &str)] = &[
    ("invitations", "secret_hash"),
    ("api_keys", "secret_hash"),
    ("report_shares", "secret_hash"),
    ("survey_versions", "sha256"),
];

async fn retype(manager: &SchemaManager<'_>, to: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for (table, column) in HASH_COLUMNS {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "ALTER TABLE {table} ALTER COLUMN {column} TYPE {to}"
            ))
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "varchar(64)").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "char(64)").await
    }
}
