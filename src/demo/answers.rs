//! One organisation's answers to any definition, from the percentiles of its positions (see
//! [`super::percentiles`]). The answers of each question, ordered from least to most mature, share
//! the 0..1 range (tilted towards the less mature, or as [`super::survey_facts`] says), so a mature
//! organisation tends to give high-scoring answers everywhere while still varying. Every answer
//! is a valid one, picked monotonically: a higher percentile never gives a lower-scoring answer.

use crate::domain::answers::{AnswerValue, Answers, prune_hidden};
use crate::domain::definition::{Band, ChoiceOption, Definition, Question, QuestionKind};

use super::draws::pick;
use super::percentiles::{Layout, Noise, Percentiles};
use super::survey_facts;

/// How often an optional question that is not free text is left unanswered.
const OPTIONAL_SKIPPED: f64 = 0.05;
/// How much rarer the most mature answer is than the least mature one (see [`tilted`]).
const TILT: f64 = 0.7;
/// The share of organisations giving the higher-scoring answer to a yes/no question.
const YES_SHARE: f64 = 0.4;

/// Complete answers: every required question that ends up shown is answered, and answers to
/// hidden questions are pruned.
pub(super) fn answers(
    def: &Definition,
    layout: &Layout,
    noise: &Noise,
    percentiles: &Percentiles<'_>,
) -> Answers {
    let mut answers = Answers::new();
    for (i, q) in def.questions().enumerate() {
        let (first, _) = layout.slots[i];
        let at = |k: usize| percentiles.of(first + k, noise.column(first + k));
        if !q.required && skipped(q, noise.skip[i]) {
            continue;
        }
        if let Some(answer) = answer(q, &at, noise.pick[i], &answers) {
            answers.insert(q.key.clone(), answer);
        }
    }
    prune_hidden(def, &mut answers);
    answers
}

fn skipped(q: &Question, draw: f64) -> bool {
    match q.kind {
        QuestionKind::Text { .. } => draw >= text_pool(q).0,
        _ => draw < OPTIONAL_SKIPPED,
    }
}

fn answer(
    q: &Question,
    at: &dyn Fn(usize) -> f64,
    pick_draw: f64,
    so_far: &Answers,
) -> Option<AnswerValue> {
    match &q.kind {
        QuestionKind::SingleChoice { options } => single(q, options, at(0), pick_draw),
        QuestionKind::MultiChoice { options, .. } => multi(q, options, at),
        QuestionKind::Scale { points, .. } => {
            let points = i64::from(*points);
            let (point, _) = tilted_index(at(0), points as usize);
            Some(AnswerValue::Integer(
                1 + (point as i64).clamp(0, points - 1),
            ))
        }
        QuestionKind::YesNo { scores } => {
            let (low, high) = match scores {
                Some(s) if s.no > s.yes => ("yes", "no"),
                _ => ("no", "yes"),
            };
            let chosen = if at(0) >= 1.0 - YES_SHARE { high } else { low };
            Some(AnswerValue::Text(chosen.to_owned()))
        }
        QuestionKind::Integer {
            min, max, bands, ..
        } => {
            let range = (min.map(|m| m as f64), max.map(|m| m as f64));
            let value = number(q, at(0), so_far, range, bands, 1.0);
            let whole =
                (value.round() as i64).clamp(min.unwrap_or(i64::MIN), max.unwrap_or(i64::MAX));
            Some(AnswerValue::Integer(whole))
        }
        QuestionKind::Decimal {
            min,
            max,
            step,
            bands,
            ..
        } => {
            let step = step.filter(|s| *s > 0.0).unwrap_or(0.1);
            let value = number(q, at(0), so_far, (*min, *max), bands, step);
            Some(AnswerValue::Number(value))
        }
        QuestionKind::Text { .. } => text(q, pick_draw),
    }
}

/// The index a percentile falls in when `n` items share 0..1 equally.
fn index(percentile: f64, n: usize) -> usize {
    ((percentile * n as f64) as usize).min(n.saturating_sub(1))
}

/// Shares for `n` answers ordered from least to most mature, falling from the first to the last
/// (the last gets `1 − TILT` of the first's), so that most organisations are still on the way.
fn tilted(n: usize) -> Vec<f64> {
    let last = n.saturating_sub(1).max(1) as f64;
    let weights: Vec<f64> = (0..n).map(|i| 1.0 - TILT * i as f64 / last).collect();
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| w / total).collect()
}

/// Where a percentile falls among `n` tilted shares: the index, and how far into its share.
fn tilted_index(percentile: f64, n: usize) -> (usize, f64) {
    let mut from = 0.0;
    let shares = tilted(n);
    for (i, share) in shares.iter().enumerate() {
        if percentile < from + share || i + 1 == n {
            return (i, ((percentile - from) / share).clamp(0.0, 1.0));
        }
        from += share;
    }
    (0, 0.0)
}

fn score(option: &ChoiceOption) -> f64 {
    option.score.unwrap_or(0.0)
}

fn single(
    q: &Question,
    options: &[ChoiceOption],
    percentile: f64,
    pick_draw: f64,
) -> Option<AnswerValue> {
    if !q.is_scored() {
        let option = options.get(index(pick_draw, options.len()))?;
        return Some(AnswerValue::Text(option.value.clone()));
    }
    let values: Vec<&str> = options.iter().map(|o| o.value.as_str()).collect();
    let value = match survey_facts::calibrated_shares(&q.key, &values) {
        Some(shares) => {
            let weights: Vec<f64> = shares.iter().map(|s| s.1).collect();
            shares.get(pick(percentile, &weights))?.0
        }
        None => {
            let mut ordered: Vec<&ChoiceOption> = options.iter().collect();
            ordered.sort_by(|a, b| score(a).total_cmp(&score(b)));
            ordered
                .get(index(percentile, ordered.len()))?
                .value
                .as_str()
        }
    };
    Some(AnswerValue::Text(value.to_owned()))
}

/// The share of organisations that tick an option: scored options by their score; options of an
/// unscored question (such as channels) less often the further down the list they are.
fn inclusion(q: &Question, option: &ChoiceOption, k: usize, n: usize) -> f64 {
    if !q.is_scored() {
        return 0.85 - 0.75 * k as f64 / n.saturating_sub(1).max(1) as f64;
    }
    match score(option) {
        s if s > 1.0 => 0.25,
        s if s > 0.0 => 0.4,
        _ => 0.6,
    }
}

fn multi(q: &Question, options: &[ChoiceOption], at: &dyn Fn(usize) -> f64) -> Option<AnswerValue> {
    let n = options.len();
    let mut chosen: Vec<String> = options
        .iter()
        .enumerate()
        .filter(|(k, o)| !o.exclusive && at(*k) >= 1.0 - inclusion(q, o, *k, n))
        .map(|(_, o)| o.value.clone())
        .collect();
    if chosen.is_empty() {
        if let Some(none) = options.iter().find(|o| o.exclusive) {
            chosen.push(none.value.clone());
        } else if q.required {
            let best = (0..n)
                .filter(|k| !options[*k].exclusive)
                .max_by(|a, b| at(*a).total_cmp(&at(*b)))?;
            chosen.push(options[best].value.clone());
        }
    }
    (!chosen.is_empty()).then_some(AnswerValue::Choices(chosen))
}

/// A number within the question's bounds, on its step. With bands, the percentile picks a band
/// (ordered by score) and a place within it; a question in [`survey_facts::RANGES`] takes its range
/// from an earlier answer instead.
fn number(
    q: &Question,
    percentile: f64,
    so_far: &Answers,
    (min, max): (Option<f64>, Option<f64>),
    bands: &[Band],
    step: f64,
) -> f64 {
    let low = min.unwrap_or_else(|| max.map_or(0.0, |m| m.min(0.0)));
    let high = max.unwrap_or(f64::INFINITY);
    if let Some((from, to)) = targeted_range(q, so_far, low, high) {
        return on_step(from, to, true, percentile, step);
    }
    let mut ranges: Vec<(f64, f64, f64, bool)> = bands
        .iter()
        .enumerate()
        .filter_map(|(i, band)| {
            let from = band.min.max(low);
            let (to, inclusive) = match bands.get(i + 1) {
                Some(next) => (next.min.min(high), false),
                None => (high.min(band.min + band.min.abs() * 1.5 + 1.0), true),
            };
            (from < to || (inclusive && from <= to)).then_some((band.score, from, to, inclusive))
        })
        .collect();
    if ranges.is_empty() {
        ranges.push((0.0, low, high.min(low + 100.0), true));
    }
    ranges.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (chosen, within) = tilted_index(percentile, ranges.len());
    let (_, from, to, inclusive) = ranges[chosen];
    on_step(from, to, inclusive, within, step)
}

fn targeted_range(q: &Question, so_far: &Answers, low: f64, high: f64) -> Option<(f64, f64)> {
    let range = survey_facts::RANGES.iter().find(|r| r.key == q.key)?;
    let answer = so_far.get(range.after)?.as_text()?;
    let (_, from, to) = range
        .by_answer
        .iter()
        .find(|(value, ..)| *value == answer)?;
    let (from, to) = (from.max(low), to.min(high));
    (from <= to).then_some((from, to))
}

/// The point `fraction` of the way from `from` to `to` (excluded unless `inclusive`), on a
/// multiple of `step` when one fits, written with no more decimals than the step has.
fn on_step(from: f64, to: f64, inclusive: bool, fraction: f64, step: f64) -> f64 {
    let first = (from / step - 1e-9).ceil();
    let last = if inclusive {
        (to / step + 1e-9).floor()
    } else {
        (to / step - 1e-9).ceil() - 1.0
    };
    if first > last {
        return from;
    }
    let k = first + ((last - first) * fraction).round();
    let scale = decimal_scale(step);
    let value = (k * step * scale).round() / scale;
    if value < from || value > to || (!inclusive && value >= to) {
        from
    } else {
        value
    }
}

/// 10 to the number of decimals in `step` (at most 6): 0.1 → 10, 1 → 1.
fn decimal_scale(step: f64) -> f64 {
    let mut scale = 1.0;
    for _ in 0..6 {
        let scaled = step * scale;
        if (scaled - scaled.round()).abs() < 1e-9 {
            break;
        }
        scale *= 10.0;
    }
    scale
}

/// How often an optional free-text question is answered, and the sentences to choose from.
fn text_pool(q: &Question) -> (f64, &'static [&'static str]) {
    survey_facts::TEXTS
        .iter()
        .find(|(key, ..)| *key == q.key)
        .map_or(survey_facts::GENERIC_TEXT, |(_, rate, pool)| (*rate, *pool))
}

/// A sentence from the question's pool that fits its maximum length.
fn text(q: &Question, pick_draw: f64) -> Option<AnswerValue> {
    let limit = q.max_length().map_or(usize::MAX, |l| l as usize);
    let (_, pool) = text_pool(q);
    let start = index(pick_draw, pool.len());
    let sentence = (0..pool.len())
        .map(|i| pool[(start + i) % pool.len()])
        .find(|s| s.chars().count() <= limit)
        .map_or_else(|| "None.".chars().take(limit).collect(), str::to_owned);
    (!sentence.trim().is_empty()).then_some(AnswerValue::Text(sentence))
}
