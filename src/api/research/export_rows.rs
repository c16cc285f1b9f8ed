//! The rows of response-level exports: one row per organisation and answer or score, under a
//! pseudonym, with the organisation's attributes generalised as the round's disclosure snapshot
//! decides (`*` where a value is withheld), so every combination shown describes at least k
//! organisations.

use super::super::media_types::CsvRow;
use super::super::pagination::PageInfo;
use crate::domain::answers::AnswerValue;
use poem_openapi::Object;

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
    /// The organisation's attributes, `*` where withheld to keep the row among at least k
    /// (shown as they are with `identified=true`).
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
    /// The organisation's attributes, `*` where withheld to keep the row among at least k.
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

/// An answer as one text cell: several values joined by `;`.
pub(super) fn answer_text(value: &AnswerValue) -> String {
    match value {
        AnswerValue::Text(t) => t.clone(),
        AnswerValue::Integer(n) => n.to_string(),
        AnswerValue::Number(x) => x.to_string(),
        AnswerValue::Choices(values) => values.join(";"),
    }
}
