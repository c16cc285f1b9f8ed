//! The database schema, as sea-orm-migration migrations that run unchanged on PostgreSQL and SQLite.
//!
//! Foreign keys are declared inline in `create_table` because SQLite cannot add them to an existing
//! table. Migrations are append-only: once one has landed on main it is never edited.

pub use sea_orm_migration::prelude::*;

mod builders;
mod m20261129_000001_catalogue;
mod m20261129_000002_responses;
mod m20261129_000003_access;
mod m20261129_000004_app_secrets;
mod m20261129_000005_hash_columns;
mod m20261129_000006_scores_by_response;
mod m20261129_000007_organisation_revision;
mod m20261203_000008_mail;
mod m20261206_000009_console_sessions;
mod m20261206_000010_languages;
mod m20261206_000011_delegates;
mod m20261206_000012_colleague_mail;
mod m20261207_000013_releases;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_catalogue::Migration),
            Box::new(m20261129_000002_responses::Migration),
            Box::new(m20261129_000003_access::Migration),
            Box::new(m20261129_000004_app_secrets::Migration),
            Box::new(m20261129_000005_hash_columns::Migration),
            Box::new(m20261129_000006_scores_by_response::Migration),
            Box::new(m20261129_000007_organisation_revision::Migration),
            Box::new(m20261203_000008_mail::Migration),
            Box::new(m20261206_000009_console_sessions::Migration),
            Box::new(m20261206_000010_languages::Migration),
            Box::new(m20261206_000011_delegates::Migration),
            Box::new(m20261206_000012_colleague_mail::Migration),
            Box::new(m20261207_000013_releases::Migration),
        ]
    }
}
