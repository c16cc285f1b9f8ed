//! What a submission (or an amendment of a submitted response) records beside the response and
//! its answers: which sections were saved at which revision, the scores, and the audit event.
//! On PostgreSQL the three are one statement (a data-modifying `WITH`), so a submission makes
//! two round trips fewer; SQLite has no such statement, and writes them one after another, as
//! the separate store functions do.

use super::{DbError, audit, response_sections, responses};
use crate::domain::definition::Definition;
use crate::domain::scoring::ScoreCard;
use chrono::{DateTime, Utc};
use entity::response;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::collections::BTreeSet;

/// Everything [`record`] writes for one submitted response.
pub struct Submitted<'a> {
    pub response: &'a response::Model,
    /// The sections the submission saved, marked at the response's revision.
    pub sections: &'a BTreeSet<String>,
    /// `lead` or `delegate:<id>`.
    pub saved_by: &'a str,
    pub now: DateTime<Utc>,
    pub definition: &'a Definition,
    pub card: &'a ScoreCard,
    pub event: audit::Event<'a>,
}

/// Within the caller's transaction: marks the sections, replaces the scores and records the
/// event.
pub async fn record(db: &impl ConnectionTrait, s: Submitted<'_>) -> Result<(), DbError> {
    // JSON has no NaN or infinity: a card with one (none is expected) takes the separate path.
    let finite =
        s.card.overall.is_finite() && s.card.dimensions.iter().all(|d| d.score.is_finite());
    if db.get_database_backend() != DbBackend::Postgres || !finite {
        let id = s.response.id;
        response_sections::mark(db, id, s.sections, s.response.revision, s.saved_by, s.now).await?;
        responses::replace_scores(db, s.response, s.definition, s.card).await?;
        return audit::record(db, s.event).await;
    }
    let sections: Vec<&String> = s.sections.iter().collect();
    let scores: Vec<serde_json::Value> = responses::score_rows(s.definition, s.card)
        .into_iter()
        .map(|(dimension, score, level)| {
            serde_json::json!({ "dimension": dimension, "score": score, "level": level })
        })
        .collect();
    let values: [sea_orm::Value; 13] = [
        s.response.id.into(),
        s.response.revision.into(),
        s.saved_by.into(),
        s.now.into(),
        serde_json::to_string(&sections).unwrap_or_default().into(),
        s.response.round_id.into(),
        serde_json::Value::Array(scores).to_string().into(),
        Utc::now().into(),
        s.event.actor.into(),
        s.event.action.into(),
        s.event.subject_type.into(),
        s.event.subject_id.into(),
        s.event.details.to_string().into(),
    ];
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        RECORD_POSTGRES,
        values,
    ))
    .await
    .map_err(DbError::classify)?;
    Ok(())
}

/// The statement `record` runs on PostgreSQL: fixed text, so prepared once per connection;
/// the rows travel as JSON. Its parts touch different tables, so that they share one snapshot
/// does not matter.
const RECORD_POSTGRES: &str = "WITH marked AS (\
    INSERT INTO response_sections (response_id, section_key, revision, saved_by, saved_at) \
    SELECT $1::int4, k.key, $2::int4, $3::text, $4::timestamptz \
    FROM json_array_elements_text($5::json) AS k(key) \
    ON CONFLICT (response_id, section_key) DO UPDATE SET \
    revision = excluded.revision, saved_by = excluded.saved_by, saved_at = excluded.saved_at\
), scored AS (\
    INSERT INTO scores (response_id, round_id, dimension, score, level) \
    SELECT $1::int4, $6::int4, c.dimension, c.score, c.level \
    FROM json_to_recordset($7::json) AS c(dimension text, score float8, level int4) \
    ON CONFLICT (response_id, dimension) DO UPDATE SET score = excluded.score, level = excluded.level\
) \
INSERT INTO audit_events (occurred_at, actor, action, subject_type, subject_id, details) \
VALUES ($8::timestamptz, $9::text, $10::text, $11::text, $12::text, $13::text)";
