//! Random populations of organisations and their answers to the tiny survey, built so that small
//! groups abound: sizes around k, many kinds and regions, a rare kind always present.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use soundings::domain::peers::{Attribute, GroupKey, OrgAttributes};
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
pub struct Org {
    pub code: String,
    pub attributes: OrgAttributes,
    /// None: invited but never submits.
    pub answers: Option<Value>,
}

const KINDS: [(&str, f64); 4] = [
    ("acute", 0.45),
    ("mental_health", 0.3),
    ("community", 0.2),
    ("ambulance", 0.05),
];
const REGIONS: [&str; 4] = ["North", "South", "East", "West"];
const SIZES: [&str; 3] = ["small", "medium", "large"];

fn pick_weighted(rng: &mut ChaCha8Rng, options: &[(&'static str, f64)]) -> &'static str {
    let mut x: f64 = rng.random();
    for (value, weight) in options {
        if x < *weight {
            return value;
        }
        x -= weight;
    }
    options[options.len() - 1].0
}

fn answers(rng: &mut ChaCha8Rng) -> Value {
    let has_plan = rng.random_bool(0.6);
    let mut a =
        json!({ "has_plan": if has_plan { "yes" } else { "no" }, "wte": rng.random_range(0..4) });
    if has_plan {
        a["plan_stage"] = json!(if rng.random_bool(0.5) {
            "draft"
        } else {
            "approved"
        });
    }
    let channels: Vec<&str> = ["a", "b", "c"]
        .into_iter()
        .filter(|_| rng.random_bool(0.4))
        .collect();
    if !channels.is_empty() {
        a["channels"] = json!(channels);
    }
    a
}

/// `n` organisations from `seed`; about one in eight never submits. Two organisations of a kind
/// of their own are always there, so that a small group exists whatever the draw.
pub fn population(seed: u64, n: usize) -> Vec<Org> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let kind = if i < 2 {
                "integrated_care_board"
            } else {
                pick_weighted(&mut rng, &KINDS)
            };
            let region = REGIONS[rng.random_range(0..REGIONS.len())];
            let country = if region == "West" && rng.random_bool(0.5) {
                "Wales"
            } else {
                "England"
            };
            let attributes = OrgAttributes {
                kind: kind.to_owned(),
                region: region.to_owned(),
                country: country.to_owned(),
                size_band: SIZES[rng.random_range(0..SIZES.len())].to_owned(),
            };
            let submits = i < 2 || rng.random_bool(0.88);
            Org {
                code: format!("P{i:03}"),
                attributes,
                answers: submits.then(|| answers(&mut rng)),
            }
        })
        .collect()
}

/// The members (indices into `people`) of the group `key`.
pub fn members(people: &[OrgAttributes], key: &GroupKey) -> BTreeSet<usize> {
    people
        .iter()
        .enumerate()
        .filter(|(_, a)| key.matches(a))
        .map(|(i, _)| i)
        .collect()
}

/// The group key of an API row: each attribute column that is not null.
pub fn key_of_row(row: &Value) -> GroupKey {
    GroupKey(
        Attribute::ALL
            .into_iter()
            .filter_map(|a| row[a.as_str()].as_str().map(|v| (a, v.to_owned())))
            .collect(),
    )
}
