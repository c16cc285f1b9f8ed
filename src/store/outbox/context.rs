//! What the outbox worker reads beside a batch of claimed messages to write them.

use super::DbError;
use entity::outbox_message;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// What the worker needs to write a batch of messages: their rounds, organisations and
/// invitations by id, and which (round, organisation) pairs hold a draft not yet submitted.
#[derive(Default)]
pub struct Context {
    pub rounds: std::collections::HashMap<i32, entity::round::Model>,
    pub organisations: std::collections::HashMap<i32, entity::organisation::Model>,
    pub invitations: std::collections::HashMap<i32, entity::invitation::Model>,
    pub drafts: std::collections::HashSet<(i32, i32)>,
}

pub async fn context(
    db: &impl ConnectionTrait,
    messages: &[outbox_message::Model],
) -> Result<Context, DbError> {
    use entity::{invitation, organisation, response, round};
    let ids = |f: fn(&outbox_message::Model) -> Option<i32>| -> Vec<i32> {
        let mut ids: Vec<i32> = messages.iter().filter_map(f).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let round_ids = ids(|m| Some(m.round_id));
    let organisation_ids = ids(|m| Some(m.organisation_id));
    let invitation_ids = ids(|m| m.invitation_id);
    let mut context = Context::default();
    for r in round::Entity::find()
        .filter(round::Column::Id.is_in(round_ids.iter().copied()))
        .all(db)
        .await
        .map_err(DbError::classify)?
    {
        context.rounds.insert(r.id, r);
    }
    for o in organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(organisation_ids.iter().copied()))
        .all(db)
        .await
        .map_err(DbError::classify)?
    {
        context.organisations.insert(o.id, o);
    }
    for i in invitation::Entity::find()
        .filter(invitation::Column::Id.is_in(invitation_ids.iter().copied()))
        .all(db)
        .await
        .map_err(DbError::classify)?
    {
        context.invitations.insert(i.id, i);
    }
    for r in response::Entity::find()
        .filter(response::Column::RoundId.is_in(round_ids.iter().copied()))
        .filter(response::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
        .filter(
            response::Column::Status
                .eq(crate::domain::response::ResponseStatus::InProgress.as_str()),
        )
        .all(db)
        .await
        .map_err(DbError::classify)?
    {
        context.drafts.insert((r.round_id, r.organisation_id));
    }
    Ok(context)
}
