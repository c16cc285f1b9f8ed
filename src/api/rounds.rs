//! `/rounds`: fieldings of a published survey version. Admins create them and open, close and
//! reopen them; researchers may read them.

use super::ApiTags;
use super::audit::record;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::problem::{ApiError, ApiResult, FieldError};
use crate::domain::role::Role;
use crate::domain::round::{RoundAction, accepting_responses};
use crate::service::Services;
use crate::store::{DbError, rounds, surveys};
use chrono::{DateTime, Utc};
use entity::round;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use sea_orm::{ConnectionTrait, Set, TransactionTrait};
use serde_json::json;

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
    pub code: String,
    #[oai(validator(max_length = 1000))]
    pub name: String,
    /// The survey's slug.
    #[oai(validator(max_length = 200))]
    pub survey: String,
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
    pub name: Option<String>,
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
        let code = b.code.trim().to_owned();
        let name = b.name.trim().to_owned();
        let mut errors = Vec::new();
        if !valid_code(&code) {
            errors.push(FieldError::new("code", "must be lower-case letters, digits and hyphens, starting with a letter or digit (at most 64)"));
        }
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(FieldError::new("name", "must be 1 to 200 characters"));
        }
        if b.closes_at <= b.opens_at {
            errors.push(FieldError::new("closes_at", "must be after opens_at"));
        }
        let survey = surveys::find(&state.db.conn, b.survey.trim()).await?;
        let version = match &survey {
            Some(s) => surveys::find_version(&state.db.conn, s.id, b.version).await?,
            None => {
                errors.push(FieldError::new(
                    "survey",
                    format!("there is no survey {}", b.survey.trim()),
                ));
                None
            }
        };
        match &version {
            Some(v) => {
                if let Err(refused) = surveys::status(v)?.fieldable() {
                    let sentence = refused.about(&format!("version {}", v.version));
                    errors.push(FieldError::new("version", sentence.trim_end_matches('.')));
                }
            }
            None if survey.is_some() => errors.push(FieldError::new(
                "version",
                format!("the survey has no version {}", b.version),
            )),
            _ => {}
        }
        let (Some(survey), Some(version)) = (survey, version) else {
            return Err(ApiError::validation("The round is not valid.", errors).into());
        };
        if !errors.is_empty() {
            return Err(ApiError::validation("The round is not valid.", errors).into());
        }
        let tx = state.db.conn.begin().await.map_err(DbError::classify)?;
        let created = rounds::create(
            &tx,
            rounds::NewRound {
                survey_id: survey.id,
                survey_version_id: version.id,
                code: &code,
                name: &name,
                opens_at: b.opens_at,
                closes_at: b.closes_at,
            },
        )
        .await
        .map_err(|e| match e {
            DbError::Conflict(_) => {
                ApiError::conflict(format!("A round with code {code} already exists."))
            }
            other => other.into(),
        })?;
        record(
            &tx,
            &auth.0,
            "round.create",
            Some(code.clone()),
            json!({ "survey": survey.slug, "version": version.version }),
        )
        .await?;
        tx.commit().await.map_err(DbError::classify)?;
        Ok(RoundCreated::Created(Json(
            describe(&state.db.conn, created).await?,
        )))
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
        let survey_id = match survey.0 {
            Some(slug) => match surveys::find(&state.db.conn, &slug).await? {
                Some(s) => Some(s.id),
                None => return Ok(Json(vec![])),
            },
            None => None,
        };
        let mut out = Vec::new();
        for r in rounds::list(&state.db.conn, survey_id).await? {
            out.push(describe(&state.db.conn, r).await?);
        }
        Ok(Json(out))
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
        let found = find_round(&state, &code.0).await?;
        Ok(Json(describe(&state.db.conn, found).await?))
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
        let found = find_round(&state, &code.0).await?;
        let c = body.0;
        let name = c
            .name
            .map(|n| n.trim().to_owned())
            .unwrap_or_else(|| found.name.clone());
        let opens_at = c.opens_at.unwrap_or(found.opens_at);
        let closes_at = c.closes_at.unwrap_or(found.closes_at);
        let mut errors = Vec::new();
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(FieldError::new("name", "must be 1 to 200 characters"));
        }
        if closes_at <= opens_at {
            errors.push(FieldError::new("closes_at", "must be after opens_at"));
        }
        if !errors.is_empty() {
            return Err(ApiError::validation("The changes are not valid.", errors).into());
        }
        let round_code = found.code.clone();
        let mut active: round::ActiveModel = found.into();
        active.name = Set(name);
        active.opens_at = Set(opens_at);
        active.closes_at = Set(closes_at);
        let tx = state.db.conn.begin().await.map_err(DbError::classify)?;
        let saved = rounds::save(&tx, active).await?;
        record(
            &tx,
            &auth.0,
            "round.update",
            Some(round_code),
            json!({ "opens_at": opens_at, "closes_at": closes_at }),
        )
        .await?;
        tx.commit().await.map_err(DbError::classify)?;
        Ok(Json(describe(&state.db.conn, saved).await?))
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
        Ok(transition(&auth, &state, &code.0, RoundAction::Open).await?)
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
        Ok(transition(&auth, &state, &code.0, RoundAction::Close).await?)
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
        Ok(transition(&auth, &state, &code.0, RoundAction::Reopen).await?)
    }
}

/// Applies `action` to the round if its state allows it. The status is read, the domain decides,
/// and the store writes only if the status is still the one read; if another request moved the
/// round in between, this one answers 409 naming the state the round is in now.
async fn transition(
    auth: &ApiKeyAuth,
    state: &Services,
    code: &str,
    action: RoundAction,
) -> ApiResult<Json<Round>> {
    auth.0.require(Role::Admin)?;
    let found = find_round(state, code).await?;
    let from = rounds::status(&found)?;
    let subject = format!("Round {}", found.code);
    let to = from
        .apply(action, found.closes_at, Utc::now())
        .map_err(|refused| ApiError::conflict(refused.about(&subject)))?;
    let tx = state.db.begin_write().await?;
    let Some(saved) = rounds::transition(&*tx, found.id, from, to).await? else {
        drop(tx);
        let now = find_round(state, code).await?;
        return Err(ApiError::conflict(format!(
            "{subject} was {from} when this request read it, but another request moved it \
             first (it is now {}); nothing was done.",
            now.status
        )));
    };
    record(
        &*tx,
        &auth.0,
        &format!("round.{}", action.as_str()),
        Some(saved.code.clone()),
        json!({ "from": from.as_str(), "to": to.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(describe(&state.db.conn, saved).await?))
}

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub async fn find_round(state: &Services, code: &str) -> ApiResult<round::Model> {
    rounds::find(&state.db.conn, code)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no round {code}.")))
}

async fn describe(db: &impl ConnectionTrait, r: round::Model) -> ApiResult<Round> {
    let survey = surveys::find_by_id(db, r.survey_id)
        .await?
        .map(|s| s.slug)
        .unwrap_or_default();
    let version = surveys::find_version_by_id(db, r.survey_version_id)
        .await?
        .map(|v| v.version)
        .unwrap_or_default();
    Ok(Round {
        accepting_responses: accepting_responses(
            rounds::status(&r)?,
            r.opens_at,
            r.closes_at,
            Utc::now(),
        ),
        code: r.code,
        name: r.name,
        survey,
        version,
        opens_at: r.opens_at,
        closes_at: r.closes_at,
        status: r.status,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}
