//! Benchmarks and researchers' tables as the API needs them: a round's submitted data, loaded in a
//! few queries and cached per process. The cache is checked against the database on every use (a
//! count and the latest write of the round's submitted responses), so a submission or amendment on
//! any instance is seen by the next request everywhere.

use crate::domain::answers::Answers;
use crate::domain::benchmark::Member;
use crate::domain::definition::Definition;
use crate::domain::peers::Threshold;
use crate::state::AppState;
use crate::store::DbError;
use crate::store::benchmarks::{self, Fingerprint, Submitted};
use entity::round;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// A round's submitted responses, as of one fingerprint.
pub struct RoundData {
    pub round: round::Model,
    pub definition: Arc<Definition>,
    pub submitted: Vec<Submitted>,
    answers: OnceCell<HashMap<i32, Answers>>,
}

impl RoundData {
    pub fn members(&self) -> Vec<Member<'_>> {
        self.submitted
            .iter()
            .map(|s| Member {
                attributes: &s.attributes,
                scores: &s.scores,
            })
            .collect()
    }

    pub fn index_of(&self, organisation_id: i32) -> Option<usize> {
        self.submitted
            .iter()
            .position(|s| s.organisation_id == organisation_id)
    }

    /// The answers of every submitted response, by response id; loaded on first use, since only
    /// question-level tables need them.
    pub async fn answers(&self, state: &AppState) -> Result<&HashMap<i32, Answers>, DbError> {
        self.answers
            .get_or_try_init(|| benchmarks::submitted_answers(&state.db.conn, self.round.id))
            .await
    }
}

/// A round's data and the fingerprint it was loaded at.
type Entry = (Fingerprint, Arc<RoundData>);

#[derive(Clone, Default)]
pub struct RoundCache(Arc<Mutex<HashMap<i32, Entry>>>);

/// The disclosure threshold in force.
pub fn threshold(state: &AppState) -> Threshold {
    Threshold(state.settings.disclosure_threshold)
}

/// The round's submitted data, from the cache when nothing has changed since it was loaded.
pub async fn round_data(state: &AppState, round: &round::Model) -> Result<Arc<RoundData>, DbError> {
    let fingerprint = benchmarks::fingerprint(&state.db.conn, round.id).await?;
    if let Ok(cache) = state.rounds.0.lock()
        && let Some((seen, data)) = cache.get(&round.id)
        && *seen == fingerprint
    {
        return Ok(data.clone());
    }
    let definition = state
        .definitions
        .get(&state.db, round.survey_version_id)
        .await?;
    let submitted = benchmarks::submitted(&state.db.conn, round.id).await?;
    let data = Arc::new(RoundData {
        round: round.clone(),
        definition,
        submitted,
        answers: OnceCell::new(),
    });
    if let Ok(mut cache) = state.rounds.0.lock() {
        cache.insert(round.id, (fingerprint, data.clone()));
    }
    Ok(data)
}

/// Everything about one organisation's standing in one round: the input of its benchmark page,
/// its report and the benchmark route.
pub struct OrganisationBenchmark {
    pub data: Arc<RoundData>,
    pub organisation: entity::organisation::Model,
    pub benchmark: crate::domain::benchmark::OrgBenchmark,
    /// Each choice question: the organisation's answer beside its peer group's answers.
    pub questions: Vec<crate::domain::benchmark::QuestionComparison>,
    /// The previous round of the same survey, if any.
    pub previous_round: Option<round::Model>,
}

/// Why an organisation's benchmark cannot be made.
pub enum Missing {
    /// The organisation has no submitted response in the round.
    NotSubmitted,
}

/// The benchmark of `organisation` in `round`, from stored scores and answers.
pub async fn organisation_benchmark(
    state: &AppState,
    round: &round::Model,
    organisation: entity::organisation::Model,
) -> Result<Result<OrganisationBenchmark, Missing>, DbError> {
    let data = round_data(state, round).await?;
    let Some(index) = data.index_of(organisation.id) else {
        return Ok(Err(Missing::NotSubmitted));
    };
    let previous_round = benchmarks::previous_round(&state.db.conn, round).await?;
    let previous_scores = match &previous_round {
        Some(prev) => {
            let prev_data = round_data(state, prev).await?;
            prev_data
                .index_of(organisation.id)
                .map(|i| prev_data.submitted[i].scores.clone())
        }
        None => None,
    };
    let members = data.members();
    let (bench, choice) = crate::domain::benchmark::benchmark(
        &data.definition,
        &members,
        index,
        previous_scores.as_ref(),
        threshold(state),
    );
    let answers = data.answers(state).await?;
    let empty = Answers::new();
    let group: Vec<&Answers> = choice
        .members
        .iter()
        .map(|&i| {
            answers
                .get(&data.submitted[i].response_id)
                .unwrap_or(&empty)
        })
        .collect();
    let own = answers.get(&data.submitted[index].response_id);
    let questions =
        crate::domain::benchmark::distributions(&data.definition, &group, own, threshold(state));
    Ok(Ok(OrganisationBenchmark {
        data: data.clone(),
        organisation,
        benchmark: bench,
        questions,
        previous_round,
    }))
}
