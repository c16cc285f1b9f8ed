//! The blocks of a round's respondents (see the module above for why they protect every
//! published figure), and each group's verdict given the blocks.

use super::{Generalised, Respondent, Rules, Suppression, Verdict};
use crate::domain::peers::{Attribute, GroupKey, Grouping, OrgAttributes, Threshold};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The order respondents are split in: the attributes peer groups use first come first, so
/// the groups benchmarks fall back through (kind and region, kind, country) stay whole.
const ORDER: [Attribute; 4] = [
    Attribute::Kind,
    Attribute::Country,
    Attribute::Region,
    Attribute::SizeBand,
];

/// The smallest block: k + 1, so that a member that subtracts itself still leaves k others.
/// A threshold of 0 or 1 asks for no protection, and gets blocks of one.
pub(super) fn smallest_block(k: Threshold) -> usize {
    if k.0 <= 1 { 1 } else { k.0 + 1 }
}

/// The blocks, and whether even the whole round must be withheld (its respondents differ from an
/// earlier round's by 1 to k − 1 organisations, and there is nothing left to pool it with).
pub(super) struct Protection {
    pub blocks: Vec<Vec<usize>>,
    pub frozen: bool,
}

/// Splits the respondents into blocks of at least [`smallest_block`] that also keep every
/// published group's change since each earlier round at 0 or at least k organisations.
pub(super) fn protected(
    respondents: &[Respondent],
    earlier: &[Vec<Respondent>],
    partitions: &[(Grouping, BTreeMap<GroupKey, Vec<usize>>)],
    k: Threshold,
) -> Protection {
    let attributes: Vec<OrgAttributes> = respondents.iter().map(|r| r.attributes.clone()).collect();
    let m = smallest_block(k);
    let mut blocks = Vec::new();
    if !attributes.is_empty() {
        split(
            &attributes,
            (0..attributes.len()).collect(),
            0,
            m,
            &mut blocks,
        );
    }
    // Which groups changed by 1 to k − 1 organisations since some earlier round: that depends
    // on the groups' members only, not on the blocks, so it is worked out once.
    let changed = changed_by_few(respondents, earlier, partitions, k);
    loop {
        merge_same_labels(&mut blocks, &attributes);
        let Some(cell) = first_published(&changed, partitions, &blocks, k) else {
            return Protection {
                blocks,
                frozen: false,
            };
        };
        if !pool_out_of(&mut blocks, cell, &attributes) {
            return Protection {
                blocks,
                frozen: true,
            };
        }
    }
}

/// Splits `members` by `ORDER[depth]` and on down, pushing the blocks found onto `out`.
fn split(
    attributes: &[OrgAttributes],
    members: Vec<usize>,
    depth: usize,
    m: usize,
    out: &mut Vec<Vec<usize>>,
) {
    // Fewer than two blocks' worth cannot be split into blocks.
    if depth == ORDER.len() || members.len() < 2 * m {
        out.push(members);
        return;
    }
    let a = ORDER[depth];
    let mut by_value: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in &members {
        by_value.entry(attributes[i].get(a)).or_default().push(i);
    }
    let mut children: Vec<Vec<usize>> = Vec::new();
    let mut pooled: Vec<usize> = Vec::new();
    for (_, group) in by_value {
        if group.len() >= m {
            children.push(group);
        } else {
            pooled.extend(group);
        }
    }
    if !pooled.is_empty() {
        if pooled.len() >= m || children.is_empty() {
            children.push(pooled);
        } else if let Some(smallest) = children.iter_mut().min_by_key(|c| c.len()) {
            smallest.extend(pooled);
            smallest.sort_unstable();
        }
    }
    for child in children {
        split(attributes, child, depth + 1, m, out);
    }
}

/// What rows of a block show: each attribute all its members share, `None` for the others.
pub(super) fn label(attributes: &[OrgAttributes], members: &[usize]) -> Generalised {
    let shared = |a: Attribute| {
        let first = attributes[*members.first()?].get(a);
        members
            .iter()
            .all(|&i| attributes[i].get(a) == first)
            .then(|| first.to_owned())
    };
    Generalised {
        kind: shared(Attribute::Kind),
        region: shared(Attribute::Region),
        country: shared(Attribute::Country),
        size_band: shared(Attribute::SizeBand),
    }
}

/// Blocks whose rows would read the same are one class to a reader of the exports: make them one.
fn merge_same_labels(blocks: &mut Vec<Vec<usize>>, attributes: &[OrgAttributes]) {
    let mut first_with: HashMap<Generalised, usize> = HashMap::new();
    let mut merged: Vec<Vec<usize>> = Vec::with_capacity(blocks.len());
    for block in blocks.drain(..) {
        let l = label(attributes, &block);
        match first_with.get(&l) {
            Some(&at) => {
                merged[at].extend(block);
                merged[at].sort_unstable();
            }
            None => {
                first_with.insert(l, merged.len());
                merged.push(block);
            }
        }
    }
    *blocks = merged;
}

/// For each grouping (in `partitions`' order), whether each of its groups (in key order) has
/// respondents that differ from an earlier round's by 1 to k − 1 organisations.
fn changed_by_few(
    respondents: &[Respondent],
    earlier: &[Vec<Respondent>],
    partitions: &[(Grouping, BTreeMap<GroupKey, Vec<usize>>)],
    k: Threshold,
) -> Vec<Vec<bool>> {
    let groupings: Vec<Grouping> = partitions.iter().map(|(g, _)| g.clone()).collect();
    // Each earlier round's groups of every grouping, by organisation id.
    let before: Vec<Vec<HashMap<GroupKey, HashSet<i32>>>> = earlier
        .iter()
        .map(|round| {
            let attributes: Vec<OrgAttributes> =
                round.iter().map(|r| r.attributes.clone()).collect();
            super::groups::partitions(&groupings, &attributes)
                .into_iter()
                .map(|(_, groups)| {
                    groups
                        .into_iter()
                        .map(|(key, members)| {
                            (
                                key,
                                members.iter().map(|&i| round[i].organisation_id).collect(),
                            )
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    partitions
        .iter()
        .enumerate()
        .map(|(g, (_, parts))| {
            parts
                .iter()
                .map(|(key, members)| {
                    let now: HashSet<i32> = members
                        .iter()
                        .map(|&i| respondents[i].organisation_id)
                        .collect();
                    before.iter().any(|round| {
                        let changed = match round[g].get(key) {
                            Some(then) => now.symmetric_difference(then).count(),
                            None => now.len(),
                        };
                        changed > 0 && changed < k.0
                    })
                })
                .collect()
        })
        .collect()
}

/// The members of the first group that `changed` marks and the blocks would publish.
fn first_published<'a>(
    changed: &[Vec<bool>],
    partitions: &'a [(Grouping, BTreeMap<GroupKey, Vec<usize>>)],
    blocks: &[Vec<usize>],
    k: Threshold,
) -> Option<&'a [usize]> {
    if !changed.iter().flatten().any(|c| *c) {
        return None;
    }
    let block_of = block_index(blocks, blocks.iter().map(Vec::len).sum());
    for ((_, parts), changed) in partitions.iter().zip(changed) {
        if !changed.contains(&true) {
            continue;
        }
        let verdicts = verdicts(parts, &block_of, blocks, k, Rules::Full, false);
        for ((members, verdict), changed) in parts.values().zip(verdicts).zip(changed) {
            if *changed && verdict.is_published() {
                return Some(members);
            }
        }
    }
    None
}

/// Pools the smallest block of `cell` with the most alike block outside it, so the group is no
/// longer whole blocks and is withheld. False when there is no block outside it.
fn pool_out_of(blocks: &mut Vec<Vec<usize>>, cell: &[usize], attributes: &[OrgAttributes]) -> bool {
    let inside: HashSet<usize> = cell.iter().copied().collect();
    let is_inside = |b: &Vec<usize>| b.first().is_some_and(|i| inside.contains(i));
    let Some(from) = (0..blocks.len())
        .filter(|&b| is_inside(&blocks[b]))
        .min_by_key(|&b| blocks[b].len())
    else {
        return false;
    };
    let from_label = label(attributes, &blocks[from]);
    let alike = |b: usize| {
        let l = label(attributes, &blocks[b]);
        ORDER
            .iter()
            .take_while(|&&a| from_label.get(a).is_some() && from_label.get(a) == l.get(a))
            .count()
    };
    let Some(to) = (0..blocks.len())
        .filter(|&b| !is_inside(&blocks[b]))
        .min_by_key(|&b| (std::cmp::Reverse(alike(b)), blocks[b].len()))
    else {
        return false;
    };
    let moved = std::mem::take(&mut blocks[from]);
    blocks[to].extend(moved);
    blocks[to].sort_unstable();
    blocks.remove(from);
    true
}

/// The block of each respondent.
pub(super) fn block_index(blocks: &[Vec<usize>], respondents: usize) -> Vec<usize> {
    let mut block_of = vec![0; respondents];
    for (b, members) in blocks.iter().enumerate() {
        for &i in members {
            block_of[i] = b;
        }
    }
    block_of
}

/// The verdict on each group of one grouping (in `parts`' order): primary below k; otherwise
/// published only if it is whole blocks of at least [`smallest_block`] (under [`Rules::Full`]).
pub(super) fn verdicts(
    parts: &BTreeMap<GroupKey, Vec<usize>>,
    block_of: &[usize],
    blocks: &[Vec<usize>],
    k: Threshold,
    rules: Rules,
    frozen: bool,
) -> Vec<Verdict> {
    // A block is cut when its members fall in more than one group of this grouping.
    let mut group_of_block = vec![usize::MAX; blocks.len()];
    let mut cut = vec![false; blocks.len()];
    for (g, members) in parts.values().enumerate() {
        for &i in members {
            let b = block_of[i];
            if group_of_block[b] == usize::MAX {
                group_of_block[b] = g;
            } else if group_of_block[b] != g {
                cut[b] = true;
            }
        }
    }
    let m = smallest_block(k);
    parts
        .values()
        .map(|members| {
            let n = members.len();
            if !k.allows(n) {
                Verdict::Suppressed(Suppression::Primary)
            } else if rules == Rules::PrimaryOnly {
                Verdict::Published
            } else if frozen || n < m || members.iter().any(|&i| cut[block_of[i]]) {
                Verdict::Suppressed(Suppression::Secondary)
            } else {
                Verdict::Published
            }
        })
        .collect()
}
