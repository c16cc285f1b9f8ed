//! What every respondent page shares: the frame (no caching under a secret URL), the language it
//! is in, the values each page shows, and the pages that say why a link cannot be used.

use crate::catalogue::{self, plain};
use crate::domain::language::Language;
use crate::service::respond::{self, Access, Context};
use crate::web::Site;
// `?lang=cy` on any respondent page shows it in that language and remembers the choice.
pub(super) use crate::web::lang::{LangQuery, accept_language};
use poem::Response;
use poem::http::{HeaderMap, StatusCode, header};
use serde_json::json;

/// The browser's preferred language of ours, for pages shown before a link is known.
pub(super) fn browser_language(headers: &HeaderMap) -> Language {
    Language::choose(None, None, accept_language(headers))
}

/// The language of a link's pages: `?lang=` first, then the language chosen earlier for the
/// link, then the browser's; always one the survey version offers (English otherwise).
pub(super) fn language(ctx: &Context, wanted: Option<&str>, headers: &HeaderMap) -> Language {
    let chosen = Language::choose(
        wanted,
        ctx.invitation.language.as_deref(),
        accept_language(headers),
    );
    ctx.definition.language_for(chosen)
}

/// Shows the page in the language asked for with `?lang=`, remembering it for the link (when
/// the version offers that language). A failure to remember is logged, not shown: the page
/// itself is still right.
pub(super) async fn remember(state: &Site, ctx: &mut Context, wanted: Option<&str>) {
    let Some(language) = wanted.and_then(Language::parse) else {
        return;
    };
    if ctx.definition.offers(language)
        && let Err(err) = respond::choose_language(state, ctx, language).await
    {
        tracing::error!(error.cause = %err, "language choice not stored");
    }
}

/// Renders a respondent page. These pages sit under a secret URL, so nothing may cache them.
pub(super) fn page(
    state: &Site,
    template: &str,
    ctx: serde_json::Value,
    status: StatusCode,
) -> Response {
    let mut resp = state.templates.page(template, ctx);
    if resp.status().is_success() {
        resp.set_status(status);
    }
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    resp
}

/// A page that only says what is wrong.
pub(super) fn problem(
    state: &Site,
    lang: Language,
    title: &str,
    message: String,
    status: StatusCode,
) -> Response {
    page(
        state,
        "respond/problem.html",
        json!({ "lang": lang.code(), "title": plain(lang, title), "message": message }),
        status,
    )
}

/// The page for a link that leads nowhere. Unknown and revoked links get the same page, so it
/// gives no hint whether a link ever existed.
pub(super) fn not_found(state: &Site, lang: Language) -> Response {
    problem(
        state,
        lang,
        "respond-problem-not-found-title",
        plain(lang, "respond-problem-not-found"),
        StatusCode::NOT_FOUND,
    )
}

/// The page for a colleague's link asked for what it may not do (another section, submitting);
/// `reason` is the catalogue's key of the sentence that says why.
pub(super) fn forbidden(state: &Site, lang: Language, reason: &str) -> Response {
    problem(
        state,
        lang,
        "colleagues-forbidden-title",
        format!(
            "{} {}",
            plain(lang, reason),
            plain(lang, "colleagues-forbidden-ask")
        ),
        StatusCode::FORBIDDEN,
    )
}

pub(super) fn unavailable(state: &Site, lang: Language, err: &impl std::fmt::Display) -> Response {
    tracing::error!(error.cause = %err, "respondent page failed");
    problem(
        state,
        lang,
        "respond-problem-unavailable-title",
        plain(lang, "respond-problem-unavailable"),
        StatusCode::SERVICE_UNAVAILABLE,
    )
}

pub(super) fn closed(state: &Site, ctx: &Context, lang: Language) -> Response {
    let closes = lang.date(ctx.round.closes_at.date_naive());
    let first = catalogue::text(
        lang,
        "respond-problem-closed",
        &[
            ("round", ctx.round.name.as_str().into()),
            ("closes", closes.into()),
        ],
    );
    let then = if ctx.is_submitted() {
        "respond-problem-closed-submitted"
    } else {
        "respond-problem-closed-more-time"
    };
    problem(
        state,
        lang,
        "respond-problem-closed-title",
        format!("{first} {}", plain(lang, then)),
        StatusCode::GONE,
    )
}

/// Resolves the link, or answers with the page that says why it cannot be used (in the
/// language the link's pages are in, or the browser's when the link leads nowhere).
pub(super) async fn context(
    state: &Site,
    secret: &str,
    headers: &HeaderMap,
) -> Result<Context, Response> {
    let browser = browser_language(headers);
    match respond::open(state, secret).await {
        Ok(Access::Found(ctx)) if ctx.accepting() => Ok(*ctx),
        Ok(Access::Found(ctx)) => Err(closed(state, &ctx, language(&ctx, None, headers))),
        Ok(Access::NotFound) => Err(not_found(state, browser)),
        Err(err) => Err(unavailable(state, browser, &err)),
    }
}

/// Values every respondent page shows. `here` is the page's path, which the language switch
/// links to with the other language.
pub(super) fn common(
    state: &Site,
    ctx: &Context,
    secret: &str,
    lang: Language,
    here: &str,
) -> serde_json::Value {
    let def = ctx.definition.localized(lang);
    let other = lang.other();
    let switch = ctx.definition.offers(other).then(|| {
        json!({ "code": other.code(), "name": other.own_name(),
                "href": format!("{here}?lang={}", other.code()) })
    });
    json!({
        "lang": lang.code(),
        "switch": switch,
        "base": format!("/respond/{secret}"),
        "csrf": ctx.csrf_token(state),
        "revision": ctx.revision(),
        "organisation": { "name": ctx.organisation.name, "code": ctx.organisation.code },
        "survey": { "title": def.title, "description": def.description,
                    "minutes": def.estimated_minutes },
        "round": { "name": ctx.round.name, "closes": lang.date_time(ctx.round.closes_at) },
        "submitted": ctx.is_submitted(),
        "lead": ctx.hand.is_lead(),
        "submitted_at": ctx.response.as_ref().and_then(|r| r.submitted_at)
            .map(|t| lang.date_time(t)),
    })
}

pub(super) fn merge(mut base: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
    if let (Some(b), serde_json::Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}
