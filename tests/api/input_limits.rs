//! Every limit on what a client may send answers with a clear error at the limit and accepts what
//! is just inside it: body size, text length, number of answers (JSON and form), CSV rows and
//! invitation batches.

use crate::helpers::respondent::fields;
use crate::helpers::{Backend, TestApp, error_paths, problem, spawn_app, spawn_app_with};
use crate::respond_api::{put_answers, tiny_round};
use reqwest::Method;
use serde_json::json;
use soundings::domain::definition::DEFAULT_TEXT_MAX_LENGTH;
use soundings::domain::organisation::MAX_CSV_ROWS;

async fn invited(app: &TestApp) -> String {
    tiny_round(app).await;
    app.create_organisations(&["A1"]).await;
    app.invite("t1", "A1").await
}

async fn a_text_answer_over_its_max_length_is_refused_by_the_json_route_and_the_form(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let link = invited(&app).await;
    let limit = DEFAULT_TEXT_MAX_LENGTH as usize;

    let too_long = "ŵ".repeat(limit + 1);
    let resp = put_answers(&app, &link, 0, json!({ "notes": too_long })).await;
    assert_eq!(resp.status(), 422);
    let body = problem(resp).await;
    assert_eq!(error_paths(&body), ["answers.notes"]);
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("{limit} characters or fewer")),
        "{message}"
    );
    // Characters, not bytes: exactly the limit of two-byte letters is accepted.
    let resp = put_answers(&app, &link, 0, json!({ "notes": "ŵ".repeat(limit) })).await;
    assert_eq!(resp.status(), 200);

    let path = format!("{link}/sections/s1");
    let form = app.form(&path).await;
    let resp = app
        .post_form(
            &path,
            &fields(&form, "continue", &[("notes", vec!["x".repeat(limit + 1)])]),
        )
        .await;
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains(&format!("Use {limit} characters or fewer")),
        "the form does not say why"
    );
}

async fn more_than_500_answers_are_refused_by_the_json_route_and_1000_fields_by_the_form(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let link = invited(&app).await;

    let many: serde_json::Map<String, serde_json::Value> =
        (0..501).map(|i| (format!("q{i}"), json!("x"))).collect();
    let resp = put_answers(&app, &link, 0, serde_json::Value::Object(many)).await;
    assert_eq!(resp.status(), 400);
    let body = problem(resp).await;
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("maxProperties(500)"), "{detail}");
    // 500 unknown keys get past the count and are named one by one instead.
    let five_hundred: serde_json::Map<String, serde_json::Value> =
        (0..500).map(|i| (format!("q{i}"), json!("x"))).collect();
    let resp = put_answers(&app, &link, 0, serde_json::Value::Object(five_hundred)).await;
    assert_eq!(resp.status(), 422);
    assert_eq!(error_paths(&problem(resp).await).len(), 500);

    let path = format!("{link}/sections/s1");
    let form = app.form(&path).await;
    let mut stuffed = fields(&form, "continue", &[]);
    stuffed.extend((0..1000).map(|i| (format!("a.q{i}"), "x".to_owned())));
    let resp = app.post_form(&path, &stuffed).await;
    assert_eq!(resp.status(), 413);
    let html = resp.text().await.unwrap();
    assert!(html.contains("too many fields"), "{html}");
    assert!(html.contains("at most 1000 fields"), "{html}");
}

async fn a_form_body_over_the_size_limit_gets_a_page_not_json(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.body_limit = 4096).await;
    let link = invited(&app).await;
    let path = format!("{link}/sections/s1");
    let form = app.form(&path).await;
    let resp = app
        .post_form(
            &path,
            &fields(&form, "continue", &[("notes", vec!["x".repeat(8000)])]),
        )
        .await;
    assert_eq!(resp.status(), 413);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("larger than the limit of 4096 bytes"),
        "{html}"
    );
}

fn organisations_csv(rows: usize) -> String {
    let mut csv = String::from("code,name,kind,region,country,size_band\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "Q{i:05},Trust {i},acute,North West,England,large\n"
        ));
    }
    csv
}

async fn a_csv_import_of_more_than_20000_rows_is_refused_whole(backend: Backend) {
    let app = spawn_app(backend).await;
    let resp = app
        .admin_text(
            Method::POST,
            "/api/v1/organisations/import",
            "text/csv",
            &organisations_csv(MAX_CSV_ROWS + 1),
        )
        .await;
    assert_eq!(resp.status(), 422);
    let body = problem(resp).await;
    assert_eq!(
        error_paths(&body),
        [format!("line {}", MAX_CSV_ROWS + 2)],
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at most 20000 organisations")
    );
    let listed = app.admin_get_json("/api/v1/organisations").await;
    assert_eq!(listed["total"], 0, "a refused import stored something");
}

async fn an_invitation_batch_of_more_than_20000_organisations_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round(&app).await;
    let codes: Vec<String> = (0..20_001).map(|i| format!("Q{i:05}")).collect();
    let resp = app
        .admin_post(
            "/api/v1/rounds/t1/invitations",
            json!({ "organisations": codes }),
        )
        .await;
    assert_eq!(resp.status(), 400);
    let detail = problem(resp).await["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("maxItems(20000)"), "{detail}");
}

crate::on_both_backends!(
    a_text_answer_over_its_max_length_is_refused_by_the_json_route_and_the_form,
    more_than_500_answers_are_refused_by_the_json_route_and_1000_fields_by_the_form,
    a_form_body_over_the_size_limit_gets_a_page_not_json,
    a_csv_import_of_more_than_20000_rows_is_refused_whole,
    an_invitation_batch_of_more_than_20000_organisations_is_refused,
);
