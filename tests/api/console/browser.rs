//! A round end to end through the console in a real Chromium, with the keyboard: sign in,
//! import organisations from CSV, upload and publish the shipped instrument, create and open a
//! round, invite by e-mail, reissue a link (shown once), a response submitted through the
//! respondent pages, close the round, open a trust's report, make a share link, sign out. Every page on the way passes axe-core (WCAG 2.2
//! AA) and fits 375 px and 1280 px, and the session's cookie is dead after sign-out.

use super::console_get;
use crate::helpers::SHIPPED;
use crate::helpers::browser::{Browser, ENTER, SPACE};
use crate::helpers::respondent::shipped_definition;
use crate::helpers::{Backend, spawn_app};
use crate::layout::check;
use crate::respond_pages::fill_every_section;
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

/// Sets a field's value as pasting would (a long document, or a date picker).
async fn paste_into(browser: &Browser, id: &str, text: &str) {
    let script = format!(
        "document.querySelector({}).value = {};",
        serde_json::to_string(id).unwrap(),
        serde_json::to_string(text).unwrap()
    );
    browser.script(&script).await;
}

async fn an_operator_runs_a_round_in_the_console_with_the_keyboard(backend: Backend) {
    let app = spawn_app(backend).await;
    let browser = Browser::start().await;
    let mut failures = Vec::new();

    // Sign in: a wrong key first.
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
    audit(&browser, "the rounds (none yet)", &mut failures).await;

    // Organisations from a CSV file: checked and shown first, then imported.
    browser.goto(&app.url("/admin/organisations")).await;
    press(&browser, "a[href='/admin/organisations/import']").await;
    audit(&browser, "the import form", &mut failures).await;
    type_into(
        &browser,
        "#import-csv",
        "code,name,kind,region,country,size_band,contact_email\nA1,A1 Trust,acute,North West,England,large,comms@a1.example.org\nA2,A2 Trust,acute,North West,England,small,\n",
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
    browser.goto(&app.url("/admin/organisations")).await;
    audit(&browser, "the organisations", &mut failures).await;
    press(&browser, "a[href='/admin/organisations/A1']").await;
    audit(&browser, "an organisation and its contacts", &mut failures).await;

    // The shipped instrument: uploaded, previewed, published after a confirmation.
    let def = shipped_definition();
    browser.goto(&app.url("/admin/surveys/upload")).await;
    audit(&browser, "the upload form", &mut failures).await;
    paste_into(&browser, "#survey-definition", SHIPPED).await;
    let url = press(&browser, "form[action='/admin/surveys/upload'] button").await;
    assert!(
        url.ends_with(&format!("/admin/surveys/{}/versions/1", def.slug)),
        "{url}"
    );
    audit(&browser, "a version's preview", &mut failures).await;
    press(&browser, "a[href$='/versions/1/publish']").await;
    audit(&browser, "the publish confirmation", &mut failures).await;
    press(&browser, "form[action$='/versions/1/publish'] button").await;
    assert!(browser.source().await.contains("published"));

    // A round: the form's errors first, then made, then opened after a confirmation.
    browser.goto(&app.url("/admin/rounds/new")).await;
    audit(&browser, "the new-round form", &mut failures).await;
    type_into(&browser, "#round-code", "T 2").await;
    submit_from(&browser, "#round-code").await;
    assert!(browser.source().await.contains("There is a problem"));
    audit(&browser, "the new-round form with errors", &mut failures).await;
    type_into(&browser, "#round-code", "smm-2026").await;
    type_into(&browser, "#round-name", "Social media 2026").await;
    type_into(&browser, "#round-survey", &def.slug).await;
    type_into(&browser, "#round-version", "1").await;
    let now = chrono::Utc::now();
    let at = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M").to_string();
    paste_into(
        &browser,
        "#round-opens_at",
        &at(now - chrono::Duration::days(1)),
    )
    .await;
    paste_into(
        &browser,
        "#round-closes_at",
        &at(now + chrono::Duration::days(30)),
    )
    .await;
    let url = submit_from(&browser, "#round-code").await;
    assert!(url.ends_with("/admin/rounds/smm-2026"), "{url}");
    press(&browser, "a[href='/admin/rounds/smm-2026/confirm/open']").await;
    audit(&browser, "the confirmation", &mut failures).await;
    press(
        &browser,
        "form[action='/admin/rounds/smm-2026/status/open'] button",
    )
    .await;
    assert!(browser.source().await.contains("the round is now open"));

    // Invite A1 by e-mail, then reissue its link, which the page shows once.
    let tick = browser.find("#org-A1").await.expect("A1's checkbox");
    browser.keys(&tick, SPACE).await;
    press(&browser, "button[value='invite']").await;
    assert!(browser.source().await.contains("Invited by e-mail: A1."));
    audit(&browser, "the invitations sent", &mut failures).await;
    browser.goto(&app.url("/admin/rounds/smm-2026")).await;
    let tick = browser.find("#org-A1").await.expect("A1's checkbox");
    browser.keys(&tick, SPACE).await;
    press(&browser, "button[value='reissue']").await;
    audit(&browser, "the new links", &mut failures).await;
    let link = browser.find(".new-link").await.expect("the new link");
    let link = link.text().await.unwrap();
    let path = link[link.find("/respond/").unwrap()..].to_owned();

    // The comms lead answers through the respondent pages and submits.
    fill_every_section(&app, &path, &def).await;
    assert_eq!(app.submit_from_review(&path).await.status(), 303);
    browser
        .goto(&app.url("/admin/rounds/smm-2026?status=submitted"))
        .await;
    assert!(browser.source().await.contains("A1 Trust"));
    audit(&browser, "a round's dashboard", &mut failures).await;

    press(&browser, "a[href='/admin/rounds/smm-2026/confirm/close']").await;
    let url = press(
        &browser,
        "form[action='/admin/rounds/smm-2026/status/close'] button",
    )
    .await;
    assert!(url.ends_with("/admin/rounds/smm-2026?done=close"), "{url}");
    assert!(browser.source().await.contains("the round is now closed"));

    // The results: a trust's board report, and a share link for its board.
    press(&browser, "a[href='/admin/rounds/smm-2026/results']").await;
    audit(&browser, "the results", &mut failures).await;
    press(&browser, "a[href='/admin/rounds/smm-2026/reports/A1']").await;
    assert!(browser.source().await.contains("benchmark report"));
    audit(&browser, "a trust's report", &mut failures).await;
    browser
        .goto(&app.url("/admin/rounds/smm-2026/results"))
        .await;
    press(
        &browser,
        "form[action='/admin/rounds/smm-2026/reports/A1/shares'] button",
    )
    .await;
    audit(&browser, "the share link made", &mut failures).await;
    let share = browser.find(".new-link").await.expect("the share link");
    let share = share.text().await.unwrap();
    let share = &share[share.find("/share/").unwrap()..];
    assert_eq!(app.get(share).await.status(), 200, "the board's link opens");

    browser
        .goto(&app.url("/admin/audit?action=round.close"))
        .await;
    assert!(browser.source().await.contains("smm-2026"));
    audit(&browser, "the audit trail", &mut failures).await;

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
    assert_eq!(browser.script("return document.cookie").await, "");
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
