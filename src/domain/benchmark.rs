//! An organisation's position among its peers, and researchers' statistics of peer groups, all
//! computed from the scores stored at submission (never by re-scoring). Every figure about a group
//! passes through the group's [`Verdict`] from the round's disclosure snapshot, so nothing is
//! published about a group that disclosure control withholds.

use super::choice_bits::{ChoiceLayout, ChoiceMarks, choice_options};
use super::definition::{Definition, Question};
use super::disclosure::{Snapshot, Verdict};
use super::peers::{Choice, Disclosed, GroupKey, Grouping, OrgAttributes, Threshold};
use super::stats::{Summary, percentile_rank, quartile_of, summarise};
use serde::Serialize;
use std::collections::BTreeMap;

/// The key of the overall score among the dimension scores.
pub const OVERALL: &str = "overall";

/// One submitted response as benchmarks see it.
pub struct Member<'a> {
    pub attributes: &'a OrgAttributes,
    /// Score by dimension key, `overall` included.
    pub scores: &'a BTreeMap<String, f64>,
}

/// Where an organisation stands on one dimension (or overall) within its peer group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Position {
    /// A dimension key, or `overall`.
    pub dimension: String,
    pub title: String,
    pub score: Option<f64>,
    pub level: Option<u32>,
    pub level_name: Option<String>,
    /// The peer group's statistics (the organisation included).
    pub peers: Disclosed<Summary>,
    /// (peers below + half the peers equal) / n × 100.
    pub percentile: Disclosed<f64>,
    /// 1 (lowest quarter) to 4.
    pub quartile: Disclosed<u8>,
    /// Score minus the peer median.
    pub difference_from_median: Disclosed<f64>,
    /// The score in the previous round of the same survey, matched by dimension key.
    pub previous_score: Option<f64>,
    pub change: Option<f64>,
}

/// The peer group an organisation's benchmark used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeerGroup {
    /// The attributes shared, e.g. `kind,region`, or `all`.
    pub grouping: String,
    pub key: GroupKey,
    pub label: String,
    /// Submitted responses in the group, the organisation's included.
    pub n: Disclosed<usize>,
    /// Narrower groups skipped because they were smaller than the threshold.
    pub skipped: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrgBenchmark {
    pub peer_group: PeerGroup,
    pub overall: Position,
    pub dimensions: Vec<Position>,
}

/// A peer group's scores, sorted per dimension once so that every member's position is cheap.
pub struct GroupFigures {
    pub n: usize,
    sorted: BTreeMap<String, Vec<f64>>,
    summaries: BTreeMap<String, Summary>,
}

impl GroupFigures {
    pub fn new(population: &[Member<'_>], members: &[usize]) -> Self {
        let mut sorted: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for &i in members {
            for (dimension, score) in population[i].scores {
                sorted.entry(dimension.clone()).or_default().push(*score);
            }
        }
        for values in sorted.values_mut() {
            values.sort_by(f64::total_cmp);
        }
        let summaries = sorted
            .iter()
            .filter_map(|(d, v)| summarise(v).map(|s| (d.clone(), s)))
            .collect();
        GroupFigures {
            n: members.len(),
            sorted,
            summaries,
        }
    }
}

/// Where `score` stands on one dimension among a group's figures.
pub fn position(
    def: &Definition,
    dimension: &str,
    title: &str,
    score: Option<f64>,
    group: &GroupFigures,
    previous_score: Option<f64>,
    (verdict, k): (Verdict, Threshold),
) -> Position {
    let values = group
        .sorted
        .get(dimension)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let summary = group.summaries.get(dimension);
    let peers = verdict.disclose(k, || summary.cloned());
    Position {
        dimension: dimension.to_owned(),
        title: title.to_owned(),
        score,
        level: score.map(|s| def.level_number_for(s)),
        level_name: score.map(|s| def.level_for(s).name.to_string()),
        peers: Disclosed {
            value: peers.value.flatten(),
            suppressed: peers.suppressed,
            reason: peers.reason,
            suppression: peers.suppression,
        },
        percentile: verdict.disclose(k, || score.map_or(f64::NAN, |s| percentile_rank(values, s))),
        quartile: verdict.disclose(k, || match (summary, score) {
            (Some(sum), Some(s)) => quartile_of(sum, s),
            _ => 0,
        }),
        difference_from_median: verdict.disclose(k, || match (summary, score) {
            (Some(sum), Some(s)) => s - sum.median,
            _ => f64::NAN,
        }),
        change: match (score, previous_score) {
            (Some(now), Some(then)) => Some(now - then),
            _ => None,
        },
        previous_score,
    }
}

/// An organisation's benchmark from its scores and its chosen group's figures.
pub fn assemble(
    def: &Definition,
    scores: &BTreeMap<String, f64>,
    choice: &Choice,
    group: &GroupFigures,
    previous: Option<&BTreeMap<String, f64>>,
    verdict: Verdict,
    k: Threshold,
) -> OrgBenchmark {
    let at = |key: &str, title: &str| {
        position(
            def,
            key,
            title,
            scores.get(key).copied(),
            group,
            previous.and_then(|p| p.get(key).copied()),
            (verdict, k),
        )
    };
    OrgBenchmark {
        peer_group: PeerGroup {
            grouping: choice.grouping.to_string(),
            key: choice.key.clone(),
            label: choice.label.clone(),
            n: verdict.disclose(k, || group.n),
            skipped: choice.skipped.clone(),
        },
        overall: at(OVERALL, "Overall"),
        dimensions: def
            .dimensions
            .iter()
            .map(|d| at(&d.key, &d.title))
            .collect(),
    }
}

/// The benchmark of `population[org]` within the first group of the fallback chain that
/// `snapshot` publishes. `previous` holds the organisation's scores in the previous round, if it
/// took part.
pub fn benchmark(
    def: &Definition,
    population: &[Member<'_>],
    org: usize,
    previous: Option<&BTreeMap<String, f64>>,
    snapshot: &Snapshot,
) -> (OrgBenchmark, Choice) {
    let choice = snapshot.choose(population[org].attributes, &super::peers::fallback_chain());
    let verdict = snapshot.verdict(&choice.grouping, &choice.key);
    let group = GroupFigures::new(population, &choice.members);
    (
        assemble(
            def,
            population[org].scores,
            &choice,
            &group,
            previous,
            verdict,
            snapshot.threshold(),
        ),
        choice,
    )
}

/// How many peers gave one option, and what share of those who answered.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OptionShare {
    pub value: String,
    pub label: String,
    pub count: Option<usize>,
    /// 0 to 1 of the peers who answered the question.
    pub share: Option<f64>,
    /// Whether the organisation chose this option.
    pub chosen: bool,
    /// Every peer who answered chose it: published, and flagged, since it tells each of them what
    /// all the others answered (see the README on what is not promised).
    pub unanimous: bool,
}

/// One choice question: the organisation's answer beside its peers' answers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuestionComparison {
    pub key: String,
    pub prompt: String,
    pub dimension: Option<String>,
    /// Peers who were asked the question and answered it.
    pub answered: Disclosed<usize>,
    pub options: Vec<OptionShare>,
    pub suppressed: bool,
    pub reason: Option<String>,
}

/// Counts of each option among a group given as [`ChoiceMarks`] under `layout` (which must be
/// `def`'s), for every choice question: a member counts towards a question if it was asked and
/// answered it (so `show_if` is honoured), and towards each option it chose.
pub fn count_marked(
    def: &Definition,
    layout: &ChoiceLayout,
    group: &[&ChoiceMarks],
    verdict: Verdict,
    k: Threshold,
) -> Vec<QuestionComparison> {
    let questions: Vec<&Question> = def.questions().collect();
    let mut out = Vec::new();
    for (nth, (at, _, _)) in layout.questions().enumerate() {
        let q = questions[at];
        let Some(options) = choice_options(q) else {
            continue;
        };
        let mut n = 0;
        let mut counts = vec![0usize; options.len()];
        for marks in group.iter().filter(|m| layout.counted(m, nth)) {
            n += 1;
            for (i, count) in counts.iter_mut().enumerate() {
                if layout.chose(marks, nth, i) {
                    *count += 1;
                }
            }
        }
        let answered = verdict.disclose(k, || n);
        let options = options
            .into_iter()
            .zip(counts)
            .map(|((value, label), count)| OptionShare {
                chosen: false,
                unanimous: answered.value.is_some() && n > 0 && count == n,
                count: answered.value.map(|_| count),
                share: answered.value.map(|n| count as f64 / n as f64),
                value,
                label,
            })
            .collect();
        out.push(QuestionComparison {
            key: q.key.clone(),
            prompt: q.prompt.to_string(),
            dimension: q.dimension.clone(),
            suppressed: answered.suppressed,
            reason: answered.reason.clone(),
            answered,
            options,
        });
    }
    out
}

/// Marks the options an organisation chose, from its [`ChoiceMarks`] under `layout`.
/// `comparisons` are those [`count_marked`] gave for the same layout, in its order.
pub fn mark_chosen_in(
    comparisons: &mut [QuestionComparison],
    layout: &ChoiceLayout,
    own: &ChoiceMarks,
) {
    for ((nth, _), q) in layout.questions().enumerate().zip(comparisons) {
        for (i, o) in q.options.iter_mut().enumerate() {
            o.chosen = layout.chose(own, nth, i);
        }
    }
}

/// One group's statistics for one dimension (or overall).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupDimension {
    pub group: GroupKey,
    pub label: String,
    pub dimension: String,
    pub n: Disclosed<usize>,
    pub stats: Disclosed<Summary>,
}

/// Statistics of every group of `grouping` for every dimension and overall, groups in key order,
/// each published or withheld as `snapshot` decides.
pub fn statistics(
    def: &Definition,
    population: &[Member<'_>],
    grouping: &Grouping,
    snapshot: &Snapshot,
) -> Vec<GroupDimension> {
    let k = snapshot.threshold();
    let mut out = Vec::new();
    let dimensions: Vec<String> = std::iter::once(OVERALL.to_owned())
        .chain(def.dimensions.iter().map(|d| d.key.clone()))
        .collect();
    for (key, cell) in snapshot.cells(grouping) {
        let n = cell.members.len();
        for dimension in &dimensions {
            let values: Vec<f64> = cell
                .members
                .iter()
                .filter_map(|&i| population[i].scores.get(dimension).copied())
                .collect();
            let stats = cell.verdict.disclose(k, || summarise(&values));
            out.push(GroupDimension {
                label: key.label(),
                group: key.clone(),
                dimension: dimension.clone(),
                n: cell.verdict.disclose(k, || n),
                stats: Disclosed {
                    value: stats.value.flatten(),
                    suppressed: stats.suppressed,
                    reason: stats.reason,
                    suppression: stats.suppression,
                },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
