use sea_orm::entity::prelude::*;

/// One numbered, frozen publication of a round's results (issue 28).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "releases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    /// 1, 2, ... within the round.
    pub number: i32,
    /// How many submitted responses it covers.
    pub respondents: i32,
    /// Who made it (an audit actor).
    pub made_by: String,
    pub made_at: DateTimeUtc,
    /// Hex SHA-256 over its rows.
    pub digest: String,
    /// The disclosure threshold it was made under.
    pub threshold: i32,
    /// The releases of earlier rounds its snapshot was made against: a JSON array of ids.
    pub earlier: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
