//! The respondent's pages in Welsh: `?lang=cy`, `Accept-Language`, the choice remembered for the
//! invitation, and switching language in the middle of a section without losing what was typed.

use crate::helpers::respondent::{fields, hidden_value};
use crate::helpers::{Backend, TestApp};
use crate::respond_pages::{invited, stored_answers};
use sea_orm::EntityTrait;

const WELSH_TITLE: &str = "Aeddfedrwydd cyfryngau cymdeithasol y GIG";

async fn page(app: &TestApp, path: &str, accept_language: Option<&str>) -> (u16, String) {
    let mut request = app.client.get(app.url(path));
    if let Some(value) = accept_language {
        request = request.header("accept-language", value);
    }
    let resp = request.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn stored_language(app: &TestApp) -> Option<String> {
    entity::invitation::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("an invitation")
        .language
}

async fn pages_asked_for_in_welsh_are_marked_cy_and_written_in_welsh(backend: Backend) {
    let (app, link) = invited(backend).await;
    for path in [
        link.clone(),
        format!("{link}/sections/strategy"),
        format!("{link}/review"),
    ] {
        let (status, html) = page(&app, &format!("{path}?lang=cy"), None).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains("<html lang=\"cy\">"),
            "{path}: not marked Welsh"
        );
        assert!(html.contains(WELSH_TITLE), "{path}: no Welsh title");
        assert!(
            html.contains("lang=\"en\""),
            "{path}: the switch to English is not marked as English"
        );
    }
    let (_, start) = page(&app, &format!("{link}?lang=cy"), None).await;
    assert!(start.contains("Adrannau") && start.contains("Heb ddechrau"));
    assert!(start.contains("Strategaeth ac arweinyddiaeth"));
    let (_, section) = page(&app, &format!("{link}/sections/strategy"), None).await;
    assert!(
        section.contains("A oes gan eich sefydliad strategaeth ysgrifenedig")
            && section.contains("Cadw a pharhau")
            && section.contains("(dewisol)"),
        "the section is not in Welsh"
    );
    let (_, review) = page(&app, &format!("{link}/review"), None).await;
    assert!(review.contains("Gwiriwch eich atebion") && review.contains("Heb ei ateb (gofynnol)"));
}

async fn accept_language_cy_gives_welsh_until_the_respondent_chooses(backend: Backend) {
    let (app, link) = invited(backend).await;
    let (_, english) = page(&app, &link, Some("en-GB,en;q=0.9")).await;
    assert!(english.contains("<html lang=\"en-GB\">") && english.contains("Not started"));
    let (_, welsh) = page(&app, &link, Some("cy-GB,cy;q=0.9,en;q=0.5")).await;
    assert!(welsh.contains("<html lang=\"cy\">") && welsh.contains(WELSH_TITLE));
    assert_eq!(
        stored_language(&app).await,
        None,
        "a browser's header is not a choice"
    );

    // Choosing English is remembered over the browser's Welsh.
    let (_, chosen) = page(&app, &format!("{link}?lang=en"), Some("cy")).await;
    assert!(chosen.contains("<html lang=\"en-GB\">"));
    let (_, later) = page(&app, &link, Some("cy")).await;
    assert!(
        later.contains("<html lang=\"en-GB\">"),
        "the choice was forgotten"
    );
    assert_eq!(stored_language(&app).await.as_deref(), Some("en"));
}

async fn the_chosen_language_is_remembered_for_the_invitation(backend: Backend) {
    let (app, link) = invited(backend).await;
    let (_, first) = page(&app, &format!("{link}?lang=cy"), None).await;
    assert!(first.contains(WELSH_TITLE));
    assert_eq!(stored_language(&app).await.as_deref(), Some("cy"));
    // Another visit, with no language asked for (another device, another server instance).
    for path in [link.clone(), format!("{link}/sections/staffing")] {
        let (_, html) = page(&app, &path, Some("en")).await;
        assert!(
            html.contains("<html lang=\"cy\">"),
            "{path} is not in Welsh"
        );
    }
}

async fn a_kept_page_is_kept_per_language(backend: Backend) {
    let (app, link) = invited(backend).await;
    let english = app.client.get(app.url(&link)).send().await.unwrap();
    let english_tag = english.headers()["etag"].to_str().unwrap().to_owned();
    assert!(english.text().await.unwrap().contains("Not started"));
    // Served from the cache the second time; the Welsh page must not be the kept English one.
    let _ = app.get(&link).await;
    let welsh = app
        .client
        .get(app.url(&format!("{link}?lang=cy")))
        .send()
        .await
        .unwrap();
    let welsh_tag = welsh.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(english_tag, welsh_tag);
    assert!(welsh.text().await.unwrap().contains("Heb ddechrau"));
    let again = page(&app, &link, None).await.1;
    assert!(
        again.contains("Heb ddechrau"),
        "the kept English page was served"
    );
}

async fn a_respondent_switches_to_welsh_mid_section_without_losing_answers(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/strategy");
    let form = app.form(&path).await;
    assert!(
        form.html.contains("value=\"language:cy\""),
        "no switch in the form"
    );
    let typed = [
        ("strategy_status", vec!["board".to_owned()]),
        ("executive_sponsor", vec!["yes".to_owned()]),
    ];
    let resp = app
        .post_form(&path, &fields(&form, "language:cy", &typed))
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"].to_str().unwrap(), path);
    let answers = stored_answers(&app).await;
    assert!(answers.contains_key("strategy_status") && answers.contains_key("executive_sponsor"));
    let (_, welsh) = page(&app, &path, None).await;
    assert!(welsh.contains("<html lang=\"cy\">"));
    assert!(
        welsh.contains("value=\"board\" checked"),
        "the saved answer is not shown after switching"
    );
    // An answer the form refuses is explained in Welsh.
    let form = app.form(&path).await;
    let mut sent = fields(&form, "continue", &[]);
    sent.push(("a.strategy_status".into(), "not-an-option".into()));
    let resp = app.post_form(&path, &sent).await;
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("Mae problem") && html.contains("Dewiswch un o&#x27;r opsiynau a restrir")
    );
    // Switching back with an answer the form refuses keeps what was typed, now in English.
    let form = app.form(&path).await;
    let mut sent = fields(&form, "language:en", &[]);
    sent.push(("a.strategy_status".into(), "not-an-option".into()));
    let resp = app.post_form(&path, &sent).await;
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(html.contains("<html lang=\"en-GB\">") && html.contains("There is a problem"));
    assert!(hidden_value(&html, "csrf").is_some());
}

crate::on_both_backends!(
    pages_asked_for_in_welsh_are_marked_cy_and_written_in_welsh,
    accept_language_cy_gives_welsh_until_the_respondent_chooses,
    the_chosen_language_is_remembered_for_the_invitation,
    a_kept_page_is_kept_per_language,
    a_respondent_switches_to_welsh_mid_section_without_losing_answers,
);
