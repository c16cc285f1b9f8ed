//! What the outbox worker reads beside a batch of claimed messages to write them.

use super::DbError;
use entity::outbox_message;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// What the worker needs to write a batch of messages: their rounds, organisations and
/// invitations by id, and which (round, organisation) pairs hold a draft not yet submitted.
#[derive(Default)]
pub struct Context {
    pub rounds: std::collections::HashMap<i32, entity::round::Model>,
    pub organisations: std::collections::HashMap<i32, entity::organisation::Model>,
    pub invitations: std::collections::HashMap<i32, entity::invitation::Model>,
    pub drafts: std::collections::HashSet<(i32, i32)>,
    /// The colleague links of `colleague` messages, with the keys of the sections each holds
    /// now (in the order they were handed over).
    pub delegates: std::collections::HashMap<i32, (entity::delegate::Model, Vec<String>)>,
}

pub async fn context(
    db: &impl ConnectionTrait,
    messages: &[outbox_message::Model],
) -> Result<Context, DbError> {
    use entity::{delegate, delegated_section, invitation, organisation, response, round};
    let ids = |f: fn(&outbox_message::Model) -> Option<i32>| -> Vec<i32> {
        let mut ids: Vec<i32> = messages.iter().filter_map(f).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let round_ids = ids(|m| Some(m.round_id));
    let organisation_ids = ids(|m| Some(m.organisation_id));
    let invitation_ids = ids(|m| m.invitation_id);
    let delegate_ids = ids(|m| m.delegate_id);
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
    if !delegate_ids.is_empty() {
        for d in delegate::Entity::find()
            .filter(delegate::Column::Id.is_in(delegate_ids.iter().copied()))
            .all(db)
            .await
            .map_err(DbError::classify)?
        {
            context.delegates.insert(d.id, (d, Vec::new()));
        }
        for s in delegated_section::Entity::find()
            .filter(delegated_section::Column::DelegateId.is_in(delegate_ids.iter().copied()))
            .order_by_asc(delegated_section::Column::Id)
            .all(db)
            .await
            .map_err(DbError::classify)?
        {
            if let Some((_, keys)) = context.delegates.get_mut(&s.delegate_id) {
                keys.push(s.section_key);
            }
        }
    }
    Ok(context)
}
