use super::*;
use std::collections::HashSet;

fn org(kind: &str, region: &str, country: &str, size_band: &str) -> OrgAttributes {
    OrgAttributes {
        kind: kind.into(),
        region: region.into(),
        country: country.into(),
        size_band: size_band.into(),
    }
}

/// `n` respondents of each (kind, region) given, ids from `first_id` on, all in England, large.
fn people(groups: &[(&str, &str, usize)], first_id: i32) -> Vec<Respondent> {
    let mut out = Vec::new();
    for &(kind, region, n) in groups {
        for _ in 0..n {
            out.push(Respondent {
                organisation_id: first_id + out.len() as i32,
                attributes: org(kind, region, "England", "large"),
            });
        }
    }
    out
}

fn kind(value: &str) -> GroupKey {
    GroupKey(vec![(Attribute::Kind, value.to_owned())])
}

fn by_kind() -> Grouping {
    Grouping::of(&[Attribute::Kind])
}

const K: Threshold = Threshold(5);

#[test]
fn a_remainder_that_all_minus_the_published_kinds_would_reveal_is_protected() {
    // Ambulance has 3: withheld (primary). Publishing all organisations and both other kinds
    // would give ambulance's figures by subtraction, so mental health is withheld too.
    let round = people(
        &[
            ("acute", "R1", 10),
            ("mental_health", "R1", 7),
            ("ambulance", "R1", 3),
        ],
        1,
    );
    let s = Snapshot::build(&round, &[], K, Rules::Full);
    assert_eq!(s.verdict(&by_kind(), &kind("acute")), Verdict::Published);
    assert_eq!(
        s.verdict(&by_kind(), &kind("ambulance")),
        Verdict::Suppressed(Suppression::Primary)
    );
    assert_eq!(
        s.verdict(&by_kind(), &kind("mental_health")),
        Verdict::Suppressed(Suppression::Secondary)
    );
    assert_eq!(
        s.verdict(&Grouping::all(), &GroupKey(vec![])),
        Verdict::Published
    );

    // The old rule published mental health, and so gave ambulance away.
    let old = Snapshot::build(&round, &[], K, Rules::PrimaryOnly);
    assert_eq!(
        old.verdict(&by_kind(), &kind("mental_health")),
        Verdict::Published
    );
}

#[test]
fn a_group_of_exactly_k_is_withheld_so_a_member_cannot_learn_about_fewer_than_k_others() {
    let round = people(&[("acute", "R1", 5), ("mental_health", "R1", 6)], 1);
    let s = Snapshot::build(&round, &[], K, Rules::Full);
    assert_eq!(
        s.verdict(&by_kind(), &kind("acute")),
        Verdict::Suppressed(Suppression::Secondary)
    );
    // Mental health would leave acute as all minus it: withheld as well.
    assert!(!s.verdict(&by_kind(), &kind("mental_health")).is_published());
    assert!(
        s.verdict(&Grouping::all(), &GroupKey(vec![]))
            .is_published()
    );
}

#[test]
fn every_export_class_has_more_than_k_members_and_rows_show_only_what_the_class_shares() {
    let round = people(
        &[
            ("acute", "R1", 8),
            ("acute", "R2", 2),
            ("acute", "R3", 1),
            ("mental_health", "R1", 6),
        ],
        1,
    );
    let s = Snapshot::build(&round, &[], K, Rules::Full);
    let mut labels = HashSet::new();
    for class in s.classes() {
        assert!(class.len() > K.0, "{class:?}");
        let label = s.generalised(class[0]).unwrap().clone();
        assert!(class.iter().all(|&i| s.generalised(i) == Some(&label)));
        assert!(labels.insert(label), "two classes read the same");
    }
    // R2 and R3 are pooled with R1, so acute rows do not show a region.
    let acute_r3 = round
        .iter()
        .position(|r| r.attributes.region == "R3")
        .unwrap();
    let shown = s.generalised(acute_r3).unwrap();
    assert_eq!(shown.kind.as_deref(), Some("acute"));
    assert_eq!(shown.shown(Attribute::Region), "*");
    let summary = s.summary();
    assert_eq!(summary.generalised["region"], 11);
    assert_eq!(summary.smallest_class, 6);
}

#[test]
fn a_group_that_one_organisation_joined_since_an_earlier_round_is_withheld() {
    let before = people(
        &[
            ("acute", "R1", 10),
            ("ambulance", "R1", 10),
            ("community", "R1", 6),
            ("mental_health", "R1", 10),
        ],
        1,
    );
    // One acute newcomer, and five ambulance ones (so all organisations change by six).
    let mut now = before.clone();
    now.push(Respondent {
        organisation_id: 100,
        attributes: org("acute", "R1", "England", "large"),
    });
    now.extend((0..5).map(|i| Respondent {
        organisation_id: 300 + i,
        attributes: org("ambulance", "R1", "England", "large"),
    }));
    let s = Snapshot::build(&now, std::slice::from_ref(&before), K, Rules::Full);
    // Acute's figures minus last round's would estimate the newcomer's answers.
    assert!(!s.verdict(&by_kind(), &kind("acute")).is_published());
    // Mental health did not change: still published.
    assert!(s.verdict(&by_kind(), &kind("mental_health")).is_published());
    // Without the earlier round, acute is published.
    let alone = Snapshot::build(&now, &[], K, Rules::Full);
    assert!(alone.verdict(&by_kind(), &kind("acute")).is_published());
    // Six newcomers (more than k) change nothing.
    let mut many = before.clone();
    many.extend((0..6).map(|i| Respondent {
        organisation_id: 200 + i,
        attributes: org("acute", "R1", "England", "large"),
    }));
    let s = Snapshot::build(&many, &[before], K, Rules::Full);
    assert!(s.verdict(&by_kind(), &kind("acute")).is_published());
}

#[test]
fn the_snapshot_does_not_depend_on_the_order_respondents_come_in() {
    let round = people(
        &[
            ("acute", "R1", 7),
            ("acute", "R2", 3),
            ("community", "R2", 2),
            ("mental_health", "R1", 6),
            ("mental_health", "R3", 4),
        ],
        1,
    );
    let mut reversed = round.clone();
    reversed.reverse();
    let (a, b) = (
        Snapshot::build(&round, &[], K, Rules::Full),
        Snapshot::build(&reversed, &[], K, Rules::Full),
    );
    for g in every_grouping() {
        let verdicts = |s: &Snapshot| -> Vec<(GroupKey, Verdict)> {
            s.cells(&g)
                .iter()
                .map(|(k, c)| (k.clone(), c.verdict))
                .collect()
        };
        assert_eq!(verdicts(&a), verdicts(&b), "{g}");
    }
}

#[test]
fn fewer_than_k_plus_one_respondents_publish_nothing() {
    let round = people(&[("acute", "R1", 5)], 1);
    let s = Snapshot::build(&round, &[], K, Rules::Full);
    for g in every_grouping() {
        assert!(
            s.cells(&g).values().all(|c| !c.verdict.is_published()),
            "{g}"
        );
    }
    assert_eq!(s.summary().smallest_class, 5);
}

#[test]
fn an_organisations_own_benchmark_falls_back_to_a_published_group() {
    let round = people(
        &[
            ("acute", "R1", 3),
            ("acute", "R2", 4),
            ("mental_health", "R1", 6),
        ],
        1,
    );
    let s = Snapshot::build(&round, &[], K, Rules::Full);
    let choice = s.choose(
        &round[0].attributes,
        &crate::domain::peers::fallback_chain(),
    );
    assert_eq!(choice.grouping, by_kind());
    assert_eq!(choice.members.len(), 7);
    assert_eq!(choice.skipped.len(), 1);
}
