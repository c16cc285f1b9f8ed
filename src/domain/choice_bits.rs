//! What peer comparisons need of a response's answers, and no more: for each choice-like
//! question, whether the response was asked and answered it, and which options it chose, as
//! bits. A round of 10,000 responses then takes about a megabyte rather than the hundred or so
//! that its answers take as maps of strings, so a server can keep every round it serves in
//! memory (issue 8's memory target), and counting a group's options is a pass over bits.

use super::answers::{AnswerValue, Answers, controllers, visible_flags};
use super::definition::{Definition, Question, QuestionKind};

/// Where each choice-like question's bits lie in a [`ChoiceMarks`], worked out once per
/// definition. A question's span starts with one bit saying it was asked and answered, followed
/// by one bit per option, in the definition's order.
#[derive(Clone, Debug)]
pub struct ChoiceLayout {
    questions: Vec<LaidOut>,
    bits: usize,
    controllers: Vec<Option<usize>>,
}

#[derive(Clone, Debug)]
struct LaidOut {
    /// The question's position in `Definition::questions()`.
    at: usize,
    key: String,
    /// Option values, as answers write them.
    values: Vec<String>,
    first_bit: usize,
}

/// One response's marks under a [`ChoiceLayout`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChoiceMarks(Box<[u8]>);

impl ChoiceLayout {
    pub fn new(def: &Definition) -> Self {
        let mut bits = 0;
        let questions = def
            .questions()
            .enumerate()
            .filter_map(|(at, q)| {
                let values: Vec<String> = choice_options(q)?.into_iter().map(|(v, _)| v).collect();
                let first_bit = bits;
                bits += 1 + values.len();
                Some(LaidOut {
                    at,
                    key: q.key.clone(),
                    values,
                    first_bit,
                })
            })
            .collect();
        ChoiceLayout {
            questions,
            bits,
            controllers: controllers(def),
        }
    }

    /// The choice-like questions, in document order, as (position in `Definition::questions()`,
    /// key, option values).
    pub fn questions(&self) -> impl Iterator<Item = (usize, &str, &[String])> {
        self.questions
            .iter()
            .map(|q| (q.at, q.key.as_str(), q.values.as_slice()))
    }

    /// The marks of one response's answers. Shown-ness follows `show_if` exactly as the
    /// respondent's pages apply it.
    pub fn marks(&self, def: &Definition, answers: &Answers) -> ChoiceMarks {
        let shown = visible_flags(def, &self.controllers, answers);
        let mut bytes = vec![0u8; self.bits.div_ceil(8)];
        let mut set = |bit: usize| bytes[bit / 8] |= 1 << (bit % 8);
        for q in &self.questions {
            let Some(answer) = answers.get(&q.key) else {
                continue;
            };
            if shown[q.at] {
                set(q.first_bit);
            }
            for value in chosen(answer) {
                if let Some(i) = q.values.iter().position(|v| *v == value) {
                    set(q.first_bit + 1 + i);
                }
            }
        }
        ChoiceMarks(bytes.into_boxed_slice())
    }

    /// Whether the response was asked the `question`-th choice-like question and answered it.
    pub fn counted(&self, marks: &ChoiceMarks, question: usize) -> bool {
        marks.bit(self.questions[question].first_bit)
    }

    /// Whether the response chose option `option` of the `question`-th choice-like question.
    pub fn chose(&self, marks: &ChoiceMarks, question: usize, option: usize) -> bool {
        marks.bit(self.questions[question].first_bit + 1 + option)
    }
}

impl ChoiceMarks {
    fn bit(&self, bit: usize) -> bool {
        self.0
            .get(bit / 8)
            .is_some_and(|b| b & (1 << (bit % 8)) != 0)
    }
}

/// The values an answer chose, written as option values are.
fn chosen(answer: &AnswerValue) -> Vec<String> {
    match answer {
        AnswerValue::Choices(values) => values.clone(),
        AnswerValue::Text(t) => vec![t.clone()],
        AnswerValue::Integer(n) => vec![n.to_string()],
        AnswerValue::Number(x) => vec![x.to_string()],
    }
}

/// The values and labels of a choice-like question, or `None` for numbers and text.
pub fn choice_options(q: &Question) -> Option<Vec<(String, String)>> {
    match &q.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultiChoice { options, .. } => Some(
            options
                .iter()
                .map(|o| (o.value.clone(), o.label.to_string()))
                .collect(),
        ),
        QuestionKind::YesNo { .. } => Some(vec![
            ("yes".into(), "Yes".into()),
            ("no".into(), "No".into()),
        ]),
        QuestionKind::Scale { points, labels } => Some(
            (1..=*points)
                .map(|n| {
                    (
                        n.to_string(),
                        labels
                            .get(n as usize - 1)
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                    )
                })
                .collect(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::benchmark::{QuestionComparison, count_marked, mark_chosen_in};
    use crate::domain::definition::fixtures;
    use crate::domain::peers::Threshold;
    use serde_json::json;

    fn answers(value: serde_json::Value) -> Answers {
        serde_json::from_value(value).unwrap()
    }

    /// The group's option counts, through marks as the server counts them.
    fn count(def: &Definition, group: &[Answers], k: Threshold) -> Vec<QuestionComparison> {
        let layout = ChoiceLayout::new(def);
        let marks: Vec<ChoiceMarks> = group.iter().map(|a| layout.marks(def, a)).collect();
        let refs: Vec<&ChoiceMarks> = marks.iter().collect();
        let verdict = if k.allows(refs.len()) {
            crate::domain::disclosure::Verdict::Published
        } else {
            crate::domain::disclosure::Verdict::Suppressed(
                crate::domain::disclosure::Suppression::Primary,
            )
        };
        count_marked(def, &layout, &refs, verdict, k)
    }

    fn counts(comparisons: &[QuestionComparison], key: &str) -> (Option<usize>, Vec<usize>) {
        let q = comparisons.iter().find(|q| q.key == key).unwrap();
        (
            q.answered.value,
            q.options.iter().map(|o| o.count.unwrap_or(0)).collect(),
        )
    }

    /// Three organisations of the SMALL fixture, one with a stale answer to a question its own
    /// answers hide (as an import could leave), one with a value no option has.
    fn group() -> Vec<Answers> {
        vec![
            answers(
                json!({"plan": "agreed", "plan_reviewed": "yes", "tools": ["x", "z"], "often": 4, "has_groups": "no"}),
            ),
            answers(
                json!({"plan": "none", "plan_reviewed": "yes", "tools": ["y"], "often": 4, "has_groups": "yes"}),
            ),
            answers(
                json!({"plan": "draft", "plan_reviewed": "no", "often": 9, "has_groups": "yes"}),
            ),
        ]
    }

    #[test]
    fn every_choice_like_question_is_laid_out_in_document_order_and_nothing_else() {
        let def = fixtures::small();
        let layout = ChoiceLayout::new(&def);
        let keys: Vec<&str> = layout.questions().map(|(_, key, _)| key).collect();
        assert_eq!(
            keys,
            ["plan", "plan_reviewed", "tools", "often", "has_groups"]
        );
        let (_, _, often) = layout.questions().nth(3).unwrap();
        assert_eq!(often, ["1", "2", "3", "4", "5"]);
    }

    #[test]
    fn counts_take_only_members_who_were_asked_and_every_option_they_chose() {
        let def = fixtures::small();
        let group = group();
        let out = count(&def, &group, Threshold(1));
        assert_eq!(counts(&out, "plan"), (Some(3), vec![1, 1, 1]));
        // The second organisation said "none": it was never asked whether the plan was reviewed.
        assert_eq!(counts(&out, "plan_reviewed"), (Some(2), vec![1, 1]));
        // Only the first was asked which tools (the third's plan was not reviewed).
        assert_eq!(counts(&out, "tools"), (Some(1), vec![1, 0, 1, 0]));
        // 9 is no point of the scale: the third answered, but chose no option.
        assert_eq!(counts(&out, "often"), (Some(3), vec![0, 0, 0, 2, 0]));
        assert_eq!(counts(&out, "has_groups"), (Some(3), vec![2, 1]));
        // The one member asked which tools chose a and c: both are unanimous, b and d are not.
        let tools = out.iter().find(|q| q.key == "tools").unwrap();
        let unanimous: Vec<bool> = tools.options.iter().map(|o| o.unanimous).collect();
        assert_eq!(unanimous, [true, false, true, false]);
        let plan = out.iter().find(|q| q.key == "plan").unwrap();
        assert!(plan.options.iter().all(|o| !o.unanimous));
    }

    #[test]
    fn a_group_below_the_threshold_counts_nothing() {
        let def = fixtures::small();
        let group = group();
        let out = count(&def, &group, Threshold(5));
        assert!(
            out.iter()
                .all(|q| q.suppressed && q.answered.value.is_none())
        );
        assert!(
            out.iter()
                .flat_map(|q| &q.options)
                .all(|o| o.count.is_none())
        );
    }

    #[test]
    fn the_organisations_own_choices_are_marked() {
        let def = fixtures::small();
        let group = group();
        let mut out = count(&def, &group, Threshold(1));
        let layout = ChoiceLayout::new(&def);
        mark_chosen_in(&mut out, &layout, &layout.marks(&def, &group[0]));
        let chosen = |key: &str| -> Vec<String> {
            let q = out.iter().find(|q| q.key == key).unwrap();
            q.options
                .iter()
                .filter(|o| o.chosen)
                .map(|o| o.value.clone())
                .collect()
        };
        assert_eq!(chosen("plan"), ["agreed"]);
        assert_eq!(chosen("tools"), ["x", "z"]);
        assert_eq!(chosen("often"), ["4"]);
        assert_eq!(chosen("has_groups"), ["no"]);
    }

    #[test]
    fn marks_of_no_answers_count_for_nothing() {
        let def = fixtures::small();
        let layout = ChoiceLayout::new(&def);
        for marks in [ChoiceMarks::default(), layout.marks(&def, &Answers::new())] {
            for (nth, (_, _, values)) in layout.questions().enumerate() {
                assert!(!layout.counted(&marks, nth));
                assert!((0..values.len()).all(|i| !layout.chose(&marks, nth, i)));
            }
        }
    }
}
