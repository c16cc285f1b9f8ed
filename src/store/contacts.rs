//! Contacts: the people at an organisation who receive its invitations and reminders.

use super::DbError;
use crate::domain::mail::ContactInput;
use chrono::{DateTime, Utc};
use entity::contact;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

/// An organisation's contacts, oldest first.
pub async fn of_organisation(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<Vec<contact::Model>, DbError> {
    contact::Entity::find()
        .filter(contact::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(contact::Column::Id)
        .all(db)
        .await
        .map_err(DbError::classify)
}

/// The contacts of many organisations at once, by organisation id (oldest first within each).
pub async fn of_organisations(
    db: &impl ConnectionTrait,
    organisation_ids: &[i32],
) -> Result<HashMap<i32, Vec<contact::Model>>, DbError> {
    let mut found: HashMap<i32, Vec<contact::Model>> = HashMap::new();
    for chunk in organisation_ids.chunks(500) {
        for c in contact::Entity::find()
            .filter(contact::Column::OrganisationId.is_in(chunk.iter().copied()))
            .order_by_asc(contact::Column::Id)
            .all(db)
            .await
            .map_err(DbError::classify)?
        {
            found.entry(c.organisation_id).or_default().push(c);
        }
    }
    Ok(found)
}

/// One contact of one organisation.
pub async fn find(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    id: i32,
) -> Result<Option<contact::Model>, DbError> {
    super::unique(
        contact::Entity::find()
            .filter(contact::Column::Id.eq(id))
            .filter(contact::Column::OrganisationId.eq(organisation_id)),
        db,
    )
    .await
}

/// Adds a contact; an address the organisation already has (in any case) is a
/// [`DbError::Conflict`].
pub async fn create(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    input: &ContactInput,
) -> Result<contact::Model, DbError> {
    new_row(organisation_id, input, Utc::now())
        .insert(db)
        .await
        .map_err(DbError::classify)
}

/// The row of a new contact of `organisation_id`, made at `at` (the address kept as given and
/// as the case-folded key that makes it unique per organisation).
pub(super) fn new_row(
    organisation_id: i32,
    input: &ContactInput,
    at: DateTime<Utc>,
) -> contact::ActiveModel {
    contact::ActiveModel {
        organisation_id: Set(organisation_id),
        email: Set(input.email.clone()),
        email_key: Set(input.email_key()),
        name: Set(input.name.clone()),
        role: Set(input.role.clone()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
}

/// Adds the contacts an organisations import names, skipping addresses the organisation already
/// has; returns how many were added.
pub async fn add_missing(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    inputs: &[ContactInput],
) -> Result<usize, DbError> {
    let existing: std::collections::HashSet<String> = of_organisation(db, organisation_id)
        .await?
        .into_iter()
        .map(|c| c.email_key)
        .collect();
    let mut added = 0;
    let mut seen = existing;
    for input in inputs {
        if seen.insert(input.email_key()) {
            create(db, organisation_id, input).await?;
            added += 1;
        }
    }
    Ok(added)
}

/// Replaces a contact's address, name and role.
pub async fn update(
    db: &impl ConnectionTrait,
    existing: contact::Model,
    input: &ContactInput,
) -> Result<contact::Model, DbError> {
    let mut active: contact::ActiveModel = existing.into();
    active.email = Set(input.email.clone());
    active.email_key = Set(input.email_key());
    active.name = Set(input.name.clone());
    active.role = Set(input.role.clone());
    active.updated_at = Set(Utc::now());
    active.update(db).await.map_err(DbError::classify)
}

/// Removes a contact; returns whether there was one.
pub async fn delete(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    id: i32,
) -> Result<bool, DbError> {
    let result = contact::Entity::delete_many()
        .filter(contact::Column::Id.eq(id))
        .filter(contact::Column::OrganisationId.eq(organisation_id))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(result.rows_affected > 0)
}
