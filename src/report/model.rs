//! The benchmark report of one organisation in one round, as plain data. Built from the benchmark
//! (no I/O), then rendered as HTML and as PDF from this same value, so the two always agree.
//! Every figure is already computed: renderers only lay it out.

use crate::domain::language::Language;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The language every text of the report is in (its survey's texts and the fixed ones).
    pub language: Language,
    pub organisation: OrganisationInfo,
    pub survey: SurveyInfo,
    pub round: RoundInfo,
    /// The date printed as "as at": the round's closing date, never the wall clock, so the same
    /// data always gives the same bytes.
    pub as_at: String,
    pub peer_group: PeerGroupInfo,
    pub headline: Headline,
    /// Maturity levels, lowest first, for chart backgrounds and the legend.
    pub levels: Vec<LevelBand>,
    /// One entry per dimension, in the definition's order.
    pub dimensions: Vec<DimensionResult>,
    /// Question-level findings where the organisation is ahead of most peers.
    pub strengths: Vec<Finding>,
    /// Question-level findings where most peers are ahead.
    pub gaps: Vec<Finding>,
    pub method: Method,
    /// What each figure means, in the words both the page and the PDF print.
    pub reading_guide: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrganisationInfo {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub country: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SurveyInfo {
    pub slug: String,
    pub title: String,
    pub version: i32,
    /// Hex SHA-256 of the definition.
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoundInfo {
    pub code: String,
    pub name: String,
    /// e.g. "5 January 2026".
    pub opens_on: String,
    pub closes_on: String,
    /// The previous round of the same survey the changes are measured against, if any.
    pub previous_round: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeerGroupInfo {
    /// e.g. "Acute trusts in North West".
    pub label: String,
    /// Submitted responses in the group (including this organisation).
    pub n: usize,
    /// The disclosure threshold: groups smaller than this are never shown.
    pub k: usize,
    /// Narrower groups that were too small and skipped, e.g. ["Acute trusts in North West (3)"].
    pub fell_back_from: Vec<String>,
}

/// A figure that may be withheld: `value` is `None` exactly when `suppressed_reason` is set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disclosed<T> {
    pub value: Option<T>,
    pub suppressed_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Headline {
    /// 0 to 100.
    pub overall_score: f64,
    pub level_number: u32,
    pub level_name: String,
    /// Percentile rank among peers, 0 to 100.
    pub percentile: Disclosed<f64>,
    /// 1 (lowest quarter) to 4 (highest).
    pub quartile: Disclosed<u8>,
    pub peer_median: Disclosed<f64>,
    /// Points since the previous round; `None` when there is no previous response.
    pub change_since_last: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LevelBand {
    pub number: u32,
    pub name: String,
    pub min_score: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeerStats {
    pub n: usize,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub mean: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DimensionResult {
    pub key: String,
    pub title: String,
    pub score: f64,
    pub level_name: String,
    pub peers: Disclosed<PeerStats>,
    pub quartile: Disclosed<u8>,
    pub percentile: Disclosed<f64>,
    pub change_since_last: Option<f64>,
}

/// One question-level comparison, already worded: "71% of peers have a board-approved strategy;
/// you do not."
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub dimension_title: String,
    pub question_key: String,
    pub text: String,
}

/// A term of the reading guide and what it means.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Term {
    pub term: String,
    pub meaning: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Method {
    pub k: usize,
    /// Disclosure control in plain words: primary and secondary suppression.
    pub disclosure_rule: String,
    pub quantile_rule: String,
    pub percentile_rule: String,
    pub scoring_rule: String,
}
