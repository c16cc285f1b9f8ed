//! Writing the demo: organisations, both rounds with their invitations, responses, answers and
//! scores, in one transaction and in batches, so a failed run leaves nothing behind.

use crate::domain::response::ResponseStatus;
use crate::domain::round::RoundStatus;
use std::collections::HashMap;

use anyhow::{Context, ensure};
use chrono::{DateTime, Duration, Utc};
use entity::{answer, invitation, organisation, response, round, score};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, Set, TransactionTrait,
};
use serde_json::json;

use crate::demo::{partial_answers, responses};
use crate::domain::answers::{Answers, check_complete, prune_hidden};
use crate::domain::definition::Definition;
use crate::domain::organisation::OrganisationInput;
use crate::domain::scoring;
use crate::domain::secret::hash_secret;
use crate::store::responses::OVERALL;
use crate::store::{Database, DbError, audit, organisations as org_store, surveys};

use super::{
    CLOSED_ROUND, DemoOptions, OPEN_ROUND, Plan, RoundSpec, SEEDED, Stage, invitation_secret,
    round_specs, stream,
};

/// Rows per INSERT: well within every backend's limit on bound parameters.
const CHUNK_ROWS: usize = 500;
/// Organisations written per batch (and per step of the progress bar).
const BATCH: usize = 100;

/// Writes organisations, both rounds with their invitations, responses, answers and scores, and
/// the audit record, in one transaction.
pub(super) async fn write_demo(
    db: &Database,
    definition: &Definition,
    version_id: i32,
    options: &DemoOptions,
    report: &dyn Fn(usize, &str, usize, usize),
) -> anyhow::Result<()> {
    let existing = organisation::Entity::find().count(&db.conn).await?;
    ensure!(
        existing == 0,
        "the database already holds {existing} organisations, and the demo only seeds a database \
         without any, so that fictional data never mixes with real data; point DATABASE_URL at a \
         new file (e.g. sqlite://soundings-demo.sqlite?mode=rwc)"
    );
    let plan = Plan::new(options);
    let n = plan.orgs.len();
    let tx = db.conn.begin().await?;

    report(2, "Organisations", 0, n);
    let inputs = plan
        .orgs
        .iter()
        .map(|o| {
            OrganisationInput::parse(o.as_raw())
                .map_err(|e| anyhow::anyhow!("generated organisation {} is invalid: {e:?}", o.code))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    org_store::insert_many(&tx, &inputs).await?;
    let codes: Vec<String> = plan.orgs.iter().map(|o| o.code.clone()).collect();
    let by_code: HashMap<String, i32> = org_store::find_by_codes(&tx, &codes)
        .await?
        .into_iter()
        .map(|o| (o.code, o.id))
        .collect();
    let ids = codes
        .iter()
        .map(|c| by_code.get(c).copied())
        .collect::<Option<Vec<i32>>>()
        .context("an inserted organisation is missing")?;
    report(2, "Organisations", n, n);

    let now = Utc::now();
    for (offset, spec) in round_specs()?.iter().enumerate() {
        let step = 3 + offset;
        let label = format!("Round {}", spec.code);
        report(step, &label, 0, n);
        let round_id = create_round(&tx, spec, version_id).await?;
        let complete = responses(plan.seed, definition, &plan.orgs, spec.index);
        let until = spec.closes.min(now).max(spec.opens);
        let mut clock = stream(plan.seed, &format!("times:{}", spec.code));
        let mut writes = Vec::with_capacity(n);
        for (i, done) in complete.into_iter().enumerate() {
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
            let times = Times::draw(&mut clock, spec.opens, until, stage);
            writes.push(Write {
                organisation_id: ids[i],
                code: &plan.orgs[i].code,
                stage,
                answers,
                times,
            });
        }
        for (batch, chunk) in writes.chunks(BATCH).enumerate() {
            write_batch(&tx, definition, plan.seed, spec, round_id, chunk).await?;
            report(step, &label, (batch * BATCH + chunk.len()).min(n), n);
        }
    }

    audit::record(
        &tx,
        audit::Event {
            actor: "cli",
            action: SEEDED,
            subject_type: "demo",
            subject_id: None,
            details: json!({
                "seed": options.seed,
                "organisations": n,
                "rounds": [CLOSED_ROUND, OPEN_ROUND],
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn create_round(
    db: &impl ConnectionTrait,
    spec: &RoundSpec,
    version_id: i32,
) -> anyhow::Result<i32> {
    let version = surveys::find_version_by_id(db, version_id)
        .await?
        .context("the survey version disappeared")?;
    let model = round::ActiveModel {
        survey_id: Set(version.survey_id),
        survey_version_id: Set(version_id),
        code: Set(spec.code.to_owned()),
        name: Set(spec.name.to_owned()),
        opens_at: Set(spec.opens),
        closes_at: Set(spec.closes),
        status: Set(spec.status.as_str().to_owned()),
        created_at: Set(spec.opens - Duration::days(14)),
        updated_at: Set(if spec.status == RoundStatus::Closed {
            spec.closes
        } else {
            spec.opens
        }),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)?;
    Ok(model.id)
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

/// One organisation's part of a round.
struct Write<'a> {
    organisation_id: i32,
    code: &'a str,
    stage: Stage,
    answers: Answers,
    times: Times,
}

/// Invitations, responses, answers and scores of a batch of organisations, in a few INSERTs.
async fn write_batch(
    db: &impl ConnectionTrait,
    definition: &Definition,
    seed: u64,
    spec: &RoundSpec,
    round_id: i32,
    batch: &[Write<'_>],
) -> anyhow::Result<()> {
    let invitations = batch.iter().map(|w| invitation::ActiveModel {
        round_id: Set(round_id),
        organisation_id: Set(w.organisation_id),
        secret_hash: Set(hash_secret(&invitation_secret(seed, spec.code, w.code))),
        created_at: Set(spec.opens),
        revoked_at: Set(None),
        ..Default::default()
    });
    insert_chunked(db, invitations.collect()).await?;

    let started: Vec<&Write<'_>> = batch
        .iter()
        .filter(|w| w.stage != Stage::NotStarted)
        .collect();
    let rows: Vec<response::ActiveModel> = started
        .iter()
        .map(|w| {
            let sections = definition
                .sections
                .iter()
                .filter(|s| s.questions.iter().any(|q| w.answers.contains_key(&q.key)))
                .count();
            let submitted = w.times.submitted.is_some();
            response::ActiveModel {
                round_id: Set(round_id),
                organisation_id: Set(w.organisation_id),
                status: Set(if submitted {
                    ResponseStatus::Submitted
                } else {
                    ResponseStatus::InProgress
                }
                .as_str()
                .to_owned()),
                revision: Set(
                    i32::try_from(sections.max(1) + usize::from(submitted)).unwrap_or(i32::MAX)
                ),
                started_at: Set(w.times.started),
                updated_at: Set(w.times.updated),
                submitted_at: Set(w.times.submitted),
                submitted_by: Set(submitted.then(|| format!("respondent:{}", w.code))),
                ..Default::default()
            }
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let inserted = response::Entity::insert_many(rows)
        .exec_with_returning(db)
        .await
        .map_err(DbError::classify)?;
    let response_ids: HashMap<i32, i32> =
        inserted.iter().map(|r| (r.organisation_id, r.id)).collect();

    let mut answers = Vec::new();
    let mut scores = Vec::new();
    for w in started {
        let response_id = *response_ids
            .get(&w.organisation_id)
            .context("an inserted response is missing")?;
        for (key, value) in &w.answers {
            answers.push(answer::ActiveModel {
                response_id: Set(response_id),
                question_key: Set(key.clone()),
                value: Set(serde_json::to_string(value)?),
                updated_at: Set(w.times.updated),
                ..Default::default()
            });
        }
        if w.stage == Stage::Submitted {
            scores.extend(score_rows(definition, response_id, round_id, &w.answers));
        }
    }
    insert_chunked(db, answers).await?;
    insert_chunked(db, scores).await?;
    Ok(())
}

/// The rows `responses::replace_scores` writes: one per dimension, and `overall`.
fn score_rows(
    definition: &Definition,
    response_id: i32,
    round_id: i32,
    answers: &Answers,
) -> Vec<score::ActiveModel> {
    let card = scoring::score(definition, answers);
    let level = |l: u32| i32::try_from(l).unwrap_or(i32::MAX);
    let row = |dimension: &str, value: f64, l: u32| score::ActiveModel {
        response_id: Set(response_id),
        round_id: Set(round_id),
        dimension: Set(dimension.to_owned()),
        score: Set(value),
        level: Set(level(l)),
        ..Default::default()
    };
    let mut rows: Vec<score::ActiveModel> = card
        .dimensions
        .iter()
        .map(|d| row(&d.dimension, d.score, d.level))
        .collect();
    rows.push(row(
        OVERALL,
        card.overall,
        definition.level_number_for(card.overall),
    ));
    rows
}

/// Inserts `rows` in INSERTs of at most [`CHUNK_ROWS`] rows.
async fn insert_chunked<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), DbError>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter();
    loop {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK_ROWS).collect();
        if chunk.is_empty() {
            return Ok(());
        }
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await
            .map_err(DbError::classify)?;
    }
}
