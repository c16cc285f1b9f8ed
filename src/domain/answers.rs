//! Answers: checking one value against its question, reading HTML form input, deciding which
//! questions are shown (`show_if`), and checking a response is complete before submission.
//!
//! An answer's JSON form is the natural one for its question's type: single_choice and yes_no
//! take the option value as a string (`"board"`, `"yes"`), multi_choice a list of option values
//! (`["tools", "content"]`), scale and integer a whole number, decimal a number, and text a
//! string. An unanswered question has no entry in [`Answers`]; a blank text or an empty
//! selection is not an answer. Error messages are written for the person filling in the survey.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::definition::{Definition, Question, QuestionKind};

/// One question's answer. See the module documentation for which form each type takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnswerValue {
    /// A scale point or an integer.
    Integer(i64),
    /// A decimal.
    Number(f64),
    /// A single_choice option value, "yes" or "no", or free text (kept exactly as entered).
    Text(String),
    /// The option values chosen in a multi_choice question, in the order given.
    Choices(Vec<String>),
}

impl AnswerValue {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            AnswerValue::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_choices(&self) -> Option<&[String]> {
        match self {
            AnswerValue::Choices(values) => Some(values),
            _ => None,
        }
    }

    /// The value of a numeric answer.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            AnswerValue::Integer(n) => Some(n as f64),
            AnswerValue::Number(x) => Some(x),
            _ => None,
        }
    }

    /// Whether this answer meets a `show_if`: the value, or any chosen value, is in `any_of`.
    pub fn matches_any(&self, any_of: &[String]) -> bool {
        match self {
            AnswerValue::Text(value) => any_of.contains(value),
            AnswerValue::Choices(values) => values.iter().any(|v| any_of.contains(v)),
            _ => false,
        }
    }
}

/// A response's answers by question key.
pub type Answers = BTreeMap<String, AnswerValue>;

/// A problem with the answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerError {
    pub question: String,
    pub message: String,
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.question, self.message)
    }
}

impl std::error::Error for AnswerError {}

/// Checks one JSON value against a question and returns the typed answer (a decimal given as
/// `3` becomes `3.0`; a scale or integer given as `3.0` becomes `3`). `null`, a blank string and
/// an empty list are errors here: callers treat "no answer" as the absence of a value.
pub fn parse_answer(q: &Question, raw: &Value) -> Result<AnswerValue, String> {
    let value = match raw {
        Value::String(text) => AnswerValue::Text(text.clone()),
        Value::Number(n) => match n.as_i64() {
            Some(whole) => AnswerValue::Integer(whole),
            None => AnswerValue::Number(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::Array(items) => {
            let values: Option<Vec<String>> = items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect();
            match values {
                Some(values) => AnswerValue::Choices(values),
                None => return Err(expected(q)),
            }
        }
        Value::Null | Value::Bool(_) | Value::Object(_) => return Err(expected(q)),
    };
    check_value(q, value)
}

/// Reads HTML form input for one question (every field is a string; a multi_choice gives one
/// string per ticked box). No input, or only blank input, means the question is unanswered.
pub fn parse_form_answer(q: &Question, inputs: &[String]) -> Result<Option<AnswerValue>, String> {
    let given: Vec<&String> = inputs.iter().filter(|s| !s.trim().is_empty()).collect();
    if given.is_empty() {
        return Ok(None);
    }
    let raw = match (&q.kind, given.as_slice()) {
        (QuestionKind::MultiChoice { .. }, _) => Value::Array(
            given
                .iter()
                .map(|s| Value::String(s.trim().to_owned()))
                .collect(),
        ),
        (_, [single]) => match &q.kind {
            QuestionKind::Scale { .. } | QuestionKind::Integer { .. } => {
                let whole = without_thousands(single.trim()).and_then(|s| s.parse::<i64>().ok());
                Value::from(whole.ok_or_else(|| expected(q))?)
            }
            QuestionKind::Decimal { .. } => {
                let number = without_thousands(single.trim())
                    .and_then(|s| s.parse::<f64>().ok())
                    .filter(|x| x.is_finite());
                Value::from(number.ok_or_else(|| expected(q))?)
            }
            // Free text is kept exactly as typed; only choice values are trimmed.
            QuestionKind::Text { .. } => Value::String((*single).clone()),
            _ => Value::String(single.trim().to_owned()),
        },
        _ => return Err(expected(q)),
    };
    parse_answer(q, &raw).map(Some)
}

/// The questions shown for these answers, in document order. A question with `show_if` is shown
/// when its controlling question is shown and answered with one of `any_of`; so a question whose
/// controlling question is hidden is hidden too.
pub fn visible_questions<'a>(def: &'a Definition, answers: &Answers) -> Vec<&'a Question> {
    def.questions()
        .zip(visible_flags(def, &controllers(def), answers))
        .filter_map(|(question, shown)| shown.then_some(question))
        .collect()
}

/// For each question of `def`, in document order, the position of the question its `show_if`
/// depends on (`None` without `show_if`, or if that question does not come before it). Worked
/// out once, it lets [`visible_flags`] decide visibility for many responses cheaply.
pub fn controllers(def: &Definition) -> Vec<Option<usize>> {
    let questions: Vec<&Question> = def.questions().collect();
    questions
        .iter()
        .enumerate()
        .map(|(at, question)| {
            let condition = question.show_if.as_ref()?;
            questions[..at]
                .iter()
                .position(|earlier| earlier.key == condition.question)
        })
        .collect()
}

/// For each question of `def`, in document order, whether it is shown under these answers (the
/// rule of [`visible_questions`]); `controllers` comes from [`controllers`].
pub fn visible_flags(
    def: &Definition,
    controllers: &[Option<usize>],
    answers: &Answers,
) -> Vec<bool> {
    let mut flags: Vec<bool> = Vec::with_capacity(controllers.len());
    for (question, controller) in def.questions().zip(controllers) {
        let shown = match &question.show_if {
            None => true,
            Some(condition) => {
                controller.is_some_and(|i| flags[i])
                    && answers
                        .get(&condition.question)
                        .is_some_and(|answer| answer.matches_any(&condition.any_of))
            }
        };
        flags.push(shown);
    }
    flags
}

/// Removes answers to hidden questions and to keys the definition does not have, and returns
/// the removed keys (sorted). Removing them cannot change what is shown: a question controlled
/// by a hidden question is hidden whatever its controller's stored answer.
pub fn prune_hidden(def: &Definition, answers: &mut Answers) -> Vec<String> {
    let visible: BTreeSet<&str> = visible_questions(def, answers)
        .into_iter()
        .map(|q| q.key.as_str())
        .collect();
    let dropped: Vec<String> = answers
        .keys()
        .filter(|key| !visible.contains(key.as_str()))
        .cloned()
        .collect();
    for key in &dropped {
        answers.remove(key);
    }
    dropped
}

/// Everything that stops these answers being submitted: a shown required question without an
/// answer, or a shown question with an invalid answer, in document order. Hidden questions and
/// unknown keys are not checked; remove them with [`prune_hidden`] before storing.
pub fn check_complete(def: &Definition, answers: &Answers) -> Vec<AnswerError> {
    visible_questions(def, answers)
        .into_iter()
        .filter_map(|q| {
            let message = match answers.get(&q.key) {
                None if q.required => missing(q),
                None => return None,
                Some(answer) => check_value(q, answer.clone()).err()?,
            };
            Some(AnswerError {
                question: q.key.clone(),
                message,
            })
        })
        .collect()
}

/// Checks a typed answer against its question, normalising numbers to the question's type.
fn check_value(q: &Question, value: AnswerValue) -> Result<AnswerValue, String> {
    match &q.kind {
        QuestionKind::SingleChoice { .. } => match value.as_text() {
            Some(v) if q.option(v).is_some() => Ok(value),
            Some(_) => Err("Choose one of the options listed".to_owned()),
            None => Err(expected(q)),
        },
        QuestionKind::YesNo { .. } => match value.as_text() {
            Some("yes" | "no") => Ok(value),
            _ => Err(expected(q)),
        },
        QuestionKind::MultiChoice { .. } => check_choices(q, value),
        QuestionKind::Scale { points, .. } => match whole(&value) {
            Some(n) if (1..=i64::from(*points)).contains(&n) => Ok(AnswerValue::Integer(n)),
            _ => Err(expected(q)),
        },
        QuestionKind::Integer { min, max, .. } => match whole(&value) {
            Some(n) if min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m) => {
                Ok(AnswerValue::Integer(n))
            }
            _ => Err(expected(q)),
        },
        QuestionKind::Decimal { min, max, .. } => match value.as_f64() {
            Some(x)
                if x.is_finite() && min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m) =>
            {
                Ok(AnswerValue::Number(x))
            }
            _ => Err(expected(q)),
        },
        QuestionKind::Text { .. } => {
            let Some(text) = value.as_text() else {
                return Err(expected(q));
            };
            let limit = q.max_length().unwrap_or(u32::MAX);
            let length = text.chars().count();
            if text.trim().is_empty() {
                Err(missing(q))
            } else if u32::try_from(length).is_ok_and(|n| n <= limit) {
                Ok(value)
            } else {
                Err(format!(
                    "Use {limit} characters or fewer (your answer has {length})"
                ))
            }
        }
    }
}

fn check_choices(q: &Question, value: AnswerValue) -> Result<AnswerValue, String> {
    let Some(values) = value.as_choices() else {
        return Err(expected(q));
    };
    if values.is_empty() {
        return Err(missing(q));
    }
    let mut seen = BTreeSet::new();
    for v in values {
        let Some(option) = q.option(v) else {
            return Err("Choose only from the options listed".to_owned());
        };
        if !seen.insert(v) {
            return Err("Choose each option only once".to_owned());
        }
        if option.exclusive && values.len() > 1 {
            return Err(format!(
                "\u{201c}{}\u{201d} cannot be combined with other options",
                option.label
            ));
        }
    }
    Ok(value)
}

/// A whole number, from an integer or from a number with no fractional part.
fn whole(value: &AnswerValue) -> Option<i64> {
    match *value {
        AnswerValue::Integer(n) => Some(n),
        // The bounds keep the conversion exact; 2^63 itself is out of range.
        AnswerValue::Number(x)
            if x.fract() == 0.0 && x >= -(2f64.powi(63)) && x < 2f64.powi(63) =>
        {
            Some(x as i64)
        }
        _ => None,
    }
}

/// What to ask for when a question has no answer.
fn missing(q: &Question) -> String {
    match q.kind {
        QuestionKind::MultiChoice { .. } => "Choose at least one option".to_owned(),
        QuestionKind::Text { .. } => "Enter your answer".to_owned(),
        _ => expected(q),
    }
}

/// What a valid answer looks like, e.g. "Enter a whole number between 0 and 100".
fn expected(q: &Question) -> String {
    match &q.kind {
        QuestionKind::SingleChoice { .. } => "Choose one option".to_owned(),
        QuestionKind::MultiChoice { .. } => "Choose one or more of the options".to_owned(),
        QuestionKind::YesNo { .. } => "Choose yes or no".to_owned(),
        QuestionKind::Scale { points, .. } => format!("Choose a point from 1 to {points}"),
        QuestionKind::Integer { min, max, .. } => number_hint(
            "a whole number",
            min.map(|m| m as f64),
            max.map(|m| m as f64),
        ),
        QuestionKind::Decimal { min, max, .. } => number_hint("a number", *min, *max),
        QuestionKind::Text { .. } => "Enter your answer as text".to_owned(),
    }
}

fn number_hint(what: &str, min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("Enter {what} between {min} and {max}"),
        (Some(min), None) => format!("Enter {what} of {min} or more"),
        (None, Some(max)) => format!("Enter {what} of {max} or less"),
        (None, None) => format!("Enter {what}"),
    }
}

/// Removes thousands separators written the English way ("1,200"), refusing commas anywhere
/// else ("1,5" is ambiguous, so it is not guessed at).
fn without_thousands(text: &str) -> Option<String> {
    if !text.contains(',') {
        return Some(text.to_owned());
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = whole.trim_start_matches(['-', '+']);
    let mut groups = digits.split(',');
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
    let rest_ok = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    (first_ok && rest_ok && !fraction.contains(',')).then(|| text.replace(',', ""))
}

#[cfg(test)]
mod tests;
