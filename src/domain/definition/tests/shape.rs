//! Reading errors, content types, look-ups and levels.

use serde_json::json;

use super::{Definition, Format, at, base, parse_both, q};

fn valid() -> Definition {
    parse_both(&base()).expect("base document is valid")
}

#[test]
fn content_types_name_the_format_ignoring_parameters_and_case() {
    assert_eq!(
        Format::from_content_type("application/json"),
        Some(Format::Json)
    );
    assert_eq!(
        Format::from_content_type("application/json; charset=utf-8"),
        Some(Format::Json)
    );
    for yaml in [
        "application/yaml",
        "application/x-yaml",
        "text/yaml",
        "Text/YAML ; q=1",
    ] {
        assert_eq!(
            Format::from_content_type(yaml),
            Some(Format::Yaml),
            "{yaml}"
        );
    }
    assert_eq!(Format::from_content_type("text/plain"), None);
    assert_eq!(Format::from_content_type(""), None);
}

#[test]
fn broken_json_gives_one_error_with_line_and_column() {
    let errors = Definition::parse(r#"{"slug": "x","#, Format::Json).expect_err("broken");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, "");
    assert!(
        errors[0].message.contains("line 1"),
        "{}",
        errors[0].message
    );
}

#[test]
fn trailing_characters_after_the_json_document_are_an_error() {
    let text = format!("{} x", base());
    let errors = Definition::parse(&text, Format::Json).expect_err("trailing");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains("trailing"),
        "{}",
        errors[0].message
    );
}

#[test]
fn broken_yaml_gives_one_error_with_line_and_column() {
    let errors =
        Definition::parse("slug: [unclosed\ntitle: x\n", Format::Yaml).expect_err("broken");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("line"), "{}", errors[0].message);
}

#[test]
fn a_value_of_the_wrong_kind_is_reported_at_its_path_in_both_formats() {
    let mut doc = base();
    *at(&mut doc, "/sections/0/questions/0/options") = json!("a, b");
    let json = Definition::parse(&doc.to_string(), Format::Json).expect_err("wrong kind");
    let yaml_text = serde_norway::to_string(&doc).expect("converts");
    let yaml = Definition::parse(&yaml_text, Format::Yaml).expect_err("wrong kind");
    for errors in [json, yaml] {
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, q(0, "options"));
        assert!(
            errors[0].message.starts_with("invalid type"),
            "{}",
            errors[0].message
        );
        assert!(errors[0].message.contains("line"), "{}", errors[0].message);
    }
}

#[test]
fn a_document_that_is_not_a_map_says_what_was_expected() {
    let errors = Definition::parse("[1, 2]", Format::Json).expect_err("not a map");
    assert_eq!(errors[0].path, "");
    assert!(
        errors[0].message.contains("a survey definition"),
        "{}",
        errors[0].message
    );
}

#[test]
fn yaml_infinities_and_nans_are_not_numbers_here() {
    let mut doc = base();
    *at(&mut doc, "/dimensions/0/weight") = json!("WEIGHT");
    let text = serde_norway::to_string(&doc)
        .expect("converts")
        .replace("WEIGHT", ".nan");
    let errors = Definition::parse(&text, Format::Yaml).expect_err("NaN weight");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path, "dimensions[0].weight");
    assert!(errors[0].message.contains("finite"));
}

#[test]
fn questions_come_in_document_order_and_are_found_by_key() {
    let definition = valid();
    let keys: Vec<&str> = definition.questions().map(|q| q.key.as_str()).collect();
    assert_eq!(keys, ["q1", "q2", "q3", "q4", "q5", "q6", "q7"]);
    assert_eq!(
        definition.question("q4").map(|q| q.type_name()),
        Some("scale")
    );
    assert!(definition.question("nope").is_none());
    assert_eq!(definition.section("s").map(|s| &*s.title), Some("S"));
    assert_eq!(definition.dimension("d").map(|d| d.weight), Some(1.0));
    assert!(definition.dimension("overall").is_none());
}

#[test]
fn max_points_follow_the_scoring_rule_and_unscored_questions_have_none() {
    let definition = valid();
    let points = |key: &str| definition.question(key).and_then(|q| q.max_points());
    assert_eq!(points("q1"), Some(1.0));
    assert_eq!(points("q2"), Some(1.0));
    assert_eq!(points("q5"), Some(1.0));
    assert_eq!(points("q3"), None);
    assert_eq!(points("q7"), None);
    assert_eq!(
        definition.question("q7").and_then(|q| q.max_length()),
        Some(2000)
    );
}

#[test]
fn the_level_is_the_highest_whose_min_score_is_reached() {
    let definition = valid();
    assert_eq!(definition.level_for(0.0).name, "Low");
    assert_eq!(definition.level_for(49.999).name, "Low");
    assert_eq!(definition.level_for(50.0).name, "High");
    assert_eq!(definition.level_for(100.0).name, "High");
    assert_eq!(definition.level_number_for(49.999), 1);
    assert_eq!(definition.level_number_for(50.0), 2);
    // Below every level, or not a number: the first level.
    assert_eq!(definition.level_number_for(-1.0), 1);
    assert_eq!(definition.level_number_for(f64::NAN), 1);
}
