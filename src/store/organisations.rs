//! Organisations: the bodies surveyed and benchmarked.

use super::DbError;
use crate::domain::organisation::OrganisationInput;
use chrono::Utc;
use entity::organisation;
use sea_orm::ActiveValue::NotSet;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

/// Filters for listing organisations; `None` matches everything.
#[derive(Default)]
pub struct Filter {
    pub kind: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
}

pub async fn create(
    db: &impl ConnectionTrait,
    input: &OrganisationInput,
) -> Result<organisation::Model, DbError> {
    new_model(input, Utc::now())
        .insert(db)
        .await
        .map_err(DbError::classify)
}

fn new_model(input: &OrganisationInput, now: chrono::DateTime<Utc>) -> organisation::ActiveModel {
    organisation::ActiveModel {
        code: Set(input.code.clone()),
        name: Set(input.name.clone()),
        kind: Set(input.kind.clone()),
        region: Set(input.region.clone()),
        country: Set(input.country.clone()),
        size_band: Set(input.size_band.clone()),
        language: Set(input.language.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Replaces the attributes of the organisation with `code` (the code itself may change too).
pub async fn update(
    db: &impl ConnectionTrait,
    existing: organisation::Model,
    input: &OrganisationInput,
) -> Result<organisation::Model, DbError> {
    let id = existing.id;
    let mut active: organisation::ActiveModel = existing.into();
    active.code = Set(input.code.clone());
    active.name = Set(input.name.clone());
    active.kind = Set(input.kind.clone());
    active.region = Set(input.region.clone());
    active.country = Set(input.country.clone());
    active.size_band = Set(input.size_band.clone());
    active.language = Set(input.language.clone());
    active.updated_at = Set(Utc::now());
    active.revision = NotSet;
    // `revision + 1` in SQL, not the value read: two edits of one organisation must raise it
    // twice, or a cache could miss the second.
    let updated = organisation::Entity::update_many()
        .set(active)
        .col_expr(
            organisation::Column::Revision,
            Expr::col(organisation::Column::Revision).add(1),
        )
        .filter(organisation::Column::Id.eq(id))
        .exec_with_returning(db)
        .await
        .map_err(DbError::classify)?;
    updated
        .into_iter()
        .next()
        .ok_or_else(|| DbError::Other(sea_orm::DbErr::RecordNotUpdated))
}

pub async fn find_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<organisation::Model>, DbError> {
    super::unique(
        organisation::Entity::find().filter(organisation::Column::Code.eq(code)),
        db,
    )
    .await
}

pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<organisation::Model>, DbError> {
    super::unique(organisation::Entity::find_by_id(id), db).await
}

/// The organisations with these codes (those that exist).
pub async fn find_by_codes(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<organisation::Model>, DbError> {
    let mut found = Vec::with_capacity(codes.len());
    // Chunked so that a long list stays within every database's limit on bound parameters.
    for chunk in codes.chunks(500) {
        let mut part = organisation::Entity::find()
            .filter(organisation::Column::Code.is_in(chunk.iter().cloned()))
            .all(db)
            .await
            .map_err(DbError::classify)?;
        found.append(&mut part);
    }
    Ok(found)
}

/// A page of organisations in code order, and how many match in all.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<organisation::Model>, u64), DbError> {
    let mut cond = Condition::all();
    if let Some(kind) = &filter.kind {
        cond = cond.add(organisation::Column::Kind.eq(kind.as_str()));
    }
    if let Some(region) = &filter.region {
        cond = cond.add(organisation::Column::Region.eq(region.as_str()));
    }
    if let Some(country) = &filter.country {
        cond = cond.add(organisation::Column::Country.eq(country.as_str()));
    }
    let query = organisation::Entity::find().filter(cond);
    let total = query.clone().count(db).await.map_err(DbError::classify)?;
    let items = query
        .order_by_asc(organisation::Column::Code)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await
        .map_err(DbError::classify)?;
    Ok((items, total))
}

/// Every organisation, in code order.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<organisation::Model>, DbError> {
    organisation::Entity::find()
        .order_by_asc(organisation::Column::Code)
        .all(db)
        .await
        .map_err(DbError::classify)
}

/// Inserts many organisations. Call inside a transaction: on any error nothing should be kept.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    inputs: &[OrganisationInput],
) -> Result<(), DbError> {
    let now = Utc::now();
    for chunk in inputs.chunks(200) {
        let models = chunk.iter().map(|input| new_model(input, now));
        organisation::Entity::insert_many(models)
            .exec(db)
            .await
            .map_err(DbError::classify)?;
    }
    Ok(())
}
