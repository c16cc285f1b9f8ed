//! Researchers' tables across rounds and over time: trends and change since the last round,
//! pseudonyms (stable within a round, different across rounds; identified rows for admins),
//! and the round cache behind every table, on the people of `research.rs`.

use crate::helpers::{Backend, problem, spawn_app};
use crate::research::{close, csv_as, everyone_submits, people, seeded};
use crate::respond_api::{put_answers, tiny_round_named};
use serde_json::{Value, json};

async fn trends_span_rounds_and_benchmarks_show_the_change(backend: Backend) {
    let app = spawn_app(backend).await;
    let specs: Vec<String> = people()
        .iter()
        .map(|(c, k, _)| format!("{c}:{k}"))
        .collect();
    app.create_organisations(&specs.iter().map(String::as_str).collect::<Vec<_>>())
        .await;
    tiny_round_named(&app, "t0", 10).await;
    everyone_submits(&app, "t0").await;
    tiny_round_named(&app, "t1", 1).await;
    // In t1, A1 improves to A3's answers (overall 0 → 40); the others answer as before.
    for (org, _, answers) in people() {
        let answers = if org == "A1" {
            people()[2].2.clone()
        } else {
            answers
        };
        app.submits("t1", org, answers).await;
    }
    let trends: Value = app
        .get_as(
            &app.researcher_key,
            "/api/v1/surveys/tiny/trends?group_by=kind",
        )
        .await
        .json()
        .await
        .unwrap();
    let acute: Vec<&Value> = trends
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "acute" && r["dimension"] == "overall")
        .collect();
    assert_eq!(acute.len(), 2);
    assert_eq!(acute[0]["round"], "t0");
    assert_eq!(acute[1]["round"], "t1");
    // The acute mean rises by 40 / 6.
    let rise = acute[1]["mean"].as_f64().unwrap() - acute[0]["mean"].as_f64().unwrap();
    assert!((rise - 40.0 / 6.0).abs() < 1e-9, "{rise}");

    let bench = app
        .admin_get_json("/api/v1/rounds/t1/organisations/A1/benchmark")
        .await;
    assert_eq!(bench["previous_round"], "t0");
    assert!(close(&bench["overall"]["change"], 40.0));
    assert!(close(&bench["overall"]["previous_score"], 0.0));
}

async fn pseudonyms_are_stable_within_a_round_and_identified_rows_are_for_admins(backend: Backend) {
    let app = spawn_app(backend).await;
    let specs: Vec<String> = people()
        .iter()
        .map(|(c, k, _)| format!("{c}:{k}"))
        .collect();
    app.create_organisations(&specs.iter().map(String::as_str).collect::<Vec<_>>())
        .await;
    tiny_round_named(&app, "t0", 10).await;
    everyone_submits(&app, "t0").await;
    tiny_round_named(&app, "t1", 1).await;
    everyone_submits(&app, "t1").await;

    let researcher = app.researcher_key.clone();
    let t0: Value = app
        .get_as(&researcher, "/api/v1/rounds/t0/responses")
        .await
        .json()
        .await
        .unwrap();
    let t0_again: Value = app
        .get_as(&researcher, "/api/v1/rounds/t0/responses?per_page=3&page=1")
        .await
        .json()
        .await
        .unwrap();
    let t1: Value = app
        .get_as(&researcher, "/api/v1/rounds/t1/responses")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t0["total"], 12);
    let first = |v: &Value| v["items"][0]["pseudonym"].as_str().unwrap().to_owned();
    assert_eq!(
        first(&t0),
        first(&t0_again),
        "pseudonyms must be stable within a round"
    );
    let t0_names: std::collections::HashSet<String> = t0["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["pseudonym"].as_str().unwrap().to_owned())
        .collect();
    let t1_names: std::collections::HashSet<String> = t1["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["pseudonym"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(t0_names.len(), 12);
    assert!(
        t0_names.is_disjoint(&t1_names),
        "pseudonyms must differ across rounds"
    );
    let text = t0.to_string();
    assert!(
        !text.contains("\"A1\"") && !text.contains("A1 Trust"),
        "a researcher saw an organisation's identity"
    );
    assert!(
        t0["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["question"] != "notes"),
        "free text leaked"
    );

    for query in ["identified=true", "include_text=true"] {
        let resp = app
            .get_as(&researcher, &format!("/api/v1/rounds/t0/responses?{query}"))
            .await;
        assert_eq!(resp.status(), 403, "{query}");
        assert_eq!(problem(resp).await["type"], "/problems/forbidden");
    }
    let bench = app
        .get_as(&researcher, "/api/v1/rounds/t0/organisations/A1/benchmark")
        .await;
    assert_eq!(
        bench.status(),
        403,
        "researchers get no identified benchmark"
    );

    let scores: Value = app
        .get_as(&researcher, "/api/v1/rounds/t0/scores")
        .await
        .json()
        .await
        .unwrap();
    let score_names: std::collections::HashSet<String> = scores
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["pseudonym"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(score_names, t0_names, "scores and answers share pseudonyms");

    let identified = app
        .admin_get_json("/api/v1/rounds/t0/responses?identified=true")
        .await;
    assert!(
        identified["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["organisation"] == "A1")
    );
    let csv = csv_as(&app, &researcher, "/api/v1/rounds/t0/responses").await;
    assert_eq!(
        csv[0],
        [
            "round",
            "pseudonym",
            "organisation",
            "organisation_name",
            "kind",
            "region",
            "country",
            "size_band",
            "question",
            "dimension",
            "value"
        ]
    );
    assert!(
        csv.iter()
            .skip(1)
            .all(|r| r[2].is_empty() && r[3].is_empty())
    );
}

async fn a_new_submission_or_an_amendment_shows_at_once_in_cached_statistics(backend: Backend) {
    let app = seeded(backend).await;
    let overall = |stats: &Value| {
        stats
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["dimension"] == "overall")
            .cloned()
            .unwrap()
    };
    let before: Value = app
        .get_as(&app.researcher_key, "/api/v1/rounds/t1/statistics")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overall(&before)["n"], 12);
    // A thirteenth organisation submits: the cached round data must not be served.
    app.create_organisations(&["N9"]).await;
    let answers =
        json!({ "has_plan": "yes", "plan_stage": "approved", "channels": ["a", "c"], "wte": 2 });
    let link = app.submits("t1", "N9", answers).await;
    let after: Value = app
        .get_as(&app.researcher_key, "/api/v1/rounds/t1/statistics")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overall(&after)["n"], 13);
    // It scores 100, above everyone's mean: the mean rises by (100 − mean) / 13.
    let (then, now) = (
        overall(&before)["mean"].as_f64().unwrap(),
        overall(&after)["mean"].as_f64().unwrap(),
    );
    assert!(
        (now - (then + (100.0 - then) / 13.0)).abs() < 1e-9,
        "{then} → {now}"
    );
    // It amends its (submitted) answers down: the mean follows.
    let amended = put_answers(
        &app,
        &link,
        2,
        json!({ "has_plan": "no", "channels": null, "wte": 0 }),
    )
    .await;
    assert_eq!(amended.status(), 200);
    let later: Value = app
        .get_as(&app.researcher_key, "/api/v1/rounds/t1/statistics")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overall(&later)["n"], 13);
    assert!(overall(&later)["mean"].as_f64().unwrap() < overall(&after)["mean"].as_f64().unwrap());
}

crate::on_both_backends!(
    trends_span_rounds_and_benchmarks_show_the_change,
    pseudonyms_are_stable_within_a_round_and_identified_rows_are_for_admins,
    a_new_submission_or_an_amendment_shows_at_once_in_cached_statistics,
);
