//! Puts the demo into a database: the shipped instrument, fictional organisations, a closed round
//! that everyone answered and an open one that is partly answered, and keys and a respondent link
//! whose secrets follow from the seed, so that they still work when `soundings demo` runs again.
//!
//! Everything is written in one transaction with batched inserts, so a failed run leaves nothing
//! behind and 10,000 organisations stay feasible. The demo's secrets are public by design: a
//! demo database must never hold real data, and seeding refuses a database that already holds
//! organisations of its own.

use std::collections::HashMap;

use anyhow::{Context, bail, ensure};
use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::{answer, api_key, invitation, organisation, report_share, response, round, score};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set, TransactionTrait,
};
use serde_json::json;

use super::{DemoOrganisation, organisations, partial_answers, responses};
use crate::cli::import::{SHIPPED_INSTRUMENT, import_definition};
use crate::domain::answers::{Answers, check_complete, prune_hidden};
use crate::domain::definition::{Definition, Format};
use crate::domain::organisation::OrganisationInput;
use crate::domain::role::Role;
use crate::domain::scoring;
use crate::domain::secret::hash_secret;
use crate::store::responses::OVERALL;
use crate::store::{Database, DbError, audit, organisations as org_store, rounds, surveys};

/// The round everyone answered, a year ago, and the round open now.
pub const CLOSED_ROUND: &str = "demo-2025";
pub const OPEN_ROUND: &str = "demo-2026";
/// The audit action that records a seeding, with its seed and size (read back on re-runs).
const SEEDED: &str = "demo.seed";
/// Rows per INSERT: well within every backend's limit on bound parameters.
const CHUNK_ROWS: usize = 500;
/// Organisations written per batch (and per step of the progress bar).
const BATCH: usize = 100;
/// Shares of organisations in the open round that are still answering, or have not started.
const IN_PROGRESS_SHARE: f64 = 0.08;
const NOT_STARTED_SHARE: f64 = 0.07;
const STEPS: usize = 5;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoOptions {
    /// Picks the data: the same seed gives the same organisations, answers and secrets.
    pub seed: u64,
    /// How many fictional organisations.
    pub organisations: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            organisations: 220,
        }
    }
}

/// How far seeding has got: step `step` of `steps`, `done` of `total` organisations in it.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    pub step: usize,
    pub steps: usize,
    pub label: &'a str,
    pub done: u64,
    pub total: u64,
}

/// What the database holds once seeding is over, and what to open.
#[derive(Clone, Debug)]
pub struct DemoSummary {
    /// False when the demo was already there and nothing was written.
    pub seeded: bool,
    /// The options the data was made with (on a re-run, those of the first run).
    pub options: DemoOptions,
    pub organisations: u64,
    pub answers: u64,
    pub rounds: Vec<RoundCounts>,
    pub links: DemoLinks,
    /// Things worth telling the person who ran the demo (e.g. a restored key).
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoundCounts {
    pub code: String,
    pub status: String,
    pub invited: u64,
    pub submitted: u64,
    pub in_progress: u64,
    pub not_started: u64,
    /// The mean overall score of the submitted responses.
    pub mean_overall: Option<f64>,
}

/// Seeds the demo unless it is already there, then makes sure its keys and respondent link work.
pub async fn seed(
    db: &Database,
    options: &DemoOptions,
    progress: &dyn Fn(Progress<'_>),
) -> anyhow::Result<DemoSummary> {
    ensure!(
        (1..=100_000).contains(&options.organisations),
        "--organisations must be between 1 and 100000"
    );
    let report = |step: usize, label: &str, done: usize, total: usize| {
        progress(Progress {
            step,
            steps: STEPS,
            label,
            done: done as u64,
            total: total as u64,
        })
    };
    report(1, "Survey", 0, 1);
    db.migrate().await?;
    let definition = Definition::parse(SHIPPED_INSTRUMENT, Format::Yaml)
        .map_err(|e| anyhow::anyhow!("the shipped instrument does not parse: {e:?}"))?;
    import_definition(db, &definition, true).await?;
    let version_id = published_version(db, &definition).await?;
    report(1, "Survey", 1, 1);

    let mut notes = Vec::new();
    let (used, seeded) = match previous_options(db).await? {
        Some(previous) => {
            if previous != *options {
                notes.push(format!(
                    "This database already holds the demo made with --seed {} --organisations {}; \
                     these are its links. For another demo, point DATABASE_URL at a new file.",
                    previous.seed, previous.organisations
                ));
            }
            (previous, false)
        }
        None => {
            write_demo(db, &definition, version_id, options, &report).await?;
            (options.clone(), true)
        }
    };
    report(5, "Keys and links", 0, 1);
    let plan = Plan::new(&used);
    let links = ensure_access(db, &plan, &mut notes).await?;
    report(5, "Keys and links", 1, 1);
    Ok(DemoSummary {
        seeded,
        options: used,
        organisations: organisation::Entity::find().count(&db.conn).await?,
        answers: answer::Entity::find().count(&db.conn).await?,
        rounds: vec![
            round_counts(&db.conn, CLOSED_ROUND).await?,
            round_counts(&db.conn, OPEN_ROUND).await?,
        ],
        links,
        notes,
    })
}

/// What the landing page and the command line show of a demo. The keys and links are public by
/// design (anyone can derive them from the seed), so they may be shown. Paths are relative to
/// the server's address.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DemoLinks {
    /// The organisation the links are for: half way through the open round.
    pub organisation_name: String,
    pub organisation_code: String,
    /// The round the respondent link belongs to, and the closed round the reports cover.
    pub open_round: String,
    pub closed_round: String,
    /// `/respond/{secret}`.
    pub respondent_path: String,
    /// The organisation's benchmark report in the closed round, as HTML and as PDF, through a
    /// share link (no key needed): `/share/{secret}` and `/share/{secret}/report.pdf`.
    pub share_path: String,
    pub share_pdf_path: String,
    /// The same report through the API (with the admin key).
    pub report_path: String,
    pub report_pdf_path: String,
    pub admin_key: String,
    pub researcher_key: String,
}

/// Who is in what state, derived from the options alone, so a re-run finds the same choices.
struct Plan {
    seed: u64,
    orgs: Vec<DemoOrganisation>,
    /// The organisation whose links are printed: half-way through the open round.
    featured: usize,
    /// Each organisation's state in the open round.
    open_stages: Vec<Stage>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Submitted,
    InProgress,
    NotStarted,
}

impl Plan {
    fn new(options: &DemoOptions) -> Plan {
        let orgs = organisations(options.seed, options.organisations);
        let n = orgs.len();
        // A large English acute trust has the largest peer group, so its report says the most.
        let featured = orgs
            .iter()
            .position(|o| o.kind == "acute" && o.country == "England")
            .unwrap_or(0);
        let in_progress = share(n, IN_PROGRESS_SHARE).max(1).min(n);
        let not_started = share(n, NOT_STARTED_SHARE).min(n - in_progress);
        let mut others: Vec<usize> = (0..n).filter(|&i| i != featured).collect();
        others.shuffle(&mut stream(options.seed, "stages"));
        let mut open_stages = vec![Stage::Submitted; n];
        open_stages[featured] = Stage::InProgress;
        for (k, &i) in others.iter().enumerate() {
            if k + 1 < in_progress {
                open_stages[i] = Stage::InProgress;
            } else if k + 1 < in_progress + not_started {
                open_stages[i] = Stage::NotStarted;
            }
        }
        Plan {
            seed: options.seed,
            orgs,
            featured,
            open_stages,
        }
    }

    fn featured(&self) -> &DemoOrganisation {
        &self.orgs[self.featured]
    }
}

fn share(n: usize, fraction: f64) -> usize {
    (n as f64 * fraction).round() as usize
}

/// A random stream for one purpose of the seeding, independent of the generator's streams.
fn stream(seed: u64, purpose: &str) -> ChaCha8Rng {
    let digest = hash_secret(&format!("soundings-demo:{purpose}:{seed}"));
    let word = u64::from_str_radix(&digest[..16], 16).unwrap_or(seed);
    ChaCha8Rng::seed_from_u64(word)
}

/// A demo secret: 40 hex characters derived from the seed, like a random one in form only.
fn derived_secret(seed: u64, what: &str) -> String {
    hash_secret(&format!("soundings-demo:{what}:{seed}"))
        .chars()
        .take(40)
        .collect()
}

fn api_key_secret(seed: u64, role: Role) -> String {
    format!("snd_{}", derived_secret(seed, role.as_str()))
}

/// The secret of the demo's invitation link for organisation `code` in `round` (the load
/// benchmark answers the demo through these links).
pub fn invitation_secret(seed: u64, round: &str, code: &str) -> String {
    derived_secret(seed, &format!("invitation:{round}:{code}"))
}

/// One of the two rounds.
struct RoundSpec {
    code: &'static str,
    name: &'static str,
    index: usize,
    opens: DateTime<Utc>,
    closes: DateTime<Utc>,
    status: &'static str,
}

fn round_specs() -> anyhow::Result<[RoundSpec; 2]> {
    let at = |y, m, d, h| {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .context("a demo date is invalid")
    };
    Ok([
        RoundSpec {
            code: CLOSED_ROUND,
            name: "Demo 2025",
            index: 0,
            opens: at(2025, 1, 6, 9)?,
            closes: at(2025, 3, 31, 17)?,
            status: "closed",
        },
        RoundSpec {
            code: OPEN_ROUND,
            name: "Demo 2026",
            index: 1,
            opens: at(2026, 1, 5, 9)?,
            closes: at(2027, 3, 31, 17)?,
            status: "open",
        },
    ])
}

async fn published_version(db: &Database, definition: &Definition) -> anyhow::Result<i32> {
    let survey = surveys::find(&db.conn, &definition.slug)
        .await?
        .context("the shipped survey was not saved")?;
    let version = i32::try_from(definition.version)?;
    let found = surveys::find_version(&db.conn, survey.id, version)
        .await?
        .context("the shipped survey version was not saved")?;
    Ok(found.id)
}

/// The options of an earlier seeding, if the demo is already in this database.
async fn previous_options(db: &Database) -> anyhow::Result<Option<DemoOptions>> {
    if rounds::find(&db.conn, CLOSED_ROUND).await?.is_none() {
        return Ok(None);
    }
    let (events, _) = audit::list(&db.conn, Some(SEEDED), None, 0, 1).await?;
    let details: Option<serde_json::Value> = events
        .first()
        .and_then(|e| serde_json::from_str(&e.details).ok());
    let seed = details.as_ref().and_then(|d| d["seed"].as_u64());
    let count = details.as_ref().and_then(|d| d["organisations"].as_u64());
    match (seed, count) {
        (Some(seed), Some(count)) => Ok(Some(DemoOptions {
            seed,
            organisations: usize::try_from(count)?,
        })),
        _ => bail!(
            "round {CLOSED_ROUND} exists but was not made by `soundings demo`; \
             run the demo on a database of its own (e.g. DATABASE_URL=sqlite://soundings-demo.sqlite?mode=rwc)"
        ),
    }
}

/// Writes organisations, both rounds with their invitations, responses, answers and scores, and
/// the audit record, in one transaction.
async fn write_demo(
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
        status: Set(spec.status.to_owned()),
        created_at: Set(spec.opens - Duration::days(14)),
        updated_at: Set(if spec.status == "closed" {
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
                    "submitted"
                } else {
                    "in_progress"
                }
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

/// Makes sure the demo's keys, the featured organisation's respondent link and its report's share
/// link exist and work (someone may have revoked one while trying the platform out), and returns
/// the links.
async fn ensure_access(
    db: &Database,
    plan: &Plan,
    notes: &mut Vec<String>,
) -> anyhow::Result<DemoLinks> {
    let conn = &db.conn;
    let admin_key = api_key_secret(plan.seed, Role::Admin);
    let researcher_key = api_key_secret(plan.seed, Role::Researcher);
    ensure_key(
        conn,
        "Demo admin (public, demo only)",
        Role::Admin,
        &admin_key,
        notes,
    )
    .await?;
    ensure_key(
        conn,
        "Demo researcher (public, demo only)",
        Role::Researcher,
        &researcher_key,
        notes,
    )
    .await?;
    let featured = plan.featured();
    let org = org_store::find_by_code(conn, &featured.code)
        .await?
        .with_context(|| format!("demo organisation {} is missing", featured.code))?;
    let open = rounds::find(conn, OPEN_ROUND)
        .await?
        .with_context(|| format!("round {OPEN_ROUND} is missing"))?;
    let secret = invitation_secret(plan.seed, OPEN_ROUND, &featured.code);
    ensure_invitation(conn, &open, org.id, &secret, notes).await?;
    let closed = rounds::find(conn, CLOSED_ROUND)
        .await?
        .with_context(|| format!("round {CLOSED_ROUND} is missing"))?;
    let share = derived_secret(
        plan.seed,
        &format!("share:{CLOSED_ROUND}:{}", featured.code),
    );
    ensure_share(conn, &closed, org.id, &share, notes).await?;
    let report = format!(
        "/api/v1/rounds/{CLOSED_ROUND}/organisations/{}/report",
        featured.code
    );
    Ok(DemoLinks {
        organisation_name: org.name,
        organisation_code: org.code,
        open_round: OPEN_ROUND.to_owned(),
        closed_round: CLOSED_ROUND.to_owned(),
        respondent_path: format!("/respond/{secret}"),
        share_path: format!("/share/{share}"),
        share_pdf_path: format!("/share/{share}/report.pdf"),
        report_pdf_path: format!("{report}.pdf"),
        report_path: report,
        admin_key,
        researcher_key,
    })
}

async fn ensure_key(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
    secret: &str,
    notes: &mut Vec<String>,
) -> anyhow::Result<()> {
    let hash = hash_secret(secret);
    let found = api_key::Entity::find()
        .filter(api_key::Column::SecretHash.eq(hash.as_str()))
        .one(db)
        .await?;
    match found {
        None => {
            api_key::ActiveModel {
                name: Set(name.to_owned()),
                role: Set(role.as_str().to_owned()),
                prefix: Set(secret.chars().take(12).collect()),
                secret_hash: Set(hash),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await
            .map_err(DbError::classify)?;
        }
        Some(key) if key.revoked_at.is_some() => {
            notes.push(format!(
                "The demo {role} key {} was revoked; it works again.",
                key.prefix
            ));
            let mut active: api_key::ActiveModel = key.into();
            active.revoked_at = Set(None);
            active.update(db).await.map_err(DbError::classify)?;
        }
        Some(_) => {}
    }
    Ok(())
}

async fn ensure_invitation(
    db: &impl ConnectionTrait,
    round: &round::Model,
    organisation_id: i32,
    secret: &str,
    notes: &mut Vec<String>,
) -> anyhow::Result<()> {
    let hash = hash_secret(secret);
    let found = invitation::Entity::find()
        .filter(invitation::Column::SecretHash.eq(hash.as_str()))
        .one(db)
        .await?;
    match found {
        None => {
            invitation::ActiveModel {
                round_id: Set(round.id),
                organisation_id: Set(organisation_id),
                secret_hash: Set(hash),
                created_at: Set(Utc::now()),
                revoked_at: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await
            .map_err(DbError::classify)?;
            notes.push("The demo respondent link was missing; it has been added again.".to_owned());
        }
        Some(found) if found.revoked_at.is_some() => {
            let mut active: invitation::ActiveModel = found.into();
            active.revoked_at = Set(None);
            active.update(db).await.map_err(DbError::classify)?;
            notes.push("The demo respondent link was revoked; it works again.".to_owned());
        }
        Some(_) => {}
    }
    Ok(())
}

/// Shares made by the demo last a year from when they were made or last restored.
const SHARE_DAYS: i64 = 365;

async fn ensure_share(
    db: &impl ConnectionTrait,
    round: &round::Model,
    organisation_id: i32,
    secret: &str,
    notes: &mut Vec<String>,
) -> anyhow::Result<()> {
    let hash = hash_secret(secret);
    let found = report_share::Entity::find()
        .filter(report_share::Column::SecretHash.eq(hash.as_str()))
        .one(db)
        .await?;
    let now = Utc::now();
    match found {
        None => {
            report_share::ActiveModel {
                round_id: Set(round.id),
                organisation_id: Set(organisation_id),
                secret_hash: Set(hash),
                created_by: Set("demo".to_owned()),
                created_at: Set(now),
                expires_at: Set(now + Duration::days(SHARE_DAYS)),
                revoked_at: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await
            .map_err(DbError::classify)?;
        }
        Some(found) if found.revoked_at.is_some() || found.expires_at <= now => {
            let mut active: report_share::ActiveModel = found.into();
            active.revoked_at = Set(None);
            active.expires_at = Set(now + Duration::days(SHARE_DAYS));
            active.update(db).await.map_err(DbError::classify)?;
            notes.push(
                "The demo report's share link had stopped working; it works again.".to_owned(),
            );
        }
        Some(_) => {}
    }
    Ok(())
}

/// A round's invitations and responses by state, and its mean overall score.
async fn round_counts(db: &impl ConnectionTrait, code: &str) -> anyhow::Result<RoundCounts> {
    let found = rounds::find(db, code)
        .await?
        .with_context(|| format!("round {code} is missing"))?;
    let invited = invitation::Entity::find()
        .filter(invitation::Column::RoundId.eq(found.id))
        .filter(invitation::Column::RevokedAt.is_null())
        .select_only()
        .column(invitation::Column::OrganisationId)
        .distinct()
        .count(db)
        .await?;
    let with_status = |status: &'static str| {
        response::Entity::find()
            .filter(response::Column::RoundId.eq(found.id))
            .filter(response::Column::Status.eq(status))
            .count(db)
    };
    let submitted = with_status("submitted").await?;
    let in_progress = with_status("in_progress").await?;
    let overall: Vec<f64> = score::Entity::find()
        .filter(score::Column::RoundId.eq(found.id))
        .filter(score::Column::Dimension.eq(OVERALL))
        .select_only()
        .column(score::Column::Score)
        .into_tuple()
        .all(db)
        .await?;
    let mean_overall =
        (!overall.is_empty()).then(|| overall.iter().sum::<f64>() / overall.len() as f64);
    Ok(RoundCounts {
        code: found.code,
        status: found.status,
        invited,
        submitted,
        in_progress,
        not_started: invited.saturating_sub(submitted + in_progress),
        mean_overall,
    })
}
