//! Each organisation's part in a round: its invitation's secret, and its answers as it left
//! them (complete and submitted, half-way through, or not started) with the times it worked on
//! them, inside the round's window.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Plan, Stage, invitation_secret, stream};
use crate::demo::{partial_answers, responses};
use crate::domain::answers::{Answers, check_complete, prune_hidden};
use crate::domain::definition::Definition;
use crate::service::demo::{Participation, RoundSpec, StartedResponse};

/// Every organisation's part in `spec`, in the plan's order, as things stand at `now`: in the
/// first round everyone submitted; in later ones the plan says who is still answering.
pub(super) fn participation(
    plan: &Plan,
    definition: &Definition,
    spec: &RoundSpec,
    now: DateTime<Utc>,
) -> Vec<Participation> {
    let complete = responses(plan.seed, definition, &plan.orgs, spec.index);
    let until = spec.closes.min(now).max(spec.opens);
    let mut clock = stream(plan.seed, &format!("times:{}", spec.code));
    complete
        .into_iter()
        .enumerate()
        .map(|(i, done)| {
            let stage = if spec.index == 0 {
                Stage::Submitted
            } else {
                plan.open_stages[i]
            };
            let answers = match stage {
                Stage::Submitted => done.answers,
                Stage::InProgress => stopped_midway(
                    definition,
                    partial_answers(plan.seed, definition, i),
                    &done.answers,
                ),
                Stage::NotStarted => Answers::new(),
            };
            // Drawn for every organisation, started or not, so each one's times stay the same
            // whoever else is in which stage.
            let times = Times::draw(&mut clock, spec.opens, until, stage);
            Participation {
                invitation_secret: invitation_secret(plan.seed, spec.code, &plan.orgs[i].code),
                response: (stage != Stage::NotStarted).then_some(StartedResponse {
                    answers,
                    started_at: times.started,
                    updated_at: times.updated,
                    submitted_at: times.submitted,
                }),
            }
        })
        .collect()
}

/// A half-finished response as people leave one: `partial` (the first half of the sections),
/// plus the first half of the next section from the organisation's complete answers, so that
/// section shows as in progress. Never complete.
fn stopped_midway(definition: &Definition, partial: Answers, complete: &Answers) -> Answers {
    let next = definition
        .sections
        .iter()
        .find(|s| s.questions.iter().all(|q| !partial.contains_key(&q.key)));
    let Some(section) = next else {
        return partial;
    };
    let half = section.questions.len() / 2;
    if half == 0 {
        return partial;
    }
    let mut answers = partial.clone();
    for q in section.questions.iter().take(half) {
        if let Some(value) = complete.get(&q.key) {
            answers.insert(q.key.clone(), value.clone());
        }
    }
    prune_hidden(definition, &mut answers);
    if check_complete(definition, &answers).is_empty() {
        partial
    } else {
        answers
    }
}

/// When a response was started, last saved and submitted, inside the round's window.
struct Times {
    started: DateTime<Utc>,
    updated: DateTime<Utc>,
    submitted: Option<DateTime<Utc>>,
}

impl Times {
    fn draw(
        rng: &mut ChaCha8Rng,
        opens: DateTime<Utc>,
        until: DateTime<Utc>,
        stage: Stage,
    ) -> Times {
        let span = (until - opens).num_seconds().max(0);
        // Most start in the first weeks; the last 15% of the window is for finishing.
        let start_by = span * 85 / 100;
        let started = opens + Duration::seconds(rng.random_range(0..=start_by));
        let working = Duration::seconds(rng.random_range(3_600..=21 * 86_400));
        let updated = (started + working).min(until).max(started);
        Times {
            started,
            updated,
            submitted: (stage == Stage::Submitted).then_some(updated),
        }
    }
}
