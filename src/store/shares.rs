//! Report share links: a board member opens one organisation's report without a key until the
//! link expires or is revoked. Only the secret's hash is stored.

use super::DbError;
use crate::domain::secret::Secret;
use chrono::{DateTime, Utc};
use entity::report_share;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

pub async fn create(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
    created_by: &str,
    expires_at: DateTime<Utc>,
) -> Result<(report_share::Model, Secret), DbError> {
    let secret = Secret::generate("");
    let model = report_share::ActiveModel {
        round_id: Set(round_id),
        organisation_id: Set(organisation_id),
        secret_hash: Set(secret.hash()),
        created_by: Set(created_by.to_owned()),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)?;
    Ok((model, secret))
}

/// The share with this secret hash, revoked or not (the caller tells expired from revoked).
pub async fn find_by_hash(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<report_share::Model>, DbError> {
    super::unique(
        report_share::Entity::find().filter(report_share::Column::SecretHash.eq(hash)),
        db,
    )
    .await
}

pub async fn list(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Vec<report_share::Model>, DbError> {
    report_share::Entity::find()
        .filter(report_share::Column::RoundId.eq(round_id))
        .order_by_asc(report_share::Column::Id)
        .all(db)
        .await
        .map_err(DbError::classify)
}

pub async fn find(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<report_share::Model>, DbError> {
    report_share::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(DbError::classify)
}

/// Revokes share `id` if it is not revoked yet, in one statement (`... WHERE revoked_at IS
/// NULL`), and returns it as revoked; `None` if it already was, by this request or another.
pub async fn revoke(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<report_share::Model>, DbError> {
    let revoked = report_share::Entity::update_many()
        .col_expr(report_share::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(report_share::Column::Id.eq(id))
        .filter(report_share::Column::RevokedAt.is_null())
        .exec_with_returning(db)
        .await
        .map_err(DbError::classify)?;
    Ok(revoked.into_iter().next())
}
