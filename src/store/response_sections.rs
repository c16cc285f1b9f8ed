//! Who last saved each section of a response and at which revision, and the per-section check
//! that lets colleagues save different sections of one response at the same time.
//!
//! A save names the sections it writes and the response revision its writer read. It always
//! takes the response's row first (the revision is raised by one `UPDATE`, which holds the row
//! until the transaction ends, so savers of one response queue there); then, if the response
//! moved on since the writer read it, the save goes ahead only if none of its sections was
//! saved since. A save of section A and one of section B, both read at revision 5, therefore
//! both land; two saves of section A read at revision 5 give one 409, as before.

use super::DbError;
use super::responses::insert_first;
use crate::domain::response::ResponseStatus;
use chrono::{DateTime, Utc};
use entity::{answer, response, response_section};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use std::collections::{BTreeMap, BTreeSet};

/// What taking the response for a save found.
pub enum Claim {
    /// Nobody saved since the writer read it: the writer's answers are the stored ones.
    Fresh(response::Model),
    /// Others saved other sections since: read the answers again and apply the changes to them.
    Moved(response::Model),
    /// One of the sections was saved since the writer read it (or the writer's revision is not
    /// one the response had).
    Stale { current_revision: i32 },
}

/// Raises the response's revision (creating the response at the first save) and checks that
/// none of `sections` was saved after `expected_revision`. The returned model is at its new
/// revision; on `Stale` the caller must not commit.
pub async fn claim(
    db: &impl ConnectionTrait,
    (round_id, organisation_id): (i32, i32),
    expected_revision: i32,
    sections: &BTreeSet<String>,
) -> Result<Claim, DbError> {
    let now = Utc::now();
    if expected_revision == 0 {
        let first = insert_first(
            db,
            (round_id, organisation_id),
            ResponseStatus::InProgress,
            1,
            now,
            None,
        )
        .await?;
        if let Some(model) = first {
            return Ok(Claim::Fresh(model));
        }
    }
    let updated = response::Entity::update_many()
        .col_expr(
            response::Column::Revision,
            Expr::col(response::Column::Revision).add(1),
        )
        .col_expr(response::Column::UpdatedAt, Expr::value(now))
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::OrganisationId.eq(organisation_id))
        .exec_with_returning(db)
        .await
        .map_err(DbError::classify)?;
    let Some(model) = updated.into_iter().next() else {
        // No response yet, though the writer read one: its revision is not one the response had.
        return Ok(Claim::Stale {
            current_revision: 0,
        });
    };
    let before = model.revision - 1;
    if before == expected_revision {
        return Ok(Claim::Fresh(model));
    }
    if before < expected_revision || sections.is_empty() {
        return Ok(Claim::Stale {
            current_revision: before,
        });
    }
    let since: Vec<String> = response_section::Entity::find()
        .select_only()
        .column(response_section::Column::SectionKey)
        .filter(response_section::Column::ResponseId.eq(model.id))
        .filter(response_section::Column::SectionKey.is_in(sections.iter().cloned()))
        .filter(response_section::Column::Revision.gt(expected_revision))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    Ok(if since.is_empty() {
        Claim::Moved(model)
    } else {
        Claim::Stale {
            current_revision: before,
        }
    })
}

/// Records that `saved_by` saved these sections of the response at `revision`.
pub async fn mark(
    db: &impl ConnectionTrait,
    response_id: i32,
    sections: &BTreeSet<String>,
    revision: i32,
    saved_by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    if sections.is_empty() {
        return Ok(());
    }
    response_section::Entity::insert_many(sections.iter().map(|key| {
        response_section::ActiveModel {
            response_id: Set(response_id),
            section_key: Set(key.clone()),
            revision: Set(revision),
            saved_by: Set(saved_by.to_owned()),
            saved_at: Set(now),
            ..Default::default()
        }
    }))
    .on_conflict(
        OnConflict::columns([
            response_section::Column::ResponseId,
            response_section::Column::SectionKey,
        ])
        .update_columns([
            response_section::Column::Revision,
            response_section::Column::SavedBy,
            response_section::Column::SavedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await
    .map_err(DbError::classify)?;
    Ok(())
}

/// Who last saved each section of the response (`lead`, `delegate:<id>`), by section key.
pub async fn saved_by(
    db: &impl ConnectionTrait,
    response_id: i32,
) -> Result<BTreeMap<String, String>, DbError> {
    let rows: Vec<(String, String)> = response_section::Entity::find()
        .select_only()
        .column(response_section::Column::SectionKey)
        .column(response_section::Column::SavedBy)
        .filter(response_section::Column::ResponseId.eq(response_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    Ok(rows.into_iter().collect())
}

/// Who last saved each answer of the response, by question key (answers saved before anyone
/// was recorded are left out).
pub async fn answered_by(
    db: &impl ConnectionTrait,
    response_id: i32,
) -> Result<BTreeMap<String, String>, DbError> {
    let rows: Vec<(String, Option<String>)> = answer::Entity::find()
        .select_only()
        .column(answer::Column::QuestionKey)
        .column(answer::Column::SavedBy)
        .filter(answer::Column::ResponseId.eq(response_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, by)| by.map(|b| (k, b)))
        .collect())
}
