//! Texts in English and Welsh: a version declaring both needs both everywhere, and a plain
//! string stays an English-only text.

use serde_json::{Value, json};

use super::{base, parse_both, q};
use crate::domain::definition::Text;
use crate::domain::language::Language;

/// The base document with every text given in English and Welsh.
fn bilingual() -> Value {
    let mut doc = base();
    welsh_everywhere(&mut doc, "");
    doc["languages"] = json!(["en", "cy"]);
    doc
}

/// Turns every text field under `doc` into `{en, cy}` (cy = "CY " + the English).
fn welsh_everywhere(doc: &mut Value, field: &str) {
    const TEXTS: [&str; 7] = [
        "title",
        "description",
        "name",
        "prompt",
        "label",
        "help",
        "unit",
    ];
    match doc {
        Value::String(en) if TEXTS.contains(&field) || field == "labels" => {
            *doc = json!({ "en": en.clone(), "cy": format!("CY {en}") });
        }
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                welsh_everywhere(v, k);
            }
        }
        Value::Array(list) => list.iter_mut().for_each(|v| welsh_everywhere(v, field)),
        _ => {}
    }
}

#[test]
fn a_version_with_every_text_in_both_languages_is_valid_and_offers_welsh() {
    let def = parse_both(&bilingual()).unwrap();
    assert_eq!(def.languages, vec![Language::En, Language::Cy]);
    assert!(def.offers(Language::Cy));
    let welsh = def.localized(Language::Cy);
    assert_eq!(welsh.title, "CY Test");
    assert_eq!(welsh.sections[0].questions[0].prompt, "CY P1");
    assert_eq!(def.localized(Language::En).sections[0].title, "S");
}

#[test]
fn a_missing_welsh_text_is_reported_by_its_path() {
    let mut doc = bilingual();
    doc["sections"][0]["questions"][3]["prompt"] = json!("P4");
    doc["sections"][0]["questions"][0]["options"][1]["label"] = json!({ "en": "B" });
    let errors = parse_both(&doc).unwrap_err();
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            q(0, "options[1].label.cy").as_str(),
            q(3, "prompt.cy").as_str()
        ]
    );
}

#[test]
fn welsh_in_a_version_that_does_not_declare_it_is_reported() {
    let mut doc = base();
    doc["title"] = json!({ "en": "Test", "cy": "Prawf" });
    let errors = parse_both(&doc).unwrap_err();
    assert_eq!(errors[0].path, "title.cy");
}

#[test]
fn unknown_languages_and_a_missing_english_text_are_reported() {
    let mut doc = bilingual();
    doc["languages"] = json!(["en", "cy", "fr"]);
    doc["title"] = json!({ "cy": "Prawf", "ga": "Tástáil" });
    let errors = parse_both(&doc).unwrap_err();
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"languages[2]"), "{paths:?}");
    assert!(paths.contains(&"title.ga"), "{paths:?}");
    assert!(paths.contains(&"title.en"), "{paths:?}");
}

#[test]
fn plain_strings_keep_the_canonical_json_and_its_hash() {
    let def = parse_both(&base()).unwrap();
    assert!(!def.to_canonical_json().contains("languages"));
    assert_eq!(def.title, Text::from("Test"));
    let round_trip = parse_both(&serde_json::from_str(&def.to_canonical_json()).unwrap()).unwrap();
    assert_eq!(round_trip.sha256(), def.sha256());
}

#[test]
fn a_bilingual_version_round_trips_through_its_canonical_json() {
    let mut doc = bilingual();
    doc["translation_status"] = json!({ "cy": "needs_review" });
    let def = parse_both(&doc).unwrap();
    let again = parse_both(&serde_json::from_str(&def.to_canonical_json()).unwrap()).unwrap();
    assert_eq!(again, def);
    assert_eq!(def.translation_status["cy"], "needs_review");
}

#[test]
fn a_translation_status_must_name_a_declared_language_and_a_known_status() {
    let mut doc = base();
    doc["translation_status"] = json!({ "cy": "needs_review" });
    assert_eq!(
        parse_both(&doc).unwrap_err()[0].path,
        "translation_status.cy"
    );
    let mut doc = bilingual();
    doc["translation_status"] = json!({ "cy": "perfect" });
    assert_eq!(
        parse_both(&doc).unwrap_err()[0].path,
        "translation_status.cy"
    );
}

#[test]
fn the_shipped_instrument_is_in_welsh_too_marked_as_needing_review() {
    let text = include_str!("../../../instruments/nhs-social-media-maturity.v1.yaml");
    let def = crate::domain::definition::Definition::parse(text, super::Format::Yaml).unwrap();
    assert!(def.offers(Language::Cy));
    assert_eq!(def.translation_status["cy"], "needs_review");
    assert!(def.texts().iter().all(|(_, t)| t.has(Language::Cy)));
    let welsh = def.localized(Language::Cy);
    assert_eq!(welsh.title, "Aeddfedrwydd cyfryngau cymdeithasol y GIG");
}
