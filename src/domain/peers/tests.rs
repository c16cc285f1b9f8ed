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
    let key = Grouping::parse("kind,region")
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
            reason: None,
            suppression: None,
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
    assert!(json["reason"].as_str().unwrap().contains("fewer than 5"));
    let mapped = Threshold(5).disclose(2, || 3.0).map(|v| v * 2.0);
    assert!(mapped.suppressed && mapped.value.is_none() && mapped.reason.is_some());
}

#[test]
fn the_fallback_chain_narrows_from_kind_and_region_to_all() {
    let specs: Vec<String> = fallback_chain().iter().map(ToString::to_string).collect();
    assert_eq!(specs, ["kind,region", "kind", "country", "all"]);
}
