use sea_orm::entity::prelude::*;

/// A section of the survey handed to a delegate; at most one per invitation and section.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delegated_sections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub invitation_id: i32,
    pub delegate_id: i32,
    pub section_key: String,
    /// When the delegate marked the section ready for the lead; `None` while they work on it.
    pub ready_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
