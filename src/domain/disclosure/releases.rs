//! A further release of a round against its earlier releases (issue 28). A release is a frozen
//! state of the round; a reader who keeps every release can subtract one from another, so the
//! change between any two must be as safe as the change between two rounds: every group of
//! every grouping has either the same organisations, with the same answers and the same
//! attributes, or differs in at least k of them. Otherwise the new release is refused (the
//! earlier one stays published), rather than pooled as a new round would be: a correction is
//! deliberate, and the operator should see what it would reveal.

use super::every_grouping;
use super::groups::partitions;
use crate::domain::peers::{GroupKey, Grouping, OrgAttributes, Threshold};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One organisation as a release covers it: who, the revision of its submitted response (an
/// amendment raises it), and its attributes as at the release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Covered {
    pub organisation_id: i32,
    pub revision: i32,
    pub attributes: OrgAttributes,
}

/// Why a release was refused: the first group whose change since an earlier release is too
/// small to publish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooFewChanged {
    /// The earlier release's number.
    pub earlier: i32,
    pub grouping: Grouping,
    pub key: GroupKey,
    /// How many of the group's organisations joined, left, changed their answers or moved.
    pub changed: usize,
}

impl TooFewChanged {
    /// The reason as an operator reads it.
    pub fn reason(&self, k: Threshold) -> String {
        format!(
            "Compared with release {}, the group {} would change in {} organisation{} (joined, \
             left, amended or moved): a difference of 1 to {} organisations would let a reader \
             work out their answers. Correct at least {} organisations of that group together, \
             or none.",
            self.earlier,
            self.key.label(),
            self.changed,
            if self.changed == 1 { "" } else { "s" },
            k.0 - 1,
            k.0
        )
    }
}

/// Checks a new release (`now`) against each earlier release of the same round (`earlier`, with
/// their numbers): every group changes by 0 or at least k organisations.
pub fn check_release(
    now: &[Covered],
    earlier: &[(i32, Vec<Covered>)],
    k: Threshold,
) -> Result<(), TooFewChanged> {
    let groupings = every_grouping();
    let now_groups = groups_by_id(&groupings, now);
    let now_by_id: HashMap<i32, &Covered> = now.iter().map(|c| (c.organisation_id, c)).collect();
    for (number, then) in earlier {
        let then_by_id: HashMap<i32, &Covered> =
            then.iter().map(|c| (c.organisation_id, c)).collect();
        // Organisations whose contribution to some figure moved: in one release and not the
        // other, or in both with another revision or other attributes.
        let changed: HashSet<i32> = now_by_id
            .keys()
            .chain(then_by_id.keys())
            .copied()
            .filter(|id| now_by_id.get(id) != then_by_id.get(id))
            .collect();
        if changed.is_empty() {
            continue;
        }
        let then_groups = groups_by_id(&groupings, then);
        for ((grouping, now_parts), (_, then_parts)) in now_groups.iter().zip(&then_groups) {
            let keys: BTreeMap<&GroupKey, ()> = now_parts
                .keys()
                .chain(then_parts.keys())
                .map(|key| (key, ()))
                .collect();
            for key in keys.into_keys() {
                let members = now_parts
                    .get(key)
                    .into_iter()
                    .chain(then_parts.get(key))
                    .flatten();
                let moved: HashSet<i32> =
                    members.filter(|id| changed.contains(id)).copied().collect();
                if !moved.is_empty() && moved.len() < k.0 {
                    return Err(TooFewChanged {
                        earlier: *number,
                        grouping: grouping.clone(),
                        key: key.clone(),
                        changed: moved.len(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Every grouping's groups of `people`, each group as its members' organisation ids.
fn groups_by_id(
    groupings: &[Grouping],
    people: &[Covered],
) -> Vec<(Grouping, BTreeMap<GroupKey, Vec<i32>>)> {
    let attributes: Vec<OrgAttributes> = people.iter().map(|c| c.attributes.clone()).collect();
    partitions(groupings, &attributes)
        .into_iter()
        .map(|(g, parts)| {
            let parts = parts
                .into_iter()
                .map(|(key, members)| {
                    (
                        key,
                        members.iter().map(|&i| people[i].organisation_id).collect(),
                    )
                })
                .collect();
            (g, parts)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i32, kind: &str, revision: i32) -> Covered {
        Covered {
            organisation_id: id,
            revision,
            attributes: OrgAttributes {
                kind: kind.to_owned(),
                region: "North".to_owned(),
                country: "England".to_owned(),
                size_band: "large".to_owned(),
            },
        }
    }

    fn first() -> Vec<Covered> {
        (1..=12)
            .map(|id| org(id, if id <= 6 { "acute" } else { "community" }, 1))
            .collect()
    }

    const K: Threshold = Threshold(5);

    #[test]
    fn the_same_release_again_is_allowed() {
        assert_eq!(check_release(&first(), &[(1, first())], K), Ok(()));
    }

    #[test]
    fn one_amended_answer_is_refused_naming_the_group() {
        let mut now = first();
        now[0].revision = 2;
        let refused = check_release(&now, &[(1, first())], K).unwrap_err();
        assert_eq!(refused.changed, 1);
        assert_eq!(refused.earlier, 1);
        assert!(
            refused.reason(K).contains("1 organisation "),
            "{}",
            refused.reason(K)
        );
    }

    #[test]
    fn a_moved_organisation_is_a_change_in_both_its_groups() {
        let mut now = first();
        now[0].attributes.kind = "community".to_owned();
        assert_eq!(
            check_release(&now, &[(1, first())], K).unwrap_err().changed,
            1
        );
    }

    #[test]
    fn five_late_submissions_in_one_group_are_allowed_but_four_are_not() {
        let mut now = first();
        now.extend((13..=17).map(|id| org(id, "acute", 1)));
        assert_eq!(check_release(&now, &[(1, first())], K), Ok(()));
        now.pop();
        assert_eq!(
            check_release(&now, &[(1, first())], K).unwrap_err().changed,
            4
        );
    }

    #[test]
    fn every_earlier_release_is_checked() {
        let mut second = first();
        second.extend((13..=17).map(|id| org(id, "acute", 1)));
        let mut third = second.clone();
        third.truncate(16);
        // Against the first release, 4 joined acute trusts; against the second, 1 left.
        let refused = check_release(&third, &[(1, first()), (2, second)], K).unwrap_err();
        assert_eq!(refused.earlier, 1);
    }
}
