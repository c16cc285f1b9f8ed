//! Soundings: survey many organisations and benchmark each against its peers.
//!
//! `startup` builds the application from typed [`config::Settings`]; the binary and the integration
//! tests both go through it. Requests enter through `api` (JSON) or `web` (HTML), which parse and
//! authorise; `domain` decides (no I/O); `store` is the only place that talks to the database.

#![cfg_attr(
    test,
    allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")
)]

pub mod allowed;
pub mod api;
pub mod benchmarks;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod listener;
pub mod middleware;
pub mod rate_limit;
pub mod report;
pub mod respond;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod testing;
pub mod web;
