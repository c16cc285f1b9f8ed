//! Disclosure control for one round: which groups' figures may be published, and how the
//! organisation attributes of response-level rows are generalised. Decided once per round state
//! (a [`Snapshot`]) and read by every table, benchmark, report and export, so no two outputs can
//! disagree about what is withheld. Pure: it reads nothing and writes nothing, and the same data
//! always gives the same snapshot, so every server instance publishes the same cells.
//!
//! # The method
//! Every figure Soundings publishes about a group (a count, a sum behind a mean, a count of an
//! option) is a sum over the group's members. A reader who adds and subtracts published figures
//! learns exactly the sums over sets that can be written as such combinations. So the snapshot
//! splits the round's respondents into *blocks* of at least k + 1 organisations and publishes a
//! group's figures only when the group is a whole number of blocks:
//!
//! - every combination of published figures is then a combination of block totals, so any set
//!   whose total can be worked out is a union of blocks: none holds 1 to k organisations;
//! - an organisation reading its own benchmark, which knows its own answers, can take itself out
//!   of a block and is still left with at least k others (hence k + 1, not k);
//! - the blocks are also the classes of the response-level exports: a row shows an attribute only
//!   where all its block share it (`*` otherwise), so every combination of attribute values shown
//!   describes at least k + 1 organisations (k-anonymity).
//!
//! Blocks are found by splitting the respondents by kind, then country, region and size band (the
//! order peer groups are used in): at each step the values with at least k + 1 respondents become
//! blocks of their own, and the smaller ones are pooled (with the smallest large value if the pool
//! is still too small). Groups of fewer than k respondents are *primary* suppressions; the groups
//! that are withheld because they cut across a block are *secondary* ones.
//!
//! Across rounds, a group published now must have the same respondents as in every earlier round
//! of the survey, or differ by at least k: otherwise the change in its figures would estimate the
//! answers of the few organisations that joined or left. Blocks are pooled until that holds.

mod blocks;
mod groups;
pub mod releases;
#[cfg(test)]
mod tests;

pub use super::peers::Suppression;
use super::peers::{Attribute, Choice, Disclosed, GroupKey, Grouping, OrgAttributes, Threshold};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Whether a group's figures are published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Published,
    Suppressed(Suppression),
}

impl Verdict {
    pub fn is_published(self) -> bool {
        self == Verdict::Published
    }

    /// `value()` when published; otherwise nothing (never 0), with the reason.
    pub fn disclose<T>(self, k: Threshold, value: impl FnOnce() -> T) -> Disclosed<T> {
        match self {
            Verdict::Published => Disclosed {
                value: Some(value()),
                suppressed: false,
                reason: None,
                suppression: None,
            },
            Verdict::Suppressed(why) => Disclosed {
                value: None,
                suppressed: true,
                reason: Some(why.reason(k)),
                suppression: Some(why),
            },
        }
    }
}

/// Which rules a snapshot applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Rules {
    /// Primary and secondary suppression, across rounds, and k-anonymous exports.
    #[default]
    Full,
    /// Only groups of fewer than k are withheld and exports are not generalised: the behaviour
    /// before secondary suppression, kept so the test suite can show the attacks it allowed.
    /// Never reachable from the command line or the environment.
    PrimaryOnly,
}

/// A respondent as disclosure control sees it: who (to follow it across rounds) and its
/// attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Respondent {
    pub organisation_id: i32,
    pub attributes: OrgAttributes,
}

/// One group of a grouping: its members (indices into the respondents) and whether it is shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub members: Vec<usize>,
    pub verdict: Verdict,
}

/// An organisation's attributes as response-level rows show them: `None` where the value is
/// withheld (printed `*`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Generalised {
    pub kind: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub size_band: Option<String>,
}

impl Generalised {
    /// What a withheld attribute reads as in exports.
    pub const WITHHELD: &'static str = "*";

    fn get(&self, a: Attribute) -> &Option<String> {
        match a {
            Attribute::Kind => &self.kind,
            Attribute::Region => &self.region,
            Attribute::Country => &self.country,
            Attribute::SizeBand => &self.size_band,
        }
    }

    /// The attribute's value as printed: the value, or `*`.
    pub fn shown(&self, a: Attribute) -> String {
        self.get(a)
            .clone()
            .unwrap_or_else(|| Self::WITHHELD.to_owned())
    }
}

/// How much disclosure control withheld in a round, for the people who read its outputs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub k: usize,
    pub respondents: usize,
    /// The smallest class of the response-level exports (k + 1 or more, or all respondents when
    /// there are fewer).
    pub smallest_class: usize,
    pub classes: usize,
    /// Respondents whose value of each attribute is shown as `*` in the exports.
    pub generalised: BTreeMap<&'static str, usize>,
    /// Per grouping (`kind,region`): groups published, withheld (primary), withheld (secondary).
    pub groupings: Vec<GroupingSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupingSummary {
    pub grouping: String,
    pub published: usize,
    pub primary: usize,
    pub secondary: usize,
}

/// What may be published about one round's respondents.
#[derive(Debug)]
pub struct Snapshot {
    k: Threshold,
    rules: Rules,
    blocks: Vec<Vec<usize>>,
    labels: Vec<Generalised>,
    block_of: Vec<usize>,
    cells: HashMap<Grouping, BTreeMap<GroupKey, Cell>>,
}

/// Every grouping researchers can ask for: each subset of the attributes.
pub fn every_grouping() -> Vec<Grouping> {
    (0u8..16)
        .map(|bits| {
            let chosen: Vec<Attribute> = Attribute::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, a)| a)
                .collect();
            Grouping::of(&chosen)
        })
        .collect()
}

impl Snapshot {
    /// Decides what may be published about `respondents` (this round's), given the respondents
    /// of every earlier round of the same survey.
    pub fn build(
        respondents: &[Respondent],
        earlier: &[Vec<Respondent>],
        k: Threshold,
        rules: Rules,
    ) -> Snapshot {
        let attributes: Vec<OrgAttributes> =
            respondents.iter().map(|r| r.attributes.clone()).collect();
        let groupings = every_grouping();
        let partitions = groups::partitions(&groupings, &attributes);
        let protection = match rules {
            Rules::Full => blocks::protected(respondents, earlier, &partitions, k),
            // Every organisation on its own: the attributes are shown as they are.
            Rules::PrimaryOnly => blocks::Protection {
                blocks: (0..respondents.len()).map(|i| vec![i]).collect(),
                frozen: false,
            },
        };
        let blocks = protection.blocks;
        let labels = blocks
            .iter()
            .map(|b| blocks::label(&attributes, b))
            .collect();
        let block_of = blocks::block_index(&blocks, respondents.len());
        let cells = partitions
            .into_iter()
            .map(|(g, parts)| {
                let verdicts =
                    blocks::verdicts(&parts, &block_of, &blocks, k, rules, protection.frozen);
                let cells = parts
                    .into_iter()
                    .zip(verdicts)
                    .map(|((key, members), verdict)| (key, Cell { members, verdict }))
                    .collect();
                (g, cells)
            })
            .collect();
        Snapshot {
            k,
            rules,
            blocks,
            labels,
            block_of,
            cells,
        }
    }

    pub fn threshold(&self) -> Threshold {
        self.k
    }

    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// The groups of `grouping` that have respondents, in key order, each with its verdict.
    pub fn cells(&self, grouping: &Grouping) -> &BTreeMap<GroupKey, Cell> {
        static EMPTY: BTreeMap<GroupKey, Cell> = BTreeMap::new();
        self.cells.get(grouping).unwrap_or(&EMPTY)
    }

    /// The verdict on one group; a group with no respondents is a primary suppression.
    pub fn verdict(&self, grouping: &Grouping, key: &GroupKey) -> Verdict {
        self.cells(grouping)
            .get(key)
            .map_or(Verdict::Suppressed(Suppression::Primary), |c| c.verdict)
    }

    /// The attributes of respondent `index` as response-level rows show them.
    pub fn generalised(&self, index: usize) -> Option<&Generalised> {
        self.block_of.get(index).and_then(|&b| self.labels.get(b))
    }

    /// The group of an organisation with `attributes` for its own benchmark: the first grouping
    /// of `chain` whose group is published, or the last one (everything then reads suppressed).
    pub fn choose(&self, attributes: &OrgAttributes, chain: &[Grouping]) -> Choice {
        let mut skipped = Vec::new();
        for (i, grouping) in chain.iter().enumerate() {
            let key = grouping.key(attributes);
            let cell = self.cells(grouping).get(&key);
            let published = cell.is_some_and(|c| c.verdict.is_published());
            if published || i + 1 == chain.len() {
                return Choice {
                    grouping: grouping.clone(),
                    label: key.label(),
                    members: cell.map(|c| c.members.clone()).unwrap_or_default(),
                    key,
                    skipped,
                };
            }
            let why = cell.map_or(Suppression::Primary, |c| match c.verdict {
                Verdict::Suppressed(why) => why,
                Verdict::Published => Suppression::Secondary,
            });
            skipped.push(format!("{} ({})", key.label(), skipped_phrase(why, self.k)));
        }
        Choice {
            grouping: Grouping::all(),
            key: GroupKey(Vec::new()),
            label: GroupKey(Vec::new()).label(),
            members: Vec::new(),
            skipped,
        }
    }

    /// How much was withheld and generalised.
    pub fn summary(&self) -> Summary {
        let mut generalised = BTreeMap::new();
        for a in Attribute::ALL {
            let n = self
                .blocks
                .iter()
                .zip(&self.labels)
                .filter(|(_, l)| l.get(a).is_none())
                .map(|(b, _)| b.len())
                .sum();
            generalised.insert(a.as_str(), n);
        }
        let mut groupings: Vec<GroupingSummary> = every_grouping()
            .iter()
            .map(|g| {
                let count = |v: Verdict| self.cells(g).values().filter(|c| c.verdict == v).count();
                GroupingSummary {
                    grouping: g.to_string(),
                    published: count(Verdict::Published),
                    primary: count(Verdict::Suppressed(Suppression::Primary)),
                    secondary: count(Verdict::Suppressed(Suppression::Secondary)),
                }
            })
            .collect();
        groupings.sort_by_key(|g| (g.grouping.matches(',').count(), g.grouping.clone()));
        Summary {
            k: self.k.0,
            respondents: self.block_of.len(),
            smallest_class: self.blocks.iter().map(Vec::len).min().unwrap_or(0),
            classes: self.blocks.len(),
            generalised,
            groupings,
        }
    }

    /// Respondents of each export class (for tests and the summary): indices, class by class.
    pub fn classes(&self) -> &[Vec<usize>] {
        &self.blocks
    }
}

/// How a skipped group of an organisation's own benchmark is described.
fn skipped_phrase(why: Suppression, k: Threshold) -> String {
    match why {
        Suppression::Primary if k.0 <= 1 => "no organisations".to_owned(),
        Suppression::Primary => format!("fewer than {} organisations", k.0),
        Suppression::Secondary => "withheld by secondary suppression".to_owned(),
    }
}
