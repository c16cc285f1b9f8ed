//! Whether a posted form may be accepted: its size, its CSRF token, and where it came from.

use super::pages::problem;
use crate::catalogue;
use crate::domain::language::Language;
use crate::domain::secret::same_secret;
use crate::service::respond::Context;
use crate::web::Site;
use poem::Response;
use poem::http::{HeaderMap, StatusCode};

/// Most fields a respondent form may carry: one per option of every question on the page is far
/// fewer, and the JSON route takes at most 500 answers.
const MAX_FORM_FIELDS: usize = 1000;

/// Checks the size of the form, the CSRF token, and that a browser did not send the form from
/// another site; returns the refusal page if the form must not be accepted.
pub(super) fn refuse_form(
    state: &Site,
    ctx: &Context,
    headers: &HeaderMap,
    fields: &[(String, String)],
    lang: Language,
) -> Option<Response> {
    if fields.len() > MAX_FORM_FIELDS {
        let message = catalogue::text(
            lang,
            "respond-problem-too-many",
            &[
                ("max", MAX_FORM_FIELDS.into()),
                ("count", fields.len().into()),
            ],
        );
        return Some(problem(
            state,
            lang,
            "respond-problem-too-many-title",
            message,
            StatusCode::PAYLOAD_TOO_LARGE,
        ));
    }
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let cross_site =
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
    let foreign_origin = match (header_str(headers, "origin"), header_str(headers, "host")) {
        (Some(origin), Some(host)) => origin != "null" && origin.split("://").nth(1) != Some(host),
        _ => false,
    };
    if same_secret(token, &ctx.csrf_token(state)) && !cross_site && !foreign_origin {
        None
    } else {
        Some(problem(
            state,
            lang,
            "respond-problem-refused-title",
            catalogue::plain(lang, "respond-problem-refused"),
            StatusCode::FORBIDDEN,
        ))
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub(super) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
