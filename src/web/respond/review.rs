//! The review page with every answer, submitting, and the confirmation.

use super::forms::{field, refuse_form};
use super::pages::{
    LangQuery, closed, common, context, forbidden, language, merge, page, unavailable,
};
use super::view::{field_id, review};
use crate::catalogue;
use crate::domain::language::Language;
use crate::service::respond::{self, Context, Refusal};
use crate::web::Site;
use poem::http::{HeaderMap, StatusCode};
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{IntoResponse, Response, handler};
use serde_json::json;

#[handler]
pub(super) async fn review_page(
    state: Data<&Site>,
    Path(secret): Path<String>,
    Query(query): Query<LangQuery>,
    headers: &HeaderMap,
) -> Response {
    let wanted = query.lang.as_deref();
    super::cache::serve(
        &state,
        &secret,
        "review",
        "",
        headers,
        wanted,
        |ctx, lang| {
            if !ctx.hand.is_lead() {
                return forbidden(&state, lang, "colleagues-forbidden-review");
            }
            render_review(&state, ctx, &secret, vec![], StatusCode::OK, lang)
        },
    )
    .await
}

fn render_review(
    state: &Site,
    ctx: &Context,
    secret: &str,
    errors: Vec<serde_json::Value>,
    status: StatusCode,
    lang: Language,
) -> Response {
    let def = ctx.definition.localized(lang);
    let sections: Vec<serde_json::Value> = review(&def, &ctx.answers, lang)
        .into_iter()
        .map(|(key, title, rows)| {
            let hands = super::colleagues::section_hands(ctx, &key);
            json!({ "key": key, "title": title, "rows": rows, "hands": hands })
        })
        .collect();
    page(
        state,
        "respond/review.html",
        merge(
            common(
                state,
                ctx,
                secret,
                lang,
                &format!("/respond/{secret}/review"),
            ),
            json!({
                "sections": sections, "errors": errors,
            }),
        ),
        status,
    )
}

#[handler]
pub(super) async fn submit(
    state: Data<&Site>,
    Path(secret): Path<String>,
    headers: &HeaderMap,
    form: poem::Result<Form<Vec<(String, String)>>>,
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
    let expected = field(&fields, "revision")
        .and_then(|r| r.parse::<i32>().ok())
        .unwrap_or(-1);
    match respond::submit(&state, &ctx, expected).await {
        Ok(_) => Redirect::see_other(format!("/respond/{secret}/submitted")).into_response(),
        Err(Refusal::Invalid(problems)) => {
            let errors = problems
                .into_iter()
                .map(|e| {
                    let section = ctx
                        .definition
                        .sections
                        .iter()
                        .find(|s| s.questions.iter().any(|q| q.key == e.question))
                        .map(|s| s.key.clone())
                        .unwrap_or_default();
                    json!({ "href": format!("/respond/{secret}/sections/{section}#{}", field_id(&e.question)), "text": super::errors::in_language(&e.message, ctx.definition.question(&e.question), lang) })
                })
                .collect();
            render_review(
                &state,
                &ctx,
                &secret,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
            )
        }
        Err(Refusal::Stale { .. }) => {
            let errors = vec![json!({ "href": format!("/respond/{secret}/review"),
                "text": catalogue::plain(lang, "respond-stale-review") })];
            match context(&state, &secret, headers).await {
                Ok(fresh) => {
                    render_review(&state, &fresh, &secret, errors, StatusCode::CONFLICT, lang)
                }
                Err(resp) => resp,
            }
        }
        Err(Refusal::Closed) => closed(&state, &ctx, lang),
        Err(Refusal::Forbidden(_)) => forbidden(&state, lang, "colleagues-forbidden-review"),
        Err(Refusal::Failed(err)) => unavailable(&state, lang, &err),
    }
}

#[handler]
pub(super) async fn submitted(
    state: Data<&Site>,
    Path(secret): Path<String>,
    Query(query): Query<LangQuery>,
    headers: &HeaderMap,
) -> Response {
    let mut ctx = match context(&state, &secret, headers).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    let wanted = query.lang.as_deref();
    super::pages::remember(&state, &mut ctx, wanted).await;
    let lang = language(&ctx, wanted, headers);
    if !ctx.is_submitted() {
        return Redirect::see_other(format!("/respond/{secret}/review")).into_response();
    }
    page(
        &state,
        "respond/submitted.html",
        common(
            &state,
            &ctx,
            &secret,
            lang,
            &format!("/respond/{secret}/submitted"),
        ),
        StatusCode::OK,
    )
}
