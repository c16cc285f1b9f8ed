//! The audit trail: who did what, when. Written in the same transaction as the change it records,
//! so an action and its record stand or fall together.

use super::DbError;
use chrono::Utc;
use entity::audit_event;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// One action to record. `details` must never hold a secret.
pub struct Event<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Option<String>,
    pub details: serde_json::Value,
}

pub async fn record(db: &impl ConnectionTrait, event: Event<'_>) -> Result<(), DbError> {
    audit_event::ActiveModel {
        occurred_at: Set(Utc::now()),
        actor: Set(event.actor.to_owned()),
        action: Set(event.action.to_owned()),
        subject_type: Set(event.subject_type.to_owned()),
        subject_id: Set(event.subject_id),
        details: Set(event.details.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)?;
    Ok(())
}

/// Newest first, optionally only one action or one subject type.
pub async fn list(
    db: &impl ConnectionTrait,
    action: Option<&str>,
    subject_type: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<audit_event::Model>, u64), DbError> {
    let mut query = audit_event::Entity::find();
    if let Some(action) = action {
        query = query.filter(audit_event::Column::Action.eq(action));
    }
    if let Some(subject_type) = subject_type {
        query = query.filter(audit_event::Column::SubjectType.eq(subject_type));
    }
    let total = query.clone().count(db).await.map_err(DbError::classify)?;
    let items = query
        .order_by_desc(audit_event::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await
        .map_err(DbError::classify)?;
    Ok((items, total))
}
