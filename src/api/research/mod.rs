//! Researchers' tables: a round's progress, statistics per dimension and option distributions by
//! any peer grouping, trends across rounds, and response-level data under pseudonyms. Every table
//! answers JSON or, with `Accept: text/csv`, CSV with the same columns. Figures about a group of
//! fewer than k organisations (the disclosure threshold, default 5) are null with
//! `suppressed = true` and a reason, never 0.

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::pagination::Paging;
use super::payloads::{CsvRow, Table, table, to_csv, wants_csv};
use super::problem::{Answer, ApiError, ApiResult, FieldError, status::*};
use super::rounds::find_round;
use crate::benchmarks::{round_data, threshold};
use crate::domain::benchmark;
use crate::domain::choices::ChoiceMarks;
use crate::domain::definition::QuestionKind;
use crate::domain::peers::{Grouping, OrgAttributes};
use crate::domain::role::Role;
use crate::domain::secret::keyed_hash;
use crate::state::AppState;
use crate::store::{benchmarks as store, rounds, surveys};
use poem::Request;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};

#[derive(Default)]
pub struct ResearchApi;

mod rows;

pub use rows::{
    AnswerPage, AnswerRow, DistributionRow, GroupColumns, ProgressRow, ScoreRow, StatisticsRow,
    TrendRow,
};
use rows::{answer_text, statistics_row};

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
        state: Data<&AppState>,
        req: &Request,
        code: Path<String>,
        /// Attributes to group by, e.g. `kind` or `kind,region`; default: all organisations.
        group_by: Query<Option<String>>,
    ) -> Answer<Table<Vec<ProgressRow>>, { KEY | NOT_FOUND | UNPROCESSABLE }> {
        auth.0.require(Role::Researcher)?;
        let grouping = parse_grouping(group_by.0)?;
        let round = find_round(&state, &code.0).await?;
        let progress = store::progress(&state.db.conn, round.id).await?;
        let attributes = store::attributes(&state.db.conn, &progress.invited).await?;
        let ids: Vec<i32> = progress.invited.iter().copied().collect();
        let population: Vec<OrgAttributes> = ids
            .iter()
            .filter_map(|id| attributes.get(id).cloned())
            .collect();
        let k = threshold(&state);
        let rows: Vec<ProgressRow> = grouping
            .partition(&population)
            .into_iter()
            .map(|(key, members)| {
                let invited = members.len();
                let count = |set: &std::collections::HashSet<i32>| {
                    members.iter().filter(|&&i| set.contains(&ids[i])).count()
                };
                let (started, submitted) = (count(&progress.started), count(&progress.submitted));
                let shown = k.disclose(invited, || (invited, started, submitted));
                ProgressRow {
                    group: GroupColumns::of(&key),
                    invited: shown.value.map(|v| v.0 as u64),
                    started: shown.value.map(|v| v.1 as u64),
                    submitted: shown.value.map(|v| v.2 as u64),
                    response_rate: shown.value.map(|v| v.2 as f64 / v.0 as f64),
                    suppressed: shown.suppressed,
                    suppression_reason: shown.reason,
                }
            })
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
        state: Data<&AppState>,
        req: &Request,
        code: Path<String>,
        /// Attributes to group by, e.g. `kind` or `kind,region`; default: all organisations.
        group_by: Query<Option<String>>,
    ) -> Answer<Table<Vec<StatisticsRow>>, { KEY | NOT_FOUND | UNPROCESSABLE }> {
        auth.0.require(Role::Researcher)?;
        let grouping = parse_grouping(group_by.0)?;
        let round = find_round(&state, &code.0).await?;
        let data = round_data(&state, &round).await?;
        let rows: Vec<StatisticsRow> = data
            .statistics(&grouping, threshold(&state))
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
        state: Data<&AppState>,
        req: &Request,
        code: Path<String>,
        /// Attributes to group by; default: all organisations.
        group_by: Query<Option<String>>,
    ) -> Answer<Table<Vec<DistributionRow>>, { KEY | NOT_FOUND | UNPROCESSABLE }> {
        auth.0.require(Role::Researcher)?;
        let grouping = parse_grouping(group_by.0)?;
        let round = find_round(&state, &code.0).await?;
        let data = round_data(&state, &round).await?;
        let marks = data.marks(&state).await?;
        let population: Vec<OrgAttributes> = data
            .submitted
            .iter()
            .map(|s| s.attributes.clone())
            .collect();
        let k = threshold(&state);
        let empty = Default::default();
        let mut rows = Vec::new();
        for (key, members) in grouping.partition(&population) {
            let group: Vec<&ChoiceMarks> = members
                .iter()
                .map(|&i| marks.get(&data.submitted[i].response_id).unwrap_or(&empty))
                .collect();
            // A group below k shows nothing, whatever its members answered.
            let group = if k.allows(group.len()) { group } else { vec![] };
            for q in benchmark::count_marked(&data.definition, &data.layout, &group, k) {
                for o in q.options {
                    rows.push(DistributionRow {
                        group: GroupColumns::of(&key),
                        question: q.key.clone(),
                        dimension: q.dimension.clone(),
                        option: o.value,
                        option_label: o.label,
                        answered: q.answered.value.map(|n| n as u64),
                        count: o.count.map(|c| c as u64),
                        share: o.share,
                        suppressed: q.suppressed,
                        suppression_reason: q.reason.clone(),
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
        state: Data<&AppState>,
        req: &Request,
        slug: Path<String>,
        /// Attributes to group by; default: all organisations.
        group_by: Query<Option<String>>,
    ) -> Answer<Table<Vec<TrendRow>>, { KEY | NOT_FOUND | UNPROCESSABLE }> {
        auth.0.require(Role::Researcher)?;
        let grouping = parse_grouping(group_by.0)?;
        let survey = surveys::find(&state.db.conn, &slug.0)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("There is no survey {}.", slug.0)))?;
        let mut rows = Vec::new();
        for round in rounds::list(&state.db.conn, Some(survey.id)).await? {
            let data = round_data(&state, &round).await?;
            for g in data
                .statistics(&grouping, threshold(&state))
                .iter()
                .cloned()
            {
                rows.push(TrendRow {
                    round: round.code.clone(),
                    round_name: round.name.clone(),
                    opens_at: round.opens_at,
                    group: GroupColumns::of(&g.group),
                    dimension: g.dimension,
                    n: g.n.value.map(|n| n as u64),
                    mean: g.stats.value.as_ref().map(|s| s.mean),
                    median: g.stats.value.as_ref().map(|s| s.median),
                    suppressed: g.stats.suppressed,
                    suppression_reason: g.stats.reason,
                });
            }
        }
        Ok(table(req, rows))
    }

    /// Response-level scores (long form)
    ///
    /// Who may call: researcher or admin. One row per submitted organisation and dimension (and
    /// `overall`), under the same pseudonyms as the answers, so that the statistics routes can be
    /// reproduced exactly in R or pandas. Columns: round, pseudonym, kind, region, country,
    /// size_band, dimension, score. Every submitted response of the round, in pseudonym order.
    #[oai(
        path = "/rounds/:code/scores",
        method = "get",
        operation_id = "list_round_scores"
    )]
    async fn scores(
        &self,
        auth: ApiKeyAuth,
        state: Data<&AppState>,
        req: &Request,
        code: Path<String>,
    ) -> Answer<Table<Vec<ScoreRow>>, { KEY | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        let round = find_round(&state, &code.0).await?;
        let data = round_data(&state, &round).await?;
        let mut rows: Vec<ScoreRow> = Vec::new();
        for s in &data.submitted {
            let pseudonym = pseudonym(&state, &round.code, s.organisation_id);
            for (dimension, score) in &s.scores {
                rows.push(ScoreRow {
                    round: round.code.clone(),
                    pseudonym: pseudonym.clone(),
                    kind: s.attributes.kind.clone(),
                    region: s.attributes.region.clone(),
                    country: s.attributes.country.clone(),
                    size_band: s.attributes.size_band.clone(),
                    dimension: dimension.clone(),
                    score: *score,
                });
            }
        }
        rows.sort_by(|a, b| (&a.pseudonym, &a.dimension).cmp(&(&b.pseudonym, &b.dimension)));
        Ok(table(req, rows))
    }

    /// Response-level answers (long form)
    ///
    /// Who may call: researcher or admin; `identified=true` and `include_text=true` are for
    /// admins only (403 otherwise). One row per submitted organisation and answered question, the
    /// organisation replaced by a pseudonym (HMAC of the round and organisation under the
    /// server's key: stable within a round, different across rounds). Free-text answers are left
    /// out unless `include_text=true`. Paged by organisation: `per_page` organisations (default
    /// 100, at most 10,000). Columns: round, pseudonym, organisation, organisation_name, kind,
    /// region, country, size_band, question, dimension, value.
    #[oai(
        path = "/rounds/:code/responses",
        method = "get",
        operation_id = "list_round_answers"
    )]
    async fn responses(
        &self,
        auth: ApiKeyAuth,
        state: Data<&AppState>,
        req: &Request,
        code: Path<String>,
        /// Add organisation codes and names (admins only).
        identified: Query<Option<bool>>,
        /// Include free-text answers, which can identify people (admins only).
        include_text: Query<Option<bool>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<
            Option<u64>,
        >,
        #[oai(validator(minimum(value = "1"), maximum(value = "10000")))] per_page: Query<
            Option<u64>,
        >,
    ) -> Answer<Table<AnswerPage>, { ROLE | BAD_REQUEST | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        let identified = identified.0.unwrap_or(false);
        let include_text = include_text.0.unwrap_or(false);
        if identified || include_text {
            auth.0.require(Role::Admin)?;
        }
        let round = find_round(&state, &code.0).await?;
        let data = round_data(&state, &round).await?;
        let paging = Paging {
            page: page.0.unwrap_or(1),
            per_page: per_page.0.unwrap_or(100),
        };
        let total = data.submitted.len() as u64;
        let start = usize::try_from(paging.offset())
            .unwrap_or(usize::MAX)
            .min(data.submitted.len());
        let end = start
            .saturating_add(paging.per_page as usize)
            .min(data.submitted.len());
        // Only this page's answers are read: the cache keeps no more of a round's answers than
        // comparisons need.
        let page_ids: Vec<i32> = data.submitted[start..end]
            .iter()
            .map(|s| s.response_id)
            .collect();
        let answers = store::answers_of(&state.db.conn, &page_ids).await?;
        let mut items = Vec::new();
        for s in &data.submitted[start..end] {
            let pseudonym = pseudonym(&state, &round.code, s.organisation_id);
            let Some(given) = answers.get(&s.response_id) else {
                continue;
            };
            for q in data.definition.questions() {
                let Some(value) = given.get(&q.key) else {
                    continue;
                };
                if matches!(q.kind, QuestionKind::Text { .. }) && !include_text {
                    continue;
                }
                items.push(AnswerRow {
                    round: round.code.clone(),
                    pseudonym: pseudonym.clone(),
                    organisation: identified.then(|| s.code.clone()),
                    organisation_name: identified.then(|| s.name.clone()),
                    kind: s.attributes.kind.clone(),
                    region: s.attributes.region.clone(),
                    country: s.attributes.country.clone(),
                    size_band: s.attributes.size_band.clone(),
                    question: q.key.clone(),
                    dimension: q.dimension.clone(),
                    value: answer_text(value),
                });
            }
        }
        let page = AnswerPage {
            items,
            page: paging.info(total),
        };
        Ok(if wants_csv(req) {
            Table::Csv(to_csv(
                &AnswerRow::header(),
                page.items.iter().map(CsvRow::cells),
            ))
        } else {
            Table::Json(page)
        })
    }
}

/// An organisation's pseudonym in a round: the first 16 hex characters of an HMAC under the
/// server's key, so it is stable within the round, differs across rounds, and cannot be reversed
/// (or recomputed) without the key.
fn pseudonym(state: &AppState, round: &str, organisation_id: i32) -> String {
    let tag = keyed_hash(&state.keys.pseudonym, &format!("{round}:{organisation_id}"));
    tag.get(..16).unwrap_or(&tag).to_owned()
}
