//! What every respondent page shares: the frame (no caching under a secret URL), the values
//! each page shows, and the pages that say why a link cannot be used.

use crate::service::respond::{self, Access, Context};
use crate::web::Site;
use poem::Response;
use poem::http::{StatusCode, header};
use serde_json::json;

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

/// The page for a link that leads nowhere. Unknown and revoked links get the same page, so it
/// gives no hint whether a link ever existed.
pub(super) fn not_found(state: &Site) -> Response {
    page(
        state,
        "respond/problem.html",
        json!({
            "title": "This link does not work",
            "message": "Check that you copied the whole link from your invitation email. If it still does not work, ask the survey team for a new link.",
        }),
        StatusCode::NOT_FOUND,
    )
}

/// The page for a colleague's link asked for what it may not do (another section, submitting);
/// `reason` is the catalogue's key of the sentence that says why.
pub(super) fn forbidden(state: &Site, reason: &str) -> Response {
    page(
        state,
        "respond/colleague_problem.html",
        json!({ "title": "colleagues-forbidden-title", "reason": reason }),
        StatusCode::FORBIDDEN,
    )
}

pub(super) fn unavailable(state: &Site, err: &impl std::fmt::Display) -> Response {
    tracing::error!(error.cause = %err, "respondent page failed");
    page(
        state,
        "respond/problem.html",
        json!({
            "title": "Sorry, there is a problem with the service",
            "message": "Your answers that were saved are safe. Try again in a few minutes.",
        }),
        StatusCode::SERVICE_UNAVAILABLE,
    )
}

pub(super) fn closed(state: &Site, ctx: &Context) -> Response {
    page(
        state,
        "respond/problem.html",
        json!({
            "title": "This survey round is not open",
            "message": format!(
                "{} is not accepting responses now (it closes on {}). {}",
                ctx.round.name,
                ctx.round.closes_at.format("%-d %B %Y"),
                if ctx.is_submitted() { "Your submitted response is safe." } else { "Contact the survey team if you need more time." }
            ),
        }),
        StatusCode::GONE,
    )
}

/// Resolves the link, or answers with the page that says why it cannot be used.
pub(super) async fn context(state: &Site, secret: &str) -> Result<Context, Response> {
    match respond::open(state, secret).await {
        Ok(Access::Found(ctx)) if ctx.accepting() => Ok(*ctx),
        Ok(Access::Found(ctx)) => Err(closed(state, &ctx)),
        Ok(Access::NotFound) => Err(not_found(state)),
        Err(err) => Err(unavailable(state, &err)),
    }
}

/// Values every respondent page shows.
pub(super) fn common(state: &Site, ctx: &Context, secret: &str) -> serde_json::Value {
    json!({
        "base": format!("/respond/{secret}"),
        "csrf": ctx.csrf_token(state),
        "revision": ctx.revision(),
        "organisation": { "name": ctx.organisation.name, "code": ctx.organisation.code },
        "survey": { "title": ctx.definition.title, "description": ctx.definition.description,
                    "minutes": ctx.definition.estimated_minutes },
        "round": { "name": ctx.round.name, "closes": ctx.round.closes_at.format("%-d %B %Y at %H:%M UTC").to_string() },
        "submitted": ctx.is_submitted(),
        "lead": ctx.hand.is_lead(),
        "submitted_at": ctx.response.as_ref().and_then(|r| r.submitted_at)
            .map(|t| t.format("%-d %B %Y at %H:%M UTC").to_string()),
    })
}

pub(super) fn merge(mut base: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
    if let (Some(b), serde_json::Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}
