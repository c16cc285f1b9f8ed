//! Rounds' reminder policies, and the scheduler's claim on each round's turn.

use super::DbError;
use crate::domain::mail::ReminderPolicy;
use chrono::{DateTime, Utc};
use entity::reminder_policy::{self, Column};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

pub async fn find(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Option<reminder_policy::Model>, DbError> {
    super::unique(
        reminder_policy::Entity::find().filter(Column::RoundId.eq(round_id)),
        db,
    )
    .await
}

/// Sets the round's policy (replacing any); the scheduler looks at it on its next turn.
pub async fn set(
    db: &impl ConnectionTrait,
    round_id: i32,
    policy: ReminderPolicy,
) -> Result<(), DbError> {
    let now = Utc::now();
    let row = reminder_policy::ActiveModel {
        round_id: Set(round_id),
        every_days: Set(i32::try_from(policy.every_days).unwrap_or(i32::MAX)),
        max_reminders: Set(i32::try_from(policy.max_reminders).unwrap_or(i32::MAX)),
        quiet_days_before_close: Set(
            i32::try_from(policy.quiet_days_before_close).unwrap_or(i32::MAX)
        ),
        next_run_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    reminder_policy::Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::RoundId)
                .update_columns([
                    Column::EveryDays,
                    Column::MaxReminders,
                    Column::QuietDaysBeforeClose,
                    Column::NextRunAt,
                    Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, round_id: i32) -> Result<bool, DbError> {
    let result = reminder_policy::Entity::delete_many()
        .filter(Column::RoundId.eq(round_id))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(result.rows_affected > 0)
}

/// Policies whose turn has come.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<reminder_policy::Model>, DbError> {
    reminder_policy::Entity::find()
        .filter(Column::NextRunAt.lte(now))
        .all(db)
        .await
        .map_err(DbError::classify)
}

/// Takes the policy's turn: moves its next run to `next` if it is still due. Of several
/// schedulers, one wins; the others see it moved and pass.
pub async fn claim_turn(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
    next: DateTime<Utc>,
) -> Result<bool, DbError> {
    let result = reminder_policy::Entity::update_many()
        .col_expr(Column::NextRunAt, Expr::value(next))
        .filter(Column::Id.eq(id))
        .filter(Column::NextRunAt.lte(now))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(result.rows_affected == 1)
}
