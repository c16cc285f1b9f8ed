//! Response-level exports (scores and answers under pseudonyms) and the round's disclosure
//! summary: what the snapshot withheld and how much it generalised.

use super::super::ApiTags;
use super::super::auth::ApiKeyAuth;
use super::super::errors::{Answer, status::*};
use super::super::pagination::Paging;
use super::super::payloads::{CsvRow, Table, table, to_csv, wants_csv};
use super::super::rounds::find_round;
use super::export_rows::{AnswerPage, AnswerRow, ScoreRow, answer_text};
use crate::domain::definition::QuestionKind;
use crate::domain::disclosure::Generalised;
use crate::domain::peers::{Attribute, OrgAttributes};
use crate::domain::role::Role;
use crate::domain::secret::keyed_hash;
use crate::service::Services;
use crate::service::benchmarks::{Published, published, round_data};
use crate::store::benchmarks as store;
use poem::Request;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

#[derive(Default)]
pub struct ResearchExportsApi;

/// How much disclosure control withheld and generalised in a round.
#[derive(Object)]
pub struct DisclosureSummary {
    pub round: String,
    /// The disclosure threshold: no figure describes fewer than k organisations, and a member
    /// of a group is always left with at least k others.
    pub k: u64,
    /// Organisations with a submitted response.
    pub respondents: u64,
    /// Classes of the response-level exports (rows that show the same attributes).
    pub classes: u64,
    /// The smallest class: at least k + 1, unless fewer organisations responded at all.
    pub smallest_class: u64,
    /// Respondents whose value is shown as `*` in the exports, per attribute.
    pub generalised: Vec<GeneralisedCount>,
    /// Per grouping: groups published, withheld by primary and by secondary suppression.
    pub groupings: Vec<GroupingCount>,
}

#[derive(Object)]
pub struct GeneralisedCount {
    pub attribute: String,
    pub respondents: u64,
}

#[derive(Object)]
pub struct GroupingCount {
    /// e.g. `kind,region`, or `all`.
    pub grouping: String,
    pub published: u64,
    pub primary: u64,
    pub secondary: u64,
}

#[OpenApi(tag = "ApiTags::Research")]
#[allow(
    clippy::too_many_arguments,
    reason = "poem-openapi takes each query parameter as an argument"
)]
impl ResearchExportsApi {
    /// A round's disclosure control
    ///
    /// Who may call: researcher or admin. What the round's disclosure snapshot withholds: for
    /// every grouping, how many groups are published and how many withheld by primary
    /// suppression (fewer than k organisations) or secondary suppression (it could otherwise be
    /// worked out from other figures); and how the response-level exports generalise
    /// organisation attributes (classes, the smallest class, values shown as `*`). Every table,
    /// benchmark, report and export of the round reads this one snapshot.
    #[oai(
        path = "/rounds/:code/disclosure",
        method = "get",
        operation_id = "get_round_disclosure"
    )]
    async fn disclosure(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
    ) -> Answer<Json<DisclosureSummary>, { KEY | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        let round = find_round(&state, &code.0).await?;
        let data = round_data(&state, &round).await?;
        let summary = published(&state, &data).await?.snapshot.summary();
        Ok(Json(DisclosureSummary {
            round: round.code.clone(),
            k: summary.k as u64,
            respondents: summary.respondents as u64,
            classes: summary.classes as u64,
            smallest_class: summary.smallest_class as u64,
            generalised: summary
                .generalised
                .into_iter()
                .map(|(a, n)| GeneralisedCount {
                    attribute: a.to_owned(),
                    respondents: n as u64,
                })
                .collect(),
            groupings: summary
                .groupings
                .into_iter()
                .map(|g| GroupingCount {
                    grouping: g.grouping,
                    published: g.published as u64,
                    primary: g.primary as u64,
                    secondary: g.secondary as u64,
                })
                .collect(),
        }))
    }

    /// Response-level scores (long form)
    ///
    /// Who may call: researcher or admin. One row per submitted organisation and dimension (and
    /// `overall`), under the same pseudonyms as the answers, so that the statistics routes can be
    /// reproduced exactly in R or pandas. Columns: round, pseudonym, kind, region, country,
    /// size_band, dimension, score. Every submitted response of the round, in pseudonym order.
    /// The attributes are generalised (`*`) as the round's disclosure snapshot decides, so that
    /// every combination shown describes at least k + 1 organisations; every published table
    /// can be reproduced from these rows.
    #[oai(
        path = "/rounds/:code/scores",
        method = "get",
        operation_id = "list_round_scores"
    )]
    async fn scores(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        req: &Request,
        code: Path<String>,
    ) -> Answer<Table<Vec<ScoreRow>>, { KEY | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        let round = find_round(&state, &code.0).await?;
        let data = round_data(&state, &round).await?;
        let published = published(&state, &data).await?;
        let mut rows: Vec<ScoreRow> = Vec::new();
        for (i, s) in data.submitted.iter().enumerate() {
            let pseudonym = pseudonym(&state, &round.code, s.organisation_id);
            let shown = shown_attributes(&published, i);
            for (dimension, score) in &s.scores {
                rows.push(ScoreRow {
                    round: round.code.clone(),
                    pseudonym: pseudonym.clone(),
                    kind: shown.shown(Attribute::Kind),
                    region: shown.shown(Attribute::Region),
                    country: shown.shown(Attribute::Country),
                    size_band: shown.shown(Attribute::SizeBand),
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
    /// region, country, size_band, question, dimension, value. Attributes are generalised (`*`)
    /// as in the scores export, except with `identified=true`.
    #[oai(
        path = "/rounds/:code/responses",
        method = "get",
        operation_id = "list_round_answers"
    )]
    async fn responses(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
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
        let published = published(&state, &data).await?;
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
        for (i, s) in data.submitted.iter().enumerate().take(end).skip(start) {
            let pseudonym = pseudonym(&state, &round.code, s.organisation_id);
            // Admins who asked for names see the attributes as they are.
            let shown = if identified {
                raw_attributes(&s.attributes)
            } else {
                shown_attributes(&published, i)
            };
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
                    kind: shown.shown(Attribute::Kind),
                    region: shown.shown(Attribute::Region),
                    country: shown.shown(Attribute::Country),
                    size_band: shown.shown(Attribute::SizeBand),
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

/// The attributes of respondent `index` as exports show them.
fn shown_attributes(published: &Published, index: usize) -> Generalised {
    published
        .snapshot
        .generalised(index)
        .cloned()
        .unwrap_or_default()
}

/// Attributes shown as they are (admins with `identified=true`).
fn raw_attributes(a: &OrgAttributes) -> Generalised {
    Generalised {
        kind: Some(a.kind.clone()),
        region: Some(a.region.clone()),
        country: Some(a.country.clone()),
        size_band: Some(a.size_band.clone()),
    }
}

/// An organisation's pseudonym in a round: the first 16 hex characters of an HMAC under the
/// server's key, so it is stable within the round, differs across rounds, and cannot be reversed
/// (or recomputed) without the key.
pub(super) fn pseudonym(state: &Services, round: &str, organisation_id: i32) -> String {
    let tag = keyed_hash(&state.keys.pseudonym, &format!("{round}:{organisation_id}"));
    tag.get(..16).unwrap_or(&tag).to_owned()
}
