//! Every grouping's groups of a round's respondents, worked out quickly: attribute values are
//! numbered once, so splitting 10,000 respondents sixteen ways builds one key per group rather
//! than one per respondent (the snapshot is made again after every submission).

use crate::domain::peers::{Attribute, GroupKey, Grouping, OrgAttributes};
use std::collections::{BTreeMap, HashMap};

/// The groups of one grouping: members (indices, ascending) by key.
pub(super) type Groups = BTreeMap<GroupKey, Vec<usize>>;

/// The groups of every grouping in `groupings`, in that order.
pub(super) fn partitions(
    groupings: &[Grouping],
    people: &[OrgAttributes],
) -> Vec<(Grouping, Groups)> {
    let coded = codes(people);
    groupings
        .iter()
        .map(|g| (g.clone(), partition_coded(g, people, &coded)))
        .collect()
}

/// Each person's attribute values as numbers, in `Attribute::ALL` order.
fn codes(people: &[OrgAttributes]) -> Vec<[u32; 4]> {
    let mut numbers: [HashMap<&str, u32>; 4] = Default::default();
    people
        .iter()
        .map(|p| {
            let mut code = [0; 4];
            for (i, a) in Attribute::ALL.into_iter().enumerate() {
                let next = numbers[i].len() as u32;
                code[i] = *numbers[i].entry(p.get(a)).or_insert(next);
            }
            code
        })
        .collect()
}

fn partition_coded(grouping: &Grouping, people: &[OrgAttributes], coded: &[[u32; 4]]) -> Groups {
    let used: Vec<bool> = Attribute::ALL
        .into_iter()
        .map(|a| grouping.0.contains(&a))
        .collect();
    let mut by_code: HashMap<[u32; 4], Vec<usize>> = HashMap::new();
    for (i, code) in coded.iter().enumerate() {
        let mut key = *code;
        for (k, used) in key.iter_mut().zip(&used) {
            if !used {
                *k = u32::MAX;
            }
        }
        by_code.entry(key).or_default().push(i);
    }
    by_code
        .into_values()
        .map(|members| (grouping.key(&people[members[0]]), members))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::disclosure::every_grouping;

    #[test]
    fn the_quick_partition_is_the_plain_one() {
        let people: Vec<OrgAttributes> = (0..200)
            .map(|i| OrgAttributes {
                kind: ["acute", "community", "ambulance"][i % 3].to_owned(),
                region: format!("R{}", i % 7),
                country: ["England", "Wales"][i % 11 % 2].to_owned(),
                size_band: ["small", "large"][i % 5 % 2].to_owned(),
            })
            .collect();
        for (g, groups) in partitions(&every_grouping(), &people) {
            assert_eq!(groups, g.partition(&people), "{g}");
        }
    }
}
