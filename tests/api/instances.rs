//! Issue 29: several `soundings serve` instances over one database publish the same figures.
//! Every input of a round's published figures is changed through one instance (a round's window,
//! which orders the rounds; a round's status; an organisation's attributes; a submission), and
//! after each change an instance whose caches are warm must publish exactly what a freshly
//! started instance publishes. Before the round's own row was part of what decides whether its
//! cached data is current, moving a round's opening date through one instance left another
//! publishing groups under the old order of rounds, which the cross-round rule withholds.

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::respond_api::tiny_round_named;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

/// Everything an instance publishes about the two rounds that a change could move.
async fn published(instance: &TestApp, key: &str) -> Value {
    let mut seen = serde_json::Map::new();
    for round in ["t0", "t1"] {
        for path in [
            "disclosure",
            "statistics?group_by=kind",
            "statistics?group_by=region",
            "distributions?group_by=kind",
            "responses",
            "scores",
        ] {
            let resp = instance
                .get_as(key, &format!("/api/v1/rounds/{round}/{path}"))
                .await;
            let status = resp.status().as_u16();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            seen.insert(
                format!("{round}/{path}"),
                json!({ "status": status, "body": body }),
            );
        }
    }
    let bench = instance
        .get_as(key, "/api/v1/rounds/t1/organisations/A1/benchmark")
        .await;
    let status = bench.status().as_u16();
    seen.insert(
        "t1/A1/benchmark".to_owned(),
        json!({ "status": status, "body": bench.json::<Value>().await.unwrap_or(Value::Null) }),
    );
    Value::Object(seen)
}

/// The answers every organisation gives: half plan, half not.
fn answers(i: usize) -> Value {
    if i.is_multiple_of(2) {
        json!({ "has_plan": "yes", "plan_stage": "approved", "channels": ["a", "c"], "wte": 2.5 })
    } else {
        json!({ "has_plan": "no", "channels": ["b"], "wte": 0.5 })
    }
}

/// One change made through `app`, chosen by `rng`; returns what it was, for the failure message.
async fn change(app: &TestApp, rng: &mut StdRng, pending: &mut Vec<String>) -> String {
    let now = chrono::Utc::now();
    let orgs: Vec<String> = (1..=8)
        .map(|i| format!("A{i}"))
        .chain((1..=6).map(|i| format!("M{i}")))
        .collect();
    loop {
        match rng.random_range(0..5) {
            0 => {
                // t1 opens before t0, or back after it: the order of the rounds.
                let before = rng.random_bool(0.5);
                let opens = if before {
                    now - chrono::Duration::days(20)
                } else {
                    now - chrono::Duration::days(1)
                };
                let resp = app
                    .send(
                        reqwest::Method::PATCH,
                        Some(&app.admin_key),
                        "/api/v1/rounds/t1",
                        Some(json!({ "opens_at": opens })),
                    )
                    .await;
                assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
                return format!("t1 opens {}", if before { "before t0" } else { "after t0" });
            }
            1 => {
                let round = ["t0", "t1"][rng.random_range(0..2)];
                let status = app.admin_get_json(&format!("/api/v1/rounds/{round}")).await["status"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                let action = if status == "open" { "close" } else { "reopen" };
                let resp = app
                    .admin_post(&format!("/api/v1/rounds/{round}/{action}"), json!({}))
                    .await;
                assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
                return format!("{action} {round}");
            }
            2 => {
                let org = &orgs[rng.random_range(0..orgs.len())];
                let kind = ["acute", "mental_health"][rng.random_range(0..2)];
                patch_organisation(app, org, json!({ "kind": kind })).await;
                return format!("{org} becomes {kind}");
            }
            3 => {
                let org = &orgs[rng.random_range(0..orgs.len())];
                let region = ["North West", "London"][rng.random_range(0..2)];
                patch_organisation(app, org, json!({ "region": region })).await;
                return format!("{org} moves to {region}");
            }
            _ => {
                let open = app.admin_get_json("/api/v1/rounds/t1").await["status"] == "open";
                if !open || pending.is_empty() {
                    continue;
                }
                let org = pending.remove(0);
                app.submits("t1", &org, answers(org.len())).await;
                return format!("{org} submits in t1");
            }
        }
    }
}

async fn patch_organisation(app: &TestApp, code: &str, body: Value) {
    let resp = app
        .send(
            reqwest::Method::PATCH,
            Some(&app.admin_key),
            &format!("/api/v1/organisations/{code}"),
            Some(body),
        )
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
}

async fn a_warm_instance_publishes_what_a_fresh_one_does_after_any_change_through_another(
    backend: Backend,
) {
    let writer = spawn_app(backend).await;
    let reader = writer.another_instance(|_| {}).await;
    let key = writer.admin_key.clone();
    let specs: Vec<String> = (1..=8)
        .map(|i| format!("A{i}:acute"))
        .chain((1..=6).map(|i| format!("M{i}:mental_health")))
        .collect();
    writer
        .create_organisations(&specs.iter().map(String::as_str).collect::<Vec<_>>())
        .await;
    // t0: six acute and six mental health trusts. t1: one acute trust more, so that under the
    // cross-round rule t1's kind groups differ from t0's by one and are pooled; alone, t1
    // publishes both. One more acute trust is left to submit later.
    tiny_round_named(&writer, "t0", 10).await;
    for (i, org) in [
        "A1", "A2", "A3", "A4", "A5", "A6", "M1", "M2", "M3", "M4", "M5", "M6",
    ]
    .iter()
    .enumerate()
    {
        writer.submits("t0", org, answers(i)).await;
    }
    tiny_round_named(&writer, "t1", 1).await;
    for (i, org) in [
        "A1", "A2", "A3", "A4", "A5", "A6", "A7", "M1", "M2", "M3", "M4", "M5", "M6",
    ]
    .iter()
    .enumerate()
    {
        writer.submits("t1", org, answers(i)).await;
    }
    let mut pending = vec!["A8".to_owned()];

    // The case first (t1 moved before t0 and back), then changes drawn at random.
    let mut rng = StdRng::seed_from_u64(29);
    let mut history = Vec::new();
    for step in 0..14 {
        // The reader's caches are warm: it has published everything as things stood.
        published(&reader, &key).await;
        let done = match step {
            0 | 1 => {
                let opens = if step == 0 { 20 } else { 1 };
                let resp = writer
                    .send(
                        reqwest::Method::PATCH,
                        Some(&writer.admin_key),
                        "/api/v1/rounds/t1",
                        Some(json!({ "opens_at": chrono::Utc::now() - chrono::Duration::days(opens) })),
                    )
                    .await;
                assert_eq!(resp.status(), 200);
                format!("t1 opens {opens} days ago")
            }
            _ => change(&writer, &mut rng, &mut pending).await,
        };
        history.push(done);
        let fresh = writer.another_instance(|_| {}).await;
        let expected = published(&fresh, &key).await;
        let warm = published(&reader, &key).await;
        for (what, value) in expected.as_object().unwrap() {
            assert_eq!(
                &warm[what], value,
                "{what} differs between a warm and a fresh instance after: {history:?}"
            );
        }
    }
}

crate::on_both_backends!(
    a_warm_instance_publishes_what_a_fresh_one_does_after_any_change_through_another,
);
