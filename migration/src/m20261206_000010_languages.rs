//! Languages (issue 20): the language a respondent chose for an invitation's pages, and an
//! organisation's preferred language for e-mails. Both are `en` or `cy`, or null for "not
//! chosen" (pages then follow the browser's Accept-Language).
//!
//! Kept in the database, not a cookie or process memory, because several server instances share
//! one database and a respondent may come back on another device.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Language,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Language,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .add_column(ColumnDef::new(Invitations::Language).string_len(8).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(ColumnDef::new(Organisations::Language).string_len(8).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .drop_column(Organisations::Language)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .drop_column(Invitations::Language)
                    .to_owned(),
            )
            .await
    }
}
