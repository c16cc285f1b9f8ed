//! A survey's earlier rounds and who responded in them, as disclosure control and the change
//! since the last round need them: each submitted response's organisation and that
//! organisation's (current) peer attributes.

use super::DbError;
use crate::domain::disclosure::Respondent;
use crate::domain::peers::OrgAttributes;
use crate::domain::response::ResponseStatus;
use entity::{organisation, response, round};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

/// The rounds of the same survey that opened before `current`, oldest first.
pub async fn earlier_rounds(
    db: &impl ConnectionTrait,
    current: &round::Model,
) -> Result<Vec<round::Model>, DbError> {
    let mut earlier = round::Entity::find()
        .filter(round::Column::SurveyId.eq(current.survey_id))
        .filter(round::Column::OpensAt.lt(current.opens_at))
        .all(db)
        .await
        .map_err(DbError::classify)?;
    earlier.sort_by_key(|r| (r.opens_at, r.id));
    Ok(earlier)
}

/// The organisations with a submitted response in the round, with their attributes, in
/// organisation id order.
pub async fn submitted_in(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Vec<Respondent>, DbError> {
    let rows: Vec<(i32, String, String, String, String)> = response::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Kind)
        .column(organisation::Column::Region)
        .column(organisation::Column::Country)
        .column(organisation::Column::SizeBand)
        .inner_join(organisation::Entity)
        .filter(response::Column::RoundId.eq(round_id))
        .filter(response::Column::Status.eq(ResponseStatus::Submitted.as_str()))
        .into_tuple()
        .all(db)
        .await
        .map_err(DbError::classify)?;
    let mut out: Vec<Respondent> = rows
        .into_iter()
        .map(|(id, kind, region, country, size_band)| Respondent {
            organisation_id: id,
            attributes: OrgAttributes {
                kind,
                region,
                country,
                size_band,
            },
        })
        .collect();
    out.sort_by_key(|r| r.organisation_id);
    Ok(out)
}

/// The round of the same survey that opened most recently before this one.
pub async fn previous_round(
    db: &impl ConnectionTrait,
    current: &round::Model,
) -> Result<Option<round::Model>, DbError> {
    Ok(earlier_rounds(db, current).await?.pop())
}
