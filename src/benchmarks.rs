//! Benchmarks and researchers' tables as the API needs them: a round's submitted data, loaded in a
//! few queries and cached per process. The cache is checked against the database on every use (a
//! count and the latest write of the round's submitted responses), so a submission or amendment on
//! any instance is seen by the next request everywhere. What is worked out from the data (peer
//! groups, their figures and option counts) is kept with it, so a bulk run of reports does each
//! group's work once.

use crate::domain::answers::Answers;
use crate::domain::benchmark::{
    GroupFigures, Member, OrgBenchmark, QuestionComparison, assemble, count_options, mark_chosen,
};
use crate::domain::definition::Definition;
use crate::domain::peers::{Choice, GroupKey, Grouping, OrgAttributes, Threshold, fallback_chain};
use crate::state::AppState;
use crate::store::DbError;
use crate::store::benchmarks::{self, Fingerprint, Submitted};
use entity::round;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// The groups of one grouping: members (indices into `submitted`) by group.
type Groups = BTreeMap<GroupKey, Vec<usize>>;

/// A round's submitted responses as of one fingerprint, and what has been worked out from them.
pub struct RoundData {
    pub round: round::Model,
    pub definition: Arc<Definition>,
    pub submitted: Vec<Submitted>,
    attributes: Vec<OrgAttributes>,
    answers: OnceCell<HashMap<i32, Answers>>,
    partitions: Mutex<HashMap<Grouping, Arc<Groups>>>,
    figures: Mutex<HashMap<GroupKey, Arc<GroupFigures>>>,
    options: Mutex<HashMap<GroupKey, Arc<Vec<QuestionComparison>>>>,
}

impl RoundData {
    fn new(round: round::Model, definition: Arc<Definition>, submitted: Vec<Submitted>) -> Self {
        let attributes = submitted.iter().map(|s| s.attributes.clone()).collect();
        RoundData {
            round,
            definition,
            submitted,
            attributes,
            answers: OnceCell::new(),
            partitions: Mutex::default(),
            figures: Mutex::default(),
            options: Mutex::default(),
        }
    }

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

    /// The groups of one grouping, worked out once.
    fn partition(&self, grouping: &Grouping) -> Arc<Groups> {
        if let Some(found) = self
            .partitions
            .lock()
            .ok()
            .and_then(|m| m.get(grouping).cloned())
        {
            return found;
        }
        let parts = Arc::new(grouping.partition(&self.attributes));
        if let Ok(mut m) = self.partitions.lock() {
            m.insert(grouping.clone(), parts.clone());
        }
        parts
    }

    /// The peer group of `submitted[index]`: the first grouping of the fallback chain whose group
    /// has at least k members, as [`crate::domain::peers::choose_group`] decides, from cached
    /// partitions.
    pub fn choose(&self, index: usize, threshold: Threshold) -> Choice {
        let org = &self.attributes[index];
        let chain = fallback_chain();
        let sizes: Vec<usize> = chain
            .iter()
            .map(|g| self.partition(g).get(&g.key(org)).map_or(0, Vec::len))
            .collect();
        let mut choice = crate::domain::peers::choose_by_sizes(org, &chain, &sizes, threshold);
        choice.members = self
            .partition(&choice.grouping)
            .get(&choice.key)
            .cloned()
            .unwrap_or_default();
        choice
    }

    /// A group's sorted scores and statistics, worked out once.
    pub fn figures(&self, choice: &Choice) -> Arc<GroupFigures> {
        if let Some(found) = self
            .figures
            .lock()
            .ok()
            .and_then(|m| m.get(&choice.key).cloned())
        {
            return found;
        }
        let figures = Arc::new(GroupFigures::new(&self.members(), &choice.members));
        if let Ok(mut m) = self.figures.lock() {
            m.insert(choice.key.clone(), figures.clone());
        }
        figures
    }

    /// A group's option counts for every choice question, worked out once.
    pub async fn option_counts(
        &self,
        state: &AppState,
        choice: &Choice,
    ) -> Result<Arc<Vec<QuestionComparison>>, DbError> {
        if let Some(found) = self
            .options
            .lock()
            .ok()
            .and_then(|m| m.get(&choice.key).cloned())
        {
            return Ok(found);
        }
        let answers = self.answers(state).await?;
        let empty = Answers::new();
        let group: Vec<&Answers> = choice
            .members
            .iter()
            .map(|&i| {
                answers
                    .get(&self.submitted[i].response_id)
                    .unwrap_or(&empty)
            })
            .collect();
        let counts = Arc::new(count_options(&self.definition, &group, threshold(state)));
        if let Ok(mut m) = self.options.lock() {
            m.insert(choice.key.clone(), counts.clone());
        }
        Ok(counts)
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
    let data = Arc::new(RoundData::new(round.clone(), definition, submitted));
    if let Ok(mut cache) = state.rounds.0.lock() {
        cache.insert(round.id, (fingerprint, data.clone()));
    }
    Ok(data)
}

/// Everything about one organisation's standing in one round: the input of its report and of the
/// benchmark route.
pub struct OrganisationBenchmark {
    pub data: Arc<RoundData>,
    pub organisation: entity::organisation::Model,
    pub benchmark: OrgBenchmark,
    /// Each choice question: the organisation's answer beside its peer group's answers.
    pub questions: Vec<QuestionComparison>,
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
    let k = threshold(state);
    let choice = data.choose(index, k);
    let figures = data.figures(&choice);
    let benchmark = assemble(
        &data.definition,
        &data.submitted[index].scores,
        &choice,
        &figures,
        previous_scores.as_ref(),
        k,
    );
    let mut questions = data.option_counts(state, &choice).await?.as_ref().clone();
    if let Some(own) = data
        .answers(state)
        .await?
        .get(&data.submitted[index].response_id)
    {
        mark_chosen(&mut questions, own);
    }
    Ok(Ok(OrganisationBenchmark {
        data: data.clone(),
        organisation,
        benchmark,
        questions,
        previous_round,
    }))
}

/// An organisation's report model for a round.
pub async fn organisation_report(
    state: &AppState,
    round: &round::Model,
    organisation: entity::organisation::Model,
) -> Result<Result<crate::report::model::Report, Missing>, DbError> {
    let found = match organisation_benchmark(state, round, organisation).await? {
        Ok(found) => found,
        Err(missing) => return Ok(Err(missing)),
    };
    let version =
        crate::store::surveys::find_version_by_id(&state.db.conn, round.survey_version_id)
            .await?
            .ok_or_else(|| {
                DbError::Other(sea_orm::DbErr::RecordNotFound(format!(
                    "survey version {}",
                    round.survey_version_id
                )))
            })?;
    let inputs = crate::report::build::Inputs {
        definition: &found.data.definition,
        definition_sha256: &version.sha256,
        survey_version: version.version,
        organisation: &found.organisation,
        round,
        previous_round: found.previous_round.as_ref(),
        k: state.settings.disclosure_threshold,
    };
    Ok(Ok(crate::report::build::build(
        &inputs,
        &found.benchmark,
        &found.questions,
    )))
}

/// The national summary of a round: every organisation, overall and by kind.
pub async fn round_summary(
    state: &AppState,
    round: &round::Model,
) -> Result<crate::report::summary::SummaryReport, DbError> {
    let data = round_data(state, round).await?;
    let members = data.members();
    let k = threshold(state);
    let all = crate::domain::benchmark::statistics(&data.definition, &members, &Grouping::all(), k);
    let by_kind = crate::domain::benchmark::statistics(
        &data.definition,
        &members,
        &Grouping::of(&[crate::domain::peers::Attribute::Kind]),
        k,
    );
    let progress = benchmarks::progress(&state.db.conn, round.id).await?;
    let version =
        crate::store::surveys::find_version_by_id(&state.db.conn, round.survey_version_id)
            .await?
            .ok_or_else(|| {
                DbError::Other(sea_orm::DbErr::RecordNotFound(format!(
                    "survey version {}",
                    round.survey_version_id
                )))
            })?;
    let inputs = crate::report::summary::SummaryInputs {
        definition: &data.definition,
        sha256: &version.sha256,
        survey_version: version.version,
        round,
        k: k.0,
        invited: progress.invited.len(),
        submitted: progress.submitted.len(),
    };
    Ok(crate::report::summary::build(&inputs, &all, &by_kind))
}
