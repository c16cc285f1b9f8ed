//! The shipped instrument must satisfy the format and keep the keys other code and past rounds
//! rely on.

use std::collections::HashSet;

use super::super::{Definition, Format, QuestionKind};

const INSTRUMENT: &str = include_str!("../../../instruments/nhs-social-media-maturity.v1.yaml");

fn instrument() -> Definition {
    match Definition::parse(INSTRUMENT, Format::Yaml) {
        Ok(definition) => definition,
        Err(errors) => panic!("the shipped instrument is invalid: {errors:#?}"),
    }
}

#[test]
fn the_shipped_instrument_validates() {
    let definition = instrument();
    assert_eq!(definition.slug, "nhs-social-media-maturity");
    assert_eq!(definition.version, 1);
    assert_eq!(definition.levels.len(), 5);
    assert_eq!(definition.levels[0].min_score, 0.0);
}

#[test]
fn the_shipped_instrument_has_the_seven_dimensions() {
    let keys: Vec<String> = instrument().dimensions.into_iter().map(|d| d.key).collect();
    assert_eq!(
        keys,
        [
            "strategy",
            "staffing",
            "objectives",
            "engagement",
            "patients",
            "culture",
            "governance"
        ]
    );
}

#[test]
fn the_shipped_instrument_has_40_to_60_questions() {
    let count = instrument().questions().count();
    assert!((40..=60).contains(&count), "{count} questions");
}

#[test]
fn every_scored_question_of_the_shipped_instrument_carries_its_scores() {
    let definition = instrument();
    for q in definition.questions().filter(|q| q.is_scored()) {
        let complete = match &q.kind {
            QuestionKind::SingleChoice { options } | QuestionKind::MultiChoice { options, .. } => {
                options.iter().all(|o| o.score.is_some())
            }
            QuestionKind::YesNo { scores } => scores.is_some(),
            QuestionKind::Integer { bands, .. } | QuestionKind::Decimal { bands, .. } => {
                !bands.is_empty()
            }
            QuestionKind::Scale { .. } => true,
            QuestionKind::Text { .. } => false,
        };
        assert!(complete, "{} lacks scores", q.key);
        assert!(
            q.max_points().is_some_and(|p| p > 0.0),
            "{} has no points",
            q.key
        );
    }
}

#[test]
fn every_show_if_of_the_shipped_instrument_resolves_to_an_earlier_question() {
    let definition = instrument();
    let mut earlier: HashSet<&str> = HashSet::new();
    for q in definition.questions() {
        if let Some(condition) = &q.show_if {
            assert!(earlier.contains(condition.question.as_str()), "{}", q.key);
            let target = definition.question(&condition.question).expect("exists");
            let possible = target.kind.conditional_values();
            for value in &condition.any_of {
                assert!(possible.contains(&value.as_str()), "{}: {value}", q.key);
            }
        }
        earlier.insert(&q.key);
    }
}

#[test]
fn the_shipped_instrument_keeps_its_question_keys_and_option_values() {
    let definition = instrument();
    let values = |key: &str| -> Vec<String> {
        let q = definition
            .question(key)
            .unwrap_or_else(|| panic!("no question {key}"));
        q.kind.options().iter().map(|o| o.value.clone()).collect()
    };
    assert_eq!(
        values("strategy_status"),
        ["none", "in_development", "comms_team", "board"]
    );
    assert_eq!(
        values("staff_count"),
        ["one", "two_three", "team", "distributed"]
    );
    assert_eq!(
        values("budget"),
        [
            "tools",
            "training",
            "content",
            "paid_promotion",
            "no_budget"
        ]
    );
    assert_eq!(
        values("engagement_stance"),
        ["broadcast", "opening_up", "conversation", "co_production"]
    );
    let type_of = |key: &str| definition.question(key).map(|q| q.type_name());
    assert_eq!(type_of("staff_wte"), Some("decimal"));
    assert_eq!(type_of("executive_sponsor"), Some("yes_no"));
    assert_eq!(type_of("patient_group_size"), Some("integer"));
    assert_eq!(type_of("staff_recognition"), Some("scale"));
    assert_eq!(type_of("comments"), Some("text"));
    assert!(
        definition
            .question("comments")
            .is_some_and(|q| !q.is_scored())
    );
    assert!(
        definition
            .question("respondent_role")
            .is_some_and(|q| !q.is_scored())
    );
    let budget = definition
        .question("budget")
        .and_then(|q| q.option("no_budget"));
    assert!(budget.is_some_and(|o| o.exclusive));
}

#[test]
fn the_shipped_instrument_survives_a_round_trip_through_canonical_json() {
    let definition = instrument();
    let again = Definition::parse(&definition.to_canonical_json(), Format::Json);
    assert_eq!(again, Ok(definition.clone()));
    let from_yaml_export = Definition::parse(&definition.to_yaml(), Format::Yaml);
    assert_eq!(from_yaml_export, Ok(definition));
}
