//! Benchmarks and researchers' tables as the API needs them: a round's submitted data, loaded in a
//! few queries and cached per process. The cache is checked against the database on every use
//! (one query: the count and the sum of revisions of the round's submitted responses, and the
//! latest change to an organisation; see [`Fingerprint`]), so a submission or amendment on any
//! instance is seen by the next request everywhere. When it has changed, only the responses whose
//! revision moved are read again, in one database snapshot, and the rest is reused; so the first
//! request after a submission costs a few small queries, not a reload of the round. What is
//! worked out from the data (peer groups, their figures and option counts) is kept with it, so a
//! bulk run of reports does each group's work once.

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

/// The answers of a round's submitted responses, by response id. Each response's answers are
/// shared, so that a refreshed round reuses those that did not change instead of copying them.
#[derive(Clone, Default)]
pub struct AnswersByResponse(HashMap<i32, Arc<Answers>>);

impl AnswersByResponse {
    pub fn get(&self, response_id: &i32) -> Option<&Answers> {
        self.0.get(response_id).map(Arc::as_ref)
    }

    fn from_loaded(loaded: HashMap<i32, Answers>) -> Self {
        AnswersByResponse(loaded.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// A round's submitted responses as of one fingerprint, and what has been worked out from them.
pub struct RoundData {
    pub round: round::Model,
    pub definition: Arc<Definition>,
    pub submitted: Vec<Submitted>,
    attributes: Vec<OrgAttributes>,
    /// Positions in `submitted` by response id and by organisation id.
    by_response: HashMap<i32, usize>,
    by_organisation: HashMap<i32, usize>,
    answers: OnceCell<AnswersByResponse>,
    partitions: Mutex<HashMap<Grouping, Arc<Groups>>>,
    figures: Mutex<HashMap<GroupKey, Arc<GroupFigures>>>,
    options: Mutex<HashMap<GroupKey, Arc<Vec<QuestionComparison>>>>,
}

impl RoundData {
    fn new(
        round: round::Model,
        definition: Arc<Definition>,
        submitted: Vec<Submitted>,
        answers: Option<AnswersByResponse>,
    ) -> Self {
        let attributes = submitted.iter().map(|s| s.attributes.clone()).collect();
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
            answers: OnceCell::new_with(answers),
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

    /// The revision a submitted response was read at.
    fn revision_of(&self, response_id: i32) -> Option<i32> {
        self.by_response
            .get(&response_id)
            .map(|&i| self.submitted[i].revision)
    }

    pub fn index_of(&self, organisation_id: i32) -> Option<usize> {
        self.by_organisation.get(&organisation_id).copied()
    }

    /// The answers of every submitted response, by response id; loaded on first use, since only
    /// question-level tables need them.
    pub async fn answers(&self, state: &AppState) -> Result<&AnswersByResponse, DbError> {
        self.answers
            .get_or_try_init(|| async {
                benchmarks::submitted_answers(&state.db.conn, self.round.id)
                    .await
                    .map(AnswersByResponse::from_loaded)
            })
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

/// Rounds' data by round id. One request at a time (re)loads a round, so a burst of requests
/// after a submission does the work once.
#[derive(Clone, Default)]
pub struct RoundCache {
    entries: Arc<Mutex<HashMap<i32, Entry>>>,
    loading: Arc<Mutex<HashMap<i32, Arc<tokio::sync::Mutex<()>>>>>,
}

impl RoundCache {
    fn get(&self, round_id: i32) -> Option<Entry> {
        self.entries
            .lock()
            .ok()
            .and_then(|m| m.get(&round_id).cloned())
    }

    fn put(&self, round_id: i32, entry: Entry) {
        if let Ok(mut m) = self.entries.lock() {
            m.insert(round_id, entry);
        }
    }

    fn loading_lock(&self, round_id: i32) -> Arc<tokio::sync::Mutex<()>> {
        match self.loading.lock() {
            Ok(mut m) => m.entry(round_id).or_default().clone(),
            Err(_) => Arc::default(),
        }
    }
}

/// The disclosure threshold in force.
pub fn threshold(state: &AppState) -> Threshold {
    Threshold(state.settings.disclosure_threshold)
}

/// The round's submitted data, from the cache when nothing has changed since it was loaded.
pub async fn round_data(state: &AppState, round: &round::Model) -> Result<Arc<RoundData>, DbError> {
    let current = |fingerprint: &Fingerprint| {
        state
            .rounds
            .get(round.id)
            .filter(|(seen, data)| {
                seen == fingerprint && data.round.survey_version_id == round.survey_version_id
            })
            .map(|(_, data)| data)
    };
    let fingerprint = benchmarks::fingerprint(&state.db.conn, round.id).await?;
    if let Some(data) = current(&fingerprint) {
        return Ok(data);
    }
    let lock = state.rounds.loading_lock(round.id);
    let _loading = lock.lock().await;
    // Another request may have brought the round up to date while this one waited.
    let fingerprint = benchmarks::fingerprint(&state.db.conn, round.id).await?;
    if let Some(data) = current(&fingerprint) {
        return Ok(data);
    }
    let definition = state
        .definitions
        .get(&state.db, round.survey_version_id)
        .await?;
    let previous = state.rounds.get(round.id);
    let tx = state.db.begin_snapshot().await?;
    // Read again inside the snapshot: the entry is labelled with the fingerprint of exactly the
    // data it holds, so a write that lands meanwhile is seen by the next request.
    let fingerprint = benchmarks::fingerprint(&tx, round.id).await?;
    let data = match previous {
        Some((seen, old))
            if seen.organisations_changed == fingerprint.organisations_changed
                && old.round.survey_version_id == round.survey_version_id =>
        {
            refresh(&tx, round, definition, &old).await?
        }
        _ => {
            let submitted = benchmarks::submitted(&tx, round.id).await?;
            RoundData::new(round.clone(), definition, submitted, None)
        }
    };
    tx.commit().await.map_err(DbError::classify)?;
    let data = Arc::new(data);
    state.rounds.put(round.id, (fingerprint, data.clone()));
    Ok(data)
}

/// The round's data from `old`, with the responses whose revision has moved since (new
/// submissions and amendments) read again, and those no longer submitted dropped. Answers are
/// carried over only if `old` had loaded them.
async fn refresh(
    db: &impl sea_orm::ConnectionTrait,
    round: &round::Model,
    definition: Arc<Definition>,
    old: &RoundData,
) -> Result<RoundData, DbError> {
    let now: HashMap<i32, i32> = benchmarks::submitted_revisions(db, round.id)
        .await?
        .into_iter()
        .collect();
    let changed: Vec<i32> = now
        .iter()
        .filter(|(id, revision)| old.revision_of(**id) != Some(**revision))
        .map(|(id, _)| *id)
        .collect();
    let fresh = benchmarks::submitted_among(db, round.id, &changed).await?;
    let mut submitted: Vec<Submitted> = old
        .submitted
        .iter()
        .filter(|s| now.contains_key(&s.response_id) && !changed.contains(&s.response_id))
        .cloned()
        .chain(fresh)
        .collect();
    submitted.sort_by(|a, b| a.code.cmp(&b.code));
    let answers = match old.answers.get() {
        Some(loaded) => {
            let mut answers = AnswersByResponse(
                loaded
                    .0
                    .iter()
                    .filter(|(id, _)| now.contains_key(*id))
                    .map(|(id, a)| (*id, a.clone()))
                    .collect(),
            );
            for (id, given) in benchmarks::answers_of(db, &changed).await? {
                answers.0.insert(id, Arc::new(given));
            }
            Some(answers)
        }
        None => None,
    };
    Ok(RoundData::new(
        round.clone(),
        definition,
        submitted,
        answers,
    ))
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
