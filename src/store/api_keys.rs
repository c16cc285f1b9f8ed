//! API keys: created by the CLI, checked on every `/api/v1` request.

use super::DbError;
use crate::domain::{role::Role, secret::Secret};
use chrono::Utc;
use entity::api_key;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// A key as the rest of the application sees it (never with its hash).
#[derive(Clone, Debug)]
pub struct ApiKey {
    pub id: i32,
    pub name: String,
    pub role: Role,
    pub prefix: String,
    pub created_at: chrono::DateTime<Utc>,
    pub last_used_at: Option<chrono::DateTime<Utc>>,
    pub revoked_at: Option<chrono::DateTime<Utc>>,
}

impl TryFrom<api_key::Model> for ApiKey {
    type Error = DbError;

    fn try_from(m: api_key::Model) -> Result<Self, DbError> {
        let role = m
            .role
            .parse()
            .map_err(|e: String| DbError::Other(sea_orm::DbErr::Custom(e)))?;
        Ok(ApiKey {
            id: m.id,
            name: m.name,
            role,
            prefix: m.prefix,
            created_at: m.created_at,
            last_used_at: m.last_used_at,
            revoked_at: m.revoked_at,
        })
    }
}

/// Stores a new key and returns it with its secret, which is shown once and never again.
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
) -> Result<(ApiKey, Secret), DbError> {
    let secret = Secret::generate("snd_");
    let model = api_key::ActiveModel {
        name: Set(name.to_owned()),
        role: Set(role.as_str().to_owned()),
        prefix: Set(secret.prefix()),
        secret_hash: Set(secret.hash()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)?;
    Ok((model.try_into()?, secret))
}

/// The unrevoked key whose hash matches, if any.
pub async fn find_active_by_hash(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<ApiKey>, DbError> {
    let found = super::unique(
        api_key::Entity::find()
            .filter(api_key::Column::SecretHash.eq(hash))
            .filter(api_key::Column::RevokedAt.is_null()),
        db,
    )
    .await?;
    found.map(ApiKey::try_from).transpose()
}

/// Records when a key was last used. Best effort: callers ignore a failure here.
pub async fn touch(db: &impl ConnectionTrait, id: i32) -> Result<(), DbError> {
    api_key::Entity::update_many()
        .col_expr(
            api_key::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(api_key::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<ApiKey>, DbError> {
    api_key::Entity::find()
        .order_by_asc(api_key::Column::Id)
        .all(db)
        .await
        .map_err(DbError::classify)?
        .into_iter()
        .map(ApiKey::try_from)
        .collect()
}

/// Revokes the key with this id or prefix. Returns the key, or `None` if there is no such key.
pub async fn revoke(
    db: &impl ConnectionTrait,
    id_or_prefix: &str,
) -> Result<Option<ApiKey>, DbError> {
    let query = match id_or_prefix.parse::<i32>() {
        Ok(id) => api_key::Entity::find_by_id(id),
        Err(_) => api_key::Entity::find().filter(api_key::Column::Prefix.eq(id_or_prefix)),
    };
    let Some(found) = query.one(db).await.map_err(DbError::classify)? else {
        return Ok(None);
    };
    if found.revoked_at.is_some() {
        return Ok(Some(found.try_into()?));
    }
    let mut active: api_key::ActiveModel = found.into();
    active.revoked_at = Set(Some(Utc::now()));
    let updated = active.update(db).await.map_err(DbError::classify)?;
    Ok(Some(updated.try_into()?))
}
