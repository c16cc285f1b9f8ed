use serde_json::{Value, json};

use super::{
    AnswerValue, Answers, check_complete, parse_answer, parse_form_answer, prune_hidden,
    visible_questions,
};
use crate::domain::definition::fixtures::small;
use crate::domain::definition::{Definition, Question};

fn question<'a>(def: &'a Definition, key: &str) -> &'a Question {
    def.question(key)
        .unwrap_or_else(|| panic!("no question {key}"))
}

fn answer(key: &str, raw: Value) -> Result<AnswerValue, String> {
    parse_answer(question(&small(), key), &raw)
}

fn form(key: &str, inputs: &[&str]) -> Result<Option<AnswerValue>, String> {
    let inputs: Vec<String> = inputs.iter().map(|s| (*s).to_owned()).collect();
    parse_form_answer(question(&small(), key), &inputs)
}

fn answers(value: Value) -> Answers {
    serde_json::from_value(value).expect("answers")
}

fn text(s: &str) -> AnswerValue {
    AnswerValue::Text(s.to_owned())
}

#[test]
fn each_type_takes_its_natural_json_form() {
    assert_eq!(answer("plan", json!("draft")), Ok(text("draft")));
    assert_eq!(answer("plan_reviewed", json!("no")), Ok(text("no")));
    let tools = AnswerValue::Choices(vec!["x".into(), "y".into()]);
    assert_eq!(answer("tools", json!(["x", "y"])), Ok(tools));
    assert_eq!(answer("often", json!(3)), Ok(AnswerValue::Integer(3)));
    assert_eq!(answer("often", json!(3.0)), Ok(AnswerValue::Integer(3)));
    assert_eq!(answer("wte", json!(1.5)), Ok(AnswerValue::Number(1.5)));
    assert_eq!(answer("wte", json!(2)), Ok(AnswerValue::Number(2.0)));
    assert_eq!(answer("members", json!(250)), Ok(AnswerValue::Integer(250)));
    assert_eq!(
        answer("members_note", json!(" as typed ")),
        Ok(text(" as typed "))
    );
}

#[test]
fn answers_serialize_to_and_from_their_natural_json() {
    let raw = json!({
        "plan": "draft", "tools": ["x"], "often": 3, "wte": 1.5, "members_note": "hi"
    });
    let parsed = answers(raw.clone());
    assert_eq!(parsed.get("often"), Some(&AnswerValue::Integer(3)));
    assert_eq!(parsed.get("wte"), Some(&AnswerValue::Number(1.5)));
    assert_eq!(serde_json::to_value(&parsed).expect("serializes"), raw);
}

#[test]
fn values_of_the_wrong_type_are_rejected_with_a_message_for_people() {
    assert_eq!(
        answer("members", json!("250")),
        Err("Enter a whole number between 0 and 100000".into())
    );
    assert_eq!(answer("plan", json!(1)), Err("Choose one option".into()));
    assert_eq!(
        answer("plan_reviewed", json!(true)),
        Err("Choose yes or no".into())
    );
    assert_eq!(
        answer("tools", json!("x")),
        Err("Choose one or more of the options".into())
    );
    assert_eq!(
        answer("wte", json!("1.5")),
        Err("Enter a number between 0 and 100".into())
    );
    assert_eq!(
        answer("members_note", json!(5)),
        Err("Enter your answer as text".into())
    );
}

#[test]
fn unknown_duplicate_and_combined_exclusive_options_are_rejected() {
    assert_eq!(
        answer("plan", json!("maybe")),
        Err("Choose one of the options listed".into())
    );
    assert_eq!(
        answer("plan_reviewed", json!("Yes")),
        Err("Choose yes or no".into())
    );
    assert_eq!(
        answer("tools", json!(["x", "q"])),
        Err("Choose only from the options listed".into())
    );
    assert_eq!(
        answer("tools", json!(["x", "x"])),
        Err("Choose each option only once".into())
    );
    assert_eq!(
        answer("tools", json!(["x", "no_tools"])),
        Err("\u{201c}None of these\u{201d} cannot be combined with other options".into())
    );
    assert!(answer("tools", json!(["no_tools"])).is_ok());
    assert_eq!(
        answer("tools", json!([])),
        Err("Choose at least one option".into())
    );
}

#[test]
fn numbers_outside_the_bounds_or_not_whole_are_rejected() {
    let whole = Err("Enter a whole number between 0 and 100000".to_owned());
    for raw in [json!(-1), json!(100_001), json!(2.5)] {
        assert_eq!(answer("members", raw), whole);
    }
    for raw in [json!(0), json!(6), json!(2.5)] {
        assert_eq!(
            answer("often", raw),
            Err("Choose a point from 1 to 5".into())
        );
    }
    assert_eq!(
        answer("wte", json!(100.5)),
        Err("Enter a number between 0 and 100".into())
    );
    assert_eq!(answer("wte", json!(100)), Ok(AnswerValue::Number(100.0)));
}

#[test]
fn text_is_limited_in_characters_not_bytes_and_must_not_be_blank() {
    assert_eq!(
        answer("members_note", json!("x".repeat(21))),
        Err("Use 20 characters or fewer (your answer has 21)".into())
    );
    assert!(answer("members_note", json!("é".repeat(20))).is_ok());
    assert_eq!(
        answer("members_note", json!("  ")),
        Err("Enter your answer".into())
    );
}

#[test]
fn no_json_value_makes_parsing_panic() {
    let odd = [
        json!(null),
        json!(true),
        json!({}),
        json!({ "value": "draft" }),
        json!([]),
        json!([null]),
        json!([1, 2]),
        json!([["x"]]),
        json!("NaN"),
        json!("inf"),
        json!(""),
        json!(1.7e308),
        json!(-1.7e308),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(-0.0),
        json!("x".repeat(10_000)),
    ];
    let def = small();
    for q in def.questions() {
        for raw in &odd {
            let _ = parse_answer(q, raw);
        }
        assert!(parse_answer(q, &json!(null)).is_err());
        assert!(parse_answer(q, &json!({})).is_err());
    }
}

#[test]
fn form_input_is_read_per_type_and_blank_input_is_no_answer() {
    assert_eq!(form("plan", &[]), Ok(None));
    assert_eq!(form("plan", &["  "]), Ok(None));
    assert_eq!(form("plan", &[" draft "]), Ok(Some(text("draft"))));
    assert_eq!(
        form("plan", &["draft", "agreed"]),
        Err("Choose one option".into())
    );
    assert_eq!(form("plan_reviewed", &["yes"]), Ok(Some(text("yes"))));
    let chosen = AnswerValue::Choices(vec!["x".into(), "z".into()]);
    assert_eq!(form("tools", &["x", "", "z"]), Ok(Some(chosen)));
    assert_eq!(form("often", &["4"]), Ok(Some(AnswerValue::Integer(4))));
    assert_eq!(
        form("members", &["1,200"]),
        Ok(Some(AnswerValue::Integer(1200)))
    );
    assert_eq!(form("wte", &[" 0.7 "]), Ok(Some(AnswerValue::Number(0.7))));
    assert_eq!(
        form("members_note", &["  kept as typed \n"]),
        Ok(Some(text("  kept as typed \n")))
    );
}

#[test]
fn form_numbers_that_are_not_plain_numbers_are_rejected() {
    let whole = Err("Enter a whole number between 0 and 100000".to_owned());
    for bad in ["12.5", "1,2", "12,00", "twelve", "99999999999999999999999"] {
        assert_eq!(form("members", &[bad]), whole, "{bad}");
    }
    for bad in ["NaN", "inf", "-infinity", "1,5", "0.7 WTE"] {
        assert_eq!(
            form("wte", &[bad]),
            Err("Enter a number between 0 and 100".into()),
            "{bad}"
        );
    }
}

#[test]
fn show_if_hides_questions_and_a_hidden_controller_hides_its_dependants() {
    let def = small();
    let keys = |a: &Answers| -> Vec<String> {
        visible_questions(&def, a)
            .iter()
            .map(|q| q.key.clone())
            .collect()
    };
    assert_eq!(
        keys(&Answers::new()),
        ["plan", "often", "wte", "has_groups"]
    );
    let all = answers(json!({ "plan": "draft", "plan_reviewed": "yes", "has_groups": "yes" }));
    assert_eq!(keys(&all).len(), 8);
    // plan_reviewed is hidden by plan = none, so its stale "yes" does not show tools.
    let chained = answers(json!({ "plan": "none", "plan_reviewed": "yes" }));
    assert_eq!(keys(&chained), ["plan", "often", "wte", "has_groups"]);
}

#[test]
fn pruning_drops_answers_to_hidden_questions_and_unknown_keys() {
    let def = small();
    let mut stale = answers(json!({
        "plan": "none", "plan_reviewed": "yes", "tools": ["x"], "has_groups": "no",
        "members": 300, "bogus": "x"
    }));
    let dropped = prune_hidden(&def, &mut stale);
    assert_eq!(dropped, ["bogus", "members", "plan_reviewed", "tools"]);
    assert_eq!(
        stale,
        answers(json!({ "plan": "none", "has_groups": "no" }))
    );
}

#[test]
fn completeness_asks_for_shown_required_questions_only() {
    let def = small();
    let problems = |a: Value| -> Vec<(String, String)> {
        let a = answers(a);
        check_complete(&def, &a)
            .into_iter()
            .map(|e| (e.question, e.message))
            .collect()
    };
    assert_eq!(
        problems(json!({})),
        [
            ("plan".into(), "Choose one option".into()),
            ("wte".into(), "Enter a number between 0 and 100".into()),
            ("has_groups".into(), "Choose yes or no".into()),
        ]
    );
    assert_eq!(
        problems(json!({ "plan": "agreed", "wte": 200, "has_groups": "yes" })),
        [
            ("plan_reviewed".into(), "Choose yes or no".into()),
            ("wte".into(), "Enter a number between 0 and 100".into()),
            (
                "members".into(),
                "Enter a whole number between 0 and 100000".into()
            ),
        ]
    );
    let complete = json!({ "plan": "none", "wte": 1, "has_groups": "no", "members": -5 });
    assert_eq!(problems(complete), Vec::<(String, String)>::new());
}
