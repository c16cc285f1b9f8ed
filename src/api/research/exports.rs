//! Response-level exports (scores and answers under pseudonyms) and the round's disclosure
//! summary: what the snapshot withheld and how much it generalised.

use super::super::ApiTags;
use super::super::auth::ApiKeyAuth;
use super::super::errors::{Answer, status::*};
use super::super::media_types::{CsvRow, Table, table, to_csv, wants_csv};
use super::super::pagination::Paging;
use super::export_rows::{AnswerPage, AnswerRow, ScoreRow, answer_text};
use crate::domain::peers::Attribute;
use crate::domain::role::Role;
use crate::service::Services;
use crate::service::research::{self, AnswerOptions};
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
        let research::RoundDisclosure { round, summary } =
            research::disclosure(&state, &code.0).await?;
        Ok(Json(DisclosureSummary {
            round: round.code,
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
        let rows: Vec<ScoreRow> = research::scores(&state, &code.0)
            .await?
            .into_iter()
            .map(|s| ScoreRow {
                round: s.round,
                pseudonym: s.pseudonym,
                kind: s.attributes.shown(Attribute::Kind),
                region: s.attributes.shown(Attribute::Region),
                country: s.attributes.shown(Attribute::Country),
                size_band: s.attributes.shown(Attribute::SizeBand),
                dimension: s.dimension,
                score: s.score,
            })
            .collect();
        Ok(table(req, rows))
    }

    /// Response-level answers (long form)
    ///
    /// Who may call: researcher or admin; `identified=true` and `include_text=true` are for
    /// admins only (403 otherwise). One row per submitted organisation and answered question, the
    /// organisation replaced by a pseudonym (HMAC of the round and organisation under the
    /// server's key: stable within a round, different across rounds). Free-text answers are left
    /// out unless `include_text=true`. Paged by organisation, in pseudonym order (which carries
    /// nothing about the organisation): `per_page` organisations (default 100, at most 10,000).
    /// Columns: round, pseudonym, organisation, organisation_name, kind,
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
        let paging = Paging {
            page: page.0.unwrap_or(1),
            per_page: per_page.0.unwrap_or(100),
        };
        let options = AnswerOptions {
            identified,
            include_text,
            offset: paging.offset(),
            limit: paging.per_page,
        };
        let export = research::answers(&state, &code.0, options).await?;
        let items = export
            .rows
            .into_iter()
            .map(|a| {
                let (organisation, organisation_name) = a.organisation.unzip();
                AnswerRow {
                    round: a.round,
                    pseudonym: a.pseudonym,
                    organisation,
                    organisation_name,
                    kind: a.attributes.shown(Attribute::Kind),
                    region: a.attributes.shown(Attribute::Region),
                    country: a.attributes.shown(Attribute::Country),
                    size_band: a.attributes.shown(Attribute::SizeBand),
                    question: a.question,
                    dimension: a.dimension,
                    value: answer_text(&a.value),
                }
            })
            .collect();
        let page = AnswerPage {
            items,
            page: paging.info(export.total),
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
