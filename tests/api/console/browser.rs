//! The console in a real Chromium, with the keyboard: sign in, create a round (errors first),
//! read its dashboard, close it after the confirmation, sign out; every page passes axe-core
//! (WCAG 2.2 AA) and fits 375 px and 1280 px, and the session's cookie is dead after sign-out.

use super::console_get;
use crate::helpers::browser::{Browser, ENTER, SPACE};
use crate::helpers::{Backend, spawn_app};
use crate::layout::check;
use crate::respond_api::tiny_round_named;
use serde_json::json;

/// axe-core and the layout check on the page the browser shows.
async fn audit(browser: &Browser, what: &str, failures: &mut Vec<String>) {
    browser.viewport(1280, 800).await;
    browser.assert_accessible(what).await;
    check(browser, what, failures).await;
    browser.viewport(1280, 800).await;
}

/// Types `text` into the field with this id.
async fn type_into(browser: &Browser, id: &str, text: &str) {
    let field = browser.find(id).await.unwrap_or_else(|| panic!("{id}"));
    browser.clear(&field).await;
    browser.keys(&field, text).await;
}

/// Presses Enter in the field with this id (submitting its form) and waits for the next page.
async fn submit_from(browser: &Browser, id: &str) -> String {
    let here = browser.url().await;
    let field = browser.find(id).await.unwrap_or_else(|| panic!("{id}"));
    browser.keys(&field, ENTER).await;
    browser.wait_for_navigation(&here).await
}

/// Follows the link or presses the button matching `css` with the keyboard.
async fn press(browser: &Browser, css: &str) -> String {
    let here = browser.url().await;
    let element = browser.find(css).await.unwrap_or_else(|| panic!("{css}"));
    browser.keys(&element, ENTER).await;
    browser.wait_for_navigation(&here).await
}

async fn an_operator_runs_a_round_in_the_console_with_the_keyboard(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round_named(&app, "t1", 1).await;
    let browser = Browser::start().await;
    let mut failures = Vec::new();

    browser.goto(&app.url("/admin/rounds")).await;
    assert!(
        browser.url().await.contains("/admin/sign-in"),
        "sent to sign in"
    );
    audit(&browser, "the sign-in form", &mut failures).await;
    type_into(&browser, "#api-key", "snd_not-a-key").await;
    submit_from(&browser, "#api-key").await;
    assert!(browser.source().await.contains("There is a problem"));
    audit(&browser, "the sign-in form with an error", &mut failures).await;

    type_into(&browser, "#api-key", &app.admin_key).await;
    let url = submit_from(&browser, "#api-key").await;
    assert!(url.ends_with("/admin/rounds"), "{url}");
    assert!(browser.source().await.contains("T1"));
    audit(&browser, "the rounds", &mut failures).await;

    // Organisations from a CSV file: checked and shown first, then imported.
    browser.goto(&app.url("/admin/organisations")).await;
    audit(&browser, "the organisations (none yet)", &mut failures).await;
    press(&browser, "a[href='/admin/organisations/import']").await;
    audit(&browser, "the import form", &mut failures).await;
    type_into(
        &browser,
        "#import-csv",
        "code,name,kind,region,country,size_band\nA1,A1 Trust,acute,North West,England,large\nA2,A2 Trust,acute,North West,England,small\n",
    )
    .await;
    press(
        &browser,
        "form[action='/admin/organisations/import/preview'] button",
    )
    .await;
    assert!(browser.source().await.contains("Import 2 organisations?"));
    audit(&browser, "the import's preview", &mut failures).await;
    press(
        &browser,
        "form[action='/admin/organisations/import'] button",
    )
    .await;
    assert!(
        browser
            .source()
            .await
            .contains("2 organisations were created")
    );
    browser.goto(&app.url("/admin/organisations/A1")).await;
    audit(&browser, "an organisation", &mut failures).await;
    app.invite("t1", "A1").await;

    browser.goto(&app.url("/admin/rounds")).await;
    press(&browser, "a[href='/admin/rounds/new']").await;
    audit(&browser, "the new-round form", &mut failures).await;
    type_into(&browser, "#round-code", "T 2").await;
    submit_from(&browser, "#round-code").await;
    assert!(browser.source().await.contains("There is a problem"));
    audit(&browser, "the new-round form with errors", &mut failures).await;

    browser.goto(&app.url("/admin/rounds/t1")).await;
    let page = browser.source().await;
    assert!(page.contains("<svg") && page.contains("A1 Trust"), "{page}");
    audit(&browser, "a round's dashboard", &mut failures).await;
    let tick = browser.find("#org-A2").await.expect("A2's checkbox");
    browser.keys(&tick, SPACE).await;
    let url = press(&browser, "button[value='reissue']").await;
    assert!(url.ends_with("/admin/rounds/t1/organisations"), "{url}");
    assert!(browser.source().await.contains("shown once"));
    audit(&browser, "the new links", &mut failures).await;
    browser.goto(&app.url("/admin/rounds/t1")).await;
    press(&browser, "a[href='/admin/rounds/t1/confirm/close']").await;
    audit(&browser, "the confirmation", &mut failures).await;
    let url = press(
        &browser,
        "form[action='/admin/rounds/t1/status/close'] button",
    )
    .await;
    assert!(url.ends_with("/admin/rounds/t1?done=close"), "{url}");
    assert!(browser.source().await.contains("the round is now closed"));
    audit(&browser, "the dashboard after closing", &mut failures).await;

    // The session's cookie, as the browser holds it (HttpOnly: no script can read it).
    let cookies = browser.cdp("Network.getAllCookies", json!({})).await;
    let session = cookies["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "soundings_console")
        .unwrap_or_else(|| panic!("{cookies}"))
        .clone();
    assert_eq!(session["httpOnly"], true);
    assert_eq!(session["sameSite"], "Strict");
    assert_eq!(
        browser.script("return document.cookie").await,
        "",
        "no cookie is readable by script"
    );
    let cookie = format!("soundings_console={}", session["value"].as_str().unwrap());

    let url = press(&browser, ".console-nav__signout button").await;
    assert!(url.contains("/admin/sign-in"), "{url}");
    assert!(browser.source().await.contains("You have signed out"));
    audit(
        &browser,
        "the sign-in form after signing out",
        &mut failures,
    )
    .await;
    let old = console_get(&app, &cookie, "/admin/rounds").await;
    assert_eq!(old.status(), 303, "the old cookie signs nobody in");
    browser.quit().await;
    assert!(failures.is_empty(), "{failures:#?}");
}

crate::on_both_backends!(an_operator_runs_a_round_in_the_console_with_the_keyboard);
