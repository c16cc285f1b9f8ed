//! The national summary of a round: every organisation in aggregate, overall and by kind, as
//! plain data for the HTML page and the PDF. Groups below the disclosure threshold show nothing
//! but the reason.

use crate::catalogue::plain;
use crate::domain::benchmark::GroupDimension;
use crate::domain::definition::Definition;
use crate::domain::language::Language;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryReport {
    /// The language of every text (the survey's and the fixed ones).
    pub language: Language,
    pub survey_title: String,
    pub survey_slug: String,
    pub survey_version: i32,
    pub sha256: String,
    pub round_code: String,
    pub round_name: String,
    /// The round's closing date: the report's "as at", never the wall clock.
    pub as_at: String,
    pub k: usize,
    pub invited: usize,
    pub submitted: usize,
    /// Dimension titles in the definition's order, `Overall` first; the columns of every table.
    pub columns: Vec<String>,
    /// One row per group: all organisations first, then each kind.
    pub rows: Vec<SummaryRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryRow {
    pub label: String,
    /// Submitted responses in the group; `None` when suppressed.
    pub n: Option<usize>,
    /// Median and inter-quartile range per column, `None` when suppressed.
    pub cells: Vec<Option<SummaryCell>>,
    pub suppressed_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryCell {
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
    pub mean: f64,
}

pub struct SummaryInputs<'a> {
    pub definition: &'a Definition,
    pub sha256: &'a str,
    pub survey_version: i32,
    pub round: &'a entity::round::Model,
    pub k: usize,
    pub invited: usize,
    pub submitted: usize,
    /// The summary's language; the definition's texts in it when it has them.
    pub language: Language,
}

/// Builds the summary from the statistics of all organisations and of each kind.
pub fn build(
    inputs: &SummaryInputs<'_>,
    all: &[GroupDimension],
    by_kind: &[GroupDimension],
) -> SummaryReport {
    let lang = inputs.definition.language_for(inputs.language);
    let def = &inputs.definition.localized(lang);
    let keys: Vec<(String, String)> =
        std::iter::once(("overall".to_owned(), plain(lang, "summary-overall")))
            .chain(
                def.dimensions
                    .iter()
                    .map(|d| (d.key.clone(), d.title.to_string())),
            )
            .collect();
    let mut rows = Vec::new();
    for stats in [all, by_kind] {
        let mut labels: Vec<&str> = stats.iter().map(|g| g.label.as_str()).collect();
        labels.dedup();
        for label in labels {
            let group: Vec<&GroupDimension> = stats.iter().filter(|g| g.label == label).collect();
            let first = group.first();
            let shown_label = if label == "all organisations" {
                plain(lang, "summary-all")
            } else {
                label
                    .strip_prefix("kind ")
                    .map_or_else(|| label.to_owned(), humanise)
            };
            rows.push(SummaryRow {
                label: shown_label,
                n: first.and_then(|g| g.n.value),
                cells: keys
                    .iter()
                    .map(|(key, _)| {
                        group
                            .iter()
                            .find(|g| &g.dimension == key)
                            .and_then(|g| g.stats.value.as_ref())
                            .map(|s| SummaryCell {
                                median: s.median,
                                q1: s.q1,
                                q3: s.q3,
                                mean: s.mean,
                            })
                    })
                    .collect(),
                suppressed_reason: first
                    .and_then(|g| g.n.reason.as_deref())
                    .map(|r| super::words::reason(r, lang)),
            });
        }
    }
    SummaryReport {
        language: lang,
        survey_title: def.title.to_string(),
        survey_slug: def.slug.clone(),
        survey_version: inputs.survey_version,
        sha256: inputs.sha256.to_owned(),
        round_code: inputs.round.code.clone(),
        round_name: inputs.round.name.clone(),
        as_at: lang.date(inputs.round.closes_at.date_naive()),
        k: inputs.k,
        invited: inputs.invited,
        submitted: inputs.submitted,
        columns: keys.into_iter().map(|(_, title)| title).collect(),
        rows,
    }
}

fn humanise(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}
