//! Response-level rows of a round (scores and answers), each organisation under a pseudonym and
//! its attributes generalised as the round's disclosure snapshot decides.

use super::super::benchmarks::{Published, published, round_data};
use super::super::{ServiceResult, Services};
use crate::domain::answers::AnswerValue;
use crate::domain::definition::QuestionKind;
use crate::domain::disclosure::Generalised;
use crate::domain::peers::OrgAttributes;
use crate::domain::secret::keyed_hash;

/// One score of one submitted response.
pub struct ScoreRecord {
    pub round: String,
    pub pseudonym: String,
    /// The organisation's attributes as the exports show them.
    pub attributes: Generalised,
    /// A dimension key, or `overall`.
    pub dimension: String,
    pub score: f64,
}

/// Every score of every submitted response of a round, in pseudonym and dimension order.
pub async fn scores(services: &Services, code: &str) -> ServiceResult<Vec<ScoreRecord>> {
    let round = super::super::rounds::find(services, code).await?;
    let data = round_data(services, &round).await?;
    let published = published(services, &data).await?;
    let mut rows = Vec::new();
    for (i, s) in data.submitted.iter().enumerate() {
        let pseudonym = pseudonym(services, &round.code, s.organisation_id);
        let shown = shown_attributes(&published, i);
        for (dimension, score) in &s.scores {
            rows.push(ScoreRecord {
                round: round.code.clone(),
                pseudonym: pseudonym.clone(),
                attributes: shown.clone(),
                dimension: dimension.clone(),
                score: *score,
            });
        }
    }
    rows.sort_by(|a, b| (&a.pseudonym, &a.dimension).cmp(&(&b.pseudonym, &b.dimension)));
    Ok(rows)
}

/// What an answers export includes, and which organisations (a page of them, in pseudonym
/// order). Who may ask for `identified` or `include_text` is the caller's check.
#[derive(Clone, Copy, Debug)]
pub struct AnswerOptions {
    /// Organisation codes and names, and attributes as they are.
    pub identified: bool,
    /// Free-text answers too.
    pub include_text: bool,
    /// Organisations to skip, and how many to include after them.
    pub offset: u64,
    pub limit: u64,
}

/// One answer of one submitted response.
pub struct AnswerRecord {
    pub round: String,
    pub pseudonym: String,
    /// Code and name, only when `identified`.
    pub organisation: Option<(String, String)>,
    pub attributes: Generalised,
    pub question: String,
    pub dimension: Option<String>,
    pub value: AnswerValue,
}

/// A page of a round's answers, and how many organisations there are in all.
pub struct AnswerExport {
    pub rows: Vec<AnswerRecord>,
    pub total: u64,
}

/// The answers of a page of a round's submitted responses, in pseudonym order and, within one,
/// the definition's question order.
pub async fn answers(
    services: &Services,
    code: &str,
    options: AnswerOptions,
) -> ServiceResult<AnswerExport> {
    let round = super::super::rounds::find(services, code).await?;
    let data = round_data(services, &round).await?;
    let published = published(services, &data).await?;
    let total = data.submitted.len() as u64;
    // Rows, and so pages, go in pseudonym order: a keyed shuffle of the round's organisations.
    // In organisation-code order they lined up with the organisations list, which named every
    // row (issue 28).
    let mut order: Vec<(String, usize)> = data
        .submitted
        .iter()
        .enumerate()
        .map(|(i, s)| (pseudonym(services, &round.code, s.organisation_id), i))
        .collect();
    order.sort();
    let start = usize::try_from(options.offset)
        .unwrap_or(usize::MAX)
        .min(order.len());
    let end = start
        .saturating_add(usize::try_from(options.limit).unwrap_or(usize::MAX))
        .min(order.len());
    let page = &order[start..end];
    // Only this page's answers are read: the cache keeps no more of a round's answers than
    // comparisons need.
    let page_ids: Vec<i32> = page
        .iter()
        .map(|(_, i)| data.submitted[*i].response_id)
        .collect();
    let mut answers = data.answers_of(services, &page_ids).await?;
    let mut rows = Vec::new();
    for (pseudonym, i) in page {
        let (s, i) = (&data.submitted[*i], *i);
        // Admins who asked for names see the attributes as they are.
        let shown = if options.identified {
            raw_attributes(&s.attributes)
        } else {
            shown_attributes(&published, i)
        };
        let Some(mut given) = answers.remove(&s.response_id) else {
            continue;
        };
        for q in data.definition.questions() {
            let Some(value) = given.remove(&q.key) else {
                continue;
            };
            if matches!(q.kind, QuestionKind::Text { .. }) && !options.include_text {
                continue;
            }
            rows.push(AnswerRecord {
                round: round.code.clone(),
                pseudonym: pseudonym.clone(),
                organisation: options.identified.then(|| (s.code.clone(), s.name.clone())),
                attributes: shown.clone(),
                question: q.key.clone(),
                dimension: q.dimension.clone(),
                value,
            });
        }
    }
    Ok(AnswerExport { rows, total })
}

/// The attributes of respondent `index` as exports show them.
fn shown_attributes(published: &Published, index: usize) -> Generalised {
    published
        .snapshot
        .generalised(index)
        .cloned()
        .unwrap_or_default()
}

/// Attributes shown as they are (admins with `identified`).
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
fn pseudonym(services: &Services, round: &str, organisation_id: i32) -> String {
    let tag = keyed_hash(
        &services.keys.pseudonym,
        &format!("{round}:{organisation_id}"),
    );
    tag.get(..16).unwrap_or(&tag).to_owned()
}
