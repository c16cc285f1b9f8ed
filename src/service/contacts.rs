//! An organisation's contacts: who receives its invitations and reminders. Admin operations;
//! each change is audited (the address is personal data, so the audit trail names the contact
//! by id, not by address).

use super::Services;
use super::{ServiceError, record};
use crate::domain::mail::ContactInput;
use crate::store::{DbError, contacts, organisations};
use chrono::{DateTime, Utc};
use serde_json::json;

/// A contact as the front ends show it.
pub struct Contact {
    pub id: i32,
    pub email: String,
    pub name: Option<String>,
    pub role: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<entity::contact::Model> for Contact {
    fn from(c: entity::contact::Model) -> Self {
        Contact {
            id: c.id,
            email: c.email,
            name: c.name,
            role: c.role,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// What an operator gives for a contact, unparsed.
pub struct ContactFields<'a> {
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub role: Option<&'a str>,
}

async fn organisation(
    services: &Services,
    code: &str,
) -> Result<entity::organisation::Model, ServiceError> {
    let code = code.trim().to_ascii_uppercase();
    organisations::find_by_code(&services.db, &code)
        .await?
        .ok_or_else(|| {
            ServiceError::NotFound(format!("There is no organisation with code {code}."))
        })
}

fn parse(fields: &ContactFields<'_>) -> Result<ContactInput, ServiceError> {
    ContactInput::parse(fields.email, fields.name, fields.role)
        .map_err(|issues| ServiceError::rejected("The contact is not valid.", issues))
}

fn duplicate(org: &str, err: DbError) -> ServiceError {
    match err {
        DbError::Conflict(_) => {
            ServiceError::Conflict(format!("{org} already has a contact with that address."))
        }
        other => other.into(),
    }
}

/// The organisation's contacts, oldest first.
pub async fn list(
    services: &Services,
    organisation_code: &str,
) -> Result<Vec<Contact>, ServiceError> {
    let org = organisation(services, organisation_code).await?;
    Ok(contacts::of_organisation(&services.db, org.id)
        .await?
        .into_iter()
        .map(Contact::from)
        .collect())
}

/// Adds a contact. 409 if the organisation has the address already (in any case).
pub async fn add(
    services: &Services,
    actor: &str,
    organisation_code: &str,
    fields: ContactFields<'_>,
) -> Result<Contact, ServiceError> {
    let input = parse(&fields)?;
    let org = organisation(services, organisation_code).await?;
    let tx = services.db.begin_write().await?;
    let created = contacts::create(&*tx, org.id, &input)
        .await
        .map_err(|e| duplicate(&org.code, e))?;
    record(
        &*tx,
        actor,
        "contact.create",
        &format!("{}/{}", org.code, created.id),
        json!({ "role": created.role }),
    )
    .await?;
    tx.commit().await?;
    Ok(created.into())
}

/// Replaces a contact's address, name and role.
pub async fn change(
    services: &Services,
    actor: &str,
    organisation_code: &str,
    id: i32,
    fields: ContactFields<'_>,
) -> Result<Contact, ServiceError> {
    let input = parse(&fields)?;
    let org = organisation(services, organisation_code).await?;
    let tx = services.db.begin_write().await?;
    let existing = contacts::find(&*tx, org.id, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("{} has no contact {id}.", org.code)))?;
    let address_changed = existing.email_key != input.email_key();
    let updated = contacts::update(&*tx, existing, &input)
        .await
        .map_err(|e| duplicate(&org.code, e))?;
    record(
        &*tx,
        actor,
        "contact.update",
        &format!("{}/{}", org.code, id),
        json!({ "address_changed": address_changed, "role": updated.role }),
    )
    .await?;
    tx.commit().await?;
    Ok(updated.into())
}

/// Removes a contact. Messages already sent to it stay in the delivery log.
pub async fn remove(
    services: &Services,
    actor: &str,
    organisation_code: &str,
    id: i32,
) -> Result<(), ServiceError> {
    let org = organisation(services, organisation_code).await?;
    let tx = services.db.begin_write().await?;
    if !contacts::delete(&*tx, org.id, id).await? {
        return Err(ServiceError::NotFound(format!(
            "{} has no contact {id}.",
            org.code
        )));
    }
    record(
        &*tx,
        actor,
        "contact.delete",
        &format!("{}/{}", org.code, id),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds the contacts an organisations import names (`domain::mail::csv_contacts`), in the
/// import's transaction; addresses an organisation already has are skipped. Returns how many
/// were added.
pub async fn add_imported(
    db: &impl sea_orm::ConnectionTrait,
    imported: &[(String, Vec<ContactInput>)],
) -> Result<usize, ServiceError> {
    if imported.is_empty() {
        return Ok(0);
    }
    let codes: Vec<String> = imported.iter().map(|(code, _)| code.clone()).collect();
    let ids: std::collections::HashMap<String, i32> = organisations::find_by_codes(db, &codes)
        .await?
        .into_iter()
        .map(|o| (o.code, o.id))
        .collect();
    let mut added = 0;
    for (code, people) in imported {
        if let Some(id) = ids.get(code) {
            added += contacts::add_missing(db, *id, people).await?;
        }
    }
    Ok(added)
}
