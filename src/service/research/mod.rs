//! Researchers' reads about a round or a survey: progress, statistics and option distributions
//! by any peer grouping, trends across rounds, the disclosure summary, and (in [`exports`])
//! response-level rows under pseudonyms. Every figure comes from the round's disclosure snapshot
//! ([`super::benchmarks::published`]); these functions return the figures as published, and the
//! front ends only shape them (JSON, CSV).

mod exports;

pub use exports::{AnswerExport, AnswerOptions, AnswerRecord, ScoreRecord, answers, scores};

use super::benchmarks::{Distributions, live_round_data, published, round_data};
use super::records::Round;
use super::{ServiceError, ServiceResult, Services};
use crate::domain::benchmark::GroupDimension;
use crate::domain::disclosure::Summary;
use crate::domain::peers::{Disclosed, GroupKey, Grouping, OrgAttributes};
use crate::store::{progress, rounds, surveys};
use std::collections::HashSet;
use std::sync::Arc;

/// One group's progress in a round, as it may be published.
pub struct GroupProgress {
    pub group: GroupKey,
    /// Organisations invited (withheld for a group of fewer than k).
    pub invited: Disclosed<usize>,
    /// Who started and who submitted: published only where the round's snapshot publishes the
    /// group's respondents.
    pub responded: Disclosed<Responded>,
    /// submitted / invited, where `responded` is published.
    pub response_rate: Option<f64>,
}

/// How many of a group's invited organisations saved at least once, and how many submitted.
#[derive(Clone, Copy, Debug)]
pub struct Responded {
    pub started: usize,
    pub submitted: usize,
}

/// A round's progress by `grouping`, one entry per group of invited organisations.
pub async fn progress(
    services: &Services,
    code: &str,
    grouping: &Grouping,
) -> ServiceResult<Vec<GroupProgress>> {
    let round = super::rounds::find(services, code).await?;
    let conn = &services.db;
    let progress = progress::progress(conn, round.id).await?;
    let attributes = progress::attributes(conn, &progress.invited).await?;
    let ids: Vec<i32> = progress.invited.iter().copied().collect();
    let population: Vec<OrgAttributes> = ids
        .iter()
        .filter_map(|id| attributes.get(id).cloned())
        .collect();
    let k = services.threshold();
    // Who responded is published only where the snapshot of the round as it is now publishes
    // the group: participation is live, whether or not the round has been released.
    let data = live_round_data(services, &round).await?;
    let published = published(services, &data).await?;
    let groups = grouping
        .partition(&population)
        .into_iter()
        .map(|(key, members)| {
            let invited = members.len();
            let count =
                |set: &HashSet<i32>| members.iter().filter(|&&i| set.contains(&ids[i])).count();
            let responded = Responded {
                started: count(&progress.started),
                submitted: count(&progress.submitted),
            };
            // A group of fewer than k invited has fewer than k respondents, which the snapshot
            // withholds (primary) too.
            let verdict = published.snapshot.verdict(grouping, &key);
            let responded = verdict.disclose(k, || responded);
            GroupProgress {
                invited: k.disclose(invited, || invited),
                response_rate: responded.value.map(|r| r.submitted as f64 / invited as f64),
                responded,
                group: key,
            }
        })
        .collect();
    Ok(groups)
}

/// Statistics of every group of `grouping` for every dimension (and overall) in a round.
pub async fn statistics(
    services: &Services,
    code: &str,
    grouping: &Grouping,
) -> ServiceResult<Arc<Vec<GroupDimension>>> {
    let round = super::rounds::find(services, code).await?;
    let data = round_data(services, &round).await?;
    Ok(published(services, &data)
        .await?
        .statistics(&data, grouping))
}

/// The option counts of every group of `grouping` for every choice question of a round.
pub async fn distributions(
    services: &Services,
    code: &str,
    grouping: &Grouping,
) -> ServiceResult<Distributions> {
    let round = super::rounds::find(services, code).await?;
    let data = round_data(services, &round).await?;
    let published = published(services, &data).await?;
    Ok(published.distributions(services, &data, grouping).await?)
}

/// One round of a survey and its statistics, for trends across rounds.
pub struct RoundStatistics {
    pub round: Round,
    pub statistics: Arc<Vec<GroupDimension>>,
}

/// The statistics of every round of a survey by `grouping`, oldest round first.
pub async fn trends(
    services: &Services,
    slug: &str,
    grouping: &Grouping,
) -> ServiceResult<Vec<RoundStatistics>> {
    let conn = &services.db;
    let survey = surveys::find(conn, slug)
        .await?
        .ok_or_else(|| ServiceError::not_found(format!("There is no survey {slug}.")))?;
    let mut out = Vec::new();
    for round in rounds::list(conn, Some(survey.id)).await? {
        let data = round_data(services, &round).await?;
        // Each round's figures come from its own snapshot, which also keeps every group's change
        // since each earlier round at 0 or at least k organisations.
        let statistics = published(services, &data)
            .await?
            .statistics(&data, grouping);
        out.push(RoundStatistics { round, statistics });
    }
    Ok(out)
}

/// What a round's disclosure snapshot withholds and generalises.
pub struct RoundDisclosure {
    pub round: Round,
    pub summary: Summary,
}

/// The disclosure summary of a round's snapshot.
pub async fn disclosure(services: &Services, code: &str) -> ServiceResult<RoundDisclosure> {
    let round = super::rounds::find(services, code).await?;
    let data = round_data(services, &round).await?;
    let summary = published(services, &data).await?.snapshot.summary();
    Ok(RoundDisclosure { round, summary })
}
