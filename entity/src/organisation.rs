use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub country: String,
    pub size_band: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Raised by every edit; benchmark caches sum it to notice edits (see migration 7).
    pub revision: i32,
    /// The language its e-mails are written in (`en`, `cy`); null when not set (see mail::render).
    pub language: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
