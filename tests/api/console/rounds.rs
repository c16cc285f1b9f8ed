//! Rounds in the console: making one through the form (errors first), the dashboard's figures
//! (withheld exactly where the progress API withholds them), and closing after a confirmation.

use super::{console_get, console_post, sign_in};
use crate::helpers::{Backend, TestApp, spawn_app};
use crate::respond_api::tiny_round_named;
use serde_json::Value;

async fn an_admin_creates_a_round_through_the_form_after_fixing_its_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round_named(&app, "t1", 1).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let form = console_get(&app, &admin.cookie, "/admin/rounds/new").await;
    assert_eq!(form.status(), 200);

    let bad = console_post(
        &app,
        &admin.cookie,
        "/admin/rounds",
        Some(&admin.csrf),
        &[
            ("code", "Bad Code"),
            ("name", "Next"),
            ("survey", "tiny"),
            ("version", "x"),
            ("opens_at", "2027-01-01T09:00"),
            ("closes_at", "2026-01-01T09:00"),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("There is a problem"), "{html}");
    assert!(html.contains("href=\"#round-version\""), "{html}");
    assert!(
        html.contains("value=\"Bad Code\""),
        "what was typed is kept"
    );

    let bad = console_post(
        &app,
        &admin.cookie,
        "/admin/rounds",
        Some(&admin.csrf),
        &[
            ("code", "Bad Code"),
            ("name", "Next"),
            ("survey", "tiny"),
            ("version", "1"),
            ("opens_at", "2027-01-01T09:00"),
            ("closes_at", "2026-01-01T09:00"),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    // The service's own rules, shown against their fields.
    assert!(html.contains("href=\"#round-code\""), "{html}");
    assert!(html.contains("href=\"#round-closes_at\""), "{html}");

    let good = console_post(
        &app,
        &admin.cookie,
        "/admin/rounds",
        Some(&admin.csrf),
        &[
            ("code", "t2"),
            ("name", "Next year"),
            ("survey", "tiny"),
            ("version", "1"),
            ("opens_at", "2027-01-01T09:00"),
            ("closes_at", "2027-03-01T17:00"),
        ],
    )
    .await;
    assert_eq!(good.status(), 303);
    assert_eq!(good.headers()["location"], "/admin/rounds/t2");
    let round: Value = app
        .get_as(&app.admin_key, "/api/v1/rounds/t2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(round["status"], "draft");
    assert_eq!(round["opens_at"], "2027-01-01T09:00:00+00:00");
    let list = console_get(&app, &admin.cookie, "/admin/rounds").await;
    assert!(list.text().await.unwrap().contains("Next year"));
}

async fn closing_a_round_asks_first_then_closes_it_in_the_audit_trail(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round_named(&app, "t1", 1).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let dashboard = console_get(&app, &admin.cookie, "/admin/rounds/t1").await;
    let html = dashboard.text().await.unwrap();
    assert!(
        html.contains("href=\"/admin/rounds/t1/confirm/close\""),
        "{html}"
    );
    assert!(
        !html.contains("confirm/open"),
        "an open round cannot be opened"
    );
    let confirm = console_get(&app, &admin.cookie, "/admin/rounds/t1/confirm/close").await;
    assert_eq!(confirm.status(), 200);
    assert!(
        confirm
            .text()
            .await
            .unwrap()
            .contains("action=\"/admin/rounds/t1/status/close\"")
    );
    // Nothing changed until the confirmation is posted.
    assert_eq!(round_status(&app, "t1").await, "open");
    let closed = console_post(
        &app,
        &admin.cookie,
        "/admin/rounds/t1/status/close",
        Some(&admin.csrf),
        &[],
    )
    .await;
    assert_eq!(closed.status(), 303);
    assert_eq!(round_status(&app, "t1").await, "closed");
    // A second close is refused by the same rule the API applies.
    let again = console_post(
        &app,
        &admin.cookie,
        "/admin/rounds/t1/status/close",
        Some(&admin.csrf),
        &[],
    )
    .await;
    assert_eq!(again.status(), 409);
    let trail: Value = app
        .get_as(&app.admin_key, "/api/v1/audit-events")
        .await
        .json()
        .await
        .unwrap();
    let prefix: String = app.admin_key.chars().take(12).collect();
    assert!(
        trail["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "round.close" && e["actor"] == format!("key:{prefix}")),
        "{trail}"
    );
}

async fn round_status(app: &TestApp, code: &str) -> String {
    let round: Value = app
        .get_as(&app.admin_key, &format!("/api/v1/rounds/{code}"))
        .await
        .json()
        .await
        .unwrap();
    round["status"].as_str().unwrap().to_owned()
}

async fn the_dashboard_withholds_what_the_progress_api_withholds(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round_named(&app, "t1", 1).await;
    app.create_organisations(&["A1", "A2", "B1:mental_health"])
        .await;
    for org in ["A1", "A2", "B1"] {
        app.invite("t1", org).await;
    }
    let api: Value = app
        .get_as(&app.admin_key, "/api/v1/rounds/t1/progress")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        api[0]["submitted"].is_null(),
        "three invited are fewer than k: {api}"
    );
    let admin = sign_in(&app, &app.admin_key).await;
    let html = console_get(&app, &admin.cookie, "/admin/rounds/t1")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<svg"), "{html}");
    assert!(html.contains(">withheld</text>"), "{html}");
    assert!(
        !html.contains("<rect"),
        "no bar for a withheld figure: {html}"
    );
    // Each organisation's own status is the admin's to see, with search and filter.
    assert!(
        html.contains("A1 Trust") && html.contains("B1 Trust"),
        "{html}"
    );
    let found = console_get(&app, &admin.cookie, "/admin/rounds/t1?q=b1&status=invited").await;
    let found = found.text().await.unwrap();
    assert!(
        found.contains("B1 Trust") && !found.contains("A1 Trust"),
        "{found}"
    );
    let none = console_get(&app, &admin.cookie, "/admin/rounds/t1?status=submitted").await;
    assert!(
        none.text()
            .await
            .unwrap()
            .contains("No organisation matches")
    );
}

async fn a_researcher_sees_the_figures_but_neither_organisations_nor_actions(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round_named(&app, "t1", 1).await;
    app.create_organisations(&["A1"]).await;
    app.invite("t1", "A1").await;
    let researcher = sign_in(&app, &app.researcher_key).await;
    let html = console_get(&app, &researcher.cookie, "/admin/rounds/t1")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Response rate"), "{html}");
    assert!(
        !html.contains("A1 Trust"),
        "who was invited is admin-only, as in the API"
    );
    assert!(!html.contains("confirm/close"), "{html}");
    let list = console_get(&app, &researcher.cookie, "/admin/rounds")
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains("/admin/rounds/new"), "{list}");
}

/// Issue 28: an admin releases a closed round from its page, which then lists the release; an
/// open round offers no release, and a researcher sees the list but no button.
async fn an_admin_releases_a_closed_round_from_its_page(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round_named(&app, "t1", 1).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let open = console_get(&app, &admin.cookie, "/admin/rounds/t1")
        .await
        .text()
        .await
        .unwrap();
    assert!(open.contains("Not released yet"), "{open}");
    assert!(!open.contains("action=\"/admin/rounds/t1/releases\""));
    let refused = console_post(
        &app,
        &admin.cookie,
        "/admin/rounds/t1/releases",
        Some(&admin.csrf),
        &[],
    )
    .await;
    assert_eq!(refused.status(), 409);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("close it before releasing")
    );

    app.admin_post("/api/v1/rounds/t1/close", serde_json::json!({}))
        .await;
    let closed = console_get(&app, &admin.cookie, "/admin/rounds/t1")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        closed.contains("action=\"/admin/rounds/t1/releases\""),
        "{closed}"
    );
    let made = console_post(
        &app,
        &admin.cookie,
        "/admin/rounds/t1/releases",
        Some(&admin.csrf),
        &[],
    )
    .await;
    assert_eq!(made.status(), 303);
    let location = made.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/admin/rounds/t1?released=1#releases");
    let page = console_get(&app, &admin.cookie, "/admin/rounds/t1?released=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("release 1 is now what the round publishes"),
        "{page}"
    );
    assert!(page.contains("Make release 2"), "{page}");

    let researcher = sign_in(&app, &app.researcher_key).await;
    let seen = console_get(&app, &researcher.cookie, "/admin/rounds/t1")
        .await
        .text()
        .await
        .unwrap();
    assert!(seen.contains("(published)"), "{seen}");
    assert!(!seen.contains("Make release"), "{seen}");
}

crate::on_both_backends!(
    an_admin_releases_a_closed_round_from_its_page,
    an_admin_creates_a_round_through_the_form_after_fixing_its_errors,
    closing_a_round_asks_first_then_closes_it_in_the_audit_trail,
    the_dashboard_withholds_what_the_progress_api_withholds,
    a_researcher_sees_the_figures_but_neither_organisations_nor_actions,
);
