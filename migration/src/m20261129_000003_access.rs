//! API keys, report share links and the audit trail: who may do what, and what they did.

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
                    .table(ApiKeys::Table)
                    .if_not_exists()
                    .col(pk_auto(ApiKeys::Id))
                    .col(string_len(ApiKeys::Name, 100))
                    .col(status(ApiKeys::Role, &["admin", "researcher"]))
                    // The first characters of the secret, kept in clear so people can tell keys apart.
                    .col(string_len_uniq(ApiKeys::Prefix, 16))
                    .col(char_len_uniq(ApiKeys::SecretHash, 64))
                    .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReportShares::Table)
                    .if_not_exists()
                    .col(pk_auto(ReportShares::Id))
                    .col(integer(ReportShares::RoundId))
                    .col(integer(ReportShares::OrganisationId))
                    .col(char_len_uniq(ReportShares::SecretHash, 64))
                    .col(string_len(ReportShares::CreatedBy, 200))
                    .col(timestamp_with_time_zone(ReportShares::CreatedAt))
                    .col(timestamp_with_time_zone(ReportShares::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ReportShares::RevokedAt))
                    .foreign_key(&mut fk(
                        "fk_report_shares_round",
                        (ReportShares::Table, ReportShares::RoundId),
                        (Rounds::Table, Rounds::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_report_shares_organisation",
                        (ReportShares::Table, ReportShares::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .if_not_exists()
                    .col(pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::OccurredAt))
                    .col(string_len(AuditEvents::Actor, 200))
                    .col(string_len(AuditEvents::Action, 64))
                    .col(string_len(AuditEvents::SubjectType, 64))
                    .col(string_len_null(AuditEvents::SubjectId, 200))
                    .col(text(AuditEvents::Details))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index(
                    "idx_audit_events_occurred",
                    AuditEvents::Table,
                    &["occurred_at"],
                    false,
                ),
                index(
                    "idx_audit_events_subject",
                    AuditEvents::Table,
                    &["subject_type", "subject_id"],
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
                AuditEvents::Table.into_iden(),
                ReportShares::Table.into_iden(),
                ApiKeys::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ApiKeys {
    Table,
    Id,
    Name,
    Role,
    Prefix,
    SecretHash,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportShares {
    Table,
    Id,
    RoundId,
    OrganisationId,
    SecretHash,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    Actor,
    Action,
    SubjectType,
    SubjectId,
    Details,
}
