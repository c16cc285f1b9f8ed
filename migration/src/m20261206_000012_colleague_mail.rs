//! Colleagues invited by e-mail (issue 21): the outbox takes a fifth kind of message,
//! `colleague`, and names the colleague link (delegate) it carries. The `kind` column's CHECK
//! is widened: PostgreSQL drops and re-adds the constraint; SQLite cannot alter a CHECK, so the
//! table is rebuilt (the same columns, inline foreign keys, its rows copied, its indexes made
//! again).

use crate::builders::{fk, index, status};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const KINDS: &[&str] = &["invitation", "reminder", "reissue", "revoke", "colleague"];
const OLD_KINDS: &[&str] = &["invitation", "reminder", "reissue", "revoke"];

/// Every column of the old table, in order, as the copy names them.
const COLUMNS: &str = "id, round_id, organisation_id, contact_id, invitation_id, kind, status, \
    recipient, recipient_name, sequence, idempotency_key, link_seal, attempts, next_attempt_at, \
    lease_until, last_error, smtp_reply, queued_at, sent_at, failed_at, updated_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE outbox_messages ADD COLUMN IF NOT EXISTS delegate_id integer \
                 REFERENCES delegates (id) ON DELETE SET NULL ON UPDATE CASCADE",
            )
            .await?;
            return widen_postgres(db, KINDS).await;
        }
        if manager.has_column("outbox_messages", "delegate_id").await? {
            return Ok(());
        }
        rebuild_sqlite(manager, KINDS, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM outbox_messages WHERE kind = 'colleague'")
            .await?;
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            db.execute_unprepared("ALTER TABLE outbox_messages DROP COLUMN IF EXISTS delegate_id")
                .await?;
            return widen_postgres(db, OLD_KINDS).await;
        }
        rebuild_sqlite(manager, OLD_KINDS, false).await
    }
}

/// Replaces the `kind` check (PostgreSQL names a column's check `<table>_<column>_check`).
async fn widen_postgres(db: &SchemaManagerConnection<'_>, kinds: &[&str]) -> Result<(), DbErr> {
    let list = kinds
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ");
    db.execute_unprepared(&format!(
        "ALTER TABLE outbox_messages DROP CONSTRAINT IF EXISTS outbox_messages_kind_check; \
         ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check \
         CHECK (kind IN ({list}))"
    ))
    .await?;
    Ok(())
}

/// Builds the table anew under a temporary name, copies the rows, and puts it in place.
async fn rebuild_sqlite(
    manager: &SchemaManager<'_>,
    kinds: &[&str],
    with_delegate: bool,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let mut table = Table::create();
    table
        .table(New::Table)
        .col(pk_auto(Outbox::Id))
        .col(integer(Outbox::RoundId))
        .col(integer(Outbox::OrganisationId))
        .col(integer_null(Outbox::ContactId))
        .col(integer_null(Outbox::InvitationId))
        .col(status(Outbox::Kind, kinds))
        .col(status(
            Outbox::Status,
            &["queued", "sending", "sent", "failed"],
        ))
        .col(string_len(Outbox::Recipient, 254))
        .col(string_len_null(Outbox::RecipientName, 200))
        .col(integer(Outbox::Sequence).default(0))
        .col(string_len_uniq(Outbox::IdempotencyKey, 200))
        .col(string_len_null(Outbox::LinkSeal, 80))
        .col(integer(Outbox::Attempts).default(0))
        .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
        .col(timestamp_with_time_zone_null(Outbox::LeaseUntil))
        .col(text_null(Outbox::LastError))
        .col(text_null(Outbox::SmtpReply))
        .col(timestamp_with_time_zone(Outbox::QueuedAt))
        .col(timestamp_with_time_zone_null(Outbox::SentAt))
        .col(timestamp_with_time_zone_null(Outbox::FailedAt))
        .col(timestamp_with_time_zone(Outbox::UpdatedAt))
        .foreign_key(&mut fk(
            "fk_outbox_round",
            (New::Table, Outbox::RoundId),
            (Other::Rounds, Other::Id),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            "fk_outbox_organisation",
            (New::Table, Outbox::OrganisationId),
            (Other::Organisations, Other::Id),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            "fk_outbox_contact",
            (New::Table, Outbox::ContactId),
            (Other::Contacts, Other::Id),
            ForeignKeyAction::SetNull,
        ))
        .foreign_key(&mut fk(
            "fk_outbox_invitation",
            (New::Table, Outbox::InvitationId),
            (Other::Invitations, Other::Id),
            ForeignKeyAction::SetNull,
        ));
    if with_delegate {
        // The colleague link a `colleague` message carries; its seal goes with it.
        table
            .col(integer_null(Outbox::DelegateId))
            .foreign_key(&mut fk(
                "fk_outbox_delegate",
                (New::Table, Outbox::DelegateId),
                (Other::Delegates, Other::Id),
                ForeignKeyAction::SetNull,
            ));
    }
    let mut indexes = vec![
        index(
            "idx_outbox_due",
            Outbox::Table,
            &["status", "next_attempt_at"],
            false,
        ),
        index(
            "idx_outbox_round_organisation",
            Outbox::Table,
            &["round_id", "organisation_id"],
            false,
        ),
        index(
            "idx_outbox_invitation",
            Outbox::Table,
            &["invitation_id"],
            false,
        ),
    ];
    if with_delegate {
        indexes.push(index(
            "idx_outbox_delegate",
            Outbox::Table,
            &["delegate_id"],
            false,
        ));
    }
    // One batch on one connection, in one transaction: the pool's other connections never see
    // the table half rebuilt, and a failure leaves the old table as it was.
    let mut batch = vec![
        "BEGIN".to_owned(),
        table.to_string(SqliteQueryBuilder),
        format!(
            "INSERT INTO outbox_messages_new ({COLUMNS}) SELECT {COLUMNS} FROM outbox_messages"
        ),
        "DROP TABLE outbox_messages".to_owned(),
        "ALTER TABLE outbox_messages_new RENAME TO outbox_messages".to_owned(),
    ];
    batch.extend(indexes.iter().map(|i| i.to_string(SqliteQueryBuilder)));
    batch.push("COMMIT".to_owned());
    db.execute_unprepared(&batch.join(";\n")).await?;
    Ok(())
}

#[derive(DeriveIden, Clone, Copy)]
enum New {
    #[sea_orm(iden = "outbox_messages_new")]
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Outbox {
    #[sea_orm(iden = "outbox_messages")]
    Table,
    Id,
    RoundId,
    OrganisationId,
    ContactId,
    InvitationId,
    DelegateId,
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
enum Other {
    Rounds,
    Organisations,
    Contacts,
    Invitations,
    Delegates,
    Id,
}
