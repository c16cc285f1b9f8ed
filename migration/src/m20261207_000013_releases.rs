//! Releases (issue 28): a round's results are published from frozen, numbered releases rather
//! than computed live. A release keeps, per organisation it covers, the submitted response as it
//! was (revision, scores and answers) and the organisation's attributes as at the release, so
//! that nothing done later (an amendment after a reopen, an edit of the register) moves what it
//! published. Rows are never updated or deleted by the application.

use crate::builders::{create_indexes, drop_tables, fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Releases::Table)
                    .if_not_exists()
                    .col(pk_auto(Releases::Id))
                    .col(integer(Releases::RoundId))
                    // 1, 2, ... within the round (a unique index, below).
                    .col(integer(Releases::Number))
                    .col(integer(Releases::Respondents))
                    .col(string_len(Releases::MadeBy, 200))
                    .col(timestamp_with_time_zone(Releases::MadeAt))
                    // Hex SHA-256 over the rows, in pseudonym order: the same release reads the
                    // same everywhere, and a reader can check what it holds.
                    .col(char_len(Releases::Digest, 64))
                    // The threshold k the release was checked under, and the releases of earlier
                    // rounds its disclosure snapshot was made against (a JSON array of release
                    // ids): with the rows, everything its figures are worked out from.
                    .col(integer(Releases::Threshold))
                    .col(text(Releases::Earlier))
                    .foreign_key(&mut fk(
                        "fk_releases_round",
                        (Releases::Table, Releases::RoundId),
                        (Rounds::Table, Rounds::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReleaseResponses::Table)
                    .if_not_exists()
                    .col(pk_auto(ReleaseResponses::Id))
                    .col(integer(ReleaseResponses::ReleaseId))
                    .col(integer(ReleaseResponses::ResponseId))
                    .col(integer(ReleaseResponses::Revision))
                    .col(integer(ReleaseResponses::OrganisationId))
                    .col(string_len(ReleaseResponses::Code, 32))
                    .col(string_len(ReleaseResponses::Name, 200))
                    .col(string_len(ReleaseResponses::Kind, 64))
                    .col(string_len(ReleaseResponses::Region, 64))
                    .col(string_len(ReleaseResponses::Country, 64))
                    .col(string_len(ReleaseResponses::SizeBand, 64))
                    // Score by dimension key (`overall` included), as a JSON object.
                    .col(text(ReleaseResponses::Scores))
                    // The answers by question key, as a JSON object (store::answers' form).
                    .col(text(ReleaseResponses::Answers))
                    .foreign_key(&mut fk(
                        "fk_release_responses_release",
                        (ReleaseResponses::Table, ReleaseResponses::ReleaseId),
                        (Releases::Table, Releases::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index(
                    "idx_releases_round_number",
                    Releases::Table,
                    &["round_id", "number"],
                    true,
                ),
                index(
                    "idx_release_responses_release_response",
                    ReleaseResponses::Table,
                    &["release_id", "response_id"],
                    true,
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                ReleaseResponses::Table.into_iden(),
                Releases::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Releases {
    Table,
    Id,
    RoundId,
    Number,
    Respondents,
    MadeBy,
    MadeAt,
    Digest,
    Threshold,
    Earlier,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReleaseResponses {
    Table,
    Id,
    ReleaseId,
    ResponseId,
    Revision,
    OrganisationId,
    Code,
    Name,
    Kind,
    Region,
    Country,
    SizeBand,
    Scores,
    Answers,
}

#[derive(DeriveIden, Clone, Copy)]
enum Rounds {
    Table,
    Id,
}
