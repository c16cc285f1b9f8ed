//! Several colleagues per organisation (issue 21): the lead (who holds the organisation's
//! invitation) hands sections to colleagues, each with a secret link of their own (only its
//! hash is stored); who last saved each answer and each section of a response; and a counter on
//! the invitation that every change to its delegations raises, so that pages kept for the lead
//! or a colleague are known to be stale.

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
                    .table(Delegates::Table)
                    .if_not_exists()
                    .col(pk_auto(Delegates::Id))
                    .col(integer(Delegates::InvitationId))
                    .col(string_len(Delegates::Name, 200))
                    .col(string_len(Delegates::Email, 254))
                    .col(char_len_uniq(Delegates::SecretHash, 64))
                    .col(timestamp_with_time_zone(Delegates::CreatedAt))
                    .col(timestamp_with_time_zone_null(Delegates::RevokedAt))
                    .foreign_key(&mut fk(
                        "fk_delegates_invitation",
                        (Delegates::Table, Delegates::InvitationId),
                        (Invitations::Table, Invitations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DelegatedSections::Table)
                    .if_not_exists()
                    .col(pk_auto(DelegatedSections::Id))
                    // Beside the delegate's own, so that one section is given to at most one
                    // colleague per invitation (a unique index, below).
                    .col(integer(DelegatedSections::InvitationId))
                    .col(integer(DelegatedSections::DelegateId))
                    .col(string_len(DelegatedSections::SectionKey, 100))
                    .col(timestamp_with_time_zone_null(DelegatedSections::ReadyAt))
                    .col(timestamp_with_time_zone(DelegatedSections::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_delegated_sections_invitation",
                        (DelegatedSections::Table, DelegatedSections::InvitationId),
                        (Invitations::Table, Invitations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_delegated_sections_delegate",
                        (DelegatedSections::Table, DelegatedSections::DelegateId),
                        (Delegates::Table, Delegates::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ResponseSections::Table)
                    .if_not_exists()
                    .col(pk_auto(ResponseSections::Id))
                    .col(integer(ResponseSections::ResponseId))
                    .col(string_len(ResponseSections::SectionKey, 100))
                    // The response's revision at the section's last save: a save of a section
                    // read at an earlier revision is refused (409), a save of another is not.
                    .col(integer(ResponseSections::Revision))
                    .col(string_len(ResponseSections::SavedBy, 64))
                    .col(timestamp_with_time_zone(ResponseSections::SavedAt))
                    .foreign_key(&mut fk(
                        "fk_response_sections_response",
                        (ResponseSections::Table, ResponseSections::ResponseId),
                        (Responses::Table, Responses::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Answers::Table)
                    .add_column(string_len_null(Answers::SavedBy, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .add_column(
                        ColumnDef::new(Invitations::DelegationRevision)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index(
                    "idx_delegates_invitation",
                    Delegates::Table,
                    &["invitation_id"],
                    false,
                ),
                index(
                    "idx_delegated_sections_invitation_section",
                    DelegatedSections::Table,
                    &["invitation_id", "section_key"],
                    true,
                ),
                index(
                    "idx_delegated_sections_delegate",
                    DelegatedSections::Table,
                    &["delegate_id"],
                    false,
                ),
                index(
                    "idx_response_sections_response_section",
                    ResponseSections::Table,
                    &["response_id", "section_key"],
                    true,
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .drop_column(Invitations::DelegationRevision)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Answers::Table)
                    .drop_column(Answers::SavedBy)
                    .to_owned(),
            )
            .await?;
        drop_tables(
            manager,
            vec![
                ResponseSections::Table.into_iden(),
                DelegatedSections::Table.into_iden(),
                Delegates::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Delegates {
    Table,
    Id,
    InvitationId,
    Name,
    Email,
    SecretHash,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DelegatedSections {
    Table,
    Id,
    InvitationId,
    DelegateId,
    SectionKey,
    ReadyAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ResponseSections {
    Table,
    Id,
    ResponseId,
    SectionKey,
    Revision,
    SavedBy,
    SavedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Invitations {
    Table,
    Id,
    DelegationRevision,
}

#[derive(DeriveIden, Clone, Copy)]
enum Responses {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Answers {
    Table,
    SavedBy,
}
