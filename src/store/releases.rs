//! Releases (issue 28): a round's frozen, numbered publications, and the responses each covers
//! as they were when it was made. Written once, in one transaction, and never changed.

use super::DbError;
use super::benchmarks::Submitted;
use crate::domain::answers::Answers;
use crate::domain::disclosure::releases::Covered;
use crate::domain::peers::OrgAttributes;
use chrono::Utc;
use entity::{release, release_response};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// Rows inserted per statement: 12 parameters each, well within every backend's limit.
const CHUNK: usize = 400;

/// What a new release is made of.
pub struct NewRelease<'a> {
    pub round_id: i32,
    pub made_by: &'a str,
    pub threshold: usize,
    /// Releases of earlier rounds its snapshot is made against.
    pub earlier: &'a [i32],
    /// Every submitted response it covers, with its answers.
    pub responses: &'a [(Submitted, Answers)],
}

/// Stores a release as the round's next number, with its rows. Call it in the write
/// transaction that checked it, after locking the round.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewRelease<'_>,
) -> Result<release::Model, DbError> {
    let last = latest(db, new.round_id).await?.map_or(0, |r| r.number);
    let mut rows = Vec::with_capacity(new.responses.len());
    let mut lines = Vec::with_capacity(new.responses.len());
    for (s, answers) in new.responses {
        // Scores as text that gives back their exact bits (Rust's shortest round-trip form).
        let scores: BTreeMap<&str, String> = s
            .scores
            .iter()
            .map(|(d, v)| (d.as_str(), v.to_string()))
            .collect();
        let (scores, answers) = (to_json(&scores)?, to_json(answers)?);
        let a = &s.attributes;
        lines.push(format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{scores}\t{answers}\n",
            s.code, a.kind, a.region, a.country, a.size_band, s.revision
        ));
        rows.push(release_response::ActiveModel {
            response_id: Set(s.response_id),
            revision: Set(s.revision),
            organisation_id: Set(s.organisation_id),
            code: Set(s.code.clone()),
            name: Set(s.name.clone()),
            kind: Set(a.kind.clone()),
            region: Set(a.region.clone()),
            country: Set(a.country.clone()),
            size_band: Set(a.size_band.clone()),
            scores: Set(scores),
            answers: Set(answers),
            ..Default::default()
        });
    }
    // The digest reads the rows in code order, whatever order they came in.
    lines.sort();
    let mut hash = Sha256::new();
    for line in &lines {
        hash.update(line.as_bytes());
    }
    let made = release::ActiveModel {
        round_id: Set(new.round_id),
        number: Set(last + 1),
        respondents: Set(i32::try_from(new.responses.len()).unwrap_or(i32::MAX)),
        made_by: Set(new.made_by.to_owned()),
        made_at: Set(Utc::now()),
        digest: Set(hex::encode(hash.finalize())),
        threshold: Set(i32::try_from(new.threshold).unwrap_or(i32::MAX)),
        earlier: Set(to_json(&new.earlier)?),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)?;
    for row in &mut rows {
        row.release_id = Set(made.id);
    }
    for chunk in rows.chunks(CHUNK) {
        release_response::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .map_err(DbError::classify)?;
    }
    Ok(made)
}

fn to_json(value: &impl serde::Serialize) -> Result<String, DbError> {
    serde_json::to_string(value)
        .map_err(|e| DbError::Other(sea_orm::DbErr::Custom(format!("a release row: {e}"))))
}

/// The round's latest release, if it has one.
pub async fn latest(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Option<release::Model>, DbError> {
    release::Entity::find()
        .filter(release::Column::RoundId.eq(round_id))
        .order_by_desc(release::Column::Number)
        .limit(1)
        .one(db)
        .await
        .map_err(DbError::classify)
}

/// The latest release of each of `rounds` that has one, by round id, in one query.
pub async fn latest_of(
    db: &impl ConnectionTrait,
    rounds: &[i32],
) -> Result<HashMap<i32, i32>, DbError> {
    if rounds.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, i32, i32)> = release::Entity::find()
        .select_only()
        .column(release::Column::RoundId)
        .column(release::Column::Number)
        .column(release::Column::Id)
        .filter(release::Column::RoundId.is_in(rounds.iter().copied()))
        .order_by_asc(release::Column::Number)
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    // In number order, so the last one seen for a round is its latest.
    Ok(rows.into_iter().map(|(round, _, id)| (round, id)).collect())
}

/// The round's releases, oldest first.
pub async fn of_round(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Vec<release::Model>, DbError> {
    release::Entity::find()
        .filter(release::Column::RoundId.eq(round_id))
        .order_by_asc(release::Column::Number)
        .all(db)
        .await
        .map_err(DbError::classify)
}

/// A release by id.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<release::Model>, DbError> {
    super::unique(release::Entity::find_by_id(id), db).await
}

/// The releases of earlier rounds a release's snapshot was made against.
pub fn earlier_ids(release: &release::Model) -> Result<Vec<i32>, DbError> {
    serde_json::from_str(&release.earlier).map_err(|e| {
        DbError::Other(sea_orm::DbErr::Custom(format!(
            "release {} names its earlier releases badly: {e}",
            release.id
        )))
    })
}

/// Who a release covers, as the check between releases and the disclosure snapshot see them,
/// in organisation id order.
pub async fn covered(db: &impl ConnectionTrait, release_id: i32) -> Result<Vec<Covered>, DbError> {
    let rows: Vec<(i32, i32, String, String, String, String)> = release_response::Entity::find()
        .select_only()
        .column(release_response::Column::OrganisationId)
        .column(release_response::Column::Revision)
        .column(release_response::Column::Kind)
        .column(release_response::Column::Region)
        .column(release_response::Column::Country)
        .column(release_response::Column::SizeBand)
        .filter(release_response::Column::ReleaseId.eq(release_id))
        .order_by_asc(release_response::Column::OrganisationId)
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    Ok(rows
        .into_iter()
        .map(
            |(organisation_id, revision, kind, region, country, size_band)| Covered {
                organisation_id,
                revision,
                attributes: OrgAttributes {
                    kind,
                    region,
                    country,
                    size_band,
                },
            },
        )
        .collect())
}

/// The responses a release covers, as benchmarks read them, in organisation-code order.
pub async fn submitted(
    db: &impl ConnectionTrait,
    release_id: i32,
) -> Result<Vec<Submitted>, DbError> {
    type Row = (
        i32,
        i32,
        i32,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    );
    let rows: Vec<Row> = release_response::Entity::find()
        .select_only()
        .column(release_response::Column::ResponseId)
        .column(release_response::Column::Revision)
        .column(release_response::Column::OrganisationId)
        .column(release_response::Column::Code)
        .column(release_response::Column::Name)
        .column(release_response::Column::Kind)
        .column(release_response::Column::Region)
        .column(release_response::Column::Country)
        .column(release_response::Column::SizeBand)
        .column(release_response::Column::Scores)
        .filter(release_response::Column::ReleaseId.eq(release_id))
        .order_by_asc(release_response::Column::Code)
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    rows.into_iter()
        .map(
            |(id, revision, org, code, name, kind, region, country, size_band, scores)| {
                let scores = parse_scores(id, &scores)?;
                let row = (
                    id, revision, org, code, name, kind, region, country, size_band,
                );
                Ok(Submitted::from_row(row, scores))
            },
        )
        .collect()
}

fn parse_scores(response_id: i32, text: &str) -> Result<BTreeMap<String, f64>, DbError> {
    let bad = |e: String| {
        DbError::Other(sea_orm::DbErr::Custom(format!(
            "the released scores of response {response_id} are not readable: {e}"
        )))
    };
    let texts: BTreeMap<String, String> =
        serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    texts
        .into_iter()
        .map(|(d, v)| Ok((d, v.parse::<f64>().map_err(|e| bad(format!("{v}: {e}")))?)))
        .collect()
}

/// The released answers of the responses `ids` (all it covers when `None`; each of `ids` has an
/// entry), each turned by `convert` as it is read, a chunk of ids at a time.
pub async fn answers_of_as<T>(
    db: &impl ConnectionTrait,
    release_id: i32,
    ids: Option<&[i32]>,
    convert: impl Fn(Answers) -> T,
) -> Result<HashMap<i32, T>, DbError> {
    let query = || {
        release_response::Entity::find()
            .select_only()
            .column(release_response::Column::ResponseId)
            .column(release_response::Column::Answers)
            .filter(release_response::Column::ReleaseId.eq(release_id))
    };
    let mut rows: Vec<(i32, String)> = Vec::new();
    match ids {
        None => {
            rows = query()
                .into_tuple()
                .all(db)
                .await
                .map_err(DbError::classify)?
        }
        Some(ids) => {
            for chunk in ids.chunks(ID_CHUNK) {
                let found: Vec<(i32, String)> = query()
                    .filter(release_response::Column::ResponseId.is_in(chunk.iter().copied()))
                    .into_tuple()
                    .all(db)
                    .await
                    .map_err(DbError::classify)?;
                rows.extend(found);
            }
        }
    }
    let mut out = HashMap::with_capacity(rows.len());
    for (response_id, text) in rows {
        let answers: Answers = serde_json::from_str(&text).map_err(|e| {
            DbError::Other(sea_orm::DbErr::Custom(format!(
                "the released answers of response {response_id} are not readable: {e}"
            )))
        })?;
        out.insert(response_id, convert(answers));
    }
    for id in ids.unwrap_or_default() {
        out.entry(*id).or_insert_with(|| convert(Answers::new()));
    }
    Ok(out)
}

/// Bound parameters per `IN (...)`: well within every backend's limit.
const ID_CHUNK: usize = 500;
