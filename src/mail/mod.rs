//! E-mail to organisations: the outbox worker (`worker`), the transport to an SMTP server or to a
//! folder of `.eml` files (`transport`), the messages and their templates (`render`), and the
//! sealed links that let a message be written long after its invitation was made (`seal`).
//!
//! Requests never send: they queue rows in the outbox (`service::mail`), and the worker, started
//! with the server, sends them. Nothing here decides who is sent what.

pub mod render;
pub mod scheduler;
pub mod seal;
pub mod transport;
pub mod worker;
