//! The disclosure promise, proven by an attacker: random populations (and the demo) are
//! published through the real API, every published count and sum is read back as a linear
//! equation over the responding organisations, and no set of 1 to k − 1 organisations (other
//! than a reader itself) may have a total those equations determine. Every class of the
//! response-level exports must hold more than k organisations. With secondary suppression
//! switched off (the behaviour before it), the same attacker must find breaches.

mod attacker;
mod demo;
mod domain;
mod population;

use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_with};
use crate::respond_api::tiny_round_named;
use attacker::{Breach, Knowledge};
use population::{Org, key_of_row, members, population};
use reqwest::Method;
use serde_json::{Value, json};
use soundings::domain::disclosure::{Rules, every_grouping};
use soundings::domain::peers::{GroupKey, Grouping, OrgAttributes};
use std::collections::{BTreeMap, BTreeSet, HashMap};

const K: usize = 5;

/// What a reader of every output collected about one round.
#[derive(Default)]
pub struct Observed {
    /// Whether each group (grouping spec, key) is published, as the statistics route says.
    pub published: BTreeMap<(String, GroupKey), bool>,
    /// The respondents behind every published figure, from every route.
    pub sets: Vec<BTreeSet<usize>>,
}

/// Every breach the attacker finds, given the respondents' attributes and what was published.
pub fn attack(people: &[OrgAttributes], observed: &Observed) -> Vec<Breach> {
    let knowledge = Knowledge::new(people.len(), &observed.sets);
    let mut breaches = Vec::new();
    for target in targets(people, &observed.published) {
        breaches.extend(knowledge.breaches(&target, K));
    }
    breaches.sort_by(|a, b| a.set.cmp(&b.set));
    breaches.dedup();
    breaches
}

/// The sets worth asking about: every group of every grouping, every pair of withheld groups
/// of one grouping that together are small, and, within each group, the part that its withheld
/// subgroups make up (the "remainder": the group minus every published subgroup).
fn targets(
    people: &[OrgAttributes],
    published: &BTreeMap<(String, GroupKey), bool>,
) -> Vec<BTreeSet<usize>> {
    let shown = |g: &Grouping, key: &GroupKey| {
        published
            .get(&(g.to_string(), key.clone()))
            .copied()
            .unwrap_or(false)
    };
    let mut out = Vec::new();
    for g in every_grouping() {
        let cells: Vec<(GroupKey, BTreeSet<usize>)> = g
            .partition(people)
            .into_iter()
            .map(|(key, m)| (key, m.into_iter().collect()))
            .collect();
        let withheld: Vec<&BTreeSet<usize>> = cells
            .iter()
            .filter(|(key, _)| !shown(&g, key))
            .map(|(_, m)| m)
            .collect();
        out.extend(cells.iter().map(|(_, m)| m.clone()));
        for (i, a) in withheld.iter().enumerate() {
            for b in &withheld[i + 1..] {
                if a.len() + b.len() <= K {
                    out.push(a.union(b).copied().collect());
                }
            }
        }
        for dropped in &g.0 {
            let coarse: Vec<_> = g.0.iter().copied().filter(|a| a != dropped).collect();
            let coarse = Grouping::of(&coarse);
            for (parent, _) in coarse.partition(people) {
                let remainder: BTreeSet<usize> = cells
                    .iter()
                    .filter(|(key, _)| !shown(&g, key))
                    .filter(|(key, _)| parent.0.iter().all(|p| key.0.contains(p)))
                    .flat_map(|(_, m)| m.iter().copied())
                    .collect();
                if !remainder.is_empty() {
                    out.push(remainder);
                }
            }
        }
    }
    out
}

/// Reads every table of `round` by every grouping, and every respondent's benchmark, as a
/// researcher and an admin would, checking that all of them agree about what is withheld.
pub async fn observe(
    app: &TestApp,
    round: &str,
    survey: &str,
    people: &[OrgAttributes],
    codes: &[String],
    distributions_up_to: usize,
) -> Observed {
    let mut observed = Observed::default();
    let key = app.researcher_key.clone();
    let trends_of_round = |rows: Value| -> Vec<Value> {
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["round"] == round)
            .cloned()
            .collect()
    };
    for g in every_grouping() {
        let spec = g.to_string();
        let q = format!("group_by={spec}");
        let stats = app
            .json_as(&key, &format!("/api/v1/rounds/{round}/statistics?{q}"))
            .await;
        for row in stats.as_array().unwrap() {
            let group = key_of_row(row);
            let shown = row["suppressed"] == false;
            if row["suppressed"] == true {
                assert!(row["n"].is_null() && row["mean"].is_null(), "{row}");
                assert!(["primary", "secondary"].contains(&row["suppression"].as_str().unwrap()));
            }
            let before = observed
                .published
                .insert((spec.clone(), group.clone()), shown);
            assert!(
                before.is_none_or(|b| b == shown),
                "dimensions disagree: {row}"
            );
            if shown {
                observed.sets.push(members(people, &group));
            }
        }
        let check = |rows: &[Value], route: &str, observed: &Observed| {
            for row in rows {
                let group = key_of_row(row);
                let shown = row["suppressed"] == false;
                let said = observed.published.get(&(spec.clone(), group.clone()));
                assert_eq!(
                    said,
                    Some(&shown),
                    "{route} disagrees with statistics: {row}"
                );
            }
        };
        if g.0.len() <= distributions_up_to {
            let path = format!("/api/v1/rounds/{round}/distributions?{q}");
            let rows = app.json_as(&key, &path).await;
            check(rows.as_array().unwrap(), "distributions", &observed);
        }
        let trends = app
            .json_as(&key, &format!("/api/v1/surveys/{survey}/trends?{q}"))
            .await;
        check(&trends_of_round(trends), "trends", &observed);
        let progress = app
            .json_as(&key, &format!("/api/v1/rounds/{round}/progress?{q}"))
            .await;
        for row in progress.as_array().unwrap() {
            let group = members(people, &key_of_row(row));
            if !row["submitted"].is_null() && !group.is_empty() {
                let said = observed.published.get(&(spec.clone(), key_of_row(row)));
                assert_eq!(said, Some(&true), "progress shows a withheld group: {row}");
                observed.sets.push(group);
            }
        }
    }
    for (i, code) in codes.iter().enumerate() {
        let bench = app
            .admin_get_json(&format!(
                "/api/v1/rounds/{round}/organisations/{code}/benchmark"
            ))
            .await;
        let peers = &bench["peer_group"];
        if peers["n"].is_null() {
            continue;
        }
        let g = Grouping::parse(peers["grouping"].as_str().unwrap()).unwrap();
        let group = g.key(&people[i]);
        let said = observed.published.get(&(g.to_string(), group.clone()));
        assert_eq!(
            said,
            Some(&true),
            "{code}'s benchmark uses a withheld group"
        );
        observed.sets.push(members(people, &group));
    }
    observed
}

/// The smallest class of the scores export: rows that show the same attributes.
pub async fn smallest_export_class(app: &TestApp, round: &str) -> usize {
    let rows = app
        .json_as(
            &app.researcher_key,
            &format!("/api/v1/rounds/{round}/scores"),
        )
        .await;
    let mut classes: HashMap<Vec<String>, BTreeSet<String>> = HashMap::new();
    for row in rows.as_array().unwrap() {
        let shown = ["kind", "region", "country", "size_band"]
            .map(|a| row[a].as_str().unwrap().to_owned())
            .to_vec();
        let pseudonym = row["pseudonym"].as_str().unwrap().to_owned();
        classes.entry(shown).or_default().insert(pseudonym);
    }
    classes.values().map(BTreeSet::len).min().unwrap_or(0)
}

/// Creates the organisations, opens the tiny survey's round `t1`, and has each organisation
/// that answers submit in one request. The respondents' attributes and codes, in order.
async fn publish(app: &TestApp, orgs: &[Org]) -> (Vec<OrgAttributes>, Vec<String>) {
    for org in orgs {
        let a = &org.attributes;
        let resp = app
            .admin_post(
                "/api/v1/organisations",
                json!({ "code": org.code, "name": format!("{} Trust", org.code), "kind": a.kind,
                        "region": a.region, "country": a.country, "size_band": a.size_band }),
            )
            .await;
        assert_eq!(resp.status(), 201);
    }
    tiny_round_named(app, "t1", 1).await;
    let (mut people, mut codes) = (Vec::new(), Vec::new());
    for org in orgs {
        let link = app.invite("t1", &org.code).await;
        let Some(answers) = &org.answers else {
            continue;
        };
        let body = json!({ "revision": 0, "answers": answers, "submit": true });
        let resp = app
            .send(
                Method::PUT,
                None,
                &format!("/api/v1{link}/answers"),
                Some(body),
            )
            .await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        people.push(org.attributes.clone());
        codes.push(org.code.clone());
    }
    (people, codes)
}

fn shown(breaches: &[Breach]) -> String {
    let first: Vec<String> = breaches.iter().take(5).map(|b| format!("{b:?}")).collect();
    format!("{} breaches, e.g. {}", breaches.len(), first.join("; "))
}

async fn random_populations_published_through_the_api_give_no_small_set_away(backend: Backend) {
    for seed in 1..=3 {
        let app = spawn_app(backend).await;
        let (people, codes) = publish(&app, &population(seed, 42)).await;
        let observed = observe(&app, "t1", "tiny", &people, &codes, 4).await;
        assert!(
            observed.published.values().any(|p| *p),
            "seed {seed} publishes something"
        );
        let breaches = attack(&people, &observed);
        assert!(breaches.is_empty(), "seed {seed}: {}", shown(&breaches));
        let smallest = smallest_export_class(&app, "t1").await;
        assert!(smallest > K, "seed {seed}: an export class of {smallest}");
    }
}

async fn without_secondary_suppression_the_attacker_finds_the_old_breaches(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.disclosure_rules = Rules::PrimaryOnly).await;
    let (people, codes) = publish(&app, &population(1, 42)).await;
    let observed = observe(&app, "t1", "tiny", &people, &codes, 4).await;
    let breaches = attack(&people, &observed);
    // Overall minus the published kinds leaves the two integrated care boards, at least.
    assert!(
        breaches.iter().any(|b| b.reader.is_none()),
        "{}",
        shown(&breaches)
    );
    assert!(breaches.iter().any(|b| b.reader.is_some()));
    assert!(smallest_export_class(&app, "t1").await < K);
}

crate::on_both_backends!(
    random_populations_published_through_the_api_give_no_small_set_away,
    without_secondary_suppression_the_attacker_finds_the_old_breaches,
);
