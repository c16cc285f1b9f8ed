//! Organisations, surveys, their versions and rounds: what an operator prepares before fielding.

use crate::builders::{create_indexes, drop_tables, fk, index, status};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .if_not_exists()
                    .col(pk_auto(Organisations::Id))
                    .col(string_len_uniq(Organisations::Code, 32))
                    .col(string_len(Organisations::Name, 300))
                    .col(string_len(Organisations::Kind, 64))
                    .col(string_len(Organisations::Region, 100))
                    .col(string_len(Organisations::Country, 64))
                    .col(string_len(Organisations::SizeBand, 32))
                    .col(timestamp_with_time_zone(Organisations::CreatedAt))
                    .col(timestamp_with_time_zone(Organisations::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index(
                    "idx_organisations_kind",
                    Organisations::Table,
                    &["kind"],
                    false,
                ),
                index(
                    "idx_organisations_region",
                    Organisations::Table,
                    &["region"],
                    false,
                ),
                index(
                    "idx_organisations_country",
                    Organisations::Table,
                    &["country"],
                    false,
                ),
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Surveys::Table)
                    .if_not_exists()
                    .col(pk_auto(Surveys::Id))
                    .col(string_len_uniq(Surveys::Slug, 100))
                    .col(string_len(Surveys::Title, 300))
                    .col(timestamp_with_time_zone(Surveys::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SurveyVersions::Table)
                    .if_not_exists()
                    .col(pk_auto(SurveyVersions::Id))
                    .col(integer(SurveyVersions::SurveyId))
                    .col(integer(SurveyVersions::Version))
                    .col(status(
                        SurveyVersions::Status,
                        &["draft", "published", "retired"],
                    ))
                    .col(text(SurveyVersions::Definition))
                    .col(char_len(SurveyVersions::Sha256, 64))
                    .col(timestamp_with_time_zone(SurveyVersions::CreatedAt))
                    .col(timestamp_with_time_zone(SurveyVersions::UpdatedAt))
                    .col(timestamp_with_time_zone_null(SurveyVersions::PublishedAt))
                    .foreign_key(&mut fk(
                        "fk_survey_versions_survey",
                        (SurveyVersions::Table, SurveyVersions::SurveyId),
                        (Surveys::Table, Surveys::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![index(
                "uq_survey_versions_survey_version",
                SurveyVersions::Table,
                &["survey_id", "version"],
                true,
            )],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Rounds::Table)
                    .if_not_exists()
                    .col(pk_auto(Rounds::Id))
                    .col(integer(Rounds::SurveyId))
                    .col(integer(Rounds::SurveyVersionId))
                    .col(string_len_uniq(Rounds::Code, 64))
                    .col(string_len(Rounds::Name, 200))
                    .col(timestamp_with_time_zone(Rounds::OpensAt))
                    .col(timestamp_with_time_zone(Rounds::ClosesAt))
                    .col(status(Rounds::Status, &["draft", "open", "closed"]))
                    .col(timestamp_with_time_zone(Rounds::CreatedAt))
                    .col(timestamp_with_time_zone(Rounds::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_rounds_survey",
                        (Rounds::Table, Rounds::SurveyId),
                        (Surveys::Table, Surveys::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_rounds_survey_version",
                        (Rounds::Table, Rounds::SurveyVersionId),
                        (SurveyVersions::Table, SurveyVersions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![index(
                "idx_rounds_survey_opens",
                Rounds::Table,
                &["survey_id", "opens_at"],
                false,
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Rounds::Table.into_iden(),
                SurveyVersions::Table.into_iden(),
                Surveys::Table.into_iden(),
                Organisations::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Organisations {
    Table,
    Id,
    Code,
    Name,
    Kind,
    Region,
    Country,
    SizeBand,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Surveys {
    Table,
    Id,
    Slug,
    Title,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum SurveyVersions {
    Table,
    Id,
    SurveyId,
    Version,
    Status,
    Definition,
    Sha256,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Rounds {
    Table,
    Id,
    SurveyId,
    SurveyVersionId,
    Code,
    Name,
    OpensAt,
    ClosesAt,
    Status,
    CreatedAt,
    UpdatedAt,
}
