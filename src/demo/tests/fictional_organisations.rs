use std::collections::{BTreeMap, HashSet};

use super::organisations;
use crate::domain::organisation::OrganisationInput;

/// Real NHS bodies, none of which the demo may name.
const REAL_NAMES: &[&str] = &[
    "Guy's and St Thomas' NHS Foundation Trust",
    "Manchester University NHS Foundation Trust",
    "Leeds Teaching Hospitals NHS Trust",
    "University Hospitals Birmingham NHS Foundation Trust",
    "Oxford University Hospitals NHS Foundation Trust",
    "Barts Health NHS Trust",
    "South London and Maudsley NHS Foundation Trust",
    "North West Ambulance Service NHS Trust",
    "NHS Kent and Medway Integrated Care Board",
    "Betsi Cadwaladr University Health Board",
    "Cardiff and Vale University Health Board",
    "NHS Greater Glasgow and Clyde",
    "NHS Lothian",
    "Belfast Health and Social Care Trust",
];

/// Words from real trusts' and boards' names that no invented name should contain.
const REAL_WORDS: &[&str] = &[
    "University Hospitals",
    "Manchester",
    "Birmingham",
    "Leeds",
    "London",
    "Oxford",
    "Cambridge",
    "Maudsley",
    "Betsi",
    "Hywel",
    "Aneurin",
    "Swansea",
    "Cardiff",
    "Glasgow",
    "Lothian",
    "Tayside",
    "Grampian",
    "Belfast",
    "Southern",
    "Western",
    "Northern",
];

#[test]
fn the_same_seed_gives_the_same_organisations_and_another_seed_different_ones() {
    assert_eq!(organisations(1, 220), organisations(1, 220));
    assert_ne!(organisations(1, 220), organisations(2, 220));
    assert_eq!(organisations(1, 220).len(), 220);
    assert!(organisations(1, 0).is_empty());
}

#[test]
fn codes_and_names_are_unique_even_among_ten_thousand() {
    for count in [220, 10_000] {
        let orgs = organisations(3, count);
        let codes: HashSet<&str> = orgs.iter().map(|o| o.code.as_str()).collect();
        let names: HashSet<&str> = orgs.iter().map(|o| o.name.as_str()).collect();
        assert_eq!((codes.len(), names.len()), (count, count));
        for org in &orgs {
            let plausible = (3..=5).contains(&org.code.len())
                && org
                    .code
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            assert!(plausible, "code {}", org.code);
        }
    }
}

#[test]
fn no_organisation_has_a_real_name_or_a_real_place_in_its_name() {
    for org in organisations(1, 10_000) {
        assert!(!REAL_NAMES.contains(&org.name.as_str()), "{}", org.name);
        for word in REAL_WORDS {
            assert!(!org.name.contains(word), "{} contains {word}", org.name);
        }
    }
}

#[test]
fn every_organisation_passes_the_import_rules() {
    for org in organisations(1, 220) {
        let parsed = OrganisationInput::parse(org.as_raw()).expect("valid organisation");
        assert_eq!((parsed.code, parsed.kind), (org.code, org.kind));
    }
}

#[test]
fn every_nation_is_present_in_roughly_its_share_with_its_own_kinds_and_regions() {
    let orgs = organisations(1, 220);
    let mut by_country: BTreeMap<&str, usize> = BTreeMap::new();
    for org in &orgs {
        *by_country.entry(org.country.as_str()).or_default() += 1;
        let kinds: &[&str] = match org.country.as_str() {
            "England" => &[
                "acute",
                "mental_health",
                "community",
                "ambulance",
                "integrated_care_board",
            ],
            "Wales" | "Scotland" => &["health_board"],
            "Northern Ireland" => &["health_and_social_care_trust"],
            other => panic!("unexpected country {other}"),
        };
        assert!(kinds.contains(&org.kind.as_str()), "{org:?}");
        assert!(["small", "medium", "large"].contains(&org.size_band.as_str()));
        if org.country != "England" {
            assert_eq!(org.region, org.country);
        }
    }
    let england = by_country["England"] as f64 / 220.0;
    assert!((0.78..0.88).contains(&england), "England {england}");
    for country in ["Scotland", "Wales", "Northern Ireland"] {
        assert!(by_country[country] >= 4, "{by_country:?}");
    }
    // Even a handful of organisations covers the four nations.
    let few: HashSet<String> = organisations(1, 4).into_iter().map(|o| o.country).collect();
    assert_eq!(few.len(), 4);
}

#[test]
fn each_english_region_and_kind_appears_in_the_demo() {
    let orgs = organisations(1, 220);
    let regions: HashSet<&str> = orgs.iter().map(|o| o.region.as_str()).collect();
    let kinds: HashSet<&str> = orgs.iter().map(|o| o.kind.as_str()).collect();
    assert_eq!(regions.len(), 7 + 3, "{regions:?}");
    assert_eq!(kinds.len(), 7, "{kinds:?}");
}
