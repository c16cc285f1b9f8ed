//! Fresh databases for one run: a throwaway PostgreSQL cluster with production durability (fsync
//! on), or a SQLite file in a temporary folder; the demo seeded into it; and what the load needs
//! to know about the seeded data (links, answers, keys), derived from the demo's public seed.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{TimeZone, Utc};
use entity::{organisation, response, round};
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database as SeaDatabase, DbBackend, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use soundings::app::config::DatabaseSettings;
use soundings::demo::seed::{DemoOptions, OPEN_ROUND, invitation_secret, seed};
use soundings::demo::{organisations, responses};
use soundings::domain::answers::Answers;
use soundings::domain::definition::Definition;
use soundings::store::{Database, surveys};
use soundings::testing::postgres::{Durability, PgCluster};

/// The demo's seed: its links and keys follow from it.
pub const SEED: u64 = 1;
/// The round the raw-database baseline writes into, so that it never touches the demo's rounds.
pub const BASELINE_ROUND: &str = "bench-raw";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// A database made for this run, removed when dropped.
pub struct BenchDb {
    pub url: String,
    /// Kept alive for the run; dropping it stops the cluster and deletes its files.
    _cluster: Option<PgCluster>,
}

impl BenchDb {
    pub async fn create(backend: Backend, dir: &Path) -> anyhow::Result<Self> {
        match backend {
            Backend::Sqlite => Ok(BenchDb {
                url: format!(
                    "sqlite://{}?mode=rwc",
                    dir.join("soundings-bench.sqlite").display()
                ),
                _cluster: None,
            }),
            Backend::Postgres => {
                let cluster = PgCluster::start_with(Durability::On)
                    .map_err(|e| anyhow::anyhow!("cannot start PostgreSQL: {e}"))?;
                let admin = SeaDatabase::connect(cluster.admin_url()).await?;
                admin
                    .execute_unprepared("CREATE DATABASE soundings_bench")
                    .await?;
                admin.close().await?;
                Ok(BenchDb {
                    url: cluster.url_for("soundings_bench"),
                    _cluster: Some(cluster),
                })
            }
        }
    }

    pub async fn connect(&self) -> anyhow::Result<Database> {
        Ok(Database::connect(&DatabaseSettings::new(&self.url)).await?)
    }
}

/// Brings the database to rest after the bulk writes of seeding, as an operator would after
/// a bulk load, so the first measurement does not pay for them: SQLite copies its write-ahead
/// log into the database file; PostgreSQL writes a checkpoint and refreshes the planner's
/// statistics.
pub async fn settle(db: &Database) -> anyhow::Result<()> {
    let statements: &[&str] = match db.backend() {
        DbBackend::Sqlite => &["PRAGMA wal_checkpoint(TRUNCATE)"],
        _ => &["CHECKPOINT", "ANALYZE"],
    };
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

/// An organisation of the open round that has not submitted yet, with the complete answers the
/// load will send for it.
pub struct Pending {
    pub organisation_id: i32,
    pub secret: String,
    /// The response's revision before the load (0: not started).
    pub revision: i32,
    pub answers: Answers,
}

/// What the load needs to know about the seeded database.
pub struct Fixture {
    pub admin_key: String,
    pub researcher_key: String,
    pub definition: Definition,
    pub pending: Vec<Pending>,
    /// Links and codes of organisations that had submitted in the open round before the load.
    pub submitted: Vec<(String, String)>,
    pub seed_time: Duration,
}

/// Seeds the demo (both rounds) with `organisations` fictional organisations.
pub async fn seed_demo(db: &Database, organisations_count: usize) -> anyhow::Result<Fixture> {
    let started = Instant::now();
    let options = DemoOptions {
        seed: SEED,
        organisations: organisations_count,
    };
    let summary = seed(db, &options, &|_| {}).await?;
    anyhow::ensure!(summary.seeded, "the benchmark database was not empty");
    let seed_time = started.elapsed();

    let open = round::Entity::find()
        .filter(round::Column::Code.eq(OPEN_ROUND))
        .one(db)
        .await?
        .context("the open round is missing")?;
    let version = surveys::find_version_by_id(db, open.survey_version_id)
        .await?
        .context("the open round's survey version is missing")?;
    let definition = surveys::definition_of(&version)?;
    let orgs = organisations(SEED, organisations_count);
    let complete = responses(SEED, &definition, &orgs, 1);
    let ids: HashMap<String, i32> = organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Code)
        .column(organisation::Column::Id)
        .into_tuple::<(String, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let states: HashMap<i32, (String, i32)> = response::Entity::find()
        .select_only()
        .column(response::Column::OrganisationId)
        .column(response::Column::Status)
        .column(response::Column::Revision)
        .filter(response::Column::RoundId.eq(open.id))
        .into_tuple::<(i32, String, i32)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(org, status, revision)| (org, (status, revision)))
        .collect();

    let mut pending = Vec::new();
    let mut submitted = Vec::new();
    for (org, done) in orgs.iter().zip(complete) {
        let id = *ids
            .get(&org.code)
            .context("a seeded organisation is missing")?;
        let secret = invitation_secret(SEED, OPEN_ROUND, &org.code);
        match states.get(&id) {
            Some((status, _)) if status == "submitted" => {
                submitted.push((org.code.clone(), secret));
            }
            state => pending.push(Pending {
                organisation_id: id,
                secret,
                revision: state.map_or(0, |(_, revision)| *revision),
                answers: done.answers,
            }),
        }
    }
    Ok(Fixture {
        admin_key: summary.links.admin_key,
        researcher_key: summary.links.researcher_key,
        definition,
        pending,
        submitted,
        seed_time,
    })
}

/// A round of its own for the raw-database baseline, with an in-progress response (no answers
/// yet) for each pending organisation: the baseline then writes what a submission writes, straight
/// to the database. It opens after the demo's rounds, so it is no round's "previous round".
/// Returns the response ids, in the order of `pending`.
pub async fn baseline_round(db: &Database, pending: &[Pending]) -> anyhow::Result<Vec<i32>> {
    let open = round::Entity::find()
        .filter(round::Column::Code.eq(OPEN_ROUND))
        .one(db)
        .await?
        .context("the open round is missing")?;
    let opens = Utc
        .with_ymd_and_hms(2026, 6, 1, 9, 0, 0)
        .single()
        .context("bad date")?;
    let created = round::Entity::insert(round::ActiveModel {
        survey_id: Set(open.survey_id),
        survey_version_id: Set(open.survey_version_id),
        code: Set(BASELINE_ROUND.to_owned()),
        name: Set("Benchmark baseline".to_owned()),
        opens_at: Set(opens),
        closes_at: Set(open.closes_at),
        status: Set("open".to_owned()),
        created_at: Set(opens),
        updated_at: Set(opens),
        ..Default::default()
    })
    .exec(db)
    .await?;
    let round_id = created.last_insert_id;
    let now = Utc::now();
    for chunk in pending.chunks(500) {
        response::Entity::insert_many(chunk.iter().map(|p| response::ActiveModel {
            round_id: Set(round_id),
            organisation_id: Set(p.organisation_id),
            status: Set("in_progress".to_owned()),
            revision: Set(1),
            started_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(db)
        .await?;
    }
    let ids: HashMap<i32, i32> = response::Entity::find()
        .select_only()
        .column(response::Column::OrganisationId)
        .column(response::Column::Id)
        .filter(response::Column::RoundId.eq(round_id))
        .into_tuple::<(i32, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    pending
        .iter()
        .map(|p| {
            ids.get(&p.organisation_id)
                .copied()
                .context("a baseline response is missing")
        })
        .collect()
}
