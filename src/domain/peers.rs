//! Peer groups and disclosure control, pure.
//!
//! A [`Grouping`] names the attributes organisations must share (`kind,region`); its
//! [`GroupKey`] for one organisation holds that organisation's values of them. The disclosure
//! threshold lives in one place, [`Threshold`]: every published statistic, count or distribution
//! goes through [`Threshold::disclose`], which withholds it (null, `suppressed: true`, a reason —
//! never 0) for groups of fewer than k organisations; which groups are published beyond that is
//! the disclosure snapshot's decision ([`crate::domain::disclosure`]), which also walks the
//! [`fallback_chain`] for an organisation's own benchmark.
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

/// Why a figure is withheld.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// The group has fewer than k responding organisations.
    Primary,
    /// The group is large enough on its own, but publishing it would let a smaller group's
    /// figures be worked out from other published figures (or by a member, from its own answers).
    Secondary,
}

impl Suppression {
    /// `primary` or `secondary`, as in API rows and CSV columns.
    pub fn as_str(self) -> &'static str {
        match self {
            Suppression::Primary => "primary",
            Suppression::Secondary => "secondary",
        }
    }

    /// Why a figure is withheld, in words for people; the same words whatever the group's size.
    pub fn reason(self, k: Threshold) -> String {
        match self {
            Suppression::Primary if k.0 <= 1 => "no organisations in this group".to_owned(),
            Suppression::Primary => format!(
                "primary suppression: fewer than {} organisations responded in this group",
                k.0
            ),
            Suppression::Secondary => "secondary suppression: withheld so that it cannot be \
                worked out from other published figures"
                .to_owned(),
        }
    }
}

/// The disclosure threshold k: nothing about a group of fewer than k organisations is published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threshold(pub usize);

impl Threshold {
    /// k unless the server is told otherwise (`DISCLOSURE_THRESHOLD`).
    pub const DEFAULT: Threshold = Threshold(5);
}

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
    /// Which rule withheld it: primary (too few organisations) or secondary (it could be worked
    /// out from other figures); see [`crate::domain::disclosure`].
    pub suppression: Option<Suppression>,
}

impl<T> Disclosed<T> {
    /// Transforms a published value; a suppressed one stays suppressed with its reason.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Disclosed<U> {
        Disclosed {
            value: self.value.map(f),
            suppressed: self.suppressed,
            reason: self.reason,
            suppression: self.suppression,
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
                suppression: None,
            }
        } else {
            Disclosed {
                value: None,
                suppressed: true,
                reason: Some(self.reason()),
                suppression: Some(Suppression::Primary),
            }
        }
    }

    /// Why a group below the threshold shows nothing; the same words whatever its real size.
    pub fn reason(&self) -> String {
        Suppression::Primary.reason(*self)
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

#[cfg(test)]
mod tests;
