//! Tests of the demo data: organisations, answers and their calibration to SURVEY.md.

mod calibration;
mod fictional_organisations;
mod valid_answers;

use crate::domain::definition::{Definition, Format};

use super::{DemoOrganisation, DemoResponse, organisations, responses};

const INSTRUMENT: &str = include_str!("../../instruments/nhs-social-media-maturity.v1.yaml");

fn instrument() -> Definition {
    Definition::parse(INSTRUMENT, Format::Yaml).expect("the shipped instrument is valid")
}

/// The demo's own numbers: seed 1, 220 organisations.
fn demo() -> (Definition, Vec<DemoOrganisation>) {
    (instrument(), organisations(1, 220))
}

fn round(def: &Definition, orgs: &[DemoOrganisation], round_index: usize) -> Vec<DemoResponse> {
    responses(1, def, orgs, round_index)
}

/// The share of responses in which `key` was answered `value`.
fn share(responses: &[DemoResponse], key: &str, value: &str) -> f64 {
    let hits = responses
        .iter()
        .filter(|r| r.answers.get(key).and_then(|a| a.as_text()) == Some(value))
        .count();
    hits as f64 / responses.len() as f64
}
