//! What the respondent pages show, as plain data for the templates: questions with their current
//! or just-typed values and errors, section progress, and answers written out for people.

use crate::catalogue::{self, plain};
use crate::domain::answers::{AnswerValue, Answers, visible_questions};
use crate::domain::definition::{Definition, Question, QuestionKind, Section};
use crate::domain::language::Language;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// The form field name of a question's input.
pub fn field_name(key: &str) -> String {
    format!("a.{key}")
}

/// The id of a question's (first) input, which error summaries link to.
pub fn field_id(key: &str) -> String {
    format!("q-{key}")
}

#[derive(Serialize)]
pub struct OptionView {
    pub value: String,
    pub label: String,
    pub id: String,
    pub checked: bool,
}

#[derive(Serialize)]
pub struct QuestionView {
    pub key: String,
    pub id: String,
    pub name: String,
    pub prompt: String,
    pub help: Option<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub required: bool,
    pub unit: Option<String>,
    pub min: Option<String>,
    pub max: Option<String>,
    pub step: Option<String>,
    pub max_length: Option<u32>,
    pub options: Vec<OptionView>,
    /// The text of a text or number input.
    pub value: String,
    pub error: Option<String>,
    /// For a question that depends on an earlier one on the same page: when to answer it.
    pub conditional: Option<String>,
}

/// A question's inputs as typed: `None` means "show the stored answer".
pub type Typed<'a> = Option<&'a [String]>;

/// Builds the view of one question from its stored answer or from what was just typed.
pub fn question_view(
    def: &Definition,
    q: &Question,
    stored: Option<&AnswerValue>,
    typed: Typed<'_>,
    error: Option<String>,
    same_page: &HashSet<&str>,
    lang: Language,
) -> QuestionView {
    let chosen: Vec<String> = match typed {
        Some(inputs) => inputs.to_vec(),
        None => match stored {
            Some(AnswerValue::Choices(values)) => values.clone(),
            Some(other) => vec![value_text(other)],
            None => vec![],
        },
    };
    let options_of = |values: Vec<(String, String)>| -> Vec<OptionView> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| OptionView {
                id: if i == 0 {
                    field_id(&q.key)
                } else {
                    format!("{}-{value}", field_id(&q.key))
                },
                checked: chosen.contains(&value),
                value,
                label,
            })
            .collect()
    };
    let mut view = QuestionView {
        key: q.key.clone(),
        id: field_id(&q.key),
        name: field_name(&q.key),
        prompt: q.prompt.to_string(),
        help: q.help.as_ref().map(ToString::to_string),
        kind: q.kind.type_name(),
        required: q.required,
        unit: None,
        min: None,
        max: None,
        step: None,
        max_length: None,
        options: vec![],
        value: chosen.first().cloned().unwrap_or_default(),
        error,
        conditional: q
            .show_if
            .as_ref()
            .filter(|c| same_page.contains(c.question.as_str()))
            .map(|c| {
                let control = def.question(&c.question);
                let labels: Vec<String> = c
                    .any_of
                    .iter()
                    .map(|v| control.map_or_else(|| v.clone(), |cq| option_label(cq, v, lang)))
                    .collect();
                catalogue::text(
                    lang,
                    "respond-only-if",
                    &[
                        (
                            "question",
                            control.map_or(c.question.as_str(), |cq| &*cq.prompt).into(),
                        ),
                        ("answers", join_or(&labels, lang).into()),
                    ],
                )
            }),
    };
    match &q.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultiChoice { options, .. } => {
            view.options = options_of(
                options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.to_string()))
                    .collect(),
            );
        }
        QuestionKind::YesNo { .. } => {
            view.options = options_of(vec![
                ("yes".into(), plain(lang, "respond-yes")),
                ("no".into(), plain(lang, "respond-no")),
            ]);
        }
        QuestionKind::Scale { points, labels } => {
            view.options = options_of(
                (1..=*points)
                    .map(|n| {
                        let label = labels.get(n as usize - 1).cloned().unwrap_or_default();
                        (n.to_string(), format!("{n} – {label}"))
                    })
                    .collect(),
            );
        }
        QuestionKind::Integer { min, max, unit, .. } => {
            view.min = min.map(|v| v.to_string());
            view.max = max.map(|v| v.to_string());
            view.step = Some("1".into());
            view.unit = unit.as_ref().map(ToString::to_string);
        }
        QuestionKind::Decimal {
            min,
            max,
            step,
            unit,
            ..
        } => {
            view.min = min.map(|v| v.to_string());
            view.max = max.map(|v| v.to_string());
            view.step = Some(step.map_or_else(|| "any".to_owned(), |s| s.to_string()));
            view.unit = unit.as_ref().map(ToString::to_string);
        }
        QuestionKind::Text { .. } => view.max_length = q.max_length(),
    }
    view
}

/// Which questions of a section to show: those visible under the stored answers, plus those that
/// depend on a question of the same section (the answer there may change on this page; the
/// server applies the condition when the page is saved).
pub fn questions_to_show<'a>(
    def: &'a Definition,
    section: &'a Section,
    answers: &Answers,
) -> Vec<&'a Question> {
    let visible: HashSet<&str> = visible_questions(def, answers)
        .iter()
        .map(|q| q.key.as_str())
        .collect();
    let on_page: HashSet<&str> = section.questions.iter().map(|q| q.key.as_str()).collect();
    section
        .questions
        .iter()
        .filter(|q| {
            visible.contains(q.key.as_str())
                || q.show_if
                    .as_ref()
                    .is_some_and(|c| on_page.contains(c.question.as_str()))
        })
        .collect()
}

/// A section's progress, for the task list.
#[derive(Serialize)]
pub struct SectionProgress {
    pub key: String,
    pub title: String,
    /// `not_started`, `in_progress` or `done`.
    pub status: &'static str,
    pub status_label: String,
}

pub fn progress(def: &Definition, answers: &Answers, lang: Language) -> Vec<SectionProgress> {
    let visible: HashSet<&str> = visible_questions(def, answers)
        .iter()
        .map(|q| q.key.as_str())
        .collect();
    def.sections
        .iter()
        .map(|s| {
            let shown: Vec<&Question> = s
                .questions
                .iter()
                .filter(|q| visible.contains(q.key.as_str()))
                .collect();
            let answered = shown
                .iter()
                .filter(|q| answers.contains_key(&q.key))
                .count();
            let missing_required = shown
                .iter()
                .any(|q| q.required && !answers.contains_key(&q.key));
            let (status, status_label) = match (answered, missing_required) {
                (0, _) => ("not_started", "respond-status-not-started"),
                (_, true) => ("in_progress", "respond-status-in-progress"),
                (_, false) => ("done", "respond-status-done"),
            };
            let status_label = plain(lang, status_label);
            SectionProgress {
                key: s.key.clone(),
                title: s.title.to_string(),
                status,
                status_label,
            }
        })
        .collect()
}

/// An answer written out for people: option labels, Yes/No, numbers with their unit.
pub fn display_answer(q: &Question, value: &AnswerValue, lang: Language) -> String {
    match (&q.kind, value) {
        (QuestionKind::MultiChoice { .. }, AnswerValue::Choices(values)) => values
            .iter()
            .map(|v| option_label(q, v, lang))
            .collect::<Vec<_>>()
            .join(", "),
        (QuestionKind::Integer { unit, .. } | QuestionKind::Decimal { unit, .. }, v) => {
            match unit {
                Some(unit) => format!("{} {unit}", value_text(v)),
                None => value_text(v),
            }
        }
        (QuestionKind::Scale { labels, .. }, v) => {
            let text = value_text(v);
            let label = text
                .parse::<usize>()
                .ok()
                .and_then(|n| labels.get(n.wrapping_sub(1)));
            label.map_or(text.clone(), |l| format!("{text} – {l}"))
        }
        (_, v) => option_label(q, &value_text(v), lang),
    }
}

/// The label of a choice value (Yes/No for yes_no), or the value itself.
fn option_label(q: &Question, value: &str, lang: Language) -> String {
    match &q.kind {
        QuestionKind::YesNo { .. } => match value {
            "yes" => plain(lang, "respond-yes"),
            "no" => plain(lang, "respond-no"),
            other => other.into(),
        },
        _ => q
            .option(value)
            .map_or_else(|| value.to_owned(), |o| o.label.to_string()),
    }
}

/// The text of a single-valued answer as it goes in an input.
fn value_text(value: &AnswerValue) -> String {
    match value {
        AnswerValue::Text(t) => t.clone(),
        AnswerValue::Integer(n) => n.to_string(),
        AnswerValue::Number(x) => x.to_string(),
        AnswerValue::Choices(values) => values.join(", "),
    }
}

fn join_or(items: &[String], lang: Language) -> String {
    match items {
        [] => String::new(),
        [one] => format!("“{one}”"),
        [init @ .., last] => {
            let head: Vec<String> = init.iter().map(|i| format!("“{i}”")).collect();
            format!("{} {} “{last}”", head.join(", "), plain(lang, "respond-or"))
        }
    }
}

/// One row of the review page or of a conflict table.
#[derive(Serialize)]
pub struct AnswerRow {
    pub key: String,
    pub prompt: String,
    pub answer: Option<String>,
    pub required: bool,
    pub section: String,
}

/// Every visible question with its answer, by section, for the review page.
pub fn review(
    def: &Definition,
    answers: &Answers,
    lang: Language,
) -> Vec<(String, String, Vec<AnswerRow>)> {
    let visible: HashSet<&str> = visible_questions(def, answers)
        .iter()
        .map(|q| q.key.as_str())
        .collect();
    def.sections
        .iter()
        .map(|s| {
            let rows = s
                .questions
                .iter()
                .filter(|q| visible.contains(q.key.as_str()))
                .map(|q| AnswerRow {
                    key: q.key.clone(),
                    prompt: q.prompt.to_string(),
                    answer: answers.get(&q.key).map(|v| display_answer(q, v, lang)),
                    required: q.required,
                    section: s.key.clone(),
                })
                .collect();
            (s.key.clone(), s.title.to_string(), rows)
        })
        .collect()
}

/// Groups form fields by question key: `a.<key>` → every value sent for it.
pub fn typed_inputs(fields: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in fields {
        if let Some(key) = name.strip_prefix("a.") {
            map.entry(key.to_owned()).or_default().push(value.clone());
        }
    }
    map
}
