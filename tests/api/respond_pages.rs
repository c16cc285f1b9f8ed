//! A comms lead's journey through the HTML pages, over HTTP like a browser without JavaScript.

use crate::helpers::respondent::{TRICKY_TEXT, best_form_values, fields, shipped_definition};
use crate::helpers::{Backend, TestApp, spawn_app};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use soundings::domain::answers::visible_questions;
use soundings::domain::definition::Definition;

/// An app with the shipped survey, one organisation invited to an open round; returns its link path.
async fn invited(backend: Backend) -> (TestApp, String) {
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

async fn stored_answers(app: &TestApp) -> soundings::domain::answers::Answers {
    let response = entity::response::Entity::find()
        .one(&app.db.conn)
        .await
        .unwrap()
        .expect("a response row");
    soundings::store::responses::answers(&app.db.conn, response.id)
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
        .one(&app.db.conn)
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
    let scores = soundings::store::responses::scores(&app.db.conn, response.id)
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
        .one(&app.db.conn)
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
            .one(&app.db.conn)
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

async fn unknown_and_revoked_links_get_the_same_404_page(backend: Backend) {
    let (app, link) = invited(backend).await;
    let unknown = app
        .get("/respond/0123456789abcdef0123456789abcdef01234567")
        .await;
    assert_eq!(unknown.status(), 404);
    let unknown_html = unknown.text().await.unwrap();
    let garbage = app.get("/respond/not-even-hex").await;
    assert_eq!(garbage.status(), 404);

    app.admin_post("/api/v1/rounds/smm-2026/invitations/RW6/revoke", json!({}))
        .await;
    let revoked = app.get(&link).await;
    assert_eq!(revoked.status(), 404);
    assert_eq!(
        strip_ids(&revoked.text().await.unwrap()),
        strip_ids(&unknown_html),
        "a revoked link must look unknown"
    );
}

/// Pages differ only by nothing; kept as a function in case a request id ever enters the body.
fn strip_ids(html: &str) -> String {
    html.to_owned()
}

async fn a_closed_round_shows_a_clear_page_and_accepts_nothing(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/strategy");
    let form = app.form(&path).await;
    app.admin_post("/api/v1/rounds/smm-2026/close", json!({}))
        .await;
    let page = app.get(&link).await;
    assert_eq!(page.status(), 410);
    assert!(page.text().await.unwrap().contains("not open"));
    let save = app
        .post_form(
            &path,
            &fields(&form, "later", &[("strategy_status", vec!["board".into()])]),
        )
        .await;
    assert_eq!(save.status(), 410);
    assert!(
        entity::response::Entity::find()
            .one(&app.db.conn)
            .await
            .unwrap()
            .is_none()
    );
}

async fn forms_without_a_valid_csrf_token_or_from_another_site_are_refused(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/strategy");
    let form = app.form(&path).await;
    let answers = [("strategy_status", vec!["board".to_owned()])];
    let mut no_token = fields(&form, "later", &answers);
    no_token.retain(|(k, _)| k != "csrf");
    assert_eq!(app.post_form(&path, &no_token).await.status(), 403);
    let mut wrong = fields(&form, "later", &answers);
    wrong[0].1 = "0".repeat(64);
    assert_eq!(app.post_form(&path, &wrong).await.status(), 403);
    // Another organisation's token does not work here either.
    let other = app.invite("smm-2026", "RX1").await;
    let other_form = app.form(&format!("{other}/sections/strategy")).await;
    let mut borrowed = fields(&form, "later", &answers);
    borrowed[0].1 = other_form.csrf;
    assert_eq!(app.post_form(&path, &borrowed).await.status(), 403);
    let cross_site = app
        .client
        .post(app.url(&path))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body(format!(
            "csrf={}&revision=0&a.strategy_status=board",
            form.csrf
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    assert!(
        entity::response::Entity::find()
            .filter(entity::response::Column::Status.is_not_null())
            .one(&app.db.conn)
            .await
            .unwrap()
            .is_none()
    );
}

async fn free_text_round_trips_exactly_and_is_shown_escaped(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/about_you");
    let form = app.form(&path).await;
    let resp = app
        .post_form(
            &path,
            &fields(&form, "later", &[("comments", vec![TRICKY_TEXT.into()])]),
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        stored_answers(&app)
            .await
            .get("comments")
            .and_then(|v| v.as_text()),
        Some(TRICKY_TEXT)
    );
    for page in [path.clone(), format!("{link}/review")] {
        let html = app.get(&page).await.text().await.unwrap();
        assert!(
            !html.contains("<script>alert(1)</script>"),
            "{page} shows the text unescaped"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
                || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
        assert!(
            html.contains("Ysbyty Gwynedd — ŵ ŷ"),
            "{page} mangles Welsh text"
        );
    }
}

crate::on_both_backends!(
    a_comms_lead_fills_in_every_section_reviews_and_submits,
    invalid_input_is_shown_back_with_an_error_summary_and_nothing_typed_is_lost,
    a_hidden_question_is_cleared_and_no_longer_asked,
    a_respondent_can_come_back_later_and_find_their_answers,
    a_save_from_a_stale_page_is_refused_and_shows_what_changed,
    unknown_and_revoked_links_get_the_same_404_page,
    a_closed_round_shows_a_clear_page_and_accepts_nothing,
    forms_without_a_valid_csrf_token_or_from_another_site_are_refused,
    free_text_round_trips_exactly_and_is_shown_escaped,
);
