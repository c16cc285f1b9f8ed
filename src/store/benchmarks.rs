//! The reads behind benchmarks and researchers' tables: a round's submitted responses with their
//! organisations' attributes, scores and answers, in a handful of queries whatever the round's size.

use super::DbError;
use crate::domain::answers::{AnswerValue, Answers};
use crate::domain::peers::OrgAttributes;
use chrono::{DateTime, Utc};
use entity::{answer, invitation, organisation, response, round, score};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One submitted response of a round, with what benchmarks need about its organisation.
#[derive(Clone, Debug)]
pub struct Submitted {
    pub response_id: i32,
    pub organisation_id: i32,
    pub code: String,
    pub name: String,
    pub attributes: OrgAttributes,
    /// Score by dimension key, `overall` included.
    pub scores: BTreeMap<String, f64>,
}

/// Changes whenever a response of the round is submitted or a submitted one amended (both bump
/// `updated_at`; a new submission also the count); caches compare it to know
/// whether what they hold is still current, on every instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub submitted: u64,
    pub latest_write: Option<DateTime<Utc>>,
}

pub async fn fingerprint(db: &impl ConnectionTrait, round_id: i32) -> Result<Fingerprint, DbError> {
    let submitted = response::Entity::find()
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq("submitted"))
        .count(db)
        .await
        .map_err(DbError::classify)?;
    let latest: Option<DateTime<Utc>> = response::Entity::find()
        .select_only()
        .column_as(response::Column::UpdatedAt.max(), "latest")
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq("submitted"))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await
        .map_err(DbError::classify)?
        .flatten();
    Ok(Fingerprint {
        submitted,
        latest_write: latest,
    })
}

/// Every submitted response of the round with its organisation and scores, in organisation-code order.
pub async fn submitted(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Vec<Submitted>, DbError> {
    let rows = response::Entity::find()
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq("submitted"))
        .find_also_related(organisation::Entity)
        .all(db)
        .await
        .map_err(DbError::classify)?;
    let mut scores: HashMap<i32, BTreeMap<String, f64>> = HashMap::new();
    let score_rows = score::Entity::find()
        .filter(score::Column::RoundId.eq(round_id))
        .all(db)
        .await
        .map_err(DbError::classify)?;
    for s in score_rows {
        scores
            .entry(s.response_id)
            .or_default()
            .insert(s.dimension, s.score);
    }
    let mut out: Vec<Submitted> = rows
        .into_iter()
        .filter_map(|(r, org)| {
            let org = org?;
            Some(Submitted {
                response_id: r.id,
                organisation_id: org.id,
                attributes: OrgAttributes {
                    kind: org.kind.clone(),
                    region: org.region.clone(),
                    country: org.country.clone(),
                    size_band: org.size_band.clone(),
                },
                code: org.code,
                name: org.name,
                scores: scores.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

/// The answers of the round's submitted responses, by response id.
pub async fn submitted_answers(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<HashMap<i32, Answers>, DbError> {
    let ids: HashSet<i32> = response::Entity::find()
        .select_only()
        .column(response::Column::Id)
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq("submitted"))
        .into_tuple::<i32>()
        .all(db)
        .await
        .map_err(DbError::classify)?
        .into_iter()
        .collect();
    let rows = answer::Entity::find()
        .inner_join(response::Entity)
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq("submitted"))
        .all(db)
        .await
        .map_err(DbError::classify)?;
    let mut out: HashMap<i32, Answers> = ids.into_iter().map(|id| (id, Answers::new())).collect();
    for row in rows {
        if let Ok(value) = serde_json::from_str::<AnswerValue>(&row.value) {
            out.entry(row.response_id)
                .or_default()
                .insert(row.question_key, value);
        }
    }
    Ok(out)
}

/// How far a round has got: organisations invited (ever), started and submitted, by organisation.
pub struct Progress {
    pub invited: HashSet<i32>,
    pub started: HashSet<i32>,
    pub submitted: HashSet<i32>,
}

pub async fn progress(db: &impl ConnectionTrait, round_id: i32) -> Result<Progress, DbError> {
    let invited = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::OrganisationId)
        .filter(invitation::Column::RoundId.eq(round_id))
        .into_tuple::<i32>()
        .all(db)
        .await
        .map_err(DbError::classify)?
        .into_iter()
        .collect();
    let responses: Vec<(i32, String)> = response::Entity::find()
        .select_only()
        .column(response::Column::OrganisationId)
        .column(response::Column::Status)
        .filter(response::Column::RoundId.eq(round_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    let started = responses.iter().map(|(id, _)| *id).collect();
    let submitted = responses
        .iter()
        .filter(|(_, s)| s == "submitted")
        .map(|(id, _)| *id)
        .collect();
    Ok(Progress {
        invited,
        started,
        submitted,
    })
}

/// The round of the same survey that opened most recently before this one.
pub async fn previous_round(
    db: &impl ConnectionTrait,
    current: &round::Model,
) -> Result<Option<round::Model>, DbError> {
    round::Entity::find()
        .filter(round::Column::SurveyId.eq(current.survey_id))
        .filter(round::Column::OpensAt.lt(current.opens_at))
        .order_by_desc(round::Column::OpensAt)
        .one(db)
        .await
        .map_err(DbError::classify)
}

/// Attributes of the given organisations, by id.
pub async fn attributes(
    db: &impl ConnectionTrait,
    ids: &HashSet<i32>,
) -> Result<HashMap<i32, OrgAttributes>, DbError> {
    let ids: Vec<i32> = ids.iter().copied().collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let orgs = organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .map_err(DbError::classify)?;
        for org in orgs {
            out.insert(
                org.id,
                OrgAttributes {
                    kind: org.kind,
                    region: org.region,
                    country: org.country,
                    size_band: org.size_band,
                },
            );
        }
    }
    Ok(out)
}
