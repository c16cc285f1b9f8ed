//! How far a round has got: who was invited, started and submitted, and those organisations'
//! attributes (the progress table groups them).

use super::DbError;
use super::benchmarks::SUBMITTED;
use crate::domain::peers::OrgAttributes;
use entity::{invitation, organisation, response};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};

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
        .filter(|(_, s)| s == SUBMITTED)
        .map(|(id, _)| *id)
        .collect();
    Ok(Progress {
        invited,
        started,
        submitted,
    })
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
