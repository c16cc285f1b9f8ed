//! Descriptive statistics of a peer group's scores: pure functions, no I/O, no suppression
//! (disclosure control lives in [`crate::domain::peers`]). Every figure can be reproduced by a
//! researcher with R, numpy or pandas defaults; the formulas, for n values x₁..xₙ:
//!
//! - **mean** = (x₁ + … + xₙ) / n.
//! - **sd** (sample standard deviation) = √( Σ (xᵢ − mean)² / (n − 1) ); absent when n < 2.
//!   This is R's `sd`, pandas' `std()` and numpy's `std(ddof=1)`.
//! - **quantile** at p ∈ [0, 1] of the ascending values x₍₀₎..x₍ₙ₋₁₎ (Hyndman & Fan type 7, the
//!   default of R's `quantile`, numpy's `quantile` and pandas' `quantile`):
//!   h = (n − 1)·p, then x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎).
//!   Q1, median and Q3 are the quantiles at 0.25, 0.5 and 0.75; min and max at 0 and 1.
//! - **percentile rank** of x = (count of values below x + 0.5 × count equal to x) / n × 100,
//!   a number from 0 to 100.
//! - **quartile** of x, from 1 (lowest) to 4: 1 when x < Q1; 2 when Q1 ≤ x < median; 3 when
//!   median ≤ x < Q3; 4 when x ≥ Q3. A value on a boundary goes to the higher quartile, so when
//!   every peer has the same score, that score is in quartile 4.
//!
//! Scores are `f64` and may come out of arithmetic (`100 × 2 / 3`), so "equal" means within
//! [`TOLERANCE`] (an absolute 1e-9) in the percentile rank and at quartile boundaries; a score a
//! rounding error below Q1 is still at Q1. Sorting uses [`f64::total_cmp`]. Callers pass finite
//! values; nothing is filtered out.

use serde::Serialize;

/// Two scores closer than this are equal (percentile rank ties, quartile boundaries). Scores run
/// 0–100, so 1e-9 is far below any real difference and far above rounding noise.
pub const TOLERANCE: f64 = 1e-9;

/// The descriptive statistics of a set of values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (divisor n − 1); `None` when n < 2.
    pub sd: Option<f64>,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
}

/// n, mean, sd, min, quartiles and max of `values` (in any order); `None` when empty.
pub fn summarise(values: &[f64]) -> Option<Summary> {
    let mean = mean(values)?;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let sd = (n >= 2).then(|| {
        let squares: f64 = sorted.iter().map(|x| (x - mean).powi(2)).sum();
        (squares / (n - 1) as f64).sqrt()
    });
    Some(Summary {
        n,
        mean,
        sd,
        min: sorted[0],
        q1: quantile(&sorted, 0.25),
        median: quantile(&sorted, 0.5),
        q3: quantile(&sorted, 0.75),
        max: sorted[n - 1],
    })
}

/// The arithmetic mean; `None` when empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(values.iter().sum::<f64>() / values.len() as f64)
}

/// The type 7 quantile at `p` of values already sorted ascending (see the module doc).
///
/// `p` outside 0..=1 is clamped to it. An empty slice has no quantile and gives NaN; callers
/// holding a [`Summary`] never meet that case.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let h = last as f64 * p.clamp(0.0, 1.0);
    let lo = (h.floor() as usize).min(last);
    let frac = h - lo as f64;
    let a = sorted[lo];
    if frac <= 0.0 || lo == last {
        return a;
    }
    let b = sorted[lo + 1];
    // Rounding can push a + frac·(b − a) a hair past b; clamping keeps the result monotone in p
    // and inside min..max.
    (a + frac * (b - a)).clamp(a, b)
}

/// Where `x` stands among `values`: (below + 0.5 × equal) / n × 100, from 0 to 100, with
/// equality within [`TOLERANCE`]. `values` need not be sorted. An empty group gives NaN.
pub fn percentile_rank(values: &[f64], x: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let (below, equal) = values.iter().fold((0usize, 0usize), |(below, equal), &v| {
        if (v - x).abs() <= TOLERANCE {
            (below, equal + 1)
        } else if v < x {
            (below + 1, equal)
        } else {
            (below, equal)
        }
    });
    (below as f64 + 0.5 * equal as f64) / values.len() as f64 * 100.0
}

/// The quartile (1–4) of `x` in a group summarised by `summary`: 1 when x < Q1, 2 when
/// Q1 ≤ x < median, 3 when median ≤ x < Q3, 4 when x ≥ Q3. "x ≥ b" includes x within
/// [`TOLERANCE`] below b.
pub fn quartile_of(summary: &Summary, x: f64) -> u8 {
    let reaches = |boundary: f64| x >= boundary - TOLERANCE;
    if reaches(summary.q3) {
        4
    } else if reaches(summary.median) {
        3
    } else if reaches(summary.q1) {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    //! Expected values were computed independently with Python's `statistics` module
    //! (`quantiles(xs, n=4, method="inclusive")`, which is type 7, and `stdev`), and by hand where
    //! the comment shows the arithmetic.

    use super::*;
    use proptest::prelude::*;

    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-12,
            "expected {expected}, got {actual}"
        );
    }

    fn quartiles(values: &[f64]) -> (f64, f64, f64) {
        let s = summarise(values).unwrap();
        (s.q1, s.median, s.q3)
    }

    #[test]
    fn an_empty_group_has_no_summary_and_no_mean() {
        assert_eq!(summarise(&[]), None);
        assert_eq!(mean(&[]), None);
        assert!(quantile(&[], 0.5).is_nan());
        assert!(percentile_rank(&[], 1.0).is_nan());
    }

    #[test]
    fn one_value_is_every_statistic_and_has_no_sd() {
        let s = summarise(&[42.0]).unwrap();
        assert_eq!(
            s,
            Summary {
                n: 1,
                mean: 42.0,
                sd: None,
                min: 42.0,
                q1: 42.0,
                median: 42.0,
                q3: 42.0,
                max: 42.0
            }
        );
    }

    #[test]
    fn two_values_interpolate_between_them() {
        // h = (2 − 1)·p: Q1 = 10 + 0.25·10 = 12.5, median 15, Q3 17.5; sd = √(25 + 25) = 7.0710…
        let s = summarise(&[20.0, 10.0]).unwrap();
        assert_eq!((s.q1, s.median, s.q3), (12.5, 15.0, 17.5));
        assert_eq!((s.min, s.max, s.mean), (10.0, 20.0, 15.0));
        close(s.sd.unwrap(), 7.0710678118654755);
    }

    #[test]
    fn quartiles_of_one_to_four_match_r_type_7() {
        // R: quantile(c(1,2,3,4), type = 7) → 1.75, 2.5, 3.25.
        assert_eq!(quartiles(&[1.0, 2.0, 3.0, 4.0]), (1.75, 2.5, 3.25));
    }

    #[test]
    fn quartiles_of_an_even_group_interpolate() {
        // n = 6: Q1 h = 1.25 → 15 + 0.25·(36 − 15) = 20.25; median h = 2.5 → 37.5;
        // Q3 h = 3.75 → 39 + 0.75·(40 − 39) = 39.75.
        assert_eq!(
            quartiles(&[7.0, 15.0, 36.0, 39.0, 40.0, 41.0]),
            (20.25, 37.5, 39.75)
        );
    }

    #[test]
    fn quartiles_of_an_odd_unsorted_group_land_on_order_statistics() {
        // Sorted: 1, 1, 3, 4, 5; h = 1, 2, 3 exactly.
        let s = summarise(&[3.0, 1.0, 4.0, 1.0, 5.0]).unwrap();
        assert_eq!(
            (s.min, s.q1, s.median, s.q3, s.max),
            (1.0, 1.0, 3.0, 4.0, 5.0)
        );
        close(s.mean, 2.8);
        close(s.sd.unwrap(), 1.7888543819998317);
    }

    #[test]
    fn sample_sd_and_quartiles_with_ties() {
        // mean 5; Σ(x − 5)² = 9+1+1+1+0+0+4+16 = 32; sd = √(32/7) = 2.138089935299395.
        // Q1 h = 1.75 → 4; median h = 3.5 → 4.5; Q3 h = 5.25 → 5 + 0.25·2 = 5.5.
        let s = summarise(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(s.mean, 5.0);
        close(s.sd.unwrap(), 2.138089935299395);
        assert_eq!((s.q1, s.median, s.q3), (4.0, 4.5, 5.5));
    }

    #[test]
    fn all_equal_values_have_zero_sd_and_equal_quartiles() {
        let s = summarise(&[3.0, 3.0, 3.0]).unwrap();
        assert_eq!(s.sd, Some(0.0));
        assert_eq!(
            (s.min, s.q1, s.median, s.q3, s.max),
            (3.0, 3.0, 3.0, 3.0, 3.0)
        );
        assert_eq!(percentile_rank(&[3.0, 3.0, 3.0], 3.0), 50.0);
        assert_eq!(quartile_of(&s, 3.0), 4);
    }

    #[test]
    fn deciles_of_one_to_ten_match_type_7() {
        // h = 9p, so the k-th decile is 1 + 0.9k.
        let sorted: Vec<f64> = (1..=10).map(f64::from).collect();
        for k in 1..=9 {
            close(
                quantile(&sorted, f64::from(k) / 10.0),
                1.0 + 0.9 * f64::from(k),
            );
        }
        assert_eq!(quantile(&sorted, 0.0), 1.0);
        assert_eq!(quantile(&sorted, 1.0), 10.0);
        assert_eq!(quantile(&sorted, -1.0), 1.0);
        assert_eq!(quantile(&sorted, 2.0), 10.0);
    }

    #[test]
    fn percentile_rank_counts_ties_as_half() {
        let values = [2.0, 1.0, 3.0, 2.0];
        // below 1, equal 2 → (1 + 1) / 4 = 50.
        assert_eq!(percentile_rank(&values, 2.0), 50.0);
        // below 0, equal 1 → 0.5 / 4 = 12.5; below 3, equal 1 → 3.5 / 4 = 87.5.
        assert_eq!(percentile_rank(&values, 1.0), 12.5);
        assert_eq!(percentile_rank(&values, 3.0), 87.5);
        // Between values: below 1, equal 0 → 25.
        assert_eq!(percentile_rank(&values, 1.5), 25.0);
    }

    #[test]
    fn percentile_rank_is_0_below_everyone_and_100_above_everyone() {
        let values = [10.0, 20.0, 30.0];
        assert_eq!(percentile_rank(&values, 0.0), 0.0);
        assert_eq!(percentile_rank(&values, 31.0), 100.0);
        assert_eq!(percentile_rank(&[50.0], 50.0), 50.0);
    }

    #[test]
    fn percentile_rank_treats_rounding_noise_as_equal() {
        // 0.1 + 0.2 is 0.30000000000000004 in f64.
        assert_eq!(percentile_rank(&[0.1 + 0.2, 1.0], 0.3), 25.0);
        assert_eq!(
            percentile_rank(&[100.0 * 2.0 / 3.0], 66.666_666_666_666_7),
            50.0
        );
    }

    #[test]
    fn quartile_boundaries_belong_to_the_upper_quartile() {
        let s = summarise(&[1.0, 2.0, 3.0, 4.0]).unwrap(); // 1.75, 2.5, 3.25
        assert_eq!(quartile_of(&s, 1.0), 1);
        assert_eq!(quartile_of(&s, 1.749), 1);
        assert_eq!(quartile_of(&s, 1.75), 2);
        assert_eq!(quartile_of(&s, 2.499), 2);
        assert_eq!(quartile_of(&s, 2.5), 3);
        assert_eq!(quartile_of(&s, 3.249), 3);
        assert_eq!(quartile_of(&s, 3.25), 4);
        assert_eq!(quartile_of(&s, 100.0), 4);
        // Within the tolerance below a boundary counts as on it.
        assert_eq!(quartile_of(&s, 1.75 - 1e-12), 2);
    }

    #[test]
    fn the_summary_serialises_with_a_null_sd_for_one_value() {
        let json = serde_json::to_value(summarise(&[1.0]).unwrap()).unwrap();
        assert_eq!(json["sd"], serde_json::Value::Null);
        assert_eq!(json["n"], 1);
    }

    /// Arbitrary values, or scores from a few levels so that ties are common.
    fn scores() -> impl Strategy<Value = Vec<f64>> {
        prop_oneof![
            prop::collection::vec(-1.0e6..1.0e6f64, 1..40),
            prop::collection::vec((0u8..=4).prop_map(|k| 25.0 * f64::from(k)), 1..40),
        ]
    }

    proptest! {
        #[test]
        fn quantiles_are_monotone_in_p_and_within_min_max(
            values in scores(), p in 0.0..=1.0f64, q in 0.0..=1.0f64
        ) {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let (lo, hi) = if p <= q { (p, q) } else { (q, p) };
            let (a, b) = (quantile(&sorted, lo), quantile(&sorted, hi));
            prop_assert!(a <= b, "q({lo}) = {a} > q({hi}) = {b}");
            prop_assert!(sorted[0] <= a && b <= sorted[sorted.len() - 1]);
        }

        #[test]
        fn the_summary_is_ordered_from_min_to_max(values in scores()) {
            let s = summarise(&values).unwrap();
            prop_assert!(s.min <= s.q1 && s.q1 <= s.median && s.median <= s.q3 && s.q3 <= s.max);
            prop_assert!(s.min <= s.mean + 1e-6 && s.mean <= s.max + 1e-6);
            prop_assert_eq!(s.sd.is_some(), values.len() >= 2);
        }

        #[test]
        fn percentile_rank_is_within_0_100_and_monotone_in_x(
            values in scores(), x in -2.0e6..2.0e6f64, y in -2.0e6..2.0e6f64
        ) {
            let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
            let (a, b) = (percentile_rank(&values, lo), percentile_rank(&values, hi));
            prop_assert!((0.0..=100.0).contains(&a) && (0.0..=100.0).contains(&b));
            prop_assert!(a <= b, "rank({lo}) = {a} > rank({hi}) = {b}");
        }

        #[test]
        fn percentile_rank_of_a_member_ties_with_itself(values in scores(), i in any::<prop::sample::Index>()) {
            let x = values[i.index(values.len())];
            let rank = percentile_rank(&values, x);
            prop_assert!(rank > 0.0 && rank < 100.0);
        }

        #[test]
        fn quartile_is_monotone_in_x(values in scores(), x in -2.0e6..2.0e6f64, y in -2.0e6..2.0e6f64) {
            let s = summarise(&values).unwrap();
            let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
            prop_assert!(quartile_of(&s, lo) <= quartile_of(&s, hi));
        }
    }
}
