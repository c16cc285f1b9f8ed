//! Researchers' tables: a round's progress, statistics per dimension and option distributions by
//! any peer grouping, trends across rounds, and response-level data under pseudonyms. Every table
//! answers JSON or, with `Accept: text/csv`, CSV with the same columns. Figures about a group of
//! fewer than k organisations (the disclosure threshold, default 5) are null with
//! `suppressed = true` and a reason, never 0.

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::pagination::{PageInfo, Paging};
use super::payloads::{CsvRow, Table, table, to_csv, wants_csv};
use super::problem::{ApiError, ApiResult, FieldError};
use super::rounds::find_round;
use crate::benchmarks::{round_data, threshold};
use crate::domain::answers::AnswerValue;
use crate::domain::benchmark::{self, GroupDimension};
use crate::domain::definition::QuestionKind;
use crate::domain::peers::{Attribute, GroupKey, Grouping, OrgAttributes};
use crate::domain::role::Role;
use crate::domain::secret::keyed_hash;
use crate::state::AppState;
use crate::store::{benchmarks as store, rounds, surveys};
use poem::Request;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::{Object, OpenApi};

#[derive(Default)]
pub struct ResearchApi;

/// The attributes that define a group, one column each (null when the grouping does not use it).
#[derive(Object, Clone, Default)]
pub struct GroupColumns {
    /// e.g. "kind acute, region London", or "all organisations".
    pub group: String,
    #[oai(nullable)]
    pub kind: Option<String>,
    #[oai(nullable)]
    pub region: Option<String>,
    #[oai(nullable)]
    pub country: Option<String>,
    #[oai(nullable)]
    pub size_band: Option<String>,
}

impl GroupColumns {
    fn of(key: &GroupKey) -> Self {
        let get = |a: Attribute| key.0.iter().find(|(k, _)| *k == a).map(|(_, v)| v.clone());
        GroupColumns {
            group: key.label(),
            kind: get(Attribute::Kind),
            region: get(Attribute::Region),
            country: get(Attribute::Country),
            size_band: get(Attribute::SizeBand),
        }
    }

    fn csv(&self) -> Vec<String> {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            self.group.clone(),
            o(&self.kind),
            o(&self.region),
            o(&self.country),
            o(&self.size_band),
        ]
    }
}

const GROUP_HEADER: [&str; 5] = ["group", "kind", "region", "country", "size_band"];

fn num(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn int(v: Option<u64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// One row of a round's progress.
#[derive(Object)]
pub struct ProgressRow {
    #[oai(flatten)]
    pub group: GroupColumns,
    /// Organisations invited (suppressed below k, like every count).
    #[oai(nullable)]
    pub invited: Option<u64>,
    /// Organisations that saved at least once.
    #[oai(nullable)]
    pub started: Option<u64>,
    #[oai(nullable)]
    pub submitted: Option<u64>,
    /// submitted / invited, 0 to 1.
    #[oai(nullable)]
    pub response_rate: Option<f64>,
    pub suppressed: bool,
    #[oai(nullable)]
    pub suppression_reason: Option<String>,
}

/// One group's statistics for one dimension (`overall` for the overall score).
#[derive(Object)]
pub struct StatisticsRow {
    #[oai(flatten)]
    pub group: GroupColumns,
    pub dimension: String,
    /// Submitted responses in the group.
    #[oai(nullable)]
    pub n: Option<u64>,
    #[oai(nullable)]
    pub mean: Option<f64>,
    /// Sample standard deviation (n - 1); null for n < 2.
    #[oai(nullable)]
    pub sd: Option<f64>,
    #[oai(nullable)]
    pub min: Option<f64>,
    /// Quartiles by linear interpolation (Hyndman & Fan type 7; R's default, numpy, pandas).
    #[oai(nullable)]
    pub q1: Option<f64>,
    #[oai(nullable)]
    pub median: Option<f64>,
    #[oai(nullable)]
    pub q3: Option<f64>,
    #[oai(nullable)]
    pub max: Option<f64>,
    pub suppressed: bool,
    #[oai(nullable)]
    pub suppression_reason: Option<String>,
}

/// How many organisations of a group chose one option of one question.
#[derive(Object)]
pub struct DistributionRow {
    #[oai(flatten)]
    pub group: GroupColumns,
    pub question: String,
    #[oai(nullable)]
    pub dimension: Option<String>,
    pub option: String,
    pub option_label: String,
    /// Organisations of the group that were asked the question and answered it.
    #[oai(nullable)]
    pub answered: Option<u64>,
    #[oai(nullable)]
    pub count: Option<u64>,
    /// count / answered.
    #[oai(nullable)]
    pub share: Option<f64>,
    pub suppressed: bool,
    #[oai(nullable)]
    pub suppression_reason: Option<String>,
}

/// One group's scores in one round, for trends across rounds.
#[derive(Object)]
pub struct TrendRow {
    pub round: String,
    pub round_name: String,
    pub opens_at: chrono::DateTime<chrono::Utc>,
    #[oai(flatten)]
    pub group: GroupColumns,
    pub dimension: String,
    #[oai(nullable)]
    pub n: Option<u64>,
    #[oai(nullable)]
    pub mean: Option<f64>,
    #[oai(nullable)]
    pub median: Option<f64>,
    pub suppressed: bool,
    #[oai(nullable)]
    pub suppression_reason: Option<String>,
}

/// One answer of one submitted response (long form: one row per organisation and question).
#[derive(Object)]
pub struct AnswerRow {
    pub round: String,
    /// Stable within a round, different across rounds, and not reversible without the server's key.
    pub pseudonym: String,
    /// Only with `identified=true` (admins).
    #[oai(nullable)]
    pub organisation: Option<String>,
    #[oai(nullable)]
    pub organisation_name: Option<String>,
    pub kind: String,
    pub region: String,
    pub country: String,
    pub size_band: String,
    pub question: String,
    #[oai(nullable)]
    pub dimension: Option<String>,
    /// The answer as text: an option value, `yes`/`no`, a number, several values joined by `;`,
    /// or free text (free text only with `include_text=true`, admins).
    pub value: String,
}

/// One score of one submitted response.
#[derive(Object)]
pub struct ScoreRow {
    pub round: String,
    /// The same pseudonym as in the round's response-level answers.
    pub pseudonym: String,
    pub kind: String,
    pub region: String,
    pub country: String,
    pub size_band: String,
    /// A dimension key, or `overall`.
    pub dimension: String,
    /// 0 to 100, as scored at submission.
    pub score: f64,
}

#[derive(Object)]
pub struct AnswerPage {
    pub items: Vec<AnswerRow>,
    #[oai(flatten)]
    pub page: PageInfo,
}

impl CsvRow for ProgressRow {
    fn header() -> Vec<&'static str> {
        let mut h = GROUP_HEADER.to_vec();
        h.extend([
            "invited",
            "started",
            "submitted",
            "response_rate",
            "suppressed",
            "suppression_reason",
        ]);
        h
    }

    fn cells(&self) -> Vec<String> {
        let mut row = self.group.csv();
        row.extend([
            int(self.invited),
            int(self.started),
            int(self.submitted),
            num(self.response_rate),
            self.suppressed.to_string(),
            self.suppression_reason.clone().unwrap_or_default(),
        ]);
        row
    }
}

impl CsvRow for StatisticsRow {
    fn header() -> Vec<&'static str> {
        let mut h = GROUP_HEADER.to_vec();
        h.extend([
            "dimension",
            "n",
            "mean",
            "sd",
            "min",
            "q1",
            "median",
            "q3",
            "max",
            "suppressed",
            "suppression_reason",
        ]);
        h
    }

    fn cells(&self) -> Vec<String> {
        let mut row = self.group.csv();
        row.extend([
            self.dimension.clone(),
            int(self.n),
            num(self.mean),
            num(self.sd),
            num(self.min),
            num(self.q1),
            num(self.median),
            num(self.q3),
            num(self.max),
            self.suppressed.to_string(),
            self.suppression_reason.clone().unwrap_or_default(),
        ]);
        row
    }
}

impl CsvRow for DistributionRow {
    fn header() -> Vec<&'static str> {
        let mut h = GROUP_HEADER.to_vec();
        h.extend([
            "question",
            "dimension",
            "option",
            "option_label",
            "answered",
            "count",
            "share",
            "suppressed",
            "suppression_reason",
        ]);
        h
    }

    fn cells(&self) -> Vec<String> {
        let mut row = self.group.csv();
        row.extend([
            self.question.clone(),
            self.dimension.clone().unwrap_or_default(),
            self.option.clone(),
            self.option_label.clone(),
            int(self.answered),
            int(self.count),
            num(self.share),
            self.suppressed.to_string(),
            self.suppression_reason.clone().unwrap_or_default(),
        ]);
        row
    }
}

impl CsvRow for TrendRow {
    fn header() -> Vec<&'static str> {
        let mut h = vec!["round", "round_name", "opens_at"];
        h.extend(GROUP_HEADER);
        h.extend([
            "dimension",
            "n",
            "mean",
            "median",
            "suppressed",
            "suppression_reason",
        ]);
        h
    }

    fn cells(&self) -> Vec<String> {
        let mut row = vec![
            self.round.clone(),
            self.round_name.clone(),
            self.opens_at.to_rfc3339(),
        ];
        row.extend(self.group.csv());
        row.extend([
            self.dimension.clone(),
            int(self.n),
            num(self.mean),
            num(self.median),
            self.suppressed.to_string(),
            self.suppression_reason.clone().unwrap_or_default(),
        ]);
        row
    }
}

impl CsvRow for ScoreRow {
    fn header() -> Vec<&'static str> {
        vec![
            "round",
            "pseudonym",
            "kind",
            "region",
            "country",
            "size_band",
            "dimension",
            "score",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.round.clone(),
            self.pseudonym.clone(),
            self.kind.clone(),
            self.region.clone(),
            self.country.clone(),
            self.size_band.clone(),
            self.dimension.clone(),
            self.score.to_string(),
        ]
    }
}

impl CsvRow for AnswerRow {
    fn header() -> Vec<&'static str> {
        vec![
            "round",
            "pseudonym",
            "organisation",
            "organisation_name",
            "kind",
            "region",
            "country",
            "size_band",
            "question",
            "dimension",
            "value",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.round.clone(),
            self.pseudonym.clone(),
            self.organisation.clone().unwrap_or_default(),
            self.organisation_name.clone().unwrap_or_default(),
            self.kind.clone(),
            self.region.clone(),
            self.country.clone(),
            self.size_band.clone(),
            self.question.clone(),
            self.dimension.clone().unwrap_or_default(),
            self.value.clone(),
        ]
    }
}

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
    ) -> ApiResult<Table<Vec<ProgressRow>>> {
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
    ) -> ApiResult<Table<Vec<StatisticsRow>>> {
        auth.0.require(Role::Researcher)?;
        let grouping = parse_grouping(group_by.0)?;
        let round = find_round(&state, &code.0).await?;
        let data = round_data(&state, &round).await?;
        let rows: Vec<StatisticsRow> = benchmark::statistics(
            &data.definition,
            &data.members(),
            &grouping,
            threshold(&state),
        )
        .into_iter()
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
    ) -> ApiResult<Table<Vec<DistributionRow>>> {
        auth.0.require(Role::Researcher)?;
        let grouping = parse_grouping(group_by.0)?;
        let round = find_round(&state, &code.0).await?;
        let data = round_data(&state, &round).await?;
        let answers = data.answers(&state).await?;
        let population: Vec<OrgAttributes> = data
            .submitted
            .iter()
            .map(|s| s.attributes.clone())
            .collect();
        let k = threshold(&state);
        let empty = Default::default();
        let mut rows = Vec::new();
        for (key, members) in grouping.partition(&population) {
            let group: Vec<&crate::domain::answers::Answers> = members
                .iter()
                .map(|&i| {
                    answers
                        .get(&data.submitted[i].response_id)
                        .unwrap_or(&empty)
                })
                .collect();
            // A group below k shows nothing, whatever its members answered.
            let group = if k.allows(group.len()) { group } else { vec![] };
            for q in benchmark::distributions(&data.definition, &group, None, k) {
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
    ) -> ApiResult<Table<Vec<TrendRow>>> {
        auth.0.require(Role::Researcher)?;
        let grouping = parse_grouping(group_by.0)?;
        let survey = surveys::find(&state.db.conn, &slug.0)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("There is no survey {}.", slug.0)))?;
        let mut rows = Vec::new();
        for round in rounds::list(&state.db.conn, Some(survey.id)).await? {
            let data = round_data(&state, &round).await?;
            for g in benchmark::statistics(
                &data.definition,
                &data.members(),
                &grouping,
                threshold(&state),
            ) {
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
    ) -> ApiResult<Table<Vec<ScoreRow>>> {
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
    ) -> ApiResult<Table<AnswerPage>> {
        auth.0.require(Role::Researcher)?;
        let identified = identified.0.unwrap_or(false);
        let include_text = include_text.0.unwrap_or(false);
        if identified || include_text {
            auth.0.require(Role::Admin)?;
        }
        let round = find_round(&state, &code.0).await?;
        let data = round_data(&state, &round).await?;
        let answers = data.answers(&state).await?;
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

fn statistics_row(g: GroupDimension) -> StatisticsRow {
    let s = g.stats.value.as_ref();
    StatisticsRow {
        group: GroupColumns::of(&g.group),
        dimension: g.dimension,
        n: g.n.value.map(|n| n as u64),
        mean: s.map(|s| s.mean),
        sd: s.and_then(|s| s.sd),
        min: s.map(|s| s.min),
        q1: s.map(|s| s.q1),
        median: s.map(|s| s.median),
        q3: s.map(|s| s.q3),
        max: s.map(|s| s.max),
        suppressed: g.stats.suppressed,
        suppression_reason: g.stats.reason,
    }
}

/// An answer as one text cell: several values joined by `;`.
fn answer_text(value: &AnswerValue) -> String {
    match value {
        AnswerValue::Text(t) => t.clone(),
        AnswerValue::Integer(n) => n.to_string(),
        AnswerValue::Number(x) => x.to_string(),
        AnswerValue::Choices(values) => values.join(";"),
    }
}
