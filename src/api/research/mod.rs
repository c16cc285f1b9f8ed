//! Researchers' tables: a round's progress, statistics per dimension and option distributions by
//! any peer grouping, trends across rounds, and response-level data under pseudonyms. Every table
//! answers JSON or, with `Accept: text/csv`, CSV with the same columns. Figures about a group of
//! fewer than k organisations (the disclosure threshold, default 5) are null with
//! `suppressed = true` and a reason, never 0.

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::media_types::{Table, table};
use super::problem::{ApiError, ApiResult, FieldError};
use super::withheld::Withheld;
use crate::domain::peers::Grouping;
use crate::domain::role::Role;
use crate::service::{Services, research};
use poem::Request;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};

#[derive(Default)]
pub struct ResearchApi;

mod export_rows;
mod exports;
mod rows;

pub use exports::ResearchExportsApi;
pub use rows::{
    DistributionRow, GroupColumns, ProgressRow, StatisticsRow, TrendRow, progress_row,
    statistics_row,
};

fn parse_grouping(spec: Option<String>) -> ApiResult<Grouping> {
    Grouping::parse(spec.as_deref().unwrap_or("all")).map_err(|message| {
        ApiError::validation(
            "The grouping is not valid.",
            vec![FieldError::new("group_by", message)],
        )
    })
}

#[OpenApi(tag = "ApiTags::Research")]
#[allow(
    clippy::too_many_arguments,
    reason = "poem-openapi takes each query parameter as an argument"
)]
impl ResearchApi {
    /// A round's progress
    ///
    /// Who may call: researcher or admin. Organisations invited, started and submitted, overall
    /// or by `group_by` (any of `kind`, `region`, `country`, `size_band`, comma-separated).
    /// Columns: group, kind, region, country, size_band, invited, started, submitted,
    /// response_rate, suppressed, suppression_reason. Groups of fewer than k invited
    /// organisations are suppressed.
    #[oai(
        path = "/rounds/:code/progress",
        method = "get",
        operation_id = "get_round_progress"
    )]
    async fn progress(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        req: &Request,
        code: Path<String>,
        /// Attributes to group by, e.g. `kind` or `kind,region`; default: all organisations.
        group_by: Query<Option<String>>,
    ) -> Answer<Table<Vec<ProgressRow>>, { KEY | NOT_FOUND | UNPROCESSABLE }> {
        auth.0.require(Role::Researcher)?;
        let grouping = parse_grouping(group_by.0)?;
        let rows: Vec<ProgressRow> = research::progress(&state, &code.0, &grouping)
            .await?
            .iter()
            .map(progress_row)
            .collect();
        Ok(table(req, rows))
    }

    /// Statistics per dimension by group
    ///
    /// Who may call: researcher or admin. For each group of `group_by` and each dimension (and
    /// `overall`): n, mean, sample sd, min, Q1, median, Q3 (type 7 quantiles) and max of the
    /// submitted responses' scores (0–100). Columns: group, kind, region, country, size_band,
    /// dimension, n, mean, sd, min, q1, median, q3, max, suppressed, suppression_reason.
    #[oai(
        path = "/rounds/:code/statistics",
        method = "get",
        operation_id = "get_round_statistics"
    )]
    async fn statistics(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        req: &Request,
        code: Path<String>,
        /// Attributes to group by, e.g. `kind` or `kind,region`; default: all organisations.
        group_by: Query<Option<String>>,
    ) -> Answer<Table<Vec<StatisticsRow>>, { KEY | NOT_FOUND | UNPROCESSABLE }> {
        auth.0.require(Role::Researcher)?;
        let grouping = parse_grouping(group_by.0)?;
        let rows: Vec<StatisticsRow> = research::statistics(&state, &code.0, &grouping)
            .await?
            .iter()
            .cloned()
            .map(statistics_row)
            .collect();
        Ok(table(req, rows))
    }

    /// Option distributions by group
    ///
    /// Who may call: researcher or admin. For each group and each choice question (single and
    /// multiple choice, yes/no, scales): how many of the group's organisations that were asked
    /// and answered chose each option. Numbers and free text are not included. Columns: group,
    /// kind, region, country, size_band, question, dimension, option, option_label, answered,
    /// count, share, suppressed, suppression_reason.
    #[oai(
        path = "/rounds/:code/distributions",
        method = "get",
        operation_id = "get_round_distributions"
    )]
    async fn distributions(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        req: &Request,
        code: Path<String>,
        /// Attributes to group by; default: all organisations.
        group_by: Query<Option<String>>,
    ) -> Answer<Table<Vec<DistributionRow>>, { KEY | NOT_FOUND | UNPROCESSABLE }> {
        auth.0.require(Role::Researcher)?;
        let grouping = parse_grouping(group_by.0)?;
        let mut rows = Vec::new();
        for (key, counted) in research::distributions(&state, &code.0, &grouping)
            .await?
            .iter()
        {
            for q in counted {
                let answered = q.answered.value;
                for o in &q.options {
                    rows.push(DistributionRow {
                        group: GroupColumns::of(key),
                        question: q.key.clone(),
                        dimension: q.dimension.clone(),
                        option: o.value.clone(),
                        option_label: o.label.clone(),
                        answered: answered.map(|n| n as u64),
                        unanimous: o.unanimous,
                        count: o.count.map(|c| c as u64),
                        share: o.share,
                        withheld: Withheld::of(&q.answered),
                    });
                }
            }
        }
        Ok(table(req, rows))
    }

    /// Trends across a survey's rounds
    ///
    /// Who may call: researcher or admin. For every round of the survey (oldest first), each
    /// group's n, mean and median per dimension and overall, matched across rounds by dimension
    /// key. Columns: round, round_name, opens_at, group, kind, region, country, size_band,
    /// dimension, n, mean, median, suppressed, suppression_reason.
    #[oai(
        path = "/surveys/:slug/trends",
        method = "get",
        operation_id = "get_survey_trends"
    )]
    async fn trends(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        req: &Request,
        slug: Path<String>,
        /// Attributes to group by; default: all organisations.
        group_by: Query<Option<String>>,
    ) -> Answer<Table<Vec<TrendRow>>, { KEY | NOT_FOUND | UNPROCESSABLE }> {
        auth.0.require(Role::Researcher)?;
        let grouping = parse_grouping(group_by.0)?;
        let mut rows = Vec::new();
        for research::RoundStatistics { round, statistics } in
            research::trends(&state, &slug.0, &grouping).await?
        {
            for g in statistics.iter().cloned() {
                rows.push(TrendRow {
                    round: round.code.clone(),
                    round_name: round.name.clone(),
                    opens_at: round.opens_at,
                    group: GroupColumns::of(&g.group),
                    dimension: g.dimension,
                    n: g.n.value.map(|n| n as u64),
                    mean: g.stats.value.as_ref().map(|s| s.mean),
                    median: g.stats.value.as_ref().map(|s| s.median),
                    withheld: Withheld::of(&g.stats),
                });
            }
        }
        Ok(table(req, rows))
    }
}
