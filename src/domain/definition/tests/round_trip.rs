//! Writing a definition out and reading it back.

use serde_json::json;

use super::super::fixtures::SMALL;
use super::{Definition, Format, at, base, parse_both};

#[test]
fn canonical_json_parses_back_to_the_same_definition() {
    for definition in [
        parse_both(&base()).expect("valid"),
        Definition::parse(SMALL, Format::Yaml).expect("valid"),
    ] {
        let json = definition.to_canonical_json();
        assert_eq!(
            Definition::parse(&json, Format::Json),
            Ok(definition.clone())
        );
        assert!(!json.contains('\n'), "canonical JSON is compact");
    }
}

#[test]
fn the_yaml_export_parses_back_to_the_same_definition() {
    let definition = Definition::parse(SMALL, Format::Yaml).expect("valid");
    let yaml = definition.to_yaml();
    assert_eq!(Definition::parse(&yaml, Format::Yaml), Ok(definition));
    assert!(yaml.contains("type: single_choice"), "{yaml}");
}

#[test]
fn the_export_writes_the_format_of_the_spec_and_leaves_out_absent_fields() {
    let definition = parse_both(&base()).expect("valid");
    let json: serde_json::Value =
        serde_json::from_str(&definition.to_canonical_json()).expect("JSON");
    assert_eq!(
        json["sections"][0]["questions"][1],
        json!({
            "key": "q2", "prompt": "P2", "dimension": "d",
            "show_if": { "question": "q1", "any_of": ["b"] },
            "type": "yes_no", "scores": { "yes": 1.0, "no": 0.0 }
        })
    );
    assert_eq!(
        json["sections"][0]["questions"][2]["options"][1],
        json!({ "value": "none", "label": "None", "exclusive": true })
    );
}

#[test]
fn the_sha256_is_stable_and_the_same_from_json_or_yaml() {
    let from_json = parse_both(&base()).expect("valid");
    let yaml = serde_norway::to_string(&base()).expect("converts");
    let from_yaml = Definition::parse(&yaml, Format::Yaml).expect("valid");
    let hash = from_json.sha256();
    assert_eq!(hash.len(), 64);
    assert!(
        hash.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(hash, from_json.clone().sha256());
    assert_eq!(hash, from_yaml.sha256());
    let reparsed = Definition::parse(&from_json.to_canonical_json(), Format::Json).expect("valid");
    assert_eq!(hash, reparsed.sha256());

    let mut changed = base();
    *at(&mut changed, "/title") = json!("Test, revised");
    assert_ne!(hash, parse_both(&changed).expect("valid").sha256());
}

#[test]
fn deserializing_a_definition_runs_the_same_validation() {
    let definition = parse_both(&base()).expect("valid");
    let read: Definition =
        serde_json::from_str(&definition.to_canonical_json()).expect("valid document");
    assert_eq!(read, definition);

    let mut invalid = base();
    *at(&mut invalid, "/version") = json!(0);
    let error = serde_json::from_value::<Definition>(invalid).expect_err("version 0");
    assert!(
        error
            .to_string()
            .contains("version: must be a whole number from 1"),
        "{error}"
    );
}
