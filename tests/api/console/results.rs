//! A round's results in the console: the summary (page and PDF), each submitted organisation's
//! board report (page and PDF), and share links made with an expiry and revoked.

use super::{console_get, console_post, sign_in};
use crate::helpers::{Backend, TestApp, spawn_app};
use crate::respond_api::tiny_round_named;
use serde_json::json;

async fn round_with_answers(backend: Backend) -> TestApp {
    let app = spawn_app(backend).await;
    tiny_round_named(&app, "t1", 1).await;
    let codes = ["A1", "A2", "A3", "A4", "A5", "A6"];
    app.create_organisations(&codes).await;
    for (i, code) in codes.into_iter().enumerate() {
        let answers = json!({ "has_plan": if i % 2 == 0 { "yes" } else { "no" },
                              "plan_stage": "approved", "wte": i });
        app.submits("t1", code, answers).await;
    }
    app
}

async fn an_admin_opens_reports_and_shares_one_until_it_is_revoked(backend: Backend) {
    let app = round_with_answers(backend).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let page = console_get(&app, &admin.cookie, "/admin/rounds/t1/results").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("/admin/rounds/t1/reports/A1\""), "{page}");
    // The published statistics as charts: the median overall score the summary shows (40.0).
    assert!(
        page.contains("<svg") && page.contains(">40.0</text>"),
        "{page}"
    );

    let found = console_get(&app, &admin.cookie, "/admin/rounds/t1/results?q=a2").await;
    let found = found.text().await.unwrap();
    assert!(
        found.contains("/reports/A2\"") && !found.contains("/reports/A1\""),
        "{found}"
    );
    let report = console_get(&app, &admin.cookie, "/admin/rounds/t1/reports/A1").await;
    assert_eq!(report.status(), 200);
    let html = report.text().await.unwrap();
    assert!(html.contains("A1 Trust"), "{html}");
    // The same page the API gives an admin.
    let api = app
        .get_as(&app.admin_key, "/api/v1/rounds/t1/organisations/A1/report")
        .await
        .text()
        .await
        .unwrap();
    // minijinja escapes `/` in attributes; the two differ only in where the PDF link points.
    assert_eq!(
        html.replace("&#x2f;", "/")
            .replace("/admin/rounds/t1/reports/A1/report.pdf", "report.pdf"),
        api.replace("&#x2f;", "/")
    );
    let pdf = console_get(
        &app,
        &admin.cookie,
        "/admin/rounds/t1/reports/A1/report.pdf",
    )
    .await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    let made = console_post(
        &app,
        &admin.cookie,
        "/admin/rounds/t1/reports/A1/shares",
        Some(&admin.csrf),
        &[("days", "7")],
    )
    .await;
    assert_eq!(made.status(), 200);
    let made = made.text().await.unwrap().replace("&#x2f;", "/");
    let start = made.find("/share/").expect("the link, shown once");
    let end = start + made[start..].find('<').unwrap();
    let link = made[start..end].to_owned();
    assert_eq!(
        app.get(&link).await.status(),
        200,
        "the link opens the report"
    );
    let shares: serde_json::Value = app
        .get_as(&app.admin_key, "/api/v1/rounds/t1/shares")
        .await
        .json()
        .await
        .unwrap();
    let id = shares[0]["id"].as_i64().unwrap().to_string();
    let expires = shares[0]["expires_at"].as_str().unwrap().to_owned();
    let in_a_week = chrono::Utc::now() + chrono::Duration::days(7);
    assert!(
        expires.starts_with(&in_a_week.format("%Y-%m-%d").to_string()),
        "{expires}"
    );
    let page = console_get(&app, &admin.cookie, "/admin/rounds/t1/results").await;
    assert!(
        page.text()
            .await
            .unwrap()
            .contains(&format!("/shares/{id}/revoke"))
    );
    let revoked = console_post(
        &app,
        &admin.cookie,
        &format!("/admin/rounds/t1/shares/{id}/revoke"),
        Some(&admin.csrf),
        &[],
    )
    .await;
    assert_eq!(revoked.status(), 303);
    assert_eq!(app.get(&link).await.status(), 404, "revoked");
}

async fn the_summary_is_the_apis_and_a_researcher_gets_it_but_no_report(backend: Backend) {
    let app = round_with_answers(backend).await;
    let researcher = sign_in(&app, &app.researcher_key).await;
    let summary = console_get(&app, &researcher.cookie, "/admin/rounds/t1/summary").await;
    assert_eq!(summary.status(), 200);
    let html = summary.text().await.unwrap();
    let api = app
        .get_as(&app.researcher_key, "/api/v1/rounds/t1/summary-report")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        html.replace("&#x2f;", "/")
            .replace("/admin/rounds/t1/summary.pdf", "summary-report.pdf"),
        api.replace("&#x2f;", "/"),
        "the same published figures"
    );
    let pdf = console_get(&app, &researcher.cookie, "/admin/rounds/t1/summary.pdf").await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let page = console_get(&app, &researcher.cookie, "/admin/rounds/t1/results").await;
    let page = page.text().await.unwrap();
    assert!(
        !page.contains("/reports/A1"),
        "board reports are admin-only: {page}"
    );
    let report = console_get(&app, &researcher.cookie, "/admin/rounds/t1/reports/A1").await;
    assert_eq!(report.status(), 403);
}

async fn csv_downloads_are_the_apis_files(backend: Backend) {
    let app = round_with_answers(backend).await;
    let researcher = sign_in(&app, &app.researcher_key).await;
    for what in ["statistics", "progress"] {
        for group_by in ["", "?group_by=kind", "?group_by=kind,region"] {
            let console = console_get(
                &app,
                &researcher.cookie,
                &format!("/admin/rounds/t1/{what}.csv{group_by}"),
            )
            .await;
            assert_eq!(console.status(), 200);
            assert!(
                console.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/csv")
            );
            let api = app
                .client
                .get(app.url(&format!("/api/v1/rounds/t1/{what}{group_by}")))
                .bearer_auth(&app.researcher_key)
                .header("accept", "text/csv")
                .send()
                .await
                .unwrap();
            assert_eq!(
                console.text().await.unwrap(),
                api.text().await.unwrap(),
                "{what}{group_by}"
            );
        }
    }
    let bad = console_get(
        &app,
        &researcher.cookie,
        "/admin/rounds/t1/statistics.csv?group_by=colour",
    )
    .await;
    assert_eq!(bad.status(), 422);
}

crate::on_both_backends!(
    csv_downloads_are_the_apis_files,
    an_admin_opens_reports_and_shares_one_until_it_is_revoked,
    the_summary_is_the_apis_and_a_researcher_gets_it_but_no_report,
);
