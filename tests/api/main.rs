//! Integration tests: one binary, the real app over HTTP, a fresh database per test on both backends.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod helpers;

mod access;
mod access_links;
mod access_matrix;
mod accessibility;
mod architecture;
mod browser;
mod cli;
mod concurrency;
mod console;
mod definition_limits;
mod delegation;
mod demo;
mod demo_default;
mod disclosure;
mod durability;
mod errors;
mod health;
mod hostile_input;
mod input_limits;
mod instances;
mod invitations;
mod languages;
mod layout;
mod log_hygiene;
mod mail;
mod migrations;
mod nul_probes;
mod openapi;
mod organisations;
mod python_client;
mod rate_limits;
mod releases;
mod reports;
mod research;
mod research_rounds;
mod respond_api;
mod respond_cache;
mod respond_pages;
mod respond_safety;
mod rounds;
mod slow_clients;
mod surveys;
