//! Builds the report model from an organisation's benchmark: pure, so the same inputs always give
//! the same report (and the same PDF bytes).

use super::model::{
    DimensionResult, Disclosed as Shown, Finding, Headline, LevelBand, Method, OrganisationInfo,
    PeerGroupInfo, PeerStats, Report, RoundInfo, SurveyInfo, Term,
};
use crate::catalogue::{self, plain};
use crate::domain::benchmark::{OrgBenchmark, Position, QuestionComparison};
use crate::domain::definition::{Definition, QuestionKind};
use crate::domain::language::Language;
use crate::domain::peers::Disclosed;
use crate::report::words;

/// What the report needs besides the benchmark.
pub struct Inputs<'a> {
    pub definition: &'a Definition,
    pub definition_sha256: &'a str,
    pub survey_version: i32,
    pub organisation: &'a entity::organisation::Model,
    pub round: &'a entity::round::Model,
    pub previous_round: Option<&'a entity::round::Model>,
    pub k: usize,
    /// The report's language; the definition's texts in it when it has them.
    pub language: Language,
}

/// How many strengths and gaps a report lists at most.
const FINDINGS: usize = 5;

pub fn build(
    inputs: &Inputs<'_>,
    bench: &OrgBenchmark,
    questions: &[QuestionComparison],
) -> Report {
    let lang = inputs.definition.language_for(inputs.language);
    let def = &inputs.definition.localized(lang);
    let org = inputs.organisation;
    let level_name = |number: u32| {
        def.levels
            .get(number.saturating_sub(1) as usize)
            .map(|l| l.name.to_string())
    };
    Report {
        language: lang,
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
            opens_on: lang.date(inputs.round.opens_at.date_naive()),
            closes_on: lang.date(inputs.round.closes_at.date_naive()),
            previous_round: inputs.previous_round.map(|r| r.name.clone()),
        },
        as_at: lang.date(inputs.round.closes_at.date_naive()),
        peer_group: PeerGroupInfo {
            label: words::group_label(&bench.peer_group.label, lang),
            n: bench.peer_group.n.value.unwrap_or(0),
            k: inputs.k,
            fell_back_from: bench
                .peer_group
                .skipped
                .iter()
                .map(|s| words::reason(s, lang))
                .collect(),
        },
        headline: Headline {
            overall_score: bench.overall.score.unwrap_or(0.0),
            level_number: bench.overall.level.unwrap_or(1),
            level_name: bench
                .overall
                .level
                .and_then(level_name)
                .or_else(|| bench.overall.level_name.clone())
                .unwrap_or_default(),
            percentile: shown(&bench.overall.percentile, lang),
            quartile: shown(&bench.overall.quartile, lang),
            peer_median: shown(&bench.overall.peers.clone().map(|s| s.median), lang),
            change_since_last: bench.overall.change,
        },
        levels: def
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| LevelBand {
                number: i as u32 + 1,
                name: l.name.to_string(),
                min_score: l.min_score,
            })
            .collect(),
        dimensions: bench
            .dimensions
            .iter()
            .map(|p| dimension(p, def, lang))
            .collect(),
        strengths: findings(def, questions, true, lang),
        gaps: findings(def, questions, false, lang),
        method: Method {
            k: inputs.k,
            disclosure_rule: disclosure_rule(inputs.k, lang),
            quantile_rule: plain(lang, "report-quantile-rule"),
            percentile_rule: plain(lang, "report-percentile-rule"),
            scoring_rule: plain(lang, "report-scoring-rule"),
        },
        reading_guide: reading_guide(
            inputs.k,
            inputs.previous_round.map(|r| r.name.as_str()),
            lang,
        ),
    }
}

/// How figures are withheld, in the words of the report's method section.
pub fn disclosure_rule(k: usize, lang: Language) -> String {
    catalogue::text(
        lang,
        "report-disclosure-rule",
        &[("k", k.into()), ("k1", (k + 1).into())],
    )
}

/// The reading guide, worded for the disclosure threshold and the round compared with.
pub fn reading_guide(k: usize, previous_round: Option<&str>, lang: Language) -> Vec<Term> {
    let change = match previous_round {
        Some(previous) => catalogue::text(
            lang,
            "report-term-change-since",
            &[("round", previous.into())],
        ),
        None => plain(lang, "report-term-change-since-previous"),
    };
    [
        (
            "report-term-score",
            plain(lang, "report-term-score-meaning"),
        ),
        (
            "report-term-percentile",
            plain(lang, "report-term-percentile-meaning"),
        ),
        (
            "report-term-quartile",
            plain(lang, "report-term-quartile-meaning"),
        ),
        (
            "report-term-median",
            plain(lang, "report-term-median-meaning"),
        ),
        (
            "report-term-change",
            format!("{change} {}", plain(lang, "report-term-change-care")),
        ),
        (
            "report-term-suppressed",
            catalogue::text(lang, "report-term-suppressed-meaning", &[("k", k.into())]),
        ),
    ]
    .into_iter()
    .map(|(term, meaning)| Term {
        term: plain(lang, term),
        meaning,
    })
    .collect()
}

fn humanise(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn shown<T: Clone>(d: &Disclosed<T>, lang: Language) -> Shown<T> {
    Shown {
        value: d.value.clone(),
        suppressed_reason: withheld_because(d, lang),
    }
}

/// The reason a disclosed figure is withheld, in the report's language.
fn withheld_because<T>(d: &Disclosed<T>, lang: Language) -> Option<String> {
    d.suppressed
        .then(|| d.reason.as_deref().map(|r| words::reason(r, lang)))
        .flatten()
}

fn dimension(p: &Position, def: &Definition, lang: Language) -> DimensionResult {
    DimensionResult {
        key: p.dimension.clone(),
        title: def
            .dimension(&p.dimension)
            .map_or_else(|| p.title.clone(), |d| d.title.to_string()),
        score: p.score.unwrap_or(0.0),
        level_name: p
            .score
            .map(|s| def.level_for(s).name.to_string())
            .or_else(|| p.level_name.clone())
            .unwrap_or_default(),
        peers: Shown {
            value: p.peers.value.as_ref().map(|s| PeerStats {
                n: s.n,
                q1: s.q1,
                median: s.median,
                q3: s.q3,
                mean: s.mean,
            }),
            suppressed_reason: withheld_because(&p.peers, lang),
        },
        quartile: shown(&p.quartile, lang),
        percentile: shown(&p.percentile, lang),
        change_since_last: p.change,
    }
}

/// Question-level findings. For each scored single-choice or yes/no question, the best-scoring
/// option is the mark of maturity: a gap is a best option most peers chose and this organisation
/// did not; a strength is a best option this organisation chose and most peers did not.
fn findings(
    def: &Definition,
    questions: &[QuestionComparison],
    strengths: bool,
    lang: Language,
) -> Vec<Finding> {
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
        let label = match best.as_str() {
            "yes" | "no" if matches!(q.kind, QuestionKind::YesNo { .. }) => {
                plain(lang, &format!("respond-{best}"))
            }
            _ => q
                .option(&best)
                .map_or_else(|| option.label.clone(), |o| o.label.to_string()),
        };
        let key = if strengths && option.chosen && share < 0.5 {
            "report-strength"
        } else if !strengths && answered_here && !option.chosen && share >= 0.5 {
            "report-gap"
        } else {
            continue;
        };
        let text = catalogue::text(
            lang,
            key,
            &[
                ("option", label.into()),
                ("question", q.prompt.to_string().into()),
                ("percent", percent.into()),
            ],
        );
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
