//! Every page a person sees fits a phone (375 px) and a desktop (1280 px): nothing makes the page
//! scroll sideways, and no text is set to split words anywhere (`word-break: break-all`).

use crate::helpers::browser::Browser;
use crate::helpers::respondent::shipped_definition;
use crate::helpers::{Backend, TestDatabase, spawn_app_on};
use crate::respond_pages::fill_every_section;
use serde_json::json;
use soundings::app::config::DatabaseSettings;
use soundings::demo::seed::{CLOSED_ROUND, DemoOptions, OPEN_ROUND, seed};
use soundings::store::Database;
use std::path::Path;

const WIDTHS: [u32; 2] = [375, 1280];

/// What the page measures: its scroll width against the viewport's, the elements whose computed
/// `word-break` is `break-all`, and (to say what to fix) the elements reaching past the right edge
/// that are not inside a box that scrolls on its own.
const MEASURE: &str = r#"
const inner = window.innerWidth;
const all = [...document.querySelectorAll('body *')];
const name = e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '');
const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
  if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
return {
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: inner,
  breakAll: all.filter(e => getComputedStyle(e).wordBreak === 'break-all').map(name).slice(0, 10),
  sticking: all.filter(e => e.getBoundingClientRect().right > inner + 0.5 && !scrolls(e)).map(name).slice(0, 10),
};
"#;

pub(crate) async fn check(browser: &Browser, label: &str, failures: &mut Vec<String>) {
    for width in WIDTHS {
        browser.viewport(width, 800).await;
        let m = browser.script(MEASURE).await;
        assert_eq!(m["innerWidth"], width, "{label}: the viewport did not take");
        let scroll = m["scrollWidth"].as_u64().unwrap_or(u64::MAX);
        if scroll > u64::from(width) {
            failures.push(format!(
                "{label} at {width} px scrolls sideways ({scroll} px wide): {}",
                m["sticking"]
            ));
        }
        if m["breakAll"].as_array().is_some_and(|a| !a.is_empty()) {
            failures.push(format!(
                "{label} at {width} px breaks words anywhere: {}",
                m["breakAll"]
            ));
        }
    }
}

async fn screenshot(browser: &Browser, name: &str) {
    let shot = browser.screenshot().await;
    assert!(shot.starts_with(b"\x89PNG"), "{name} is a PNG");
    std::fs::write(Path::new(env!("CARGO_TARGET_TMPDIR")).join(name), shot).unwrap();
}

async fn every_page_fits_a_phone_and_a_desktop_without_splitting_words(backend: Backend) {
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
    // The demo's landing page, with its keys and `curl` example.
    let app = spawn_app_on(database, |settings| settings.demo = Some(links)).await;
    let links = &summary.links;
    app.create_organisations(&["LAY1"]).await;
    let link = app.invite(OPEN_ROUND, "LAY1").await;
    let def = shipped_definition();
    let browser = Browser::start().await;
    let mut failures = Vec::new();

    browser.goto(&app.url("/")).await;
    assert!(
        browser.source().await.contains("curl -H"),
        "the landing page shows the demo"
    );
    check(&browser, "the landing page", &mut failures).await;
    // A picture of the `curl` example on a phone, to look at (target/tmp/landing-375.png).
    browser.viewport(375, 800).await;
    browser
        .script("document.querySelector('pre').scrollIntoView(); return null;")
        .await;
    screenshot(&browser, "landing-375.png").await;

    browser.goto(&app.url(&link)).await;
    check(&browser, "the respondent's start page", &mut failures).await;
    // Each section once empty and once answered, then the review, then the confirmation.
    let mut pages = Vec::new();
    for section in &def.sections {
        pages.push(format!("{link}/sections/{}", section.key));
    }
    for page in &pages {
        browser.goto(&app.url(page)).await;
        check(&browser, page, &mut failures).await;
    }
    fill_every_section(&app, &link, &def).await;
    for page in pages.iter().chain([&format!("{link}/review")]) {
        browser.goto(&app.url(page)).await;
        check(&browser, &format!("{page} (answered)"), &mut failures).await;
    }
    let submitted = app.submit_from_review(&link).await;
    assert_eq!(submitted.status(), 303);
    browser.goto(&app.url(&format!("{link}/submitted"))).await;
    assert!(browser.source().await.contains("Response submitted"));
    check(&browser, "the confirmation page", &mut failures).await;

    browser.goto(&app.url(&links.share_path)).await;
    assert!(browser.source().await.contains("Reading the figures"));
    check(&browser, "the share page", &mut failures).await;
    browser.viewport(375, 800).await;
    browser
        .script("document.querySelector('.facts').scrollIntoView(); return null;")
        .await;
    screenshot(&browser, "report-375.png").await;
    // The API's HTML pages take a key in a header, which the browser sends from here on.
    browser
        .send_headers(json!({ "Authorization": format!("Bearer {}", app.admin_key) }))
        .await;
    browser.goto(&app.url(&links.report_path)).await;
    assert!(browser.source().await.contains("Method"));
    check(&browser, "the HTML report", &mut failures).await;
    let summary_report = format!("/api/v1/rounds/{CLOSED_ROUND}/summary-report");
    browser.goto(&app.url(&summary_report)).await;
    check(&browser, "the summary report", &mut failures).await;
    browser.quit().await;

    assert!(
        failures.is_empty(),
        "{} page layouts do not fit:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

crate::on_both_backends!(every_page_fits_a_phone_and_a_desktop_without_splitting_words);
