//! E-mail to organisations: the transport to an SMTP server or to a folder of `.eml` files
//! (`transport`), the messages and their templates (`render`), the sealed links that let a
//! message be written long after its invitation was made (`seal`), and the settings.
//!
//! Requests never send: they queue rows in the outbox (`service::mail`), and the outbox worker
//! (`service::outbox`), started with the server, sends them. Nothing here decides who is sent
//! what, and nothing here reaches the database.

pub mod render;
pub mod seal;
mod settings;
pub mod transport;

pub use settings::{DEFAULT_MAIL_LEASE, DEFAULT_MAIL_OUTBOX_DIR, DEFAULT_SMTP_FROM, MailSettings};
