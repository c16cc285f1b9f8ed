//! The operator console's sessions: made at sign-in, found by the hash of the cookie's id,
//! touched, and ended at sign-out.

use super::DbError;
use super::api_keys::ApiKey;
use crate::domain::secret::Secret;
use chrono::{DateTime, Utc};
use entity::{api_key, console_session};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// A stored session (never with its id: only the hash is kept).
#[derive(Clone, Debug)]
pub struct ConsoleSession {
    pub id: i32,
    pub secret_hash: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl From<console_session::Model> for ConsoleSession {
    fn from(m: console_session::Model) -> Self {
        Self {
            id: m.id,
            secret_hash: m.secret_hash,
            created_at: m.created_at,
            last_seen_at: m.last_seen_at,
            ended_at: m.ended_at,
        }
    }
}

/// Starts a session for the key with id `api_key_id`; returns it with the id for the cookie,
/// which is not stored.
pub async fn create(
    db: &impl ConnectionTrait,
    api_key_id: i32,
    now: DateTime<Utc>,
) -> Result<(ConsoleSession, Secret), DbError> {
    let secret = Secret::generate("cs_");
    let model = console_session::ActiveModel {
        secret_hash: Set(secret.hash()),
        api_key_id: Set(api_key_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        ended_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)?;
    Ok((model.into(), secret))
}

/// The session with this hash and its key, if the key is not revoked (ended or expired
/// sessions are returned too: the caller judges them).
pub async fn find(
    db: &impl ConnectionTrait,
    secret_hash: &str,
) -> Result<Option<(ConsoleSession, ApiKey)>, DbError> {
    let Some(session) = super::unique(
        console_session::Entity::find().filter(console_session::Column::SecretHash.eq(secret_hash)),
        db,
    )
    .await?
    else {
        return Ok(None);
    };
    let key = super::unique(
        api_key::Entity::find()
            .filter(api_key::Column::Id.eq(session.api_key_id))
            .filter(api_key::Column::RevokedAt.is_null()),
        db,
    )
    .await?;
    match key {
        Some(key) => Ok(Some((session.into(), key.try_into()?))),
        None => Ok(None),
    }
}

/// Records a request in the session. Best effort: callers log a failure and carry on.
pub async fn touch(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<(), DbError> {
    console_session::Entity::update_many()
        .col_expr(console_session::Column::LastSeenAt, Expr::value(now))
        .filter(console_session::Column::Id.eq(id))
        .filter(console_session::Column::EndedAt.is_null())
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}

/// Ends the session, if it has not ended; returns whether this call ended it.
pub async fn end(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<bool, DbError> {
    let done = console_session::Entity::update_many()
        .col_expr(console_session::Column::EndedAt, Expr::value(now))
        .filter(console_session::Column::Id.eq(id))
        .filter(console_session::Column::EndedAt.is_null())
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(done.rows_affected == 1)
}
