//! The demo's data as the seeding writes it: the fictional organisations, who has answered what
//! in each round, and the keys and links, whose secrets follow from the seed so that they still
//! work when `soundings demo` runs again. Pure: [`seed`] hands it to `service::demo`, which
//! writes it (see there for what a run does to a database).
//!
//! `participation` makes each organisation's part in a round: its answers and their times.

use anyhow::ensure;
use chrono::{DateTime, TimeZone, Utc};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::sync::{Arc, Mutex, PoisonError};

use super::{DemoOrganisation, contact, organisations};
use crate::domain::definition::Definition;
use crate::domain::mail::ContactInput;
use crate::domain::organisation::OrganisationInput;
use crate::domain::role::Role;
use crate::domain::round::RoundStatus;
use crate::domain::secret::hash_secret;
use crate::service::database::Database;
use crate::service::demo::{Access, Fiction, Participation, RoundSpec};

mod participation;

pub use crate::service::demo::{DemoLinks, DemoOptions, DemoSummary, Progress, RoundCounts};

/// The round everyone answered, a year ago, and the round open now.
pub const CLOSED_ROUND: &str = "demo-2025";
pub const OPEN_ROUND: &str = "demo-2026";
/// Shares of organisations in the open round that are still answering, or have not started.
const IN_PROGRESS_SHARE: f64 = 0.08;
const NOT_STARTED_SHARE: f64 = 0.07;

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
    Ok(crate::service::demo::seed(db, options, &Demo::default(), progress).await?)
}

/// The demo's fiction, for `service::demo` to write. The seeding asks for it step by step with
/// the same options, so the plan for the options last asked about is kept rather than made
/// again at every step.
#[derive(Default)]
struct Demo {
    plan: Mutex<Option<(DemoOptions, Arc<Plan>)>>,
}

impl Demo {
    fn plan(&self, options: &DemoOptions) -> Arc<Plan> {
        let mut kept = self.plan.lock().unwrap_or_else(PoisonError::into_inner);
        match &*kept {
            Some((made_for, plan)) if made_for == options => plan.clone(),
            _ => {
                let plan = Arc::new(Plan::new(options));
                *kept = Some((options.clone(), plan.clone()));
                plan
            }
        }
    }
}

impl Fiction for Demo {
    fn rounds(&self) -> Vec<RoundSpec> {
        round_specs().into()
    }

    fn organisations(&self, options: &DemoOptions) -> Result<Vec<OrganisationInput>, String> {
        self.plan(options)
            .orgs
            .iter()
            .map(|o| {
                OrganisationInput::parse(o.as_raw())
                    .map_err(|e| format!("generated organisation {} is invalid: {e:?}", o.code))
            })
            .collect()
    }

    fn contacts(&self, options: &DemoOptions) -> Result<Vec<ContactInput>, String> {
        self.plan(options)
            .orgs
            .iter()
            .map(|o| {
                let c = contact(options.seed, o);
                ContactInput::parse(&c.email, Some(&c.name), Some(c.role))
                    .map_err(|e| format!("generated contact {} is invalid: {e:?}", c.email))
            })
            .collect()
    }

    fn participation(
        &self,
        options: &DemoOptions,
        definition: &Definition,
        round: &RoundSpec,
        now: DateTime<Utc>,
    ) -> Vec<Participation> {
        participation::participation(&self.plan(options), definition, round, now)
    }

    fn access(&self, options: &DemoOptions) -> Access {
        let plan = self.plan(options);
        let code = &plan.featured().code;
        Access {
            admin_key: api_key_secret(plan.seed, Role::Admin),
            researcher_key: api_key_secret(plan.seed, Role::Researcher),
            organisation_code: code.clone(),
            open_round: OPEN_ROUND,
            invitation_secret: invitation_secret(plan.seed, OPEN_ROUND, code),
            closed_round: CLOSED_ROUND,
            share_secret: derived_secret(plan.seed, &format!("share:{CLOSED_ROUND}:{code}")),
        }
    }
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

/// The two rounds, oldest first.
fn round_specs() -> [RoundSpec; 2] {
    // Literal dates, every one of which exists (each demo test would fail at once otherwise).
    let at = |y, m, d, h| {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .expect("a demo date is valid")
    };
    [
        RoundSpec {
            code: CLOSED_ROUND,
            name: "Demo 2025",
            index: 0,
            opens: at(2025, 1, 6, 9),
            closes: at(2025, 3, 31, 17),
            status: RoundStatus::Closed,
        },
        RoundSpec {
            code: OPEN_ROUND,
            name: "Demo 2026",
            index: 1,
            opens: at(2026, 1, 5, 9),
            closes: at(2027, 3, 31, 17),
            status: RoundStatus::Open,
        },
    ]
}
