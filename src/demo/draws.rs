//! The random numbers behind the demo data, and the one way they are combined.
//!
//! Every stream is a `ChaCha8Rng` seeded from the caller's seed, a purpose and an index, so one
//! organisation's numbers do not depend on how many others there are or in what order they are
//! drawn. Only integer arithmetic, `+`, `*` and `/` touch the numbers (no `ln` or `cos`, whose
//! last bit may differ between platforms' maths libraries), so a seed gives the same data
//! everywhere.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What a stream is for; part of its seed, so streams for different purposes never coincide.
#[derive(Clone, Copy)]
pub(super) enum Purpose {
    Organisation = 1,
    Maturity = 2,
    Improvement = 3,
    Answers = 4,
}

pub(super) struct Draws(ChaCha8Rng);

impl Draws {
    pub(super) fn new(seed: u64, purpose: Purpose, index: u64) -> Draws {
        let key = splitmix(splitmix(seed ^ splitmix(purpose as u64)) ^ index);
        Draws(ChaCha8Rng::seed_from_u64(key))
    }

    /// Uniform in [0, 1), from the top 53 bits of the next word.
    pub(super) fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n`; `n` must be at least 1.
    pub(super) fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }

    pub(super) fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    pub(super) fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// An index into `weights`, drawn in proportion to them.
    pub(super) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        pick(self.unit() * total, weights)
    }
}

/// The index whose cumulative weight first exceeds `at` (the last one for `at` beyond them all).
pub(super) fn pick(at: f64, weights: &[f64]) -> usize {
    let mut cumulative = 0.0;
    for (i, weight) in weights.iter().enumerate() {
        cumulative += weight;
        if at < cumulative {
            return i;
        }
    }
    weights.len().saturating_sub(1)
}

/// The percentile of `weight × u + (1 − weight) × v` for independent uniform `u` and `v`: uniform
/// again, and correlated with both. This is how maturity and noise are mixed, so that every
/// mixture stays on the same 0..1 percentile scale. `weight` must be strictly between 0 and 1.
pub(super) fn blend(weight: f64, u: f64, v: f64) -> f64 {
    let x = weight * u + (1.0 - weight) * v;
    let short = weight.min(1.0 - weight);
    let long = weight.max(1.0 - weight);
    // The sum of U(0, short) and U(0, long) has a trapezoidal density; this is its CDF.
    let percentile = if x <= 0.0 {
        0.0
    } else if x < short {
        x * x / (2.0 * short * long)
    } else if x <= long {
        (x - short / 2.0) / long
    } else if x < 1.0 {
        1.0 - (1.0 - x) * (1.0 - x) / (2.0 * short * long)
    } else {
        1.0
    };
    percentile.clamp(0.0, 1.0)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::{Draws, Purpose, blend};

    #[test]
    fn a_blend_of_two_uniforms_is_uniform() {
        let mut draws = Draws::new(7, Purpose::Answers, 0);
        let n = 20_000;
        let mut below = [0usize; 4];
        for _ in 0..n {
            let p = blend(0.7, draws.unit(), draws.unit());
            for (i, cut) in [0.1, 0.3, 0.5, 0.9].iter().enumerate() {
                below[i] += usize::from(p < *cut);
            }
        }
        for (count, cut) in below.iter().zip([0.1, 0.3, 0.5, 0.9]) {
            let share = *count as f64 / n as f64;
            assert!((share - cut).abs() < 0.015, "{share} below {cut}");
        }
    }

    #[test]
    fn streams_differ_by_seed_purpose_and_index() {
        let first = |seed, purpose, index| Draws::new(seed, purpose, index).unit();
        let base = first(1, Purpose::Answers, 0);
        assert_eq!(base, first(1, Purpose::Answers, 0));
        assert_ne!(base, first(2, Purpose::Answers, 0));
        assert_ne!(base, first(1, Purpose::Maturity, 0));
        assert_ne!(base, first(1, Purpose::Answers, 1));
    }
}
