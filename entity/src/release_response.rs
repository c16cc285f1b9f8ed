use sea_orm::entity::prelude::*;

/// One organisation's submitted response as a release froze it, with the organisation's
/// attributes as at the release.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "release_responses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub release_id: i32,
    pub response_id: i32,
    pub revision: i32,
    pub organisation_id: i32,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub country: String,
    pub size_band: String,
    /// Score by dimension key (`overall` included), a JSON object.
    pub scores: String,
    /// Answers by question key, a JSON object.
    pub answers: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
