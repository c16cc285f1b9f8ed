//! Invitations, reminders and notices by e-mail: queueing them in the outbox (never sending:
//! that is `mail::worker`'s), previewing one, the delivery log, and the rounds' reminder
//! policies. Every operation that queues writes one audit event with counts, never an address
//! or a link.

use super::Services;
use super::{ServiceError, record};
use crate::domain::mail::{DeliveryStatus, MessageKind, ReminderAudience, ReminderPolicy};
use crate::domain::response::Progress;
use crate::domain::round::RoundStatus;
use crate::domain::secret::Secret;
use crate::mail::render::{self, Facts};
use crate::mail::seal;
use crate::store::outbox::NewMessage;
use crate::store::{DbError, app_secrets, contacts, invitations, organisations, outbox, rounds};
use chrono::{DateTime, Utc};
use entity::{organisation, round};
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
    seal::seal(key, invitation_id, secret.expose()).ok_or_else(|| {
        ServiceError::Db(DbError::Other(sea_orm::DbErr::Custom(
            "an invitation secret could not be sealed".to_owned(),
        )))
    })
}

/// The message for each of `contacts` of one organisation about one invitation.
fn messages_for(
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
        kind,
        sequence,
        recipient: c.email.clone(),
        recipient_name: c.name.clone(),
        idempotency_key: format!("{kind}:{invitation_id}:{sequence}:{}", c.id),
        link_seal: seal.map(str::to_owned),
    })
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
        Some(codes) => {
            let codes: Vec<String> = codes
                .iter()
                .map(|c| c.trim().to_ascii_uppercase())
                .collect();
            let found = organisations::find_by_codes(&services.db, &codes).await?;
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
            if !issues.is_empty() {
                return Err(ServiceError::rejected(
                    "Some organisations do not exist; nothing was sent.",
                    issues,
                ));
            }
            found
        }
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

/// What queueing reminders did.
#[derive(Debug, Default)]
pub struct RemindersQueued {
    /// Organisations reminded, with the number of this reminder to each.
    pub reminded: Vec<(String, i32)>,
    pub messages: u64,
    /// Organisations left out because their link was handed out by hand.
    pub invited_by_hand: Vec<String>,
}

/// Where one invited organisation stands, for reminding.
struct Standing {
    organisation: organisation::Model,
    invitation_id: i32,
    progress: Progress,
    reminded: i32,
    last_contact: Option<DateTime<Utc>>,
}

async fn standings(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Vec<Standing>, ServiceError> {
    let active: HashMap<i32, i32> = invitations::active(db, round_id)
        .await?
        .into_iter()
        .map(|i| (i.organisation_id, i.id))
        .collect();
    let mut reminded: HashMap<i32, i32> = HashMap::new();
    let mut last: HashMap<i32, DateTime<Utc>> = HashMap::new();
    for m in outbox::of_round(db, round_id).await? {
        let kind = MessageKind::parse(&m.kind).map_err(DbError::from)?;
        if kind == MessageKind::Reminder {
            let n = reminded.entry(m.organisation_id).or_default();
            *n = (*n).max(m.sequence);
        }
        if kind != MessageKind::Revoke {
            let at = last.entry(m.organisation_id).or_insert(m.queued_at);
            *at = (*at).max(m.queued_at);
        }
    }
    Ok(invitations::statuses(db, round_id)
        .await?
        .into_iter()
        .filter_map(|s| {
            let invitation_id = *active.get(&s.organisation.id)?;
            let id = s.organisation.id;
            Some(Standing {
                invitation_id,
                progress: s.response_status,
                reminded: reminded.get(&id).copied().unwrap_or(0),
                last_contact: last.get(&id).copied(),
                organisation: s.organisation,
            })
        })
        .collect())
}

/// Queues the next reminder to each organisation for which `wanted` says yes (it has not
/// submitted and holds an active link), to all its contacts, with the link it was sent.
async fn queue_reminders(
    db: &impl ConnectionTrait,
    round: &round::Model,
    wanted: impl Fn(&Standing) -> bool,
) -> Result<RemindersQueued, ServiceError> {
    let standings: Vec<Standing> = standings(db, round.id)
        .await?
        .into_iter()
        .filter(|s| s.progress != Progress::Submitted && wanted(s))
        .collect();
    let seals = outbox::seals(
        db,
        &standings
            .iter()
            .map(|s| s.invitation_id)
            .collect::<Vec<_>>(),
    )
    .await?;
    let people = contacts::of_organisations(
        db,
        &standings
            .iter()
            .map(|s| s.organisation.id)
            .collect::<Vec<_>>(),
    )
    .await?;
    let mut summary = RemindersQueued::default();
    let mut messages = Vec::new();
    for s in &standings {
        let Some(seal) = seals.get(&s.invitation_id) else {
            summary.invited_by_hand.push(s.organisation.code.clone());
            continue;
        };
        let Some(people) = people.get(&s.organisation.id) else {
            continue;
        };
        let sequence = s.reminded + 1;
        messages.extend(messages_for(
            MessageKind::Reminder,
            sequence,
            round.id,
            s.organisation.id,
            s.invitation_id,
            Some(seal),
            people,
        ));
        summary
            .reminded
            .push((s.organisation.code.clone(), sequence));
    }
    summary.messages = outbox::enqueue(db, messages).await?;
    Ok(summary)
}

fn must_be_open(round: &round::Model) -> Result<(), ServiceError> {
    match rounds::status(round)? {
        RoundStatus::Open => Ok(()),
        other => Err(ServiceError::Conflict(format!(
            "Round {} is {other}; only an open round sends reminders.",
            round.code
        ))),
    }
}

/// Reminds the organisations of an open round that have not submitted (all of them, only those
/// not started, or only those with a draft). 409 unless the round is open.
pub async fn remind(
    services: &Services,
    actor: &str,
    round_code: &str,
    audience: ReminderAudience,
) -> Result<RemindersQueued, ServiceError> {
    let round = find_round(&services.db, round_code).await?;
    let tx = services.db.begin_write().await?;
    let round = rounds::lock(&*tx, round.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("There is no round {round_code}.")))?;
    must_be_open(&round)?;
    let summary = queue_reminders(&*tx, &round, |s| match audience {
        ReminderAudience::NotSubmitted => true,
        ReminderAudience::NotStarted => s.progress == Progress::NotStarted,
        ReminderAudience::Draft => s.progress == Progress::InProgress,
    })
    .await?;
    record(
        &*tx,
        actor,
        "reminder.send",
        &round.code,
        json!({ "reminded": summary.reminded.len(), "messages": summary.messages }),
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}

/// One rendered message, as it would go to one of the organisation's contacts (or to a
/// placeholder), with the link replaced by a placeholder: a preview never shows a secret.
pub struct Preview {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub async fn preview(
    services: &Services,
    from: &str,
    round_code: &str,
    organisation_code: &str,
    kind: MessageKind,
) -> Result<Preview, ServiceError> {
    let round = find_round(&services.db, round_code).await?;
    let code = organisation_code.trim().to_ascii_uppercase();
    let org = organisations::find_by_code(&services.db, &code)
        .await?
        .ok_or_else(|| {
            ServiceError::NotFound(format!("There is no organisation with code {code}."))
        })?;
    let contact = contacts::of_organisation(&services.db, org.id)
        .await?
        .into_iter()
        .next();
    let link = format!(
        "{}/respond/<the organisation's secret link>",
        services.public_url
    );
    let facts = Facts {
        kind,
        organisation_name: &org.name,
        round_name: &round.name,
        closes_at: round.closes_at,
        recipient_name: contact.as_ref().and_then(|c| c.name.as_deref()),
        link: kind.carries_link().then_some(link.as_str()),
        help: from,
        draft: false,
    };
    let rendered = render::render(&facts)
        .map_err(|e| ServiceError::Db(DbError::Other(sea_orm::DbErr::Custom(e.to_string()))))?;
    Ok(Preview {
        to: contact.map_or_else(|| "(no contact yet)".to_owned(), |c| c.email),
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
    })
}

/// One message in the delivery log.
pub struct Delivery {
    pub id: i32,
    pub organisation: String,
    pub kind: MessageKind,
    pub sequence: i32,
    pub recipient: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub queued_at: DateTime<Utc>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub smtp_reply: Option<String>,
    pub last_error: Option<String>,
}

/// The round's messages, newest first, optionally of one organisation; with the total.
pub async fn delivery_log(
    services: &Services,
    round_code: &str,
    organisation_code: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Delivery>, u64), ServiceError> {
    let round = find_round(&services.db, round_code).await?;
    let org = match organisation_code {
        None => None,
        Some(code) => {
            let code = code.trim().to_ascii_uppercase();
            Some(
                organisations::find_by_code(&services.db, &code)
                    .await?
                    .ok_or_else(|| {
                        ServiceError::NotFound(format!(
                            "There is no organisation with code {code}."
                        ))
                    })?,
            )
        }
    };
    let (rows, total) = outbox::log(
        &services.db,
        round.id,
        org.as_ref().map(|o| o.id),
        offset,
        limit,
    )
    .await?;
    let ids: Vec<i32> = rows.iter().map(|m| m.organisation_id).collect();
    let codes: HashMap<i32, String> = organisations::all(&services.db)
        .await?
        .into_iter()
        .filter(|o| ids.contains(&o.id))
        .map(|o| (o.id, o.code))
        .collect();
    let items = rows
        .into_iter()
        .map(|m| {
            let status = DeliveryStatus::parse(&m.status).map_err(DbError::from)?;
            Ok(Delivery {
                id: m.id,
                organisation: codes.get(&m.organisation_id).cloned().unwrap_or_default(),
                kind: MessageKind::parse(&m.kind).map_err(DbError::from)?,
                sequence: m.sequence,
                recipient: m.recipient,
                status,
                attempts: m.attempts,
                queued_at: m.queued_at,
                next_attempt_at: (status == DeliveryStatus::Queued).then_some(m.next_attempt_at),
                sent_at: m.sent_at,
                failed_at: m.failed_at,
                smtp_reply: m.smtp_reply,
                last_error: m.last_error,
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    Ok((items, total))
}

/// One organisation's mail in a round, for the progress view.
#[derive(Clone, Debug, Default)]
pub struct MailSummary {
    /// When its first invitation (or reissued link) was queued.
    pub invited_at: Option<DateTime<Utc>>,
    pub reminders: i32,
    pub last_reminded_at: Option<DateTime<Utc>>,
    /// Whether any message to it failed for good.
    pub delivery_failed: bool,
}

/// Each organisation's mail in the round, by organisation id.
pub async fn summaries(
    services: &Services,
    round_code: &str,
) -> Result<HashMap<i32, MailSummary>, ServiceError> {
    let round = find_round(&services.db, round_code).await?;
    let mut found: HashMap<i32, MailSummary> = HashMap::new();
    for m in outbox::of_round(&services.db, round.id).await? {
        let s = found.entry(m.organisation_id).or_default();
        match MessageKind::parse(&m.kind).map_err(DbError::from)? {
            MessageKind::Invitation | MessageKind::Reissue => {
                s.invited_at = Some(s.invited_at.map_or(m.queued_at, |at| at.min(m.queued_at)));
            }
            MessageKind::Reminder => {
                s.reminders = s.reminders.max(m.sequence);
                s.last_reminded_at = Some(
                    s.last_reminded_at
                        .map_or(m.queued_at, |at| at.max(m.queued_at)),
                );
            }
            MessageKind::Revoke => {}
        }
        if DeliveryStatus::parse(&m.status).map_err(DbError::from)? == DeliveryStatus::Failed
            && m.last_error.as_deref() != Some("not sent: the link was revoked first")
        {
            s.delivery_failed = true;
        }
    }
    Ok(found)
}

/// How often a policy's round is looked at: reminders are decided in days, so hourly is enough.
const POLICY_TURN: chrono::Duration = chrono::Duration::hours(1);

/// Sets a round's reminder policy. 409 once the round has closed.
pub async fn set_reminder_policy(
    services: &Services,
    actor: &str,
    round_code: &str,
    policy: ReminderPolicy,
) -> Result<(), ServiceError> {
    let round = find_round(&services.db, round_code).await?;
    if rounds::status(&round)? == RoundStatus::Closed {
        return Err(ServiceError::Conflict(format!(
            "Round {} is closed; a closed round sends no reminders.",
            round.code
        )));
    }
    let tx = services.db.begin_write().await?;
    crate::store::reminder_policies::set(&*tx, round.id, policy).await?;
    record(
        &*tx,
        actor,
        "reminder_policy.set",
        &round.code,
        json!({
            "every_days": policy.every_days,
            "max_reminders": policy.max_reminders,
            "quiet_days_before_close": policy.quiet_days_before_close,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The round's reminder policy, if it has one.
pub async fn reminder_policy(
    services: &Services,
    round_code: &str,
) -> Result<Option<ReminderPolicy>, ServiceError> {
    let round = find_round(&services.db, round_code).await?;
    Ok(
        crate::store::reminder_policies::find(&services.db, round.id)
            .await?
            .and_then(|p| {
                ReminderPolicy::parse(
                    p.every_days.into(),
                    p.max_reminders.into(),
                    p.quiet_days_before_close.into(),
                )
                .ok()
            }),
    )
}

/// Removes the round's reminder policy; 404 if it had none.
pub async fn remove_reminder_policy(
    services: &Services,
    actor: &str,
    round_code: &str,
) -> Result<(), ServiceError> {
    let round = find_round(&services.db, round_code).await?;
    let tx = services.db.begin_write().await?;
    if !crate::store::reminder_policies::delete(&*tx, round.id).await? {
        return Err(ServiceError::NotFound(format!(
            "Round {} has no reminder policy.",
            round.code
        )));
    }
    record(
        &*tx,
        actor,
        "reminder_policy.delete",
        &round.code,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Runs every policy whose turn has come: reminds the organisations of its (open) round that
/// are due under it. Returns the messages queued. Each round's turn is claimed in the database,
/// so several servers running this at once remind once.
pub async fn run_reminder_policies(services: &Services) -> Result<u64, ServiceError> {
    let now = Utc::now();
    let mut queued = 0;
    for policy in crate::store::reminder_policies::due(&services.db, now).await? {
        let tx = services.db.begin_write().await?;
        if !crate::store::reminder_policies::claim_turn(&*tx, policy.id, now, now + POLICY_TURN)
            .await?
        {
            continue;
        }
        let Some(round) = rounds::lock(&*tx, policy.round_id).await? else {
            continue;
        };
        let Ok(rule) = ReminderPolicy::parse(
            policy.every_days.into(),
            policy.max_reminders.into(),
            policy.quiet_days_before_close.into(),
        ) else {
            continue;
        };
        // Stops at close: a closed (or not yet open) round is passed by, the turn still taken.
        if rounds::status(&round)? == RoundStatus::Open {
            let summary = queue_reminders(&*tx, &round, |s| {
                s.last_contact.is_some_and(|last| {
                    rule.due(
                        now,
                        round.closes_at,
                        last,
                        u32::try_from(s.reminded).unwrap_or(u32::MAX),
                    )
                })
            })
            .await?;
            if summary.messages > 0 {
                record(
                    &*tx,
                    "scheduler",
                    "reminder.send",
                    &round.code,
                    json!({ "reminded": summary.reminded.len(), "messages": summary.messages, "by_policy": true }),
                )
                .await?;
            }
            queued += summary.messages;
        }
        tx.commit().await?;
    }
    Ok(queued)
}
