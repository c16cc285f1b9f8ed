//! One test per rule of a single question (show_if, options, scale, yes_no, numbers, text,
//! fields of another type): the base document changed, and the exact paths of the errors.

use serde_json::json;

use super::{assert_errors, at, base, insert, parse_both, q, remove};

#[test]
fn show_if_must_name_a_known_question() {
    assert_errors(
        |d| *at(d, "/sections/0/questions/1/show_if/question") = json!("nope"),
        &[(&q(1, "show_if.question"), "unknown question `nope`")],
    );
}

#[test]
fn show_if_must_name_an_earlier_question_not_itself_or_a_later_one() {
    assert_errors(
        |d| {
            *at(d, "/sections/0/questions/1/show_if") =
                json!({ "question": "q3", "any_of": ["x"] });
            insert(
                d,
                "/sections/0/questions/2",
                "show_if",
                json!({ "question": "q3", "any_of": ["x"] }),
            );
        },
        &[
            (
                &q(1, "show_if.question"),
                "must refer to an earlier question",
            ),
            (
                &q(2, "show_if.question"),
                "must refer to an earlier question",
            ),
        ],
    );
}

#[test]
fn show_if_can_only_test_choice_and_yes_no_questions() {
    assert_errors(
        |d| {
            let condition = json!({ "question": "q4", "any_of": ["x"] });
            insert(d, "/sections/0/questions/5", "show_if", condition);
        },
        &[(&q(5, "show_if.question"), "`q4` is a scale question")],
    );
}

#[test]
fn show_if_values_must_be_possible_answers_and_not_empty() {
    assert_errors(
        |d| {
            *at(d, "/sections/0/questions/1/show_if/any_of") = json!(["b", "c"]);
            let on_yes_no = json!({ "question": "q2", "any_of": ["yes", "maybe"] });
            insert(d, "/sections/0/questions/3", "show_if", on_yes_no);
            let on_multi = json!({ "question": "q3", "any_of": [] });
            insert(d, "/sections/0/questions/6", "show_if", on_multi);
        },
        &[
            (&q(1, "show_if.any_of[1]"), "impossible value `c`"),
            (&q(3, "show_if.any_of[1]"), "impossible value `maybe`"),
            (&q(6, "show_if.any_of"), "at least one value"),
        ],
    );
}

#[test]
fn choice_options_must_be_listed_unique_and_labelled() {
    assert_errors(
        |d| {
            remove(d, "/sections/0/questions/0", "options");
            *at(d, "/sections/0/questions/2/options") = json!([
                { "value": "x", "label": "X" },
                { "value": "x", "label": "" },
            ]);
        },
        &[
            (&q(0, "options"), "is required"),
            (&q(2, "options[1].value"), "duplicate option value `x`"),
            (&q(2, "options[1].label"), "must not be empty"),
        ],
    );
    assert_errors(
        |d| *at(d, "/sections/0/questions/2/options") = json!([]),
        &[(&q(2, "options"), "at least one option")],
    );
}

#[test]
fn a_scored_choice_needs_a_score_on_every_option_and_one_above_zero() {
    assert_errors(
        |d| {
            remove(d, "/sections/0/questions/0/options/0", "score");
        },
        &[(
            &q(0, "options[0].score"),
            "is required because the question is scored",
        )],
    );
    assert_errors(
        |d| *at(d, "/sections/0/questions/0/options/1/score") = json!(0),
        &[(&q(0, "options"), "at least one score above 0")],
    );
}

#[test]
fn unscored_choice_options_may_carry_scores() {
    let mut doc = base();
    insert(
        &mut doc,
        "/sections/0/questions/2/options/0",
        "score",
        json!(2),
    );
    assert!(parse_both(&doc).is_ok());
}

#[test]
fn scores_may_not_be_negative_and_max_score_must_be_positive() {
    assert_errors(
        |d| {
            *at(d, "/sections/0/questions/0/options/0/score") = json!(-1);
            insert(d, "/sections/0/questions/2", "max_score", json!(0));
        },
        &[
            (&q(0, "options[0].score"), "must not be negative"),
            (&q(2, "max_score"), "greater than 0"),
        ],
    );
}

#[test]
fn exclusive_belongs_only_to_multi_choice_options() {
    assert_errors(
        |d| {
            *at(d, "/sections/0/questions/0/options/0") =
                json!({ "value": "a", "label": "A", "score": 0, "exclusive": true })
        },
        &[(
            &q(0, "options[0].exclusive"),
            "only allowed on multi_choice",
        )],
    );
}

#[test]
fn a_scale_has_2_to_11_points_and_one_label_per_point() {
    assert_errors(
        |d| *at(d, "/sections/0/questions/3/points") = json!(12),
        &[(&q(3, "points"), "from 2 to 11")],
    );
    assert_errors(
        |d| *at(d, "/sections/0/questions/3/labels") = json!(["L", "H"]),
        &[(&q(3, "labels"), "one label per point (3), but has 2")],
    );
}

#[test]
fn a_scored_yes_no_needs_scores() {
    assert_errors(
        |d| {
            remove(d, "/sections/0/questions/1", "scores");
        },
        &[(
            &q(1, "scores"),
            "is required because the question is scored",
        )],
    );
}

#[test]
fn integer_bounds_are_whole_and_ordered() {
    assert_errors(
        |d| {
            *at(d, "/sections/0/questions/4/min") = json!(20);
            insert(d, "/sections/0/questions/5", "max", json!(-1));
        },
        &[
            (&q(4, "max"), "must not be less than min"),
            (&q(5, "max"), "must not be less than min"),
        ],
    );
    assert_errors(
        |d| *at(d, "/sections/0/questions/4/min") = json!(0.5),
        &[(&q(4, "min"), "whole number")],
    );
}

#[test]
fn a_decimal_step_must_be_positive() {
    assert_errors(
        |d| *at(d, "/sections/0/questions/5/step") = json!(0),
        &[(&q(5, "step"), "greater than 0")],
    );
}

#[test]
fn bands_ascend_and_a_scored_number_needs_a_band_above_zero() {
    assert_errors(
        |d| {
            *at(d, "/sections/0/questions/4/bands") =
                json!([{ "min": 5, "score": 1 }, { "min": 0, "score": 0 }])
        },
        &[(&q(4, "bands[1].min"), "ascending")],
    );
    assert_errors(
        |d| *at(d, "/sections/0/questions/4/bands") = json!([]),
        &[(&q(4, "bands"), "at least one band")],
    );
    assert_errors(
        |d| *at(d, "/sections/0/questions/4/bands") = json!([{ "min": 0, "score": 0 }]),
        &[(&q(4, "bands"), "at least one score above 0")],
    );
    assert_errors(
        |d| {
            remove(d, "/sections/0/questions/4", "bands");
        },
        &[(&q(4, "bands"), "is required because the question is scored")],
    );
}

#[test]
fn a_text_question_is_never_scored_and_its_max_length_is_positive() {
    assert_errors(
        |d| {
            let text = at(d, "/sections/0/questions/6");
            *text = json!({ "key": "q7", "prompt": "P7", "type": "text", "dimension": "d", "max_length": 0 });
        },
        &[
            (&q(6, "dimension"), "never scored"),
            (&q(6, "max_length"), "from 1"),
        ],
    );
}

#[test]
fn options_on_a_type_without_options_are_rejected_by_name() {
    let options = json!([{ "value": "a", "label": "A", "score": 1 }]);
    assert_errors(
        |d| {
            for i in [1, 3, 4, 5, 6] {
                insert(
                    d,
                    &format!("/sections/0/questions/{i}"),
                    "options",
                    options.clone(),
                );
            }
        },
        &[
            (
                &q(1, "options"),
                "options are not allowed on a yes_no question",
            ),
            (
                &q(3, "options"),
                "options are not allowed on a scale question",
            ),
            (
                &q(4, "options"),
                "options are not allowed on an integer question",
            ),
            (
                &q(5, "options"),
                "options are not allowed on a decimal question",
            ),
            (
                &q(6, "options"),
                "options are not allowed on a text question",
            ),
        ],
    );
}

#[test]
fn fields_of_another_type_are_rejected_by_name() {
    assert_errors(
        |d| {
            insert(d, "/sections/0/questions/0", "points", json!(5));
            insert(d, "/sections/0/questions/4", "step", json!(1));
        },
        &[
            (
                &q(0, "points"),
                "points are not allowed on a single_choice question",
            ),
            (&q(4, "step"), "step is not allowed on an integer question"),
        ],
    );
}

#[test]
fn an_unknown_question_type_is_named_with_the_known_ones() {
    assert_errors(
        |d| *at(d, "/sections/0/questions/6/type") = json!("essay"),
        &[(
            &q(6, "type"),
            "unknown question type `essay` (expected one of single_choice",
        )],
    );
}
