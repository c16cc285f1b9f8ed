use sea_orm::entity::prelude::*;

/// Who last saved a section of a response, and at which revision of the response.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "response_sections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub response_id: i32,
    pub section_key: String,
    pub revision: i32,
    /// `lead` or `delegate:<id>`.
    pub saved_by: String,
    pub saved_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
