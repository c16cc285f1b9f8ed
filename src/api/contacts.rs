//! `/organisations/{code}/contacts`: the people who receive an organisation's invitations and
//! reminders. Admin only.

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use crate::api::text::Text;
use crate::domain::role::Role;
use crate::service::Services;
use crate::service::contacts::{self, Contact as Stored, ContactFields};
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

#[derive(Default)]
pub struct ContactsApi;

/// A person at an organisation who receives its invitations and reminders.
#[derive(Object)]
pub struct Contact {
    pub id: i32,
    pub email: String,
    #[oai(nullable)]
    pub name: Option<String>,
    /// What they do, e.g. `Head of Communications`.
    #[oai(nullable)]
    pub role: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Stored> for Contact {
    fn from(c: Stored) -> Self {
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

#[derive(Object)]
pub struct ContactInput {
    /// An address such as `comms@trust.example` (no display name).
    #[oai(validator(max_length = 254))]
    pub email: Text,
    #[oai(validator(max_length = 200))]
    pub name: Option<Text>,
    #[oai(validator(max_length = 100))]
    pub role: Option<Text>,
}

impl ContactInput {
    fn fields(&self) -> ContactFields<'_> {
        ContactFields {
            email: &self.email,
            name: self.name.as_deref(),
            role: self.role.as_deref(),
        }
    }
}

#[derive(ApiResponse)]
pub enum Created {
    #[oai(status = 201)]
    Created(Json<Contact>),
}

#[derive(ApiResponse)]
pub enum Removed {
    /// The contact is gone; messages already sent to it stay in the delivery log.
    #[oai(status = 204)]
    Removed,
}

#[OpenApi(tag = "ApiTags::Mail")]
impl ContactsApi {
    /// List an organisation's contacts
    ///
    /// Who may call: admin. Oldest first.
    #[oai(
        path = "/organisations/:code/contacts",
        method = "get",
        operation_id = "list_contacts"
    )]
    async fn list(
        &self,
        auth: ApiKeyAuth,
        services: Data<&Services>,
        code: Path<String>,
    ) -> Answer<Json<Vec<Contact>>, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let found = contacts::list(&services, &code.0).await?;
        Ok(Json(found.into_iter().map(Contact::from).collect()))
    }

    /// Add a contact to an organisation
    ///
    /// Who may call: admin. The address must be one mail can be sent to; an address the
    /// organisation already has (in any case) is a 409.
    #[oai(
        path = "/organisations/:code/contacts",
        method = "post",
        operation_id = "create_contact"
    )]
    async fn create(
        &self,
        auth: ApiKeyAuth,
        services: Data<&Services>,
        code: Path<String>,
        body: Json<ContactInput>,
    ) -> Answer<Created, { ROLE | BODY | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let created = contacts::add(&services, &auth.0.actor(), &code.0, body.0.fields()).await?;
        Ok(Created::Created(Json(created.into())))
    }

    /// Change a contact
    ///
    /// Who may call: admin. Replaces the address, name and role.
    #[oai(
        path = "/organisations/:code/contacts/:id",
        method = "put",
        operation_id = "update_contact"
    )]
    async fn update(
        &self,
        auth: ApiKeyAuth,
        services: Data<&Services>,
        code: Path<String>,
        id: Path<i32>,
        body: Json<ContactInput>,
    ) -> Answer<Json<Contact>, { ROLE | BODY | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let updated =
            contacts::change(&services, &auth.0.actor(), &code.0, id.0, body.0.fields()).await?;
        Ok(Json(updated.into()))
    }

    /// Remove a contact
    ///
    /// Who may call: admin.
    #[oai(
        path = "/organisations/:code/contacts/:id",
        method = "delete",
        operation_id = "delete_contact"
    )]
    async fn delete(
        &self,
        auth: ApiKeyAuth,
        services: Data<&Services>,
        code: Path<String>,
        id: Path<i32>,
    ) -> Answer<Removed, { ROLE | BAD_REQUEST | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        contacts::remove(&services, &auth.0.actor(), &code.0, id.0).await?;
        Ok(Removed::Removed)
    }
}
