//! A comms lead fills in and submits the whole survey in a real browser, with the keyboard.

use crate::helpers::browser::{Browser, ENTER, SPACE};
use crate::helpers::respondent::{best_form_values, shipped_definition};
use crate::helpers::{Backend, spawn_app};
use sea_orm::EntityTrait;
use soundings::domain::definition::{Question, QuestionKind};

async fn a_whole_survey_can_be_completed_in_a_browser_with_the_keyboard(backend: Backend) {
    let app = spawn_app(backend).await;
    app.publish_shipped_survey().await;
    app.create_organisations(&["RW6"]).await;
    app.open_round("smm-2026").await;
    let link = app.url(&app.invite("smm-2026", "RW6").await);
    let def = shipped_definition();
    let browser = Browser::start().await;

    browser.goto(&link).await;
    let start = browser.source().await;
    assert!(
        start.contains("RW6 Trust"),
        "the start page names the organisation"
    );
    let continue_button = browser.find("a.button").await.expect("a Continue button");
    let here = browser.url().await;
    browser.keys(&continue_button, ENTER).await;
    let mut url = browser.wait_for_navigation(&here).await;

    for section in &def.sections {
        assert!(
            url.ends_with(&format!("/sections/{}", section.key)),
            "expected {}, at {url}",
            section.key
        );
        for q in &section.questions {
            let values = best_form_values(&def, &q.key);
            match &q.kind {
                QuestionKind::SingleChoice { .. }
                | QuestionKind::MultiChoice { .. }
                | QuestionKind::Scale { .. }
                | QuestionKind::YesNo { .. } => {
                    for value in &values {
                        // The first option's input carries the question's id; the others add their value.
                        let id = if option_values(q).first() == Some(value) {
                            format!("#q-{}", q.key)
                        } else {
                            format!("#q-{}-{value}", q.key)
                        };
                        // A question hidden by an earlier section's answer is not on the page.
                        if let Some(input) = browser.find(&id).await {
                            browser.keys(&input, SPACE).await;
                        }
                    }
                }
                _ => {
                    if let Some(input) = browser.find(&format!("#q-{}", q.key)).await {
                        browser.clear(&input).await;
                        browser.keys(&input, &values.join("")).await;
                    }
                }
            }
        }
        let save = browser
            .find("button[value=continue]")
            .await
            .expect("a save button");
        let here = browser.url().await;
        browser.keys(&save, ENTER).await;
        url = browser.wait_for_navigation(&here).await;
        let page = browser.source().await;
        assert!(
            !page.contains("There is a problem"),
            "section {} was refused:\n{page}",
            section.key
        );
    }

    assert!(
        url.ends_with("/review"),
        "after the last section comes the review, not {url}"
    );
    let review = browser.source().await;
    assert!(
        !review.contains("Not answered (required)"),
        "the review lists missing answers"
    );
    let submit = browser
        .find("form[action$='/submit'] button")
        .await
        .expect("a submit button");
    let here = browser.url().await;
    browser.keys(&submit, ENTER).await;
    let done = browser.wait_for_navigation(&here).await;
    assert!(done.ends_with("/submitted"), "{done}");
    assert!(browser.source().await.contains("Response submitted"));
    browser.quit().await;

    let response = entity::response::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("a response");
    assert_eq!(response.status, "submitted");
    let scores = soundings::store::responses::scores(&app.db, response.id)
        .await
        .unwrap();
    assert_eq!(scores.len(), def.dimensions.len() + 1);
    let overall = scores.iter().find(|s| s.dimension == "overall").unwrap();
    assert!(
        overall.score > 90.0,
        "the most mature answers scored {}",
        overall.score
    );
}

/// The values of a question's radios or checkboxes, in page order.
fn option_values(q: &Question) -> Vec<String> {
    match &q.kind {
        QuestionKind::YesNo { .. } => vec!["yes".into(), "no".into()],
        QuestionKind::Scale { points, .. } => (1..=*points).map(|n| n.to_string()).collect(),
        kind => kind.options().iter().map(|o| o.value.clone()).collect(),
    }
}

crate::on_both_backends!(a_whole_survey_can_be_completed_in_a_browser_with_the_keyboard);
