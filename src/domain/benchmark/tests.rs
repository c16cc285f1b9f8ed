use super::*;
use crate::domain::definition::fixtures;
use crate::domain::disclosure::{Respondent, Rules};

/// The snapshot of `population` as the only round, at k = 5.
fn snapshot_of(population: &[Member<'_>]) -> Snapshot {
    let respondents: Vec<Respondent> = population
        .iter()
        .enumerate()
        .map(|(i, m)| Respondent {
            organisation_id: i as i32,
            attributes: m.attributes.clone(),
        })
        .collect();
    Snapshot::build(&respondents, &[], Threshold(5), Rules::Full)
}

fn attrs(kind: &str, region: &str) -> OrgAttributes {
    OrgAttributes {
        kind: kind.into(),
        region: region.into(),
        country: "England".into(),
        size_band: "large".into(),
    }
}

fn scores(overall: f64) -> BTreeMap<String, f64> {
    BTreeMap::from([(OVERALL.to_owned(), overall)])
}

#[test]
fn an_organisation_is_placed_within_the_first_group_large_enough() {
    let def = fixtures::small();
    // Six acute organisations, three of them in London: kind+region is too small, kind is not.
    // Six mental health organisations too: with only one, publishing the acute group beside all
    // organisations would give away that one's score.
    let mut people: Vec<(OrgAttributes, BTreeMap<String, f64>)> = vec![
        (attrs("acute", "London"), scores(10.0)),
        (attrs("acute", "London"), scores(20.0)),
        (attrs("acute", "London"), scores(30.0)),
        (attrs("acute", "North"), scores(40.0)),
        (attrs("acute", "North"), scores(50.0)),
        (attrs("acute", "North"), scores(60.0)),
    ];
    people.extend((0..6).map(|i| (attrs("mental_health", "North"), scores(90.0 + f64::from(i)))));
    let population: Vec<Member<'_>> = people
        .iter()
        .map(|(a, s)| Member {
            attributes: a,
            scores: s,
        })
        .collect();
    let snapshot = snapshot_of(&population);
    let (bench, choice) = benchmark(&def, &population, 1, Some(&scores(15.0)), &snapshot);
    assert_eq!(choice.members.len(), 6);
    assert_eq!(bench.peer_group.grouping, "kind");
    assert_eq!(bench.peer_group.n.value, Some(6));
    assert_eq!(bench.peer_group.skipped.len(), 1);
    // Overall 20 among 10, 20, 30, 40, 50, 60: one below, one equal → (1 + 0.5) / 6 × 100 = 25.
    assert_eq!(bench.overall.percentile.value, Some(25.0));
    // Type 7 quartiles of the six: Q1 = 22.5, median = 35, Q3 = 47.5; 20 < Q1 → quartile 1.
    let peers = bench.overall.peers.value.clone().unwrap();
    assert_eq!((peers.q1, peers.median, peers.q3), (22.5, 35.0, 47.5));
    assert_eq!(bench.overall.quartile.value, Some(1));
    assert_eq!(bench.overall.difference_from_median.value, Some(-15.0));
    assert_eq!(bench.overall.change, Some(5.0));
}

#[test]
fn a_group_below_the_threshold_publishes_nothing_but_the_reason() {
    let def = fixtures::small();
    let people: Vec<(OrgAttributes, BTreeMap<String, f64>)> = (0..3)
        .map(|i| (attrs("acute", "London"), scores(f64::from(i) * 10.0)))
        .collect();
    let population: Vec<Member<'_>> = people
        .iter()
        .map(|(a, s)| Member {
            attributes: a,
            scores: s,
        })
        .collect();
    let snapshot = snapshot_of(&population);
    let (bench, _) = benchmark(&def, &population, 0, None, &snapshot);
    assert_eq!(bench.peer_group.grouping, "all");
    assert!(bench.peer_group.n.suppressed && bench.peer_group.n.value.is_none());
    assert!(bench.overall.peers.value.is_none() && bench.overall.percentile.value.is_none());
    assert!(
        bench
            .overall
            .percentile
            .reason
            .as_deref()
            .unwrap_or_default()
            .contains("fewer than 5")
    );
    // The organisation's own score is its own to see.
    assert_eq!(bench.overall.score, Some(0.0));

    let stats = statistics(&def, &population, &Grouping::all(), &snapshot);
    assert!(
        stats
            .iter()
            .all(|g| g.stats.value.is_none() && g.n.value.is_none() && g.n.suppressed)
    );
}
