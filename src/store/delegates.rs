//! Delegates: colleagues to whom the holder of an invitation handed sections, each with a
//! secret link of their own (only its hash is stored). A delegate's link works only while the
//! delegate and the invitation it hangs from are both unrevoked, so revoking or reissuing the
//! organisation's invitation ends its delegates' links in the same statement.

use super::DbError;
use crate::domain::delegation::DelegateInput;
use crate::domain::secret::Secret;
use chrono::Utc;
use entity::{delegate, delegated_section, invitation, organisation, round};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// A delegate and the sections they hold now.
pub struct Delegation {
    pub delegate: delegate::Model,
    pub sections: Vec<delegated_section::Model>,
}

/// What a delegate's link leads to.
pub struct DelegateLink {
    pub delegate: delegate::Model,
    pub sections: Vec<delegated_section::Model>,
    pub invitation: invitation::Model,
    pub round: round::Model,
    pub organisation: organisation::Model,
}

/// Stores a delegate of the invitation with its sections, and returns it with its secret
/// (shown once). A section another delegate holds makes the whole write fail with
/// [`DbError::Conflict`] (the unique index on invitation and section).
pub async fn create(
    db: &impl ConnectionTrait,
    invitation_id: i32,
    input: &DelegateInput,
) -> Result<(delegate::Model, Secret), DbError> {
    let secret = Secret::generate("");
    let now = Utc::now();
    let model = delegate::ActiveModel {
        invitation_id: Set(invitation_id),
        name: Set(input.name.clone()),
        email: Set(input.email.clone()),
        secret_hash: Set(secret.hash()),
        created_at: Set(now),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)?;
    delegated_section::Entity::insert_many(input.sections.iter().map(|key| {
        delegated_section::ActiveModel {
            invitation_id: Set(invitation_id),
            delegate_id: Set(model.id),
            section_key: Set(key.clone()),
            ready_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
    }))
    .exec_without_returning(db)
    .await
    .map_err(DbError::classify)?;
    touch(db, invitation_id).await?;
    Ok((model, secret))
}

/// The sections of the invitation already held by a delegate, among `keys`.
pub async fn held_sections(
    db: &impl ConnectionTrait,
    invitation_id: i32,
    keys: impl IntoIterator<Item = String>,
) -> Result<Vec<String>, DbError> {
    Ok(delegated_section::Entity::find()
        .filter(delegated_section::Column::InvitationId.eq(invitation_id))
        .filter(delegated_section::Column::SectionKey.is_in(keys))
        .all(db)
        .await
        .map_err(DbError::classify)?
        .into_iter()
        .map(|s| s.section_key)
        .collect())
}

/// The invitation's unrevoked delegates with their sections, oldest first.
pub async fn of_invitation(
    db: &impl ConnectionTrait,
    invitation_id: i32,
) -> Result<Vec<Delegation>, DbError> {
    of_invitations(db, &[invitation_id]).await
}

/// The unrevoked delegates of these invitations with their sections, by delegate id.
pub async fn of_invitations(
    db: &impl ConnectionTrait,
    invitation_ids: &[i32],
) -> Result<Vec<Delegation>, DbError> {
    let mut out = Vec::new();
    for chunk in invitation_ids.chunks(500) {
        let delegates = delegate::Entity::find()
            .filter(delegate::Column::InvitationId.is_in(chunk.iter().copied()))
            .filter(delegate::Column::RevokedAt.is_null())
            .order_by_asc(delegate::Column::Id)
            .all(db)
            .await
            .map_err(DbError::classify)?;
        let mut sections = delegated_section::Entity::find()
            .filter(delegated_section::Column::InvitationId.is_in(chunk.iter().copied()))
            .order_by_asc(delegated_section::Column::Id)
            .all(db)
            .await
            .map_err(DbError::classify)?;
        for d in delegates {
            let (mine, rest): (Vec<_>, Vec<_>) =
                sections.into_iter().partition(|s| s.delegate_id == d.id);
            sections = rest;
            out.push(Delegation {
                delegate: d,
                sections: mine,
            });
        }
    }
    Ok(out)
}

/// The unrevoked delegate with `hash` (whether or not its invitation is still active).
pub async fn find_active(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<delegate::Model>, DbError> {
    super::unique(
        delegate::Entity::find()
            .filter(delegate::Column::SecretHash.eq(hash))
            .filter(delegate::Column::RevokedAt.is_null()),
        db,
    )
    .await
}

/// The unrevoked delegate with `hash`, under an unrevoked invitation, with what it leads to.
pub async fn find_active_with_context(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<DelegateLink>, DbError> {
    let Some(delegate) = find_active(db, hash).await? else {
        return Ok(None);
    };
    let found = invitation::Entity::find_by_id(delegate.invitation_id)
        .filter(invitation::Column::RevokedAt.is_null())
        .find_also_related(round::Entity)
        .find_also_related(organisation::Entity)
        .all(db)
        .await
        .map_err(DbError::classify)?;
    let Some((invitation, Some(round), Some(organisation))) = found.into_iter().next() else {
        return Ok(None);
    };
    let sections = sections_of(db, delegate.id).await?;
    Ok(Some(DelegateLink {
        delegate,
        sections,
        invitation,
        round,
        organisation,
    }))
}

/// The sections a delegate holds now.
pub async fn sections_of(
    db: &impl ConnectionTrait,
    delegate_id: i32,
) -> Result<Vec<delegated_section::Model>, DbError> {
    delegated_section::Entity::find()
        .filter(delegated_section::Column::DelegateId.eq(delegate_id))
        .order_by_asc(delegated_section::Column::Id)
        .all(db)
        .await
        .map_err(DbError::classify)
}

/// How many delegates the invitation has ever had, revoked ones included, counted under a lock.
///
/// The invitation's row is locked first (`SELECT ... FOR UPDATE` on PostgreSQL; on SQLite the
/// write transaction holds the database's only write lock already), so that two requests, on any
/// instances, cannot both count 99 and both insert: the second waits for the first to commit and
/// then counts its link too. Call it in the write transaction that inserts.
pub async fn count_ever_locked(
    db: &impl ConnectionTrait,
    invitation_id: i32,
) -> Result<u64, DbError> {
    use sea_orm::PaginatorTrait;
    invitation::Entity::find_by_id(invitation_id)
        .lock_exclusive()
        .one(db)
        .await
        .map_err(DbError::classify)?;
    delegate::Entity::find()
        .filter(delegate::Column::InvitationId.eq(invitation_id))
        .count(db)
        .await
        .map_err(DbError::classify)
}

/// How many unrevoked delegates hang from these invitations (their links end with them).
pub async fn count_active_of(
    db: &impl ConnectionTrait,
    invitation_ids: &[i32],
) -> Result<u64, DbError> {
    use sea_orm::PaginatorTrait;
    if invitation_ids.is_empty() {
        return Ok(0);
    }
    delegate::Entity::find()
        .filter(delegate::Column::InvitationId.is_in(invitation_ids.iter().copied()))
        .filter(delegate::Column::RevokedAt.is_null())
        .count(db)
        .await
        .map_err(DbError::classify)
}

/// Revokes one unrevoked delegate of the invitation and frees its sections; whether it was.
pub async fn revoke(
    db: &impl ConnectionTrait,
    invitation_id: i32,
    delegate_id: i32,
) -> Result<bool, DbError> {
    let done = delegate::Entity::update_many()
        .col_expr(delegate::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(delegate::Column::Id.eq(delegate_id))
        .filter(delegate::Column::InvitationId.eq(invitation_id))
        .filter(delegate::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    if done.rows_affected == 0 {
        return Ok(false);
    }
    delegated_section::Entity::delete_many()
        .filter(delegated_section::Column::DelegateId.eq(delegate_id))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    touch(db, invitation_id).await?;
    Ok(true)
}

/// Takes a section back from the delegate of the invitation who holds it; whether one did.
pub async fn take_back(
    db: &impl ConnectionTrait,
    invitation_id: i32,
    delegate_id: i32,
    section_key: &str,
) -> Result<bool, DbError> {
    let done = delegated_section::Entity::delete_many()
        .filter(delegated_section::Column::InvitationId.eq(invitation_id))
        .filter(delegated_section::Column::DelegateId.eq(delegate_id))
        .filter(delegated_section::Column::SectionKey.eq(section_key))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    if done.rows_affected == 0 {
        return Ok(false);
    }
    touch(db, invitation_id).await?;
    Ok(true)
}

/// Marks a section the delegate holds as ready for the lead (or not); whether they hold it.
pub async fn mark_ready(
    db: &impl ConnectionTrait,
    invitation_id: i32,
    delegate_id: i32,
    section_key: &str,
    ready: bool,
) -> Result<bool, DbError> {
    let at = ready.then(Utc::now);
    let done = delegated_section::Entity::update_many()
        .col_expr(delegated_section::Column::ReadyAt, Expr::value(at))
        .filter(delegated_section::Column::InvitationId.eq(invitation_id))
        .filter(delegated_section::Column::DelegateId.eq(delegate_id))
        .filter(delegated_section::Column::SectionKey.eq(section_key))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    if done.rows_affected == 0 {
        return Ok(false);
    }
    touch(db, invitation_id).await?;
    Ok(true)
}

/// Takes away the delegate's ready marks on these sections (they saved them again).
pub async fn unready(
    db: &impl ConnectionTrait,
    delegate_id: i32,
    sections: impl IntoIterator<Item = String>,
) -> Result<(), DbError> {
    delegated_section::Entity::update_many()
        .col_expr(
            delegated_section::Column::ReadyAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(delegated_section::Column::DelegateId.eq(delegate_id))
        .filter(delegated_section::Column::SectionKey.is_in(sections))
        .filter(delegated_section::Column::ReadyAt.is_not_null())
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}

/// Raises the invitation's delegation revision: pages kept for its links are stale.
async fn touch(db: &impl ConnectionTrait, invitation_id: i32) -> Result<(), DbError> {
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::DelegationRevision,
            Expr::col(invitation::Column::DelegationRevision).add(1),
        )
        .filter(invitation::Column::Id.eq(invitation_id))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}
