//! E-mail to the invited organisations: queue invitations and reminders, preview a message, and
//! read the delivery log. Requests only queue; the outbox worker sends (README, "Mail").

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::pagination::Paging;
use super::problem::ApiError;
use crate::domain::mail::{ReminderAudience, ReminderPolicy};
use crate::domain::role::Role;
use crate::service::Services;
use crate::service::mail;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

#[derive(Default)]
pub struct MailApi;

mod documents;
pub use documents::*;

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
        let s = mail::send_invitations(
            &services,
            &auth.0.actor(),
            &code.0,
            crate::api::invitations::strings(body.0.organisations),
        )
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
    /// or only those with a draft), of every organisation or of those named. 409 unless the round
    /// is open; 422 for unknown organisations.
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
        let s = mail::remind(
            &services,
            &auth.0.actor(),
            &code.0,
            audience,
            crate::api::invitations::strings(body.0.organisations),
        )
        .await?;
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
        outbox: Data<&std::sync::Arc<crate::service::outbox::Outbox>>,
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
