//! Invitations, responses, answers and scores: what respondents produce during a round.

use crate::builders::{create_indexes, drop_tables, fk, index, status};
use crate::m20261129_000001_catalogue::{Organisations, Rounds};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .if_not_exists()
                    .col(pk_auto(Invitations::Id))
                    .col(integer(Invitations::RoundId))
                    .col(integer(Invitations::OrganisationId))
                    .col(char_len_uniq(Invitations::SecretHash, 64))
                    .col(timestamp_with_time_zone(Invitations::CreatedAt))
                    .col(timestamp_with_time_zone_null(Invitations::RevokedAt))
                    .foreign_key(&mut fk(
                        "fk_invitations_round",
                        (Invitations::Table, Invitations::RoundId),
                        (Rounds::Table, Rounds::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_invitations_organisation",
                        (Invitations::Table, Invitations::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![index(
                "idx_invitations_round_organisation",
                Invitations::Table,
                &["round_id", "organisation_id"],
                false,
            )],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Responses::Table)
                    .if_not_exists()
                    .col(pk_auto(Responses::Id))
                    .col(integer(Responses::RoundId))
                    .col(integer(Responses::OrganisationId))
                    .col(status(Responses::Status, &["in_progress", "submitted"]))
                    .col(integer(Responses::Revision).default(1))
                    .col(timestamp_with_time_zone(Responses::StartedAt))
                    .col(timestamp_with_time_zone(Responses::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Responses::SubmittedAt))
                    .col(string_len_null(Responses::SubmittedBy, 200))
                    .foreign_key(&mut fk(
                        "fk_responses_round",
                        (Responses::Table, Responses::RoundId),
                        (Rounds::Table, Rounds::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_responses_organisation",
                        (Responses::Table, Responses::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index(
                    "uq_responses_round_organisation",
                    Responses::Table,
                    &["round_id", "organisation_id"],
                    true,
                ),
                index(
                    "idx_responses_round_status",
                    Responses::Table,
                    &["round_id", "status"],
                    false,
                ),
                index(
                    "idx_responses_organisation",
                    Responses::Table,
                    &["organisation_id"],
                    false,
                ),
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Answers::Table)
                    .if_not_exists()
                    .col(pk_auto(Answers::Id))
                    .col(integer(Answers::ResponseId))
                    .col(string_len(Answers::QuestionKey, 64))
                    .col(text(Answers::Value))
                    .col(timestamp_with_time_zone(Answers::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_answers_response",
                        (Answers::Table, Answers::ResponseId),
                        (Responses::Table, Responses::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![index(
                "uq_answers_response_question",
                Answers::Table,
                &["response_id", "question_key"],
                true,
            )],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Scores::Table)
                    .if_not_exists()
                    .col(pk_auto(Scores::Id))
                    .col(integer(Scores::ResponseId))
                    // Denormalised from the response so that a round's statistics for one dimension are
                    // one index range scan, without joining responses.
                    .col(integer(Scores::RoundId))
                    .col(string_len(Scores::Dimension, 64))
                    .col(double(Scores::Score))
                    .col(integer(Scores::Level))
                    .foreign_key(&mut fk(
                        "fk_scores_response",
                        (Scores::Table, Scores::ResponseId),
                        (Responses::Table, Responses::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_scores_round",
                        (Scores::Table, Scores::RoundId),
                        (Rounds::Table, Rounds::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index(
                    "uq_scores_response_dimension",
                    Scores::Table,
                    &["response_id", "dimension"],
                    true,
                ),
                index(
                    "idx_scores_round_dimension",
                    Scores::Table,
                    &["round_id", "dimension", "score"],
                    false,
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Scores::Table.into_iden(),
                Answers::Table.into_iden(),
                Responses::Table.into_iden(),
                Invitations::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Invitations {
    Table,
    Id,
    RoundId,
    OrganisationId,
    SecretHash,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Responses {
    Table,
    Id,
    RoundId,
    OrganisationId,
    Status,
    Revision,
    StartedAt,
    UpdatedAt,
    SubmittedAt,
    SubmittedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum Answers {
    Table,
    Id,
    ResponseId,
    QuestionKey,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Scores {
    Table,
    Id,
    ResponseId,
    RoundId,
    Dimension,
    Score,
    Level,
}
