use sea_orm::entity::prelude::*;

/// One sign-in to the operator console.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "console_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Hex SHA-256 of the session id in the browser's cookie; the id itself is never stored.
    #[sea_orm(unique)]
    pub secret_hash: String,
    /// The API key that was pasted to sign in; revoking it ends the session.
    pub api_key_id: i32,
    pub created_at: DateTimeUtc,
    /// The last request in this session (written at most once a minute).
    pub last_seen_at: DateTimeUtc,
    /// When its holder signed out.
    pub ended_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
