use crate::demo::partial_answers;
use crate::domain::answers::{Answers, check_complete, parse_answer, prune_hidden};
use crate::domain::definition::Definition;
use crate::domain::definition::fixtures::small;

use super::{demo, instrument, organisations, responses, round};

/// Every answer parses back to itself, nothing hidden is stored, and nothing is missing.
fn assert_valid_and_complete(def: &Definition, answers: &Answers) {
    assert_valid(def, answers);
    assert_eq!(check_complete(def, answers), Vec::new(), "{answers:?}");
}

fn assert_valid(def: &Definition, answers: &Answers) {
    for (key, answer) in answers {
        let question = def.question(key).expect("answers only known questions");
        let raw = serde_json::to_value(answer).expect("answers serialize");
        assert_eq!(parse_answer(question, &raw).as_ref(), Ok(answer), "{key}");
    }
    let mut pruned = answers.clone();
    assert_eq!(prune_hidden(def, &mut pruned), Vec::<String>::new());
}

#[test]
fn the_same_seed_gives_the_same_answers_and_another_seed_different_ones() {
    let (def, orgs) = demo();
    assert_eq!(round(&def, &orgs, 0), round(&def, &orgs, 0));
    assert_ne!(round(&def, &orgs, 0), responses(2, &def, &orgs, 0));
    assert_eq!(partial_answers(1, &def, 5), partial_answers(1, &def, 5));
    assert_ne!(partial_answers(1, &def, 5), partial_answers(2, &def, 5));
}

#[test]
fn every_response_in_both_rounds_is_valid_and_complete() {
    let (def, orgs) = demo();
    for round_index in [0, 1] {
        let responses = round(&def, &orgs, round_index);
        assert_eq!(responses.len(), orgs.len());
        for (i, response) in responses.iter().enumerate() {
            assert_eq!(response.organisation, i);
            assert_valid_and_complete(&def, &response.answers);
        }
    }
}

#[test]
fn the_generator_answers_any_definition_completely() {
    let def = small();
    let orgs = organisations(4, 300);
    let responses = responses(4, &def, &orgs, 0);
    for response in &responses {
        assert_valid_and_complete(&def, &response.answers);
    }
    // Both branches of each condition occur, so the conditional questions are exercised.
    for key in ["plan_reviewed", "tools", "members", "members_note"] {
        let answered = responses
            .iter()
            .filter(|r| r.answers.contains_key(key))
            .count();
        assert!((1..300).contains(&answered), "{key}: {answered}");
    }
}

#[test]
fn partial_answers_are_valid_but_not_complete() {
    for def in [instrument(), small()] {
        for org in 0..20 {
            let answers = partial_answers(7, &def, org);
            assert!(!answers.is_empty());
            assert_valid(&def, &answers);
            assert!(!check_complete(&def, &answers).is_empty());
        }
    }
    // The first sections are answered; the last is not.
    let def = instrument();
    let answers = partial_answers(7, &def, 0);
    assert!(answers.contains_key("strategy_status"));
    assert!(!answers.contains_key("respondent_role"));
}

#[test]
fn a_board_approved_strategy_goes_with_written_objectives_and_more_staff() {
    let def = instrument();
    let orgs = organisations(1, 2_000);
    let responses = responses(1, &def, &orgs, 0);
    let with_strategy = |status: &str| {
        let group: Vec<&Answers> = responses
            .iter()
            .map(|r| &r.answers)
            .filter(|a| a.get("strategy_status").and_then(|v| v.as_text()) == Some(status))
            .collect();
        let objectives = group
            .iter()
            .filter(|a| a.get("objectives_written").and_then(|v| v.as_text()) == Some("yes"))
            .count() as f64
            / group.len() as f64;
        let wte: f64 = group
            .iter()
            .filter_map(|a| a.get("staff_wte").and_then(|v| v.as_f64()))
            .sum::<f64>()
            / group.len() as f64;
        (objectives, wte)
    };
    let (board_objectives, board_wte) = with_strategy("board");
    let (none_objectives, none_wte) = with_strategy("none");
    assert!(
        board_objectives > none_objectives + 0.3,
        "{board_objectives} vs {none_objectives}"
    );
    assert!(board_wte > 1.5 * none_wte, "{board_wte} vs {none_wte}");
}

#[test]
fn whole_time_equivalents_fit_the_number_of_people() {
    let (def, orgs) = demo();
    for response in round(&def, &orgs, 0) {
        let count = response.answers["staff_count"].as_text();
        let wte = response.answers["staff_wte"].as_f64().unwrap_or(f64::NAN);
        let (low, high) = match count {
            Some("one") => (0.1, 1.0),
            Some("two_three") => (0.4, 2.4),
            Some("team") => (1.5, 6.0),
            _ => (2.0, 8.0),
        };
        assert!((low..=high).contains(&wte), "{count:?}: {wte}");
        assert_eq!(wte, (wte * 10.0).round() / 10.0, "on the 0.1 step");
    }
}
