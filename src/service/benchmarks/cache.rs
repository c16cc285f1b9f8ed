//! The per-process cache of rounds' data: each round's [`RoundData`] with the [`Fingerprint`] of
//! the database snapshot it was read from. Every use compares the fingerprint, and the round's
//! row as the caller read it just now, with what the entry was made from; when either has moved,
//! only the responses whose revision changed are read again (in one snapshot), and everything
//! else, answers' marks included, is carried over from the previous entry.

use super::{Marks, RoundData};
use crate::domain::definition::Definition;
use crate::service::Services;
use crate::store::DbError;
use crate::store::benchmarks::{self, Fingerprint, Submitted};
use crate::store::releases;
use entity::round;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A round's data and the fingerprint it was loaded at.
type Entry = (Fingerprint, Arc<RoundData>);

/// Rounds' data by round id. One request at a time (re)loads a round, so a burst of requests
/// after a submission does the work once.
#[derive(Clone, Default)]
pub struct RoundCache {
    entries: Arc<Mutex<HashMap<i32, Entry>>>,
    /// Released rounds' data by round id, read from the round's latest release. A release never
    /// changes, so an entry is current for as long as its release is the round's latest.
    released: Arc<Mutex<HashMap<i32, Arc<RoundData>>>>,
    loading: Arc<Mutex<HashMap<i32, Arc<tokio::sync::Mutex<()>>>>>,
}

impl RoundCache {
    fn get_released(&self, round_id: i32, release_id: i32) -> Option<Arc<RoundData>> {
        self.released
            .lock()
            .ok()
            .and_then(|m| m.get(&round_id).cloned())
            .filter(|data| data.release.as_ref().is_some_and(|r| r.id == release_id))
    }

    fn put_released(&self, round_id: i32, data: Arc<RoundData>) {
        if let Ok(mut m) = self.released.lock() {
            m.insert(round_id, data);
        }
    }

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

/// What is published about the round: its latest release, once it has one (issue 28); until
/// then its submitted data as it is now.
pub async fn round_data(state: &Services, round: &round::Model) -> Result<Arc<RoundData>, DbError> {
    match releases::latest(&state.db, round.id).await? {
        Some(release) => released_data(state, round, release).await,
        None => live_round_data(state, round).await,
    }
}

/// The round's data as its release `release` froze it, read once per instance.
async fn released_data(
    state: &Services,
    round: &round::Model,
    release: entity::release::Model,
) -> Result<Arc<RoundData>, DbError> {
    if let Some(data) = state.rounds.get_released(round.id, release.id) {
        return Ok(data);
    }
    let lock = state.rounds.loading_lock(round.id);
    let _loading = lock.lock().await;
    if let Some(data) = state.rounds.get_released(round.id, release.id) {
        return Ok(data);
    }
    let started = std::time::Instant::now();
    let definition = state
        .definitions
        .get(&state.db, round.survey_version_id)
        .await?;
    let submitted = releases::submitted(&state.db, release.id).await?;
    let data = RoundData::new(round.clone(), definition, submitted, None, HashMap::new())
        .with_release(release);
    let data = Arc::new(data);
    // Answers (the marks) are read when a reader first needs them, as for live data: the
    // statistics do not, and a first read after a start is then rows and scores only.
    tracing::info!(
        round = %round.code,
        release = data.release.as_ref().map_or(0, |r| r.number),
        submitted = data.submitted.len(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "released round data read"
    );
    state.rounds.put_released(round.id, data.clone());
    Ok(data)
}

/// The round's submitted data as it is now (for a round not released yet, and for what is
/// published while a round collects), from the cache when nothing has changed since it was
/// loaded.
pub async fn live_round_data(
    state: &Services,
    round: &round::Model,
) -> Result<Arc<RoundData>, DbError> {
    let current = |fingerprint: &Fingerprint| {
        state
            .rounds
            .get(round.id)
            // The round's own row too (its window decides which rounds are earlier, its status
            // what is published): a round edited through another instance is read again here.
            .filter(|(seen, data)| seen == fingerprint && data.round == *round)
            .map(|(_, data)| data)
    };
    let fingerprint = benchmarks::fingerprint(&state.db, round.id).await?;
    if let Some(data) = current(&fingerprint) {
        return Ok(data);
    }
    let lock = state.rounds.loading_lock(round.id);
    let _loading = lock.lock().await;
    // Another request may have brought the round up to date while this one waited.
    let fingerprint = benchmarks::fingerprint(&state.db, round.id).await?;
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
    let started = std::time::Instant::now();
    let refreshed = previous.is_some();
    let data = match previous {
        Some((seen, old))
            if seen.organisation_revisions == fingerprint.organisation_revisions
                && old.round.survey_version_id == round.survey_version_id =>
        {
            refresh(&tx, round, definition, &old).await?
        }
        _ => {
            let submitted = benchmarks::submitted(&tx, round.id).await?;
            RoundData::new(round.clone(), definition, submitted, None, HashMap::new())
        }
    };
    tx.commit().await.map_err(DbError::classify)?;
    // What a round costs to (re)load is worth seeing in the logs: it is the first request's wait.
    tracing::info!(
        round = %round.code,
        submitted = data.submitted.len(),
        refreshed,
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "round data read"
    );
    let data = Arc::new(data);
    state.rounds.put(round.id, (fingerprint, data.clone()));
    Ok(data)
}

/// The round's data from `old`, with the responses whose revision has moved since (new
/// submissions and amendments) read again, and those no longer submitted dropped. Marks are
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
    let is_current = |id: &i32| now.contains_key(id) && !changed.contains(id);
    // Marks are carried over for the responses that did not change; the changed ones are read
    // again if the whole round's marks were loaded, and otherwise when a group asks for them.
    let marks = match old.marks.get() {
        Some(loaded) => {
            let mut marks: Marks = loaded
                .iter()
                .filter(|(id, _)| is_current(id))
                .map(|(id, m)| (*id, m.clone()))
                .collect();
            let fresh = benchmarks::answers_of_as(db, &changed, |answers| {
                old.layout.marks(&definition, &answers)
            })
            .await?;
            marks.extend(fresh);
            Some(marks)
        }
        None => None,
    };
    let some_marks: Marks = match old.some_marks.lock() {
        Ok(known) => known
            .iter()
            .filter(|(id, _)| is_current(id))
            .map(|(id, m)| (*id, m.clone()))
            .collect(),
        Err(_) => HashMap::new(),
    };
    Ok(RoundData::new(
        round.clone(),
        definition,
        submitted,
        marks,
        some_marks,
    ))
}
