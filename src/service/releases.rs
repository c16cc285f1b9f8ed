//! Releases (issue 28): an admin publishes a closed round's results as a frozen, numbered
//! release; every output derived from a released round's answers reads its latest release
//! (`service::benchmarks`), so nothing done afterwards (a reopen and an amendment, an edit of an
//! organisation's attributes) moves what was published. A further release is checked against
//! the round's earlier ones as a round is checked against earlier rounds, and refused when the
//! difference would single out 1 to k − 1 organisations.

use super::records::{Release, Round};
use super::{ServiceError, ServiceResult, Services, record};
use crate::domain::disclosure::releases::{Covered, check_release};
use crate::domain::peers::Threshold;
use crate::domain::round::RoundStatus;
use crate::store::benchmarks::{self, Submitted};
use crate::store::releases::{self, NewRelease};
use crate::store::{Database, respondents, rounds};
use serde_json::json;

/// Makes the next release of the closed round `code` from its submitted responses as they are
/// now. Refused (409) while the round is not closed, and when the change since an earlier
/// release of the round would reveal a few organisations (the reason names the group).
pub async fn make(services: &Services, actor: &str, code: &str) -> ServiceResult<Release> {
    let found = super::rounds::find(services, code).await?;
    release_round(&services.db, services.threshold(), actor, &found).await
}

/// [`make`] on a database, under threshold `k`: also how the demo releases its closed round.
pub(crate) async fn release_round(
    db: &Database,
    k: Threshold,
    actor: &str,
    found: &Round,
) -> ServiceResult<Release> {
    let code = &found.code;
    let tx = db.begin_write().await?;
    // Held until the release is stored: the round cannot reopen meanwhile.
    let round = rounds::lock(&*tx, found.id)
        .await?
        .ok_or_else(|| ServiceError::not_found(format!("There is no round {code}.")))?;
    let status = rounds::status(&round)?;
    if status != RoundStatus::Closed {
        return Err(ServiceError::conflict(format!(
            "Round {code} is {}: close it before releasing its results.",
            status.as_str()
        )));
    }
    let submitted = benchmarks::submitted(&*tx, round.id).await?;
    let mut answers = benchmarks::answers_of(
        &*tx,
        &submitted.iter().map(|s| s.response_id).collect::<Vec<_>>(),
    )
    .await?;
    let responses: Vec<(Submitted, _)> = submitted
        .into_iter()
        .map(|s| {
            let given = answers.remove(&s.response_id).unwrap_or_default();
            (s, given)
        })
        .collect();
    let covered: Vec<Covered> = responses
        .iter()
        .map(|(s, _)| Covered {
            organisation_id: s.organisation_id,
            revision: s.revision,
            attributes: s.attributes.clone(),
        })
        .collect();
    let mut earlier = Vec::new();
    for before in releases::of_round(&*tx, round.id).await? {
        earlier.push((before.number, releases::covered(&*tx, before.id).await?));
    }
    if let Err(refused) = check_release(&covered, &earlier, k) {
        return Err(ServiceError::conflict(format!(
            "Round {code} cannot be released again yet. {}",
            refused.reason(k)
        )));
    }
    // The snapshot of this release is made against the latest release of each earlier round.
    let earlier_rounds: Vec<i32> = respondents::earlier_rounds(&*tx, &round)
        .await?
        .iter()
        .map(|r| r.id)
        .collect();
    let latest = releases::latest_of(&*tx, &earlier_rounds).await?;
    let earlier_releases: Vec<i32> = earlier_rounds
        .iter()
        .filter_map(|id| latest.get(id).copied())
        .collect();
    let made = releases::insert(
        &*tx,
        NewRelease {
            round_id: round.id,
            made_by: actor,
            threshold: k.0,
            earlier: &earlier_releases,
            responses: &responses,
        },
    )
    .await?;
    record(
        &*tx,
        actor,
        "release.make",
        code,
        json!({ "number": made.number, "respondents": made.respondents, "digest": made.digest }),
    )
    .await?;
    tx.commit().await?;
    Ok(made)
}

/// The releases of round `code`, oldest first.
pub async fn list(services: &Services, code: &str) -> ServiceResult<(Round, Vec<Release>)> {
    let round = super::rounds::find(services, code).await?;
    let made = releases::of_round(&services.db, round.id).await?;
    Ok((round, made))
}
