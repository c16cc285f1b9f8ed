//! The demo's mail: every fictional organisation has a contact, and in the demo's fiction each
//! round's invitations were e-mailed when the round opened. Those messages are recorded in the
//! outbox as sent then (with a reply that says the seeding wrote them, so nobody takes them for a
//! real delivery), each with its link sealed as `service::mail` seals the links it sends. So a
//! reminder to the open round's non-submitters, sent from the API, goes out with the link each
//! organisation was given, exactly as in a round whose invitations went through the outbox.

use super::Participation;
use crate::domain::mail::{ContactInput, MessageKind};
use crate::mail::seal;
use crate::service::mail::messages_for;
use crate::service::{ServiceError, ServiceResult};
use crate::store::{app_secrets, contacts, demo, invitations, outbox};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;

/// The delivery log's reply for the invitations the demo records as sent.
pub(super) const SEEDED_REPLY: &str =
    "not sent: recorded by `soundings demo` as its fiction's invitation";

/// What recording each round's invitations needs, read once for all rounds: the organisations'
/// contacts as stored (with their ids) and the key links are sealed with.
pub(super) struct Mailing {
    people: HashMap<i32, Vec<entity::contact::Model>>,
    key: Vec<u8>,
}

/// Adds each organisation's contact (`ids` and `people` in the same order), and reads them back
/// for the rounds' invitations.
pub(super) async fn add_contacts(
    db: &impl ConnectionTrait,
    ids: &[i32],
    people: Vec<ContactInput>,
    at: DateTime<Utc>,
) -> ServiceResult<Mailing> {
    let rows: Vec<(i32, ContactInput)> = ids.iter().copied().zip(people).collect();
    demo::insert_contacts(db, &rows, at).await?;
    Ok(Mailing {
        people: contacts::of_organisations(db, ids).await?,
        key: app_secrets::get_or_create(db, seal::KEY_NAME).await?,
    })
}

impl Mailing {
    /// Records the invitations of one round as e-mailed to every contact at `sent_at`, with the
    /// sealed link of each organisation's invitation (`ids` and `parts` in the same order).
    pub(super) async fn record_invitations(
        &self,
        db: &impl ConnectionTrait,
        round_id: i32,
        ids: &[i32],
        parts: &[Participation],
        sent_at: DateTime<Utc>,
    ) -> ServiceResult<u64> {
        let invited: HashMap<i32, i32> = invitations::active(db, round_id)
            .await?
            .into_iter()
            .map(|i| (i.organisation_id, i.id))
            .collect();
        let mut messages = Vec::new();
        for (organisation_id, part) in ids.iter().zip(parts) {
            let (Some(&invitation_id), Some(people)) = (
                invited.get(organisation_id),
                self.people.get(organisation_id),
            ) else {
                continue;
            };
            let sealed =
                seal::seal(&self.key, invitation_id, &part.invitation_secret).ok_or_else(|| {
                    ServiceError::internal("a demo invitation secret could not be sealed")
                })?;
            messages.extend(messages_for(
                MessageKind::Invitation,
                0,
                round_id,
                *organisation_id,
                invitation_id,
                Some(&sealed),
                people,
            ));
        }
        Ok(outbox::record_sent(db, messages, sent_at, SEEDED_REPLY).await?)
    }
}
