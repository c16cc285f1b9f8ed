//! The pages for several colleagues per organisation (issue 21): the lead's list of colleagues
//! and the form that hands them sections (the new colleague's link is shown once), revoking a
//! colleague and taking a section back; a colleague marking a section ready; and what the
//! start and review pages show about who is answering what.

use super::forms::{field, refuse_form};
use super::pages::{common, context, forbidden, language, merge, page, problem, unavailable};
use crate::catalogue::plain;
use crate::domain::definition::Definition;
use crate::domain::delegation::delegate_id;
use crate::domain::language::Language;
use crate::service::ServiceError;
use crate::service::respond::Context;
use crate::service::respond::delegates as service;
use crate::web::Site;
use poem::http::{HeaderMap, StatusCode};
use poem::web::{Data, Form, Path, Redirect};
use poem::{IntoResponse, Response, handler};
use serde_json::json;

type Fields = poem::Result<Form<Vec<(String, String)>>>;

/// What the start page shows about colleagues: for the lead, each colleague with the sections
/// they hold and the sections still free to hand over; for a colleague, nothing more.
pub(super) fn colleagues_view(ctx: &Context, lang: Language) -> serde_json::Value {
    if !ctx.hand.is_lead() {
        return json!({ "lead": false });
    }
    let def = &ctx.definition;
    let colleagues: Vec<serde_json::Value> = ctx
        .hands
        .delegates
        .iter()
        .map(|d| {
            let sections: Vec<serde_json::Value> = d
                .sections
                .iter()
                .map(|(key, is_ready)| json!({ "key": key, "title": title(def, key, lang), "ready": is_ready }))
                .collect();
            json!({ "id": d.id, "name": d.name, "email": d.email, "sections": sections })
        })
        .collect();
    let free: Vec<serde_json::Value> = def
        .sections
        .iter()
        .filter(|s| ctx.hands.holder(&s.key).is_none())
        .map(|s| json!({ "key": s.key, "title": s.title.get(lang) }))
        .collect();
    json!({ "lead": true, "colleagues": colleagues, "free_sections": free })
}

/// Per section, for the lead's review page: who is answering it, whether they marked it
/// ready, and who saved it last.
pub(super) fn section_hands(ctx: &Context, section: &str) -> serde_json::Value {
    let holder = ctx
        .hands
        .holder(section)
        .map(|(d, is_ready)| json!({ "name": d.name, "ready": is_ready }));
    let saved_by = ctx
        .hands
        .section_saved_by
        .get(section)
        .map(|label| match delegate_id(label) {
            None => json!({ "lead": true }),
            Some(id) => match ctx.hands.delegates.iter().find(|d| d.id == id) {
                Some(d) => json!({ "name": d.name }),
                None => json!({ "former": id }),
            },
        });
    json!({ "holder": holder, "saved_by": saved_by })
}

fn title(def: &Definition, key: &str, lang: Language) -> String {
    def.section(key)
        .map_or_else(|| key.to_owned(), |s| s.title.get(lang).to_owned())
}

/// A colleague's marks: which of their sections they said are ready.
pub(super) fn ready_marks(ctx: &Context) -> Vec<String> {
    ctx.hands
        .delegates
        .iter()
        .filter(|d| d.id == ctx.hand.id())
        .flat_map(|d| {
            d.sections
                .iter()
                .filter(|(_, r)| *r)
                .map(|(k, _)| k.clone())
        })
        .collect()
}

/// The 403 page for a section this link does not hold, if it does not.
pub(super) fn refuse_section(
    state: &Site,
    ctx: &Context,
    section: &str,
    lang: Language,
) -> Option<Response> {
    (!ctx.hand.holds(section)).then(|| forbidden(state, lang, "colleagues-forbidden-section"))
}

/// The lead hands sections to a colleague; the page shows the colleague's link once.
#[handler]
pub(super) async fn add(
    state: Data<&Site>,
    Path(secret): Path<String>,
    headers: &HeaderMap,
    form: Fields,
) -> Response {
    let ctx = match context(&state, &secret, headers).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    let lang = language(&ctx, None, headers);
    let fields = form.map(|Form(f)| f).unwrap_or_default();
    if let Some(refusal) = refuse_form(&state, &ctx, headers, &fields, lang) {
        return refusal;
    }
    let name = field(&fields, "name").unwrap_or_default();
    let email = field(&fields, "email").unwrap_or_default();
    let sections: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "sections")
        .map(|(_, v)| v.clone())
        .collect();
    let (status, extra) = match service::invite(&state, &ctx, name, email, &sections).await {
        Ok(invited) => (
            StatusCode::OK,
            json!({ "invited": { "name": invited.delegate.name, "link": invited.link,
                                 "emailed": invited.emailed,
                                 "sections": invited.delegate.sections.iter()
                                     .map(|(k, _)| title(&ctx.definition, k, lang)).collect::<Vec<_>>() } }),
        ),
        // The page words each problem in its own language; the API keeps the service's words.
        Err(ServiceError::Invalid { issues, .. }) => {
            let mut errors: Vec<serde_json::Value> = Vec::new();
            for field in ["name", "email", "sections"] {
                if issues
                    .iter()
                    .any(|i| i.path.split('[').next() == Some(field))
                {
                    errors.push(json!({ "href": format!("#colleague-{field}"),
                        "text": plain(lang, &format!("colleagues-error-{field}")) }));
                }
            }
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "errors": errors }),
            )
        }
        Err(ServiceError::Conflict(_)) => (
            StatusCode::CONFLICT,
            json!({ "errors": [{ "href": "#colleague-sections",
                                 "text": plain(lang, "colleagues-error-taken") }] }),
        ),
        Err(err) => return refused(&state, lang, err),
    };
    let typed = json!({ "name": name, "email": email, "sections": sections });
    page(
        &state,
        "respond/colleague.html",
        merge(
            merge(
                common(&state, &ctx, &secret, lang, &format!("/respond/{secret}")),
                colleagues_view(&ctx, lang),
            ),
            merge(json!({ "typed": typed }), extra),
        ),
        status,
    )
}

/// The lead ends a colleague's link.
#[handler]
pub(super) async fn revoke(
    state: Data<&Site>,
    Path((secret, id)): Path<(String, i32)>,
    headers: &HeaderMap,
    form: Fields,
) -> Response {
    act(&state, &secret, headers, form, |ctx| async move {
        service::revoke(&state, &ctx, id).await
    })
    .await
}

/// The lead takes a section back from a colleague.
#[handler]
pub(super) async fn take_back(
    state: Data<&Site>,
    Path((secret, id, section)): Path<(String, i32, String)>,
    headers: &HeaderMap,
    form: Fields,
) -> Response {
    act(&state, &secret, headers, form, |ctx| async move {
        service::take_back(&state, &ctx, id, &section).await
    })
    .await
}

/// A colleague marks one of their sections ready (`ready=1`) or not ready (`ready=0`).
#[handler]
pub(super) async fn ready(
    state: Data<&Site>,
    Path((secret, section)): Path<(String, String)>,
    headers: &HeaderMap,
    form: Fields,
) -> Response {
    let fields = match &form {
        Ok(Form(f)) => f.clone(),
        Err(_) => Vec::new(),
    };
    let ready = field(&fields, "ready") != Some("0");
    act(&state, &secret, headers, form, |ctx| async move {
        service::mark_ready(&state, &ctx, &section, ready).await
    })
    .await
}

/// Checks the form, runs `action` on the link's context and goes back to the start page.
async fn act<F, Fut>(
    state: &Site,
    secret: &str,
    headers: &HeaderMap,
    form: Fields,
    action: F,
) -> Response
where
    F: FnOnce(Context) -> Fut,
    Fut: std::future::Future<Output = Result<(), ServiceError>>,
{
    let ctx = match context(state, secret, headers).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    let lang = language(&ctx, None, headers);
    let fields = form.map(|Form(f)| f).unwrap_or_default();
    if let Some(refusal) = refuse_form(state, &ctx, headers, &fields, lang) {
        return refusal;
    }
    match action(ctx).await {
        Ok(()) => Redirect::see_other(format!("/respond/{secret}")).into_response(),
        Err(err) => refused(state, lang, err),
    }
}

fn refused(state: &Site, lang: Language, err: ServiceError) -> Response {
    match err {
        ServiceError::Forbidden(_) => forbidden(state, lang, "colleagues-forbidden-other"),
        ServiceError::NotFound(message) | ServiceError::Conflict(message) => problem(
            state,
            lang,
            "colleagues-problem-title",
            message,
            StatusCode::CONFLICT,
        ),
        err => unavailable(state, lang, &err),
    }
}
