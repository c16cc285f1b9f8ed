//! The Welsh pages pass axe-core's WCAG 2.2 A and AA rules in a real Chromium, the language
//! switch and the `lang` attributes included.

use crate::helpers::Backend;
use crate::helpers::browser::Browser;
use crate::helpers::respondent::shipped_definition;
use crate::respond_pages::{fill_every_section, invited};

async fn the_welsh_pages_pass_axe_core(backend: Backend) {
    let (app, link) = invited(backend).await;
    let def = shipped_definition();
    let browser = Browser::start().await;
    browser.goto(&app.url(&format!("{link}?lang=cy"))).await;
    assert!(browser.source().await.contains("<html lang=\"cy\">"));
    browser.assert_accessible("the Welsh start page").await;
    for section in &def.sections {
        browser
            .goto(&app.url(&format!("{link}/sections/{}", section.key)))
            .await;
        browser
            .assert_accessible(&format!("Welsh section {}", section.key))
            .await;
    }
    browser.goto(&app.url(&format!("{link}/review"))).await;
    browser.assert_accessible("the Welsh review page").await;
    fill_every_section(&app, &link, &def).await;
    let submitted = app.submit_from_review(&link).await;
    assert_eq!(submitted.status(), 303);
    browser.goto(&app.url(&format!("{link}/submitted"))).await;
    assert!(browser.source().await.contains("Ymateb wedi"));
    browser.assert_accessible("the Welsh confirmation").await;
    browser.quit().await;
}

crate::on_both_backends!(the_welsh_pages_pass_axe_core);
