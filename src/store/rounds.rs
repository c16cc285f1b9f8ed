//! Rounds: one fielding of one published survey version over a time window.

use super::DbError;
use crate::domain::round::RoundStatus;
use chrono::{DateTime, Utc};
use entity::round;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

pub struct NewRound<'a> {
    pub survey_id: i32,
    pub survey_version_id: i32,
    pub code: &'a str,
    pub name: &'a str,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

pub async fn create(db: &impl ConnectionTrait, new: NewRound<'_>) -> Result<round::Model, DbError> {
    let now = Utc::now();
    round::ActiveModel {
        survey_id: Set(new.survey_id),
        survey_version_id: Set(new.survey_version_id),
        code: Set(new.code.to_owned()),
        name: Set(new.name.to_owned()),
        opens_at: Set(new.opens_at),
        closes_at: Set(new.closes_at),
        status: Set(RoundStatus::Draft.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)
}

pub async fn find(db: &impl ConnectionTrait, code: &str) -> Result<Option<round::Model>, DbError> {
    super::unique(
        round::Entity::find().filter(round::Column::Code.eq(code)),
        db,
    )
    .await
}

pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<round::Model>, DbError> {
    super::unique(round::Entity::find_by_id(id), db).await
}

/// The round as it is now, held against other writers until the caller's transaction ends: on
/// PostgreSQL `SELECT ... FOR UPDATE` (a transition of the round waits for it); on SQLite the
/// write transaction already holds the database's only write lock. For changes that depend on
/// the round's status without changing it, such as inviting organisations.
pub async fn lock(db: &impl ConnectionTrait, id: i32) -> Result<Option<round::Model>, DbError> {
    super::unique(round::Entity::find_by_id(id).lock_exclusive(), db).await
}

/// The round as it is now, kept from changing until the caller's transaction ends (`SELECT ...
/// FOR SHARE` on PostgreSQL: a transition waits, other holders do not), for writes that are
/// allowed only in some states of the round, such as saving answers.
pub async fn hold(db: &impl ConnectionTrait, id: i32) -> Result<Option<round::Model>, DbError> {
    super::unique(round::Entity::find_by_id(id).lock_shared(), db).await
}

/// Rounds in the order they opened, optionally of one survey only.
pub async fn list(
    db: &impl ConnectionTrait,
    survey_id: Option<i32>,
) -> Result<Vec<round::Model>, DbError> {
    let mut query = round::Entity::find();
    if let Some(id) = survey_id {
        query = query.filter(round::Column::SurveyId.eq(id));
    }
    query
        .order_by_asc(round::Column::OpensAt)
        .order_by_asc(round::Column::Id)
        .all(db)
        .await
        .map_err(DbError::classify)
}

/// The round's status as stored.
pub fn status(round: &round::Model) -> Result<RoundStatus, DbError> {
    Ok(RoundStatus::parse(&round.status)?)
}

/// Moves round `id` from `from` to `to` if it is still `from`, in one statement
/// (`UPDATE rounds SET status = to ... WHERE id = ? AND status = from`), and returns the round as
/// changed; `None` if another writer moved it first. Reading the status and writing it in two
/// statements would let two operators both see `draft` and both "open" the round.
pub async fn transition(
    db: &impl ConnectionTrait,
    id: i32,
    from: RoundStatus,
    to: RoundStatus,
) -> Result<Option<round::Model>, DbError> {
    let changed = round::Entity::update_many()
        .col_expr(round::Column::Status, Expr::value(to.as_str()))
        .col_expr(round::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(round::Column::Id.eq(id))
        .filter(round::Column::Status.eq(from.as_str()))
        .exec_with_returning(db)
        .await
        .map_err(DbError::classify)?;
    Ok(changed.into_iter().next())
}

/// Gives a round a new name and window, stamping `updated_at`; only those columns are written,
/// so a transition made meanwhile is kept.
pub async fn change(
    db: &impl ConnectionTrait,
    found: round::Model,
    name: String,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
) -> Result<round::Model, DbError> {
    let mut active: round::ActiveModel = found.into();
    active.name = Set(name);
    active.opens_at = Set(opens_at);
    active.closes_at = Set(closes_at);
    active.updated_at = Set(Utc::now());
    active.update(db).await.map_err(DbError::classify)
}
