//! Every text of a definition with its path, and the definition as read in one language.

use super::text::Text;
use super::types::QuestionKind;
use super::{Definition, Section};
use crate::domain::language::Language;

pub(super) fn english_only(languages: &[Language]) -> bool {
    languages == [Language::En]
}

impl Definition {
    /// Whether the version offers `language` (every text has it).
    pub fn offers(&self, language: Language) -> bool {
        self.languages.contains(&language)
    }

    /// The language pages and reports use for someone who asked for `wanted`: that language if
    /// the version offers it, English otherwise.
    pub fn language_for(&self, wanted: Language) -> Language {
        if self.offers(wanted) {
            wanted
        } else {
            Language::En
        }
    }

    /// Every text a respondent or reader sees, each with its path in the document
    /// (`sections[2].questions[4].prompt`), in document order.
    pub fn texts(&self) -> Vec<(String, &Text)> {
        let mut out: Vec<(String, &Text)> = vec![
            ("title".into(), &self.title),
            ("description".into(), &self.description),
        ];
        for (i, level) in self.levels.iter().enumerate() {
            out.push((format!("levels[{i}].name"), &level.name));
            if let Some(d) = &level.description {
                out.push((format!("levels[{i}].description"), d));
            }
        }
        for (i, dimension) in self.dimensions.iter().enumerate() {
            out.push((format!("dimensions[{i}].title"), &dimension.title));
            if let Some(d) = &dimension.description {
                out.push((format!("dimensions[{i}].description"), d));
            }
        }
        for (s, section) in self.sections.iter().enumerate() {
            section_texts(&mut out, s, section);
        }
        out
    }

    /// The definition with every text in `language` only (English where it has no such
    /// translation), for rendering: pages and reports read plain texts from it.
    pub fn localized(&self, language: Language) -> Definition {
        let mut out = self.clone();
        if language == Language::En && english_only(&self.languages) {
            return out;
        }
        for_each_text(&mut out, &mut |t: &mut Text| *t = t.only(language));
        out.languages = vec![Language::En];
        out
    }
}

fn section_texts<'a>(out: &mut Vec<(String, &'a Text)>, s: usize, section: &'a Section) {
    let base = format!("sections[{s}]");
    out.push((format!("{base}.title"), &section.title));
    if let Some(intro) = &section.intro {
        out.push((format!("{base}.intro"), intro));
    }
    for (q, question) in section.questions.iter().enumerate() {
        let base = format!("{base}.questions[{q}]");
        out.push((format!("{base}.prompt"), &question.prompt));
        if let Some(help) = &question.help {
            out.push((format!("{base}.help"), help));
        }
        match &question.kind {
            QuestionKind::SingleChoice { options } | QuestionKind::MultiChoice { options, .. } => {
                for (o, option) in options.iter().enumerate() {
                    out.push((format!("{base}.options[{o}].label"), &option.label));
                }
            }
            QuestionKind::Scale { labels, .. } => {
                for (l, label) in labels.iter().enumerate() {
                    out.push((format!("{base}.labels[{l}]"), label));
                }
            }
            QuestionKind::Integer {
                unit: Some(unit), ..
            }
            | QuestionKind::Decimal {
                unit: Some(unit), ..
            } => {
                out.push((format!("{base}.unit"), unit));
            }
            _ => {}
        }
    }
}

/// Applies `f` to every text of the definition (the same texts as [`Definition::texts`]).
fn for_each_text(def: &mut Definition, f: &mut impl FnMut(&mut Text)) {
    f(&mut def.title);
    f(&mut def.description);
    for level in &mut def.levels {
        f(&mut level.name);
        level.description.iter_mut().for_each(&mut *f);
    }
    for dimension in &mut def.dimensions {
        f(&mut dimension.title);
        dimension.description.iter_mut().for_each(&mut *f);
    }
    for section in &mut def.sections {
        f(&mut section.title);
        section.intro.iter_mut().for_each(&mut *f);
        for question in &mut section.questions {
            f(&mut question.prompt);
            question.help.iter_mut().for_each(&mut *f);
            match &mut question.kind {
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultiChoice { options, .. } => {
                    options.iter_mut().for_each(|o| f(&mut o.label));
                }
                QuestionKind::Scale { labels, .. } => labels.iter_mut().for_each(&mut *f),
                QuestionKind::Integer { unit, .. } | QuestionKind::Decimal { unit, .. } => {
                    unit.iter_mut().for_each(&mut *f);
                }
                _ => {}
            }
        }
    }
}
