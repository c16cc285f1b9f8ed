//! Builds the report model from an organisation's benchmark: pure, so the same inputs always give
//! the same report (and the same PDF bytes).

use super::model::{
    DimensionResult, Disclosed as Shown, Finding, Headline, LevelBand, Method, OrganisationInfo,
    PeerGroupInfo, PeerStats, Report, RoundInfo, SurveyInfo, Term,
};
use crate::domain::benchmark::{OrgBenchmark, Position, QuestionComparison};
use crate::domain::definition::{Definition, QuestionKind};
use crate::domain::peers::Disclosed;
use chrono::{DateTime, Utc};

/// What the report needs besides the benchmark.
pub struct Inputs<'a> {
    pub definition: &'a Definition,
    pub definition_sha256: &'a str,
    pub survey_version: i32,
    pub organisation: &'a entity::organisation::Model,
    pub round: &'a entity::round::Model,
    pub previous_round: Option<&'a entity::round::Model>,
    pub k: usize,
}

/// How many strengths and gaps a report lists at most.
const FINDINGS: usize = 5;

pub fn build(
    inputs: &Inputs<'_>,
    bench: &OrgBenchmark,
    questions: &[QuestionComparison],
) -> Report {
    let def = inputs.definition;
    let org = inputs.organisation;
    Report {
        organisation: OrganisationInfo {
            code: org.code.clone(),
            name: org.name.clone(),
            kind: humanise(&org.kind),
            region: org.region.clone(),
            country: org.country.clone(),
        },
        survey: SurveyInfo {
            slug: def.slug.clone(),
            title: def.title.to_string(),
            version: inputs.survey_version,
            sha256: inputs.definition_sha256.to_owned(),
        },
        round: RoundInfo {
            code: inputs.round.code.clone(),
            name: inputs.round.name.clone(),
            opens_on: date(inputs.round.opens_at),
            closes_on: date(inputs.round.closes_at),
            previous_round: inputs.previous_round.map(|r| r.name.clone()),
        },
        as_at: date(inputs.round.closes_at),
        peer_group: PeerGroupInfo {
            label: bench.peer_group.label.clone(),
            n: bench.peer_group.n.value.unwrap_or(0),
            k: inputs.k,
            fell_back_from: bench.peer_group.skipped.clone(),
        },
        headline: Headline {
            overall_score: bench.overall.score.unwrap_or(0.0),
            level_number: bench.overall.level.unwrap_or(1),
            level_name: bench.overall.level_name.clone().unwrap_or_default(),
            percentile: shown(&bench.overall.percentile),
            quartile: shown(&bench.overall.quartile),
            peer_median: shown(&bench.overall.peers.clone().map(|s| s.median)),
            change_since_last: bench.overall.change,
        },
        levels: def
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| LevelBand { number: i as u32 + 1, name: l.name.to_string(), min_score: l.min_score })
            .collect(),
        dimensions: bench.dimensions.iter().map(dimension).collect(),
        strengths: findings(def, questions, true),
        gaps: findings(def, questions, false),
        method: Method {
            k: inputs.k,
            disclosure_rule: disclosure_rule(inputs.k),
            quantile_rule: "Quartiles and medians by linear interpolation between order statistics (Hyndman & Fan type 7, as R, numpy and pandas)".to_owned(),
            percentile_rule: "Percentile rank = (peers below + half the peers equal) / number of peers × 100".to_owned(),
            scoring_rule: "Each area scores 100 × points earned / points available over the questions shown; the overall score is the weighted mean of the areas".to_owned(),
        },
        reading_guide: reading_guide(inputs.k, inputs.previous_round.map(|r| r.name.as_str())),
    }
}

/// How figures are withheld, in the words of the report's method section.
pub fn disclosure_rule(k: usize) -> String {
    format!(
        "No figure describes fewer than {k} organisations. A group is shown only when at least \
         {} organisations responded in it, so that even one of them, knowing its own answers, \
         learns nothing about fewer than {k} others (groups of fewer than {k} are withheld: \
         primary suppression). Groups that could otherwise be worked out by adding and \
         subtracting other published figures (for example all organisations minus every kind \
         shown) are withheld too (secondary suppression), the same way in every table, report \
         and export of the round. Peers' lowest and highest scores are never shown.",
        k + 1
    )
}

/// The reading guide, worded for the disclosure threshold and the round compared with.
pub fn reading_guide(k: usize, previous_round: Option<&str>) -> Vec<Term> {
    let change = match previous_round {
        Some(previous) => format!("Points gained or lost since {previous}."),
        None => "Points gained or lost since the previous round.".to_owned(),
    };
    [
        ("Score", "From 0 to 100, from this organisation's answers. The level is the band the score falls in.".to_owned()),
        ("Percentile", "The share of peers scoring lower than this organisation: the 60th percentile is ahead of about 60 in every 100 peers.".to_owned()),
        ("Quartile", "Q1 is the lowest quarter of peers, Q4 the highest.".to_owned()),
        ("Peer median, Q1–Q3", "Half of the peers score above the median and half below; Q1–Q3 spans the middle half of the peers.".to_owned()),
        ("Change", format!("{change} Changes are not tested for statistical significance, so read small ones with care.")),
        ("Suppressed", format!("Withheld so that no organisation can be singled out: either fewer than {k} organisations lie behind it (primary suppression), or it could be worked out from other published figures (secondary suppression). A suppressed figure is never shown as zero.")),
    ]
    .into_iter()
    .map(|(term, meaning)| Term { term: term.to_owned(), meaning })
    .collect()
}

fn date(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y").to_string()
}

fn humanise(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn shown<T: Clone>(d: &Disclosed<T>) -> Shown<T> {
    Shown {
        value: d.value.clone(),
        suppressed_reason: if d.suppressed { d.reason.clone() } else { None },
    }
}

fn dimension(p: &Position) -> DimensionResult {
    DimensionResult {
        key: p.dimension.clone(),
        title: p.title.clone(),
        score: p.score.unwrap_or(0.0),
        level_name: p.level_name.clone().unwrap_or_default(),
        peers: Shown {
            value: p.peers.value.as_ref().map(|s| PeerStats {
                n: s.n,
                q1: s.q1,
                median: s.median,
                q3: s.q3,
                mean: s.mean,
            }),
            suppressed_reason: if p.peers.suppressed {
                p.peers.reason.clone()
            } else {
                None
            },
        },
        quartile: shown(&p.quartile),
        percentile: shown(&p.percentile),
        change_since_last: p.change,
    }
}

/// Question-level findings. For each scored single-choice or yes/no question, the best-scoring
/// option is the mark of maturity: a gap is a best option most peers chose and this organisation
/// did not; a strength is a best option this organisation chose and most peers did not.
fn findings(def: &Definition, questions: &[QuestionComparison], strengths: bool) -> Vec<Finding> {
    let mut found: Vec<(f64, Finding)> = Vec::new();
    for qc in questions.iter().filter(|q| !q.suppressed) {
        let Some(q) = def.question(&qc.key) else {
            continue;
        };
        let Some(dimension) = q.dimension.as_ref().and_then(|d| def.dimension(d)) else {
            continue;
        };
        let best = match &q.kind {
            QuestionKind::SingleChoice { options } => options
                .iter()
                .max_by(|a, b| a.score.unwrap_or(0.0).total_cmp(&b.score.unwrap_or(0.0)))
                .map(|o| o.value.clone()),
            QuestionKind::YesNo { scores: Some(s) } => {
                Some(if s.yes >= s.no { "yes" } else { "no" }.to_owned())
            }
            _ => None,
        };
        let Some(best) = best else { continue };
        let Some(option) = qc.options.iter().find(|o| o.value == best) else {
            continue;
        };
        let Some(share) = option.share else { continue };
        let answered_here = qc.options.iter().any(|o| o.chosen);
        let percent = (share * 100.0).round();
        let text = if strengths && option.chosen && share < 0.5 {
            format!(
                "You answered “{}” to “{}”; only {percent}% of peers did.",
                option.label, q.prompt
            )
        } else if !strengths && answered_here && !option.chosen && share >= 0.5 {
            format!(
                "{percent}% of peers answered “{}” to “{}”; you did not.",
                option.label, q.prompt
            )
        } else {
            continue;
        };
        let rank = if strengths { share } else { -share };
        found.push((
            rank,
            Finding {
                dimension_title: dimension.title.to_string(),
                question_key: q.key.clone(),
                text,
            },
        ));
    }
    found.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then_with(|| a.1.question_key.cmp(&b.1.question_key))
    });
    found.into_iter().take(FINDINGS).map(|(_, f)| f).collect()
}
