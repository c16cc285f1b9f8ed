//! Validation of the whole document: top-level fields, levels, dimensions, sections, and the
//! rules that span questions (unique keys, `show_if` pointing at an earlier question, every
//! dimension scored by some question). Every problem is collected; none stops the others.

use std::collections::{BTreeMap, BTreeSet};

use super::check::{Errors, field, index, is_slug};
use super::question::question;
use super::raw::{RawDefinition, RawDimension, RawLevel, RawSection};
use super::types::{Dimension, Level, Question, Section};
use super::{Definition, DefinitionError};
use crate::domain::language::Language;

/// The dimension key the store uses for the overall score.
pub const RESERVED_DIMENSION: &str = "overall";

pub fn validate(raw: RawDefinition) -> Result<Definition, Vec<DefinitionError>> {
    let mut errs = Errors::default();
    errs.unknown_fields("", &raw.extra);

    let slug = errs.required("slug", raw.slug).unwrap_or_default();
    if !slug.is_empty() && !is_slug(&slug) {
        errs.push(
            "slug",
            format!(
                "`{slug}` is not a valid slug: use 1 to 100 lowercase letters, digits and \
                 hyphens, starting with a letter"
            ),
        );
    }
    let version = errs.required("version", raw.version);
    let version = errs.count("version", version, 1).unwrap_or(0);
    let title = errs.text("title", raw.title);
    let description = errs.required("description", raw.description);
    let description = errs
        .optional_text("description", description)
        .unwrap_or_default();
    let languages = languages(&mut errs, raw.languages);
    let translation_status = translation_status(&mut errs, raw.translation_status, &languages);
    let estimated_minutes = errs.count("estimated_minutes", raw.estimated_minutes, 1);

    let raw_levels = non_empty_list(&mut errs, "levels", raw.levels);
    let levels = levels(&mut errs, raw_levels);
    let raw_dimensions = non_empty_list(&mut errs, "dimensions", raw.dimensions);
    let dimensions = dimensions(&mut errs, raw_dimensions);
    let raw_sections = non_empty_list(&mut errs, "sections", raw.sections);
    let sections = sections(&mut errs, raw_sections, &dimensions);

    let definition = Definition {
        slug,
        version,
        title,
        description,
        languages,
        translation_status,
        estimated_minutes,
        levels,
        dimensions,
        sections,
    };
    translations(&mut errs, &definition);
    if !errs.0.is_empty() {
        return Err(errs.0);
    }
    Ok(definition)
}

/// The languages a version declares; English only when it declares none. English must be one
/// of them: it is what a text without translations is written in.
fn languages(errs: &mut Errors, raw: Option<Vec<String>>) -> Vec<Language> {
    let Some(raw) = raw else {
        return vec![Language::En];
    };
    let mut out = Vec::new();
    for (i, code) in raw.iter().enumerate() {
        match Language::parse(code).filter(|l| l.code() == code) {
            Some(language) if out.contains(&language) => {
                errs.push(index("languages", i), format!("`{code}` is listed twice"));
            }
            Some(language) => out.push(language),
            None => errs.push(
                index("languages", i),
                format!("unknown language `{code}`: use en or cy"),
            ),
        }
    }
    if !out.contains(&Language::En) {
        errs.push("languages", "must include en");
    }
    out.sort();
    out
}

/// How far each translation may be trusted, e.g. `{cy: needs_review}`: a translation not yet
/// checked by a speaker of the language. Only declared languages may be named.
fn translation_status(
    errs: &mut Errors,
    raw: Option<BTreeMap<String, String>>,
    languages: &[Language],
) -> BTreeMap<String, String> {
    let raw = raw.unwrap_or_default();
    for (code, status) in &raw {
        let path = field("translation_status", code);
        if !Language::parse(code).is_some_and(|l| l.code() == code && languages.contains(&l)) {
            errs.push(
                &path,
                format!("`{code}` is not one of the declared languages"),
            );
        }
        if !TRANSLATION_STATUSES.contains(&status.as_str()) {
            errs.push(
                &path,
                format!(
                    "unknown status `{status}` (expected one of {})",
                    TRANSLATION_STATUSES.join(", ")
                ),
            );
        }
    }
    raw
}

/// What `translation_status` may say of a language.
pub const TRANSLATION_STATUSES: [&str; 2] = ["needs_review", "reviewed"];

/// Every text has each declared language, and none has a language the version does not declare.
fn translations(errs: &mut Errors, definition: &Definition) {
    let welsh = definition.languages.contains(&Language::Cy);
    for (path, text) in definition.texts() {
        match (welsh, text.cy.is_some()) {
            (true, false) => errs.push(
                field(&path, "cy"),
                "is missing: the version declares Welsh (cy), so every text needs it",
            ),
            (false, true) => errs.push(
                field(&path, "cy"),
                "is Welsh, which the version does not declare: add cy to languages",
            ),
            _ => {}
        }
    }
}

/// A required, non-empty list.
fn non_empty_list<T>(errs: &mut Errors, path: &str, list: Option<Vec<T>>) -> Vec<T> {
    match errs.required(path, list) {
        Some(list) if list.is_empty() => {
            errs.push(path, "must list at least one entry");
            list
        }
        Some(list) => list,
        None => Vec::new(),
    }
}

fn levels(errs: &mut Errors, raw: Vec<RawLevel>) -> Vec<Level> {
    let mut levels: Vec<Level> = Vec::with_capacity(raw.len());
    for (i, level) in raw.into_iter().enumerate() {
        let path = index("levels", i);
        errs.unknown_fields(&path, &level.extra);
        let name = errs.text(&field(&path, "name"), level.name);
        let min_path = field(&path, "min_score");
        let min_score = errs.required(&min_path, level.min_score);
        let min_score = errs.finite(&min_path, min_score);
        if let Some(min) = min_score {
            if !(0.0..=100.0).contains(&min) {
                errs.push(&min_path, "must be between 0 and 100");
            } else if i == 0 && min != 0.0 {
                errs.push(&min_path, "the first level must start at 0");
            } else if let Some(previous) = levels.last()
                && min <= previous.min_score
            {
                errs.push(
                    &min_path,
                    "must be greater than the min_score of the level before",
                );
            }
        }
        levels.push(Level {
            name,
            min_score: min_score.unwrap_or(f64::NAN),
            description: errs.optional_text(&field(&path, "description"), level.description),
        });
    }
    levels
}

fn dimensions(errs: &mut Errors, raw: Vec<RawDimension>) -> Vec<Dimension> {
    let mut seen = BTreeSet::new();
    let mut dimensions = Vec::with_capacity(raw.len());
    for (i, dimension) in raw.into_iter().enumerate() {
        let path = index("dimensions", i);
        errs.unknown_fields(&path, &dimension.extra);
        let key_path = field(&path, "key");
        let key = errs.key(&key_path, dimension.key);
        if key == RESERVED_DIMENSION {
            errs.push(
                &key_path,
                "`overall` is reserved for the overall score; choose another key",
            );
        } else if !key.is_empty() && !seen.insert(key.clone()) {
            errs.push(&key_path, format!("duplicate dimension key `{key}`"));
        }
        let title = errs.text(&field(&path, "title"), dimension.title);
        let weight_path = field(&path, "weight");
        let weight = errs.required(&weight_path, dimension.weight);
        let weight = errs.finite(&weight_path, weight);
        if weight.is_some_and(|w| w <= 0.0) {
            errs.push(&weight_path, "must be greater than 0");
        }
        dimensions.push(Dimension {
            key,
            title,
            weight: weight.unwrap_or(0.0),
            description: errs.optional_text(&field(&path, "description"), dimension.description),
        });
    }
    dimensions
}

/// Where a question sits: its path, and its position in document order.
struct Place {
    path: String,
    order: usize,
}

fn sections(errs: &mut Errors, raw: Vec<RawSection>, dimensions: &[Dimension]) -> Vec<Section> {
    let dimension_keys: BTreeSet<String> = dimensions.iter().map(|d| d.key.clone()).collect();
    // Every question key with where it first appears, so that a `show_if` naming a later
    // question is told apart from one naming no question at all.
    let mut places: BTreeMap<String, Place> = BTreeMap::new();
    let mut scored_dimensions = BTreeSet::new();
    let mut order = 0;
    for (s, section) in raw.iter().enumerate() {
        for (q, question) in section.questions.iter().flatten().enumerate() {
            let path = index(&field(&index("sections", s), "questions"), q);
            if let Some(key) = &question.key {
                places.entry(key.clone()).or_insert(Place { path, order });
            }
            if question.kind.as_deref() != Some("text")
                && let Some(dimension) = &question.dimension
            {
                scored_dimensions.insert(dimension.clone());
            }
            order += 1;
        }
    }

    let mut section_keys = BTreeSet::new();
    let mut built: BTreeMap<String, Question> = BTreeMap::new();
    let mut sections = Vec::with_capacity(raw.len());
    let mut order = 0;
    for (s, section) in raw.into_iter().enumerate() {
        let path = index("sections", s);
        errs.unknown_fields(&path, &section.extra);
        let key_path = field(&path, "key");
        let key = errs.key(&key_path, section.key);
        if !key.is_empty() && !section_keys.insert(key.clone()) {
            errs.push(&key_path, format!("duplicate section key `{key}`"));
        }
        let title = errs.text(&field(&path, "title"), section.title);
        let questions_path = field(&path, "questions");
        let raw_questions = non_empty_list(errs, &questions_path, section.questions);
        let mut questions = Vec::with_capacity(raw_questions.len());
        for (q, raw_question) in raw_questions.into_iter().enumerate() {
            let path = index(&questions_path, q);
            let key = raw_question.key.clone();
            if let Some(key) = &key
                && let Some(first) = places.get(key)
                && first.order != order
            {
                errs.push(
                    field(&path, "key"),
                    format!(
                        "duplicate question key `{key}` (first used at {})",
                        first.path
                    ),
                );
            }
            let question = question(errs, &path, raw_question, &dimension_keys);
            if let Some(question) = question {
                check_show_if(errs, &path, &question, order, &places, &built);
                built
                    .entry(question.key.clone())
                    .or_insert_with(|| question.clone());
                questions.push(question);
            }
            order += 1;
        }
        sections.push(Section {
            key,
            title,
            intro: errs.optional_text(&field(&path, "intro"), section.intro),
            questions,
        });
    }

    for (i, dimension) in dimensions.iter().enumerate() {
        if !dimension.key.is_empty() && !scored_dimensions.contains(&dimension.key) {
            errs.push(
                index("dimensions", i),
                format!("no question scores the dimension `{}`", dimension.key),
            );
        }
    }
    sections
}

/// A `show_if` must name an earlier choice or yes/no question, and test values it can take.
fn check_show_if(
    errs: &mut Errors,
    path: &str,
    question: &Question,
    order: usize,
    places: &BTreeMap<String, Place>,
    built: &BTreeMap<String, Question>,
) {
    let Some(show_if) = &question.show_if else {
        return;
    };
    let path = field(path, "show_if");
    let target_path = field(&path, "question");
    let target_key = &show_if.question;
    let Some(place) = places.get(target_key) else {
        errs.push(target_path, format!("unknown question `{target_key}`"));
        return;
    };
    if place.order >= order {
        errs.push(
            target_path,
            format!("`{target_key}` must refer to an earlier question"),
        );
        return;
    }
    // An earlier question that failed validation has its own errors already.
    let Some(target) = built.get(target_key) else {
        return;
    };
    if !matches!(
        target.type_name(),
        "single_choice" | "multi_choice" | "yes_no"
    ) {
        errs.push(
            target_path,
            format!(
                "`{target_key}` is a {} question; show_if can only test a single_choice, \
                 multi_choice or yes_no question",
                target.type_name()
            ),
        );
        return;
    }
    let possible = target.kind.conditional_values();
    for (i, value) in show_if.any_of.iter().enumerate() {
        if !possible.contains(&value.as_str()) {
            errs.push(
                index(&field(&path, "any_of"), i),
                format!(
                    "impossible value `{value}`: `{target_key}` can only be {}",
                    possible.join(", ")
                ),
            );
        }
    }
}
