//! Reminders: to organisations that have not submitted, by hand or by a round's policy.

use super::Services;
use super::*;
use super::{ServiceError, record};
use crate::domain::mail::{MessageKind, ReminderAudience, ReminderPolicy};
use crate::domain::response::Progress;
use crate::domain::round::RoundStatus;
use crate::store::{DbError, contacts, invitations, outbox, rounds};
use chrono::{DateTime, Utc};
use entity::{organisation, round};
use sea_orm::ConnectionTrait;
use serde_json::json;
use std::collections::{HashMap, HashSet};

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
        // Contact with the organisation's contacts: not a notice, nor a colleague's link.
        if !matches!(kind, MessageKind::Revoke | MessageKind::Colleague) {
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
/// not started, or only those with a draft), of every organisation or only those named by code.
/// 409 unless the round is open; 422 for unknown organisations (nothing is sent).
pub async fn remind(
    services: &Services,
    actor: &str,
    round_code: &str,
    audience: ReminderAudience,
    organisation_codes: Option<Vec<String>>,
) -> Result<RemindersQueued, ServiceError> {
    let round = find_round(&services.db, round_code).await?;
    let only: Option<HashSet<String>> = match organisation_codes {
        None => None,
        Some(codes) => Some(
            known_organisations(&services.db, &codes, "nothing was sent")
                .await?
                .into_iter()
                .map(|o| o.code)
                .collect(),
        ),
    };
    let tx = services.db.begin_write().await?;
    let round = rounds::lock(&*tx, round.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("There is no round {round_code}.")))?;
    must_be_open(&round)?;
    let summary = queue_reminders(&*tx, &round, |s| {
        let named = only
            .as_ref()
            .is_none_or(|codes| codes.contains(&s.organisation.code));
        named
            && match audience {
                ReminderAudience::NotSubmitted => true,
                ReminderAudience::NotStarted => s.progress == Progress::NotStarted,
                ReminderAudience::Draft => s.progress == Progress::InProgress,
            }
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
