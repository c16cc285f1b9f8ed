//! Server-side secrets (the key behind CSRF tokens and researcher pseudonyms), kept in the database
//! so that every instance behind a load balancer uses the same ones.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AppSecrets::Table)
                    .if_not_exists()
                    .col(pk_auto(AppSecrets::Id))
                    .col(string_len_uniq(AppSecrets::Name, 64))
                    .col(string_len(AppSecrets::Value, 128))
                    .col(timestamp_with_time_zone(AppSecrets::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(AppSecrets::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AppSecrets {
    Table,
    Id,
    Name,
    Value,
    CreatedAt,
}
