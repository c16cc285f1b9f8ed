//! Where an answer's percentile comes from. Each scored question (and each option of a
//! multi_choice) has a *position*: part the organisation's maturity, part noise shared by the
//! questions of a dimension, part noise of its own. Its percentile among all organisations is
//! what [`super::answers`] turns into an answer. The noise is drawn once per organisation and is
//! the same in every round, so a rise in maturity can only move answers up.

use crate::domain::definition::{Definition, QuestionKind};

use super::draws::{Draws, Purpose, blend};
use super::survey_facts;

/// How much of a position is the organisation's maturity; the rest is noise.
const MATURITY_WEIGHT: f64 = 0.4;
/// How much of that noise is shared by the questions of one dimension.
const DIMENSION_WEIGHT: f64 = 0.5;
/// Where each question's numbers sit: one column per question, one per option of a multi_choice.
pub(super) struct Layout {
    /// (first column, number of columns) of each question, in document order.
    pub(super) slots: Vec<(usize, usize)>,
    pub(super) columns: usize,
}

impl Layout {
    pub(super) fn new(def: &Definition) -> Layout {
        let mut slots = Vec::new();
        let mut columns = 0;
        for q in def.questions() {
            let width = match &q.kind {
                QuestionKind::MultiChoice { options, .. } => options.len().max(1),
                _ => 1,
            };
            slots.push((columns, width));
            columns += width;
        }
        Layout { slots, columns }
    }
}

/// One organisation's noise: the same in every round, so its answers change only where its
/// maturity does. A question listed in [`survey_facts::FOLLOWS`] mixes in its leader's noise.
pub(super) struct Noise {
    columns: Vec<f64>,
    /// Per question: picks among equals (unscored options, sentences).
    pub(super) pick: Vec<f64>,
    /// Per question: whether an optional question is answered.
    pub(super) skip: Vec<f64>,
}

impl Noise {
    pub(super) fn new(seed: u64, org: usize, def: &Definition, layout: &Layout) -> Noise {
        let mut draws = Draws::new(seed, Purpose::Answers, org as u64);
        let shared: Vec<(&str, f64)> = def
            .dimensions
            .iter()
            .map(|d| (d.key.as_str(), draws.unit()))
            .collect();
        let mut noise = Noise {
            columns: Vec::with_capacity(layout.columns),
            pick: Vec::with_capacity(layout.slots.len()),
            skip: Vec::with_capacity(layout.slots.len()),
        };
        let mut first_noise: Vec<(&str, f64)> = Vec::new();
        for (q, (_, width)) in def.questions().zip(&layout.slots) {
            let dimension = q.dimension.as_deref();
            let shared = shared.iter().find(|(k, _)| Some(*k) == dimension);
            for k in 0..*width {
                let own = draws.unit();
                let mut column = match shared {
                    Some((_, u)) => blend(DIMENSION_WEIGHT, *u, own),
                    None => own,
                };
                let leader = survey_facts::FOLLOWS.iter().find(|(key, ..)| *key == q.key);
                if let Some((_, leader, weight)) = leader
                    && k == 0
                    && let Some((_, led)) = first_noise.iter().find(|(key, _)| key == leader)
                {
                    column = blend(*weight, *led, column);
                }
                if k == 0 {
                    first_noise.push((q.key.as_str(), column));
                }
                noise.columns.push(column);
            }
            noise.pick.push(draws.unit());
            noise.skip.push(draws.unit());
        }
        noise
    }

    pub(super) fn column(&self, column: usize) -> f64 {
        self.columns.get(column).copied().unwrap_or(0.5)
    }
}

/// A position: the organisation's maturity mixed with a column's noise.
pub(super) fn position(maturity: f64, noise: f64) -> f64 {
    MATURITY_WEIGHT * maturity + (1.0 - MATURITY_WEIGHT) * noise
}

/// How a position becomes a percentile.
pub(super) enum Percentiles<'a> {
    /// Ranked among every organisation's round-0 positions (sorted, one list per column), so
    /// round-0 shares come out exactly and a later round shows the population's progress.
    Population {
        round_zero: &'a [Vec<f64>],
        maturity: f64,
    },
    /// The expected percentile, for one organisation on its own.
    Expected { maturity: f64 },
}

impl Percentiles<'_> {
    pub(super) fn of(&self, column: usize, noise: f64) -> f64 {
        match self {
            Percentiles::Population {
                round_zero,
                maturity,
            } => {
                let Some(sorted) = round_zero.get(column).filter(|s| !s.is_empty()) else {
                    return 0.5;
                };
                let x = position(*maturity, noise);
                let below = sorted.partition_point(|v| *v < x);
                ((below as f64 + 0.5) / sorted.len() as f64).min(1.0)
            }
            Percentiles::Expected { maturity } => blend(MATURITY_WEIGHT, *maturity, noise),
        }
    }
}
