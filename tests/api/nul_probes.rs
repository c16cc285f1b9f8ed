//! Every operation in the checked-in OpenAPI document, with a NUL (`%00`) in each of its path and
//! query parameters in turn: none may answer 5xx (on PostgreSQL a NUL that reached a query was a
//! 500), and each must be the 400 `/problems/nul-character` naming the parameter.

use crate::helpers::{Backend, spawn_app};
use crate::respond_api::tiny_round;
use reqwest::Method;

/// A value that names something that exists, for the parameters not under test, so that a probe
/// gets as far into its operation as it can.
fn real_value<'a>(path: &str, name: &str, secret: &'a str) -> &'a str {
    match name {
        "secret" => secret,
        "code" if path.starts_with("/organisations") => "A1",
        "code" => "t1",
        "organisation" => "A1",
        "slug" => "tiny",
        "version" | "id" => "1",
        "section" => "s1",
        _ => "x",
    }
}

async fn a_nul_in_any_parameter_of_any_operation_is_refused_naming_it(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round(&app).await;
    app.create_organisations(&["A1"]).await;
    let link = app.invite("t1", "A1").await;
    let secret = link.trim_start_matches("/respond/").to_owned();

    let file = include_str!("../../openapi/openapi.json");
    let document: serde_json::Value = serde_json::from_str(file).unwrap();
    let mut probes = 0;
    let mut server_errors = Vec::new();
    let mut unnamed = Vec::new();
    for (template, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for probed in &parameters {
                let name = probed["name"].as_str().unwrap();
                let mut path = template.clone();
                let mut query = String::new();
                for parameter in &parameters {
                    let other = parameter["name"].as_str().unwrap();
                    let value = if other == name {
                        "a%00b"
                    } else if parameter["in"] == "path" {
                        real_value(template, other, &secret)
                    } else {
                        continue;
                    };
                    if parameter["in"] == "path" {
                        path = path.replace(&format!("{{{other}}}"), value);
                    } else {
                        query = format!("?{other}={value}");
                    }
                }
                let url = app.url(&format!("/api/v1{path}{query}"));
                let resp = app
                    .client
                    .request(method.clone(), url)
                    .bearer_auth(&app.admin_key)
                    .send()
                    .await
                    .unwrap();
                probes += 1;
                let status = resp.status();
                let body: serde_json::Value = resp.json().await.unwrap_or_default();
                let probe = format!("{method} {template} ({name}): {status} {body}");
                if status.is_server_error() {
                    server_errors.push(probe);
                } else if status != 400
                    || body["type"] != "/problems/nul-character"
                    || body["errors"][0]["path"] != name
                {
                    unnamed.push(probe);
                }
            }
        }
    }
    assert!(probes > 80, "only {probes} probes: is the document empty?");
    assert!(
        server_errors.is_empty() && unnamed.is_empty(),
        "{} of {probes} probes answered 5xx, {} others not the 400 naming the parameter:\n{}",
        server_errors.len(),
        unnamed.len(),
        server_errors
            .iter()
            .chain(&unnamed)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

crate::on_both_backends!(a_nul_in_any_parameter_of_any_operation_is_refused_naming_it);
