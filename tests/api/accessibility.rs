//! Every page a person sees passes axe-core's WCAG 2.2 A and AA rules in a real Chromium: the
//! landing page, a respondent's pages (empty, answered, with an error summary, submitted, a dead
//! link), and a board's report through a share link, as HTML and through the API.

use crate::helpers::browser::Browser;
use crate::helpers::respondent::shipped_definition;
use crate::helpers::{Backend, TestDatabase, spawn_app_on};
use crate::respond_pages::fill_every_section;
use serde_json::json;
use soundings::app::config::DatabaseSettings;
use soundings::demo::seed::{CLOSED_ROUND, DemoOptions, OPEN_ROUND, seed};
use soundings::domain::definition::QuestionKind;
use soundings::store::Database;

/// The audit itself can fail: a page with an unlabelled field and an image without text breaks
/// two rules, and axe names both (so a pass elsewhere means something).
#[tokio::test]
async fn the_accessibility_audit_finds_what_a_broken_page_gets_wrong() {
    let browser = Browser::start().await;
    browser
        .goto("data:text/html,<!doctype html><html lang=en><title>Broken</title><main><h1>Broken</h1><input type=text><img src=x.png></main></html>")
        .await;
    let rules: Vec<String> = browser
        .axe_violations()
        .await
        .into_iter()
        .map(|v| v.rule)
        .collect();
    assert!(rules.contains(&"label".to_owned()), "found {rules:?}");
    assert!(rules.contains(&"image-alt".to_owned()), "found {rules:?}");
    browser
        .goto("data:text/html,<!doctype html><html lang=en><title>Fine</title><main><h1>Fine</h1><label for=a>Name</label><input id=a type=text></main></html>")
        .await;
    browser
        .assert_accessible("a page with a labelled field")
        .await;
    browser.quit().await;
}

async fn every_page_passes_axe_core_wcag_2_2_aa(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = Database::connect(&DatabaseSettings::new(database.url.clone()))
        .await
        .unwrap();
    let options = DemoOptions {
        seed: 1,
        organisations: 40,
    };
    let summary = seed(&db, &options, &|_| {}).await.unwrap();
    let links = summary.links.clone();
    let app = spawn_app_on(database, |settings| settings.demo = Some(links)).await;
    let links = &summary.links;
    app.create_organisations(&["AXE1"]).await;
    let link = app.invite(OPEN_ROUND, "AXE1").await;
    let def = shipped_definition();
    let browser = Browser::start().await;

    browser.goto(&app.url("/")).await;
    browser.assert_accessible("the landing page").await;
    browser.goto(&app.url(&link)).await;
    browser
        .assert_accessible("the respondent's start page")
        .await;
    for section in &def.sections {
        browser
            .goto(&app.url(&format!("{link}/sections/{}", section.key)))
            .await;
        browser
            .assert_accessible(&format!("section {} (empty)", section.key))
            .await;
    }
    // The review before anything is answered lists what is missing.
    browser.goto(&app.url(&format!("{link}/review"))).await;
    browser
        .assert_accessible("the review with answers missing")
        .await;
    // A section sent with a number out of range comes back with an error summary.
    let number = def
        .sections
        .iter()
        .flat_map(|s| s.questions.iter().map(move |q| (s, q)))
        .find(|(_, q)| q.show_if.is_none() && matches!(q.kind, QuestionKind::Decimal { .. }))
        .expect("the instrument has a number question that is always shown");
    browser
        .goto(&app.url(&format!("{link}/sections/{}", number.0.key)))
        .await;
    let field = browser
        .find(&format!("#q-{}", number.1.key))
        .await
        .expect("the number field");
    browser.keys(&field, "100000").await;
    // Past the browser's own check of `max`, as a browser without it would send it.
    browser
        .script("const f = document.querySelector('main form'); f.noValidate = true; f.querySelector('button[type=submit]').click(); return null;")
        .await;
    // The same address answers with the form again, now with an error summary.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while browser.find(".error-summary").await.is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the bad number gives no error summary"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    browser
        .assert_accessible("a section with an error summary")
        .await;

    fill_every_section(&app, &link, &def).await;
    browser.goto(&app.url(&format!("{link}/review"))).await;
    browser.assert_accessible("the review, all answered").await;
    assert_eq!(app.submit_from_review(&link).await.status(), 303);
    browser.goto(&app.url(&format!("{link}/submitted"))).await;
    browser.assert_accessible("the confirmation page").await;
    browser.goto(&app.url("/respond/not-a-link")).await;
    browser.assert_accessible("a link that does not work").await;

    browser.goto(&app.url(&links.share_path)).await;
    browser
        .assert_accessible("the board report's share page")
        .await;
    browser
        .send_headers(json!({ "Authorization": format!("Bearer {}", app.admin_key) }))
        .await;
    browser.goto(&app.url(&links.report_path)).await;
    browser.assert_accessible("the HTML report").await;
    browser
        .goto(&app.url(&format!("/api/v1/rounds/{CLOSED_ROUND}/summary-report")))
        .await;
    browser.assert_accessible("the summary report").await;
    browser.quit().await;
}

crate::on_both_backends!(every_page_passes_axe_core_wcag_2_2_aa);
