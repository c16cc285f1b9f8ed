//! `/rounds`: fieldings of a published survey version. Admins create them and open, close and
//! reopen them; researchers may read them.

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use crate::api::text::Text;
use crate::domain::role::Role;
use crate::domain::round::RoundAction;
use crate::service::Services;
use crate::service::rounds::{self, RoundView};
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

#[derive(Default)]
pub struct RoundsApi;

/// A round: one fielding of one published survey version.
#[derive(Object)]
pub struct Round {
    /// Unique code, e.g. `smm-2026`.
    pub code: String,
    pub name: String,
    /// The survey's slug.
    pub survey: String,
    /// The published version of the survey this round uses.
    pub version: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// `draft` (being prepared), `open` (accepting responses until `closes_at`) or `closed`.
    pub status: String,
    /// Whether respondents can save and submit right now: open, and before `closes_at`.
    pub accepting_responses: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct NewRound {
    /// Lower-case letters, digits and hyphens, e.g. `smm-2026`.
    #[oai(validator(max_length = 200))]
    pub code: Text,
    #[oai(validator(max_length = 1000))]
    pub name: Text,
    /// The survey's slug.
    #[oai(validator(max_length = 200))]
    pub survey: Text,
    /// A published version of that survey.
    pub version: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

/// Changes to a round; absent fields keep their value.
#[derive(Object)]
pub struct RoundChanges {
    #[oai(validator(max_length = 1000))]
    #[oai(nullable)]
    pub name: Option<Text>,
    #[oai(nullable)]
    pub opens_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub closes_at: Option<DateTime<Utc>>,
}

#[derive(ApiResponse)]
pub enum RoundCreated {
    /// The round was created, in status `draft`.
    #[oai(status = 201)]
    Created(Json<Round>),
}

#[OpenApi(tag = "ApiTags::Rounds")]
impl RoundsApi {
    /// Create a round
    ///
    /// Who may call: admin. The survey version must be published; `closes_at` must follow
    /// `opens_at`. The round starts as a draft: invite organisations, then open it.
    #[oai(path = "/rounds", method = "post", operation_id = "create_round")]
    async fn create(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        body: Json<NewRound>,
    ) -> Answer<RoundCreated, { ROLE | BODY | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let b = body.0;
        let new = rounds::NewRound {
            code: b.code.into(),
            name: b.name.into(),
            survey: b.survey.into(),
            version: b.version,
            opens_at: b.opens_at,
            closes_at: b.closes_at,
        };
        let created = rounds::create(&state, &auth.0.actor(), new).await?;
        Ok(RoundCreated::Created(Json(created.into())))
    }

    /// List rounds
    ///
    /// Who may call: admin or researcher. In the order they open.
    #[oai(path = "/rounds", method = "get", operation_id = "list_rounds")]
    async fn list(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        /// Only rounds of this survey (slug).
        survey: Query<Option<String>>,
    ) -> Answer<Json<Vec<Round>>, { KEY }> {
        auth.0.require(Role::Researcher)?;
        let found = rounds::list(&state, survey.0.as_deref()).await?;
        Ok(Json(found.into_iter().map(Round::from).collect()))
    }

    /// Get a round
    ///
    /// Who may call: admin or researcher.
    #[oai(path = "/rounds/:code", method = "get", operation_id = "get_round")]
    async fn get(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
    ) -> Answer<Json<Round>, { KEY | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        Ok(Json(rounds::get(&state, &code.0).await?.into()))
    }

    /// Update a round's name or window
    ///
    /// Who may call: admin. A closed round can be given a later `closes_at` and then reopened.
    #[oai(
        path = "/rounds/:code",
        method = "patch",
        operation_id = "update_round"
    )]
    async fn update(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
        body: Json<RoundChanges>,
    ) -> Answer<Json<Round>, { ROLE | BODY | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let c = body.0;
        let changes = rounds::RoundChanges {
            name: c.name.map(String::from),
            opens_at: c.opens_at,
            closes_at: c.closes_at,
        };
        let saved = rounds::update(&state, &auth.0.actor(), &code.0, changes).await?;
        Ok(Json(saved.into()))
    }

    /// Open a round
    ///
    /// Who may call: admin. Draft to open. Respondents can answer from `opens_at` until `closes_at`.
    #[oai(
        path = "/rounds/:code/open",
        method = "post",
        operation_id = "open_round"
    )]
    async fn open(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
    ) -> Answer<Json<Round>, { ROLE | NOT_FOUND | CONFLICT }> {
        transition(&auth, &state, &code.0, RoundAction::Open).await
    }

    /// Close a round
    ///
    /// Who may call: admin. Open to closed: no more saves or submissions.
    #[oai(
        path = "/rounds/:code/close",
        method = "post",
        operation_id = "close_round"
    )]
    async fn close(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
    ) -> Answer<Json<Round>, { ROLE | NOT_FOUND | CONFLICT }> {
        transition(&auth, &state, &code.0, RoundAction::Close).await
    }

    /// Reopen a round
    ///
    /// Who may call: admin. Closed to open (move `closes_at` first if it has passed).
    #[oai(
        path = "/rounds/:code/reopen",
        method = "post",
        operation_id = "reopen_round"
    )]
    async fn reopen(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
    ) -> Answer<Json<Round>, { ROLE | NOT_FOUND | CONFLICT }> {
        transition(&auth, &state, &code.0, RoundAction::Reopen).await
    }
}

/// Open, close or reopen, for an admin; two requests that race get one success and one 409.
async fn transition(
    auth: &ApiKeyAuth,
    state: &Services,
    code: &str,
    action: RoundAction,
) -> Answer<Json<Round>, { ROLE | NOT_FOUND | CONFLICT }> {
    auth.0.require(Role::Admin)?;
    let saved = rounds::transition(state, &auth.0.actor(), code, action).await?;
    Ok(Json(saved.into()))
}

impl From<RoundView> for Round {
    fn from(v: RoundView) -> Self {
        let r = v.round;
        Round {
            accepting_responses: v.accepting_responses,
            code: r.code,
            name: r.name,
            survey: v.survey,
            version: v.version,
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            status: v.status.as_str().to_owned(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
