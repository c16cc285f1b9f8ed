//! A revision counter on organisations, raised by every edit.
//!
//! Benchmark caches tell whether organisations' attributes (which decide peer groups) changed
//! by a fingerprint of the table. The latest `updated_at` could not be trusted for that: two
//! edits take their clock readings before they commit, so the later commit can carry the earlier
//! time and leave the maximum unchanged. The sum of revisions rises with every committed edit,
//! in whatever order edits commit.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Revision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(
                        ColumnDef::new(Organisations::Revision)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .drop_column(Organisations::Revision)
                    .to_owned(),
            )
            .await
    }
}
