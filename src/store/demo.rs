//! The demo's writes and reads: rows in bulk (the demo seeds up to 100,000 organisations, so
//! its rows go in a few INSERTs of many rows each), the counts it prints, and the keys and links
//! it makes whole again on every run (`access`). Only `service::demo` calls these.

pub mod access;

use super::DbError;
use crate::domain::answers::AnswerValue;
use crate::domain::mail::ContactInput;
use crate::domain::response::ResponseStatus;
use crate::domain::round::RoundStatus;
use chrono::{DateTime, Utc};
use entity::{answer, invitation, organisation, response, round, score};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
};

/// Rows per INSERT: well within every backend's limit on bound parameters.
const CHUNK_ROWS: usize = 500;

/// A round as the demo writes it: already in its final state, with the dates it would have had.
pub struct DemoRound<'a> {
    pub survey_id: i32,
    pub survey_version_id: i32,
    pub code: &'a str,
    pub name: &'a str,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub status: RoundStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Inserts the round and returns its id.
pub async fn insert_round(db: &impl ConnectionTrait, new: DemoRound<'_>) -> Result<i32, DbError> {
    let model = round::ActiveModel {
        survey_id: Set(new.survey_id),
        survey_version_id: Set(new.survey_version_id),
        code: Set(new.code.to_owned()),
        name: Set(new.name.to_owned()),
        opens_at: Set(new.opens_at),
        closes_at: Set(new.closes_at),
        status: Set(new.status.as_str().to_owned()),
        created_at: Set(new.created_at),
        updated_at: Set(new.updated_at),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)?;
    Ok(model.id)
}

/// An invitation of one organisation to a round, by the hash of its secret.
pub struct NewInvitation {
    pub round_id: i32,
    pub organisation_id: i32,
    pub secret_hash: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_invitations(
    db: &impl ConnectionTrait,
    rows: &[NewInvitation],
) -> Result<(), DbError> {
    let models = rows.iter().map(|r| invitation::ActiveModel {
        round_id: Set(r.round_id),
        organisation_id: Set(r.organisation_id),
        secret_hash: Set(r.secret_hash.clone()),
        created_at: Set(r.created_at),
        revoked_at: Set(None),
        ..Default::default()
    });
    insert_chunked(db, models).await
}

/// Each organisation's contacts, as `(organisation id, contact)`, added when the organisations are.
pub async fn insert_contacts(
    db: &impl ConnectionTrait,
    rows: &[(i32, ContactInput)],
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let models = rows
        .iter()
        .map(|(organisation_id, c)| super::contacts::new_row(*organisation_id, c, at));
    insert_chunked(db, models).await
}

/// A response as it stands after the respondent's last save (or submission).
pub struct NewResponse {
    pub round_id: i32,
    pub organisation_id: i32,
    pub status: ResponseStatus,
    pub revision: i32,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<String>,
}

/// Inserts the responses in one INSERT (the caller keeps batches small) and returns each new
/// response's id by its organisation's id.
pub async fn insert_responses(
    db: &impl ConnectionTrait,
    rows: &[NewResponse],
) -> Result<Vec<(i32, i32)>, DbError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let models = rows.iter().map(|r| response::ActiveModel {
        round_id: Set(r.round_id),
        organisation_id: Set(r.organisation_id),
        status: Set(r.status.as_str().to_owned()),
        revision: Set(r.revision),
        started_at: Set(r.started_at),
        updated_at: Set(r.updated_at),
        submitted_at: Set(r.submitted_at),
        submitted_by: Set(r.submitted_by.clone()),
        ..Default::default()
    });
    let inserted = response::Entity::insert_many(models)
        .exec_with_returning(db)
        .await
        .map_err(DbError::classify)?;
    Ok(inserted
        .into_iter()
        .map(|r| (r.organisation_id, r.id))
        .collect())
}

/// One answer of a response.
pub struct NewAnswer<'a> {
    pub response_id: i32,
    pub question_key: &'a str,
    pub value: &'a AnswerValue,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert_answers(
    db: &impl ConnectionTrait,
    rows: &[NewAnswer<'_>],
) -> Result<(), DbError> {
    let models = rows
        .iter()
        .map(|a| {
            Ok(answer::ActiveModel {
                response_id: Set(a.response_id),
                question_key: Set(a.question_key.to_owned()),
                value: Set(serde_json::to_string(a.value)
                    .map_err(|e| DbError::Other(sea_orm::DbErr::Custom(e.to_string())))?),
                updated_at: Set(a.updated_at),
                ..Default::default()
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    insert_chunked(db, models).await
}

/// One score of a submitted response: a dimension's, or `overall`.
pub struct NewScore<'a> {
    pub response_id: i32,
    pub round_id: i32,
    pub dimension: &'a str,
    pub score: f64,
    pub level: i32,
}

pub async fn insert_scores(
    db: &impl ConnectionTrait,
    rows: &[NewScore<'_>],
) -> Result<(), DbError> {
    let models = rows.iter().map(|s| score::ActiveModel {
        response_id: Set(s.response_id),
        round_id: Set(s.round_id),
        dimension: Set(s.dimension.to_owned()),
        score: Set(s.score),
        level: Set(s.level),
        ..Default::default()
    });
    insert_chunked(db, models).await
}

/// Inserts `rows` in INSERTs of at most [`CHUNK_ROWS`] rows.
async fn insert_chunked<A>(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = A>,
) -> Result<(), DbError>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter();
    loop {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK_ROWS).collect();
        if chunk.is_empty() {
            return Ok(());
        }
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await
            .map_err(DbError::classify)?;
    }
}

/// How many organisations the database holds.
pub async fn count_organisations(db: &impl ConnectionTrait) -> Result<u64, DbError> {
    organisation::Entity::find()
        .count(db)
        .await
        .map_err(DbError::classify)
}

/// How many answers the database holds, in every round.
pub async fn count_answers(db: &impl ConnectionTrait) -> Result<u64, DbError> {
    answer::Entity::find()
        .count(db)
        .await
        .map_err(DbError::classify)
}

/// How many organisations hold an unrevoked invitation to the round.
pub async fn count_invited(db: &impl ConnectionTrait, round_id: i32) -> Result<u64, DbError> {
    invitation::Entity::find()
        .filter(invitation::Column::RoundId.eq(round_id))
        .filter(invitation::Column::RevokedAt.is_null())
        .select_only()
        .column(invitation::Column::OrganisationId)
        .distinct()
        .count(db)
        .await
        .map_err(DbError::classify)
}

/// How many of the round's responses are in this state.
pub async fn count_responses(
    db: &impl ConnectionTrait,
    round_id: i32,
    status: ResponseStatus,
) -> Result<u64, DbError> {
    response::Entity::find()
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq(status.as_str()))
        .count(db)
        .await
        .map_err(DbError::classify)
}

/// The scores of one dimension (or `overall`) of every scored response in the round.
pub async fn dimension_scores(
    db: &impl ConnectionTrait,
    round_id: i32,
    dimension: &str,
) -> Result<Vec<f64>, DbError> {
    score::Entity::find()
        .filter(score::Column::RoundId.eq(round_id))
        .filter(score::Column::Dimension.eq(dimension))
        .select_only()
        .column(score::Column::Score)
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)
}
