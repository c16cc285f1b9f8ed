//! Server-side secrets shared by every instance: created by whichever instance starts first.

use super::DbError;
use chrono::Utc;
use entity::app_secret;
use rand::RngCore;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// The secret called `name`, created (32 random bytes) if it does not exist yet. Safe when several
/// instances start at once: the insert does nothing if another got there first.
pub async fn get_or_create(db: &impl ConnectionTrait, name: &str) -> Result<Vec<u8>, DbError> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let candidate = app_secret::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(hex::encode(bytes)),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    app_secret::Entity::insert(candidate)
        .on_conflict_do_nothing_on([app_secret::Column::Name])
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    let stored = app_secret::Entity::find()
        .filter(app_secret::Column::Name.eq(name))
        .one(db)
        .await
        .map_err(DbError::classify)?
        .ok_or_else(|| {
            DbError::Other(sea_orm::DbErr::RecordNotFound(format!("app secret {name}")))
        })?;
    hex::decode(&stored.value)
        .map_err(|e| DbError::Other(sea_orm::DbErr::Custom(format!("app secret {name}: {e}"))))
}
