//! What an operator can read about the mail: a preview of one message, the delivery log, and
//! each organisation's mail standing.

use super::ServiceError;
use super::Services;
use super::*;
use crate::domain::mail::{DeliveryStatus, MessageKind};
use crate::mail::render::{self, Facts};
use crate::store::{DbError, contacts, organisations, outbox};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

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
        language: crate::domain::language::Language::choose(None, org.language.as_deref(), None),
        sections: &[],
    };
    let rendered = render::render(&facts).map_err(ServiceError::internal)?;
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
        let kind = MessageKind::parse(&m.kind).map_err(DbError::from)?;
        // A colleague's message goes to a colleague the lead named, not to the organisation's
        // contacts: it is neither an invitation nor a reminder, nor their delivery.
        if kind == MessageKind::Colleague {
            continue;
        }
        let s = found.entry(m.organisation_id).or_default();
        match kind {
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
            MessageKind::Revoke | MessageKind::Colleague => {}
        }
        if DeliveryStatus::parse(&m.status).map_err(DbError::from)? == DeliveryStatus::Failed
            && m.last_error.as_deref() != Some(outbox::REVOKED_FIRST)
        {
            s.delivery_failed = true;
        }
    }
    Ok(found)
}
