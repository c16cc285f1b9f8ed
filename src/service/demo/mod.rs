//! Seeding the demo: the shipped instrument, fictional organisations, a closed round that everyone
//! answered and an open one that is partly answered, and keys and a respondent link whose secrets
//! follow from the seed, so that they still work when `soundings demo` runs again.
//!
//! The data itself is made by `crate::demo` (pure), through [`Fiction`]; this module writes it.
//! Everything is written in one transaction with batched inserts, so a failed run leaves nothing
//! behind and 100,000 organisations stay feasible. The demo's secrets are public by design: a
//! demo database must never hold real data, and seeding refuses a database that already holds
//! organisations of its own.
//!
//! `write` puts the data in on the first run; `access` makes the keys and links work on every run.

mod access;
mod mail;
mod write;

use super::surveys::{SHIPPED_INSTRUMENT, import_definition};
use super::{ServiceError, ServiceResult};
use crate::domain::answers::Answers;
use crate::domain::definition::{Definition, Format};
use crate::domain::mail::ContactInput;
use crate::domain::organisation::OrganisationInput;
use crate::domain::response::ResponseStatus;
use crate::domain::round::RoundStatus;
use crate::store::responses::OVERALL;
use crate::store::{Database, audit, demo, rounds, surveys};
use chrono::{DateTime, Utc};

/// The audit action that records a seeding, with its seed and size (read back on re-runs).
const SEEDED: &str = "demo.seed";
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

/// What the landing page and the command line show of a demo (`soundings demo` fills it in). The keys and links are public by
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

/// One of the demo's rounds, written in its final state.
pub struct RoundSpec {
    pub code: &'static str,
    pub name: &'static str,
    /// 0 for the first year, 1 a year later.
    pub index: usize,
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
    pub status: RoundStatus,
}

/// One organisation's part in a round: its invitation, and its response unless it has not
/// started.
pub struct Participation {
    /// The secret of its invitation link (derived from the seed, so a re-run finds it again).
    pub invitation_secret: String,
    pub response: Option<StartedResponse>,
}

/// A response as its respondent left it: submitted when `submitted_at` is set, else in progress.
pub struct StartedResponse {
    pub answers: Answers,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// The secrets that must work after every run, and what they belong to.
pub struct Access {
    pub admin_key: String,
    pub researcher_key: String,
    /// The organisation whose links are printed.
    pub organisation_code: String,
    /// Its invitation to `open_round`, and its report's share link in `closed_round`.
    pub open_round: &'static str,
    pub invitation_secret: String,
    pub closed_round: &'static str,
    pub share_secret: String,
}

/// The fictional data the seeding writes, made by `crate::demo`. Pure: the same options give the
/// same data, which is how a re-run finds the same keys and links. A round's part is asked for
/// one round at a time, so that 100,000 organisations' answers in two rounds are never all held
/// at once.
pub trait Fiction: Sync {
    /// The rounds, oldest first. A database holds the demo when it holds the first one.
    fn rounds(&self) -> Vec<RoundSpec>;
    /// The organisations, in the order [`Fiction::participation`] follows (or why one is invalid).
    fn organisations(&self, options: &DemoOptions) -> Result<Vec<OrganisationInput>, String>;
    /// Each organisation's contact, in the same order (or why one is invalid).
    fn contacts(&self, options: &DemoOptions) -> Result<Vec<ContactInput>, String>;
    /// Each organisation's part in `round`, as things stand at `now`.
    fn participation(
        &self,
        options: &DemoOptions,
        definition: &Definition,
        round: &RoundSpec,
        now: DateTime<Utc>,
    ) -> Vec<Participation>;
    /// The keys and links that must work.
    fn access(&self, options: &DemoOptions) -> Access;
}

/// Seeds the demo unless it is already there, then makes sure its keys and respondent link work.
pub async fn seed(
    db: &Database,
    options: &DemoOptions,
    fiction: &dyn Fiction,
    progress: &dyn Fn(Progress<'_>),
) -> ServiceResult<DemoSummary> {
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
    let definition = Definition::parse(SHIPPED_INSTRUMENT, Format::Yaml).map_err(|e| {
        ServiceError::internal(format!("the shipped instrument does not parse: {e:?}"))
    })?;
    import_definition(db, &definition, true).await?;
    let version_id = published_version(db, &definition).await?;
    report(1, "Survey", 1, 1);

    let rounds = fiction.rounds();
    let mut notes = Vec::new();
    let (used, seeded) = match previous_options(db, &rounds).await? {
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
            write::write_demo(
                db,
                fiction,
                &definition,
                version_id,
                &rounds,
                options,
                &report,
            )
            .await?;
            (options.clone(), true)
        }
    };
    release_closed_rounds(db, &rounds).await?;
    report(5, "Keys and links", 0, 1);
    let links = access::ensure_access(db, &fiction.access(&used), &mut notes).await?;
    report(5, "Keys and links", 1, 1);
    let mut counts = Vec::with_capacity(rounds.len());
    for spec in &rounds {
        counts.push(round_counts(db, spec.code).await?);
    }
    Ok(DemoSummary {
        seeded,
        options: used,
        organisations: demo::count_organisations(db).await?,
        answers: demo::count_answers(db).await?,
        rounds: counts,
        links,
        notes,
    })
}

/// Releases each closed round of the demo that has no release yet (issue 28: a closed round's
/// results are read from its release), as an operator would after closing it. A demo made
/// before releases existed gets its release on the next run. Made under the default threshold;
/// a server started with another reads the release as it was made.
async fn release_closed_rounds(db: &Database, rounds: &[RoundSpec]) -> ServiceResult<()> {
    let k = crate::domain::peers::Threshold::DEFAULT;
    for spec in rounds.iter().filter(|r| r.status == RoundStatus::Closed) {
        let round = rounds::find(db, spec.code)
            .await?
            .ok_or_else(|| ServiceError::internal(format!("round {} is missing", spec.code)))?;
        // A demo round someone reopened since is theirs to release again when they close it.
        let closed = rounds::status(&round)? == RoundStatus::Closed;
        if closed
            && crate::store::releases::latest(db, round.id)
                .await?
                .is_none()
        {
            super::releases::release_round(db, k, "demo", &round).await?;
        }
    }
    Ok(())
}

async fn published_version(db: &Database, definition: &Definition) -> ServiceResult<i32> {
    let survey = surveys::find(db, &definition.slug)
        .await?
        .ok_or_else(|| ServiceError::internal("the shipped survey was not saved"))?;
    let version = i32::try_from(definition.version).map_err(ServiceError::internal)?;
    let found = surveys::find_version(db, survey.id, version)
        .await?
        .ok_or_else(|| ServiceError::internal("the shipped survey version was not saved"))?;
    Ok(found.id)
}

/// The options of an earlier seeding, if the demo is already in this database.
async fn previous_options(
    db: &Database,
    rounds: &[RoundSpec],
) -> ServiceResult<Option<DemoOptions>> {
    let Some(first) = rounds.first() else {
        return Ok(None);
    };
    if rounds::find(db, first.code).await?.is_none() {
        return Ok(None);
    }
    let (events, _) = audit::list(
        db,
        &audit::EventFilter {
            action: Some(SEEDED),
            ..Default::default()
        },
        0,
        1,
    )
    .await?;
    let details: Option<serde_json::Value> = events
        .first()
        .and_then(|e| serde_json::from_str(&e.details).ok());
    let seed = details.as_ref().and_then(|d| d["seed"].as_u64());
    let count = details.as_ref().and_then(|d| d["organisations"].as_u64());
    match (seed, count) {
        (Some(seed), Some(count)) => Ok(Some(DemoOptions {
            seed,
            organisations: usize::try_from(count).map_err(ServiceError::internal)?,
        })),
        _ => Err(ServiceError::conflict(format!(
            "round {} exists but was not made by `soundings demo`; \
             run the demo on a database of its own (e.g. DATABASE_URL=sqlite://soundings-demo.sqlite?mode=rwc)",
            first.code
        ))),
    }
}

/// A round's invitations and responses by state, and its mean overall score.
async fn round_counts(db: &Database, code: &str) -> ServiceResult<RoundCounts> {
    let conn = db;
    let found = rounds::find(conn, code)
        .await?
        .ok_or_else(|| ServiceError::internal(format!("round {code} is missing")))?;
    let invited = demo::count_invited(conn, found.id).await?;
    let submitted = demo::count_responses(conn, found.id, ResponseStatus::Submitted).await?;
    let in_progress = demo::count_responses(conn, found.id, ResponseStatus::InProgress).await?;
    let overall = demo::dimension_scores(conn, found.id, OVERALL).await?;
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
