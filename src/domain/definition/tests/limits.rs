//! The limits on what reading a document may cost: each hostile document is refused at the
//! limit it goes past, naming it, and documents inside the limits read as before.

use super::super::fixtures::SMALL;
use super::{Definition, DefinitionError, Format};
use crate::domain::definition::{Limit, MAX_DEPTH, MAX_NODES, MAX_TEXT_BYTES};

fn refusal(text: &str, format: Format) -> DefinitionError {
    let errors = Definition::parse(text, format).expect_err("refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().expect("one error")
}

/// The alias bomb of issue 29: a 6,000-item list, then 6,000 aliases to it (42 kB).
fn alias_bomb() -> String {
    let items = vec!["x"; 6_000].join(", ");
    let aliases = vec!["*a"; 6_000].join(", ");
    format!("slug: bomb\nversion: 1\nlist: &a [{items}]\nmore: [{aliases}]\n")
}

#[test]
fn an_alias_bomb_is_refused_by_its_expanded_size() {
    let error = refusal(&alias_bomb(), Format::Yaml);
    assert_eq!(error.limit, Some(Limit::Size));
    assert!(
        error
            .message
            .contains(&format!("more than {MAX_NODES} nodes")),
        "{}",
        error.message
    );
    assert!(error.message.contains("line 4"), "{}", error.message);
}

#[test]
fn nested_aliases_are_counted_as_everything_they_repeat() {
    let mut laughs =
        String::from("slug: laughs\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let below = vec![format!("*l{}", level - 1); 10].join(", ");
        laughs.push_str(&format!("l{level}: &l{level} [{below}]\n"));
    }
    assert_eq!(refusal(&laughs, Format::Yaml).limit, Some(Limit::Size));
}

#[test]
fn one_long_text_repeated_by_aliases_is_refused_by_its_bytes() {
    let text = "w".repeat(100_000);
    let aliases = vec!["*t"; 50].join(", ");
    let doc = format!("slug: text\nlong: &t \"{text}\"\nmore: [{aliases}]\n");
    let error = refusal(&doc, Format::Yaml);
    assert_eq!(error.limit, Some(Limit::Size));
    assert!(
        error
            .message
            .contains(&format!("more than {MAX_TEXT_BYTES} bytes of text")),
        "{}",
        error.message
    );
}

#[test]
fn deep_flow_nesting_is_refused_at_the_first_level_past_the_limit() {
    let depth = 200_000;
    let doc = format!(
        "slug: deep\nx: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let error = refusal(&doc, Format::Yaml);
    assert_eq!(error.limit, Some(Limit::Depth));
    // The root map, then 128 lists: the 128th is the one too many, at column 131.
    assert!(
        error
            .message
            .contains(&format!("more than {MAX_DEPTH} deep at line 2 column 131")),
        "{}",
        error.message
    );
}

#[test]
fn deep_block_nesting_is_refused_too() {
    let doc = format!("slug: deep\nx:\n{}x\n", "- ".repeat(1_000));
    assert_eq!(refusal(&doc, Format::Yaml).limit, Some(Limit::Depth));
}

#[test]
fn nesting_at_the_limit_is_read_and_judged_as_any_other_field() {
    // The root map and 127 lists: 128 collections.
    let inside = MAX_DEPTH - 1;
    let doc = format!("x: {}{}\n", "[".repeat(inside), "]".repeat(inside));
    let errors = Definition::parse(&doc, Format::Yaml).expect_err("not a definition");
    assert!(errors.iter().all(|e| e.limit.is_none()), "{errors:?}");
    assert!(errors.iter().any(|e| e.path == "x"), "{errors:?}");
}

#[test]
fn an_alias_inside_the_node_it_names_is_refused() {
    let error = refusal("slug: loop\nx: &a [1, [*a, *a]]\n", Format::Yaml);
    assert!(
        error
            .message
            .contains("*a at line 2 column 12 is inside the node it names"),
        "{}",
        error.message
    );
}

#[test]
fn a_second_document_is_refused_before_it_is_read() {
    let doc = format!("{SMALL}\n---\n{}", alias_bomb());
    let error = refusal(&doc, Format::Yaml);
    assert!(
        error.message.contains("a definition is one YAML document"),
        "{}",
        error.message
    );
}

#[test]
fn anchors_and_aliases_within_the_limits_still_read() {
    // Every level's description is the same text, given once.
    let doc = SMALL.replacen(
        "{ name: Low, min_score: 0 }",
        "{ name: Low, min_score: 0, description: &same \"Shared words\" }",
        1,
    );
    let doc = doc.replacen(
        "{ name: Mid, min_score: 20 }",
        "{ name: Mid, min_score: 20, description: *same }",
        1,
    );
    let definition = Definition::parse(&doc, Format::Yaml).expect("valid");
    assert_eq!(
        definition.levels[1].description,
        definition.levels[0].description
    );
}

#[test]
fn json_nesting_past_the_limit_names_the_limit() {
    let depth = 200_000;
    let doc = format!("{{\"x\": {}{}}}", "[".repeat(depth), "]".repeat(depth));
    let error = refusal(&doc, Format::Json);
    assert_eq!(error.limit, Some(Limit::Depth));
    assert!(
        error
            .message
            .contains(&format!("more than {MAX_DEPTH} deep")),
        "{}",
        error.message
    );
}

#[test]
fn json_with_too_many_nodes_is_refused_by_its_size() {
    let doc = format!("{{\"x\": [{}0]}}", "0,".repeat(MAX_NODES as usize));
    let error = refusal(&doc, Format::Json);
    assert_eq!(error.limit, Some(Limit::Size));
}

#[test]
fn broken_json_still_gets_serde_jsons_message() {
    let error = refusal("{\"slug\": \"a\",", Format::Json);
    assert_eq!(error.limit, None);
    assert!(error.message.contains("EOF"), "{}", error.message);
}
