//! The audit trail: who did what, when. Written in the same transaction as the change it records,
//! so an action and its record stand or fall together.

use super::DbError;
use chrono::Utc;
use entity::audit_event;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// One action to record. `details` must never hold a secret.
pub struct Event<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Option<String>,
    pub details: serde_json::Value,
}

/// Writes the event; nothing is read back (the details can be large: a submission's answers).
pub async fn record(db: &impl ConnectionTrait, event: Event<'_>) -> Result<(), DbError> {
    let row = audit_event::ActiveModel {
        occurred_at: Set(Utc::now()),
        actor: Set(event.actor.to_owned()),
        action: Set(event.action.to_owned()),
        subject_type: Set(event.subject_type.to_owned()),
        subject_id: Set(event.subject_id),
        details: Set(event.details.to_string()),
        ..Default::default()
    };
    audit_event::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}

/// Newest first, optionally only one action or one subject type.
/// Which events [`list`] returns: each field given narrows them.
#[derive(Clone, Copy, Debug, Default)]
pub struct EventFilter<'a> {
    pub action: Option<&'a str>,
    pub subject_type: Option<&'a str>,
    pub actor: Option<&'a str>,
    /// Events at or after this time.
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Events before this time.
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &EventFilter<'_>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<audit_event::Model>, u64), DbError> {
    let mut query = audit_event::Entity::find();
    if let Some(action) = filter.action {
        query = query.filter(audit_event::Column::Action.eq(action));
    }
    if let Some(subject_type) = filter.subject_type {
        query = query.filter(audit_event::Column::SubjectType.eq(subject_type));
    }
    if let Some(actor) = filter.actor {
        query = query.filter(audit_event::Column::Actor.eq(actor));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_event::Column::OccurredAt.gte(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_event::Column::OccurredAt.lt(until));
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
