//! Refuses U+0000 (NUL) wherever a request carries text, before any handler runs: in the path, the
//! query string, a form's fields, a JSON body's strings and keys, and as a raw byte in any body.
//! PostgreSQL's `text` cannot hold NUL (SQLite stores it), so without this one check a NUL in a
//! code, a name or an answer became a 500 on PostgreSQL only. The answer is 400
//! `/problems/nul-character` naming the parameter, field or JSON path (an HTML page on pages).
//!
//! Other control characters are a matter for each field's rule (names and codes refuse them in
//! `domain`; free-text answers keep line breaks and tabs), so they pass here.
//!
//! Cheap on the hot path: a body is only parsed when its bytes hold a NUL or an escape that may
//! stand for one (`\u0000` in JSON, `%00` in a form); `\\u0000` (a backslash, then `u0000`)
//! also matches, and the parse then finds no NUL and lets the request through.

use crate::api::problem::{FieldError, Problem, kind};
use crate::app::middleware::refuse;
use crate::service::{Services, keys};
use crate::templates::Templates;
use memchr::memmem;
use poem::{Body, Endpoint, IntoResponse, Middleware, Request, Response, Result};
use serde_json::Value;
use std::sync::Arc;

/// The middleware; see the module's documentation.
pub struct RefuseNul;

impl<E: Endpoint> Middleware<E> for RefuseNul {
    type Output = RefuseNulEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        RefuseNulEndpoint(ep)
    }
}

pub struct RefuseNulEndpoint<E>(E);

impl<E: Endpoint> Endpoint for RefuseNulEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Response> {
        let mut found = in_path(req.uri().path()).or_else(|| req.uri().query().and_then(in_query));
        if found.is_none() {
            // The body limit has already read the body into memory; this takes it and puts it back.
            let body = req.take_body().into_bytes().await.unwrap_or_default();
            found = in_body(req.content_type().unwrap_or_default(), &body);
            req.set_body(Body::from_bytes(body));
        }
        match found {
            Some(found) if refused_here(&req).await => {
                tracing::info!(nul.place = found.place, "a NUL character was refused");
                Ok(refuse(
                    req.uri().path(),
                    req.data::<Arc<Templates>>().map(|t| &**t),
                    &found.problem(),
                ))
            }
            _ => self.0.call(req).await.map(IntoResponse::into_response),
        }
    }
}

/// Whether a request holding a NUL is refused here, or left to what answers it first without
/// reading it: the router, for an address or method no handler takes (404, 405), and an API
/// operation that takes a key, for a missing, wrong or revoked key (401). A caller must learn
/// those first, whatever the request holds.
async fn refused_here(req: &Request) -> bool {
    let path = req.uri().path();
    if !crate::app::allow_header::accepts(path, req.method().as_str()) {
        return false;
    }
    let api = path
        .strip_prefix(crate::api::API_PREFIX)
        .is_some_and(|rest| rest.starts_with('/'));
    if !api || path.starts_with(&format!("{}/respond/", crate::api::API_PREFIX)) {
        return true;
    }
    let token = req
        .headers()
        .get(poem::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (token, req.data::<Services>()) {
        (Some(token), Some(services)) => {
            matches!(
                keys::authenticate(services, token.trim()).await,
                Ok(Some(_))
            )
        }
        _ => false,
    }
}

/// Where a NUL was found: what kind of place (`query parameter`) and its name (`kind`); in a
/// body read as lines (CSV, YAML), the place is `body` and the name `line 3`.
#[derive(Debug, PartialEq, Eq)]
pub struct Found {
    pub place: &'static str,
    pub name: String,
}

impl Found {
    fn new(place: &'static str, name: &str) -> Self {
        // A NUL in a name (a JSON key, a query parameter's name) is shown as its escape.
        Found {
            place,
            name: name.replace('\0', "\\u0000"),
        }
    }

    /// The refusal: the detail says where, and `errors` names the field.
    pub fn problem(&self) -> Problem {
        let subject = match self.place {
            "body" => format!("The body's {}", self.name),
            place => format!("The {place} `{}`", self.name),
        };
        let mut problem = Problem::new(
            kind::NUL_CHARACTER,
            format!(
                "{subject} contains a NUL character (U+0000), which no text may hold; remove it and send the request again."
            ),
        );
        problem.errors = vec![FieldError::new(
            self.name.clone(),
            "must not contain a NUL character (U+0000)",
        )];
        problem
    }
}

/// A NUL in the path, which can only arrive percent-encoded (`%00`): the path parameter that holds
/// it, named by its route's template, or the segment's position on an unknown address.
pub fn in_path(path: &str) -> Option<Found> {
    if !path.contains("%00") {
        return None;
    }
    let index = path
        .split('/')
        .position(|segment| segment.contains("%00"))?;
    Some(match crate::app::allow_header::parameter_at(path, index) {
        Some(name) => Found::new("path parameter", name),
        None => Found::new("path segment", &index.to_string()),
    })
}

/// A NUL in the query string (`%00`, in a parameter's value or its name).
pub fn in_query(query: &str) -> Option<Found> {
    if !query.contains("%00") {
        return None;
    }
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, value)| name.contains('\0') || value.contains('\0'))
        .map(|(name, _)| Found::new("query parameter", &name))
}

/// A NUL in a body: a form's field, a JSON string or key, a multipart part, or a raw NUL byte on
/// a line of any other body (an organisations CSV, a YAML definition).
pub fn in_body(content_type: &str, body: &[u8]) -> Option<Found> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let raw = memchr::memchr(0, body);
    if essence == "application/x-www-form-urlencoded" {
        if raw.is_none() && memmem::find(body, b"%00").is_none() {
            return None;
        }
        return url::form_urlencoded::parse(body)
            .find(|(name, value)| name.contains('\0') || value.contains('\0'))
            .map(|(name, _)| Found::new("form field", &name));
    }
    if let Some(at) = raw {
        let before = &body[..at];
        return Some(match essence.as_str() {
            "multipart/form-data" => {
                let part = memmem::rfind(before, b"name=\"").and_then(|start| {
                    let name = &before[start + 6..];
                    let end = memchr::memchr(b'"', name)?;
                    std::str::from_utf8(&name[..end]).ok()
                });
                Found::new("form part", part.unwrap_or("body"))
            }
            _ => {
                let line = memchr::memchr_iter(b'\n', before).count() + 1;
                Found::new("body", &format!("line {line}"))
            }
        });
    }
    let json = essence == "application/json" || essence.ends_with("+json");
    if json && memmem::find(body, b"\\u0000").is_some() {
        // A body that is not JSON is left to the handler, which refuses it as it would anyway.
        let value: Value = serde_json::from_slice(body).ok()?;
        let at = json_path(&value, "")?;
        return Some(Found::new(
            "JSON body's field",
            if at.is_empty() { "body" } else { &at },
        ));
    }
    None
}

/// The path of the first string or key holding a NUL, as validation errors write paths
/// (`answers.notes`, `organisations[2]`); `Some("")` for a NUL in a top-level string.
fn json_path(value: &Value, at: &str) -> Option<String> {
    match value {
        Value::String(text) => text.contains('\0').then(|| at.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| json_path(item, &format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let child = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            if key.contains('\0') {
                Some(child)
            } else {
                json_path(item, &child)
            }
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(place: &'static str, name: &str) -> Option<Found> {
        Some(Found::new(place, name))
    }

    #[test]
    fn a_nul_in_the_path_is_named_by_its_route() {
        assert_eq!(
            in_path("/api/v1/rounds/r%001/open"),
            found("path parameter", "code")
        );
        assert_eq!(
            in_path("/api/v1/respond/abc/delegates/1/sections/cul%00ture"),
            found("path parameter", "section")
        );
        assert_eq!(in_path("/nowhere/a%00"), found("path segment", "2"));
        assert_eq!(in_path("/api/v1/rounds/r%2500"), None);
        assert_eq!(in_path("/api/v1/rounds/r1"), None);
    }

    #[test]
    fn a_nul_in_the_query_names_the_parameter() {
        assert_eq!(
            in_query("page=1&kind=ac%00ute"),
            found("query parameter", "kind")
        );
        assert_eq!(
            in_query("ki%00nd=acute"),
            found("query parameter", "ki\\u0000nd")
        );
        assert_eq!(in_query("kind=%2500"), None);
    }

    #[test]
    fn a_nul_in_a_json_string_or_key_is_named_by_its_path() {
        let json = "application/json";
        assert_eq!(
            in_body(json, br#"{"name":"a\u0000b"}"#),
            found("JSON body's field", "name")
        );
        assert_eq!(
            in_body(
                "application/json; charset=utf-8",
                br#"{"answers":{"q1":"x","notes":["ok","\u0000"]}}"#
            ),
            found("JSON body's field", "answers.notes[1]")
        );
        assert_eq!(
            in_body(json, br#"{"answers":{"no\u0000tes":"x"}}"#),
            found("JSON body's field", "answers.no\\u0000tes")
        );
        assert_eq!(
            in_body(json, br#""\u0000""#),
            found("JSON body's field", "body")
        );
        // A literal backslash followed by `u0000` is no NUL.
        assert_eq!(in_body(json, br#"{"name":"a\\u0000b"}"#), None);
        assert_eq!(in_body(json, r#"{"name":"ŵ"}"#.as_bytes()), None);
        // Not JSON at all: the handler's parser refuses it.
        assert_eq!(in_body(json, br#"{"name":"\u0000"#), None);
    }

    #[test]
    fn a_nul_in_a_form_names_the_field() {
        let form = "application/x-www-form-urlencoded";
        assert_eq!(
            in_body(form, b"csrf=x&name=a%00b"),
            found("form field", "name")
        );
        assert_eq!(
            in_body(form, b"csrf=x&name=a\0b"),
            found("form field", "name")
        );
        assert_eq!(in_body(form, b"csrf=x&name=%2500"), None);
    }

    #[test]
    fn a_raw_nul_byte_is_refused_in_any_body() {
        assert_eq!(
            in_body("text/csv", b"code,name\nA1,x\nA2,a\0b\n"),
            found("body", "line 3")
        );
        assert_eq!(
            in_body(
                "multipart/form-data; boundary=b",
                b"--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nti\0tle\r\n--b--"
            ),
            found("form part", "file")
        );
        assert_eq!(
            in_body("application/yaml", b"title: a\0"),
            found("body", "line 1")
        );
        assert_eq!(
            in_body("application/json", b"{\"a\":\"\0\"}"),
            found("body", "line 1")
        );
        assert_eq!(in_body("", b""), None);
    }
}
