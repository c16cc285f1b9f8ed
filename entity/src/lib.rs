//! sea-orm entities, one module per table. Plain data: no logic lives here.

pub mod answer;
pub mod api_key;
pub mod app_secret;
pub mod audit_event;
pub mod console_session;
pub mod contact;
pub mod delegate;
pub mod delegated_section;
pub mod invitation;
pub mod organisation;
pub mod outbox_message;
pub mod release;
pub mod release_response;
pub mod reminder_policy;
pub mod report_share;
pub mod response;
pub mod response_section;
pub mod round;
pub mod score;
pub mod survey;
pub mod survey_version;
