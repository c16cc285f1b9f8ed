//! `/rounds/{code}/releases`: a round's results are published as frozen, numbered releases
//! (issue 28). Admins make them once a round is closed; researchers and admins list them.

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use crate::domain::role::Role;
use crate::service::Services;
use crate::service::records::Release as Stored;
use crate::service::releases;
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

#[derive(Default)]
pub struct ReleasesApi;

/// A release: the round's results frozen at one moment. Every figure, table, export, benchmark
/// and report about the round reads its latest release.
#[derive(Object)]
pub struct Release {
    /// The round's code.
    pub round: String,
    /// 1 for the first release of the round, then 2, 3 ... for corrections.
    pub number: i32,
    /// How many submitted responses it covers.
    pub respondents: i32,
    /// The disclosure threshold k it was made under.
    pub threshold: i32,
    pub made_at: DateTime<Utc>,
    /// Hex SHA-256 over its rows: the same release reads the same on every server.
    pub digest: String,
}

#[derive(ApiResponse)]
pub enum ReleaseMade {
    /// The release was made and is now what the round publishes.
    #[oai(status = 201)]
    Created(Json<Release>),
}

#[OpenApi(tag = "ApiTags::Rounds")]
impl ReleasesApi {
    /// Release a round's results
    ///
    /// Who may call: admin. Freezes the closed round's submitted responses, with the
    /// organisations' attributes as they are now, as the round's next release; from then on
    /// every output about the round reads it, whatever happens to the data later. 409 while the
    /// round is not closed, and when a further release would differ from an earlier one by 1 to
    /// k − 1 organisations in some group (the detail names the group); the earlier release then
    /// stays published.
    #[oai(
        path = "/rounds/:code/releases",
        method = "post",
        operation_id = "create_release"
    )]
    async fn create(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
    ) -> Answer<ReleaseMade, { ROLE | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let made = releases::make(&state, &auth.0.actor(), &code.0).await?;
        Ok(ReleaseMade::Created(Json(view(&code.0, made))))
    }

    /// List a round's releases
    ///
    /// Who may call: researcher or admin. Oldest first; the last is what the round publishes.
    #[oai(
        path = "/rounds/:code/releases",
        method = "get",
        operation_id = "list_releases"
    )]
    async fn list(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
    ) -> Answer<Json<Vec<Release>>, { KEY | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        let (round, made) = releases::list(&state, &code.0).await?;
        Ok(Json(
            made.into_iter().map(|r| view(&round.code, r)).collect(),
        ))
    }
}

fn view(round: &str, r: Stored) -> Release {
    Release {
        round: round.to_owned(),
        number: r.number,
        respondents: r.respondents,
        threshold: r.threshold,
        made_at: r.made_at,
        digest: r.digest,
    }
}
