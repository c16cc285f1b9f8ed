//! `/rounds/{code}/delegations`: the operator's view of several colleagues per organisation
//! (issue 21). Admin only, like the invitation list: its rows are per organisation.

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use crate::domain::role::Role;
use crate::service::Services;
use crate::service::delegations;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

#[derive(Default)]
pub struct RoundDelegationsApi;

/// A round's delegations.
#[derive(Object)]
pub struct RoundDelegations {
    /// Organisations whose lead has handed sections to colleagues.
    pub organisations_delegating: usize,
    /// People answering across those organisations (each lead and colleague).
    pub people: usize,
    pub organisations: Vec<OrganisationDelegation>,
}

/// One organisation whose lead has handed sections to colleagues.
#[derive(Object)]
pub struct OrganisationDelegation {
    pub organisation: String,
    pub organisation_name: String,
    /// The lead and each colleague with a working link.
    pub people: usize,
    pub sections: Vec<SectionWait>,
}

/// A section handed to a colleague: whom it waits on, and whether they marked it ready.
#[derive(Object)]
pub struct SectionWait {
    pub section: String,
    /// The colleague's id (their e-mail address is not shown).
    pub delegate: i32,
    pub delegate_name: String,
    pub ready: bool,
}

#[OpenApi(tag = "ApiTags::Invitations")]
impl RoundDelegationsApi {
    /// List a round's delegations
    ///
    /// Who may call: admin. Per organisation with colleagues on its active invitation: how many
    /// people answer, and which sections wait on whom. Revoked or reissued invitations' colleagues
    /// are not counted (their links no longer work).
    #[oai(
        path = "/rounds/:code/delegations",
        method = "get",
        operation_id = "list_round_delegations"
    )]
    async fn list(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
    ) -> Answer<Json<RoundDelegations>, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let rows = delegations::of_round(&state, &code.0).await?;
        let organisations: Vec<OrganisationDelegation> = rows
            .into_iter()
            .map(|r| OrganisationDelegation {
                organisation: r.organisation,
                organisation_name: r.organisation_name,
                people: r.people,
                sections: r
                    .sections
                    .into_iter()
                    .map(|(section, delegate, delegate_name, ready)| SectionWait {
                        section,
                        delegate,
                        delegate_name,
                        ready,
                    })
                    .collect(),
            })
            .collect();
        Ok(Json(RoundDelegations {
            organisations_delegating: organisations.len(),
            people: organisations.iter().map(|o| o.people).sum(),
            organisations,
        }))
    }
}
