//! Researchers' tables and organisations' benchmarks on a seeded round whose figures are worked
//! out by hand, with disclosure control in every route.

use crate::helpers::{Backend, TestApp, error_paths, problem, spawn_app};
use crate::respond_api::tiny_round_named;
use serde_json::{Value, json};

/// (code, kind, answers) of a tiny-survey response and the overall score it earns:
/// overall = (2 × plan + team) / 3 (see respond_api.rs for the rules).
pub(crate) fn people() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("A1", "acute", json!({ "has_plan": "no", "wte": 0 })), // 0
        (
            "A2",
            "acute",
            json!({ "has_plan": "no", "channels": ["a"], "wte": 0 }),
        ), // 6.67
        (
            "A3",
            "acute",
            json!({ "has_plan": "yes", "plan_stage": "draft", "wte": 0 }),
        ), // 40
        (
            "A4",
            "acute",
            json!({ "has_plan": "yes", "plan_stage": "draft", "channels": ["a", "b"], "wte": 0 }),
        ), // 53.33
        (
            "A5",
            "acute",
            json!({ "has_plan": "yes", "plan_stage": "approved", "channels": ["c"], "wte": 1 }),
        ), // 86.67
        (
            "A6",
            "acute",
            json!({ "has_plan": "yes", "plan_stage": "approved", "channels": ["a", "c"], "wte": 2 }),
        ), // 100
        (
            "M1",
            "mental_health",
            json!({ "has_plan": "yes", "plan_stage": "draft", "wte": 0 }),
        ),
        ("M2", "mental_health", json!({ "has_plan": "no", "wte": 0 })),
        // Four ambulance trusts: with the two mental health trusts they make a block of six
        // that disclosure control can pool, so the acute group can be published whole.
        ("B1", "ambulance", json!({ "has_plan": "no", "wte": 1 })),
        (
            "B2",
            "ambulance",
            json!({ "has_plan": "yes", "plan_stage": "draft", "wte": 1 }),
        ),
        (
            "B3",
            "ambulance",
            json!({ "has_plan": "no", "channels": ["b"], "wte": 0 }),
        ),
        (
            "B4",
            "ambulance",
            json!({ "has_plan": "yes", "plan_stage": "approved", "wte": 3 }),
        ),
    ]
}

/// Everyone in `people()` submits in round `code`.
pub(crate) async fn everyone_submits(app: &TestApp, code: &str) {
    for (org, _, answers) in people() {
        app.submits(code, org, answers).await;
    }
}

pub(crate) async fn seeded(backend: Backend) -> TestApp {
    let app = spawn_app(backend).await;
    let specs: Vec<String> = people()
        .iter()
        .map(|(c, k, _)| format!("{c}:{k}"))
        .collect();
    app.create_organisations(&specs.iter().map(String::as_str).collect::<Vec<_>>())
        .await;
    tiny_round_named(&app, "t1", 1).await;
    everyone_submits(&app, "t1").await;
    app
}

pub(crate) fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

pub(crate) async fn csv_as(app: &TestApp, key: &str, path: &str) -> Vec<Vec<String>> {
    let resp = app
        .client
        .get(app.url(path))
        .bearer_auth(key)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = resp.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = vec![
        reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect(),
    ];
    rows.extend(
        reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect()),
    );
    rows
}

async fn an_organisation_is_placed_among_its_peers_as_worked_out_by_hand(backend: Backend) {
    let app = seeded(backend).await;
    let bench = app
        .admin_get_json("/api/v1/rounds/t1/organisations/A4/benchmark")
        .await;
    assert_eq!(bench["peer_group"]["grouping"], "kind,region");
    assert_eq!(bench["peer_group"]["n"], 6);
    let overall = &bench["overall"];
    // Overall scores of the six acute peers, sorted: 0, 6.667, 40, 53.333, 86.667, 100.
    // Type 7: h = 5p; Q1 = 6.667 + 0.25 × 33.333 = 15; median = 40 + 0.5 × 13.333 = 46.667;
    // Q3 = 53.333 + 0.75 × 33.333 = 78.333. A4 = 53.333: 3 below, 1 equal → 3.5 / 6 = 58.33%.
    assert!(close(&overall["score"], 160.0 / 3.0), "{overall}");
    assert!(
        close(&overall["peer_q1"], 15.0) && close(&overall["peer_median"], 140.0 / 3.0),
        "{overall}"
    );
    assert!(close(&overall["peer_q3"], 235.0 / 3.0), "{overall}");
    assert!(
        close(&overall["percentile"], 3.5 / 6.0 * 100.0),
        "{overall}"
    );
    assert_eq!(overall["quartile"], 3);
    assert!(close(
        &overall["difference_from_median"],
        160.0 / 3.0 - 140.0 / 3.0
    ));
    assert_eq!(overall["change"], Value::Null, "no previous round");

    // Per question: 4 of the 6 acute peers have a plan; A4 said yes.
    let has_plan = bench["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question"] == "has_plan")
        .unwrap();
    let yes = has_plan["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["value"] == "yes")
        .unwrap();
    assert_eq!(yes["count"], 4);
    assert!(close(&yes["share"], 4.0 / 6.0));
    assert_eq!(yes["chosen"], true);

    // Two mental health trusts are too few: the benchmark falls back to the country (kind
    // cannot be shown: with acute and all organisations published, it would be their difference
    // minus the ambulance trusts, which are too few as well).
    let m1 = app
        .admin_get_json("/api/v1/rounds/t1/organisations/M1/benchmark")
        .await;
    assert_eq!(m1["peer_group"]["grouping"], "country");
    assert_eq!(m1["peer_group"]["n"], 12);
    assert_eq!(m1["peer_group"]["skipped"].as_array().unwrap().len(), 2);
    assert!(
        m1["peer_group"]["skipped"][0]
            .as_str()
            .unwrap()
            .contains("fewer than 5")
    );

    // The response-level scores reproduce the published statistics (as pandas or R would).
    let scores: Value = app
        .get_as(&app.researcher_key, "/api/v1/rounds/t1/scores")
        .await
        .json()
        .await
        .unwrap();
    let mut acute: Vec<f64> = scores
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "acute" && r["dimension"] == "overall")
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    acute.sort_by(f64::total_cmp);
    let stats: Value = app
        .get_as(
            &app.researcher_key,
            "/api/v1/rounds/t1/statistics?group_by=kind",
        )
        .await
        .json()
        .await
        .unwrap();
    let published = stats
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "acute" && r["dimension"] == "overall")
        .unwrap();
    assert!(close(&published["median"], (acute[2] + acute[3]) / 2.0));
    assert!(close(&published["mean"], acute.iter().sum::<f64>() / 6.0));

    let none = app
        .get_as(
            &app.admin_key,
            "/api/v1/rounds/t1/organisations/ZZ9/benchmark",
        )
        .await;
    assert_eq!(none.status(), 404);
}

async fn every_aggregate_suppresses_groups_below_the_threshold_in_json_and_csv(backend: Backend) {
    let app = seeded(backend).await;
    let key = app.researcher_key.clone();
    let stats: Value = app
        .get_as(&key, "/api/v1/rounds/t1/statistics?group_by=kind")
        .await
        .json()
        .await
        .unwrap();
    let rows = stats.as_array().unwrap();
    let acute = rows
        .iter()
        .find(|r| r["kind"] == "acute" && r["dimension"] == "overall")
        .unwrap();
    assert_eq!(acute["n"], 6);
    assert!(close(&acute["median"], 140.0 / 3.0));
    assert_eq!(acute["suppressed"], false);
    for r in rows.iter().filter(|r| r["kind"] == "mental_health") {
        assert_eq!(r["suppressed"], true, "{r}");
        assert!(
            r["n"].is_null() && r["mean"].is_null() && r["median"].is_null(),
            "a suppressed figure was published: {r}"
        );
        assert!(
            r["suppression_reason"]
                .as_str()
                .unwrap()
                .contains("fewer than 5")
        );
    }

    let csv = csv_as(&app, &key, "/api/v1/rounds/t1/statistics?group_by=kind").await;
    let header = &csv[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mental: Vec<&Vec<String>> = csv
        .iter()
        .filter(|r| r[col("kind")] == "mental_health")
        .collect();
    assert_eq!(mental.len(), 3, "overall and two dimensions");
    for r in mental {
        assert_eq!(r[col("n")], "", "a suppressed count is empty, never 0");
        assert_eq!(r[col("mean")], "");
        assert_eq!(r[col("suppressed")], "true");
    }

    let dist: Value = app
        .get_as(&key, "/api/v1/rounds/t1/distributions?group_by=kind")
        .await
        .json()
        .await
        .unwrap();
    for r in dist.as_array().unwrap() {
        if r["kind"] == "mental_health" {
            assert!(
                r["count"].is_null() && r["share"].is_null() && r["suppressed"] == true,
                "{r}"
            );
        }
    }
    let plan_yes = dist
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "acute" && r["question"] == "has_plan" && r["option"] == "yes")
        .unwrap();
    assert_eq!(plan_yes["count"], 4);
    let dist_csv = csv_as(&app, &key, "/api/v1/rounds/t1/distributions?group_by=kind").await;
    let c = |name: &str| dist_csv[0].iter().position(|h| h == name).unwrap();
    assert!(
        dist_csv
            .iter()
            .skip(1)
            .filter(|r| r[c("kind")] == "mental_health")
            .all(|r| r[c("count")].is_empty())
    );

    let progress: Value = app
        .get_as(&key, "/api/v1/rounds/t1/progress?group_by=kind")
        .await
        .json()
        .await
        .unwrap();
    let mental = progress
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "mental_health")
        .unwrap();
    assert!(mental["submitted"].is_null() && mental["suppressed"] == true);
    let all: Value = app
        .get_as(&key, "/api/v1/rounds/t1/progress")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all[0]["invited"], 12);
    assert_eq!(all[0]["submitted"], 12);

    // A whole round below k publishes nothing at all.
    let small = spawn_app(Backend::Sqlite).await;
    small.create_organisations(&["S1", "S2"]).await;
    tiny_round_named(&small, "t1", 1).await;
    for org in ["S1", "S2"] {
        small.submits("t1", org, json!({ "has_plan": "no" })).await;
    }
    let stats: Value = small
        .get_as(&small.researcher_key, "/api/v1/rounds/t1/statistics")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        stats
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["suppressed"] == true && r["n"].is_null())
    );
    let bench = small
        .admin_get_json("/api/v1/rounds/t1/organisations/S1/benchmark")
        .await;
    assert!(bench["overall"]["percentile"].is_null() && bench["overall"]["suppressed"] == true);
    assert_eq!(bench["peer_group"]["grouping"], "all");

    let bad = small
        .get_as(
            &small.researcher_key,
            "/api/v1/rounds/t1/statistics?group_by=colour",
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(error_paths(&problem(bad).await), ["group_by"]);
}

crate::on_both_backends!(
    an_organisation_is_placed_among_its_peers_as_worked_out_by_hand,
    every_aggregate_suppresses_groups_below_the_threshold_in_json_and_csv,
);
