//! Integration tests: one binary, the real app over HTTP, a fresh database per test on both backends.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod helpers;

mod access;
mod browser;
mod demo;
mod errors;
mod health;
mod invitations;
mod migrations;
mod openapi;
mod organisations;
mod reports;
mod research;
mod respond_api;
mod respond_pages;
mod rounds;
mod surveys;
