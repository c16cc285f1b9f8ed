//! Every page added for colleagues passes axe-core (WCAG 2.2 A and AA) in the real Chromium,
//! and fits 375 px: the lead's start page with colleagues, the form with an error summary, the
//! page that shows a new colleague's link, the colleague's start and section pages, the 403
//! page, and the lead's review with who is answering what.

use super::{delegate, trio_lead};
use crate::helpers::browser::Browser;
use crate::helpers::{Backend, spawn_app};

async fn every_colleague_page_passes_axe_core_and_fits_a_phone(backend: Backend) {
    let app = spawn_app(backend).await;
    let lead = trio_lead(&app).await;
    let (_, ann) = delegate(&app, &lead, "Ann", &["staffing"]).await;
    let browser = Browser::start().await;
    browser.viewport(375, 800).await;

    let check = |what: &'static str| {
        let browser = &browser;
        async move {
            browser.assert_accessible(what).await;
            let fits = browser
                .script("return document.documentElement.scrollWidth <= window.innerWidth;")
                .await;
            assert_eq!(fits, serde_json::json!(true), "{what} is wider than 375 px");
        }
    };

    browser.goto(&app.url(&lead)).await;
    check("the lead's start page with a colleague").await;

    // The form sent empty comes back with an error summary.
    let from = browser.url().await;
    browser
        .script("const f = document.querySelector('form[action$=\"/delegates\"]'); f.querySelector('button[type=submit]').click(); return null;")
        .await;
    browser.wait_for_navigation(&from).await;
    assert!(browser.find(".error-summary").await.is_some());
    check("the colleague form with an error summary").await;

    // Filled in, it shows the new colleague's link once.
    let name = browser.find("#colleague-name").await.expect("name field");
    browser.keys(&name, "Bob").await;
    let email = browser.find("#colleague-email").await.expect("email field");
    browser.keys(&email, "bob@trust.example").await;
    browser
        .script("document.querySelector('#colleague-section-goals').checked = true; document.querySelector('form[action$=\"/delegates\"] button[type=submit]').click(); return null;")
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while browser.find("#colleague-link").await.is_none() {
        assert!(std::time::Instant::now() < deadline, "no link shown");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    check("the page that shows a colleague's link").await;

    browser.goto(&app.url(&ann)).await;
    check("a colleague's start page").await;
    browser
        .goto(&app.url(&format!("{ann}/sections/staffing")))
        .await;
    check("a colleague's section").await;
    browser
        .goto(&app.url(&format!("{ann}/sections/strategy")))
        .await;
    check("a section that is not the colleague's").await;
    browser.goto(&app.url(&format!("{lead}/review"))).await;
    check("the lead's review with colleagues").await;
    browser.quit().await;
}

crate::on_both_backends!(every_colleague_page_passes_axe_core_and_fits_a_phone);
