//! Responses, their answers and their scores. Every write checks the revision the writer read
//! (optimistic concurrency): two saves of one response never silently overwrite each other.

use super::DbError;
use crate::domain::answers::{AnswerValue, Answers};
use crate::domain::definition::Definition;
use crate::domain::response::ResponseStatus;
use crate::domain::scoring::ScoreCard;
use chrono::{DateTime, Utc};
use entity::{answer, response, score};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, Statement, TryInsertResult,
};

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

/// The stored answers of a response, by question key.
pub async fn answers(db: &impl ConnectionTrait, response_id: i32) -> Result<Answers, DbError> {
    let rows = answer::Entity::find()
        .filter(answer::Column::ResponseId.eq(response_id))
        .order_by_asc(answer::Column::QuestionKey)
        .all(db)
        .await
        .map_err(DbError::classify)?;
    parse_answers(response_id, rows)
}

/// An organisation's response in a round and its answers. Two lean queries rather than one
/// join: a join repeats (and the driver decodes) the response's columns on every answer's row.
pub async fn find_with_answers(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
) -> Result<(Option<response::Model>, Answers), DbError> {
    let Some(response) = find(db, round_id, organisation_id).await? else {
        return Ok((None, Answers::new()));
    };
    let rows: Vec<(String, String)> = answer::Entity::find()
        .select_only()
        .column(answer::Column::QuestionKey)
        .column(answer::Column::Value)
        .filter(answer::Column::ResponseId.eq(response.id))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    let answers = rows
        .into_iter()
        .map(|(question_key, value)| parse_answer_value(response.id, question_key, &value))
        .collect::<Result<Answers, DbError>>()?;
    Ok((Some(response), answers))
}

fn parse_answer_value(
    response_id: i32,
    question_key: String,
    value: &str,
) -> Result<(String, AnswerValue), DbError> {
    let value: AnswerValue = serde_json::from_str(value).map_err(|e| {
        DbError::Other(sea_orm::DbErr::Custom(format!(
            "stored answer {question_key} of response {response_id} is not valid: {e}"
        )))
    })?;
    Ok((question_key, value))
}

fn parse_answers(response_id: i32, rows: Vec<answer::Model>) -> Result<Answers, DbError> {
    rows.into_iter()
        .map(|row| parse_answer_value(response_id, row.question_key, &row.value))
        .collect()
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
    write_answers(db, saved.id, (old, new), now, saved_by).await?;
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
    let mut rows: Vec<score::ActiveModel> = card
        .dimensions
        .iter()
        .map(|d| score::ActiveModel {
            response_id: Set(response.id),
            round_id: Set(response.round_id),
            dimension: Set(d.dimension.clone()),
            score: Set(d.score),
            level: Set(i32::try_from(d.level).unwrap_or(i32::MAX)),
            ..Default::default()
        })
        .collect();
    rows.push(score::ActiveModel {
        response_id: Set(response.id),
        round_id: Set(response.round_id),
        dimension: Set(OVERALL.to_owned()),
        score: Set(card.overall),
        level: Set(i32::try_from(definition.level_number_for(card.overall)).unwrap_or(i32::MAX)),
        ..Default::default()
    });
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

/// Writes the difference between two answer sets: removed keys deleted, changed ones upserted
/// and marked as saved by `saved_by` (`lead`, `delegate:<id>`).
///
/// The changed answers travel as one JSON parameter (question key to stored value) that the
/// database unpacks (`json_each_text` on PostgreSQL, `json_each` on SQLite), so the statement
/// has the same text and four parameters however many answers change: prepared once per
/// connection, where a multi-row `VALUES` was a new statement of up to 500 parameters for each
/// count of answers, built value by value (one load-bench run: one-request submissions on
/// PostgreSQL 1154/s -> 1215/s, about the run-to-run noise; README, "Performance").
pub async fn write_answers(
    db: &impl ConnectionTrait,
    response_id: i32,
    (old, new): (&Answers, &Answers),
    now: DateTime<Utc>,
    saved_by: &str,
) -> Result<(), DbError> {
    let removed: Vec<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    if !removed.is_empty() {
        answer::Entity::delete_many()
            .filter(answer::Column::ResponseId.eq(response_id))
            .filter(answer::Column::QuestionKey.is_in(removed.into_iter().cloned()))
            .exec(db)
            .await
            .map_err(DbError::classify)?;
    }
    let changed: serde_json::Map<String, serde_json::Value> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| {
            let stored = serde_json::to_string(v).unwrap_or_default();
            (k.clone(), serde_json::Value::String(stored))
        })
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => UPSERT_ANSWERS_POSTGRES,
        _ => UPSERT_ANSWERS_SQLITE,
    };
    let changed = serde_json::Value::Object(changed).to_string();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [
            response_id.into(),
            now.into(),
            saved_by.into(),
            changed.into(),
        ],
    ))
    .await
    .map_err(DbError::classify)?;
    Ok(())
}

const UPSERT_ANSWERS_POSTGRES: &str = "INSERT INTO answers \
    (response_id, question_key, value, updated_at, saved_by) \
    SELECT $1::int4, j.key, j.value, $2::timestamptz, $3::text FROM json_each_text($4::json) AS j \
    ON CONFLICT (response_id, question_key) DO UPDATE SET \
    value = excluded.value, updated_at = excluded.updated_at, saved_by = excluded.saved_by";

/// `WHERE true` tells SQLite's parser that `ON CONFLICT` belongs to the `INSERT`, not the join.
const UPSERT_ANSWERS_SQLITE: &str = "INSERT INTO answers \
    (response_id, question_key, value, updated_at, saved_by) \
    SELECT ?, j.key, j.value, ?, ? FROM json_each(?) AS j WHERE true \
    ON CONFLICT (response_id, question_key) DO UPDATE SET \
    value = excluded.value, updated_at = excluded.updated_at, saved_by = excluded.saved_by";
