//! E-mail to the organisations (issue 18): their contacts, the outbox of invitation, reminder,
//! reissue and revocation messages (one row per message, which is also its delivery log), and a
//! round's reminder policy.

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
                    .table(Contacts::Table)
                    .if_not_exists()
                    .col(pk_auto(Contacts::Id))
                    .col(integer(Contacts::OrganisationId))
                    // As given (lettre's `Address` parsed it); `email_key` is its lower-case form,
                    // so one address is held once per organisation whatever its case.
                    .col(string_len(Contacts::Email, 254))
                    .col(string_len(Contacts::EmailKey, 254))
                    .col(string_len_null(Contacts::Name, 200))
                    .col(string_len_null(Contacts::Role, 100))
                    .col(timestamp_with_time_zone(Contacts::CreatedAt))
                    .col(timestamp_with_time_zone(Contacts::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_contacts_organisation",
                        (Contacts::Table, Contacts::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OutboxMessages::Table)
                    .if_not_exists()
                    .col(pk_auto(OutboxMessages::Id))
                    .col(integer(OutboxMessages::RoundId))
                    .col(integer(OutboxMessages::OrganisationId))
                    .col(integer_null(OutboxMessages::ContactId))
                    .col(integer_null(OutboxMessages::InvitationId))
                    .col(status(
                        OutboxMessages::Kind,
                        &["invitation", "reminder", "reissue", "revoke"],
                    ))
                    .col(status(
                        OutboxMessages::Status,
                        &["queued", "sending", "sent", "failed"],
                    ))
                    // Kept with the message so the log still says who it went to after the
                    // contact is changed or removed.
                    .col(string_len(OutboxMessages::Recipient, 254))
                    .col(string_len_null(OutboxMessages::RecipientName, 200))
                    // Which reminder to the organisation this is (1, 2, ...); 0 for the others.
                    .col(integer(OutboxMessages::Sequence).default(0))
                    // One message per (what, whom): queueing the same thing twice adds nothing.
                    .col(string_len_uniq(OutboxMessages::IdempotencyKey, 200))
                    // The invitation's secret, sealed (see `mail::seal`): never the secret itself.
                    .col(string_len_null(OutboxMessages::LinkSeal, 80))
                    .col(integer(OutboxMessages::Attempts).default(0))
                    .col(timestamp_with_time_zone(OutboxMessages::NextAttemptAt))
                    // A message being sent is someone's until then; afterwards another worker
                    // may take it again (at-least-once, bounded by this lease).
                    .col(timestamp_with_time_zone_null(OutboxMessages::LeaseUntil))
                    .col(text_null(OutboxMessages::LastError))
                    .col(text_null(OutboxMessages::SmtpReply))
                    .col(timestamp_with_time_zone(OutboxMessages::QueuedAt))
                    .col(timestamp_with_time_zone_null(OutboxMessages::SentAt))
                    .col(timestamp_with_time_zone_null(OutboxMessages::FailedAt))
                    .col(timestamp_with_time_zone(OutboxMessages::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_outbox_round",
                        (OutboxMessages::Table, OutboxMessages::RoundId),
                        (Rounds::Table, Rounds::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_outbox_organisation",
                        (OutboxMessages::Table, OutboxMessages::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_outbox_contact",
                        (OutboxMessages::Table, OutboxMessages::ContactId),
                        (Contacts::Table, Contacts::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_outbox_invitation",
                        (OutboxMessages::Table, OutboxMessages::InvitationId),
                        (Invitations::Table, Invitations::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReminderPolicies::Table)
                    .if_not_exists()
                    .col(pk_auto(ReminderPolicies::Id))
                    .col(integer_uniq(ReminderPolicies::RoundId))
                    .col(integer(ReminderPolicies::EveryDays))
                    .col(integer(ReminderPolicies::MaxReminders))
                    // No reminder goes out this close to the round's closing.
                    .col(integer(ReminderPolicies::QuietDaysBeforeClose))
                    // When the scheduler next looks; claimed by a conditional update, so of
                    // several instances one runs each turn.
                    .col(timestamp_with_time_zone(ReminderPolicies::NextRunAt))
                    .col(timestamp_with_time_zone(ReminderPolicies::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_reminder_policies_round",
                        (ReminderPolicies::Table, ReminderPolicies::RoundId),
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
                    "idx_contacts_organisation_email",
                    Contacts::Table,
                    &["organisation_id", "email_key"],
                    true,
                ),
                index(
                    "idx_outbox_due",
                    OutboxMessages::Table,
                    &["status", "next_attempt_at"],
                    false,
                ),
                index(
                    "idx_outbox_round_organisation",
                    OutboxMessages::Table,
                    &["round_id", "organisation_id"],
                    false,
                ),
                index(
                    "idx_outbox_invitation",
                    OutboxMessages::Table,
                    &["invitation_id"],
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
                ReminderPolicies::Table.into_iden(),
                OutboxMessages::Table.into_iden(),
                Contacts::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Contacts {
    Table,
    Id,
    OrganisationId,
    Email,
    EmailKey,
    Name,
    Role,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OutboxMessages {
    Table,
    Id,
    RoundId,
    OrganisationId,
    ContactId,
    InvitationId,
    Kind,
    Status,
    Recipient,
    RecipientName,
    Sequence,
    IdempotencyKey,
    LinkSeal,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    SmtpReply,
    QueuedAt,
    SentAt,
    FailedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReminderPolicies {
    Table,
    Id,
    RoundId,
    EveryDays,
    MaxReminders,
    QuietDaysBeforeClose,
    NextRunAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Invitations {
    Table,
    Id,
}
