//! Report share links: a board member opens one organisation's report without a key until the
//! link expires or is revoked. Only the secret's hash is stored.

use super::DbError;
use crate::domain::secret::Secret;
use chrono::{DateTime, Utc};
use entity::report_share;
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

/// Revokes a share; returns it as revoked (unchanged if it already was).
pub async fn revoke(
    db: &impl ConnectionTrait,
    share: report_share::Model,
) -> Result<report_share::Model, DbError> {
    if share.revoked_at.is_some() {
        return Ok(share);
    }
    let mut active: report_share::ActiveModel = share.into();
    active.revoked_at = Set(Some(Utc::now()));
    active.update(db).await.map_err(DbError::classify)
}
