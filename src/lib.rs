//! Soundings: survey many organisations and benchmark each against its peers.
//!
//! `app::startup` builds the application from typed [`app::config::Settings`]; the binary and the
//! integration tests both go through it. `ARCHITECTURE.md` is the map. Requests enter through `api` (JSON) or `web` (HTML), which parse and
//! authorise; `domain` decides (no I/O); `store` is the only place that talks to the database.

#![cfg_attr(
    test,
    allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")
)]

pub mod api;
pub mod app;
pub mod catalogue;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod mail;
pub mod report;
pub mod service;
pub mod store;
pub mod templates;
#[cfg(feature = "testing")]
pub mod testing;
pub mod web;
