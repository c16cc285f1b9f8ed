//! Pure logic with no I/O: roles and secrets, survey definitions, answer validation, scoring,
//! statistics, and the state machines of rounds, versions, responses and links. Nothing here
//! imports `store`, `api` or `web`.

pub mod answers;
pub mod benchmark;
pub mod choice_bits;
pub mod console_session;
pub mod definition;
pub mod delegation;
pub mod disclosure;
pub mod language;
pub mod links;
pub mod mail;
pub mod organisation;
mod parser_properties;
pub mod peers;
pub mod response;
pub mod role;
pub mod round;
pub mod scoring;
pub mod secret;
pub mod state;
pub mod stats;
pub mod survey_version;
pub mod validation;
