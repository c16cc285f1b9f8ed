//! A round's disclosure snapshot and the tables worked out under it. Every output about a round
//! (researchers' tables and exports, benchmarks, reports, the summary) reads the one
//! [`Published`] of the round's current state, so no two can disagree about what is withheld.
//!
//! The snapshot is a deterministic function of the round's submitted responses, the
//! organisations' attributes and the earlier rounds' respondents (as their latest releases
//! publish them, for rounds released), so every server instance works out the same one; it is
//! kept beside the round's cached data and made again when the round's data, or an earlier
//! round's (a re-opened round, a new release), changes. A released round's snapshot is made once,
//! from its release alone.

use super::RoundData;
use crate::domain::benchmark::{GroupDimension, QuestionComparison, count_marked};
use crate::domain::choice_bits::ChoiceMarks;
use crate::domain::disclosure::{Respondent, Rules, Snapshot};
use crate::domain::peers::{Choice, GroupKey, Grouping, Threshold, fallback_chain};
use crate::service::Services;
use crate::store::DbError;
use crate::store::benchmarks::{self, Fingerprint};
use crate::store::{releases, respondents};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What may be published about a round as it stands, and the tables worked out under it.
pub struct Published {
    pub snapshot: Snapshot,
    /// The earlier rounds' states the snapshot was made with, oldest first.
    earlier: Vec<Earlier>,
    /// The threshold and rules it was made under.
    made_under: (Threshold, Rules),
    statistics: Mutex<HashMap<Grouping, Arc<Vec<GroupDimension>>>>,
    options: Mutex<HashMap<GroupKey, Arc<Vec<QuestionComparison>>>>,
    distributions: Mutex<HashMap<Grouping, Distributions>>,
}

/// What an earlier round's respondents depend on: the round's row as read (its window places it
/// among the rounds, its status says whether it still takes submissions) and, unless it is
/// closed, its fingerprint. A closed round takes no submissions, so while its row stays the
/// same it needs nothing more than the list of rounds; organisations' edits change the current
/// round's own fingerprint, which makes a new snapshot anyway.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Earlier {
    round: entity::round::Model,
    /// Its latest release, which is what it publishes and so what this round is compared with;
    /// a release never changes.
    release: Option<i32>,
    open: Option<Fingerprint>,
}

/// Every group of a grouping with its option counts (empty counts where withheld).
pub type Distributions = Arc<Vec<(GroupKey, Vec<QuestionComparison>)>>;

/// The round's snapshot: the one kept with `data` if the earlier rounds have not changed since it
/// was made, otherwise made now (and kept).
pub async fn published(state: &Services, data: &Arc<RoundData>) -> Result<Arc<Published>, DbError> {
    if let Some(release) = &data.release {
        return released(state, data, release).await;
    }
    let rounds = respondents::earlier_rounds(&state.db, &data.round).await?;
    published_after(state, data, &rounds).await
}

/// The snapshot of a release: made once, from the release's rows, against the releases of
/// earlier rounds it names, under the threshold it was made with. Nothing that happens later
/// can change it.
async fn released(
    state: &Services,
    data: &Arc<RoundData>,
    release: &entity::release::Model,
) -> Result<Arc<Published>, DbError> {
    if let Some(kept) = data.published.lock().ok().and_then(|p| p.clone()) {
        return Ok(kept);
    }
    let mut before = Vec::new();
    for id in releases::earlier_ids(release)? {
        before.push(released_respondents(&state.db, id).await?);
    }
    let k = Threshold(usize::try_from(release.threshold).unwrap_or(usize::MAX));
    let made = Arc::new(make(data, before, Vec::new(), (k, state.disclosure.rules)).await?);
    if let Ok(mut slot) = data.published.lock() {
        *slot = Some(made.clone());
    }
    Ok(made)
}

/// As [`published`], for a caller that has read the round's earlier rounds already (`rounds`,
/// oldest first, as `respondents::earlier_rounds` gives them).
pub(super) async fn published_after(
    state: &Services,
    data: &Arc<RoundData>,
    rounds: &[entity::round::Model],
) -> Result<Arc<Published>, DbError> {
    if let Some(release) = &data.release {
        return released(state, data, release).await;
    }
    let conn = &state.db;
    let ids: Vec<i32> = rounds.iter().map(|r| r.id).collect();
    let latest = releases::latest_of(conn, &ids).await?;
    let mut earlier = Vec::with_capacity(rounds.len());
    for round in rounds {
        let release = latest.get(&round.id).copied();
        let closed =
            crate::store::rounds::status(round)? == crate::domain::round::RoundStatus::Closed;
        let open = if closed || release.is_some() {
            None
        } else {
            Some(benchmarks::fingerprint(conn, round.id).await?)
        };
        earlier.push(Earlier {
            round: round.clone(),
            release,
            open,
        });
    }
    let made_under = (state.threshold(), state.disclosure.rules);
    let kept = data
        .published
        .lock()
        .ok()
        .and_then(|p| p.clone())
        .filter(|p| p.earlier == earlier && p.made_under == made_under);
    if let Some(kept) = kept {
        return Ok(kept);
    }
    let mut before = Vec::with_capacity(rounds.len());
    for round in &earlier {
        before.push(match round.release {
            Some(release) => released_respondents(conn, release).await?,
            None => respondents::submitted_in(conn, round.round.id).await?,
        });
    }
    let made = Arc::new(make(data, before, earlier, made_under).await?);
    if let Ok(mut slot) = data.published.lock() {
        *slot = Some(made.clone());
    }
    Ok(made)
}

/// Who release `id` covers, with their attributes as at the release.
async fn released_respondents(
    db: &impl sea_orm::ConnectionTrait,
    id: i32,
) -> Result<Vec<Respondent>, DbError> {
    Ok(releases::covered(db, id)
        .await?
        .into_iter()
        .map(|c| Respondent {
            organisation_id: c.organisation_id,
            attributes: c.attributes,
        })
        .collect())
}

/// Makes the snapshot of `data` against the earlier rounds' respondents `before`.
async fn make(
    data: &RoundData,
    before: Vec<Vec<Respondent>>,
    earlier: Vec<Earlier>,
    made_under: (Threshold, Rules),
) -> Result<Published, DbError> {
    let rounds = before.len();
    let now: Vec<Respondent> = data
        .submitted
        .iter()
        .map(|s| Respondent {
            organisation_id: s.organisation_id,
            attributes: s.attributes.clone(),
        })
        .collect();
    let (k, rules) = made_under;
    let started = std::time::Instant::now();
    let snapshot = tokio::task::spawn_blocking(move || Snapshot::build(&now, &before, k, rules))
        .await
        .map_err(|e| DbError::Other(sea_orm::DbErr::Custom(format!("snapshot: {e}"))))?;
    tracing::info!(
        round = %data.round.code,
        respondents = data.submitted.len(),
        earlier_rounds = rounds,
        release = data.release.as_ref().map_or(0, |r| r.number),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "disclosure snapshot made"
    );
    Ok(Published {
        snapshot,
        earlier,
        made_under,
        statistics: Mutex::default(),
        options: Mutex::default(),
        distributions: Mutex::default(),
    })
}

impl Published {
    /// The peer group of `data.submitted[index]` for its own benchmark: the first group of the
    /// fallback chain that the snapshot publishes.
    pub fn choose(&self, data: &RoundData, index: usize) -> Choice {
        self.snapshot
            .choose(&data.submitted[index].attributes, &fallback_chain())
    }

    /// Statistics of every group of `grouping` for every dimension, worked out once.
    pub fn statistics(&self, data: &RoundData, grouping: &Grouping) -> Arc<Vec<GroupDimension>> {
        if let Some(found) = self
            .statistics
            .lock()
            .ok()
            .and_then(|m| m.get(grouping).cloned())
        {
            return found;
        }
        let figures = Arc::new(crate::domain::benchmark::statistics(
            &data.definition,
            &data.members(),
            grouping,
            &self.snapshot,
        ));
        if let Ok(mut m) = self.statistics.lock() {
            m.insert(grouping.clone(), figures.clone());
        }
        figures
    }

    /// The option counts of every group of `grouping`, worked out once (a withheld group counts
    /// nobody, whatever its members answered).
    pub async fn distributions(
        &self,
        state: &Services,
        data: &RoundData,
        grouping: &Grouping,
    ) -> Result<Distributions, DbError> {
        if let Some(found) = self
            .distributions
            .lock()
            .ok()
            .and_then(|m| m.get(grouping).cloned())
        {
            return Ok(found);
        }
        let marks = data.marks(state).await?;
        let k = self.snapshot.threshold();
        let empty = ChoiceMarks::default();
        let mut out = Vec::new();
        for (key, cell) in self.snapshot.cells(grouping) {
            let group: Vec<&ChoiceMarks> = if cell.verdict.is_published() {
                cell.members
                    .iter()
                    .map(|&i| marks.get(&data.submitted[i].response_id).unwrap_or(&empty))
                    .collect()
            } else {
                Vec::new()
            };
            let counted = count_marked(&data.definition, &data.layout, &group, cell.verdict, k);
            out.push((key.clone(), counted));
        }
        let out = Arc::new(out);
        if let Ok(mut m) = self.distributions.lock() {
            m.insert(grouping.clone(), out.clone());
        }
        Ok(out)
    }

    /// A group's option counts for every choice question, worked out once.
    pub async fn option_counts(
        &self,
        state: &Services,
        data: &RoundData,
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
        let verdict = self.snapshot.verdict(&choice.grouping, &choice.key);
        let marks = if verdict.is_published() {
            data.marks_of(state, &choice.members).await?
        } else {
            Vec::new()
        };
        let group: Vec<&ChoiceMarks> = marks.iter().collect();
        let counts = Arc::new(count_marked(
            &data.definition,
            &data.layout,
            &group,
            verdict,
            self.snapshot.threshold(),
        ));
        if let Ok(mut m) = self.options.lock() {
            m.insert(choice.key.clone(), counts.clone());
        }
        Ok(counts)
    }
}
