//! Text that has no place in a request (issue 29): NUL anywhere is refused at the edge with a 400
//! naming where it was (a page on pages), control characters in names and codes with a 422 naming
//! the field, and CSV imports that would have merged rows or answered megabytes of errors.
//! `nul_probes.rs` sends NUL in every parameter of every operation.

use crate::console::{console_post, sign_in};
use crate::helpers::respondent::fields;
use crate::helpers::{Backend, TestApp, error_paths, problem, spawn_app};
use crate::organisations::import;
use crate::respond_api::{put_answers, tiny_round};
use reqwest::Method;
use serde_json::json;

const NUL_TYPE: &str = "/problems/nul-character";
const HEADER: &str = "code,name,kind,region,country,size_band\n";

/// Asserts a 400 `/problems/nul-character` naming `path` in `errors`.
async fn refused_naming(resp: reqwest::Response, path: &str, what: &str) {
    assert_eq!(resp.status(), 400, "{what}");
    let body = problem(resp).await;
    assert_eq!(body["type"], NUL_TYPE, "{what}: {body}");
    assert_eq!(error_paths(&body), [path], "{what}: {body}");
}

/// Asserts an HTML page with `status` (not problem+json).
async fn page_with(resp: reqwest::Response, status: u16, what: &str) -> String {
    assert_eq!(resp.status(), status, "{what}");
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("text/html"),
        "{what}: {content_type}"
    );
    resp.text().await.unwrap()
}

/// The console's "Check the file" step, signed in as the admin.
async fn preview_in_console(app: &TestApp, csv: &str) -> reqwest::Response {
    let admin = sign_in(app, &app.admin_key).await;
    let preview = "/admin/organisations/import/preview";
    console_post(
        app,
        &admin.cookie,
        preview,
        Some(&admin.csrf),
        &[("csv", csv)],
    )
    .await
}

async fn organisation_count(app: &TestApp) -> u64 {
    app.admin_get_json("/api/v1/organisations").await["total"]
        .as_u64()
        .unwrap()
}

async fn a_nul_in_a_path_or_query_parameter_is_refused_naming_it(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round(&app).await;
    app.create_organisations(&["A1"]).await;
    let link = app.invite("t1", "A1").await;
    let admin = Some(app.admin_key.as_str());

    for (path, parameter) in [
        ("/api/v1/organisations?kind=acute%00", "kind"),
        ("/api/v1/rounds?survey=ti%00ny", "survey"),
        ("/api/v1/audit-events?action=%00", "action"),
        (
            "/api/v1/rounds/t1/deliveries?organisation=A%001",
            "organisation",
        ),
        ("/api/v1/rounds/t%001", "code"),
        ("/api/v1/organisations/A%001", "code"),
        ("/api/v1/surveys/ti%00ny", "slug"),
    ] {
        let resp = app.send(Method::GET, admin, path, None).await;
        refused_naming(resp, parameter, path).await;
    }
    // A caller without a valid key learns that first, as from any operation that takes one.
    for key in [None, Some("not-a-key")] {
        let resp = app
            .send(Method::GET, key, "/api/v1/rounds/t%001?kind=%00", None)
            .await;
        assert_eq!(resp.status(), 401, "{key:?}");
    }
    // An address or a method no handler takes is that, whatever the request holds.
    let resp = app
        .send(Method::GET, admin, "/api/v1/nowhere/%00", None)
        .await;
    assert_eq!(resp.status(), 404);
    let resp = app
        .send(Method::PUT, admin, "/api/v1/rounds/t%001", None)
        .await;
    assert_eq!(resp.status(), 405);
    // Nothing but a respondent's link is needed for this one.
    let path = format!("/api/v1{link}/delegates/1/sections/cul%00ture");
    let resp = app.send(Method::DELETE, None, &path, None).await;
    refused_naming(resp, "section", &path).await;
}

async fn a_nul_in_a_json_string_or_key_is_refused_naming_its_path(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round(&app).await;
    app.create_organisations(&["A1"]).await;
    let link = app.invite("t1", "A1").await;
    let org = json!({ "code": "B1", "name": "B\u{0}Trust", "kind": "acute",
        "region": "North West", "country": "England", "size_band": "large" });
    let now = chrono::Utc::now();
    let round = json!({ "code": "t2", "name": "Two\u{0}", "survey": "tiny", "version": 1,
        "opens_at": now, "closes_at": now + chrono::Duration::days(30) });
    for (method, path, body, field) in [
        (Method::POST, "/api/v1/organisations", org, "name"),
        (Method::POST, "/api/v1/rounds", round, "name"),
        (
            Method::PATCH,
            "/api/v1/rounds/t1",
            json!({ "name": "\u{0}" }),
            "name",
        ),
        (
            Method::POST,
            "/api/v1/surveys",
            json!({ "slug": "s", "title": "T\u{0}" }),
            "title",
        ),
        (
            Method::POST,
            "/api/v1/rounds/t1/invitations/send",
            json!({ "organisations": ["A1", "A\u{0}"] }),
            "organisations[1]",
        ),
        (
            Method::POST,
            "/api/v1/rounds/t1/reminders",
            json!({ "organisations": ["A\u{0}"] }),
            "organisations[0]",
        ),
    ] {
        let what = format!("{method} {path}");
        let resp = app
            .send(method, Some(&app.admin_key), path, Some(body))
            .await;
        refused_naming(resp, field, &what).await;
    }
    // A free-text answer may hold line breaks and tabs, but not NUL; nor may a key.
    let resp = put_answers(&app, &link, 0, json!({ "notes": "one\n\ttwo\u{0}" })).await;
    refused_naming(resp, "answers.notes", "a NUL in an answer").await;
    let resp = put_answers(&app, &link, 0, json!({ "no\u{0}tes": "x" })).await;
    refused_naming(resp, "answers.no\\u0000tes", "a NUL in a key").await;
    let resp = put_answers(&app, &link, 0, json!({ "notes": "one\n\ttwo" })).await;
    assert_eq!(resp.status(), 200, "line breaks and tabs are kept");
    // A backslash before `u0000` is text, not a NUL.
    let resp = put_answers(&app, &link, 1, json!({ "notes": "C:\\u0000" })).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(organisation_count(&app).await, 1);
}

async fn control_characters_in_names_and_codes_are_refused_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round(&app).await;
    let org = json!({ "code": "B1", "name": "B\u{7} Trust", "kind": "acute",
        "region": "North\nWest", "country": "England", "size_band": "large" });
    for (method, path, body, fields) in [
        (
            Method::POST,
            "/api/v1/organisations",
            org,
            vec!["name", "region"],
        ),
        (
            Method::PATCH,
            "/api/v1/rounds/t1",
            json!({ "name": "One\nTwo" }),
            vec!["name"],
        ),
        (
            Method::POST,
            "/api/v1/surveys",
            json!({ "slug": "s\u{7}x", "title": "T\u{1b}[31m" }),
            vec!["slug", "title"],
        ),
    ] {
        let what = format!("{method} {path}");
        let resp = app
            .send(method, Some(&app.admin_key), path, Some(body))
            .await;
        assert_eq!(resp.status(), 422, "{what}");
        assert_eq!(error_paths(&problem(resp).await), fields, "{what}");
    }
    // A definition's texts are free, but a YAML "\0" reads as NUL.
    let yaml = crate::respond_api::TINY
        .replace("version: 1", "version: 2")
        .replace("title: Tiny", "title: \"Ti\\0ny\"");
    let resp = app
        .admin_text(
            Method::PUT,
            "/api/v1/surveys/tiny/versions/2",
            "application/yaml",
            &yaml,
        )
        .await;
    assert_eq!(resp.status(), 422);
    assert_eq!(error_paths(&problem(resp).await), ["title"]);
    assert_eq!(organisation_count(&app).await, 0);
}

async fn a_csv_with_a_nul_a_control_character_or_an_open_quote_names_the_line(backend: Backend) {
    let app = spawn_app(backend).await;
    let good = "A1,Alpha,acute,L,England,large\n";
    let resp = import(
        &app,
        &format!("{HEADER}{good}B1,B\u{0}eta,acute,L,England,large\n"),
    )
    .await;
    refused_naming(resp, "line 3", "a NUL in a CSV").await;

    let resp = import(
        &app,
        &format!("{HEADER}{good}B1,B\u{7}eta,acute,L,England,large\n"),
    )
    .await;
    assert_eq!(resp.status(), 422);
    assert_eq!(error_paths(&problem(resp).await), ["line 3: name"]);

    // An open quote once merged the next line into this organisation's name.
    let csv = format!("{HEADER}{good}Q1,\"abc,acute,L,E,m\nQ2,abc\",acute,L,E,m\n");
    let resp = import(&app, &csv).await;
    assert_eq!(resp.status(), 422);
    let body = problem(resp).await;
    assert_eq!(error_paths(&body), ["line 3"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("quote")
    );
    assert_eq!(organisation_count(&app).await, 0);
}

async fn a_csv_of_thousands_of_empty_rows_lists_the_first_problems_and_the_total(backend: Backend) {
    let app = spawn_app(backend).await;
    let csv = format!("{HEADER}{}", ",,,,,\n".repeat(19_999));
    let resp = import(&app, &csv).await;
    assert_eq!(resp.status(), 422);
    let body = resp.bytes().await.unwrap();
    assert!(body.len() < 50_000, "a {} byte answer", body.len());
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["errors"].as_array().unwrap().len(), 100);
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("119994 problems"), "{detail}");

    let resp = preview_in_console(&app, &csv).await;
    let html = page_with(resp, 422, "the console's preview").await;
    assert!(html.len() < 400_000, "a {} byte page", html.len());
    assert!(html.contains("119994 problems"));
}

async fn pages_refuse_a_nul_or_an_unreadable_query_with_a_page(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round(&app).await;
    app.create_organisations(&["A1"]).await;
    let link = app.invite("t1", "A1").await;

    for path in [
        format!("{link}?lang=cy&lang=en"),
        format!("{link}?lang=%00"),
        format!("{link}/sections/s%001"),
        "/share/ab%00c".to_owned(),
    ] {
        let html = page_with(app.get(&path).await, 400, &path).await;
        assert!(html.contains("<html"), "{path}");
    }
    let path = format!("{link}/sections/s1");
    let form = app.form(&path).await;
    let resp = app
        .post_form(
            &path,
            &fields(&form, "continue", &[("notes", vec!["a\u{0}".into()])]),
        )
        .await;
    let html = page_with(resp, 400, "a NUL in a respondent's form").await;
    assert!(html.contains("a.notes"), "the page names the field");

    let admin = sign_in(&app, &app.admin_key).await;
    let csv = format!("{HEADER}A1,A\u{0},acute,L,England,large\n");
    let resp = preview_in_console(&app, &csv).await;
    page_with(resp, 400, "a NUL in the console's CSV").await;
    let resp = console_post(
        &app,
        &admin.cookie,
        "/admin/rounds",
        Some(&admin.csrf),
        &[("name", "x\u{0}")],
    )
    .await;
    page_with(resp, 400, "a NUL in a console form").await;
}

crate::on_both_backends!(
    a_nul_in_a_path_or_query_parameter_is_refused_naming_it,
    a_nul_in_a_json_string_or_key_is_refused_naming_its_path,
    control_characters_in_names_and_codes_are_refused_naming_the_field,
    a_csv_with_a_nul_a_control_character_or_an_open_quote_names_the_line,
    a_csv_of_thousands_of_empty_rows_lists_the_first_problems_and_the_total,
    pages_refuse_a_nul_or_an_unreadable_query_with_a_page,
);
