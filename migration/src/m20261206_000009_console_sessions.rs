//! The operator console's sessions (issue 19): one row per sign-in, holding only a hash of the
//! session id that the browser's cookie carries, so that a copy of the database signs nobody in.
//! Kept in the database so that every `serve` instance behind a load balancer knows them.

use crate::builders::{drop_tables, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsoleSessions::Table)
                    .if_not_exists()
                    .col(pk_auto(ConsoleSessions::Id))
                    .col(char_len_uniq(ConsoleSessions::SecretHash, 64))
                    .col(integer(ConsoleSessions::ApiKeyId))
                    .col(timestamp_with_time_zone(ConsoleSessions::CreatedAt))
                    .col(timestamp_with_time_zone(ConsoleSessions::LastSeenAt))
                    .col(timestamp_with_time_zone_null(ConsoleSessions::EndedAt))
                    .foreign_key(&mut fk(
                        "fk_console_sessions_api_key",
                        (ConsoleSessions::Table, ConsoleSessions::ApiKeyId),
                        (ApiKeys::Table, ApiKeys::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![ConsoleSessions::Table.into_iden()]).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ConsoleSessions {
    Table,
    Id,
    SecretHash,
    ApiKeyId,
    CreatedAt,
    LastSeenAt,
    EndedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApiKeys {
    Table,
    Id,
}
