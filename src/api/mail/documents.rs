//! The mail API's request and answer documents.

use super::super::pagination::PageInfo;
use crate::api::text::Text;
use crate::domain::mail::MessageKind;
use chrono::{DateTime, Utc};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object};

#[derive(Object)]
pub struct SendInvitationsRequest {
    /// Codes of the organisations to invite; absent means every organisation.
    #[oai(validator(max_items = 20000))]
    #[oai(nullable)]
    pub organisations: Option<Vec<Text>>,
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
    /// Codes of the organisations to remind (each only if it has not submitted, and is in `only`);
    /// absent means every organisation. Unknown codes: 422, and nothing is sent.
    #[oai(validator(max_items = 20000))]
    #[oai(nullable)]
    pub organisations: Option<Vec<Text>>,
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
