//! Tests of parsing and validation. `document_rules` and `question_rules` hold one test per validation rule, against a small
//! valid document changed in one place; `instrument` checks the shipped instrument.

mod document_rules;
mod instrument;
mod limits;
mod question_rules;
mod round_trip;
mod shape;
mod translations;

use serde_json::{Value, json};

use super::{Definition, DefinitionError, Format};

/// A valid document using every question type. Question paths are `sections[0].questions[i]`.
fn base() -> Value {
    json!({
        "slug": "test-survey", "version": 1, "title": "Test", "description": "For tests.",
        "levels": [{ "name": "Low", "min_score": 0 }, { "name": "High", "min_score": 50 }],
        "dimensions": [{ "key": "d", "title": "D", "weight": 1 }],
        "sections": [{ "key": "s", "title": "S", "questions": [
            { "key": "q1", "prompt": "P1", "type": "single_choice", "dimension": "d",
              "options": [{ "value": "a", "label": "A", "score": 0 },
                          { "value": "b", "label": "B", "score": 1 }] },
            { "key": "q2", "prompt": "P2", "type": "yes_no", "dimension": "d",
              "show_if": { "question": "q1", "any_of": ["b"] }, "scores": { "yes": 1, "no": 0 } },
            { "key": "q3", "prompt": "P3", "type": "multi_choice",
              "options": [{ "value": "x", "label": "X" },
                          { "value": "none", "label": "None", "exclusive": true }] },
            { "key": "q4", "prompt": "P4", "type": "scale", "points": 3, "labels": ["L", "M", "H"] },
            { "key": "q5", "prompt": "P5", "type": "integer", "dimension": "d", "min": 0, "max": 10,
              "bands": [{ "min": 0, "score": 0 }, { "min": 5, "score": 1 }] },
            { "key": "q6", "prompt": "P6", "type": "decimal", "min": 0, "step": 0.5 },
            { "key": "q7", "prompt": "P7", "type": "text" }
        ]}]
    })
}

/// The value at a JSON pointer into a document, for editing it.
fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no value at {pointer}"))
}

/// Sets `field` of the object at `pointer`.
fn insert(doc: &mut Value, pointer: &str, field: &str, value: Value) {
    match at(doc, pointer) {
        Value::Object(object) => object.insert(field.to_owned(), value),
        other => panic!("{pointer} is not an object: {other}"),
    };
}

/// Appends to the list at `pointer`.
fn push(doc: &mut Value, pointer: &str, value: Value) {
    match at(doc, pointer) {
        Value::Array(list) => list.push(value),
        other => panic!("{pointer} is not a list: {other}"),
    }
}

/// Removes `field` from the object at `pointer`.
fn remove(doc: &mut Value, pointer: &str, field: &str) {
    match at(doc, pointer) {
        Value::Object(object) => object.remove(field),
        other => panic!("{pointer} is not an object: {other}"),
    };
}

/// The path of question `i` of the base document, then `rest`.
fn q(i: usize, rest: &str) -> String {
    let path = format!("sections[0].questions[{i}]");
    if rest.is_empty() {
        path
    } else {
        format!("{path}.{rest}")
    }
}

/// Parses `doc` as JSON and as YAML; both must give the same result.
fn parse_both(doc: &Value) -> Result<Definition, Vec<DefinitionError>> {
    let json = Definition::parse(&doc.to_string(), Format::Json);
    let yaml_text = serde_norway::to_string(doc).expect("any JSON value converts to YAML");
    let yaml = Definition::parse(&yaml_text, Format::Yaml);
    assert_eq!(json, yaml, "JSON and YAML disagree for:\n{yaml_text}");
    json
}

/// Applies `edit` to the base document and asserts exactly these errors, in this order:
/// each is a path and a fragment of its message.
fn assert_errors(edit: impl FnOnce(&mut Value), expected: &[(&str, &str)]) {
    let mut doc = base();
    edit(&mut doc);
    let errors = match parse_both(&doc) {
        Ok(_) => panic!("expected errors {expected:?}, but the document is valid"),
        Err(errors) => errors,
    };
    let described: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), expected.len(), "errors: {described:#?}");
    for (error, (path, fragment)) in errors.iter().zip(expected) {
        assert_eq!(error.path, *path, "errors: {described:#?}");
        assert!(
            error.message.contains(fragment),
            "expected {fragment:?} in {:?} (errors: {described:#?})",
            error.message
        );
    }
}
