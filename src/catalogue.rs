//! The message catalogue: every piece of fixed interface text (buttons, headings, errors, report
//! labels, e-mails) in English and Welsh, as Fluent files under `templates/locales/<lang>/`,
//! embedded at build time. Templates reach it through the `t("key", name=...)` function
//! (`crate::templates`); Rust code through [`text`].
//!
//! Texts that belong to a survey (titles, questions, options) are not here: they live in the
//! definition (`domain::definition::Text`). A key missing in one language is a bug that the unit
//! tests below catch; at run time it shows the key itself and logs a warning, never an error.

use crate::domain::language::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;

/// The catalogue's files, per language, in the same order.
macro_rules! files {
    ($lang:literal) => {
        [
            (
                "common.ftl",
                include_str!(concat!("../templates/locales/", $lang, "/common.ftl")),
            ),
            (
                "respond.ftl",
                include_str!(concat!("../templates/locales/", $lang, "/respond.ftl")),
            ),
            (
                "report.ftl",
                include_str!(concat!("../templates/locales/", $lang, "/report.ftl")),
            ),
            (
                "mail.ftl",
                include_str!(concat!("../templates/locales/", $lang, "/mail.ftl")),
            ),
            (
                "colleagues.ftl",
                include_str!(concat!("../templates/locales/", $lang, "/colleagues.ftl")),
            ),
        ]
    };
}

const EN: [(&str, &str); 5] = files!("en");
const CY: [(&str, &str); 5] = files!("cy");

/// A value given to a message: text, or a number (which Fluent's plural rules can select on).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Number(value as f64)
    }
}

impl From<usize> for Arg {
    fn from(value: usize) -> Self {
        Arg::Number(value as f64)
    }
}

impl From<f64> for Arg {
    fn from(value: f64) -> Self {
        Arg::Number(value)
    }
}

struct Catalogue {
    en: FluentBundle<FluentResource>,
    cy: FluentBundle<FluentResource>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue {
    en: bundle(Language::En, &EN),
    cy: bundle(Language::Cy, &CY),
});

/// One language's bundle. A file that does not parse keeps the messages that do (Fluent's
/// parser recovers per entry); the unit tests fail on any error, so a release has none.
fn bundle(language: Language, files: &[(&str, &str)]) -> FluentBundle<FluentResource> {
    let tag = match language {
        Language::En => "en-GB",
        Language::Cy => "cy",
    };
    // Both tags are well formed; the default (undetermined) would only lose plural rules.
    let id: unic_langid::LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks (U+2068, U+2069) around arguments help right-to-left scripts; English
    // and Welsh don't need them, and they would end up inside PDFs and e-mail subjects.
    bundle.set_use_isolating(false);
    for (name, source) in files {
        let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(res, errors)| {
            tracing::error!(file = name, lang = %language, ?errors, "message catalogue file has errors");
            res
        });
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(file = name, lang = %language, ?errors, "message catalogue file clashes");
        }
    }
    bundle
}

/// The message `key` in `language`, with its arguments filled in.
pub fn text(language: Language, key: &str, args: &[(&str, Arg)]) -> String {
    let catalogue = &*CATALOGUE;
    let bundle = match language {
        Language::En => &catalogue.en,
        Language::Cy => &catalogue.cy,
    };
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        tracing::warn!(key, lang = %language, "message missing from the catalogue");
        return key.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let value = match value {
            Arg::Text(text) => FluentValue::from(text.clone()),
            Arg::Number(number) => FluentValue::from(*number),
        };
        fluent_args.set(*name, value);
    }
    let mut errors = Vec::new();
    let out = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(key, lang = %language, ?errors, "message could not be formatted fully");
    }
    out.into_owned()
}

/// Shorthand for a message without arguments.
pub fn plain(language: Language, key: &str) -> String {
    text(language, key, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// Each message of a file and the arguments (`$name`) it uses, read from the source: a
    /// message starts at the beginning of a line (`key = ...`), continues on indented lines.
    fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut current: Option<String> = None;
        for line in source.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !line.starts_with(' ') {
                let key = line.split('=').next().unwrap_or_default().trim().to_owned();
                out.entry(key.clone()).or_default();
                current = Some(key);
            }
            if let Some(key) = &current {
                let args = out.entry(key.clone()).or_default();
                for piece in line.split('$').skip(1) {
                    let name: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                        .collect();
                    args.insert(name);
                }
            }
        }
        out
    }

    #[test]
    fn every_file_parses_without_errors_in_both_languages() {
        for (name, source) in EN.iter().chain(CY.iter()) {
            if let Err((_, errors)) = FluentResource::try_new((*source).to_owned()) {
                panic!("{name}: {errors:?}");
            }
        }
    }

    #[test]
    fn every_key_exists_in_both_languages_with_the_same_arguments() {
        for ((en_name, en), (cy_name, cy)) in EN.iter().zip(CY.iter()) {
            assert_eq!(en_name, cy_name);
            let en = messages(en);
            let cy = messages(cy);
            let en_keys: BTreeSet<_> = en.keys().collect();
            let cy_keys: BTreeSet<_> = cy.keys().collect();
            assert_eq!(
                en_keys.difference(&cy_keys).collect::<Vec<_>>(),
                Vec::<&&String>::new(),
                "{en_name}: in English, not in Welsh"
            );
            assert_eq!(
                cy_keys.difference(&en_keys).collect::<Vec<_>>(),
                Vec::<&&String>::new(),
                "{en_name}: in Welsh, not in English"
            );
            for (key, args) in &en {
                assert_eq!(
                    Some(args),
                    cy.get(key),
                    "{en_name}: {key} takes other arguments in Welsh"
                );
            }
        }
    }

    #[test]
    fn no_key_is_defined_twice_across_files() {
        for files in [&EN, &CY] {
            let mut seen = BTreeSet::new();
            for (name, source) in files {
                for key in messages(source).into_keys() {
                    assert!(seen.insert(key.clone()), "{name}: {key} defined twice");
                }
            }
        }
    }

    #[test]
    fn messages_fill_in_arguments_without_isolation_marks() {
        let en = text(
            Language::En,
            "respond-section-of",
            &[("number", 2usize.into()), ("count", 5usize.into())],
        );
        assert_eq!(en, "Section 2 of 5");
        let cy = text(
            Language::Cy,
            "respond-section-of",
            &[("number", 2usize.into()), ("count", 5usize.into())],
        );
        assert_eq!(cy, "Adran 2 o 5");
    }

    #[test]
    fn a_missing_key_shows_the_key() {
        assert_eq!(plain(Language::Cy, "no-such-key"), "no-such-key");
    }
}
