//! The outbox: one row per e-mail, which is both the job a worker claims and the message's
//! delivery log.
//!
//! Claiming is one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING *` on
//! PostgreSQL, so that several workers (several servers) split the due messages without waiting
//! for each other. SQLite has no row locks and runs one write at a time, so the same conditional
//! `UPDATE` without the locking clause is already atomic: of two workers, the second sees the
//! rows the first claimed as `sending` and passes them by. Every later write about a claimed
//! message is conditional on the claim (status `sending` and the attempt number it was claimed
//! with), so a worker whose lease ran out cannot overwrite what the next one recorded.

use super::DbError;
use crate::domain::mail::{DeliveryStatus, MessageKind};
use chrono::{DateTime, Utc};
use entity::outbox_message::{self, Column};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

mod context;

pub use context::{Context, context};

/// A message to queue.
pub struct NewMessage {
    pub round_id: i32,
    pub organisation_id: i32,
    pub contact_id: Option<i32>,
    pub invitation_id: Option<i32>,
    /// The colleague link a `colleague` message carries.
    pub delegate_id: Option<i32>,
    pub kind: MessageKind,
    pub sequence: i32,
    pub recipient: String,
    pub recipient_name: Option<String>,
    /// What makes this message this message: queueing the same key again adds nothing.
    pub idempotency_key: String,
    pub link_seal: Option<String>,
}

/// Rows per INSERT: well under PostgreSQL's 65,535 bound parameters (17 columns a row).
const INSERT_CHUNK: usize = 1000;

/// Queues messages in batches; those whose idempotency key is already queued are skipped.
/// Returns how many were added.
pub async fn enqueue(db: &impl ConnectionTrait, messages: Vec<NewMessage>) -> Result<u64, DbError> {
    let now = Utc::now();
    insert(db, messages.into_iter().map(|m| row(m, now))).await
}

/// Records messages as sent at `at` with `reply`, without sending them: the demo's invitations,
/// which in its fiction went out when its rounds opened. Keyed like [`enqueue`]'s.
pub async fn record_sent(
    db: &impl ConnectionTrait,
    messages: Vec<NewMessage>,
    at: DateTime<Utc>,
    reply: &str,
) -> Result<u64, DbError> {
    insert(
        db,
        messages.into_iter().map(|m| outbox_message::ActiveModel {
            status: Set(DeliveryStatus::Sent.as_str().to_owned()),
            attempts: Set(1),
            smtp_reply: Set(Some(reply.to_owned())),
            sent_at: Set(Some(at)),
            ..row(m, at)
        }),
    )
    .await
}

/// A queued message's row, due at once.
fn row(m: NewMessage, now: DateTime<Utc>) -> outbox_message::ActiveModel {
    outbox_message::ActiveModel {
        round_id: Set(m.round_id),
        organisation_id: Set(m.organisation_id),
        contact_id: Set(m.contact_id),
        invitation_id: Set(m.invitation_id),
        delegate_id: Set(m.delegate_id),
        kind: Set(m.kind.as_str().to_owned()),
        status: Set(DeliveryStatus::Queued.as_str().to_owned()),
        recipient: Set(m.recipient),
        recipient_name: Set(m.recipient_name),
        sequence: Set(m.sequence),
        idempotency_key: Set(m.idempotency_key),
        link_seal: Set(m.link_seal),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        smtp_reply: Set(None),
        queued_at: Set(now),
        sent_at: Set(None),
        failed_at: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Inserts rows in chunks, skipping those whose idempotency key is already there.
async fn insert(
    db: &impl ConnectionTrait,
    mut rows: impl Iterator<Item = outbox_message::ActiveModel>,
) -> Result<u64, DbError> {
    let mut added = 0;
    loop {
        let chunk: Vec<_> = rows.by_ref().take(INSERT_CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        let result = outbox_message::Entity::insert_many(chunk)
            .on_conflict_do_nothing_on([Column::IdempotencyKey])
            .exec_without_returning(db)
            .await
            .map_err(DbError::classify)?;
        if let sea_orm::TryInsertResult::Inserted(n) = result {
            added += n;
        }
    }
    Ok(added)
}

/// Claims up to `limit` due messages for `lease`: queued ones whose time has come, and ones
/// being sent whose lease ran out (their worker died). Each claim counts as an attempt.
pub async fn claim(
    db: &impl ConnectionTrait,
    limit: u64,
    lease: std::time::Duration,
) -> Result<Vec<outbox_message::Model>, DbError> {
    let now = Utc::now();
    let lease_until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let mut due = Query::select();
    due.column(Column::Id)
        .from(outbox_message::Entity)
        .cond_where(
            Condition::any()
                .add(
                    Condition::all()
                        .add(Column::Status.eq(DeliveryStatus::Queued.as_str()))
                        .add(Column::NextAttemptAt.lte(now)),
                )
                .add(
                    Condition::all()
                        .add(Column::Status.eq(DeliveryStatus::Sending.as_str()))
                        .add(Column::LeaseUntil.lt(now)),
                ),
        )
        .order_by(Column::NextAttemptAt, sea_orm::Order::Asc)
        .order_by(Column::Id, sea_orm::Order::Asc)
        .limit(limit);
    if db.get_database_backend() == DbBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let mut claimed = outbox_message::Entity::update_many()
        .col_expr(
            Column::Status,
            Expr::value(DeliveryStatus::Sending.as_str()),
        )
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::LeaseUntil, Expr::value(lease_until))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.in_subquery(due))
        .exec_with_returning(db)
        .await
        .map_err(DbError::classify)?;
    claimed.sort_by_key(|m| m.id);
    Ok(claimed)
}

/// The claim a later write must still hold.
fn claimed(message: &outbox_message::Model) -> Condition {
    Condition::all()
        .add(Column::Id.eq(message.id))
        .add(Column::Status.eq(DeliveryStatus::Sending.as_str()))
        .add(Column::Attempts.eq(message.attempts))
}

/// Ends a claim: the message takes `status`, its lease is released, and `fill` sets what that
/// status records. False if the claim was lost meanwhile (another worker holds the message).
async fn end_claim(
    db: &impl ConnectionTrait,
    message: &outbox_message::Model,
    status: DeliveryStatus,
    fill: impl FnOnce(
        sea_orm::UpdateMany<outbox_message::Entity>,
    ) -> sea_orm::UpdateMany<outbox_message::Entity>,
) -> Result<bool, DbError> {
    let update = outbox_message::Entity::update_many()
        .col_expr(Column::Status, Expr::value(status.as_str()))
        .col_expr(
            Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(claimed(message));
    let result = fill(update).exec(db).await.map_err(DbError::classify)?;
    Ok(result.rows_affected == 1)
}

/// Records that the server accepted the message, with its reply. False if the claim was lost.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    message: &outbox_message::Model,
    reply: &str,
) -> Result<bool, DbError> {
    end_claim(db, message, DeliveryStatus::Sent, |update| {
        update
            .col_expr(Column::SmtpReply, Expr::value(reply))
            .col_expr(Column::SentAt, Expr::value(Utc::now()))
    })
    .await
}

/// Puts a message back in the queue after a temporary failure, to be tried from `retry_at`.
pub async fn mark_retry(
    db: &impl ConnectionTrait,
    message: &outbox_message::Model,
    error: &str,
    retry_at: DateTime<Utc>,
) -> Result<bool, DbError> {
    end_claim(db, message, DeliveryStatus::Queued, |update| {
        update
            .col_expr(Column::LastError, Expr::value(error))
            .col_expr(Column::NextAttemptAt, Expr::value(retry_at))
    })
    .await
}

/// Records that a message will not be sent: a permanent refusal, or too many attempts.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    message: &outbox_message::Model,
    error: &str,
    reply: Option<&str>,
) -> Result<bool, DbError> {
    end_claim(db, message, DeliveryStatus::Failed, |update| {
        update
            .col_expr(Column::LastError, Expr::value(error))
            .col_expr(Column::SmtpReply, Expr::value(reply))
            .col_expr(Column::FailedAt, Expr::value(Utc::now()))
    })
    .await
}

/// Forgets the sealed links of an invitation (it was revoked: the link is dead, and nothing
/// should be able to rebuild it), and fails its messages that are still waiting, which carry it.
/// Its colleagues' messages hang from it too, so they go the same way.
pub async fn forget_invitation(
    db: &impl ConnectionTrait,
    invitation_ids: &[i32],
) -> Result<(), DbError> {
    forget(db, Column::InvitationId, invitation_ids).await
}

/// Forgets the sealed links of colleagues whose link ended (or who hold no section any more),
/// and fails their messages still waiting.
pub async fn forget_delegates(
    db: &impl ConnectionTrait,
    delegate_ids: &[i32],
) -> Result<(), DbError> {
    forget(db, Column::DelegateId, delegate_ids).await
}

async fn forget(db: &impl ConnectionTrait, column: Column, ids: &[i32]) -> Result<(), DbError> {
    if ids.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    outbox_message::Entity::update_many()
        .col_expr(Column::Status, Expr::value(DeliveryStatus::Failed.as_str()))
        .col_expr(Column::LastError, Expr::value(REVOKED_FIRST))
        .col_expr(Column::FailedAt, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(column.is_in(ids.iter().copied()))
        .filter(Column::Status.eq(DeliveryStatus::Queued.as_str()))
        .filter(Column::Kind.ne(MessageKind::Revoke.as_str()))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    outbox_message::Entity::update_many()
        .col_expr(Column::LinkSeal, Expr::value(Option::<String>::None))
        .filter(column.is_in(ids.iter().copied()))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}

/// Why a message whose link ended before it went out was not sent.
pub const REVOKED_FIRST: &str = "not sent: the link was revoked first";

/// The sealed link of each of these invitations that was queued for sending, by invitation id.
pub async fn seals(
    db: &impl ConnectionTrait,
    invitation_ids: &[i32],
) -> Result<std::collections::HashMap<i32, String>, DbError> {
    let mut found = std::collections::HashMap::new();
    for chunk in invitation_ids.chunks(500) {
        let rows: Vec<(Option<i32>, Option<String>)> = outbox_message::Entity::find()
            .select_only()
            .column(Column::InvitationId)
            .column(Column::LinkSeal)
            .filter(Column::InvitationId.is_in(chunk.iter().copied()))
            // A colleague's message seals the colleague's link, not the invitation's.
            .filter(Column::Kind.ne(MessageKind::Colleague.as_str()))
            .filter(Column::LinkSeal.is_not_null())
            .into_tuple()
            .all(db)
            .await
            .map_err(DbError::classify)?;
        for (id, seal) in rows {
            if let (Some(id), Some(seal)) = (id, seal) {
                found.insert(id, seal);
            }
        }
    }
    Ok(found)
}

/// Every message of a round (optionally of one organisation), newest first, a page at a time,
/// with the total.
pub async fn log(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: Option<i32>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<outbox_message::Model>, u64), DbError> {
    let mut query = outbox_message::Entity::find().filter(Column::RoundId.eq(round_id));
    if let Some(id) = organisation_id {
        query = query.filter(Column::OrganisationId.eq(id));
    }
    let total = query.clone().count(db).await.map_err(DbError::classify)?;
    let items = query
        .order_by_desc(Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await
        .map_err(DbError::classify)?;
    Ok((items, total))
}

/// Every message of a round, for summaries per organisation.
pub async fn of_round(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Vec<outbox_message::Model>, DbError> {
    outbox_message::Entity::find()
        .filter(Column::RoundId.eq(round_id))
        .order_by_asc(Column::Id)
        .all(db)
        .await
        .map_err(DbError::classify)
}

/// One message by id.
pub async fn find(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<outbox_message::Model>, DbError> {
    super::unique(outbox_message::Entity::find().filter(Column::Id.eq(id)), db).await
}
