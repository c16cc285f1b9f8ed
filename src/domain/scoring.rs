//! Scoring a response against its definition.
//!
//! The rule, in the definition's own terms:
//!
//! - Each dimension scores `100 × earned / available`, summed over the scored questions of that
//!   dimension (those with `dimension: <key>`) that were **shown** to the respondent. A question
//!   hidden by `show_if` counts for nothing; a shown question left unanswered earns 0 of its
//!   points. A dimension with nothing available (all its questions hidden) scores 0 and is still
//!   listed.
//! - `single_choice`: available = the highest option `score`; earned = the chosen option's score.
//! - `multi_choice`: available = `max_score`, or the sum of the positive option scores when it is
//!   absent; earned = the sum of the chosen options' scores, capped at available.
//! - `scale` with `points: n`: available = n − 1; an answer a earns a − 1.
//! - `yes_no`: available = the higher of `scores.yes` and `scores.no`; earned = the answer's score.
//! - `integer` / `decimal`: earned = the `score` of the band with the highest `min` not above the
//!   answer (0 below every band); available = the highest band score.
//! - `text` is never scored.
//! - The overall score is the mean of the dimension scores weighted by each dimension's
//!   `weight`; the level of any score is the highest level whose `min_score` is not above it,
//!   numbered from 1. Nothing is rounded: scores keep full precision.
//!
//! An answer that does not fit its question (which validation at the boundary prevents) earns 0.

use serde::{Deserialize, Serialize};

use crate::domain::answers::{AnswerValue, Answers, visible_questions};
use crate::domain::definition::{Definition, Question, QuestionKind, band_score};

/// One dimension's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    pub dimension: String,
    /// 0–100.
    pub score: f64,
    /// The 1-based maturity level of `score`.
    pub level: u32,
    pub earned: f64,
    pub available: f64,
}

/// A response's scores: one per dimension, in the definition's order, and overall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreCard {
    pub dimensions: Vec<DimensionScore>,
    pub overall: f64,
    pub overall_level: u32,
}

impl ScoreCard {
    pub fn dimension(&self, key: &str) -> Option<&DimensionScore> {
        self.dimensions.iter().find(|d| d.dimension == key)
    }
}

pub fn score(def: &Definition, answers: &Answers) -> ScoreCard {
    let shown = visible_questions(def, answers);
    let dimensions: Vec<DimensionScore> = def
        .dimensions
        .iter()
        .map(|dimension| {
            let (earned, available) = shown
                .iter()
                .filter(|q| q.dimension.as_deref() == Some(dimension.key.as_str()))
                .fold((0.0, 0.0), |(earned, available), q| {
                    let (e, a) = points(q, answers.get(&q.key));
                    (earned + e, available + a)
                });
            let score = if available > 0.0 {
                100.0 * earned / available
            } else {
                0.0
            };
            DimensionScore {
                dimension: dimension.key.clone(),
                score,
                level: def.level_number_for(score),
                earned,
                available,
            }
        })
        .collect();
    let total_weight: f64 = def.dimensions.iter().map(|d| d.weight).sum();
    let weighted: f64 = def
        .dimensions
        .iter()
        .zip(&dimensions)
        .map(|(d, s)| d.weight * s.score)
        .sum();
    let overall = if total_weight > 0.0 {
        weighted / total_weight
    } else {
        0.0
    };
    ScoreCard {
        dimensions,
        overall,
        overall_level: def.level_number_for(overall),
    }
}

/// (earned, available) for one shown question; (0, 0) for an unscored one.
pub fn points(q: &Question, answer: Option<&AnswerValue>) -> (f64, f64) {
    let Some(available) = q.max_points() else {
        return (0.0, 0.0);
    };
    let earned = answer.map_or(0.0, |answer| earned(q, answer, available));
    // Keeps a malformed answer from scoring outside 0..=available.
    (earned.clamp(0.0, available.max(0.0)), available)
}

fn earned(q: &Question, answer: &AnswerValue, available: f64) -> f64 {
    let option_score = |value: &str| q.option(value).and_then(|o| o.score).unwrap_or(0.0);
    match &q.kind {
        QuestionKind::SingleChoice { .. } => answer.as_text().map_or(0.0, option_score),
        QuestionKind::MultiChoice { .. } => {
            let mut chosen: Vec<&str> = answer
                .as_choices()
                .unwrap_or_default()
                .iter()
                .map(String::as_str)
                .collect();
            chosen.sort_unstable();
            chosen.dedup();
            let sum: f64 = chosen.into_iter().map(option_score).sum();
            sum.min(available)
        }
        QuestionKind::Scale { .. } => answer.as_f64().map_or(0.0, |a| a - 1.0),
        QuestionKind::YesNo { scores } => match (scores, answer.as_text()) {
            (Some(s), Some("yes")) => s.yes,
            (Some(s), Some("no")) => s.no,
            _ => 0.0,
        },
        QuestionKind::Integer { bands, .. } | QuestionKind::Decimal { bands, .. } => answer
            .as_f64()
            .filter(|x| x.is_finite())
            .map_or(0.0, |x| band_score(bands, x)),
        QuestionKind::Text { .. } => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{ScoreCard, points, score};
    use crate::domain::answers::{AnswerValue, Answers};
    use crate::domain::definition::fixtures::small;
    use crate::domain::definition::{Definition, Format};

    fn card(answers: Value) -> ScoreCard {
        let answers: Answers = serde_json::from_value(answers).expect("answers");
        score(&small(), &answers)
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
    }

    /// (score, level, earned, available) of one dimension.
    fn dimension(card: &ScoreCard, key: &str) -> (f64, u32, f64, f64) {
        let d = card
            .dimension(key)
            .unwrap_or_else(|| panic!("no dimension {key}"));
        (d.score, d.level, d.earned, d.available)
    }

    #[test]
    fn a_hand_computed_response_scores_as_the_rule_says() {
        let card = card(json!({
            "plan": "draft", "plan_reviewed": "yes", "tools": ["x", "y", "z"],
            "often": 4, "wte": 0.7, "has_groups": "no", "members": 300
        }));
        // a: plan "draft" 1 of 3; plan_reviewed "yes" 2 of 2 (yes_no); tools x+y+z = 3, capped
        //    at max_score 2, so 2 of 2. Earned 5 of 7: 100 × 5/7 = 71.43 → High (level 3).
        let (a, a_level, a_earned, a_available) = dimension(&card, "a");
        assert_close(a, 500.0 / 7.0);
        assert_eq!((a_level, a_earned, a_available), (3, 5.0, 7.0));
        // b: often 4 on 5 points earns 4 − 1 = 3 of 4; wte 0.7 falls in the band from 0.5,
        //    1 of 3. Earned 4 of 7: 100 × 4/7 = 57.14 → Mid (level 2).
        let (b, b_level, b_earned, b_available) = dimension(&card, "b");
        assert_close(b, 400.0 / 7.0);
        assert_eq!((b_level, b_earned, b_available), (2, 4.0, 7.0));
        // c: has_groups "no" hides members, so its stale 300 counts for nothing: 0 of 0 → 0,
        //    still listed, Low (level 1).
        assert_eq!(dimension(&card, "c"), (0.0, 1, 0.0, 0.0));
        // overall: (2 × 500/7 + 1 × 400/7 + 1 × 0) / (2 + 1 + 1) = (1400/7) / 4 = 50 → Mid.
        assert_close(card.overall, 50.0);
        assert_eq!(card.overall_level, 2);
        let order: Vec<&str> = card
            .dimensions
            .iter()
            .map(|d| d.dimension.as_str())
            .collect();
        assert_eq!(order, ["a", "b", "c"]);
    }

    #[test]
    fn a_score_of_exactly_20_reaches_level_2() {
        let card = card(json!({
            "plan": "draft", "plan_reviewed": "no", "wte": 3, "has_groups": "yes", "members": 250
        }));
        // a: plan 1 of 3; plan_reviewed "no" 0 of 2 and hides tools. 1 of 5 = 20 exactly → Mid.
        assert_eq!(dimension(&card, "a"), (20.0, 2, 1.0, 5.0));
        // b: often shown but unanswered, 0 of 4; wte 3 is in the top band, 3 of 3. 3 of 7.
        assert_close(dimension(&card, "b").0, 300.0 / 7.0);
        // c: members 250 is in the band from 200: 2 of 2 = 100 → High.
        assert_eq!(dimension(&card, "c"), (100.0, 3, 2.0, 2.0));
        // overall: (2 × 20 + 300/7 + 100) / 4 = (1280/7) / 4 = 320/7 = 45.71 → Mid.
        assert_close(card.overall, 320.0 / 7.0);
        assert_eq!(card.overall_level, 2);
    }

    #[test]
    fn no_answers_score_zero_but_shown_questions_still_count_as_available() {
        let card = card(json!({}));
        assert_eq!(dimension(&card, "a"), (0.0, 1, 0.0, 3.0));
        assert_eq!(dimension(&card, "b"), (0.0, 1, 0.0, 7.0));
        assert_eq!(dimension(&card, "c"), (0.0, 1, 0.0, 0.0));
        assert_eq!((card.overall, card.overall_level), (0.0, 1));
    }

    #[test]
    fn multi_choice_without_max_score_is_out_of_its_positive_option_scores() {
        let text = include_str!("../instruments/nhs-social-media-maturity.v1.yaml");
        let def = Definition::parse(text, Format::Yaml).expect("instrument is valid");
        let measures = def.question("measures_used").expect("exists");
        // Options score 0, 1, 1, 1, 2 and 0: 5 available. Followers (0) + outcomes (2) = 2.
        let chosen = AnswerValue::Choices(vec!["followers".into(), "service_outcomes".into()]);
        assert_eq!(points(measures, Some(&chosen)), (2.0, 5.0));
        assert_eq!(points(measures, None), (0.0, 5.0));
        let role = def.question("respondent_role").expect("exists");
        assert_eq!(
            points(role, Some(&AnswerValue::Text("other_role".into()))),
            (0.0, 0.0)
        );
    }

    #[test]
    fn the_lowest_scale_point_and_answers_below_every_band_earn_nothing() {
        let def = small();
        let often = def.question("often").expect("exists");
        assert_eq!(points(often, Some(&AnswerValue::Integer(1))), (0.0, 4.0));
        assert_eq!(points(often, Some(&AnswerValue::Integer(5))), (4.0, 4.0));
        let wte = def.question("wte").expect("exists");
        assert_eq!(points(wte, Some(&AnswerValue::Number(-1.0))), (0.0, 3.0));
        // An answer of the wrong shape (never stored past validation) earns nothing.
        assert_eq!(
            points(wte, Some(&AnswerValue::Text("3".into()))),
            (0.0, 3.0)
        );
    }
}
