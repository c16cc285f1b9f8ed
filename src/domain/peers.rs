//! Peer groups and disclosure control, pure.
//!
//! A [`Grouping`] names the attributes organisations must share (`kind,region`); its
//! [`GroupKey`] for one organisation holds that organisation's values of them. The disclosure
//! threshold lives in one place, [`Threshold`]: every published statistic, count or distribution
//! goes through [`Threshold::disclose`], which withholds it (null, `suppressed: true`, a reason —
//! never 0) for groups of fewer than k organisations. [`choose_group`] walks the
//! [`fallback_chain`] to find the narrowest group big enough for an organisation's own benchmark.
//!
//! This module decides; it reads nothing and writes nothing.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// An organisation attribute that peer groups can share. Declaration order is the canonical
/// order of attributes within a grouping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    Kind,
    Region,
    Country,
    SizeBand,
}

impl Attribute {
    pub const ALL: [Attribute; 4] = [
        Attribute::Kind,
        Attribute::Region,
        Attribute::Country,
        Attribute::SizeBand,
    ];

    /// The name used in APIs, CSV and grouping specs: `kind`, `region`, `country`, `size_band`.
    pub fn as_str(self) -> &'static str {
        match self {
            Attribute::Kind => "kind",
            Attribute::Region => "region",
            Attribute::Country => "country",
            Attribute::SizeBand => "size_band",
        }
    }

    /// Parses a name, ignoring case, surrounding space, and `-` or space for `_` (`Size band`).
    pub fn parse(s: &str) -> Option<Self> {
        let name = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Attribute::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The name for people: `size band` rather than `size_band`.
    fn human(self) -> &'static str {
        match self {
            Attribute::SizeBand => "size band",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The peer attributes of one organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgAttributes {
    pub kind: String,
    pub region: String,
    pub country: String,
    pub size_band: String,
}

impl OrgAttributes {
    pub fn get(&self, a: Attribute) -> &str {
        match a {
            Attribute::Kind => &self.kind,
            Attribute::Region => &self.region,
            Attribute::Country => &self.country,
            Attribute::SizeBand => &self.size_band,
        }
    }
}

/// A grouping: the attributes organisations must share, e.g. `[Kind, Region]`; empty = everyone.
/// Built by [`Grouping::parse`] or [`Grouping::of`], the attributes are distinct and in canonical
/// order, so `region,kind` and `kind,region` are the same grouping.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Grouping(pub Vec<Attribute>);

impl Grouping {
    /// Everyone in one group.
    pub fn all() -> Self {
        Grouping(Vec::new())
    }

    /// The grouping over `attributes`, deduplicated and put in canonical order.
    pub fn of(attributes: &[Attribute]) -> Self {
        let mut attributes = attributes.to_vec();
        attributes.sort();
        attributes.dedup();
        Grouping(attributes)
    }

    /// Parses a comma-separated spec: `kind`, `kind,region`, `size_band`; `""` or `all` is
    /// everyone. An unknown, empty or repeated attribute is an error naming it.
    pub fn parse(spec: &str) -> Result<Grouping, String> {
        let spec = spec.trim();
        if spec.is_empty() || spec.eq_ignore_ascii_case("all") {
            return Ok(Grouping::all());
        }
        let mut attributes = Vec::new();
        for part in spec.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(format!("`{spec}` has an empty attribute between commas"));
            }
            if part.eq_ignore_ascii_case("all") {
                return Err("`all` cannot be combined with attributes".to_owned());
            }
            let Some(attribute) = Attribute::parse(part) else {
                return Err(format!(
                    "unknown attribute `{part}` (expected kind, region, country or size_band, \
                     comma-separated, or all)"
                ));
            };
            if attributes.contains(&attribute) {
                return Err(format!("attribute `{part}` is repeated"));
            }
            attributes.push(attribute);
        }
        Ok(Grouping::of(&attributes))
    }

    /// The key of the group `org` belongs to under this grouping.
    pub fn key(&self, org: &OrgAttributes) -> GroupKey {
        GroupKey(self.0.iter().map(|&a| (a, org.get(a).to_owned())).collect())
    }

    /// The label of a group of this grouping, e.g. `kind acute, region North West`, or
    /// `all organisations`.
    pub fn label(&self, key: &GroupKey) -> String {
        key.label()
    }

    /// Splits `population` into this grouping's groups: each key with the indices of its members,
    /// in ascending order of key.
    pub fn partition(&self, population: &[OrgAttributes]) -> BTreeMap<GroupKey, Vec<usize>> {
        let mut groups: BTreeMap<GroupKey, Vec<usize>> = BTreeMap::new();
        for (i, org) in population.iter().enumerate() {
            groups.entry(self.key(org)).or_default().push(i);
        }
        groups
    }

    /// The indices of the members of `population` in the group `key`.
    pub fn members(&self, key: &GroupKey, population: &[OrgAttributes]) -> Vec<usize> {
        population
            .iter()
            .enumerate()
            .filter(|(_, org)| key.matches(org))
            .map(|(i, _)| i)
            .collect()
    }
}

/// The spec form that [`Grouping::parse`] reads back: `kind,region`, or `all`.
impl fmt::Display for Grouping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("all");
        }
        let names: Vec<&str> = self.0.iter().map(|a| a.as_str()).collect();
        f.write_str(&names.join(","))
    }
}

/// One group of a grouping: each shared attribute with its value, in the grouping's order. Empty
/// for "all organisations". Orders and hashes so it can key a map; serialises as a JSON object
/// (`{"kind": "acute", "region": "North West"}`, `{}` for all).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey(pub Vec<(Attribute, String)>);

impl GroupKey {
    /// The single place that names a group for people (reports, API `label` fields):
    /// `kind acute, region North West`, or `all organisations`.
    pub fn label(&self) -> String {
        if self.0.is_empty() {
            return "all organisations".to_owned();
        }
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(a, value)| format!("{} {value}", a.human()))
            .collect();
        parts.join(", ")
    }

    /// Whether `org` belongs to this group.
    pub fn matches(&self, org: &OrgAttributes) -> bool {
        self.0.iter().all(|(a, value)| org.get(*a) == value)
    }
}

impl Serialize for GroupKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (a, value) in &self.0 {
            map.serialize_entry(a.as_str(), value)?;
        }
        map.end()
    }
}

/// The fallback chain for an organisation's own benchmark, narrowest first:
/// kind+region → kind → country → all.
pub fn fallback_chain() -> Vec<Grouping> {
    vec![
        Grouping(vec![Attribute::Kind, Attribute::Region]),
        Grouping(vec![Attribute::Kind]),
        Grouping(vec![Attribute::Country]),
        Grouping::all(),
    ]
}

/// The disclosure threshold k: nothing about a group of fewer than k organisations is published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threshold(pub usize);

impl Default for Threshold {
    fn default() -> Self {
        Threshold(5)
    }
}

/// A published value, or the record that it was withheld and why. Serialises as
/// `{"value": null, "suppressed": true, "reason": "fewer than 5 ..."}` when withheld.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disclosed<T> {
    pub value: Option<T>,
    pub suppressed: bool,
    pub reason: Option<String>,
}

impl<T> Disclosed<T> {
    /// Transforms a published value; a suppressed one stays suppressed with its reason.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Disclosed<U> {
        Disclosed {
            value: self.value.map(f),
            suppressed: self.suppressed,
            reason: self.reason,
        }
    }
}

impl Threshold {
    /// Whether a group of `n` organisations may be published: n ≥ k, and never an empty group.
    pub fn allows(&self, n: usize) -> bool {
        n >= self.0.max(1)
    }

    /// Publishes `value()` only when [`Threshold::allows`] `n`; otherwise the value is `None`
    /// (never 0), `suppressed` is true and the reason says why without giving `n` away.
    /// `value` is not called for a suppressed group.
    pub fn disclose<T>(&self, n: usize, value: impl FnOnce() -> T) -> Disclosed<T> {
        if self.allows(n) {
            Disclosed {
                value: Some(value()),
                suppressed: false,
                reason: None,
            }
        } else {
            Disclosed {
                value: None,
                suppressed: true,
                reason: Some(self.reason()),
            }
        }
    }

    /// Why a group below the threshold shows nothing; the same words whatever its real size.
    pub fn reason(&self) -> String {
        if self.0 <= 1 {
            return "no organisations in this group".to_owned();
        }
        format!(
            "fewer than {} organisations in this group (suppressed to protect their identity)",
            self.0
        )
    }
}

/// The group chosen for an organisation's own benchmark.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub grouping: Grouping,
    pub key: GroupKey,
    /// [`GroupKey::label`] of `key`.
    pub label: String,
    /// Indices into the population of the group's members.
    pub members: Vec<usize>,
    /// The narrower groups passed over, narrowest first, each labelled with its size as far as
    /// disclosure allows: `kind acute, region North West (fewer than 5 organisations)`.
    pub skipped: Vec<String>,
}

/// Picks the first grouping of the [`fallback_chain`] whose group for `org` has at least k
/// members of `population`. Falls back to "all organisations" even when that is smaller than k;
/// the caller then shows everything suppressed (through [`Threshold::disclose`]).
pub fn choose_group(
    org: &OrgAttributes,
    population: &[OrgAttributes],
    threshold: Threshold,
) -> Choice {
    let chain = fallback_chain();
    let sizes: Vec<usize> = chain
        .iter()
        .map(|g| g.members(&g.key(org), population).len())
        .collect();
    let mut choice = choose_by_sizes(org, &chain, &sizes, threshold);
    choice.members = choice.grouping.members(&choice.key, population);
    choice
}

/// The rule behind [`choose_group`], given the size of `org`'s group under each grouping of
/// `chain`: the first group with at least k members, else the last grouping. The returned
/// `members` is empty; the caller fills it from wherever it keeps the groups.
pub fn choose_by_sizes(
    org: &OrgAttributes,
    chain: &[Grouping],
    sizes: &[usize],
    threshold: Threshold,
) -> Choice {
    let mut skipped = Vec::new();
    for (i, grouping) in chain.iter().enumerate() {
        let key = grouping.key(org);
        let label = key.label();
        let size = sizes.get(i).copied().unwrap_or(0);
        if threshold.allows(size) || i + 1 == chain.len() {
            return Choice {
                grouping: grouping.clone(),
                key,
                label,
                members: Vec::new(),
                skipped,
            };
        }
        skipped.push(format!("{label} ({})", size_phrase(threshold)));
    }
    // An empty chain: everyone.
    Choice {
        grouping: Grouping::all(),
        key: GroupKey(Vec::new()),
        label: GroupKey(Vec::new()).label(),
        members: Vec::new(),
        skipped,
    }
}

/// The size of a group too small to publish, in words that do not give it away.
fn size_phrase(threshold: Threshold) -> String {
    if threshold.0 <= 1 {
        "no organisations".to_owned()
    } else {
        format!("fewer than {} organisations", threshold.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(kind: &str, region: &str, country: &str) -> OrgAttributes {
        OrgAttributes {
            kind: kind.to_owned(),
            region: region.to_owned(),
            country: country.to_owned(),
            size_band: "medium".to_owned(),
        }
    }

    #[test]
    fn attributes_parse_by_name_and_round_trip() {
        for a in Attribute::ALL {
            assert_eq!(Attribute::parse(a.as_str()), Some(a));
        }
        assert_eq!(Attribute::parse(" Size band "), Some(Attribute::SizeBand));
        assert_eq!(Attribute::parse("size-band"), Some(Attribute::SizeBand));
        assert_eq!(Attribute::parse("colour"), None);
        assert_eq!(
            serde_json::to_value(Attribute::SizeBand).unwrap(),
            "size_band"
        );
    }

    #[test]
    fn groupings_parse_single_and_combined_attributes() {
        assert_eq!(
            Grouping::parse("kind").unwrap(),
            Grouping(vec![Attribute::Kind])
        );
        assert_eq!(
            Grouping::parse(" kind , region ").unwrap(),
            Grouping(vec![Attribute::Kind, Attribute::Region])
        );
        assert_eq!(
            Grouping::parse("region,kind").unwrap(),
            Grouping::parse("kind,region").unwrap()
        );
        assert_eq!(
            Grouping::parse("size_band,country").unwrap().to_string(),
            "country,size_band"
        );
    }

    #[test]
    fn empty_and_all_specs_mean_everyone() {
        for spec in ["", "  ", "all", "ALL"] {
            assert_eq!(Grouping::parse(spec).unwrap(), Grouping::all(), "{spec:?}");
        }
        assert_eq!(Grouping::all().to_string(), "all");
    }

    #[test]
    fn bad_grouping_specs_are_errors_naming_the_bad_part() {
        let err = Grouping::parse("kind,colour").unwrap_err();
        assert!(err.contains("`colour`"), "{err}");
        let err = Grouping::parse("kind,region,kind").unwrap_err();
        assert!(err.contains("`kind`") && err.contains("repeated"), "{err}");
        let err = Grouping::parse("kind,,region").unwrap_err();
        assert!(err.contains("empty"), "{err}");
        let err = Grouping::parse("all,kind").unwrap_err();
        assert!(err.contains("`all`"), "{err}");
    }

    #[test]
    fn keys_and_labels_follow_the_organisations_values() {
        let trust = org("acute", "North West", "England");
        let grouping = Grouping::parse("kind,region").unwrap();
        let key = grouping.key(&trust);
        assert_eq!(
            key,
            GroupKey(vec![
                (Attribute::Kind, "acute".to_owned()),
                (Attribute::Region, "North West".to_owned())
            ])
        );
        assert_eq!(grouping.label(&key), "kind acute, region North West");
        let all = Grouping::all();
        assert_eq!(all.label(&all.key(&trust)), "all organisations");
        let by_size = Grouping::parse("size_band").unwrap();
        assert_eq!(by_size.label(&by_size.key(&trust)), "size band medium");
    }

    #[test]
    fn group_keys_serialise_as_objects() {
        let key =
            Grouping::parse("kind,region")
                .unwrap()
                .key(&org("acute", "North West", "England"));
        assert_eq!(
            serde_json::to_value(&key).unwrap(),
            serde_json::json!({"kind": "acute", "region": "North West"})
        );
        assert_eq!(
            serde_json::to_value(GroupKey(Vec::new())).unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn partition_puts_every_organisation_in_exactly_one_group() {
        let population = [
            org("acute", "North West", "England"),
            org("ambulance", "London", "England"),
            org("acute", "London", "England"),
            org("acute", "North West", "England"),
        ];
        let groups = Grouping::parse("kind").unwrap().partition(&population);
        let sizes: Vec<(String, Vec<usize>)> =
            groups.into_iter().map(|(k, m)| (k.label(), m)).collect();
        assert_eq!(
            sizes,
            vec![
                ("kind acute".to_owned(), vec![0, 2, 3]),
                ("kind ambulance".to_owned(), vec![1]),
            ]
        );
    }

    #[test]
    fn below_the_threshold_nothing_is_disclosed_and_a_reason_is_given() {
        let k = Threshold::default();
        assert_eq!(k, Threshold(5));
        let withheld = k.disclose(4, || -> u32 {
            panic!("must not compute a suppressed value")
        });
        assert_eq!(withheld.value, None);
        assert!(withheld.suppressed);
        let reason = withheld.reason.unwrap();
        assert!(reason.contains("fewer than 5 organisations"), "{reason}");
        assert!(
            !reason.contains('4'),
            "the reason must not reveal n: {reason}"
        );
        assert!(k.disclose(0, || 0).suppressed);
    }

    #[test]
    fn at_and_above_the_threshold_the_value_is_published() {
        let k = Threshold(5);
        assert_eq!(
            k.disclose(5, || 7.5),
            Disclosed {
                value: Some(7.5),
                suppressed: false,
                reason: None
            }
        );
        assert_eq!(k.disclose(6, || 1).value, Some(1));
        assert!(k.allows(5) && !k.allows(4));
    }

    #[test]
    fn an_empty_group_is_never_disclosed_even_with_no_threshold() {
        assert!(!Threshold(0).allows(0));
        let withheld = Threshold(0).disclose(0, || 0);
        assert!(withheld.suppressed);
        assert_eq!(withheld.value, None);
        assert!(Threshold(0).allows(1));
    }

    #[test]
    fn a_suppressed_value_serialises_as_null_with_its_reason() {
        let json = serde_json::to_value(Threshold(5).disclose(2, || 3.0)).unwrap();
        assert_eq!(json["value"], serde_json::Value::Null);
        assert_eq!(json["suppressed"], true);
        assert!(json["reason"].as_str().unwrap().starts_with("fewer than 5"));
        let mapped = Threshold(5).disclose(2, || 3.0).map(|v| v * 2.0);
        assert!(mapped.suppressed && mapped.value.is_none() && mapped.reason.is_some());
    }

    #[test]
    fn the_fallback_chain_narrows_from_kind_and_region_to_all() {
        let specs: Vec<String> = fallback_chain().iter().map(ToString::to_string).collect();
        assert_eq!(specs, ["kind,region", "kind", "country", "all"]);
    }

    #[test]
    fn a_small_kind_and_region_group_falls_back_to_kind() {
        // 3 acute trusts in the North West, 6 acute trusts in all, 2 others.
        let mut population = vec![org("acute", "North West", "England"); 3];
        population.extend(vec![org("acute", "London", "England"); 3]);
        population.extend(vec![org("community", "North West", "England"); 2]);
        let choice = choose_group(&population[0], &population, Threshold(5));
        assert_eq!(choice.grouping, Grouping(vec![Attribute::Kind]));
        assert_eq!(choice.label, "kind acute");
        assert_eq!(choice.members, vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(
            choice.skipped,
            ["kind acute, region North West (fewer than 5 organisations)"]
        );
    }

    #[test]
    fn a_big_enough_kind_and_region_group_is_used_first() {
        let population = vec![org("acute", "North West", "England"); 5];
        let choice = choose_group(&population[0], &population, Threshold(5));
        assert_eq!(choice.grouping, fallback_chain()[0]);
        assert_eq!(choice.members.len(), 5);
        assert!(choice.skipped.is_empty());
    }

    #[test]
    fn when_every_group_is_small_the_choice_is_all_organisations() {
        let population = vec![
            org("acute", "North West", "England"),
            org("ambulance", "Wales", "Wales"),
            org("community", "London", "England"),
        ];
        let choice = choose_group(&population[0], &population, Threshold(5));
        assert_eq!(choice.grouping, Grouping::all());
        assert_eq!(choice.label, "all organisations");
        assert_eq!(choice.members, vec![0, 1, 2]);
        assert!(!Threshold(5).allows(choice.members.len()));
        assert_eq!(
            choice.skipped,
            [
                "kind acute, region North West (fewer than 5 organisations)",
                "kind acute (fewer than 5 organisations)",
                "country England (fewer than 5 organisations)",
            ]
        );
    }

    #[test]
    fn an_organisation_outside_the_population_is_benchmarked_against_its_peers() {
        let population = vec![org("acute", "London", "England"); 5];
        let choice = choose_group(
            &org("acute", "North West", "England"),
            &population,
            Threshold(5),
        );
        assert_eq!(choice.label, "kind acute");
        assert_eq!(choice.members.len(), 5);
    }
}
