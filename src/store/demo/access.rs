//! The demo's keys, respondent link and share link, found by the hash of the secret the demo
//! derives from its seed (revoked or not), made, and made to work again.

use crate::domain::role::Role;
use crate::store::DbError;
use chrono::{DateTime, Utc};
use entity::{api_key, invitation, report_share};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Whether a key, an invitation or a share that the demo derives from its seed is there.
pub enum Found {
    Missing,
    /// There, and working.
    Working,
    /// There, but revoked (or, for a share, expired): by its id.
    Stopped(i32),
}

/// The key with this secret hash, revoked or not.
pub async fn find_key(db: &impl ConnectionTrait, hash: &str) -> Result<Found, DbError> {
    let found = crate::store::unique(
        api_key::Entity::find().filter(api_key::Column::SecretHash.eq(hash)),
        db,
    )
    .await?;
    Ok(match found {
        None => Found::Missing,
        Some(key) if key.revoked_at.is_some() => Found::Stopped(key.id),
        Some(_) => Found::Working,
    })
}

/// Stores a key whose secret the caller chose (the demo's follow from its seed).
pub async fn insert_key(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
    prefix: &str,
    hash: String,
) -> Result<(), DbError> {
    api_key::ActiveModel {
        name: Set(name.to_owned()),
        role: Set(role.as_str().to_owned()),
        prefix: Set(prefix.to_owned()),
        secret_hash: Set(hash),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)?;
    Ok(())
}

/// Makes a revoked key work again.
pub async fn unrevoke_key(db: &impl ConnectionTrait, id: i32) -> Result<(), DbError> {
    api_key::Entity::update_many()
        .col_expr(
            api_key::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(api_key::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}

/// The invitation with this secret hash, revoked or not.
pub async fn find_invitation(db: &impl ConnectionTrait, hash: &str) -> Result<Found, DbError> {
    let found = crate::store::unique(
        invitation::Entity::find().filter(invitation::Column::SecretHash.eq(hash)),
        db,
    )
    .await?;
    Ok(match found {
        None => Found::Missing,
        Some(i) if i.revoked_at.is_some() => Found::Stopped(i.id),
        Some(_) => Found::Working,
    })
}

/// Makes a revoked invitation work again.
pub async fn unrevoke_invitation(db: &impl ConnectionTrait, id: i32) -> Result<(), DbError> {
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(invitation::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}

/// The share with this secret hash; `Stopped` if it is revoked or expired at `now`.
pub async fn find_share(
    db: &impl ConnectionTrait,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Found, DbError> {
    Ok(match crate::store::shares::find_by_hash(db, hash).await? {
        None => Found::Missing,
        Some(s) if s.revoked_at.is_some() || s.expires_at <= now => Found::Stopped(s.id),
        Some(_) => Found::Working,
    })
}

/// A share link whose secret the caller chose.
pub struct NewShare<'a> {
    pub round_id: i32,
    pub organisation_id: i32,
    pub secret_hash: String,
    pub created_by: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_share(db: &impl ConnectionTrait, new: NewShare<'_>) -> Result<(), DbError> {
    report_share::ActiveModel {
        round_id: Set(new.round_id),
        organisation_id: Set(new.organisation_id),
        secret_hash: Set(new.secret_hash),
        created_by: Set(new.created_by.to_owned()),
        created_at: Set(new.created_at),
        expires_at: Set(new.expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)?;
    Ok(())
}

/// Makes a revoked or expired share work again, until `expires_at`.
pub async fn restore_share(
    db: &impl ConnectionTrait,
    id: i32,
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    report_share::Entity::update_many()
        .col_expr(
            report_share::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            report_share::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(expires_at),
        )
        .filter(report_share::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}
