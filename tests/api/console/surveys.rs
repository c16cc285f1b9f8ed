//! Surveys in the console: uploading a definition (errors by path first), its preview as a
//! respondent sees it, and publishing after a confirmation.

use super::{console_get, console_post, sign_in};
use crate::helpers::respondent::shipped_definition;
use crate::helpers::{Backend, SHIPPED, TestApp, spawn_app};
use crate::respond_api::TINY;
use soundings::domain::language::Language;

async fn a_definition_is_uploaded_with_errors_by_path_previewed_and_published(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let upload = "/admin/surveys/upload";
    let broken = TINY.replace("type: yes_no", "type: maybe");
    let resp = console_post(
        &app,
        &admin.cookie,
        upload,
        Some(&admin.csrf),
        &[("format", "yaml"), ("definition", &broken)],
    )
    .await;
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("There is a problem") && html.contains("sections[0].questions[0]"),
        "{html}"
    );
    assert!(
        html.contains("type: maybe"),
        "the document is kept to correct"
    );
    assert_eq!(
        app.get_as(&app.admin_key, "/api/v1/surveys/tiny")
            .await
            .status(),
        404,
        "nothing saved"
    );

    let resp = console_post(
        &app,
        &admin.cookie,
        upload,
        Some(&admin.csrf),
        &[("format", "yaml"), ("definition", TINY)],
    )
    .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/admin/surveys/tiny/versions/1");
    let page = console_get(&app, &admin.cookie, "/admin/surveys/tiny/versions/1")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("draft") && page.contains("Plan?"), "{page}");
    assert!(
        page.contains("type=\"radio\""),
        "questions as a respondent sees them: {page}"
    );

    let confirm = console_get(
        &app,
        &admin.cookie,
        "/admin/surveys/tiny/versions/1/publish",
    )
    .await;
    assert_eq!(confirm.status(), 200);
    let resp = console_post(
        &app,
        &admin.cookie,
        "/admin/surveys/tiny/versions/1/publish",
        Some(&admin.csrf),
        &[],
    )
    .await;
    assert_eq!(resp.status(), 303);
    let version: serde_json::Value = app
        .get_as(&app.admin_key, "/api/v1/surveys/tiny/versions/1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(version["status"], "published", "{version}");
    // Published means immutable: the same upload is now refused, as by the API.
    let resp = console_post(
        &app,
        &admin.cookie,
        upload,
        Some(&admin.csrf),
        &[("format", "yaml"), ("definition", TINY)],
    )
    .await;
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("cannot change"));
}

async fn the_shipped_instrument_previews_every_section(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let def = shipped_definition();
    let resp = console_post(
        &app,
        &admin.cookie,
        "/admin/surveys/upload",
        Some(&admin.csrf),
        &[("format", "yaml"), ("definition", SHIPPED)],
    )
    .await;
    assert_eq!(resp.status(), 303);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let page = console_get(&app, &admin.cookie, &location)
        .await
        .text()
        .await
        .unwrap();
    for section in &def.sections {
        let english = section.title.get(Language::En);
        let title = english.replace('\'', "&#x27;").replace('&', "&amp;");
        assert!(
            page.contains(english) || page.contains(&title),
            "{english} missing"
        );
        for q in &section.questions {
            assert!(
                page.contains(&format!("id=\"question-{}\"", q.key)),
                "{} missing",
                q.key
            );
        }
    }
    let list = console_get(&app, &admin.cookie, "/admin/surveys")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        list.contains(&format!("/admin/surveys/{}/versions/1", def.slug)),
        "{list}"
    );
}

async fn a_researcher_reads_versions_but_cannot_upload_or_publish(backend: Backend) {
    let app = spawn_app(backend).await;
    app.publish_shipped_survey().await;
    let researcher = sign_in(&app, &app.researcher_key).await;
    let list = console_get(&app, &researcher.cookie, "/admin/surveys")
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains("/admin/surveys/upload"), "{list}");
    let resp = console_post(
        &app,
        &researcher.cookie,
        "/admin/surveys/upload",
        Some(&researcher.csrf),
        &[("definition", TINY)],
    )
    .await;
    assert_eq!(resp.status(), 403);
    assert!(resp.text().await.unwrap().contains("needs the admin role"));
}

/// A `multipart/form-data` body with these text fields and one file, as a browser sends it.
fn multipart(fields: &[(&str, &str)], file: (&str, &str)) -> (String, String) {
    let boundary = "----soundings-test-boundary";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n{}\r\n--{boundary}--\r\n",
        file.0, file.1
    ));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A request that sends `file` through the console's file upload, with these form fields.
pub fn file_upload(
    app: &TestApp,
    cookie: &str,
    fields: &[(&str, &str)],
    file: (&str, &str),
) -> reqwest::RequestBuilder {
    let (content_type, body) = multipart(fields, file);
    app.client
        .post(app.url("/admin/surveys/upload-file"))
        .header("cookie", cookie)
        .header("content-type", content_type)
        .body(body)
}

async fn a_definition_file_is_uploaded_with_the_forms_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let send = |fields: Vec<(&'static str, String)>, file: (&'static str, String)| {
        let app = &app;
        let cookie = admin.cookie.clone();
        async move {
            let borrowed: Vec<(&str, &str)> =
                fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let resp = file_upload(app, &cookie, &borrowed, (file.0, &file.1))
                .send()
                .await
                .unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let (status, _) = send(vec![], ("tiny.yaml", TINY.to_owned())).await;
    assert_eq!(status, 403, "no token, no upload");
    let (status, _) = send(
        vec![("csrf", "forged".into())],
        ("tiny.yaml", TINY.to_owned()),
    )
    .await;
    assert_eq!(status, 403);
    let broken = TINY.replace("type: yes_no", "type: maybe");
    let (status, page) = send(vec![("csrf", admin.csrf.clone())], ("tiny.yaml", broken)).await;
    assert_eq!(status, 422);
    assert!(page.contains("sections[0].questions[0]"), "{page}");
    let (status, _) = send(
        vec![("csrf", admin.csrf.clone())],
        ("tiny.yaml", TINY.to_owned()),
    )
    .await;
    assert_eq!(status, 303);
    let version: serde_json::Value = app
        .get_as(&app.admin_key, "/api/v1/surveys/tiny/versions/1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(version["status"], "draft", "{version}");
}

crate::on_both_backends!(
    a_definition_file_is_uploaded_with_the_forms_token,
    a_definition_is_uploaded_with_errors_by_path_previewed_and_published,
    the_shipped_instrument_previews_every_section,
    a_researcher_reads_versions_but_cannot_upload_or_publish,
);
