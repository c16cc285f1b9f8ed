//! Answer errors in the page's language. `domain::answers` words its messages in English (the
//! JSON API's clients read them as they are); a Welsh page reads each message's form and says
//! the same in Welsh through the catalogue. A message of a form not known here stays English,
//! and the unit test below checks every form `domain::answers` uses.

use crate::catalogue::{self, Arg, plain};
use crate::domain::definition::Question;
use crate::domain::language::Language;

/// Messages that take no value, with their catalogue keys.
const FIXED: [(&str, &str); 10] = [
    ("Choose one of the options listed", "answer-choose-listed"),
    (
        "Choose only from the options listed",
        "answer-choose-only-listed",
    ),
    ("Choose each option only once", "answer-choose-once"),
    ("Choose at least one option", "answer-choose-at-least-one"),
    ("Enter your answer", "answer-enter"),
    ("Choose one option", "answer-choose-one"),
    (
        "Choose one or more of the options",
        "answer-choose-one-or-more",
    ),
    ("Choose yes or no", "answer-choose-yes-no"),
    ("Enter your answer as text", "answer-enter-text"),
    ("Enter a whole number", "answer-enter-whole"),
];

/// `message` about question `q` (as defined, in every language) in `lang`.
pub(super) fn in_language(message: &str, q: Option<&Question>, lang: Language) -> String {
    if lang == Language::En {
        return message.to_owned();
    }
    translated(message, q, lang).unwrap_or_else(|| message.to_owned())
}

fn translated(message: &str, q: Option<&Question>, lang: Language) -> Option<String> {
    if message == "Enter a number" {
        return Some(plain(lang, "answer-enter-number"));
    }
    if let Some((_, key)) = FIXED.iter().find(|(en, _)| *en == message) {
        return Some(plain(lang, key));
    }
    let text = |key: &str, args: &[(&str, Arg)]| Some(catalogue::text(lang, key, args));
    if let Some(points) = message.strip_prefix("Choose a point from 1 to ") {
        return text("answer-scale", &[("points", points.into())]);
    }
    if let Some(rest) = message.strip_prefix("Use ")
        && let Some((limit, rest)) = rest.split_once(" characters or fewer (your answer has ")
    {
        let length = rest.trim_end_matches(')');
        return text(
            "answer-too-long",
            &[("limit", limit.into()), ("length", length.into())],
        );
    }
    if let Some(rest) = message.strip_prefix('\u{201c}')
        && let Some((label, _)) = rest.split_once("\u{201d} cannot be combined with other options")
    {
        let welsh = q
            .and_then(|q| q.kind.options().iter().find(|o| o.label.en == label))
            .map_or(label, |o| o.label.get(lang));
        return text("answer-exclusive", &[("option", welsh.into())]);
    }
    for (what, prefix) in [
        ("a whole number", "answer-whole"),
        ("a number", "answer-number"),
    ] {
        let Some(rest) = message.strip_prefix(&format!("Enter {what} ")) else {
            continue;
        };
        if let Some(range) = rest.strip_prefix("between ")
            && let Some((min, max)) = range.split_once(" and ")
        {
            let key = format!("{prefix}-between");
            return text(&key, &[("min", min.into()), ("max", max.into())]);
        }
        if let Some(bound) = rest.strip_prefix("of ") {
            if let Some(min) = bound.strip_suffix(" or more") {
                return text(&format!("{prefix}-at-least"), &[("min", min.into())]);
            }
            if let Some(max) = bound.strip_suffix(" or less") {
                return text(&format!("{prefix}-at-most"), &[("max", max.into())]);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::answers::parse_form_answer;
    use crate::domain::definition::{Definition, Format};

    /// Every form of message `domain::answers` gives on a form, from the shipped instrument
    /// and a few made-up bounds, reads in Welsh.
    #[test]
    fn every_answer_error_has_a_welsh_form() {
        let def = Definition::parse(
            include_str!("../../instruments/nhs-social-media-maturity.v1.yaml"),
            Format::Yaml,
        )
        .unwrap();
        let inputs: [&[&str]; 5] = [&["nonsense"], &[], &["-5"], &["99999999"], &["1", "1"]];
        let mut seen = 0;
        for q in def.questions() {
            for typed in inputs {
                let typed: Vec<String> = typed.iter().map(|s| (*s).to_owned()).collect();
                if let Err(message) = parse_form_answer(q, &typed) {
                    let welsh = translated(&message, Some(q), Language::Cy);
                    assert!(welsh.is_some(), "no Welsh for “{message}”");
                    seen += 1;
                }
            }
        }
        assert!(seen > 50);
        for message in [
            "Enter a number of 2 or more",
            "Enter a whole number of 10 or less",
            "Enter a number",
            "Use 20 characters or fewer (your answer has 21)",
            "Choose only from the options listed",
            "Choose each option only once",
        ] {
            assert!(
                translated(message, None, Language::Cy).is_some(),
                "{message}"
            );
        }
        let none = def.question("budget").and_then(|q| {
            q.kind
                .options()
                .iter()
                .find(|o| o.exclusive)
                .map(|o| (q, o))
        });
        if let Some((q, option)) = none {
            let message = format!(
                "\u{201c}{}\u{201d} cannot be combined with other options",
                option.label.en
            );
            let welsh = translated(&message, Some(q), Language::Cy).unwrap();
            assert!(welsh.contains(option.label.get(Language::Cy)), "{welsh}");
        }
    }
}
