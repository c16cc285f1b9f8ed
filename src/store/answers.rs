//! A response's answers: read (alone, or with the response in one query) and written as the
//! difference between two answer sets.

use super::DbError;
use crate::domain::answers::{AnswerValue, Answers};
use chrono::{DateTime, Utc};
use entity::{answer, response};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Statement,
};
use std::collections::BTreeMap;

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

/// An organisation's response in a round and its answers, in one query: the answers come
/// aggregated into one JSON object of question key to stored value (`json_object_agg` on
/// PostgreSQL, `json_group_object` on SQLite) beside the response's columns. A join would repeat
/// (and the driver decode) the response's columns on every answer's row; two queries cost a
/// round trip more on every respondent page and submission.
pub async fn find_with_answers(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
) -> Result<(Option<response::Model>, Answers), DbError> {
    let backend = db.get_database_backend();
    let select = response::Entity::find()
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::OrganisationId.eq(organisation_id))
        .expr_as(Expr::cust(aggregate(backend)), STORED_ANSWERS)
        .build(backend);
    let Some(row) = db.query_one_raw(select).await.map_err(DbError::classify)? else {
        return Ok((None, Answers::new()));
    };
    let response = response::Model::from_query_result(&row, "").map_err(DbError::classify)?;
    let answers = stored_answers(&row, response.id)?;
    Ok((Some(response), answers))
}

/// The column under which [`aggregate`] hands the answers over.
pub(super) const STORED_ANSWERS: &str = "stored_answers";

/// A subquery for a select over `responses`: the row's answers as one JSON object of question
/// key to stored value (NULL or `{}` when there are none).
pub(super) fn aggregate(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            r#"(SELECT json_object_agg(a.question_key, a.value)::text FROM answers a WHERE a.response_id = "responses"."id")"#
        }
        _ => {
            r#"(SELECT json_group_object(a.question_key, a.value) FROM answers a WHERE a.response_id = "responses"."id")"#
        }
    }
}

/// The answers [`aggregate`] put in `row`, of response `response_id`.
pub(super) fn stored_answers(
    row: &sea_orm::QueryResult,
    response_id: i32,
) -> Result<Answers, DbError> {
    let stored: Option<String> = row.try_get("", STORED_ANSWERS).map_err(DbError::classify)?;
    let stored: BTreeMap<String, String> = match stored {
        Some(text) => serde_json::from_str(&text).map_err(|e| {
            DbError::Other(sea_orm::DbErr::Custom(format!(
                "the answers of response {response_id} could not be read: {e}"
            )))
        })?,
        None => BTreeMap::new(),
    };
    stored
        .into_iter()
        .map(|(question_key, value)| parse_answer_value(response_id, question_key, &value))
        .collect()
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
