//! Property tests: every parser that takes input from outside (definition documents as JSON and
//! YAML, organisation CSV files, answers as JSON and as form fields) returns an error for bad
//! input and never panics. Run with the rest of the tests; proptest bounds the cases.

#[cfg(test)]
mod tests {
    use crate::domain::answers::{parse_answer, parse_form_answer};
    use crate::domain::definition::{Definition, Format};
    use crate::domain::organisation::parse_csv;
    use proptest::prelude::*;

    fn shipped() -> Definition {
        Definition::parse(
            include_str!("../instruments/nhs-social-media-maturity.v1.yaml"),
            Format::Yaml,
        )
        .unwrap()
    }

    /// Arbitrary JSON values, nested a few levels.
    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number)),
            ".{0,40}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn definition_parsing_never_panics_on_any_text(text in ".{0,400}") {
            let _ = Definition::parse(&text, Format::Json);
            let _ = Definition::parse(&text, Format::Yaml);
        }

        #[test]
        fn definition_parsing_never_panics_on_any_json_shape(value in json_value()) {
            let _ = Definition::parse(&value.to_string(), Format::Json);
        }

        #[test]
        fn a_mutated_shipped_definition_is_either_valid_or_refused_with_paths(cut in 0usize..9000, insert in ".{0,12}") {
            let text = include_str!("../instruments/nhs-social-media-maturity.v1.yaml");
            let at = text.char_indices().map(|(i, _)| i).find(|&i| i >= cut.min(text.len())).unwrap_or(text.len());
            let mutated = format!("{}{insert}{}", &text[..at], &text[at..]);
            if let Err(errors) = Definition::parse(&mutated, Format::Yaml) {
                prop_assert!(!errors.is_empty());
            }
        }

        #[test]
        fn csv_parsing_never_panics(text in ".{0,600}") {
            let _ = parse_csv(&format!("code,name,kind,region,country,size_band\n{text}"));
            let _ = parse_csv(&text);
        }

        #[test]
        fn answers_from_json_never_panic(value in json_value(), index in 0usize..60) {
            let def = shipped();
            let questions: Vec<_> = def.questions().collect();
            let q = questions[index % questions.len()];
            let _ = parse_answer(q, &value);
        }

        #[test]
        fn answers_from_form_fields_never_panic(inputs in prop::collection::vec(".{0,30}", 0..5), index in 0usize..60) {
            let def = shipped();
            let questions: Vec<_> = def.questions().collect();
            let q = questions[index % questions.len()];
            let _ = parse_form_answer(q, &inputs);
        }
    }
}
