//! Validation of one question on its own: its fields, its type and the type-specific fields.
//! Rules that need the rest of the document (unique keys, `show_if` targets) live in `validate`.

use std::collections::BTreeSet;

use super::check::{Errors, field, index};
use super::raw::{RawBand, RawOption, RawQuestion, RawShowIf, RawYesNoScores};
use super::types::{
    Band, ChoiceOption, QUESTION_TYPES, Question, QuestionKind, ShowIf, YesNoScores,
};

const SCORED: &str = "is required because the question is scored (it has a dimension)";
const NEEDS_POSITIVE: &str = "a scored question needs at least one score above 0";

/// The type-specific fields each type accepts.
fn allowed_fields(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "single_choice" => &["options"],
        "multi_choice" => &["options", "max_score"],
        "scale" => &["points", "labels"],
        "yes_no" => &["scores"],
        "integer" => &["min", "max", "unit", "bands"],
        "decimal" => &["min", "max", "step", "unit", "bands"],
        _ => &["max_length"],
    }
}

/// Checks a question and builds it; `None` when it has errors (all of them are reported).
pub fn question(
    errs: &mut Errors,
    path: &str,
    raw: RawQuestion,
    dimensions: &BTreeSet<String>,
) -> Option<Question> {
    let before = errs.0.len();
    errs.unknown_fields(path, &raw.extra);
    let key = errs.key(&field(path, "key"), raw.key.clone());
    let prompt = errs.text(&field(path, "prompt"), raw.prompt.clone());
    let type_path = field(path, "type");
    let type_name = errs.required(&type_path, raw.kind.clone());
    let type_name = type_name.filter(|t| {
        let known = QUESTION_TYPES.contains(&t.as_str());
        if !known {
            errs.push(
                &type_path,
                format!(
                    "unknown question type `{t}` (expected one of {})",
                    QUESTION_TYPES.join(", ")
                ),
            );
        }
        known
    });
    if let Some(dimension) = &raw.dimension {
        let dimension_path = field(path, "dimension");
        if type_name.as_deref() == Some("text") {
            errs.push(
                &dimension_path,
                "a text question is never scored, so it cannot have a dimension",
            );
        } else if !dimensions.contains(dimension) {
            errs.push(dimension_path, format!("unknown dimension `{dimension}`"));
        }
    }
    let show_if = raw
        .show_if
        .as_ref()
        .map(|s| show_if(errs, &field(path, "show_if"), s));
    let kind = type_name.and_then(|t| kind(errs, path, &t, &raw));
    if errs.0.len() > before {
        return None;
    }
    Some(Question {
        key,
        prompt,
        help: errs.optional_text(&field(path, "help"), raw.help.clone()),
        required: raw.required.unwrap_or(false),
        dimension: raw.dimension,
        show_if: show_if.flatten(),
        kind: kind?,
    })
}

/// The shape of a `show_if`; whether it points at an earlier question is checked later.
fn show_if(errs: &mut Errors, path: &str, raw: &RawShowIf) -> Option<ShowIf> {
    errs.unknown_fields(path, &raw.extra);
    let question = errs.required(&field(path, "question"), raw.question.clone());
    let any_of_path = field(path, "any_of");
    let any_of = errs.required(&any_of_path, raw.any_of.clone());
    if any_of.as_ref().is_some_and(Vec::is_empty) {
        errs.push(&any_of_path, "must list at least one value");
    }
    Some(ShowIf {
        question: question?,
        any_of: any_of?,
    })
}

fn kind(errs: &mut Errors, path: &str, type_name: &str, raw: &RawQuestion) -> Option<QuestionKind> {
    let allowed = allowed_fields(type_name);
    for name in raw.present_type_fields() {
        if !allowed.contains(&name) {
            let verb = if name.ends_with('s') { "are" } else { "is" };
            let article = if type_name.starts_with('i') {
                "an"
            } else {
                "a"
            };
            errs.push(
                field(path, name),
                format!("{name} {verb} not allowed on {article} {type_name} question"),
            );
        }
    }
    let scored = raw.dimension.is_some();
    match type_name {
        "single_choice" => Some(QuestionKind::SingleChoice {
            options: options(errs, path, raw.options.as_deref(), scored, false),
        }),
        "multi_choice" => {
            let options = options(errs, path, raw.options.as_deref(), scored, true);
            let max_path = field(path, "max_score");
            let max_score = errs.score(&max_path, raw.max_score);
            if max_score == Some(0.0) {
                errs.push(max_path, "must be greater than 0");
            }
            Some(QuestionKind::MultiChoice { options, max_score })
        }
        "scale" => scale(errs, path, raw),
        "yes_no" => {
            let scores = raw
                .scores
                .as_ref()
                .and_then(|s| yes_no_scores(errs, &field(path, "scores"), s, scored));
            if scored && raw.scores.is_none() {
                errs.push(field(path, "scores"), SCORED);
            }
            Some(QuestionKind::YesNo { scores })
        }
        "integer" => {
            let min = whole(errs, &field(path, "min"), raw.min.as_ref());
            let max = whole(errs, &field(path, "max"), raw.max.as_ref());
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                errs.push(field(path, "max"), "must not be less than min");
            }
            let bands = bands(errs, path, raw.bands.as_deref(), scored);
            let unit = errs.optional_text(&field(path, "unit"), raw.unit.clone());
            Some(QuestionKind::Integer {
                min,
                max,
                unit,
                bands,
            })
        }
        "decimal" => {
            let min = errs.finite(
                &field(path, "min"),
                raw.min.as_ref().and_then(|n| n.as_f64()),
            );
            let max = errs.finite(
                &field(path, "max"),
                raw.max.as_ref().and_then(|n| n.as_f64()),
            );
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                errs.push(field(path, "max"), "must not be less than min");
            }
            let step_path = field(path, "step");
            let step = errs.finite(&step_path, raw.step);
            if step.is_some_and(|s| s <= 0.0) {
                errs.push(step_path, "must be greater than 0");
            }
            let bands = bands(errs, path, raw.bands.as_deref(), scored);
            let unit = errs.optional_text(&field(path, "unit"), raw.unit.clone());
            Some(QuestionKind::Decimal {
                min,
                max,
                step,
                unit,
                bands,
            })
        }
        _ => Some(QuestionKind::Text {
            max_length: errs.count(&field(path, "max_length"), raw.max_length, 1),
        }),
    }
}

fn options(
    errs: &mut Errors,
    path: &str,
    raw: Option<&[RawOption]>,
    scored: bool,
    multi: bool,
) -> Vec<ChoiceOption> {
    let list_path = field(path, "options");
    let Some(raw) = errs.required(&list_path, raw) else {
        return Vec::new();
    };
    if raw.is_empty() {
        errs.push(&list_path, "must list at least one option");
    }
    let mut seen = BTreeSet::new();
    let mut options = Vec::with_capacity(raw.len());
    for (i, option) in raw.iter().enumerate() {
        let path = index(&list_path, i);
        errs.unknown_fields(&path, &option.extra);
        let value_path = field(&path, "value");
        let value = errs.key(&value_path, option.value.clone());
        if !value.is_empty() && !seen.insert(value.clone()) {
            errs.push(value_path, format!("duplicate option value `{value}`"));
        }
        let label = errs.text(&field(&path, "label"), option.label.clone());
        let score_path = field(&path, "score");
        let score = errs.score(&score_path, option.score);
        if scored && option.score.is_none() {
            errs.push(score_path, SCORED);
        }
        if !multi && option.exclusive.is_some() {
            errs.push(
                field(&path, "exclusive"),
                "exclusive is only allowed on multi_choice options",
            );
        }
        options.push(ChoiceOption {
            value,
            label,
            score,
            exclusive: option.exclusive.unwrap_or(false),
        });
    }
    if scored && !raw.is_empty() && !options.iter().any(|o| o.score.is_some_and(|s| s > 0.0)) {
        errs.push(list_path, NEEDS_POSITIVE);
    }
    options
}

fn scale(errs: &mut Errors, path: &str, raw: &RawQuestion) -> Option<QuestionKind> {
    let points_path = field(path, "points");
    let points = errs.required(&points_path, raw.points);
    let points = points.and_then(|p| match u32::try_from(p) {
        Ok(p @ 2..=11) => Some(p),
        _ => {
            errs.push(&points_path, "must be a whole number from 2 to 11");
            None
        }
    });
    let labels_path = field(path, "labels");
    let labels: Vec<_> = errs
        .required(&labels_path, raw.labels.clone())
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, label)| errs.text(&index(&labels_path, i), Some(label)))
        .collect();
    if let Some(points) = points
        && raw.labels.is_some()
        && usize::try_from(points).ok() != Some(labels.len())
    {
        errs.push(
            labels_path,
            format!(
                "must have one label per point ({points}), but has {}",
                labels.len()
            ),
        );
    }
    Some(QuestionKind::Scale {
        points: points?,
        labels,
    })
}

fn yes_no_scores(
    errs: &mut Errors,
    path: &str,
    raw: &RawYesNoScores,
    scored: bool,
) -> Option<YesNoScores> {
    errs.unknown_fields(path, &raw.extra);
    let yes_path = field(path, "yes");
    let no_path = field(path, "no");
    let yes = errs.required(&yes_path, raw.yes);
    let yes = errs.score(&yes_path, yes);
    let no = errs.required(&no_path, raw.no);
    let no = errs.score(&no_path, no);
    let scores = YesNoScores { yes: yes?, no: no? };
    if scored && scores.yes <= 0.0 && scores.no <= 0.0 {
        errs.push(path, NEEDS_POSITIVE);
    }
    Some(scores)
}

fn whole(errs: &mut Errors, path: &str, value: Option<&serde_json::Number>) -> Option<i64> {
    let value = value?;
    let whole = value.as_i64();
    if whole.is_none() {
        errs.push(path, "must be a whole number");
    }
    whole
}

fn bands(errs: &mut Errors, path: &str, raw: Option<&[RawBand]>, scored: bool) -> Vec<Band> {
    let list_path = field(path, "bands");
    let Some(raw) = raw else {
        if scored {
            errs.push(list_path, SCORED);
        }
        return Vec::new();
    };
    let mut bands: Vec<Band> = Vec::with_capacity(raw.len());
    for (i, band) in raw.iter().enumerate() {
        let path = index(&list_path, i);
        errs.unknown_fields(&path, &band.extra);
        let min_path = field(&path, "min");
        let min = errs.required(&min_path, band.min);
        let min = errs.finite(&min_path, min);
        let score_path = field(&path, "score");
        let score = errs.required(&score_path, band.score);
        let score = errs.score(&score_path, score);
        if let (Some(min), Some(previous)) = (min, bands.last())
            && min <= previous.min
        {
            errs.push(&min_path, "bands must be in ascending order of min");
        }
        if let (Some(min), Some(score)) = (min, score) {
            bands.push(Band { min, score });
        }
    }
    if scored && raw.is_empty() {
        errs.push(list_path, "a scored question must list at least one band");
    } else if scored && !bands.iter().any(|b| b.score > 0.0) {
        errs.push(list_path, NEEDS_POSITIVE);
    }
    bands
}
