//! The attacker on the demo's two rounds (220 fictional organisations), read through the API.

use super::{K, attack, observe, shown, smallest_export_class};
use crate::helpers::{Backend, TestApp, TestDatabase, spawn_app_on};
use soundings::app::config::DatabaseSettings;
use soundings::demo::seed::{CLOSED_ROUND, DemoOptions, OPEN_ROUND, seed};
use soundings::domain::disclosure::Rules;
use soundings::domain::peers::OrgAttributes;
use soundings::store::Database;
use std::collections::BTreeMap;

const SURVEY: &str = "nhs-social-media-maturity";

async fn demo_app(backend: Backend, rules: Rules) -> TestApp {
    let database = TestDatabase::new(backend).await;
    let db = Database::connect(&DatabaseSettings::new(database.url.clone()))
        .await
        .expect("connect");
    seed(&db, &DemoOptions::default(), &|_| {})
        .await
        .expect("seeding works");
    spawn_app_on(database, |s| s.disclosure_rules = rules).await
}

/// The respondents of `round` (what the attacker is assumed to know at best: who answered and
/// their public attributes), from the admin's identified export.
async fn respondents(app: &TestApp, round: &str) -> (Vec<OrgAttributes>, Vec<String>) {
    let path = format!("/api/v1/rounds/{round}/responses?identified=true&per_page=10000");
    let page = app.admin_get_json(&path).await;
    let mut by_code: BTreeMap<String, OrgAttributes> = BTreeMap::new();
    for row in page["items"].as_array().unwrap() {
        let text = |c: &str| row[c].as_str().unwrap().to_owned();
        by_code.insert(
            text("organisation"),
            OrgAttributes {
                kind: text("kind"),
                region: text("region"),
                country: text("country"),
                size_band: text("size_band"),
            },
        );
    }
    let codes: Vec<String> = by_code.keys().cloned().collect();
    (by_code.into_values().collect(), codes)
}

async fn the_demo_rounds_give_no_small_set_away(backend: Backend) {
    let app = demo_app(backend, Rules::Full).await;
    for round in [CLOSED_ROUND, OPEN_ROUND] {
        let (people, codes) = respondents(&app, round).await;
        assert!(people.len() > 150, "{round}: {} respondents", people.len());
        let observed = observe(&app, round, SURVEY, &people, &codes, 1).await;
        // The open round shows less: many groups there differ from last year's by a few
        // organisations that have not submitted yet, and those are withheld.
        let published = observed.published.values().filter(|p| **p).count();
        let expected = if round == CLOSED_ROUND { 40 } else { 10 };
        assert!(
            published >= expected,
            "{round}: only {published} groups published"
        );
        let breaches = attack(&people, &observed);
        assert!(breaches.is_empty(), "{round}: {}", shown(&breaches));
        assert!(smallest_export_class(&app, round).await > K);
    }
}

async fn the_demo_gave_trusts_away_before_secondary_suppression(backend: Backend) {
    let app = demo_app(backend, Rules::PrimaryOnly).await;
    let (people, codes) = respondents(&app, CLOSED_ROUND).await;
    let observed = observe(&app, CLOSED_ROUND, SURVEY, &people, &codes, 1).await;
    let breaches = attack(&people, &observed);
    let by_outsiders = breaches.iter().filter(|b| b.reader.is_none()).count();
    assert!(by_outsiders >= 10, "{}", shown(&breaches));
    assert!(smallest_export_class(&app, CLOSED_ROUND).await < K);
}

crate::on_both_backends!(
    the_demo_rounds_give_no_small_set_away,
    the_demo_gave_trusts_away_before_secondary_suppression,
);
