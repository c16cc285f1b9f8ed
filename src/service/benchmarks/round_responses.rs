//! A round's submitted responses as of one fingerprint, and what is worked out from them on
//! demand (peer groups, their figures, option counts, statistics), kept so each is done once.

use super::published::Published;
use crate::domain::benchmark::{GroupFigures, Member};
use crate::domain::choice_bits::{ChoiceLayout, ChoiceMarks};
use crate::domain::definition::Definition;
use crate::domain::peers::{Choice, GroupKey};
use crate::service::Services;
use crate::store::DbError;
use crate::store::benchmarks::{self, Submitted};
use entity::round;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// Choice marks by response id.
pub type Marks = HashMap<i32, ChoiceMarks>;

/// A round's submitted responses as of one fingerprint, and what has been worked out from them.
pub struct RoundData {
    pub round: round::Model,
    pub definition: Arc<Definition>,
    pub submitted: Vec<Submitted>,
    /// Positions in `submitted` by response id and by organisation id.
    by_response: HashMap<i32, usize>,
    by_organisation: HashMap<i32, usize>,
    /// Where each choice question's marks lie (from `definition`).
    pub layout: ChoiceLayout,
    /// What comparisons need of every submitted response's answers, by response id (see
    /// [`ChoiceMarks`]: about a hundred bytes a response); read on first use.
    pub(super) marks: OnceCell<Marks>,
    /// Marks of some responses, read as groups were asked about while `marks` was not loaded:
    /// a benchmark needs its peer group's, not the whole round's.
    pub(super) some_marks: Mutex<Marks>,
    /// Set once a background read of the whole round's marks has been started.
    reading_all: AtomicBool,
    figures: Mutex<HashMap<GroupKey, Arc<GroupFigures>>>,
    /// The disclosure snapshot of this data (see [`super::published`]).
    pub(super) published: Mutex<Option<Arc<Published>>>,
    /// The release this data was read from; `None` for a round not released, read live.
    pub release: Option<entity::release::Model>,
}

impl RoundData {
    pub(super) fn new(
        round: round::Model,
        definition: Arc<Definition>,
        submitted: Vec<Submitted>,
        marks: Option<Marks>,
        some_marks: Marks,
    ) -> Self {
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
            by_response,
            by_organisation,
            layout,
            marks: OnceCell::new_with(marks),
            some_marks: Mutex::new(some_marks),
            reading_all: AtomicBool::new(false),
            figures: Mutex::default(),
            published: Mutex::default(),
            release: None,
        }
    }

    /// The same data, as read from `release`.
    pub(super) fn with_release(mut self, release: entity::release::Model) -> Self {
        self.release = Some(release);
        self
    }

    /// The answers of the responses `ids` (each has an entry): from the release the data was
    /// read from, or as they are stored now for a round not released.
    pub async fn answers_of(
        &self,
        state: &Services,
        ids: &[i32],
    ) -> Result<HashMap<i32, crate::domain::answers::Answers>, DbError> {
        self.answers_as(state, Some(ids), |answers| answers).await
    }

    /// The answers of `ids` (all submitted responses when `None`), each turned by `convert`.
    async fn answers_as<T: Default>(
        &self,
        state: &Services,
        ids: Option<&[i32]>,
        convert: impl Fn(crate::domain::answers::Answers) -> T,
    ) -> Result<HashMap<i32, T>, DbError> {
        match (&self.release, ids) {
            (Some(release), ids) => {
                crate::store::releases::answers_of_as(&state.db, release.id, ids, convert).await
            }
            (None, Some(ids)) => benchmarks::answers_of_as(&state.db, ids, convert).await,
            (None, None) => {
                benchmarks::submitted_answers_as(&state.db, self.round.id, convert).await
            }
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
    pub(super) fn revision_of(&self, response_id: i32) -> Option<i32> {
        self.by_response
            .get(&response_id)
            .map(|&i| self.submitted[i].revision)
    }

    pub fn index_of(&self, organisation_id: i32) -> Option<usize> {
        self.by_organisation.get(&organisation_id).copied()
    }

    /// The marks of every submitted response, by response id; read on first use.
    pub async fn marks(&self, state: &Services) -> Result<&Marks, DbError> {
        self.marks
            .get_or_try_init(|| async {
                self.answers_as(state, None, |answers| {
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
        state: &Services,
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
            self.answers_as(state, Some(&missing), |answers| {
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
}

/// The first benchmarks of a round read only their peer groups' answers, which is quick; this
/// reads the rest of the round's in the background, once, so that later benchmarks (of other
/// groups) find their marks in memory.
pub(super) fn read_all_marks_soon(state: &Services, data: &Arc<RoundData>) {
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
