//! The reads behind benchmarks and researchers' tables: a round's submitted responses with their
//! organisations' attributes, scores and answers, in a handful of queries whatever the round's size.

use super::DbError;
use crate::domain::answers::{AnswerValue, Answers};
use crate::domain::peers::OrgAttributes;
use crate::domain::response::ResponseStatus;
use entity::{answer, organisation, response, score};
use futures_util::StreamExt;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SubQueryStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, StreamTrait,
};
use std::collections::{BTreeMap, HashMap};

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
/// Organisations' attributes decide peer groups, so every edit of one raises
/// `organisation_revisions` the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub submitted: i64,
    pub revisions: i64,
    pub organisation_revisions: i64,
}

/// The round's fingerprint, in one query.
pub async fn fingerprint(db: &impl ConnectionTrait, round_id: i32) -> Result<Fingerprint, DbError> {
    let organisations = Query::select()
        .expr(Expr::col(organisation::Column::Revision).sum())
        .from(organisation::Entity)
        .to_owned();
    let row: Option<(i64, Option<i64>, Option<i64>)> = response::Entity::find()
        .select_only()
        .column_as(Expr::col(response::Column::Id).count(), "submitted")
        .column_as(Expr::col(response::Column::Revision).sum(), "revisions")
        .column_as(
            Expr::SubQuery(
                None,
                Box::new(SubQueryStatement::SelectStatement(organisations)),
            ),
            "organisation_revisions",
        )
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq(SUBMITTED))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?
        .into_iter()
        .next();
    let (submitted, revisions, organisation_revisions) = row.unwrap_or_default();
    Ok(Fingerprint {
        submitted,
        revisions: revisions.unwrap_or_default(),
        organisation_revisions: organisation_revisions.unwrap_or_default(),
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
        .filter(response::Column::Status.eq(SUBMITTED))
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
    let rows = submitted_rows()
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq(SUBMITTED))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    let score_rows: Vec<(i32, String)> = scores_by_response(db)
        .filter(score::Column::RoundId.eq(round_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    let mut out = assemble(rows, score_rows)?;
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
        let rows = submitted_rows()
            .filter(response::Column::RoundId.eq(round_id))
            .filter(response::Column::Status.eq(SUBMITTED))
            .filter(response::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .map_err(DbError::classify)?;
        let score_rows: Vec<(i32, String)> = scores_by_response(db)
            .filter(score::Column::ResponseId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .map_err(DbError::classify)?;
        out.extend(assemble(rows, score_rows)?);
    }
    Ok(out)
}

/// Bound parameters per `IN (...)`: well within every backend's limit.
const CHUNK: usize = 500;

/// The stored status of a response that counts in the benchmarks.
pub(super) const SUBMITTED: &str = ResponseStatus::Submitted.as_str();

/// A submitted response's row: response id, revision, and its organisation's id, code, name,
/// kind, region, country and size band.
pub(super) type SubmittedRow = (
    i32,
    i32,
    i32,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// Only the columns benchmarks use (no timestamps to parse), from responses joined with their
/// organisations.
fn submitted_rows() -> sea_orm::Select<response::Entity> {
    response::Entity::find()
        .select_only()
        .column(response::Column::Id)
        .column(response::Column::Revision)
        .column(organisation::Column::Id)
        .column(organisation::Column::Code)
        .column(organisation::Column::Name)
        .column(organisation::Column::Kind)
        .column(organisation::Column::Region)
        .column(organisation::Column::Country)
        .column(organisation::Column::SizeBand)
        .inner_join(organisation::Entity)
}

/// Scores as one row per response: its id and its scores as one JSON object (dimension to
/// score), built by the database. SQLite's driver hands rows over from its own thread one at a
/// time, so 8 rows a response cost more than the JSON does (a round's first read took ~300 ms).
/// Each score travels as text that gives back its exact bits: SQLite's JSON writes 15
/// significant digits (`printf('%!.17g')` writes enough), PostgreSQL's float8 text is the
/// shortest exact form (sqlx sets extra_float_digits), and Rust's parse rounds correctly, which
/// serde_json's default does not promise.
fn scores_by_response(db: &impl ConnectionTrait) -> sea_orm::Select<score::Entity> {
    let key = Expr::col((score::Entity, score::Column::Dimension));
    let value = Expr::col((score::Entity, score::Column::Score));
    let object = match db.get_database_backend() {
        DbBackend::Postgres => Func::cust("json_object_agg")
            .arg(key)
            .arg(value.cast_as("text"))
            .cast_as("text"),
        _ => Func::cust("json_group_object")
            .arg(key)
            .arg(Func::cust("printf").arg("%!.17g").arg(value))
            .into(),
    };
    score::Entity::find()
        .select_only()
        .column(score::Column::ResponseId)
        .column_as(object, "scores")
        .group_by(score::Column::ResponseId)
}

fn assemble(
    rows: Vec<SubmittedRow>,
    score_rows: Vec<(i32, String)>,
) -> Result<Vec<Submitted>, DbError> {
    let mut scores: HashMap<i32, BTreeMap<String, f64>> = HashMap::with_capacity(score_rows.len());
    for (response_id, object) in score_rows {
        let bad = |e: String| {
            DbError::Other(sea_orm::DbErr::Custom(format!(
                "the scores of response {response_id} did not come back as expected: {e}"
            )))
        };
        let texts: BTreeMap<String, String> =
            serde_json::from_str(&object).map_err(|e| bad(e.to_string()))?;
        let parsed = texts
            .into_iter()
            .map(|(dimension, text)| {
                let score = text
                    .parse::<f64>()
                    .map_err(|e| bad(format!("{text}: {e}")))?;
                Ok((dimension, score))
            })
            .collect::<Result<BTreeMap<String, f64>, DbError>>()?;
        scores.insert(response_id, parsed);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let scores = scores.remove(&row.0).unwrap_or_default();
            Submitted::from_row(row, scores)
        })
        .collect())
}

impl Submitted {
    /// A response's row as [`submitted_rows`] selects it (here or from a release), with its
    /// scores.
    pub(super) fn from_row(row: SubmittedRow, scores: BTreeMap<String, f64>) -> Self {
        let (response_id, revision, organisation_id, code, name, kind, region, country, size_band) =
            row;
        Submitted {
            response_id,
            revision,
            organisation_id,
            attributes: OrgAttributes {
                kind,
                region,
                country,
                size_band,
            },
            code,
            name,
            scores,
        }
    }
}

/// The answers of the round's submitted responses, by response id (every submitted response has
/// an entry, empty if it has no answers), each turned by `convert` as soon as it is read, so
/// that the round's answers as maps are never all in memory at once.
pub async fn submitted_answers_as<T: Default>(
    db: &(impl ConnectionTrait + StreamTrait),
    round_id: i32,
    convert: impl Fn(Answers) -> T,
) -> Result<HashMap<i32, T>, DbError> {
    let ids: Vec<i32> = response::Entity::find()
        .select_only()
        .column(response::Column::Id)
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq(SUBMITTED))
        .into_tuple::<i32>()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    let mut out: HashMap<i32, T> = ids
        .into_iter()
        .map(|id| (id, convert(Answers::new())))
        .collect();
    // Streamed: each response's row is parsed and dropped as it arrives, so the round's raw
    // rows are never all in memory at once next to what they become.
    let mut rows = answers_by_response(db)
        .inner_join(response::Entity)
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq(SUBMITTED))
        .into_tuple::<(i32, String)>()
        .stream(db)
        .await
        .map_err(DbError::classify)?;
    while let Some(row) = rows.next().await {
        let (response_id, object) = row.map_err(DbError::classify)?;
        out.insert(response_id, convert(parse_answers(response_id, &object)?));
    }
    Ok(out)
}

/// The answers of the responses `ids` (each has an entry, empty if it has no answers).
pub async fn answers_of(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Answers>, DbError> {
    answers_of_as(db, ids, |answers| answers).await
}

/// As [`answers_of`], each response's answers turned by `convert` as they are read, a chunk at
/// a time.
pub async fn answers_of_as<T>(
    db: &impl ConnectionTrait,
    ids: &[i32],
    convert: impl Fn(Answers) -> T,
) -> Result<HashMap<i32, T>, DbError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<(i32, String)> = answers_by_response(db)
            .filter(answer::Column::ResponseId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .map_err(DbError::classify)?;
        for (response_id, object) in found {
            out.insert(response_id, convert(parse_answers(response_id, &object)?));
        }
    }
    for id in ids {
        out.entry(*id).or_insert_with(|| convert(Answers::new()));
    }
    Ok(out)
}

/// Answers as one row per response: its id and its answers as one JSON object (question key to
/// the stored JSON value), built by the database. A round of 10,000 responses is then 10,000
/// rows rather than ~450,000, which is most of the cost of reading it (and of the memory that
/// reading takes) on both backends.
fn answers_by_response(db: &impl ConnectionTrait) -> sea_orm::Select<answer::Entity> {
    let key = Expr::col((answer::Entity, answer::Column::QuestionKey));
    let value = Expr::col((answer::Entity, answer::Column::Value));
    let object = match db.get_database_backend() {
        DbBackend::Postgres => Func::cust("json_object_agg")
            .arg(key)
            .arg(value.cast_as("json"))
            .cast_as("text"),
        _ => Func::cust("json_group_object")
            .arg(key)
            .arg(Func::cust("json").arg(value))
            .into(),
    };
    answer::Entity::find()
        .select_only()
        .column(answer::Column::ResponseId)
        .column_as(object, "answers")
        .group_by(answer::Column::ResponseId)
}

/// One response's answers from the JSON object the database built. A stored value that is not a
/// valid answer is left out, as nothing can be shown of it (the strict parse covers the usual
/// case in one pass).
fn parse_answers(response_id: i32, object: &str) -> Result<Answers, DbError> {
    if let Ok(answers) = serde_json::from_str::<Answers>(object) {
        return Ok(answers);
    }
    let values: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(object).map_err(|e| {
            DbError::Other(sea_orm::DbErr::Custom(format!(
                "the answers of response {response_id} did not come back as JSON: {e}"
            )))
        })?;
    Ok(values
        .into_iter()
        .filter_map(|(key, value)| Some((key, serde_json::from_value::<AnswerValue>(value).ok()?)))
        .collect())
}
