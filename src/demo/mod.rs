//! Synthetic data for the demo and the benchmarks: fictional organisations, and complete, valid,
//! plausible answers for them, as SURVEY.md ("Synthetic data for the demo and benchmarks") asks.
//!
//! Pure and deterministic: a seed gives the same data on every run and platform, and nothing here
//! touches the database or the clock. Names are invented (see `places`), so no invented answer is
//! ever attributed to a real body.
//!
//! Each organisation has a latent *maturity*, a percentile in 0..1: mostly chance, partly its
//! size (larger organisations tend to be further along). Its answers follow that maturity
//! through the generic rule in `answers`, which works for any valid definition; `targets` holds
//! the few numbers from SURVEY.md (30% with no strategy, 37% with a single person responsible)
//! and the answers that need more than the generic rule. A year later most organisations'
//! maturity rises a little and about one in five stays where it was; since an organisation's
//! noise is the same in every round, its answers never go backwards.

mod answers;
mod contacts;
mod draws;
mod organisations;
mod percentiles;
mod places;
pub mod seed;
mod survey_facts;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::domain::answers::{Answers, check_complete, prune_hidden, visible_questions};
use crate::domain::definition::Definition;

pub use contacts::{DemoContact, contact};
use draws::{Draws, Purpose, blend};
pub use organisations::{DemoOrganisation, SIZE_BANDS, organisations};
use percentiles::{Layout, Noise, Percentiles, position};
pub use seed::DemoLinks;

/// How much of an organisation's maturity is chance; the rest follows its size band.
const CHANCE_WEIGHT: f64 = 0.8;
/// The share of organisations whose maturity does not change from one round to the next.
const UNCHANGED: f64 = 0.2;
/// The rise in maturity, on the 0..1 percentile scale, for those that improve.
const IMPROVEMENT: (f64, f64) = (0.02, 0.08);

/// One organisation's answers in one round.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoResponse {
    /// The organisation's index in the list passed to [`responses`].
    pub organisation: usize,
    pub answers: Answers,
}

/// Complete answers from every organisation in `orgs` (in their order) for round `round_index`:
/// 0 is the first year, 1 a year later, and so on. Every answer is valid for its question, hidden
/// questions are pruned, and every shown required question is answered. Calibrated shares hold
/// over `orgs` as a whole in round 0, so the answers of one organisation depend on the others:
/// pass the same list in every round.
pub fn responses(
    seed: u64,
    definition: &Definition,
    orgs: &[DemoOrganisation],
    round_index: usize,
) -> Vec<DemoResponse> {
    let layout = Layout::new(definition);
    let maturity = maturities(seed, orgs);
    let noise: Vec<Noise> = (0..orgs.len())
        .map(|i| Noise::new(seed, i, definition, &layout))
        .collect();
    let round_zero: Vec<Vec<f64>> = (0..layout.columns)
        .map(|column| {
            let mut positions: Vec<f64> = maturity
                .iter()
                .zip(&noise)
                .map(|(m, n)| position(*m, n.column(column)))
                .collect();
            positions.sort_by(f64::total_cmp);
            positions
        })
        .collect();
    maturity
        .iter()
        .zip(&noise)
        .enumerate()
        .map(|(i, (base, noise))| {
            let percentiles = Percentiles::Population {
                round_zero: &round_zero,
                maturity: (base + improvement(seed, i, round_index)).min(1.0),
            };
            DemoResponse {
                organisation: i,
                answers: answers::answers(definition, &layout, noise, &percentiles),
            }
        })
        .collect()
}

/// A half-finished response from organisation `org_index`: its answers to the first half of the
/// sections (the first half of the questions when there is one section), so not complete. The
/// organisation's maturity here ignores its size band, which this function is not given.
/// Incomplete whenever the definition has a required question.
pub fn partial_answers(seed: u64, definition: &Definition, org_index: usize) -> Answers {
    let layout = Layout::new(definition);
    let noise = Noise::new(seed, org_index, definition, &layout);
    let maturity = Draws::new(seed, Purpose::Maturity, org_index as u64).unit();
    let mut answers = answers::answers(
        definition,
        &layout,
        &noise,
        &Percentiles::Expected { maturity },
    );
    let kept: Vec<&str> = if definition.sections.len() > 1 {
        definition.sections[..definition.sections.len() / 2]
            .iter()
            .flat_map(|s| &s.questions)
            .map(|q| q.key.as_str())
            .collect()
    } else {
        let keys: Vec<&str> = definition.questions().map(|q| q.key.as_str()).collect();
        keys[..keys.len() / 2].to_vec()
    };
    answers.retain(|key, _| kept.contains(&key.as_str()));
    // A definition whose later questions are all optional would now be complete: take back
    // required answers, last first, until it is not.
    while check_complete(definition, &answers).is_empty() {
        let last_required = visible_questions(definition, &answers)
            .into_iter()
            .rev()
            .find(|q| q.required && answers.contains_key(&q.key))
            .map(|q| q.key.clone());
        let Some(key) = last_required else { break };
        answers.remove(&key);
        prune_hidden(definition, &mut answers);
    }
    answers
}

/// Each organisation's round-0 maturity: chance blended with its size band's percentile among
/// `orgs`, so that maturities stay uniform over the population.
fn maturities(seed: u64, orgs: &[DemoOrganisation]) -> Vec<f64> {
    let rank = |band: &str| {
        let known = SIZE_BANDS.iter().position(|b| *b == band);
        (known.unwrap_or(SIZE_BANDS.len()), band.to_owned())
    };
    let mut counts: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for org in orgs {
        *counts.entry(rank(&org.size_band)).or_default() += 1;
    }
    let mut below = BTreeMap::new();
    let mut cumulative = 0;
    for (band, count) in &counts {
        below.insert(band.clone(), (cumulative, *count));
        cumulative += count;
    }
    let total = orgs.len().max(1) as f64;
    orgs.iter()
        .enumerate()
        .map(|(i, org)| {
            let mut draws = Draws::new(seed, Purpose::Maturity, i as u64);
            let chance = draws.unit();
            let (before, count) = below.get(&rank(&org.size_band)).copied().unwrap_or((0, 0));
            let size = (before as f64 + draws.unit() * count as f64) / total;
            blend(CHANCE_WEIGHT, chance, size)
        })
        .collect()
}

/// How far organisation `org`'s maturity has risen by round `round_index`.
fn improvement(seed: u64, org: usize, round_index: usize) -> f64 {
    let mut draws = Draws::new(seed, Purpose::Improvement, org as u64);
    (0..round_index)
        .map(|_| {
            let rise = draws.between(IMPROVEMENT.0, IMPROVEMENT.1);
            if draws.chance(UNCHANGED) { 0.0 } else { rise }
        })
        .sum()
}
