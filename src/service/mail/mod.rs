//! Invitations, reminders and notices by e-mail: queueing them in the outbox (never sending:
//! that is `service::outbox`'s), previewing one, the delivery log, and the rounds' reminder
//! policies. Every operation that queues writes one audit event with counts, never an address
//! or a link.

use super::Services;
use super::{ServiceError, record};
use crate::domain::mail::MessageKind;
use crate::domain::secret::Secret;
use crate::mail::seal;
use crate::store::outbox::NewMessage;
use crate::store::{DbError, app_secrets, contacts, invitations, organisations, outbox, rounds};
use entity::round;
use sea_orm::ConnectionTrait;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// What queueing invitations did.
#[derive(Debug, Default)]
pub struct InvitationsQueued {
    /// Organisations given a new link, which is on its way to their contacts.
    pub invited: Vec<String>,
    pub messages: u64,
    /// Organisations with no contact: nothing was sent and no link made.
    pub without_contacts: Vec<String>,
    /// Organisations whose link was handed out by hand (not through the outbox): reissue to
    /// send them a new one.
    pub invited_by_hand: Vec<String>,
    /// Organisations already invited by mail; contacts added since were sent the same link.
    pub already_invited: Vec<String>,
}

async fn find_round(db: &impl ConnectionTrait, code: &str) -> Result<round::Model, ServiceError> {
    rounds::find(db, code)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("There is no round {code}.")))
}

async fn seal_key(db: &impl ConnectionTrait) -> Result<Vec<u8>, DbError> {
    app_secrets::get_or_create(db, seal::KEY_NAME).await
}

fn sealed(key: &[u8], invitation_id: i32, secret: &Secret) -> Result<String, ServiceError> {
    seal::seal(key, invitation_id, secret.expose())
        .ok_or_else(|| ServiceError::internal("an invitation secret could not be sealed"))
}

/// The message for each of `contacts` of one organisation about one invitation (keyed so that
/// queueing it again adds nothing).
pub(crate) fn messages_for(
    kind: MessageKind,
    sequence: i32,
    round_id: i32,
    organisation_id: i32,
    invitation_id: i32,
    seal: Option<&str>,
    contacts: &[entity::contact::Model],
) -> impl Iterator<Item = NewMessage> {
    contacts.iter().map(move |c| NewMessage {
        round_id,
        organisation_id,
        contact_id: Some(c.id),
        invitation_id: Some(invitation_id),
        delegate_id: None,
        kind,
        sequence,
        recipient: c.email.clone(),
        recipient_name: c.name.clone(),
        idempotency_key: format!("{kind}:{invitation_id}:{sequence}:{}", c.id),
        link_seal: seal.map(str::to_owned),
    })
}

/// The organisations `codes` name (trimmed, upper-cased), or 422 naming each unknown one by its
/// place in the list (`organisations[2]`) and saying that `consequence`.
async fn known_organisations(
    db: &impl ConnectionTrait,
    codes: &[String],
    consequence: &str,
) -> Result<Vec<entity::organisation::Model>, ServiceError> {
    let codes: Vec<String> = codes
        .iter()
        .map(|c| c.trim().to_ascii_uppercase())
        .collect();
    let found = organisations::find_by_codes(db, &codes).await?;
    let known: HashSet<&str> = found.iter().map(|o| o.code.as_str()).collect();
    let issues: Vec<_> = codes
        .iter()
        .enumerate()
        .filter(|(_, c)| !known.contains(c.as_str()))
        .map(|(i, c)| {
            crate::domain::validation::FieldIssue::new(
                format!("organisations[{i}]"),
                format!("there is no organisation {c}"),
            )
        })
        .collect();
    if issues.is_empty() {
        Ok(found)
    } else {
        Err(ServiceError::rejected(
            format!("Some organisations do not exist; {consequence}."),
            issues,
        ))
    }
}

/// Makes a link for each organisation (all, or those named) that has contacts and no link yet,
/// and queues an invitation to each of its contacts. Running it again queues nothing new,
/// except to contacts added since. 404 for an unknown round, 409 once it has closed, 422 for
/// unknown organisations.
pub async fn send_invitations(
    services: &Services,
    actor: &str,
    round_code: &str,
    organisation_codes: Option<Vec<String>>,
) -> Result<InvitationsQueued, ServiceError> {
    let round = find_round(&services.db, round_code).await?;
    let mut targets = match organisation_codes {
        None => organisations::all(&services.db).await?,
        Some(codes) => known_organisations(&services.db, &codes, "nothing was sent").await?,
    };
    targets.sort_by(|a, b| a.code.cmp(&b.code));
    let tx = services.db.begin_write().await?;
    let round = rounds::lock(&*tx, round.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("There is no round {round_code}.")))?;
    rounds::status(&round)?
        .takes_invitations()
        .map_err(|refused| {
            ServiceError::Conflict(refused.about(&format!("Round {}", round.code)))
        })?;
    let key = seal_key(&*tx).await?;
    let ids: Vec<i32> = targets.iter().map(|o| o.id).collect();
    let contacts = contacts::of_organisations(&*tx, &ids).await?;
    let active: HashMap<i32, i32> = invitations::active(&*tx, round.id)
        .await?
        .into_iter()
        .map(|i| (i.organisation_id, i.id))
        .collect();
    let seals = outbox::seals(&*tx, &active.values().copied().collect::<Vec<_>>()).await?;
    let mut summary = InvitationsQueued::default();
    let mut messages = Vec::new();
    let mut to_invite = Vec::new();
    for org in &targets {
        let Some(people) = contacts.get(&org.id) else {
            summary.without_contacts.push(org.code.clone());
            continue;
        };
        match active.get(&org.id) {
            None => to_invite.push(org),
            Some(invitation_id) => match seals.get(invitation_id) {
                Some(seal) => {
                    summary.already_invited.push(org.code.clone());
                    messages.extend(messages_for(
                        MessageKind::Invitation,
                        0,
                        round.id,
                        org.id,
                        *invitation_id,
                        Some(seal),
                        people,
                    ));
                }
                None => summary.invited_by_hand.push(org.code.clone()),
            },
        }
    }
    let made = invitations::create_many(
        &*tx,
        round.id,
        &to_invite.iter().map(|o| o.id).collect::<Vec<_>>(),
    )
    .await?;
    let codes: HashMap<i32, &str> = to_invite.iter().map(|o| (o.id, o.code.as_str())).collect();
    for (invitation, secret) in &made {
        let seal = sealed(&key, invitation.id, secret)?;
        if let Some(people) = contacts.get(&invitation.organisation_id) {
            messages.extend(messages_for(
                MessageKind::Invitation,
                0,
                round.id,
                invitation.organisation_id,
                invitation.id,
                Some(&seal),
                people,
            ));
        }
        if let Some(code) = codes.get(&invitation.organisation_id) {
            summary.invited.push((*code).to_owned());
        }
    }
    summary.invited.sort();
    summary.messages = outbox::enqueue(&*tx, messages).await?;
    record(
        &*tx,
        actor,
        "invitation.send",
        &round.code,
        json!({
            "invited": summary.invited.len(),
            "messages": summary.messages,
            "without_contacts": summary.without_contacts.len(),
            "invited_by_hand": summary.invited_by_hand.len(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}

/// Queues the new link of a reissued invitation to the organisation's contacts, once, and
/// forgets the links it replaced. Runs in the reissue's own transaction.
pub async fn notify_reissue(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
    replaced: &[i32],
    invitation_id: i32,
    secret: &Secret,
) -> Result<u64, ServiceError> {
    outbox::forget_invitation(db, replaced).await?;
    let people = contacts::of_organisation(db, organisation_id).await?;
    if people.is_empty() {
        return Ok(0);
    }
    let key = seal_key(db).await?;
    let seal = sealed(&key, invitation_id, secret)?;
    let messages = messages_for(
        MessageKind::Reissue,
        0,
        round_id,
        organisation_id,
        invitation_id,
        Some(&seal),
        &people,
    )
    .collect();
    Ok(outbox::enqueue(db, messages).await?)
}

/// Tells the organisation's contacts, once, that its link no longer works, if one was mailed
/// to them; forgets the revoked links. Runs in the revocation's own transaction.
pub async fn notify_revoke(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
    revoked: &[i32],
) -> Result<u64, ServiceError> {
    let mailed = outbox::seals(db, revoked).await?;
    outbox::forget_invitation(db, revoked).await?;
    let Some(invitation_id) = revoked
        .iter()
        .copied()
        .filter(|id| mailed.contains_key(id))
        .max()
    else {
        return Ok(0);
    };
    let people = contacts::of_organisation(db, organisation_id).await?;
    let messages = messages_for(
        MessageKind::Revoke,
        0,
        round_id,
        organisation_id,
        invitation_id,
        None,
        &people,
    )
    .collect();
    Ok(outbox::enqueue(db, messages).await?)
}

/// Queues, once, the message that gives a colleague their own link to the sections the lead
/// handed them (sealed under the colleague's own keystream). Runs in the delegation's own
/// transaction, so the message exists exactly when the link does. Whether one was queued.
pub(crate) async fn queue_colleague(
    db: &impl ConnectionTrait,
    invitation: &entity::invitation::Model,
    delegate: &entity::delegate::Model,
    secret: &Secret,
) -> Result<bool, ServiceError> {
    let key = seal_key(db).await?;
    let seal = seal::seal_for_delegate(&key, delegate.id, secret.expose())
        .ok_or_else(|| ServiceError::internal("a colleague's secret could not be sealed"))?;
    let message = NewMessage {
        round_id: invitation.round_id,
        organisation_id: invitation.organisation_id,
        contact_id: None,
        invitation_id: Some(invitation.id),
        delegate_id: Some(delegate.id),
        kind: MessageKind::Colleague,
        sequence: 0,
        recipient: delegate.email.clone(),
        recipient_name: Some(delegate.name.clone()),
        idempotency_key: format!("{}:{}", MessageKind::Colleague, delegate.id),
        link_seal: Some(seal),
    };
    Ok(outbox::enqueue(db, vec![message]).await? > 0)
}

/// Forgets the sealed links of colleagues whose link ended or who hold no section any more:
/// their messages still waiting are not sent. Runs in the change's own transaction.
pub(crate) async fn forget_colleagues(
    db: &impl ConnectionTrait,
    delegate_ids: &[i32],
) -> Result<(), ServiceError> {
    Ok(outbox::forget_delegates(db, delegate_ids).await?)
}

mod log;
mod reminders;
pub use log::*;
pub use reminders::*;
