use sea_orm::entity::prelude::*;

/// One e-mail to one contact, from queued to sent or failed: the outbox job and its delivery log.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    pub organisation_id: i32,
    pub contact_id: Option<i32>,
    pub invitation_id: Option<i32>,
    /// The colleague link (delegate) a `colleague` message carries.
    pub delegate_id: Option<i32>,
    /// `invitation`, `reminder`, `reissue`, `revoke` or `colleague`.
    pub kind: String,
    /// `queued`, `sending`, `sent` or `failed`.
    pub status: String,
    pub recipient: String,
    pub recipient_name: Option<String>,
    /// Which reminder to the organisation this is (1, 2, ...); 0 for other kinds.
    pub sequence: i32,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    /// The invitation's secret sealed with a server key; never the secret in clear.
    pub link_seal: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub smtp_reply: Option<String>,
    pub queued_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub failed_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::round::Entity",
        from = "Column::RoundId",
        to = "super::round::Column::Id"
    )]
    Round,
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
}

impl Related<super::round::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Round.def()
    }
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
