//! Fictional organisations: invented names in the patterns NHS bodies use, with a realistic mix
//! of nations, kinds, regions and sizes.

use std::collections::HashSet;

use serde::Serialize;

use super::draws::{Draws, Purpose};
use super::places::{Style, place};
use crate::domain::organisation::RawOrganisation;

/// A fictional organisation, with the attributes peer groups are built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoOrganisation {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub country: String,
    pub size_band: String,
}

impl DemoOrganisation {
    /// The attributes as [`crate::domain::organisation::OrganisationInput::parse`] reads them.
    pub fn as_raw(&self) -> RawOrganisation<'_> {
        RawOrganisation {
            code: &self.code,
            name: &self.name,
            kind: &self.kind,
            region: &self.region,
            country: &self.country,
            size_band: &self.size_band,
            language: "",
        }
    }
}

/// The order size bands run in, smallest first.
pub const SIZE_BANDS: [&str; 3] = ["small", "medium", "large"];

struct Nation {
    country: &'static str,
    /// Roughly the nation's share of UK NHS bodies.
    share: f64,
    style: Style,
    /// (region, weight); one region for a devolved nation.
    regions: &'static [(&'static str, f64)],
    kinds: &'static [Kind],
}

struct Kind {
    key: &'static str,
    /// The kind's share within its nation.
    share: f64,
    /// Weights of small, medium and large.
    sizes: [f64; 3],
    /// Name patterns: `{}` is one place, or "A and B" when single places run out.
    patterns: &'static [&'static str],
    /// The code's first characters; random characters follow.
    code_prefix: &'static str,
    /// How many random characters follow at first (more once those codes run out).
    code_length: usize,
}

const ENGLISH_REGIONS: &[(&str, f64)] = &[
    ("North East and Yorkshire", 0.17),
    ("North West", 0.14),
    ("Midlands", 0.18),
    ("East of England", 0.11),
    ("London", 0.14),
    ("South East", 0.16),
    ("South West", 0.10),
];

const NATIONS: &[Nation] = &[
    Nation {
        country: "England",
        share: 0.83,
        style: Style::English,
        regions: ENGLISH_REGIONS,
        kinds: &[
            Kind {
                key: "acute",
                share: 0.50,
                sizes: [0.25, 0.45, 0.30],
                patterns: &[
                    "{} Hospitals NHS Foundation Trust",
                    "{} General Hospital NHS Trust",
                    "{} Healthcare NHS Trust",
                    "{} Teaching Hospitals NHS Foundation Trust",
                ],
                code_prefix: "R",
                code_length: 2,
            },
            Kind {
                key: "mental_health",
                share: 0.20,
                sizes: [0.35, 0.45, 0.20],
                patterns: &[
                    "{} Partnership NHS Foundation Trust",
                    "{} Mental Health NHS Trust",
                    "{} Care NHS Foundation Trust",
                ],
                code_prefix: "R",
                code_length: 2,
            },
            Kind {
                key: "community",
                share: 0.08,
                sizes: [0.50, 0.40, 0.10],
                patterns: &[
                    "{} Community Health NHS Trust",
                    "{} Community Healthcare NHS Foundation Trust",
                ],
                code_prefix: "R",
                code_length: 2,
            },
            Kind {
                key: "ambulance",
                share: 0.04,
                sizes: [0.0, 0.30, 0.70],
                patterns: &[
                    "{} Ambulance Service NHS Trust",
                    "{} Ambulance Service NHS Foundation Trust",
                ],
                code_prefix: "R",
                code_length: 2,
            },
            Kind {
                key: "integrated_care_board",
                share: 0.18,
                sizes: [0.15, 0.45, 0.40],
                patterns: &["NHS {} Integrated Care Board"],
                code_prefix: "Q",
                code_length: 2,
            },
        ],
    },
    Nation {
        country: "Scotland",
        share: 0.09,
        style: Style::Scottish,
        regions: &[("Scotland", 1.0)],
        kinds: &[Kind {
            key: "health_board",
            share: 1.0,
            sizes: [0.35, 0.40, 0.25],
            patterns: &["NHS {}"],
            code_prefix: "S",
            code_length: 2,
        }],
    },
    Nation {
        country: "Wales",
        share: 0.05,
        style: Style::Welsh,
        regions: &[("Wales", 1.0)],
        kinds: &[Kind {
            key: "health_board",
            share: 1.0,
            sizes: [0.25, 0.45, 0.30],
            patterns: &["{} University Health Board", "{} Teaching Health Board"],
            code_prefix: "7A",
            code_length: 1,
        }],
    },
    Nation {
        country: "Northern Ireland",
        share: 0.03,
        style: Style::Irish,
        regions: &[("Northern Ireland", 1.0)],
        kinds: &[Kind {
            key: "health_and_social_care_trust",
            share: 1.0,
            sizes: [0.20, 0.50, 0.30],
            patterns: &["{} Health and Social Care Trust"],
            code_prefix: "Z",
            code_length: 2,
        }],
    },
];

/// `count` fictional organisations, the same for the same seed. Every nation is present once
/// there are at least four; the mix of nations and kinds is apportioned exactly (England about
/// 83%, Scotland 9%, Wales 5%, Northern Ireland 3%), regions and sizes are drawn. Codes and
/// names are unique. The list is shuffled, so its first organisations are a fair sample.
pub fn organisations(seed: u64, count: usize) -> Vec<DemoOrganisation> {
    let mut draws = Draws::new(seed, Purpose::Organisation, 0);
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    let mut orgs = Vec::with_capacity(count);
    let nation_counts = apportion(count, &NATIONS.iter().map(|n| n.share).collect::<Vec<_>>());
    for (nation, nation_count) in NATIONS.iter().zip(nation_counts) {
        let shares: Vec<f64> = nation.kinds.iter().map(|k| k.share).collect();
        for (kind, kind_count) in nation.kinds.iter().zip(apportion(nation_count, &shares)) {
            for _ in 0..kind_count {
                let weights: Vec<f64> = nation.regions.iter().map(|r| r.1).collect();
                let region = nation.regions[draws.weighted(&weights)].0;
                let size_band = SIZE_BANDS[draws.weighted(&kind.sizes)];
                let code = unique_code(&mut draws, &mut codes, kind);
                let name = unique_name(&mut draws, &mut names, nation.style, kind, &code);
                orgs.push(DemoOrganisation {
                    code,
                    name,
                    kind: kind.key.to_owned(),
                    region: region.to_owned(),
                    country: nation.country.to_owned(),
                    size_band: size_band.to_owned(),
                });
            }
        }
    }
    for i in (1..orgs.len()).rev() {
        orgs.swap(i, draws.below(i + 1));
    }
    orgs
}

/// Splits `total` in proportion to `shares` by largest remainder, giving each share at least
/// one when there are enough to go round (taken from the largest).
fn apportion(total: usize, shares: &[f64]) -> Vec<usize> {
    let sum: f64 = shares.iter().sum();
    let exact: Vec<f64> = shares.iter().map(|s| total as f64 * s / sum).collect();
    let mut counts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut by_remainder: Vec<usize> = (0..shares.len()).collect();
    by_remainder
        .sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    let assigned: usize = counts.iter().sum();
    for &i in by_remainder.iter().take(total.saturating_sub(assigned)) {
        counts[i] += 1;
    }
    if total >= shares.len() {
        for i in 0..counts.len() {
            let largest = (0..counts.len()).max_by_key(|&j| counts[j]).unwrap_or(i);
            if counts[i] == 0 && counts[largest] > 1 {
                counts[i] = 1;
                counts[largest] -= 1;
            }
        }
    }
    counts
}

const CODE_CHARACTERS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A code not used before: the kind's prefix and random characters, lengthened when the shorter
/// codes run out (a 10,000-organisation list still fits in five characters).
fn unique_code(draws: &mut Draws, codes: &mut HashSet<String>, kind: &Kind) -> String {
    let mut length = kind.code_length;
    loop {
        for _ in 0..40 {
            let mut code = kind.code_prefix.to_owned();
            for _ in 0..length {
                code.push(char::from(
                    CODE_CHARACTERS[draws.below(CODE_CHARACTERS.len())],
                ));
            }
            if codes.insert(code.clone()) {
                return code;
            }
        }
        length += 1;
    }
}

/// A name not used before: one place in one of the kind's patterns, then "A and B" once single
/// places keep colliding, and as a last resort the code in brackets (which is unique).
fn unique_name(
    draws: &mut Draws,
    names: &mut HashSet<String>,
    style: Style,
    kind: &Kind,
    code: &str,
) -> String {
    for attempt in 0..200 {
        let places = if attempt < 30 {
            place(draws, style)
        } else {
            let (a, b) = (place(draws, style), place(draws, style));
            if a == b {
                continue;
            }
            format!("{a} and {b}")
        };
        let pattern = kind.patterns[draws.below(kind.patterns.len())];
        let name = pattern.replace("{}", &places);
        if names.insert(name.clone()) {
            return name;
        }
    }
    let name = format!(
        "{} ({code})",
        kind.patterns[0].replace("{}", &place(draws, style))
    );
    names.insert(name.clone());
    name
}
