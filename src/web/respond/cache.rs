//! Respondent pages as last rendered, kept per process and served again while nothing they show
//! has changed. Whether anything changed is asked of the database on every request, in one
//! indexed lookup (`service::respond::check_link`): the invitation (a revoked link is refused at
//! once, on every instance), the round's last change and window, the organisation's revision and
//! the response's. So a page that has not changed costs that lookup and no rendering, and no
//! instance can serve a page that another instance's write made stale.
//!
//! Only pages rendered for a plain GET are kept (no typed input, no errors, no banner), and only
//! while the round accepts responses. The language a page is in is part of its key and of its
//! `ETag`: the language asked for (`?lang=`, else the one chosen earlier for the link, which the
//! same lookup reads, else the browser's `Accept-Language`).
//!
//! Each answer carries an `ETag`, and a request whose
//! `If-None-Match` names it gets a 304.

use super::pages::{accept_language, browser_language, context, not_found, remember, unavailable};
use crate::domain::language::Language;
use crate::service::respond::{self, Context, PageKey};
use crate::web::Site;
use poem::http::{HeaderMap, HeaderValue, StatusCode, header};
use poem::{IntoResponse, Response};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use std::sync::Arc;

/// At most this many bytes of pages are kept; the least recently used go first.
const CAPACITY_BYTES: u64 = 16 * 1024 * 1024;
/// A guess of how many pages fit, for the cache's tables (pages are 10–40 kB).
const ESTIMATED_PAGES: usize = 1024;

/// Which page: its key, its language, the page (`start`, `section`, `review`) and its argument
/// (a section's key).
type PageId = (PageKey, Language, &'static str, Arc<str>);

/// One rendered page.
#[derive(Clone)]
struct Rendered {
    etag: Arc<str>,
    body: bytes::Bytes,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<PageId, Rendered> for ByBytes {
    fn weight(&self, _key: &PageId, page: &Rendered) -> u64 {
        page.body.len() as u64 + 128
    }
}

/// The cache of rendered pages, keyed by the page's key, which page (`start`, `section`,
/// `review`) and its argument (the section's key). Beside it, the last key each link's pages
/// were rendered with, so a link none of whose pages are kept costs no extra lookup.
#[derive(Clone)]
pub struct PageCache {
    pages: Arc<Cache<PageId, Rendered, ByBytes>>,
    links: Arc<Cache<Arc<str>, PageKey>>,
}

impl Default for PageCache {
    fn default() -> Self {
        Self {
            pages: Arc::new(Cache::with_weighter(
                ESTIMATED_PAGES,
                CAPACITY_BYTES,
                ByBytes,
            )),
            links: Arc::new(Cache::new(ESTIMATED_PAGES * 4)),
        }
    }
}

/// Answers a GET of one of a link's pages: from the cache if the page was rendered for the
/// link's current state, otherwise by `render` (which is given the link's context), keeping the
/// result. A link that cannot be used gets its page (404, 410, 503) as it always does.
pub(super) async fn serve(
    state: &Site,
    secret: &str,
    page: &'static str,
    argument: &str,
    headers: &HeaderMap,
    wanted: Option<&str>,
    render: impl FnOnce(&Context, Language) -> Response,
) -> Response {
    let secret: Arc<str> = Arc::from(secret);
    let argument: Arc<str> = Arc::from(argument);
    let explicit = wanted.and_then(Language::parse);
    if state.pages.links.get(&secret).is_some() {
        match respond::check_link(state, &secret).await {
            // A new explicit choice is remembered below, so it skips the kept page.
            Ok(Some(link))
                if link.accepting && explicit.is_none_or(|l| Some(l) == link.stored_language()) =>
            {
                let stored = link.stored_language().map(Language::code);
                let requested = Language::choose(wanted, stored, accept_language(headers));
                let id = (link.key, requested, page, argument.clone());
                if let Some(found) = state.pages.pages.get(&id) {
                    return answer(found, headers);
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => {
                state.pages.links.remove(&secret);
                return not_found(state, browser_language(headers));
            }
            Err(err) => return unavailable(state, browser_language(headers), &err),
        }
    }
    let mut ctx = match context(state, &secret, headers).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    remember(state, &mut ctx, wanted).await;
    let requested = Language::choose(
        wanted,
        ctx.invitation.language.as_deref(),
        accept_language(headers),
    );
    let resp = render(&ctx, ctx.definition.language_for(requested));
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let key = ctx.page_key();
    let body = match resp.into_body().into_bytes().await {
        Ok(body) => body,
        Err(err) => return unavailable(state, browser_language(headers), &err),
    };
    let rendered = Rendered {
        etag: Arc::from(format!("\"{}-{page}-{requested}\"", key.tag())),
        body,
    };
    state.pages.links.insert(secret, key);
    state
        .pages
        .pages
        .insert((key, requested, page, argument), rendered.clone());
    answer(rendered, headers)
}

/// The page, or 304 if the client already holds it. Still `no-store`: these pages sit under a
/// secret URL, so no shared cache may keep them.
fn answer(page: Rendered, headers: &HeaderMap) -> Response {
    let etag = HeaderValue::from_str(&page.etag).unwrap_or(HeaderValue::from_static("\"\""));
    let held = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == &*page.etag));
    let mut resp = if held {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::builder()
            .status(StatusCode::OK)
            .content_type("text/html; charset=utf-8")
            .body(page.body)
    };
    let h = resp.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    resp
}
