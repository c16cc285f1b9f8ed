//! The reads behind benchmarks and researchers' tables: a round's submitted responses with their
//! organisations' attributes, scores and answers, in a handful of queries whatever the round's size.

use super::DbError;
use crate::domain::answers::{AnswerValue, Answers};
use crate::domain::peers::OrgAttributes;
use chrono::{DateTime, Utc};
use entity::{answer, invitation, organisation, response, round, score};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SubQueryStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One submitted response of a round, with what benchmarks need about its organisation.
#[derive(Clone, Debug)]
pub struct Submitted {
    pub response_id: i32,
    /// The revision the rest of this record was read at.
    pub revision: i32,
    pub organisation_id: i32,
    pub code: String,
    pub name: String,
    pub attributes: OrgAttributes,
    /// Score by dimension key, `overall` included.
    pub scores: BTreeMap<String, f64>,
}

/// Changes whenever what benchmarks show of a round may have changed; caches compare it to know
/// whether what they hold is still current, on every instance.
///
/// Every write to a response bumps its revision, so a submission (which also adds one to the
/// count) or an amendment raises `revisions`, in whatever order concurrent transactions commit.
/// (A latest-write timestamp would not do: two writers take their clock readings before they
/// commit, so the later commit can carry the earlier time and leave the maximum unchanged.)
/// Organisations' attributes decide peer groups, so an edit of one changes the fingerprint too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub submitted: i64,
    pub revisions: i64,
    pub organisations_changed: Option<DateTime<Utc>>,
}

/// The round's fingerprint, in one query.
pub async fn fingerprint(db: &impl ConnectionTrait, round_id: i32) -> Result<Fingerprint, DbError> {
    let organisations = Query::select()
        .expr(Expr::col(organisation::Column::UpdatedAt).max())
        .from(organisation::Entity)
        .to_owned();
    let row: Option<(i64, Option<i64>, Option<DateTime<Utc>>)> = response::Entity::find()
        .select_only()
        .column_as(Expr::col(response::Column::Id).count(), "submitted")
        .column_as(Expr::col(response::Column::Revision).sum(), "revisions")
        .column_as(
            Expr::SubQuery(
                None,
                Box::new(SubQueryStatement::SelectStatement(organisations)),
            ),
            "organisations_changed",
        )
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq("submitted"))
        .into_tuple()
        .one(db)
        .await
        .map_err(DbError::classify)?;
    let (submitted, revisions, organisations_changed) = row.unwrap_or_default();
    Ok(Fingerprint {
        submitted,
        revisions: revisions.unwrap_or_default(),
        organisations_changed,
    })
}

/// Every submitted response of the round as (response id, revision).
pub async fn submitted_revisions(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Vec<(i32, i32)>, DbError> {
    response::Entity::find()
        .select_only()
        .column(response::Column::Id)
        .column(response::Column::Revision)
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq("submitted"))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)
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
    let score_rows: Vec<(i32, String, f64)> = score::Entity::find()
        .select_only()
        .column(score::Column::ResponseId)
        .column(score::Column::Dimension)
        .column(score::Column::Score)
        .filter(score::Column::RoundId.eq(round_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    let mut out = assemble(rows, score_rows);
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

/// The submitted responses of the round among `ids`, as [`submitted`] reads them (in no order).
pub async fn submitted_among(
    db: &impl ConnectionTrait,
    round_id: i32,
    ids: &[i32],
) -> Result<Vec<Submitted>, DbError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let rows = response::Entity::find()
            .filter(response::Column::RoundId.eq(round_id))
            .filter(response::Column::Status.eq("submitted"))
            .filter(response::Column::Id.is_in(chunk.iter().copied()))
            .find_also_related(organisation::Entity)
            .all(db)
            .await
            .map_err(DbError::classify)?;
        let score_rows: Vec<(i32, String, f64)> = score::Entity::find()
            .select_only()
            .column(score::Column::ResponseId)
            .column(score::Column::Dimension)
            .column(score::Column::Score)
            .filter(score::Column::ResponseId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .map_err(DbError::classify)?;
        out.extend(assemble(rows, score_rows));
    }
    Ok(out)
}

/// Bound parameters per `IN (...)`: well within every backend's limit.
const CHUNK: usize = 500;

fn assemble(
    rows: Vec<(response::Model, Option<organisation::Model>)>,
    score_rows: Vec<(i32, String, f64)>,
) -> Vec<Submitted> {
    let mut scores: HashMap<i32, BTreeMap<String, f64>> = HashMap::new();
    for (response_id, dimension, score) in score_rows {
        scores
            .entry(response_id)
            .or_default()
            .insert(dimension, score);
    }
    rows.into_iter()
        .filter_map(|(r, org)| {
            let org = org?;
            Some(Submitted {
                response_id: r.id,
                revision: r.revision,
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
        .collect()
}

/// The answers of the round's submitted responses, by response id (every submitted response has
/// an entry, empty if it has no answers).
pub async fn submitted_answers(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<HashMap<i32, Answers>, DbError> {
    let ids: Vec<i32> = response::Entity::find()
        .select_only()
        .column(response::Column::Id)
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq("submitted"))
        .into_tuple::<i32>()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    // Only the three columns used: at 10,000 organisations this reads ~450,000 rows.
    let rows: Vec<(i32, String, String)> = answer::Entity::find()
        .select_only()
        .column(answer::Column::ResponseId)
        .column(answer::Column::QuestionKey)
        .column(answer::Column::Value)
        .inner_join(response::Entity)
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq("submitted"))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    Ok(group_answers(ids, rows))
}

/// The answers of the responses `ids`, by response id (each id has an entry).
pub async fn answers_of(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Answers>, DbError> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<(i32, String, String)> = answer::Entity::find()
            .select_only()
            .column(answer::Column::ResponseId)
            .column(answer::Column::QuestionKey)
            .column(answer::Column::Value)
            .filter(answer::Column::ResponseId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .map_err(DbError::classify)?;
        rows.extend(found);
    }
    Ok(group_answers(ids.to_vec(), rows))
}

fn group_answers(ids: Vec<i32>, rows: Vec<(i32, String, String)>) -> HashMap<i32, Answers> {
    let mut out: HashMap<i32, Answers> = ids.into_iter().map(|id| (id, Answers::new())).collect();
    for (response_id, question_key, value) in rows {
        if let Ok(value) = serde_json::from_str::<AnswerValue>(&value) {
            out.entry(response_id)
                .or_default()
                .insert(question_key, value);
        }
    }
    out
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
