//! E-mail to the invited organisations: queue invitations and reminders, preview a message, and
//! read the delivery log. Requests only queue; the outbox worker sends (README, "Mail").

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::pagination::{PageInfo, Paging};
use super::problem::ApiError;
use crate::domain::mail::{MessageKind, ReminderAudience, ReminderPolicy};
use crate::domain::role::Role;
use crate::service::Services;
use crate::service::mail;
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

#[derive(Default)]
pub struct MailApi;

#[derive(Object)]
pub struct SendInvitationsRequest {
    /// Codes of the organisations to invite; absent means every organisation.
    #[oai(validator(max_items = 20000))]
    #[oai(nullable)]
    pub organisations: Option<Vec<String>>,
}

/// What was queued. The messages go out in the background; the delivery log tells how each went.
#[derive(Object)]
pub struct InvitationsQueued {
    /// Organisations given a new link, on its way to each of their contacts.
    pub invited: Vec<String>,
    /// Messages queued (one per contact).
    pub messages: u64,
    /// Organisations with no contact: no link was made and nothing sent.
    pub without_contacts: Vec<String>,
    /// Organisations holding a link handed out by hand: reissue their link to mail a new one.
    pub invited_by_hand: Vec<String>,
    /// Organisations already invited by mail; contacts added since get the same link.
    pub already_invited: Vec<String>,
}

#[derive(ApiResponse)]
pub enum Queued<T: poem_openapi::types::ToJSON + Send + Sync> {
    /// Queued; sending happens in the background.
    #[oai(status = 202)]
    Accepted(Json<T>),
}

/// Which of the organisations that have not submitted to remind.
#[derive(Enum, Clone, Copy)]
#[oai(rename_all = "snake_case")]
pub enum Audience {
    /// Those who have not saved anything yet.
    NotStarted,
    /// Those with a saved draft.
    Draft,
}

/// `only`: remind only those not started, or only those with a draft; absent reminds every
/// organisation that has not submitted.
#[derive(Object)]
pub struct RemindRequest {
    pub only: Option<Audience>,
}

#[derive(Object)]
pub struct Reminded {
    pub organisation: String,
    /// Which reminder this is to the organisation (1 for the first).
    pub reminder: i32,
}

#[derive(Object)]
pub struct RemindersQueued {
    pub reminded: Vec<Reminded>,
    pub messages: u64,
    /// Organisations left out because their link was handed out by hand (reissue to mail one).
    pub invited_by_hand: Vec<String>,
}

/// The kinds of message.
#[derive(Enum, Clone, Copy)]
#[oai(rename_all = "snake_case")]
pub enum Kind {
    Invitation,
    Reminder,
    Reissue,
    Revoke,
}

impl From<Kind> for MessageKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Invitation => MessageKind::Invitation,
            Kind::Reminder => MessageKind::Reminder,
            Kind::Reissue => MessageKind::Reissue,
            Kind::Revoke => MessageKind::Revoke,
        }
    }
}

/// A message as it would be sent, with a placeholder where the secret link goes.
#[derive(Object)]
pub struct MailPreview {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// One message and how its delivery went.
#[derive(Object)]
pub struct Delivery {
    pub id: i32,
    pub organisation: String,
    /// `invitation`, `reminder`, `reissue` or `revoke`.
    pub kind: String,
    /// For a reminder, which one to the organisation it is; 0 otherwise.
    pub sequence: i32,
    pub recipient: String,
    /// `queued`, `sending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub queued_at: DateTime<Utc>,
    /// When a queued message is next tried.
    #[oai(nullable)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub sent_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub failed_at: Option<DateTime<Utc>>,
    /// The SMTP server's reply to the message (e.g. `250 OK`), or to the last attempt.
    #[oai(nullable)]
    pub smtp_reply: Option<String>,
    /// Why the last attempt failed.
    #[oai(nullable)]
    pub last_error: Option<String>,
}

#[derive(Object)]
pub struct DeliveryPage {
    pub items: Vec<Delivery>,
    #[oai(flatten)]
    pub page: PageInfo,
}

/// A round's reminder policy, run by the server's scheduler.
#[derive(Object)]
pub struct ReminderPolicyBody {
    /// Days between an organisation's last message (its invitation or last reminder) and its
    /// next reminder.
    #[oai(validator(minimum(value = "1"), maximum(value = "365")))]
    pub every_days: i64,
    /// Reminders to one organisation at most.
    #[oai(validator(minimum(value = "0"), maximum(value = "50")))]
    pub max_reminders: i64,
    /// No reminder goes out within this many days of the round's closing.
    #[oai(validator(minimum(value = "0"), maximum(value = "365")))]
    pub quiet_days_before_close: i64,
}

#[derive(ApiResponse)]
pub enum PolicyRemoved {
    #[oai(status = 204)]
    Removed,
}

#[OpenApi(tag = "ApiTags::Mail")]
impl MailApi {
    /// Set a round's reminder policy
    ///
    /// Who may call: admin. From now on the server reminds, with their link, the organisations
    /// of the open round that have not submitted, every `every_days` days after their last
    /// message, at most `max_reminders` times, never within `quiet_days_before_close` days of the
    /// closing; it stops when the round closes. 409 for a closed round.
    #[oai(
        path = "/rounds/:code/reminder-policy",
        method = "put",
        operation_id = "put_reminder_policy"
    )]
    async fn put_policy(
        &self,
        auth: ApiKeyAuth,
        services: Data<&Services>,
        code: Path<String>,
        body: Json<ReminderPolicyBody>,
    ) -> Answer<Json<ReminderPolicyBody>, { ROLE | BODY | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let policy = ReminderPolicy::parse(
            body.0.every_days,
            body.0.max_reminders,
            body.0.quiet_days_before_close,
        )
        .map_err(|issues| ApiError::invalid("reminder policy", issues))?;
        mail::set_reminder_policy(&services, &auth.0.actor(), &code.0, policy).await?;
        Ok(body)
    }

    /// Read a round's reminder policy
    ///
    /// Who may call: admin. 404 if the round has none.
    #[oai(
        path = "/rounds/:code/reminder-policy",
        method = "get",
        operation_id = "get_reminder_policy"
    )]
    async fn get_policy(
        &self,
        auth: ApiKeyAuth,
        services: Data<&Services>,
        code: Path<String>,
    ) -> Answer<Json<ReminderPolicyBody>, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let policy = mail::reminder_policy(&services, &code.0)
            .await?
            .ok_or_else(|| {
                ApiError::not_found(format!("Round {} has no reminder policy.", code.0))
            })?;
        Ok(Json(ReminderPolicyBody {
            every_days: policy.every_days.into(),
            max_reminders: policy.max_reminders.into(),
            quiet_days_before_close: policy.quiet_days_before_close.into(),
        }))
    }

    /// Remove a round's reminder policy
    ///
    /// Who may call: admin. Reminders already queued still go. 404 if the round has none.
    #[oai(
        path = "/rounds/:code/reminder-policy",
        method = "delete",
        operation_id = "delete_reminder_policy"
    )]
    async fn delete_policy(
        &self,
        auth: ApiKeyAuth,
        services: Data<&Services>,
        code: Path<String>,
    ) -> Answer<PolicyRemoved, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        mail::remove_reminder_policy(&services, &auth.0.actor(), &code.0).await?;
        Ok(PolicyRemoved::Removed)
    }

    /// E-mail invitations to a round
    ///
    /// Who may call: admin. Makes a link for each organisation (all, or those named) that has a
    /// contact and no link yet, and queues one message to each contact. Calling it again queues
    /// nothing twice (contacts added since are sent their organisation's link). 409 once the
    /// round has closed; 422 for unknown organisations.
    #[oai(
        path = "/rounds/:code/invitations/send",
        method = "post",
        operation_id = "send_invitations"
    )]
    async fn send_invitations(
        &self,
        auth: ApiKeyAuth,
        services: Data<&Services>,
        code: Path<String>,
        body: Json<SendInvitationsRequest>,
    ) -> Answer<Queued<InvitationsQueued>, { ROLE | BODY | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let s = mail::send_invitations(&services, &auth.0.actor(), &code.0, body.0.organisations)
            .await?;
        Ok(Queued::Accepted(Json(InvitationsQueued {
            invited: s.invited,
            messages: s.messages,
            without_contacts: s.without_contacts,
            invited_by_hand: s.invited_by_hand,
            already_invited: s.already_invited,
        })))
    }

    /// E-mail reminders to organisations that have not submitted
    ///
    /// Who may call: admin. Queues the next reminder, with the organisation's link, to the
    /// contacts of each invited organisation that has not submitted (or only those not started,
    /// or only those with a draft). 409 unless the round is open.
    #[oai(
        path = "/rounds/:code/reminders",
        method = "post",
        operation_id = "send_reminders"
    )]
    async fn send_reminders(
        &self,
        auth: ApiKeyAuth,
        services: Data<&Services>,
        code: Path<String>,
        body: Json<RemindRequest>,
    ) -> Answer<Queued<RemindersQueued>, { ROLE | BODY | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let audience = match body.0.only {
            None => ReminderAudience::NotSubmitted,
            Some(Audience::NotStarted) => ReminderAudience::NotStarted,
            Some(Audience::Draft) => ReminderAudience::Draft,
        };
        let s = mail::remind(&services, &auth.0.actor(), &code.0, audience).await?;
        Ok(Queued::Accepted(Json(RemindersQueued {
            reminded: s
                .reminded
                .into_iter()
                .map(|(organisation, reminder)| Reminded {
                    organisation,
                    reminder,
                })
                .collect(),
            messages: s.messages,
            invited_by_hand: s.invited_by_hand,
        })))
    }

    /// Preview a message
    ///
    /// Who may call: admin. The message of this kind to the organisation's first contact, as it
    /// would be sent, with a placeholder where the secret link goes.
    #[oai(
        path = "/rounds/:code/mail/preview",
        method = "get",
        operation_id = "preview_mail"
    )]
    async fn preview(
        &self,
        auth: ApiKeyAuth,
        services: Data<&Services>,
        outbox: Data<&std::sync::Arc<crate::mail::worker::Outbox>>,
        code: Path<String>,
        /// The organisation's code.
        organisation: Query<String>,
        kind: Query<Kind>,
    ) -> Answer<Json<MailPreview>, { ROLE | BAD_REQUEST | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let from = outbox.from.to_string();
        let p = mail::preview(&services, &from, &code.0, &organisation.0, kind.0.into()).await?;
        Ok(Json(MailPreview {
            to: p.to,
            subject: p.subject,
            text: p.text,
            html: p.html,
        }))
    }

    /// List a round's messages and their delivery
    ///
    /// Who may call: admin. Newest first, `per_page` a page (default 50, at most 500): when each
    /// was queued, sent (with the SMTP server's reply) or failed (with the reason).
    #[oai(
        path = "/rounds/:code/deliveries",
        method = "get",
        operation_id = "list_deliveries"
    )]
    async fn deliveries(
        &self,
        auth: ApiKeyAuth,
        services: Data<&Services>,
        code: Path<String>,
        /// Only messages to this organisation.
        organisation: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<
            Option<u64>,
        >,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<
            Option<u64>,
        >,
    ) -> Answer<Json<DeliveryPage>, { ROLE | BAD_REQUEST | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let paging = Paging::new(page.0, per_page.0);
        let (items, total) = mail::delivery_log(
            &services,
            &code.0,
            organisation.0.as_deref(),
            paging.offset(),
            paging.per_page,
        )
        .await?;
        Ok(Json(DeliveryPage {
            items: items
                .into_iter()
                .map(|d| Delivery {
                    id: d.id,
                    organisation: d.organisation,
                    kind: d.kind.as_str().to_owned(),
                    sequence: d.sequence,
                    recipient: d.recipient,
                    status: d.status.as_str().to_owned(),
                    attempts: d.attempts,
                    queued_at: d.queued_at,
                    next_attempt_at: d.next_attempt_at,
                    sent_at: d.sent_at,
                    failed_at: d.failed_at,
                    smtp_reply: d.smtp_reply,
                    last_error: d.last_error,
                })
                .collect(),
            page: paging.info(total),
        }))
    }
}
