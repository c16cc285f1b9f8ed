use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub occurred_at: DateTimeUtc,
    /// Who acted: `key:<prefix>`, `cli`, or `respondent:<organisation code>`.
    pub actor: String,
    /// What they did, as `resource.verb` (e.g. `round.open`).
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<String>,
    /// JSON object with the details of the action (never a secret).
    pub details: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
