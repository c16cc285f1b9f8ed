//! One test per rule of the document as a whole (top-level fields, levels, dimensions, sections,
//! keys): the base document changed in one place, or a few to show that every problem is
//! reported at once, and the exact paths of the errors.

use serde_json::{Value, json};

use super::{assert_errors, at, base, insert, parse_both, push, q, remove};

#[test]
fn the_base_document_is_valid_in_json_and_yaml() {
    let definition = parse_both(&base()).expect("base document is valid");
    assert_eq!(definition.questions().count(), 7);
}

#[test]
fn three_mistakes_give_three_errors_at_once() {
    assert_errors(
        |d| {
            *at(d, "/title") = json!("  ");
            *at(d, "/sections/0/questions/0/options/0/label") = json!("");
            *at(d, "/sections/0/questions/3/prompt") = json!("");
        },
        &[
            ("title", "must not be empty"),
            (&q(0, "options[0].label"), "must not be empty"),
            (&q(3, "prompt"), "must not be empty"),
        ],
    );
}

#[test]
fn missing_required_fields_are_each_reported() {
    assert_errors(
        |d| {
            remove(d, "", "title");
            remove(d, "/sections/0/questions/0", "prompt");
            remove(d, "/sections/0/questions/6", "type");
        },
        &[
            ("title", "is required"),
            (&q(0, "prompt"), "is required"),
            (&q(6, "type"), "is required"),
        ],
    );
}

#[test]
fn a_slug_must_be_lowercase_letters_digits_and_hyphens() {
    assert_errors(
        |d| *at(d, "/slug") = json!("Test_Survey"),
        &[("slug", "not a valid slug")],
    );
}

#[test]
fn keys_and_option_values_must_be_snake_case() {
    assert_errors(
        |d| {
            *at(d, "/sections/0/key") = json!("Section");
            *at(d, "/sections/0/questions/6/key") = json!("free-text");
            *at(d, "/sections/0/questions/2/options/0/value") = json!("X!");
        },
        &[
            ("sections[0].key", "not a valid key"),
            (&q(2, "options[0].value"), "not a valid key"),
            (&q(6, "key"), "not a valid key"),
        ],
    );
}

#[test]
fn the_version_must_be_at_least_one_and_estimated_minutes_positive() {
    assert_errors(
        |d| {
            *at(d, "/version") = json!(0);
            insert(d, "", "estimated_minutes", json!(0));
        },
        &[("version", "from 1"), ("estimated_minutes", "from 1")],
    );
}

#[test]
fn levels_must_start_at_zero_ascend_strictly_and_stay_within_100() {
    assert_errors(
        |d| {
            *at(d, "/levels") = json!([
                { "name": "A", "min_score": 10 },
                { "name": "B", "min_score": 10 },
                { "name": "C", "min_score": 150 },
            ]);
        },
        &[
            ("levels[0].min_score", "first level must start at 0"),
            (
                "levels[1].min_score",
                "greater than the min_score of the level before",
            ),
            ("levels[2].min_score", "between 0 and 100"),
        ],
    );
    assert_errors(
        |d| *at(d, "/levels") = json!([]),
        &[("levels", "at least one")],
    );
}

#[test]
fn dimensions_must_be_listed_and_every_question_must_name_a_declared_one() {
    assert_errors(
        |d| *at(d, "/dimensions") = json!([]),
        &[
            ("dimensions", "at least one"),
            (&q(0, "dimension"), "unknown dimension `d`"),
            (&q(1, "dimension"), "unknown dimension `d`"),
            (&q(4, "dimension"), "unknown dimension `d`"),
        ],
    );
}

#[test]
fn dimension_keys_are_unique_overall_is_reserved_and_weights_positive() {
    assert_errors(
        |d| {
            let dimensions = at(d, "/dimensions");
            *dimensions = json!([
                { "key": "d", "title": "D", "weight": 0 },
                { "key": "d", "title": "D again", "weight": 1 },
                { "key": "overall", "title": "Overall", "weight": 1 },
            ]);
        },
        &[
            ("dimensions[0].weight", "greater than 0"),
            ("dimensions[1].key", "duplicate dimension key `d`"),
            ("dimensions[2].key", "reserved"),
            (
                "dimensions[2]",
                "no question scores the dimension `overall`",
            ),
        ],
    );
}

#[test]
fn every_dimension_needs_a_scored_question() {
    assert_errors(
        |d| {
            let extra = json!({ "key": "unused", "title": "Unused", "weight": 1 });
            push(d, "/dimensions", extra);
        },
        &[("dimensions[1]", "no question scores the dimension `unused`")],
    );
}

/// Adds a second section holding one question.
fn add_section(d: &mut Value, key: &str, question: Value) {
    let section = json!({ "key": key, "title": "Second", "questions": [question] });
    push(d, "/sections", section);
}

#[test]
fn section_keys_must_be_unique() {
    assert_errors(
        |d| {
            add_section(
                d,
                "s",
                json!({ "key": "q8", "prompt": "P8", "type": "text" }),
            )
        },
        &[("sections[1].key", "duplicate section key `s`")],
    );
}

#[test]
fn question_keys_must_be_unique_across_sections() {
    assert_errors(
        |d| {
            add_section(
                d,
                "t",
                json!({ "key": "q1", "prompt": "P8", "type": "text" }),
            )
        },
        &[(
            "sections[1].questions[0].key",
            "duplicate question key `q1` (first used at sections[0].questions[0])",
        )],
    );
}

#[test]
fn unknown_fields_are_each_named() {
    assert_errors(
        |d| {
            insert(d, "", "colour", json!("red"));
            insert(d, "/sections/0/questions/0", "hint", json!("x"));
            insert(d, "/sections/0/questions/0/options/0", "weight", json!(1));
        },
        &[
            ("colour", "unknown field `colour`"),
            (&q(0, "hint"), "unknown field `hint`"),
            (&q(0, "options[0].weight"), "unknown field `weight`"),
        ],
    );
}
