//! Benchmarks and researchers' tables as the API needs them: a round's submitted data, loaded in a
//! few queries and cached per process. The cache is checked against the database on every use
//! (one query: the count and the sum of revisions of the round's submitted responses, and the
//! sum of organisations' revisions; see [`benchmarks::Fingerprint`]), so a submission, an
//! amendment or an organisation's edit on any instance is seen by the next request everywhere. When it has changed, only the responses whose
//! revision moved are read again, in one database snapshot, and the rest is reused; so the first
//! request after a submission costs a few small queries, not a reload of the round. What is
//! worked out from the data (peer groups, their figures and option counts) is kept with it, so a
//! bulk run of reports does each group's work once.

use crate::domain::benchmark::{
    GroupDimension, GroupFigures, Member, OrgBenchmark, QuestionComparison, assemble, count_marked,
    mark_chosen_in,
};
use crate::domain::choices::{ChoiceLayout, ChoiceMarks};
use crate::domain::definition::Definition;
use crate::domain::peers::{Choice, GroupKey, Grouping, OrgAttributes, Threshold, fallback_chain};
use crate::state::AppState;
use crate::store::DbError;
use crate::store::benchmarks::{self, Submitted};
use entity::round;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

mod cache;
#[cfg(test)]
mod tests;

pub use cache::{RoundCache, round_data};

/// Choice marks by response id.
pub type Marks = HashMap<i32, ChoiceMarks>;

/// Statistics of every group of a grouping, for every dimension.
type Statistics = Arc<Vec<GroupDimension>>;

/// The groups of one grouping: members (indices into `submitted`) by group.
type Groups = BTreeMap<GroupKey, Vec<usize>>;

/// A round's submitted responses as of one fingerprint, and what has been worked out from them.
pub struct RoundData {
    pub round: round::Model,
    pub definition: Arc<Definition>,
    pub submitted: Vec<Submitted>,
    attributes: Vec<OrgAttributes>,
    /// Positions in `submitted` by response id and by organisation id.
    by_response: HashMap<i32, usize>,
    by_organisation: HashMap<i32, usize>,
    /// Where each choice question's marks lie (from `definition`).
    pub layout: ChoiceLayout,
    /// What comparisons need of every submitted response's answers, by response id (see
    /// [`ChoiceMarks`]: about a hundred bytes a response); read on first use.
    marks: OnceCell<Marks>,
    /// Marks of some responses, read as groups were asked about while `marks` was not loaded:
    /// a benchmark needs its peer group's, not the whole round's.
    some_marks: Mutex<Marks>,
    /// Set once a background read of the whole round's marks has been started.
    reading_all: AtomicBool,
    partitions: Mutex<HashMap<Grouping, Arc<Groups>>>,
    figures: Mutex<HashMap<GroupKey, Arc<GroupFigures>>>,
    options: Mutex<HashMap<GroupKey, Arc<Vec<QuestionComparison>>>>,
    statistics: Mutex<HashMap<(Grouping, usize), Statistics>>,
}

impl RoundData {
    fn new(
        round: round::Model,
        definition: Arc<Definition>,
        submitted: Vec<Submitted>,
        marks: Option<Marks>,
        some_marks: Marks,
    ) -> Self {
        let attributes = submitted.iter().map(|s| s.attributes.clone()).collect();
        let layout = ChoiceLayout::new(&definition);
        let by_response = submitted
            .iter()
            .enumerate()
            .map(|(i, s)| (s.response_id, i))
            .collect();
        let by_organisation = submitted
            .iter()
            .enumerate()
            .map(|(i, s)| (s.organisation_id, i))
            .collect();
        RoundData {
            round,
            definition,
            submitted,
            attributes,
            by_response,
            by_organisation,
            layout,
            marks: OnceCell::new_with(marks),
            some_marks: Mutex::new(some_marks),
            reading_all: AtomicBool::new(false),
            partitions: Mutex::default(),
            figures: Mutex::default(),
            options: Mutex::default(),
            statistics: Mutex::default(),
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

    /// The revision a submitted response was read at.
    fn revision_of(&self, response_id: i32) -> Option<i32> {
        self.by_response
            .get(&response_id)
            .map(|&i| self.submitted[i].revision)
    }

    pub fn index_of(&self, organisation_id: i32) -> Option<usize> {
        self.by_organisation.get(&organisation_id).copied()
    }

    /// The marks of every submitted response, by response id; read on first use.
    pub async fn marks(&self, state: &AppState) -> Result<&Marks, DbError> {
        self.marks
            .get_or_try_init(|| async {
                benchmarks::submitted_answers_as(&state.db.conn, self.round.id, |answers| {
                    self.layout.marks(&self.definition, &answers)
                })
                .await
            })
            .await
    }

    /// The marks of the members `members` (indices into `submitted`), in that order: from the
    /// whole round's if they are loaded, otherwise read for just the members not read before.
    pub async fn marks_of(
        &self,
        state: &AppState,
        members: &[usize],
    ) -> Result<Vec<ChoiceMarks>, DbError> {
        let ids: Vec<i32> = members
            .iter()
            .map(|&i| self.submitted[i].response_id)
            .collect();
        if let Some(all) = self.marks.get() {
            return Ok(ids
                .iter()
                .map(|id| all.get(id).cloned().unwrap_or_default())
                .collect());
        }
        let missing: Vec<i32> = match self.some_marks.lock() {
            Ok(known) => ids
                .iter()
                .filter(|id| !known.contains_key(id))
                .copied()
                .collect(),
            Err(_) => ids.clone(),
        };
        let loaded = if missing.is_empty() {
            HashMap::new()
        } else {
            benchmarks::answers_of_as(&state.db.conn, &missing, |answers| {
                self.layout.marks(&self.definition, &answers)
            })
            .await?
        };
        let mut known = self
            .some_marks
            .lock()
            .map_err(|_| DbError::Other(sea_orm::DbErr::Custom("a lock was poisoned".into())))?;
        for (id, marks) in loaded {
            known.entry(id).or_insert(marks);
        }
        Ok(ids
            .iter()
            .map(|id| known.get(id).cloned().unwrap_or_default())
            .collect())
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

    /// Statistics of every group of `grouping` for every dimension, worked out once.
    pub fn statistics(&self, grouping: &Grouping, threshold: Threshold) -> Statistics {
        let key = (grouping.clone(), threshold.0);
        if let Some(found) = self
            .statistics
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return found;
        }
        let figures = Arc::new(crate::domain::benchmark::statistics(
            &self.definition,
            &self.members(),
            grouping,
            threshold,
        ));
        if let Ok(mut m) = self.statistics.lock() {
            m.insert(key, figures.clone());
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
        let marks = self.marks_of(state, &choice.members).await?;
        let group: Vec<&ChoiceMarks> = marks.iter().collect();
        let counts = Arc::new(count_marked(
            &self.definition,
            &self.layout,
            &group,
            threshold(state),
        ));
        if let Ok(mut m) = self.options.lock() {
            m.insert(choice.key.clone(), counts.clone());
        }
        Ok(counts)
    }
}

/// The disclosure threshold in force.
pub fn threshold(state: &AppState) -> Threshold {
    Threshold(state.settings.disclosure_threshold)
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

/// A round's data and what every organisation's benchmark in it also needs (the previous
/// round's data, the survey version), read once. A bulk run of reports makes them all from one
/// context, so they all describe the same moment.
pub struct RoundContext {
    pub round: round::Model,
    pub data: Arc<RoundData>,
    pub previous_round: Option<round::Model>,
    previous: Option<Arc<RoundData>>,
    version: entity::survey_version::Model,
}

/// The context for one benchmark or report: the previous round's data is not read, only the
/// organisation's own scores in it, when asked for (a round's first read is the slow part of a
/// first request after a start).
pub async fn round_context(
    state: &AppState,
    round: &round::Model,
) -> Result<RoundContext, DbError> {
    context_of(state, round, false).await
}

/// The context for a run over the whole round: the previous round's data is read once too.
pub async fn bulk_round_context(
    state: &AppState,
    round: &round::Model,
) -> Result<RoundContext, DbError> {
    context_of(state, round, true).await
}

async fn context_of(
    state: &AppState,
    round: &round::Model,
    read_previous: bool,
) -> Result<RoundContext, DbError> {
    let data = round_data(state, round).await?;
    let previous_round = benchmarks::previous_round(&state.db.conn, round).await?;
    let previous = match &previous_round {
        Some(prev) if read_previous => Some(round_data(state, prev).await?),
        _ => None,
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
    Ok(RoundContext {
        round: round.clone(),
        data,
        previous_round,
        previous,
        version,
    })
}

/// The benchmark of `organisation` in `round`, from stored scores and answers.
pub async fn organisation_benchmark(
    state: &AppState,
    round: &round::Model,
    organisation: entity::organisation::Model,
) -> Result<Result<OrganisationBenchmark, Missing>, DbError> {
    let context = round_context(state, round).await?;
    benchmark_in(state, &context, organisation).await
}

/// The first benchmarks of a round read only their peer groups' answers, which is quick; this
/// reads the rest of the round's in the background, once, so that later benchmarks (of other
/// groups) find their marks in memory.
fn read_all_marks_soon(state: &AppState, data: &Arc<RoundData>) {
    if data.marks.get().is_some() || data.reading_all.swap(true, Ordering::Relaxed) {
        return;
    }
    let (state, data) = (state.clone(), data.clone());
    tokio::spawn(async move {
        if let Err(err) = data.marks(&state).await {
            tracing::warn!(error.cause = %err, round.id = data.round.id, "could not read a round's answers");
        }
    });
}

/// The benchmark of `organisation` in the round of `context`.
pub async fn benchmark_in(
    state: &AppState,
    context: &RoundContext,
    organisation: entity::organisation::Model,
) -> Result<Result<OrganisationBenchmark, Missing>, DbError> {
    let data = &context.data;
    let Some(index) = data.index_of(organisation.id) else {
        return Ok(Err(Missing::NotSubmitted));
    };
    let previous_scores = match (&context.previous, &context.previous_round) {
        (Some(prev), _) => prev
            .index_of(organisation.id)
            .map(|i| prev.submitted[i].scores.clone()),
        (None, Some(prev)) => {
            benchmarks::submitted_scores(&state.db.conn, prev.id, organisation.id).await?
        }
        (None, None) => None,
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
    if let Some(own) = data.marks_of(state, &[index]).await?.first() {
        mark_chosen_in(&mut questions, &data.layout, own);
    }
    read_all_marks_soon(state, data);
    Ok(Ok(OrganisationBenchmark {
        data: data.clone(),
        organisation,
        benchmark,
        questions,
        previous_round: context.previous_round.clone(),
    }))
}

/// An organisation's report model for a round.
pub async fn organisation_report(
    state: &AppState,
    round: &round::Model,
    organisation: entity::organisation::Model,
) -> Result<Result<crate::report::model::Report, Missing>, DbError> {
    let context = round_context(state, round).await?;
    report_in(state, &context, organisation).await
}

/// An organisation's report model for the round of `context`.
pub async fn report_in(
    state: &AppState,
    context: &RoundContext,
    organisation: entity::organisation::Model,
) -> Result<Result<crate::report::model::Report, Missing>, DbError> {
    let found = match benchmark_in(state, context, organisation).await? {
        Ok(found) => found,
        Err(missing) => return Ok(Err(missing)),
    };
    let inputs = crate::report::build::Inputs {
        definition: &found.data.definition,
        definition_sha256: &context.version.sha256,
        survey_version: context.version.version,
        organisation: &found.organisation,
        round: &context.round,
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
    let k = threshold(state);
    let all = data.statistics(&Grouping::all(), k);
    let by_kind = data.statistics(&Grouping::of(&[crate::domain::peers::Attribute::Kind]), k);
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
