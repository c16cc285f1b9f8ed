use crate::domain::scoring::score;

use super::{instrument, organisations, responses, share};

/// SURVEY.md: 8 of 27 trusts had no strategy; in 10 of 27 a single person did social media.
#[test]
fn round_zero_matches_survey_shares_within_four_points() {
    let def = instrument();
    for count in [220, 2_000] {
        let round_zero = responses(1, &def, &organisations(1, count), 0);
        let no_strategy = share(&round_zero, "strategy_status", "none");
        let one_person = share(&round_zero, "staff_count", "one");
        assert!((no_strategy - 0.30).abs() <= 0.04, "{count}: {no_strategy}");
        assert!((one_person - 0.37).abs() <= 0.04, "{count}: {one_person}");
    }
}

#[test]
fn a_year_later_most_improve_some_stay_the_same_and_none_collapse() {
    let def = instrument();
    let orgs = organisations(1, 220);
    let overall = |round_index| -> Vec<f64> {
        responses(1, &def, &orgs, round_index)
            .iter()
            .map(|r| score(&def, &r.answers).overall)
            .collect()
    };
    let (before, after) = (overall(0), overall(1));
    let mean = |scores: &[f64]| scores.iter().sum::<f64>() / scores.len() as f64;
    assert!(
        mean(&after) > mean(&before) + 1.0,
        "{} -> {}",
        mean(&before),
        mean(&after)
    );
    let unchanged = before.iter().zip(&after).filter(|(b, a)| a == b).count();
    let share_unchanged = unchanged as f64 / before.len() as f64;
    assert!((0.15..0.45).contains(&share_unchanged), "{share_unchanged}");
    for (b, a) in before.iter().zip(&after) {
        assert!(*a > b - 5.0, "{b} -> {a}");
    }
}
