//! `/rounds/{code}/organisations/{organisation}/benchmark`: one organisation's position among its
//! peers. It names the organisation, so only admins may read it (researchers get pseudonymised
//! and aggregated data; boards get the report through a share link).

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::withheld::Withheld;
use crate::domain::benchmark::Position;
use crate::domain::role::Role;
use crate::service::{Services, benchmarks};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

#[derive(Default)]
pub struct BenchmarksApi;

/// A score and where it stands among the peer group. Peer figures are null, with `suppressed`
/// and a reason, when the round's disclosure snapshot withholds the group. The peers' minimum
/// and maximum are never published: each is one organisation's score.
#[derive(Object)]
pub struct PositionView {
    /// A dimension key, or `overall`.
    pub dimension: String,
    pub title: String,
    #[oai(nullable)]
    pub score: Option<f64>,
    #[oai(nullable)]
    pub level: Option<u32>,
    #[oai(nullable)]
    pub level_name: Option<String>,
    #[oai(nullable)]
    pub peer_n: Option<u64>,
    #[oai(nullable)]
    pub peer_mean: Option<f64>,
    #[oai(nullable)]
    pub peer_q1: Option<f64>,
    #[oai(nullable)]
    pub peer_median: Option<f64>,
    #[oai(nullable)]
    pub peer_q3: Option<f64>,
    /// (peers below + half the peers equal) / n × 100.
    #[oai(nullable)]
    pub percentile: Option<f64>,
    /// 1 (lowest quarter) to 4.
    #[oai(nullable)]
    pub quartile: Option<u8>,
    #[oai(nullable)]
    pub difference_from_median: Option<f64>,
    /// The score in the previous round of the same survey, matched by dimension key.
    #[oai(nullable)]
    pub previous_score: Option<f64>,
    #[oai(nullable)]
    pub change: Option<f64>,
    #[oai(flatten)]
    pub withheld: Withheld,
}

impl From<Position> for PositionView {
    fn from(p: Position) -> Self {
        let peers = p.peers.value.as_ref();
        PositionView {
            dimension: p.dimension,
            title: p.title,
            score: p.score,
            level: p.level,
            level_name: p.level_name,
            peer_n: peers.map(|s| s.n as u64),
            peer_mean: peers.map(|s| s.mean),
            peer_q1: peers.map(|s| s.q1),
            peer_median: peers.map(|s| s.median),
            peer_q3: peers.map(|s| s.q3),
            percentile: p.percentile.value,
            quartile: p.quartile.value,
            difference_from_median: p.difference_from_median.value,
            previous_score: p.previous_score,
            change: p.change,
            withheld: Withheld::of(&p.peers),
        }
    }
}

#[derive(Object)]
pub struct PeerGroupView {
    /// The attributes the peers share (`kind,region`, `kind`, `country` or `all`).
    pub grouping: String,
    pub label: String,
    #[oai(nullable)]
    pub n: Option<u64>,
    /// Narrower groups passed over because disclosure control withholds them.
    pub skipped: Vec<String>,
    #[oai(flatten)]
    pub withheld: Withheld,
}

#[derive(Object)]
pub struct OptionShareView {
    pub value: String,
    pub label: String,
    #[oai(nullable)]
    pub count: Option<u64>,
    /// Share of the peers who answered, 0 to 1.
    #[oai(nullable)]
    pub share: Option<f64>,
    /// Whether this organisation chose it.
    pub chosen: bool,
}

#[derive(Object)]
pub struct QuestionView {
    pub question: String,
    pub prompt: String,
    #[oai(nullable)]
    pub dimension: Option<String>,
    /// Peers who were asked and answered.
    #[oai(nullable)]
    pub answered: Option<u64>,
    pub options: Vec<OptionShareView>,
    #[oai(flatten)]
    pub withheld: Withheld,
}

#[derive(Object)]
pub struct BenchmarkView {
    pub organisation: String,
    pub organisation_name: String,
    pub round: String,
    #[oai(nullable)]
    pub previous_round: Option<String>,
    /// The disclosure threshold applied.
    pub k: u64,
    pub peer_group: PeerGroupView,
    pub overall: PositionView,
    pub dimensions: Vec<PositionView>,
    pub questions: Vec<QuestionView>,
}

#[OpenApi(tag = "ApiTags::Research")]
impl BenchmarksApi {
    /// An organisation's benchmark
    ///
    /// Who may call: admin. The organisation's overall and dimension scores and levels; its peer
    /// group (the first of kind+region, kind, country, all organisations with at least k
    /// submitted responses) and that group's statistics; its percentile rank, quartile, distance
    /// from the peer median and change since the previous round; and, per choice question, the
    /// share of peers choosing each option. 404 if it has not submitted in this round.
    #[oai(
        path = "/rounds/:code/organisations/:organisation/benchmark",
        method = "get",
        operation_id = "get_organisation_benchmark"
    )]
    async fn benchmark(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
        organisation: Path<String>,
    ) -> Answer<Json<BenchmarkView>, { ROLE | NOT_FOUND }> {
        auth.0.require(Role::Admin)?;
        let found = benchmarks::find(&state, &code.0, &organisation.0).await?;
        let b = found.benchmark;
        Ok(Json(BenchmarkView {
            organisation: found.organisation.code,
            organisation_name: found.organisation.name,
            round: found.data.round.code.clone(),
            previous_round: found.previous_round.map(|r| r.code),
            k: state.threshold().0 as u64,
            peer_group: PeerGroupView {
                grouping: b.peer_group.grouping,
                label: b.peer_group.label,
                n: b.peer_group.n.value.map(|n| n as u64),
                skipped: b.peer_group.skipped,
                withheld: Withheld::of(&b.peer_group.n),
            },
            overall: b.overall.into(),
            dimensions: b.dimensions.into_iter().map(Into::into).collect(),
            questions: found
                .questions
                .into_iter()
                .map(|q| QuestionView {
                    question: q.key,
                    prompt: q.prompt,
                    dimension: q.dimension,
                    answered: q.answered.value.map(|n| n as u64),
                    options: q
                        .options
                        .into_iter()
                        .map(|o| OptionShareView {
                            value: o.value,
                            label: o.label,
                            count: o.count.map(|c| c as u64),
                            share: o.share,
                            chosen: o.chosen,
                        })
                        .collect(),
                    withheld: Withheld::of(&q.answered),
                })
                .collect(),
        }))
    }
}
