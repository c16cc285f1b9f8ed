//! Several colleagues per organisation (issue 21): a lead hands sections to colleagues, each of
//! whom can open and save only their own; only the lead submits; the operator sees it; links end
//! with the organisation's; the audit trail records it without secrets.

use crate::helpers::TestApp;
use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::json;

mod accessibility;
mod api_flow;
mod links_end;
mod mail;
mod operator;
mod pages;
mod welsh;

/// Three sections, as a trust splits them: strategy (the lead), staffing and goals (colleagues).
const TRIO: &str = r#"
slug: trio
version: 1
title: Trio
description: Three sections for three people
levels:
  - { name: Low, min_score: 0 }
  - { name: High, min_score: 50 }
dimensions:
  - { key: d, title: D, weight: 1 }
sections:
  - key: strategy
    title: Strategy
    questions:
      - { key: has_strategy, prompt: "Strategy?", type: yes_no, required: true, dimension: d, scores: { "yes": 2, "no": 0 } }
  - key: staffing
    title: Staffing
    questions:
      - { key: staff_wte, prompt: "How many staff?", type: integer, required: true, min: 0, max: 100 }
  - key: goals
    title: Goals
    questions:
      - { key: has_goals, prompt: "Goals?", type: yes_no, required: true, dimension: d, scores: { "yes": 1, "no": 0 } }
"#;

/// Publishes the trio survey, opens round `r1`, and invites organisation `Q1`: the lead's link
/// path (`/respond/<secret>`).
async fn trio_lead(app: &TestApp) -> String {
    app.admin_post(
        "/api/v1/surveys",
        json!({ "slug": "trio", "title": "Trio" }),
    )
    .await;
    let put = app
        .admin_text(
            Method::PUT,
            "/api/v1/surveys/trio/versions/1",
            "application/yaml",
            TRIO,
        )
        .await;
    assert_eq!(put.status(), 201, "{}", put.text().await.unwrap());
    app.admin_post("/api/v1/surveys/trio/versions/1/publish", json!({}))
        .await;
    let now = Utc::now();
    let created = app
        .admin_post(
            "/api/v1/rounds",
            json!({ "code": "r1", "name": "R1", "survey": "trio", "version": 1,
                    "opens_at": now - Duration::days(1), "closes_at": now + Duration::days(9) }),
        )
        .await;
    assert_eq!(created.status(), 201);
    app.admin_post("/api/v1/rounds/r1/open", json!({})).await;
    app.create_organisations(&["Q1"]).await;
    app.invite("r1", "Q1").await
}

/// The lead hands `sections` to a colleague through the API: (delegate id, link path).
async fn delegate(app: &TestApp, lead: &str, name: &str, sections: &[&str]) -> (i64, String) {
    let resp = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{lead}/delegates"),
            Some(
                json!({ "name": name, "email": format!("{}@trust.example", name.to_lowercase()),
                         "sections": sections }),
            ),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let made: serde_json::Value = resp.json().await.unwrap();
    let link = made["link"].as_str().unwrap();
    let path = link.strip_prefix(&app.address).unwrap_or(link).to_owned();
    (made["delegate"]["id"].as_i64().unwrap(), path)
}

/// The response as a link sees it through the API.
async fn state(app: &TestApp, link: &str) -> serde_json::Value {
    let resp = app.get(&format!("/api/v1{link}")).await;
    assert_eq!(resp.status(), 200, "GET {link}");
    resp.json().await.unwrap()
}

/// Saves answers through the API at `revision`.
async fn save(
    app: &TestApp,
    link: &str,
    revision: i64,
    answers: serde_json::Value,
) -> reqwest::Response {
    crate::respond_api::put_answers(app, link, revision, answers).await
}
