//! Responses and their scores (their answers: `store::answers`). Every write checks the revision
//! the writer read (optimistic concurrency): two saves of one response never silently overwrite
//! each other.

use super::DbError;
use crate::domain::answers::Answers;
use crate::domain::definition::Definition;
use crate::domain::response::ResponseStatus;
use crate::domain::scoring::ScoreCard;
use chrono::{DateTime, Utc};
use entity::{response, score};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TryInsertResult};

/// The key under which the overall score is stored beside the dimension scores.
pub const OVERALL: &str = "overall";

/// The response's status as stored.
pub fn status(response: &response::Model) -> Result<ResponseStatus, DbError> {
    Ok(ResponseStatus::parse(&response.status)?)
}

pub async fn find(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
) -> Result<Option<response::Model>, DbError> {
    super::unique(
        response::Entity::find()
            .filter(response::Column::RoundId.eq(round_id))
            .filter(response::Column::OrganisationId.eq(organisation_id)),
        db,
    )
    .await
}

/// What a write found.
pub enum Write {
    Done(response::Model),
    /// Someone else wrote first: the response is now at `current_revision`.
    Stale {
        current_revision: i32,
    },
}

/// Makes `new` the response's answers if it is still at `expected_revision` (0: not started yet),
/// bumping the revision. Only the answers that changed are written. With `submitted_by`, the
/// same statement also marks the response submitted, as a save followed by a submission would
/// (two revisions), for a client that sends a whole response at once.
pub async fn save(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
    expected_revision: i32,
    (old, new): (&Answers, &Answers),
    submitted_by: Option<&str>,
    saved_by: &str,
) -> Result<Write, DbError> {
    let now = Utc::now();
    let (status, revisions) = match submitted_by {
        Some(_) => (ResponseStatus::Submitted, 2),
        None => (ResponseStatus::InProgress, 1),
    };
    let saved = if expected_revision == 0 {
        match insert_first(
            db,
            (round_id, organisation_id),
            status,
            revisions,
            now,
            submitted_by,
        )
        .await?
        {
            Some(model) => model,
            None => return stale(db, round_id, organisation_id).await,
        }
    } else {
        let bumped = bump(
            db,
            (round_id, organisation_id),
            expected_revision,
            revisions,
            now,
            submitted_by,
        )
        .await?;
        match bumped {
            Write::Done(model) => model,
            stale => return Ok(stale),
        }
    };
    super::answers::write_answers(db, saved.id, (old, new), now, saved_by).await?;
    Ok(Write::Done(saved))
}

/// Creates the response (at `revisions`) unless another writer created it first, in which case
/// nothing is written (and, on PostgreSQL, the transaction is not spoilt by an error): `None`.
pub(super) async fn insert_first(
    db: &impl ConnectionTrait,
    (round_id, organisation_id): (i32, i32),
    status: ResponseStatus,
    revisions: i32,
    now: DateTime<Utc>,
    submitted_by: Option<&str>,
) -> Result<Option<response::Model>, DbError> {
    let inserted = response::Entity::insert(response::ActiveModel {
        round_id: Set(round_id),
        organisation_id: Set(organisation_id),
        status: Set(status.as_str().to_owned()),
        revision: Set(revisions),
        started_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(submitted_by.map(|_| now)),
        submitted_by: Set(submitted_by.map(str::to_owned)),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([response::Column::RoundId, response::Column::OrganisationId])
    // `_many`: on a conflict RETURNING gives no row, which the single-row form reports as an
    // error rather than as a conflict.
    .exec_with_returning_many(db)
    .await
    .map_err(DbError::classify)?;
    Ok(match inserted {
        TryInsertResult::Inserted(mut rows) if !rows.is_empty() => Some(rows.swap_remove(0)),
        _ => None,
    })
}

/// Marks the response submitted at `expected_revision`, bumping the revision, and stores its scores.
pub async fn submit(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
    expected_revision: i32,
    submitted_by: &str,
    definition: &Definition,
    card: &ScoreCard,
) -> Result<Write, DbError> {
    let now = Utc::now();
    let done = bump(
        db,
        (round_id, organisation_id),
        expected_revision,
        1,
        now,
        Some(submitted_by),
    )
    .await?;
    if let Write::Done(model) = &done {
        replace_scores(db, model, definition, card).await?;
    }
    Ok(done)
}

/// Stores a response's scores, replacing any earlier ones (an amendment re-scores). A round's
/// definition never changes once responses exist, so a response is always scored on the same
/// dimensions and one upsert replaces every earlier score.
pub async fn replace_scores(
    db: &impl ConnectionTrait,
    response: &response::Model,
    definition: &Definition,
    card: &ScoreCard,
) -> Result<(), DbError> {
    let rows: Vec<score::ActiveModel> = score_rows(definition, card)
        .into_iter()
        .map(|(dimension, value, level)| score::ActiveModel {
            response_id: Set(response.id),
            round_id: Set(response.round_id),
            dimension: Set(dimension),
            score: Set(value),
            level: Set(level),
            ..Default::default()
        })
        .collect();
    score::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([score::Column::ResponseId, score::Column::Dimension])
                .update_columns([score::Column::Score, score::Column::Level])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}

/// The rows a score card is stored as: (dimension, score, level) for each dimension, and the
/// overall score under [`OVERALL`].
pub fn score_rows(definition: &Definition, card: &ScoreCard) -> Vec<(String, f64, i32)> {
    let level = |l: u32| i32::try_from(l).unwrap_or(i32::MAX);
    card.dimensions
        .iter()
        .map(|d| (d.dimension.clone(), d.score, level(d.level)))
        .chain([(
            OVERALL.to_owned(),
            card.overall,
            level(definition.level_number_for(card.overall)),
        )])
        .collect()
}

/// The stored scores of a response, by dimension key (`overall` included).
pub async fn scores(
    db: &impl ConnectionTrait,
    response_id: i32,
) -> Result<Vec<score::Model>, DbError> {
    score::Entity::find()
        .filter(score::Column::ResponseId.eq(response_id))
        .all(db)
        .await
        .map_err(DbError::classify)
}

/// `UPDATE ... SET revision = revision + n WHERE revision = expected`: the database decides who
/// wins when two writers race, so neither can overwrite the other unseen.
async fn bump(
    db: &impl ConnectionTrait,
    (round_id, organisation_id): (i32, i32),
    expected_revision: i32,
    revisions: i32,
    now: DateTime<Utc>,
    submitted_by: Option<&str>,
) -> Result<Write, DbError> {
    let mut update = response::Entity::update_many()
        .col_expr(
            response::Column::Revision,
            Expr::col(response::Column::Revision).add(revisions),
        )
        .col_expr(response::Column::UpdatedAt, Expr::value(now))
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::OrganisationId.eq(organisation_id))
        .filter(response::Column::Revision.eq(expected_revision));
    if let Some(who) = submitted_by {
        update = update
            .col_expr(
                response::Column::Status,
                Expr::value(ResponseStatus::Submitted.as_str()),
            )
            .col_expr(response::Column::SubmittedAt, Expr::value(now))
            .col_expr(response::Column::SubmittedBy, Expr::value(who));
    }
    // RETURNING hands back the updated row in the same round trip.
    let updated = update
        .exec_with_returning(db)
        .await
        .map_err(DbError::classify)?;
    match updated.into_iter().next() {
        Some(model) => Ok(Write::Done(model)),
        None => stale(db, round_id, organisation_id).await,
    }
}

async fn stale(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
) -> Result<Write, DbError> {
    let current_revision = find(db, round_id, organisation_id)
        .await?
        .map_or(0, |r| r.revision);
    Ok(Write::Stale { current_revision })
}
