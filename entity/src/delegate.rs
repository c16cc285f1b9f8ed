use sea_orm::entity::prelude::*;

/// A colleague to whom the holder of an invitation (the lead) handed sections.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delegates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub invitation_id: i32,
    pub name: String,
    pub email: String,
    /// Hex SHA-256 of the secret in the colleague's link; the secret itself is never stored.
    #[sea_orm(unique)]
    pub secret_hash: String,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::invitation::Entity",
        from = "Column::InvitationId",
        to = "super::invitation::Column::Id"
    )]
    Invitation,
}

impl Related<super::invitation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Invitation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
