//! The attacker against the disclosure snapshot itself, on many random populations (the API
//! tests above run a few through the real server): published groups must never determine the
//! total of 1 to k − 1 organisations, export classes must hold more than k, and a group
//! published in two rounds must have the same respondents in both or differ by at least k.

use super::population::population;
use super::{K, Observed, attack};
use proptest::prelude::*;
use soundings::domain::disclosure::{Respondent, Rules, Snapshot, every_grouping};
use soundings::domain::peers::Threshold;
use std::collections::BTreeSet;

fn respondents(seed: u64, n: usize) -> Vec<Respondent> {
    population(seed, n)
        .into_iter()
        .enumerate()
        .filter(|(_, o)| o.answers.is_some())
        .map(|(i, o)| Respondent {
            organisation_id: i as i32,
            attributes: o.attributes,
        })
        .collect()
}

fn observed(snapshot: &Snapshot) -> Observed {
    let mut observed = Observed::default();
    for g in every_grouping() {
        for (key, cell) in snapshot.cells(&g) {
            let shown = cell.verdict.is_published();
            observed
                .published
                .insert((g.to_string(), key.clone()), shown);
            if shown {
                observed.sets.push(cell.members.iter().copied().collect());
            }
        }
    }
    observed
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_published_combination_determines_a_small_set(seed in 0u64..1_000_000, n in 8usize..70) {
        let round = respondents(seed, n);
        let snapshot = Snapshot::build(&round, &[], Threshold(K), Rules::Full);
        let people: Vec<_> = round.iter().map(|r| r.attributes.clone()).collect();
        let breaches = attack(&people, &observed(&snapshot));
        prop_assert!(breaches.is_empty(), "{:?}", &breaches[..breaches.len().min(3)]);
        for class in snapshot.classes() {
            prop_assert!(class.len() > K || class.len() == round.len());
        }
    }

    #[test]
    fn a_group_published_in_two_rounds_changed_by_none_or_at_least_k(
        seed in 0u64..1_000_000,
        n in 20usize..70,
        churn in 0u64..u64::MAX,
    ) {
        let before = respondents(seed, n);
        // The next round: some leave, a few of the invited who did not answer before join.
        let all = respondents(seed ^ churn, n);
        let now: Vec<Respondent> = before
            .iter()
            .filter(|r| !(r.organisation_id as u64).wrapping_mul(churn | 1).is_multiple_of(9))
            .cloned()
            .chain(all.into_iter().filter(|r| r.organisation_id % 11 == 0).map(|mut r| {
                r.organisation_id += 10_000;
                r
            }))
            .collect();
        let earlier = [before];
        let snapshot = Snapshot::build(&now, &earlier, Threshold(K), Rules::Full);
        for g in every_grouping() {
            for (key, cell) in snapshot.cells(&g) {
                if !cell.verdict.is_published() {
                    continue;
                }
                let ids: BTreeSet<i32> = cell.members.iter().map(|&i| now[i].organisation_id).collect();
                let then: BTreeSet<i32> = earlier[0]
                    .iter()
                    .filter(|r| key.matches(&r.attributes))
                    .map(|r| r.organisation_id)
                    .collect();
                let changed = ids.symmetric_difference(&then).count();
                prop_assert!(changed == 0 || changed >= K, "{g} {key:?} changed by {changed}");
            }
        }
    }
}

#[test]
fn the_old_rule_is_broken_on_most_random_populations() {
    let broken = (0..20)
        .filter(|&seed| {
            let round = respondents(seed, 40);
            let snapshot = Snapshot::build(&round, &[], Threshold(K), Rules::PrimaryOnly);
            let people: Vec<_> = round.iter().map(|r| r.attributes.clone()).collect();
            !attack(&people, &observed(&snapshot)).is_empty()
        })
        .count();
    assert!(broken >= 18, "only {broken} of 20 broken");
}
