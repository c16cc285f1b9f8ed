//! Respondent pages are served again as rendered while nothing they show has changed, and never
//! once something has: a save, a revoked link, a closed round, a renamed organisation. A client
//! that holds the page gets a 304.

use crate::helpers::Backend;
use crate::helpers::respondent::fields;
use crate::respond_pages::invited;
use serde_json::json;

async fn get_with(
    app: &crate::helpers::TestApp,
    path: &str,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    if let Some(etag) = etag {
        req = req.header("if-none-match", etag);
    }
    req.send().await.expect("request")
}

fn etag(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("an ETag")
        .to_owned()
}

async fn a_page_that_has_not_changed_is_the_same_and_a_held_one_gets_304(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/strategy");
    let first = get_with(&app, &path, None).await;
    assert_eq!(first.status(), 200);
    let tag = etag(&first);
    assert_eq!(first.headers()["cache-control"], "no-store");
    let first = first.text().await.unwrap();
    let again = get_with(&app, &path, None).await;
    assert_eq!(etag(&again), tag);
    assert_eq!(again.text().await.unwrap(), first);
    let held = get_with(&app, &path, Some(&tag)).await;
    assert_eq!(held.status(), 304);
    assert_eq!(etag(&held), tag);
    assert!(held.text().await.unwrap().is_empty());
    // Another page of the same link has a tag of its own.
    let start = get_with(&app, &link, Some(&tag)).await;
    assert_eq!(start.status(), 200);
    assert_ne!(etag(&start), tag);
}

async fn a_save_a_rename_a_revoked_link_and_a_close_are_seen_at_once(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/strategy");
    let before = get_with(&app, &path, None).await;
    let tag = etag(&before);
    assert!(
        !before
            .text()
            .await
            .unwrap()
            .contains("value=\"board\" checked")
    );

    // A save: the page shows the answer, under a new tag, even to a client that held the old one.
    let form = app.form(&path).await;
    let saved = app
        .post_form(
            &path,
            &fields(&form, "later", &[("strategy_status", vec!["board".into()])]),
        )
        .await;
    assert_eq!(saved.status(), 303);
    let after = get_with(&app, &path, Some(&tag)).await;
    assert_eq!(after.status(), 200);
    let saved_tag = etag(&after);
    assert_ne!(saved_tag, tag);
    let html = after.text().await.unwrap();
    assert!(
        html.contains("value=\"board\" checked"),
        "the saved answer is not shown as chosen"
    );

    // A renamed organisation: the page shows the new name.
    let renamed = app
        .send(
            reqwest::Method::PATCH,
            Some(&app.admin_key),
            "/api/v1/organisations/RW6",
            Some(json!({ "name": "Renamed Hospitals Trust" })),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    let page = get_with(&app, &path, Some(&saved_tag)).await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Renamed Hospitals Trust")
    );

    // A revoked link: 404 at once, though its pages were rendered a moment ago.
    let other = app.invite("smm-2026", "RX1").await;
    let other_path = format!("{other}/sections/strategy");
    assert_eq!(get_with(&app, &other_path, None).await.status(), 200);
    app.admin_post("/api/v1/rounds/smm-2026/invitations/RX1/revoke", json!({}))
        .await;
    assert_eq!(get_with(&app, &other_path, None).await.status(), 404);

    // A closed round: 410, however recently the page was served.
    assert_eq!(get_with(&app, &path, None).await.status(), 200);
    app.admin_post("/api/v1/rounds/smm-2026/close", json!({}))
        .await;
    assert_eq!(get_with(&app, &path, None).await.status(), 410);
    assert_eq!(get_with(&app, &link, None).await.status(), 410);
}

crate::on_both_backends!(
    a_page_that_has_not_changed_is_the_same_and_a_held_one_gets_304,
    a_save_a_rename_a_revoked_link_and_a_close_are_seen_at_once,
);
