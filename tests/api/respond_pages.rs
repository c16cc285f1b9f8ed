//! A comms lead's journey through the HTML pages, over HTTP like a browser without JavaScript.

use crate::helpers::respondent::{best_form_values, fields, shipped_definition};
use crate::helpers::{Backend, TestApp, spawn_app};
use sea_orm::EntityTrait;
use soundings::domain::answers::visible_questions;
use soundings::domain::definition::Definition;

/// An app with the shipped survey, one organisation invited to an open round; returns its link path.
pub(crate) async fn invited(backend: Backend) -> (TestApp, String) {
    let app = spawn_app(backend).await;
    app.publish_shipped_survey().await;
    app.create_organisations(&["RW6", "RX1"]).await;
    app.open_round("smm-2026").await;
    let link = app.invite("smm-2026", "RW6").await;
    (app, link)
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub(crate) async fn stored_answers(app: &TestApp) -> soundings::domain::answers::Answers {
    let response = entity::response::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("a response row");
    soundings::store::answers::answers(&app.db, response.id)
        .await
        .unwrap()
}

/// Fills every section with the most mature answers through the forms; returns the last redirect.
pub(crate) async fn fill_every_section(app: &TestApp, link: &str, def: &Definition) {
    for section in &def.sections {
        let path = format!("{link}/sections/{}", section.key);
        let form = app.form(&path).await;
        let answers: Vec<(&str, Vec<String>)> = section
            .questions
            .iter()
            .map(|q| (q.key.as_str(), best_form_values(def, &q.key)))
            .collect();
        let resp = app
            .post_form(&path, &fields(&form, "continue", &answers))
            .await;
        assert_eq!(
            resp.status(),
            303,
            "saving {}: {}",
            section.key,
            resp.text().await.unwrap_or_default()
        );
        let next = location(&resp);
        assert!(next.starts_with(link), "redirected to {next}");
    }
}

async fn a_comms_lead_fills_in_every_section_reviews_and_submits(backend: Backend) {
    let (app, link) = invited(backend).await;
    let def = shipped_definition();
    let start = app.get(&link).await;
    assert_eq!(start.status(), 200);
    assert_eq!(start.headers()["cache-control"], "no-store");
    let html = start.text().await.unwrap();
    assert!(
        html.contains("RW6 Trust") && html.contains("smm-2026") && html.contains("Not started")
    );

    fill_every_section(&app, &link, &def).await;

    let review = app.form(&format!("{link}/review")).await;
    assert!(
        !review.html.contains("Not answered (required)"),
        "review still lists missing answers"
    );
    let submit = app
        .post_form(
            &format!("{link}/submit"),
            &[
                ("csrf".into(), review.csrf.clone()),
                ("revision".into(), review.revision.clone()),
            ],
        )
        .await;
    assert_eq!(submit.status(), 303);
    assert_eq!(location(&submit), format!("{link}/submitted"));
    let confirmation = app.get(&format!("{link}/submitted")).await;
    assert_eq!(confirmation.status(), 200);
    let text = confirmation.text().await.unwrap();
    assert!(text.contains("Response submitted") && text.contains("What happens next"));

    let response = entity::response::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status, "submitted");
    let submitted_at = response.submitted_at.expect("a submission time");
    let received = format!(
        "was received {}",
        submitted_at.format("%-d %B %Y at %H:%M UTC")
    );
    assert!(
        text.contains(&received),
        "the confirmation should say '{received}'"
    );
    let start = app.get(&link).await.text().await.unwrap();
    let on_start = submitted_at
        .format("Submitted %-d %B %Y at %H:%M UTC")
        .to_string();
    assert!(
        start.contains(&on_start),
        "the start page should say '{on_start}'"
    );
    let scores = soundings::store::responses::scores(&app.db, response.id)
        .await
        .unwrap();
    assert_eq!(
        scores.len(),
        def.dimensions.len() + 1,
        "a score per dimension plus overall"
    );
    let expected = soundings::domain::scoring::score(&def, &stored_answers(&app).await);
    let overall = scores.iter().find(|s| s.dimension == "overall").unwrap();
    assert!((overall.score - expected.overall).abs() < 1e-9);
    assert!(
        overall.score > 90.0,
        "the most mature answers score {}",
        overall.score
    );

    // Amending after submission re-submits with a new revision and keeps the earlier one on record.
    let page = app.form(&format!("{link}/sections/strategy")).await;
    let strategy = def.section("strategy").unwrap();
    let mut answers: Vec<(&str, Vec<String>)> = strategy
        .questions
        .iter()
        .map(|q| (q.key.as_str(), best_form_values(&def, &q.key)))
        .collect();
    answers[0] = ("strategy_status", vec!["comms_team".into()]);
    let changed = app
        .post_form(
            &format!("{link}/sections/strategy"),
            &fields(&page, "continue", &answers),
        )
        .await;
    assert_eq!(changed.status(), 303);
    let again = app.submit_from_review(&link).await;
    assert_eq!(again.status(), 303);
    let amended = entity::response::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(amended.revision > response.revision);
    let events = app
        .admin_get_json("/api/v1/audit-events?action=response.submit")
        .await;
    assert_eq!(events["total"], 2, "both submissions are on record");
    let first = &events["items"][1]["details"]["answers"];
    assert_eq!(
        first["strategy_status"], "board",
        "the earlier submitted value is kept"
    );
}

async fn invalid_input_is_shown_back_with_an_error_summary_and_nothing_typed_is_lost(
    backend: Backend,
) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/staffing");
    let form = app.form(&path).await;
    let resp = app
        .post_form(
            &path,
            &fields(
                &form,
                "continue",
                &[
                    ("staff_wte", vec!["5000".into()]),
                    ("staff_count", vec!["team".into()]),
                ],
            ),
        )
        .await;
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(html.contains("There is a problem"), "no error summary");
    assert!(
        html.contains("href=\"#q-staff_wte\""),
        "the summary links to the field"
    );
    assert!(html.contains("value=\"5000\""), "the bad input is kept");
    assert!(
        html.contains("value=\"team\" checked"),
        "other input is kept"
    );
    assert!(
        html.contains("<title>Error:"),
        "the title says there is an error"
    );
    // Nothing was saved.
    assert!(
        entity::response::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_hidden_question_is_cleared_and_no_longer_asked(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/strategy");
    let form = app.form(&path).await;
    app.post_form(
        &path,
        &fields(
            &form,
            "later",
            &[
                ("strategy_status", vec!["board".into()]),
                ("strategy_achievable", vec!["yes".into()]),
            ],
        ),
    )
    .await;
    assert!(
        stored_answers(&app)
            .await
            .contains_key("strategy_achievable")
    );

    let form = app.form(&path).await;
    let resp = app
        .post_form(
            &path,
            &fields(
                &form,
                "later",
                &[
                    ("strategy_status", vec!["none".into()]),
                    ("strategy_achievable", vec!["yes".into()]),
                ],
            ),
        )
        .await;
    assert_eq!(resp.status(), 303);
    let answers = stored_answers(&app).await;
    assert_eq!(
        answers.get("strategy_status").and_then(|v| v.as_text()),
        Some("none")
    );
    assert!(
        !answers.contains_key("strategy_achievable"),
        "the stale answer to a hidden question was kept"
    );
    let def = shipped_definition();
    assert!(
        !visible_questions(&def, &answers)
            .iter()
            .any(|q| q.key == "strategy_achievable")
    );
    let review = app
        .get(&format!("{link}/review"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !review.contains("#q-strategy_achievable"),
        "the review still asks a hidden question"
    );
}

async fn a_respondent_can_come_back_later_and_find_their_answers(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/objectives");
    let form = app.form(&path).await;
    let resp = app
        .post_form(
            &path,
            &fields(
                &form,
                "later",
                &[("objectives_written", vec!["yes".into()])],
            ),
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), format!("{link}?saved=1"));
    let start = app
        .get(&format!("{link}?saved=1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(start.contains("In progress") || start.contains("Done"));
    assert!(start.contains("Your answers have been saved"));
    let again = app.form(&path).await;
    assert!(
        again.html.contains("value=\"yes\" checked"),
        "the saved answer is not shown"
    );
    assert_eq!(again.revision, "1");
}

async fn a_save_from_a_stale_page_is_refused_and_shows_what_changed(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/strategy");
    let alice = app.form(&path).await;
    let bob = app.form(&path).await;
    let first = app
        .post_form(
            &path,
            &fields(
                &alice,
                "later",
                &[("strategy_status", vec!["board".into()])],
            ),
        )
        .await;
    assert_eq!(first.status(), 303);
    let second = app
        .post_form(
            &path,
            &fields(&bob, "later", &[("strategy_status", vec!["none".into()])]),
        )
        .await;
    assert_eq!(second.status(), 409);
    let html = second.text().await.unwrap();
    assert!(html.contains("Someone else saved this response"));
    assert!(
        html.contains("Approved by the board"),
        "the other person's answer is shown"
    );
    assert!(
        html.contains("value=\"none\" checked"),
        "this person's input is kept"
    );
    assert_eq!(
        hidden_revision(&html),
        "1",
        "the form now carries the current revision"
    );
    assert_eq!(
        stored_answers(&app)
            .await
            .get("strategy_status")
            .and_then(|v| v.as_text()),
        Some("board")
    );
}

fn hidden_revision(html: &str) -> String {
    crate::helpers::respondent::hidden_value(html, "revision").unwrap_or_default()
}

crate::on_both_backends!(
    a_comms_lead_fills_in_every_section_reviews_and_submits,
    invalid_input_is_shown_back_with_an_error_summary_and_nothing_typed_is_lost,
    a_hidden_question_is_cleared_and_no_longer_asked,
    a_respondent_can_come_back_later_and_find_their_answers,
    a_save_from_a_stale_page_is_refused_and_shows_what_changed,
);
