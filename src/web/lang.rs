//! What every page reads to pick its language: `?lang=` and the browser's `Accept-Language`.
//! Which of them wins, and what a stored choice adds, is `domain::language::Language::choose`;
//! each kind of page says what it passes (respondent pages also a link's remembered choice, the
//! console neither header nor choice, since it is in English).

use poem::http::{HeaderMap, header};

/// `?lang=cy` (or `?lang=en`) on a page.
#[derive(serde::Deserialize, Default)]
pub struct LangQuery {
    pub lang: Option<String>,
}

/// The browser's `Accept-Language` header, if it sent a readable one.
pub fn accept_language(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
}
