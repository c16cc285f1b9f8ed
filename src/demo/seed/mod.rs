//! Puts the demo into a database: the shipped instrument, fictional organisations, a closed round
//! that everyone answered and an open one that is partly answered, and keys and a respondent link
//! whose secrets follow from the seed, so that they still work when `soundings demo` runs again.
//!
//! Everything is written in one transaction with batched inserts, so a failed run leaves nothing
//! behind and 10,000 organisations stay feasible. The demo's secrets are public by design: a
//! demo database must never hold real data, and seeding refuses a database that already holds
//! organisations of its own.
//!
//! `write` puts the data in on the first run; `access` makes the keys and links work on every run.

use crate::domain::response::ResponseStatus;
use crate::domain::round::RoundStatus;
use anyhow::{Context, bail, ensure};
use chrono::{DateTime, TimeZone, Utc};
use entity::{answer, invitation, organisation, response, score};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use super::{DemoOrganisation, organisations};
use crate::domain::definition::{Definition, Format};
use crate::domain::role::Role;
use crate::domain::secret::hash_secret;
use crate::service::surveys::{SHIPPED_INSTRUMENT, import_definition};
use crate::store::responses::OVERALL;
use crate::store::{Database, audit, rounds, surveys};

mod access;
mod write;

use access::ensure_access;
use write::write_demo;

/// The round everyone answered, a year ago, and the round open now.
pub const CLOSED_ROUND: &str = "demo-2025";
pub const OPEN_ROUND: &str = "demo-2026";
/// The audit action that records a seeding, with its seed and size (read back on re-runs).
const SEEDED: &str = "demo.seed";
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
    status: RoundStatus,
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
            status: RoundStatus::Closed,
        },
        RoundSpec {
            code: OPEN_ROUND,
            name: "Demo 2026",
            index: 1,
            opens: at(2026, 1, 5, 9)?,
            closes: at(2027, 3, 31, 17)?,
            status: RoundStatus::Open,
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
    let with_status = |status: ResponseStatus| {
        response::Entity::find()
            .filter(response::Column::RoundId.eq(found.id))
            .filter(response::Column::Status.eq(status.as_str()))
            .count(db)
    };
    let submitted = with_status(ResponseStatus::Submitted).await?;
    let in_progress = with_status(ResponseStatus::InProgress).await?;
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
